/**
 * The one error class of `@kzpki/status`. HTTP handlers turn a {@link StatusError} into an
 * `application/problem+json` body (RFC 9457) whose `code` is the stable {@link StatusErrorCode};
 * the same codes are listed in `openapi/status.yaml`.
 *
 * @example
 * ```ts
 * throw new StatusError('ERR_APPLICATION_NOT_FOUND', 'No application with this number');
 * ```
 */

/** Stable error codes of the status service (the `code` member of every problem+json body). */
export type StatusErrorCode =
  // request shape
  | 'ERR_VALIDATION'
  | 'ERR_UNSUPPORTED_MEDIA_TYPE'
  | 'ERR_PAYLOAD_TOO_LARGE'
  | 'ERR_NOT_FOUND'
  | 'ERR_METHOD_NOT_ALLOWED'
  // JSON endpoints
  | 'ERR_APPLICATION_NOT_FOUND'
  | 'ERR_RATE_LIMITED'
  | 'ERR_CERTIFICATE_INVALID'
  // CRLs and material
  | 'ERR_CRL_NOT_AVAILABLE'
  | 'ERR_ISSUER_UNKNOWN'
  // configuration and sources
  | 'ERR_CONFIG'
  | 'ERR_SOURCE'
  | 'ERR_NOT_READY'
  | 'ERR_INTERNAL';

/** HTTP status that goes with each code. */
export const STATUS_ERROR_HTTP: Readonly<Record<StatusErrorCode, number>> = {
  ERR_VALIDATION: 400,
  ERR_UNSUPPORTED_MEDIA_TYPE: 415,
  ERR_PAYLOAD_TOO_LARGE: 413,
  ERR_NOT_FOUND: 404,
  ERR_METHOD_NOT_ALLOWED: 405,
  ERR_APPLICATION_NOT_FOUND: 404,
  ERR_RATE_LIMITED: 429,
  ERR_CERTIFICATE_INVALID: 422,
  ERR_CRL_NOT_AVAILABLE: 503,
  ERR_ISSUER_UNKNOWN: 404,
  ERR_CONFIG: 500,
  ERR_SOURCE: 503,
  ERR_NOT_READY: 503,
  ERR_INTERNAL: 500,
};

/** Error thrown by the status service; `code` says what went wrong. */
export class StatusError extends Error {
  /** Stable machine-readable code. */
  readonly code: StatusErrorCode;
  /** Optional structured details returned to the client (never secrets). */
  readonly details: Readonly<Record<string, unknown>> | undefined;

  constructor(
    code: StatusErrorCode,
    message: string,
    options: { cause?: unknown; details?: Record<string, unknown> } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'StatusError';
    this.code = code;
    this.details = options.details;
  }

  /** The HTTP status for this error (what the server kit's problem helpers read). */
  get status(): number {
    return STATUS_ERROR_HTTP[this.code];
  }
}

/** Type guard: `true` when `e` is a {@link StatusError}, optionally with the given code. */
export function isStatusError(e: unknown, code?: StatusErrorCode): e is StatusError {
  return e instanceof StatusError && (code === undefined || e.code === code);
}
