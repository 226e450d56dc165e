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
 *   if (isCaError(e, 'ERR_OTP_EXPIRED')) await service.resendOtp(id);
 * }
 * ```
 */

/** HTTP status of every code: the code is the contract, the status follows from it. */
export const CA_ERROR_STATUS = {
  ERR_VALIDATION: 400,
  ERR_UNAUTHORIZED: 401,
  ERR_FORBIDDEN: 403,
  ERR_NOT_FOUND: 404,
  ERR_RATE_LIMITED: 429,
  ERR_INVALID_TRANSITION: 409,
  ERR_APPLICATION_EXPIRED: 410,
  ERR_IDEMPOTENCY_KEY_REUSED: 422,
  ERR_IDEMPOTENCY_IN_PROGRESS: 409,
  ERR_IIN_INVALID: 422,
  ERR_BIN_INVALID: 422,
  ERR_APPLICATION_NUMBER_INVALID: 400,
  ERR_TEMPLATE_KIND_MISMATCH: 422,
  ERR_BIN_REQUIRED: 422,
  ERR_BIN_NOT_ALLOWED: 422,
  ERR_PERSON_NOT_FOUND: 422,
  ERR_ORGANIZATION_NOT_FOUND: 422,
  ERR_NOT_FIRST_MANAGER: 422,
  ERR_NOT_TREASURY_PARTICIPANT: 422,
  ERR_PHONE_NOT_REGISTERED: 422,
  ERR_PHONE_ALREADY_REGISTERED: 422,
  ERR_OTP_INVALID: 422,
  ERR_OTP_EXPIRED: 410,
  ERR_OTP_ATTEMPTS_EXCEEDED: 422,
  ERR_OTP_RESEND_TOO_EARLY: 429,
  ERR_DIGITAL_ID_PHONE_MISMATCH: 422,
  ERR_DIGITAL_ID_PHONE_NOT_VERIFIED: 409,
  ERR_LIVENESS_FAILED: 422,
  ERR_FACE_MISMATCH: 422,
  ERR_DOCUMENT_NOT_RECOGNIZED: 422,
  ERR_PIN_TOO_SIMPLE: 422,
  ERR_PIN_INVALID: 422,
  ERR_PIN_ATTEMPTS_EXCEEDED: 422,
  ERR_AGREEMENT_VERSION_MISMATCH: 422,
  ERR_CSR_INVALID: 422,
  ERR_CSR_SIGNATURE_INVALID: 422,
  ERR_KEY_TOO_WEAK: 422,
  ERR_KEY_ALGORITHM_NOT_ALLOWED: 422,
  ERR_CSR_SUBJECT_MISMATCH: 422,
  ERR_CSR_TEMPLATE_MISMATCH: 422,
  ERR_CSR_KEY_REUSED: 422,
  ERR_EMAIL_MISMATCH: 422,
  ERR_TEST_MODE_REQUIRED: 422,
  ERR_VALIDITY_INVALID: 422,
  ERR_CHALLENGE_INVALID: 401,
  ERR_CERTIFICATE_INVALID: 422,
  ERR_CERTIFICATE_UNTRUSTED: 401,
  ERR_CERTIFICATE_EXPIRED: 401,
  ERR_CERTIFICATE_REVOKED: 401,
  ERR_CERTIFICATE_WRONG_PURPOSE: 422,
  ERR_SIGNATURE_INVALID: 401,
  ERR_NOT_AN_OPERATOR: 403,
  ERR_APPROVER_NOT_AUTHORIZED: 403,
  ERR_APPROVER_ORGANIZATION_MISMATCH: 403,
  ERR_SELF_APPROVAL_FORBIDDEN: 403,
  ERR_SIGNER_MISMATCH: 403,
  ERR_CERTIFICATE_NOT_FOUND: 404,
  ERR_REVOCATION_NOT_ALLOWED: 403,
  ERR_REASON_NOT_ALLOWED: 422,
  ERR_ALREADY_REVOKED: 409,
  ERR_NOT_ON_HOLD: 409,
  ERR_PROOF_OF_POSSESSION_INVALID: 422,
  ERR_PAYLOAD_TOO_LARGE: 413,
  ERR_UNSUPPORTED_MEDIA_TYPE: 415,
  ERR_INTERNAL: 500,
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
