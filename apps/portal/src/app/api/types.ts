/**
 * Shapes of the CA (`openapi/ca.yaml`) and status service (`openapi/status.yaml`) payloads the
 * portal reads and sends, written from the specs (the subset the portal uses).
 */

/** The same text in Russian, Kazakh and English. */
export interface LocalizedText {
  ru: string;
  kk: string;
  en: string;
}

/** `individual` or `legal-entity`. */
export type ApplicationKind = 'individual' | 'legal-entity';

/** The NCA templates. */
export type TemplateName = 'individual' | 'first-manager' | 'signer' | 'finance' | 'hr' | 'employee' | 'treasury';

/** AUTH or SIGN. */
export type KeyPurpose = 'auth' | 'sign';

/** Application statuses (`ApplicationStatus` of ca.yaml). */
export type ApplicationStatus =
  | 'otp-sent'
  | 'phone-verified'
  | 'document-recognized'
  | 'moderation'
  | 'identified'
  | 'identification-rejected'
  | 'consent-given'
  | 'agreement-accepted'
  | 'awaiting-approval'
  | 'approved'
  | 'submitted'
  | 'rejected'
  | 'issued'
  | 'installed'
  | 'revoked'
  | 'expired';

/** Applicant steps the server allows now. */
export type NextAction =
  | 'resendOtp'
  | 'verifyOtp'
  | 'submitIdentification'
  | 'confirmIdentification'
  | 'grantConsent'
  | 'acceptAgreement'
  | 'submitApplication'
  | 'issueCertificates'
  | 'downloadCertificates'
  | 'createInstallationChallenge'
  | 'confirmInstallation';

/** `GET /v1/health`. */
export interface Health {
  status: 'ok';
  version: string;
  devMode: boolean;
  testMode: boolean;
  time: string;
}

/** A template (`GET /v1/templates`). */
export interface TemplateInfo {
  name: TemplateName;
  kind: ApplicationKind;
  title: LocalizedText;
  requiresApproval: boolean;
  approverRoles: Array<'first-manager' | 'signer' | 'hr'>;
}

/** The user agreement (`GET /v1/agreement`). */
export interface Agreement {
  version: string;
  publishedAt: string;
  title: LocalizedText;
  text: LocalizedText;
}

/** The one-time code state. */
export interface OtpState {
  sender: '1414';
  sentTo: string;
  expiresAt: string;
  ttlSeconds: number;
  resendAvailableAt: string;
  attemptsLeft: number;
}

/** A person from the registry. */
export interface PersonData {
  iin: string;
  surname: string;
  givenName: string;
  patronymic?: string;
  fullName: string;
}

/** An organisation from the registry. */
export interface OrganizationData {
  bin: string;
  name: string;
}

/** NCALayer storage ids; `PKCS12` is "personal computer". */
export type KeyStorage =
  | 'PKCS12'
  | 'AKKaztokenStore'
  | 'AKKZIDCardStore'
  | 'AKEToken72KStore'
  | 'AKEToken5110Store'
  | 'AKJaCartaStore'
  | 'AKAKEYStore';

/** The application as its applicant sees it. */
export interface Application {
  id: string;
  number?: string;
  kind: ApplicationKind;
  template: TemplateName;
  iin: string;
  bin?: string;
  status: ApplicationStatus;
  statusText: LocalizedText;
  createdAt: string;
  updatedAt: string;
  expiresAt?: string;
  otp?: OtpState;
  person?: PersonData;
  organization?: OrganizationData;
  email?: string;
  keyStorage?: KeyStorage;
  agreement?: { version: string; acceptedAt: string };
  rejection?: { at: string; by: 'approver' | 'operator'; comment?: string };
  nextActions: NextAction[];
}

/** `verifyOtp` result. */
export interface ApplicantSession {
  token: string;
  tokenType: 'Bearer';
  expiresAt: string;
  application: Application;
}

/** What Digital ID recognised on the identity document. */
export interface RecognizedDocument {
  type: 'id-card' | 'passport';
  number: string;
  iin: string;
  surname: string;
  givenName: string;
  patronymic?: string;
  sex: 'male' | 'female';
  birthDate: string;
  birthPlace?: string;
  nationality?: string;
  issuer: string;
  issuedAt: string;
  validUntil: string;
}

/** `submitIdentification` body. */
export interface IdentificationRequest {
  selfie: string;
  liveness: { passed: boolean; score: number };
  pin: string;
  document: { type: 'id-card' | 'passport'; frontImage: string; backImage?: string };
}

/** `submitIdentification` result. */
export interface IdentificationResult {
  recognizedDocument: RecognizedDocument;
  application: Application;
}

/** `submitApplication` body. */
export interface SubmissionRequest {
  email?: string;
  keyStorage: KeyStorage;
  csrs: { auth: string; sign: string };
}

/** A CA certificate. */
export interface CaCertificate {
  name: 'root' | 'issuing' | 'ocsp-responder';
  fileName: string;
  subject: string;
  serialHex: string;
  skiHex: string;
  notBefore: string;
  notAfter: string;
  pem: string;
}

/** An issued end-entity certificate. */
export interface IssuedCertificate {
  purpose: KeyPurpose;
  serialHex: string;
  subject: string;
  skiHex: string;
  fileName: string;
  notBefore: string;
  notAfter: string;
  pem: string;
  der: string;
}

