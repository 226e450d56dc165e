/**
 * Records kept by the CA store. Dates are `Date` objects, binary values `Uint8Array`, serial numbers
 * and key identifiers lower-case hex (serials in the canonical form of `normalizeSerialHex` of
 * `@kzpki/pki`: no leading zero octets).
 */
import type { CrlReason, TemplateKind, TemplateName } from '@kzpki/pki';
import type { ApplicationStatus, LocalizedText } from './application-status.js';

/** Revocation state of a certificate: `hold` is certificateHold (suspended, may be released). */
export type CertificateStatus = 'good' | 'revoked' | 'hold';

/**
 * RFC 5280 §5.3.1 CRLReason names a revocation may carry (the same spelling as `CrlReason` of
 * `@kzpki/pki`; `removeFromCRL` only appears in delta CRLs, as a release).
 */
export type RevocationReason = Exclude<CrlReason, 'removeFromCRL'>;

/**
 * Names of the CA's own keys (encrypted under the CA's key-encryption key): the RSA hierarchy
 * (`root`, `issuing`), the NCA operator, and the GOST R 34.10-2015 hierarchy beside the RSA one
 * (`gost-root`, `gost-issuing`, as the NCA's TEST-2022 GOST chain). The OCSP responder keys are not
 * among them: they are kept apart, under the status service's own secret
 * ({@link OcspResponderRecord}).
 */
export type CaKeyName = 'root' | 'issuing' | 'operator' | 'gost-root' | 'gost-issuing';

/**
 * What an end-entity certificate's key is for: an RSA AUTH or SIGN certificate, or `auth+sign`, the
 * one GOST-2015 certificate per key of the NCA's current generation (what `inspectCertificate`
 * reports as `keyPurpose` for the NCA's gost2015 certificates).
 */
export type CertificatePurpose = 'auth' | 'sign' | 'auth+sign';

/** The status of one certificate: what an OCSP answer says (the status service reads only this). */
export interface CertificateStatusRecord {
  serialHex: string;
  issuerSkiHex: string;
  status: CertificateStatus;
  /** Revocation (or hold) time, whole seconds. */
  revokedAt?: Date;
  reason?: RevocationReason;
  invalidityDate?: Date;
  notBefore: Date;
  notAfter: Date;
}

/** One entry of a full CRL. */
export interface RevokedEntry {
  serialHex: string;
  revokedAt: Date;
  reason: RevocationReason;
  invalidityDate?: Date;
}

/** The net change of one certificate since a revocation sequence number (for delta CRLs). */
export interface RevocationChange {
  serialHex: string;
  /** What happened last: revoked, put on hold, or released from hold (removeFromCRL). */
  change: 'revoked' | 'hold' | 'released';
  /** Current status after the change. */
  status: CertificateStatus;
  /** Revocation time of the revoked/hold entry; the release time for releases. */
  revokedAt: Date;
  reason?: RevocationReason;
  invalidityDate?: Date;
  /** Revocation sequence number of the change. */
  seq: number;
}

/** A certificate the CA issued (end entity or CA/service certificate). */
export interface CertificateRecord extends CertificateStatusRecord {
  der: Uint8Array;
  /** Number of the application the certificate was issued for (joined from the application). */
  applicationNumber?: string;
  /** SHA-256 of the SubjectPublicKeyInfo, hex: a key is certified at most once. */
  spkiSha256: string;
  subject: string;
  skiHex: string;
  kind: 'end-entity' | 'ca' | 'service';
  purpose?: CertificatePurpose;
  template?: TemplateName;
  iin?: string;
  bin?: string;
  applicationId?: string;
  createdAt: Date;
}

/** A person as the registry knows them (copied into the application at the start). */
export interface PersonSnapshot {
  iin: string;
  surname: string;
  givenName: string;
  patronymic?: string;
  birthDate: string;
  sex: 'male' | 'female';
}

/** Data recognised on an identity document. */
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

/** A difference between the document and the registry. */
export interface FieldMismatch {
  field: string;
  document: string;
  registry: string;
}

/** The one-time code state of an application (the code itself is never stored). */
export interface OtpRecord {
  /** HMAC-SHA256 of the code, hex. */
  mac: string;
  phone: string;
  sentAt: Date;
  expiresAt: Date;
  attemptsLeft: number;
  sendCount: number;
  /** Set once the code was used (a code works once). */
  usedAt?: Date;
}

