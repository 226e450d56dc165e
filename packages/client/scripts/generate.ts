/**
 * Generates `src/generated/{ca,status,verify}.ts` from `openapi/{ca,status,verify}.yaml` with openapi-typescript.
 *
 *   tsx scripts/generate.ts          write the files (`pnpm generate`)
 *   tsx scripts/generate.ts --check  exit 1 when a committed file differs from a fresh generation
 *                                    (`pnpm check-generated`; test/generated.test.ts does the same)
 *
 * The generated files are committed so that consumers need neither the specs nor the generator,
 * and the check keeps them from drifting from the specs, which are the single source of truth.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import openapiTS, { astToString, COMMENT_HEADER } from 'openapi-typescript';

const PACKAGE_DIR = join(dirname(fileURLToPath(import.meta.url)), '..');
const REPO_DIR = join(PACKAGE_DIR, '..', '..');

/** The specs and the files generated from them. */
export const GENERATED_FILES = [
  { spec: join(REPO_DIR, 'openapi', 'ca.yaml'), out: join(PACKAGE_DIR, 'src', 'generated', 'ca.ts') },
  { spec: join(REPO_DIR, 'openapi', 'status.yaml'), out: join(PACKAGE_DIR, 'src', 'generated', 'status.ts') },
  { spec: join(REPO_DIR, 'openapi', 'verify.yaml'), out: join(PACKAGE_DIR, 'src', 'generated', 'verify.ts') },
] as const;

/** The TypeScript types of one spec, exactly as `openapi-typescript <spec>` prints them. */
export async function generateTypes(specPath: string): Promise<string> {
  const ast = await openapiTS(pathToFileURL(specPath));
  return COMMENT_HEADER + astToString(ast);
}

/** Generated files whose committed content differs from a fresh generation (paths relative to the repo). */
export async function staleGeneratedFiles(): Promise<string[]> {
  const stale: string[] = [];
  for (const { spec, out } of GENERATED_FILES) {
    let committed: string | undefined;
    try {
      committed = readFileSync(out, 'utf8');
    } catch {
      committed = undefined;
    }
    if (committed !== (await generateTypes(spec))) stale.push(relative(REPO_DIR, out));
  }
  return stale;
}

async function run(check: boolean): Promise<number> {
  if (check) {
    const stale = await staleGeneratedFiles();
    for (const file of stale)
      console.error(`${file} is out of date with its spec: run \`pnpm --filter @kzpki/client generate\``);
    if (stale.length === 0) console.log('generated client types are up to date');
    return stale.length === 0 ? 0 : 1;
  }
  for (const { spec, out } of GENERATED_FILES) {
    writeFileSync(out, await generateTypes(spec));
    console.log(`${relative(REPO_DIR, spec)} -> ${relative(REPO_DIR, out)}`);
  }
  return 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = await run(process.argv.includes('--check'));
}