/** Certificates of an application with the chain (issuing CA first, then the root). */
export interface CertificateBundle {
  applicationNumber: string;
  certificates: IssuedCertificate[];
  chain: CaCertificate[];
}

/** Proof-of-possession challenge. */
export interface InstallationChallenge {
  challengeId: string;
  expiresAt: string;
  items: Array<{ serialHex: string; purpose: KeyPurpose; toBeSigned: string }>;
}

/** A login challenge. */
export interface AuthChallenge {
  challengeId: string;
  audience: 'cabinet' | 'operator';
  nonce: string;
  toBeSigned: string;
  expiresAt: string;
}

/** The certificate holder of a cabinet or operator session. */
export interface Holder {
  iin?: string;
  bin?: string;
  commonName: string;
  organization?: string;
  roles: string[];
  serialHex: string;
}

/** A cabinet or operator session. */
export interface CertificateSession {
  token: string;
  tokenType: 'Bearer';
  expiresAt: string;
  holder: Holder;
}

/** An application waiting for the holder's decision. */
export interface PendingApplication {
  number: string;
  template: TemplateName;
  templateTitle: LocalizedText;
  kind: ApplicationKind;
  status: ApplicationStatus;
  submittedAt: string;
  applicant: PersonData;
  organization: OrganizationData;
  requests: Array<{ purpose: KeyPurpose; subject: string; keyAlgorithm: string; publicKeySha256: string }>;
  decisionDocuments?: { approve: string; reject: string };
}

/** Result of `decideApplication`. */
export interface DecisionResult {
  applicationNumber: string;
  decision: 'approve' | 'reject';
  status: ApplicationStatus;
  statusText: LocalizedText;
  decidedAt: string;
  evidence: { documentSha256: string; signerSerialHex: string };
}

/** RFC 5280 revocation reasons the CA accepts. */
export type RevocationReason =
  | 'unspecified'
  | 'keyCompromise'
  | 'affiliationChanged'
  | 'superseded'
  | 'cessationOfOperation'
  | 'certificateHold'
  | 'privilegeWithdrawn';

/** A certificate with its status. */
export interface CertificateRecord {
  serialHex: string;
  purpose?: KeyPurpose;
  template?: TemplateName;
  subject: string;
  iin?: string;
  bin?: string;
  applicationNumber?: string;
  status: 'good' | 'revoked' | 'hold';
  revokedAt?: string;
  reason?: RevocationReason;
  invalidityDate?: string;
  notBefore: string;
  notAfter: string;
}

/** A field where the document and the registry differ. */
export interface FieldMismatch {
  field: string;
  document: string;
  registry: string;
}

/** An identification waiting for the operator. */
export interface ModerationItem {
  applicationId: string;
  iin: string;
  template: TemplateName;
  queuedAt: string;
  recognizedDocument: RecognizedDocument;
  mismatches: FieldMismatch[];
}

/** Result of `decideModeration`. */
export interface ApplicationSummary {
  id: string;
  number?: string;
  kind: ApplicationKind;
  template: TemplateName;
  iin: string;
  bin?: string;
  status: ApplicationStatus;
  statusText: LocalizedText;
  createdAt: string;
  updatedAt: string;
}

/** One row of the status table. */
export interface StatusHistoryEntry {
  status: ApplicationStatus;
  at: string;
  text: LocalizedText;
}

/** The "check application status" page. */
export interface ApplicationStatusView {
  user: { kind: ApplicationKind; iin: string; fullName: string; bin?: string; organization?: string };
  application: {
    number: string;
    createdAt: string;
    template: TemplateName;
    templateTitle: LocalizedText;
    kind: ApplicationKind;
    status: ApplicationStatus;
    statusText: LocalizedText;
  };
  history: StatusHistoryEntry[];
}

/** `POST /v1/dev/mobile-registrations` result. */
export interface MobileRegistration {
  iin: string;
  phoneMasked: string;
  registeredAt: string;
}

/** An SMS of the dev outbox. */
export interface SmsMessage {
  id: number;
  sender: string;
  to: string;
  text: string;
  kind: 'otp' | 'notification';
  code?: string;
  sentAt: string;
}

/** Key check of the status service (`POST /api/v1/key-check`). */
export interface KeyCheckResult {
  certificate: {
    serialNumber: string;
    iin?: string;
    bin?: string;
    commonName?: string;
    organization?: string;
    keyPurpose: 'auth' | 'sign' | 'auth+sign' | 'other';
    roles: string[];
    notBefore: string;
    notAfter: string;
    [k: string]: unknown;
  };
  chain: { valid: boolean; issuedByThisCa: boolean; reason?: string; message?: string; path: string[] };
  revocation: { status: 'good' | 'revoked' | 'unknown'; revokedAt?: string; reason?: string };
  checkedAt: string;
}

/** RFC 9457 problem details with the stable `code`. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  code: string;
  detail?: string;
  retryAfter?: number;
  attemptsLeft?: number;
  currentStatus?: ApplicationStatus;
  registration?: LocalizedText;
  mismatches?: FieldMismatch[];
  errors?: Array<{ location?: string; path?: string; message: string }>;
}