/** Everything an application accumulates along the flow. */
export interface ApplicationData {
  person: PersonSnapshot;
  organization?: { bin: string; name: string };
  treasury?: { roleCode: string; participantCode: string };
  otp?: OtpRecord;
  /**
   * The second one-time code, sent by Digital ID to the phone the applicant gave on the remote
   * identification page (it must be the one registered in the Mobile Citizens Database).
   */
  digitalIdOtp?: OtpRecord;
  identification?: {
    documentType: 'id-card' | 'passport';
    recognizedDocument: RecognizedDocument;
    liveness: { passed: boolean; score: number };
    selfieSha256: string;
    confirmedAt?: Date;
    mismatches?: FieldMismatch[];
    queuedAt?: Date;
    moderation?: { decision: 'approve' | 'reject'; by: string; at: Date; comment?: string };
  };
  /**
   * The Digital ID PIN as the CA keeps it: `hmac-sha256$<hex>` under the CA's PIN MAC key, which
   * the store holds only sealed under the CA KEK (`scrypt$N$r$p$salt$hash` in earlier versions).
   */
  pinHash?: string;
  pinAttemptsLeft?: number;
  consentAt?: Date;
  agreement?: { version: string; acceptedAt: Date };
  email?: string;
  keyStorage?: string;
  /** DER of the two PKCS#10 requests (RSA AUTH + SIGN pair). */
  csrs?: { auth: Uint8Array; sign: Uint8Array };
  /** SubjectPublicKeyInfo DER of the two requests (verified at submission; issuance certifies these). */
  publicKeys?: { auth: Uint8Array; sign: Uint8Array };
  /**
   * The one GOST R 34.10-2015 512-bit request of a legal-entity application (instead of `csrs`):
   * its DER and SubjectPublicKeyInfo; issuance certifies it once, from the GOST issuing CA.
   */
  gost?: { csr: Uint8Array; publicKey: Uint8Array };
  /** What the requests ask for (shown to approvers and signed in their decision). */
  requests?: Array<{
    purpose: CertificatePurpose;
    subject: string;
    keyAlgorithm: string;
    publicKeySha256: string;
  }>;
  rejection?: { at: Date; by: 'approver' | 'operator'; comment?: string };
  /**
   * Short lease taken while certificates are being signed (so a concurrent issuance cannot sign
   * twice); `owner` is the `nodeId` of the store of the process that took it: a lease whose owner
   * died (`isNodeAlive` false) may be taken over before `until`.
   */
  issuanceLease?: { token: string; until: Date; owner?: string };
  installedAt?: Date;
}

/** An application. */
export interface ApplicationRecord {
  id: string;
  number?: string;
  kind: TemplateKind;
  template: TemplateName;
  iin: string;
  bin?: string;
  status: ApplicationStatus;
  createdAt: Date;
  updatedAt: Date;
  expiresAt: Date;
  submittedAt?: Date;
  data: ApplicationData;
}

/** One row of the status table of an application. */
export interface StatusHistoryEntry {
  status: ApplicationStatus;
  at: Date;
  actor: string;
  note?: string;
}

/** An entry of the append-only audit log. */
export interface AuditEntry {
  id: number;
  at: Date;
  actor: string;
  action: string;
  entity: string;
  details: Record<string, unknown>;
  /** SHA-256 over the previous entry's hash and this entry's content, hex. */
  hash: string;
}

/** The newest entry of the audit log: where a checkpoint anchors the chain. */
export interface AuditHead {
  /** Id of the newest entry. */
  id: number;
  /** Its chained hash. */
  hash: string;
  /** How many entries the log holds (ids may have gaps: PostgreSQL sequences skip on rollback). */
  entries: number;
}

/**
 * A signed checkpoint of the audit log (issue 10 #7): the head of the hash chain at one moment,
 * signed with a key the database does not hold in the clear (the CA's), chained to the previous
 * checkpoint. Rewriting the log (even recomputing every hash) no longer matches a checkpoint, and
 * a copy of the checkpoints kept outside the database catches checkpoints deleted from it.
 */
