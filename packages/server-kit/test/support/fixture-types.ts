/**
 * The fixture spec's types, made exactly as `@kzpki/client` makes the services' (openapi-typescript),
 * so the handler typing is tested on real generator output. `tsx test/support/fixture-types.ts`
 * rewrites `test/fixtures/generated/pets.ts` (biome leaves `generated/` alone); test/typed-routes.test.ts fails when it is stale.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import openapiTS, { astToString, COMMENT_HEADER } from 'openapi-typescript';

/** The fixture spec and its generated types. */
export const FIXTURE = {
  spec: fileURLToPath(new URL('../fixtures/pets.yaml', import.meta.url)),
  types: fileURLToPath(new URL('../fixtures/generated/pets.ts', import.meta.url)),
};

/** The types of the fixture spec, as openapi-typescript prints them. */
export async function fixtureTypes(): Promise<string> {
  return COMMENT_HEADER + astToString(await openapiTS(pathToFileURL(FIXTURE.spec)));
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  writeFileSync(FIXTURE.types, await fixtureTypes());
  console.log(`wrote ${FIXTURE.types}`);
}
