/**
 * `openapi/status.yaml` as the single source of truth at run time: the status service's binding of
 * the server kit's validator (ajv, compiled once per file) to its own spec file.
 */
import { fileURLToPath } from 'node:url';
import { OpenApiValidator as KitValidator } from '@kzpki/server-kit';

export type { ValidationIssue } from '@kzpki/server-kit';

/** Default location of the spec: `openapi/status.yaml` at the repository root. */
export function defaultSpecPath(): string {
  // src/http/openapi.ts and dist/http/openapi.js are both four levels below the repository root.
  return fileURLToPath(new URL('../../../../openapi/status.yaml', import.meta.url));
}

/** The compiled status spec (the kit's validator). */
export type OpenApiValidator = KitValidator;

/** Loads the status spec. */
export const OpenApiValidator = {
  /**
   * Loads and compiles `specPath` (default: the repository's `openapi/status.yaml`), once per file.
   * @throws {ServerKitError} `ERR_SPEC_INVALID` when the file is missing or not a usable document.
   * @example
   * ```ts
   * OpenApiValidator.load().checkParameters('getApplicationStatus', { path: { number: '27888601100404' } }); // []
   * ```
   */
  load(specPath: string = defaultSpecPath()): KitValidator {
    return KitValidator.load(specPath);
  },
};
