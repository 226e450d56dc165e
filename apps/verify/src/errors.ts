/**
 * The one error class of the verification service. Wire codes become problem+json (RFC 9457) with
 * the status below; `ERR_CONFIG` stops the start. The kit's own codes (`ERR_VALIDATION`,
 * `ERR_PAYLOAD_TOO_LARGE`, `ERR_RATE_LIMITED`, ...) come from `@kzpki/server-kit`.
 *
 * @example
 * ```ts
 * throw new VerifyError('ERR_CMS_INVALID', 'The CMS cannot be read');
 * ```
 */

/** HTTP status of each code. */
export const VERIFY_ERROR_STATUS = {
  /** The `cms` member is not a CMS SignedData (or not base64/PEM). */
  ERR_CMS_INVALID: 400,
  /** A certificate is not a well-formed X.509 certificate. */
  ERR_CERTIFICATE_INVALID: 400,
  /** The key file is not a PKCS#12 file this service can open. */
  ERR_KEY_FILE_INVALID: 400,
  /** The key file's password is wrong. */
  ERR_KEY_FILE_PASSWORD: 400,
  /** Start-up: a trust anchor file or setting is unusable. */
  ERR_CONFIG: 500,
} as const satisfies Record<string, number>;

/** Stable codes of the verification service. */
export type VerifyErrorCode = keyof typeof VERIFY_ERROR_STATUS;

/** Error of the verification service; `status` is the HTTP status of `code`. */
export class VerifyError extends Error {
  readonly code: VerifyErrorCode;
  readonly status: number;
  readonly details: Readonly<Record<string, unknown>>;

  constructor(
    code: VerifyErrorCode,
    message: string,
    options: { cause?: unknown; details?: Record<string, unknown> } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'VerifyError';
    this.code = code;
    this.status = VERIFY_ERROR_STATUS[code];
    this.details = options.details ?? {};
  }
}

/** `true` when `e` is a {@link VerifyError}, optionally with the given code. */
export function isVerifyError(e: unknown, code?: VerifyErrorCode): e is VerifyError {
  return e instanceof VerifyError && (code === undefined || e.code === code);
}