export interface AuditCheckpointRecord {
  /** 1, 2, 3…: one more per checkpoint. */
  seq: number;
  /** Id of the newest entry the checkpoint covers. */
  auditId: number;
  /** The hash of that entry. */
  auditHash: string;
  /** Entries with an id up to `auditId`. */
  entries: number;
  at: Date;
  /** The signed document (canonical JSON with `seq`, `auditId`, `auditHash`, `entries`, `at`, `previous`). */
  document: string;
  signature: Uint8Array;
  /** DER of the certificate whose key signed. */
  signerCertificate: Uint8Array;
}

/** What a state change writes into the audit log (the store adds id, time and hash). */
export interface AuditInput {
  actor: string;
  action: string;
  entity: string;
  details?: Record<string, unknown>;
}

/** A session (applicant after OTP, cabinet or operator after certificate login). */
export interface SessionRecord {
  /** SHA-256 of the bearer token, hex (the token itself is never stored). */
  tokenHash: string;
  kind: 'applicant' | 'cabinet' | 'operator';
  applicationId?: string;
  holder?: {
    iin?: string;
    bin?: string;
    commonName: string;
    organization?: string;
    roles: string[];
    serialHex: string;
    issuerSkiHex: string;
  };
  createdAt: Date;
  expiresAt: Date;
}

/** A challenge (certificate login or proof of possession), usable once. */
export interface ChallengeRecord {
  id: string;
  purpose: 'cabinet' | 'operator' | 'installation';
  applicationId?: string;
  nonce: string;
  createdAt: Date;
  expiresAt: Date;
  usedAt?: Date;
}

/** A signed decision of an approver, kept as evidence. */
export interface ApprovalRecord {
  applicationId: string;
  decision: 'approve' | 'reject';
  approverIin?: string;
  approverBin?: string;
  approverRoles: string[];
  /** Serial of the AUTH certificate of the cabinet session. */
  sessionSerialHex: string;
  /** The SIGN certificate that made the signature (DER). */
  signerCertificate: Uint8Array;
  signerSerialHex: string;
  /** The canonical JSON document that was signed. */
  document: string;
  signature: Uint8Array;
  decidedAt: Date;
  comment?: string;
}

/** An encrypted CA key with its certificate. */
export interface CaKeyRecord {
  name: CaKeyName;
  certificate: Uint8Array;
  skiHex: string;
  serialHex: string;
  /** Envelope produced by `sealKey` under the CA's key-encryption key (JSON text, see `keys/key-envelope.ts`). */
  encryptedKey: string;
  createdAt: Date;
}

/** Result of starting an idempotent operation. */
export type IdempotencyBegin =
  | { state: 'new' }
  | { state: 'replay'; statusCode: number; body: unknown }
  | { state: 'in-progress' }
  | { state: 'mismatch' };

/**
 * The public status page of an application (contract with apps/status; `ApplicationStatusView` in
 * the spec). Anyone with the number reads it: `iin` is masked to its last four digits and
 * `fullName` holds initials only (see `status-view.ts`).
 */
export interface ApplicationStatusView {
  user: { kind: TemplateKind; iin: string; fullName: string; bin?: string; organization?: string };
  application: {
    number: string;
    createdAt: string;
    template: TemplateName;
    templateTitle: LocalizedText;
    kind: TemplateKind;
    status: ApplicationStatus;
    statusText: LocalizedText;
  };
  history: Array<{ status: ApplicationStatus; at: string; text: LocalizedText }>;
}

/** Full or delta CRL (RFC 5280 §5.2.4). */
export type CrlKind = 'full' | 'delta';

/**
 * A CRL the CA signed and published in the store; the status service serves the latest one of each
 * issuer and kind as it is (it never signs a CRL).
 */
export interface PublishedCrlRecord {
  /** SubjectKeyIdentifier of the CA that signed it (lower-case hex). */
  issuerSkiHex: string;
  kind: CrlKind;
  /** cRLNumber; full and delta CRLs of an issuer share one increasing sequence. */
  crlNumber: bigint;
  /** For a delta CRL: the cRLNumber of the full CRL it updates (deltaCRLIndicator). */
  baseCrlNumber?: bigint;
  thisUpdate: Date;
  nextUpdate: Date;
  /** Number of entries. */
  entries: number;
  /** Revocation sequence number the CRL reflects at least (a delta lists the changes after its base's). */
  revocationSeq: number;
  /** DER bytes as signed. */
  der: Uint8Array;
  publishedAt: Date;
}

