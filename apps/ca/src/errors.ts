/**
 * The one error class of `@kzpki/ca`. Every refusal of the CA (a business rule, an illegal
 * transition, a failed signature check) is a {@link CaError} with a stable {@link CaErrorCode};
 * the HTTP layer turns it into `application/problem+json` with the same `code` (the `ErrorCode`
 * enum of `openapi/ca.yaml`, kept identical by a test).
 *
 * @example
 * ```ts
 * try {
 *   await service.verifyOtp(id, code);
 * } catch (e) {
 *   if (isCaError(e, 'OTP_EXPIRED')) await service.resendOtp(id);
 * }
 * ```
 */

/** HTTP status of every code: the code is the contract, the status follows from it. */
export const CA_ERROR_STATUS = {
  VALIDATION_FAILED: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  RATE_LIMITED: 429,
  INVALID_TRANSITION: 409,
  APPLICATION_EXPIRED: 410,
  IDEMPOTENCY_KEY_REUSED: 422,
  IDEMPOTENCY_IN_PROGRESS: 409,
  IIN_INVALID: 422,
  BIN_INVALID: 422,
  APPLICATION_NUMBER_INVALID: 400,
  TEMPLATE_KIND_MISMATCH: 422,
  BIN_REQUIRED: 422,
  BIN_NOT_ALLOWED: 422,
  PERSON_NOT_FOUND: 422,
  ORGANIZATION_NOT_FOUND: 422,
  NOT_FIRST_MANAGER: 422,
  NOT_TREASURY_PARTICIPANT: 422,
  PHONE_NOT_REGISTERED: 422,
  PHONE_ALREADY_REGISTERED: 422,
  OTP_INVALID: 422,
  OTP_EXPIRED: 410,
  OTP_ATTEMPTS_EXCEEDED: 422,
  OTP_RESEND_TOO_EARLY: 429,
  LIVENESS_FAILED: 422,
  FACE_MISMATCH: 422,
  DOCUMENT_NOT_RECOGNIZED: 422,
  PIN_TOO_SIMPLE: 422,
  PIN_INVALID: 422,
  PIN_ATTEMPTS_EXCEEDED: 422,
  AGREEMENT_VERSION_MISMATCH: 422,
  CSR_INVALID: 422,
  CSR_SIGNATURE_INVALID: 422,
  KEY_TOO_WEAK: 422,
  KEY_ALGORITHM_NOT_ALLOWED: 422,
  CSR_SUBJECT_MISMATCH: 422,
  CSR_TEMPLATE_MISMATCH: 422,
  CSR_KEY_REUSED: 422,
  EMAIL_MISMATCH: 422,
  TEST_MODE_REQUIRED: 422,
  VALIDITY_INVALID: 422,
  CHALLENGE_INVALID: 401,
  CERTIFICATE_INVALID: 422,
  CERTIFICATE_UNTRUSTED: 401,
  CERTIFICATE_EXPIRED: 401,
  CERTIFICATE_REVOKED: 401,
  CERTIFICATE_WRONG_PURPOSE: 422,
  SIGNATURE_INVALID: 401,
  NOT_AN_OPERATOR: 403,
  APPROVER_NOT_AUTHORIZED: 403,
  APPROVER_ORGANIZATION_MISMATCH: 403,
  SELF_APPROVAL_FORBIDDEN: 403,
  SIGNER_MISMATCH: 403,
  CERTIFICATE_NOT_FOUND: 404,
  REVOCATION_NOT_ALLOWED: 403,
  REASON_NOT_ALLOWED: 422,
  ALREADY_REVOKED: 409,
  NOT_ON_HOLD: 409,
  PROOF_OF_POSSESSION_INVALID: 422,
  INTERNAL_ERROR: 500,
} as const satisfies Record<string, number>;

/** Stable error codes of the CA (the `ErrorCode` enum of `openapi/ca.yaml`). */
export type CaErrorCode = keyof typeof CA_ERROR_STATUS;

/** Extension members a problem document may carry (all optional, all listed in the spec). */
export interface CaErrorDetails {
  attemptsLeft?: number;
  retryAfter?: number;
  currentStatus?: string;
  registration?: { ru: string; kk: string; en: string };
  mismatches?: Array<{ field: string; document: string; registry: string }>;
  errors?: Array<{ location: 'body' | 'path' | 'query' | 'header'; path?: string; message: string }>;
}

/** Error thrown by the CA; `code` says what went wrong, `status` is its HTTP status. */
export class CaError extends Error {
  /** Stable machine-readable code. */
  readonly code: CaErrorCode;
  /** HTTP status derived from the code. */
  readonly status: number;
  /** Extension members for the problem document. */
  readonly details: CaErrorDetails;

  constructor(
    code: CaErrorCode,
    message: string,
    options: { cause?: unknown; details?: CaErrorDetails } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'CaError';
    this.code = code;
    this.status = CA_ERROR_STATUS[code];
    this.details = options.details ?? {};
  }
}

/** Type guard: `true` when `e` is a {@link CaError}, optionally with the given code. */
export function isCaError(e: unknown, code?: CaErrorCode): e is CaError {
  return e instanceof CaError && (code === undefined || e.code === code);
}
