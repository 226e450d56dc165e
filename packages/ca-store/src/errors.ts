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
 *   passphrase, or the envelope was moved to another slot or altered);
 * - `ERR_DUPLICATE`: a write broke a uniqueness rule of the schema; `constraint` says which (a
 *   serial number or a public key certified twice, an application number taken, a CA key slot
 *   written twice), whatever the database;
 * - `ERR_STORE_LOCATION`: a store location (`sqlite:<path>`, a path, `postgres://...`) is not
 *   understood;
 * - `ERR_STORE_NOT_EMPTY`: a copy into a store that already holds a CA was refused;
 * - `ERR_STORE_SYNC`: the disk failed to make a SQLite commit durable (fsync of the WAL failed):
 *   the store refuses every later call until the process restarts.
 */
export type CaStoreErrorCode =
  | 'ERR_SCHEMA_TOO_NEW'
  | 'ERR_STORE_OPEN'
  | 'ERR_KEY_ENVELOPE'
  | 'ERR_KEY_DECRYPT'
  | 'ERR_DUPLICATE'
  | 'ERR_STORE_LOCATION'
  | 'ERR_STORE_NOT_EMPTY'
  | 'ERR_STORE_SYNC';

/** The uniqueness rule an `ERR_DUPLICATE` broke. */
export type DuplicateConstraint = 'serial' | 'public-key' | 'application-number' | 'ca-key' | 'other';

/** Error thrown by the store; `code` says what went wrong (messages never contain key material). */
export class CaStoreError extends Error {
  /** Stable machine-readable code. */
  readonly code: CaStoreErrorCode;
  /** For `ERR_DUPLICATE`: the uniqueness rule broken. */
  readonly constraint?: DuplicateConstraint;

  constructor(
    code: CaStoreErrorCode,
    message: string,
    options: { cause?: unknown; constraint?: DuplicateConstraint } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'CaStoreError';
    this.code = code;
    if (options.constraint !== undefined) this.constraint = options.constraint;
  }
}

/**
 * `true` when `e` is an `ERR_DUPLICATE` of the given constraint.
 * @example
 * ```ts
 * if (isDuplicate(e, 'serial')) continue; // sign again with a new random serial
 * ```
 */
export function isDuplicate(e: unknown, constraint: DuplicateConstraint): e is CaStoreError {
  return isCaStoreError(e, 'ERR_DUPLICATE') && e.constraint === constraint;
}

/** Type guard: `true` when `e` is a {@link CaStoreError}, optionally with the given code. */
export function isCaStoreError(e: unknown, code?: CaStoreErrorCode): e is CaStoreError {
  return e instanceof CaStoreError && (code === undefined || e.code === code);
}