/** Header of a {@link PublishedCrlRecord} (everything but the bytes): cheap to read on every request. */
export type PublishedCrlHeader = Omit<PublishedCrlRecord, 'der'>;

/**
 * A certification authority whose status the status service publishes: its certificate (public)
 * and the short name under which its CRLs and certificate are served (`/crl/<id>.crl`,
 * `/crl/<id>-delta.crl`, `/ca/<id>.crt`; the CA writes the same URLs into what it issues).
 */
export interface IssuerRecord {
  /** URL name. */
  id: string;
  role: 'root' | 'issuing';
  /** SubjectKeyIdentifier, lower-case hex. */
  skiHex: string;
  /** DER certificate. */
  certificate: Uint8Array;
  updatedAt: Date;
}

/**
 * The delegated OCSP responder of one issuer (RFC 6960 §4.2.2.2: a certificate issued by that CA
 * with extKeyUsage id-kp-OCSPSigning and id-pkix-ocsp-nocheck) with its private key encrypted under
 * the status service's key-encryption key (see `keys/responder-keys.ts`), never under the CA's.
 */
export interface OcspResponderRecord {
  /** SubjectKeyIdentifier of the CA that issued the responder certificate. */
  issuerSkiHex: string;
  /** DER certificate of the responder. */
  certificate: Uint8Array;
  serialHex: string;
  /** SubjectKeyIdentifier of the responder key. */
  skiHex: string;
  notAfter: Date;
  /** Envelope of `sealResponderKey` (JSON text; carries its own KDF parameters). */
  encryptedKey: string;
  createdAt: Date;
}

/**
 * A time-stamping authority (RFC 3161) of the status service: a certificate issued by one CA
 * (extKeyUsage id-kp-timeStamping only, critical; the TSA policy in certificatePolicies) with its
 * private key encrypted under the status service's key-encryption key, as the OCSP responders'
 * (see `keys/responder-keys.ts`), never under the CA's. One per issuer and policy; a renewal
 * replaces it.
 */
export interface TimestampSignerRecord {
  /** SubjectKeyIdentifier of the CA that issued the TSA certificate. */
  issuerSkiHex: string;
  /** TSA policy of its tokens (e.g. the NCA's 1.2.398.3.3.2.6.2 for RSA). */
  policy: string;
  /** DER certificate of the TSA. */
  certificate: Uint8Array;
  serialHex: string;
  /** SubjectKeyIdentifier of the TSA key. */
  skiHex: string;
  notAfter: Date;
  /** Envelope of `sealTimestampSignerKey` (JSON text; carries its own KDF parameters). */
  encryptedKey: string;
  createdAt: Date;
}

/** Channel of a dev outbox message. */
export type DevOutboxChannel = 'sms' | 'email';

/**
 * A message a simulated gateway "sent" in dev mode (SMS or e-mail), kept in the store so that every
 * CA process on one database shows the same dev outbox (`/v1/dev/sms-outbox`, `/v1/dev/email-outbox`).
 * Holds one-time codes: only ever written by a CA in dev mode, and bounded ({@link DevOutboxLimits}).
 */
export interface DevOutboxInput {
  channel: DevOutboxChannel;
  /** Phone number (SMS) or e-mail address. */
  recipient: string;
  /** Short number (SMS, e.g. `1414`) or address (e-mail) of the sender. */
  sender: string;
  /** Subject line (e-mail only). */
  subject?: string;
  body: string;
  /** IIN of the person the message is about, when known. */
  iin?: string;
  kind: 'otp' | 'notification';
  /** The one-time code of an `otp` message. */
  code?: string;
  createdAt: Date;
}

/** A stored dev outbox message. */
export interface DevOutboxMessage extends DevOutboxInput {
  /** Increasing with every message appended (the same order on every process). */
  id: number;
}

/** Filter of {@link DevOutboxMessage}s, newest first. */
export interface DevOutboxQuery {
  channel?: DevOutboxChannel;
  recipient?: string;
  iin?: string;
  /** At most this many messages (newest first). */
  limit: number;
}

/** What the dev outbox keeps: the newest `maxMessages`, none older than `maxAgeMs`. */
export interface DevOutboxLimits {
  maxMessages: number;
  maxAgeMs: number;
}
