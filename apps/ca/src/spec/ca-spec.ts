/**
 * `openapi/ca.yaml`, the contract of the CA API, compiled by the server kit's validator. The
 * server mounts exactly the operations of this document, each with the handler of the route table
 * typed from the same document (`routes/types.ts`), so the spec and the implementation cannot
 * drift apart.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { OpenApiValidator } from '@kzpki/server-kit';

/** Path of the spec in the repository (`openapi/ca.yaml`, four levels above this file). */
export function defaultSpecPath(): string {
  return join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..', 'openapi', 'ca.yaml');
}

/**
 * The compiled spec (loaded once per file).
 * @throws {ServerKitError} `ERR_SPEC_INVALID` when it cannot be read or does not compile.
 * @example
 * ```ts
 * loadCaSpec().operation('startApplication').expressPath; // '/v1/applications'
 * ```
 */
export function loadCaSpec(path: string = defaultSpecPath()): OpenApiValidator {
  return OpenApiValidator.load(path);
}
