/**
 * The one error class of `@kzpki/client`. A refusal by the CA or the status service (an RFC 9457
 * problem+json response) keeps the server's stable `code`; failures on the client side (network,
 * an unexpected response, a rejected application, a wrong key-file password) have client codes.
 */
import type { components as CaComponents } from './generated/ca.js';
import type { components as StatusComponents } from './generated/status.js';

/** Error codes of the CA API (`ErrorCode` of `openapi/ca.yaml`). */
export type CaErrorCode = CaComponents['schemas']['ErrorCode'];

/** Error codes of the status service (`Problem.code` of `openapi/status.yaml`). */
export type StatusErrorCode = StatusComponents['schemas']['Problem']['code'];

/** Codes of failures detected by the client itself. */
export type ClientErrorCode =
  /** The service could not be reached (connection refused, DNS, TLS, reset). */
  | 'ERR_NETWORK'
  /** An HTTP error response that is not problem+json (a proxy's error page, say). */
  | 'ERR_HTTP'
  /** A response the client cannot use (not JSON where JSON is due, a required field missing). */
  | 'ERR_INVALID_RESPONSE'
  /** The caller's `AbortSignal` fired. */
  | 'ERR_ABORTED'
  /** An option is missing or malformed. */
  | 'ERR_INVALID_ARGUMENT'
  /** The key-file password does not meet the NCA rule (`details.violations`). */
  | 'ERR_PASSWORD_POLICY'
  /** The one-time code could not be obtained (the `otp` callback failed or found none). */
  | 'ERR_OTP_UNAVAILABLE'
  /** The phone number for Digital ID could not be obtained (the `phone` callback failed or found none). */
  | 'ERR_PHONE_UNAVAILABLE'
  /** The approver rejected the application. */
  | 'ERR_APPLICATION_REJECTED'
  /** The operator rejected the identification after moderation. */
  | 'ERR_IDENTIFICATION_REJECTED'
  /** Waiting for approval or moderation took longer than allowed; the application is still pending. */
  | 'ERR_WAIT_TIMEOUT'
  /** The application reached a state the flow cannot continue from. */
  | 'ERR_UNEXPECTED_STATE'
  /** A key file does not open with the password given. */
  | 'ERR_KEY_FILE_BAD_PASSWORD'
  /** A key file is not a usable PKCS #12 store (or lacks the certificate role needed). */
  | 'ERR_KEY_FILE_INVALID'
  /** A decision needs the approver's SIGN key file. */
  | 'ERR_SIGN_KEY_REQUIRED';

/** Every code a {@link KzpkiApiError} may carry. */
export type KzpkiApiErrorCode = CaErrorCode | StatusErrorCode | ClientErrorCode;

/** An RFC 9457 problem details object as the services send it (with extension members). */
export interface ProblemDetails {
  type?: string;
  title?: string;
  status?: number;
  detail?: string;
  code?: string;
  [extension: string]: unknown;
}

/** Options of the {@link KzpkiApiError} constructor. */
export interface KzpkiApiErrorOptions {
  /** HTTP status of the response, when the error came from one. */
  status?: number;
  /** The problem details object of the response (extension members included). */
  problem?: ProblemDetails;
  /** Structured data about a client-side failure. */
  details?: Record<string, unknown>;
  cause?: unknown;
}

/**
 * A failed call or flow step. Branch on `code` (stable), never on `message`.
 *
 * @example
 * ```ts
 * try {
 *   await enroll(options);
 * } catch (e) {
 *   if (isKzpkiApiError(e, 'ERR_PHONE_NOT_REGISTERED')) console.log(e.problem?.registration);
 *   else throw e;
 * }
 * ```
 */
export class KzpkiApiError extends Error {
  /** Stable machine-readable code: the server's, or a {@link ClientErrorCode}. */
  readonly code: KzpkiApiErrorCode;
  /** HTTP status, when the error is an HTTP response. */
  readonly status: number | undefined;
  /** The server's human-readable explanation (`detail`), when it sent one. */
  readonly detail: string | undefined;
  /** The whole problem object (extension members such as `retryAfter` or `registration`). */
  readonly problem: ProblemDetails | undefined;
  /** Structured data about a client-side failure. */
  readonly details: Record<string, unknown>;

  constructor(code: KzpkiApiErrorCode, message: string, options: KzpkiApiErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'KzpkiApiError';
    this.code = code;
    this.status = options.status;
    this.problem = options.problem;
    this.detail = typeof options.problem?.detail === 'string' ? options.problem.detail : undefined;
    this.details = options.details ?? {};
  }

  /** Seconds the server asked to wait (`Retry-After` / `retryAfter`), for `ERR_RATE_LIMITED` and the like. */
  get retryAfterSeconds(): number | undefined {
    const v = this.problem?.retryAfter ?? this.details.retryAfter;
    return typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : undefined;
  }
}

/** `true` when `e` is a {@link KzpkiApiError} (with one of `codes`, when given). */
export function isKzpkiApiError(e: unknown, ...codes: KzpkiApiErrorCode[]): e is KzpkiApiError {
  return e instanceof KzpkiApiError && (codes.length === 0 || codes.includes(e.code));
}
