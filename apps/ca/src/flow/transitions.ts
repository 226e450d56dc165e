/**
 * The issuance flow as data: which action is allowed in which status and where it leads. The
 * service checks every step against this table (and the store re-checks the expected status in
 * the same transaction as the change), so no step can be skipped or replayed.
 */

import { type ApplicationStatus, UNFINISHED_STATUSES } from '@kzpki/ca-store';
import { CaError } from '../errors.js';

/** Every state-changing or state-dependent action of the flow. */
export type FlowAction =
  | 'resendOtp'
  | 'verifyOtp'
  | 'submitDigitalIdPhone'
  | 'verifyDigitalIdPhone'
  | 'submitIdentification'
  | 'confirmIdentification'
  | 'decideModeration'
  | 'grantConsent'
  | 'acceptAgreement'
  | 'submitApplication'
  | 'decideApplication'
  | 'issueCertificates'
  | 'downloadCertificates'
  | 'createInstallationChallenge'
  | 'confirmInstallation'
  | 'revokeAll'
  | 'expire';

/**
 * The actions the applicant takes: those with `applicant: true` in {@link TRANSITIONS} (the
 * `NextAction` enum of `openapi/ca.yaml`; a test keeps the three equal).
 */
export type ApplicantAction = Exclude<
  FlowAction,
  'decideModeration' | 'decideApplication' | 'revokeAll' | 'expire'
>;

/** One row of the transition table. */
export interface Transition {
  /** Statuses in which the action is allowed. */
  readonly from: readonly ApplicationStatus[];
  /** Statuses the action may lead to (empty: the action reads, it does not change the status). */
  readonly to: readonly ApplicationStatus[];
  /** Whether the applicant takes this action (listed in `nextActions`). */
  readonly applicant: boolean;
}

/** The transition table. */
export const TRANSITIONS: Readonly<Record<FlowAction, Transition>> = {
  resendOtp: { from: ['otp-sent'], to: ['otp-sent'], applicant: true },
  verifyOtp: { from: ['otp-sent'], to: ['phone-verified'], applicant: true },
  // Digital ID's phone page (seed steps 8-9): the registered number, then its own SMS code; giving
  // the number again sends a new code.
  submitDigitalIdPhone: {
    from: ['phone-verified', 'digital-id-code-sent'],
    to: ['digital-id-code-sent'],
    applicant: true,
  },
  verifyDigitalIdPhone: {
    from: ['digital-id-code-sent'],
    to: ['digital-id-phone-verified'],
    applicant: true,
  },
  submitIdentification: {
    from: ['digital-id-phone-verified', 'document-recognized'],
    to: ['document-recognized'],
    applicant: true,
  },
  confirmIdentification: { from: ['document-recognized'], to: ['identified', 'moderation'], applicant: true },
  decideModeration: { from: ['moderation'], to: ['identified', 'identification-rejected'], applicant: false },
  grantConsent: { from: ['identified'], to: ['consent-given'], applicant: true },
  acceptAgreement: { from: ['consent-given'], to: ['agreement-accepted'], applicant: true },
  submitApplication: {
    from: ['agreement-accepted'],
    to: ['submitted', 'awaiting-approval'],
    applicant: true,
  },
  decideApplication: { from: ['awaiting-approval'], to: ['approved', 'rejected'], applicant: false },
  issueCertificates: { from: ['submitted', 'approved'], to: ['issued'], applicant: true },
  downloadCertificates: { from: ['issued', 'installed', 'revoked'], to: [], applicant: true },
  createInstallationChallenge: { from: ['issued'], to: [], applicant: true },
  confirmInstallation: { from: ['issued'], to: ['installed'], applicant: true },
  revokeAll: { from: ['issued', 'installed'], to: ['revoked'], applicant: false },
  expire: { from: UNFINISHED_STATUSES, to: ['expired'], applicant: false },
};

/** `true` when `action` is allowed in `status`. */
export function isAllowed(action: FlowAction, status: ApplicationStatus): boolean {
  return TRANSITIONS[action].from.includes(status);
}

/**
 * Throws unless `action` is allowed in `status`: `ERR_APPLICATION_EXPIRED` for expired applications,
 * `ERR_INVALID_TRANSITION` (with the current status) otherwise.
 */
export function assertAllowed(action: FlowAction, status: ApplicationStatus): void {
  if (isAllowed(action, status)) return;
  if (status === 'expired') {
    throw new CaError('ERR_APPLICATION_EXPIRED', 'The application has expired; start a new one', {
      details: { currentStatus: status },
    });
  }
  throw new CaError('ERR_INVALID_TRANSITION', `${action} is not allowed while the application is ${status}`, {
    details: { currentStatus: status },
  });
}

/** Throws unless `to` is a destination of `action` (guards the service's own code). */
export function assertDestination(action: FlowAction, to: ApplicationStatus): void {
  if (!TRANSITIONS[action].to.includes(to)) {
    throw new CaError('ERR_INTERNAL', `${action} cannot lead to ${to}`);
  }
}

/** The applicant's actions allowed in `status`, in flow order (the `nextActions` of the API). */
export function nextActions(status: ApplicationStatus): ApplicantAction[] {
  return (Object.keys(TRANSITIONS) as FlowAction[]).filter(
    (a): a is ApplicantAction => TRANSITIONS[a].applicant && TRANSITIONS[a].from.includes(status),
  );
}
