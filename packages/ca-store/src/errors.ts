/**
 * The one error class of `@kzpki/ca-store`. The store reports what is wrong with the database or
 * with a key envelope; the CA and the status service turn these into their own errors (a wrong
 * passphrase is `ERR_UNAUTHORIZED` to the CA, a configuration error to the status service).
 *
 * @example
 * ```ts
 * try {
 *   openKeyEnvelope(kek, envelope, aad);
 * } catch (e) {
 *   if (isCaStoreError(e, 'ERR_KEY_DECRYPT')) console.error('wrong passphrase');
 * }
 * ```
 */

/**
 * Stable error codes of the store:
 * - `ERR_SCHEMA_TOO_NEW`: the database was written by a newer version (refused, never downgraded);
 * - `ERR_STORE_OPEN`: the database cannot be opened (missing file, not a kzpki store);
 * - `ERR_KEY_ENVELOPE`: an encrypted key is corrupt or in an unknown format;
 * - `ERR_KEY_DECRYPT`: an encrypted key does not open under the given key-encryption key (wrong
 *   passphrase, or the envelope was moved to another slot or altered).
 */
export type CaStoreErrorCode =
  | 'ERR_SCHEMA_TOO_NEW'
  | 'ERR_STORE_OPEN'
  | 'ERR_KEY_ENVELOPE'
  | 'ERR_KEY_DECRYPT';

/** Error thrown by the store; `code` says what went wrong (messages never contain key material). */
export class CaStoreError extends Error {
  /** Stable machine-readable code. */
  readonly code: CaStoreErrorCode;

  constructor(code: CaStoreErrorCode, message: string, options: { cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'CaStoreError';
    this.code = code;
  }
}

/** Type guard: `true` when `e` is a {@link CaStoreError}, optionally with the given code. */
export function isCaStoreError(e: unknown, code?: CaStoreErrorCode): e is CaStoreError {
  return e instanceof CaStoreError && (code === undefined || e.code === code);
}
