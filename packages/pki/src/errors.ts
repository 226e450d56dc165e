/**
 * The one error class of `@kzpki/pki`. Every failure this package reports is a {@link PkiError}
 * with a stable {@link PkiErrorCode}: codes are the contract, messages are for people and may change.
 *
 * @example
 * ```ts
 * try {
 *   await openPkcs12(bytes, password);
 * } catch (e) {
 *   if (e instanceof PkiError && e.code === 'ERR_PKCS12_BAD_PASSWORD') askAgain();
 * }
 * ```
 */

/** Stable error codes of `@kzpki/pki`. */
export type PkiErrorCode =
  // input and encoding
  | 'ERR_INVALID_ARGUMENT'
  | 'ERR_ENCODING_INVALID'
  | 'ERR_ASN1_INVALID'
  | 'ERR_UNSUPPORTED_ALGORITHM'
  // certificates, profiles
  | 'ERR_CERTIFICATE_INVALID'
  | 'ERR_TEMPLATE_UNKNOWN'
  | 'ERR_PROFILE_INVALID'
  | 'ERR_SUBJECT_INVALID'
  | 'ERR_SIGNATURE_INVALID'
  // keys and requests
  | 'ERR_KEY_INVALID'
  | 'ERR_KEY_TOO_WEAK'
  | 'ERR_CSR_INVALID'
  | 'ERR_CSR_SIGNATURE_INVALID'
  // chains
  | 'ERR_CHAIN_INVALID'
  // PKCS#12
  | 'ERR_PKCS12_INVALID'
  | 'ERR_PKCS12_BAD_PASSWORD'
  | 'ERR_PKCS12_UNSUPPORTED'
  | 'ERR_PASSWORD_POLICY'
  // CRL
  | 'ERR_CRL_INVALID'
  // OCSP
  | 'ERR_OCSP_REQUEST_INVALID'
  | 'ERR_OCSP_RESPONSE_INVALID'
  | 'ERR_OCSP_NONCE_MISMATCH'
  // CMS and timestamps
  | 'ERR_CMS_INVALID'
  | 'ERR_CMS_CONTENT_MISSING'
  | 'ERR_TSP_INVALID'
  | 'ERR_TSP_REJECTED'
  | 'ERR_TSP_NONCE_MISMATCH'
  // network (TSA, OCSP and CRL fetches)
  | 'ERR_NETWORK';

/** Error thrown by every function of `@kzpki/pki`; `code` says what went wrong. */
export class PkiError extends Error {
  /** Stable machine-readable code. */
  readonly code: PkiErrorCode;
  /** Optional structured details (e.g. the violations of a password, the offset of bad DER). */
  readonly details: Readonly<Record<string, unknown>> | undefined;

  constructor(
    code: PkiErrorCode,
    message: string,
    options: { cause?: unknown; details?: Record<string, unknown> } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'PkiError';
    this.code = code;
    this.details = options.details;
  }
}

/** Type guard: `true` when `e` is a {@link PkiError}, optionally with the given code. */
export function isPkiError(e: unknown, code?: PkiErrorCode): e is PkiError {
  return e instanceof PkiError && (code === undefined || e.code === code);
}
