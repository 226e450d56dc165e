/**
 * Shapes of the CA (`openapi/ca.yaml`) and status service (`openapi/status.yaml`) payloads, taken
 * from the types @kzpki/client generates from the specs, so the portal follows the contract.
 */
import type { CaComponents, StatusComponents } from '@kzpki/client';

type Ca = CaComponents['schemas'];
type St = StatusComponents['schemas'];

/** The same text in Russian, Kazakh and English. */
export type LocalizedText = Ca['LocalizedText'];
/** `individual` or `legal-entity`. */
export type ApplicationKind = Ca['ApplicationKind'];
/** The NCA templates. */
export type TemplateName = Ca['TemplateName'];
/** AUTH or SIGN. */
export type KeyPurpose = Ca['KeyPurpose'];
/** AUTH, SIGN, or `auth+sign` (a legal entity's one GOST certificate). */
export type CertificatePurpose = Ca['CertificatePurpose'];
/** Application statuses. */
export type ApplicationStatus = Ca['ApplicationStatus'];
/** Applicant steps the server allows now. */
export type NextAction = Ca['NextAction'];
/** `GET /v1/health`. */
export type Health = Ca['Health'];
/** A template (`GET /v1/templates`). */
export type TemplateInfo = Ca['TemplateInfo'];
/** A role that confirms applications of its organisation. */
export type ApproverRole = TemplateInfo['approverRoles'][number];
/**
 * Every approver role: `@kzpki/pki`'s `APPROVER_ROLES` (kept here so that the cabinet does not load
 * the PKI package up front; test/client-logic.test.ts checks the two are equal).
 */
export const APPROVER_ROLES: readonly ApproverRole[] = ['first-manager', 'signer'];
/** The user agreement. */
export type Agreement = Ca['Agreement'];
/** The one-time code state. */
export type OtpState = Ca['OtpState'];
/** A person from the registry. */
export type PersonData = Ca['PersonData'];
/** An organisation from the registry. */
export type OrganizationData = Ca['OrganizationData'];
/** NCALayer storage ids; `PKCS12` is "personal computer". */
export type KeyStorage = Ca['KeyStorage'];
/** The application as its applicant sees it. */
export type Application = Ca['Application'];
/** `verifyOtp` result. */
export type ApplicantSession = Ca['ApplicantSession'];
/** What Digital ID recognised on the identity document. */
export type RecognizedDocument = Ca['RecognizedDocument'];
/** `submitIdentification` body. */
export type IdentificationRequest = Ca['IdentificationRequest'];
/** `submitIdentification` result. */
export type IdentificationResult = Ca['IdentificationResult'];
/** `submitApplication` body. */
export type SubmissionRequest = Ca['SubmissionRequest'];
/** A CA certificate. */
export type CaCertificate = Ca['CaCertificate'];
/** An issued end-entity certificate. */
export type IssuedCertificate = Ca['IssuedCertificate'];
/** An issued GOST-2015 certificate (a legal entity's AUTH+SIGN). */
export type IssuedGostCertificate = Ca['IssuedGostCertificate'];
/** Certificates of an application with the chain (issuing CA first, then the root). */
export type CertificateBundle = Ca['CertificateBundle'];
/** Proof-of-possession challenge. */
export type InstallationChallenge = Ca['InstallationChallenge'];
export type KeyFileInstallationChallenge = Ca['KeyFileInstallationChallenge'];
/** A login challenge. */
export type AuthChallenge = Ca['AuthChallenge'];
/** The certificate holder of a cabinet or operator session. */
export type Holder = Ca['Holder'];
/** A cabinet or operator session. */
export type CertificateSession = Ca['CertificateSession'];
/** An application waiting for the holder's decision. */
export type PendingApplication = Ca['PendingApplication'];
/** Result of `decideApplication`. */
export type DecisionResult = Ca['DecisionResult'];
/** RFC 5280 revocation reasons the CA accepts. */
export type RevocationReason = Ca['RevocationReason'];
/** A certificate with its status. */
export type CertificateRecord = Ca['CertificateRecord'];
/** A field where the document and the registry differ. */
export type FieldMismatch = Ca['FieldMismatch'];
/** An identification waiting for the operator. */
export type ModerationItem = Ca['ModerationItem'];
/** Result of `decideModeration`. */
export type ApplicationSummary = Ca['ApplicationSummary'];
/** One row of the status table. */
export type StatusHistoryEntry = Ca['StatusHistoryEntry'];
/** The "check application status" page. */
export type ApplicationStatusView = Ca['ApplicationStatusView'];
/** `POST /v1/dev/mobile-registrations` result. */
export type MobileRegistration = Ca['MobileRegistration'];
/** An SMS of the dev outbox. */
export type SmsMessage = Ca['SmsMessage'];
/** Key check of the status service (`POST /api/v1/key-check`). */
export type KeyCheckResult = St['KeyCheckResult'];

/** RFC 9457 problem details with the stable `code` and the extension members the screens read. */
export interface Problem {
  type?: string;
  title?: string;
  status?: number;
  code: string;
  detail?: string;
  retryAfter?: number;
  attemptsLeft?: number;
  currentStatus?: ApplicationStatus;
  registration?: LocalizedText;
  mismatches?: FieldMismatch[];
}
