/**
 * The portal's one error class. `code` is the contract the screens branch on; an API failure
 * carries the server's problem (with its own stable `code`), key-file failures carry the
 * `@kzpki/pki` error as `cause`. Messages never contain passwords or key material.
 */
import type { Problem } from './api/types.js';

/** Stable codes of {@link PortalError}. */
export type PortalErrorCode =
  /** The server could not be reached (or answered with something that is not the API). */
  | 'ERR_NETWORK'
  /** The API answered with problem details (see `problem.code`). */
  | 'ERR_API'
  /** The key file is not a PKCS#12 key store, or holds no usable key and certificate. */
  | 'ERR_KEY_FILE'
  /** Wrong key-file password. */
  | 'ERR_KEY_FILE_PASSWORD'
  /** Not an X.509 certificate (PEM or DER). */
  | 'ERR_CERTIFICATE_FILE'
  /** The key file is not of the kind needed here (e.g. a SIGN key where an AUTH key is needed). */
  | 'ERR_KEY_PURPOSE'
  /** The picture could not be decoded as an image. */
  | 'ERR_IMAGE'
  /** The camera could not be opened. */
  | 'ERR_CAMERA'
  /** The browser's key storage (IndexedDB) is unavailable or failed. */
  | 'ERR_STORAGE'
  /** No private keys for this application in this browser. */
  | 'ERR_KEYS_NOT_FOUND'
  /** NCALayer did not do what was asked (not running, cancelled, failed); see `ncalayerCode`. */
  | 'ERR_NCALAYER';

/** Error of the portal. */
export class PortalError extends Error {
  /** Stable machine-readable code. */
  readonly code: PortalErrorCode;
  /** Problem details of an `ERR_API` failure. */
  readonly problem?: Problem;
  /** The key purpose an `ERR_KEY_PURPOSE` failure needed. */
  readonly neededPurpose?: 'auth' | 'sign';
  /** The `@kzpki/ncalayer` code of an `ERR_NCALAYER` failure. */
  readonly ncalayerCode?: string;

  constructor(
    code: PortalErrorCode,
    message: string,
    options: {
      cause?: unknown;
      problem?: Problem;
      neededPurpose?: 'auth' | 'sign';
      ncalayerCode?: string;
    } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'PortalError';
    this.code = code;
    if (options.problem) this.problem = options.problem;
    if (options.neededPurpose) this.neededPurpose = options.neededPurpose;
    if (options.ncalayerCode) this.ncalayerCode = options.ncalayerCode;
  }
}

/** `true` when `e` is a {@link PortalError} (optionally with `code`). */
export function isPortalError(e: unknown, code?: PortalErrorCode): e is PortalError {
  return e instanceof PortalError && (code === undefined || e.code === code);
}

/** The API problem code of `e`, if it is an API failure. */
export function problemCode(e: unknown): string | undefined {
  return isPortalError(e, 'ERR_API') ? e.problem?.code : undefined;
}
