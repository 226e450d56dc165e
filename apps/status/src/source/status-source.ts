/**
 * What the status service needs to know, behind one interface: certificate status by issuer and
 * serial, the revoked list for CRLs, the changes since a base for delta CRLs, a change sequence
 * number for cache invalidation, the CA material (issuer certificates and the keys that sign
 * OCSP responses and CRLs) and the application status page.
 *
 * Two providers ship with the service:
 * - `CaStoreStatusSource` (`ca-store-source.ts`): reads the reference CA's SQLite store
 *   (`@kzpki/ca`), the normal deployment beside `apps/ca`;
 * - `MemoryStatusSource` (`memory-source.ts`): an in-memory revocation database for running
 *   an OCSP responder and CRL publisher for an external CA (offline mode), fed by API calls or an
 *   OpenSSL `index.txt`.
 */
import type { CrlReason } from '@kzpki/pki';

/** RFC 5280 §5.3.1 reason codes, by name (the same union as `@kzpki/pki`'s `CrlReason`). */
export type RevocationReason = CrlReason;

/**
 * State of a certificate as the CA sees it. `hold` is a temporary revocation with reason
 * `certificateHold` that may be released back to `good` (the NCA uses it).
 */
export type CertificateState = 'good' | 'revoked' | 'hold';

/** A certificate known to the source. */
export interface CertificateStatusRecord {
  /** Serial number, canonical hex (`normalizeSerialHex` of `@kzpki/pki`). */
  serialHex: string;
  /** Current state. */
  state: CertificateState;
  /** When it was revoked or put on hold (state `revoked`/`hold`). */
  revokedAt?: Date;
  /** Reason (state `revoked`; `certificateHold` for `hold`). Absent = none given. */
  reason?: RevocationReason;
  /** RFC 5280 §5.3.2 invalidity date, when known. */
  invalidityDate?: Date;
  /** Validity of the certificate, when known. */
  notBefore?: Date;
  /** Validity of the certificate, when known. */
  notAfter?: Date;
}

/** One entry of a full CRL. */
export interface RevokedEntry {
  /** Serial number, canonical hex. */
  serialHex: string;
  /** Revocation (or hold) time. */
  revokedAt: Date;
  /** Reason; `certificateHold` for held certificates; absent = unspecified, omitted from the CRL. */
  reason?: RevocationReason;
  /** RFC 5280 §5.3.2 invalidity date. */
  invalidityDate?: Date;
}

/**
 * A change of revocation state after some sequence number: what a delta CRL lists and what the
 * OCSP cache must forget. `state: 'good'` means a hold was released (delta CRL: removeFromCRL).
 */
export interface RevocationChange {
  /** Serial number, canonical hex. */
  serialHex: string;
  /** State after the change. */
  state: CertificateState;
  /** Revocation (or hold) time for `revoked`/`hold`; the release time for `good`. */
  revokedAt: Date;
  /** Reason for `revoked` (`certificateHold` for `hold`). */
  reason?: RevocationReason;
  /** RFC 5280 §5.3.2 invalidity date. */
  invalidityDate?: Date;
}

/** A key pair that signs OCSP responses for an issuer: a delegated responder or the CA itself. */
export interface SignerMaterial {
  /** DER certificate of the signer. */
  certificate: Uint8Array;
  /** Its private key (non-extractable is fine). */
  privateKey: CryptoKey;
}

/** One certification authority the service publishes status for. */
export interface IssuerMaterial {
  /**
   * Short name used in URLs: `/crl/<id>.crl`, `/crl/<id>-delta.crl`, `/ca/<id>.crt`
   * (the CA writes the same URLs into the certificates it issues).
   */
  id: string;
  /** DER certificate of the CA. */
  certificate: Uint8Array;
  /** Key that signs this CA's CRLs (the CA key). Absent: the service publishes no CRL for it. */
  crlSigner?: CryptoKey;
  /**
   * Who signs OCSP responses about certificates of this CA: a delegated responder certificate
   * issued by it (EKU OCSPSigning, id-pkix-ocsp-nocheck) or the CA itself. Absent: OCSP requests
   * about this CA get `unauthorized`.
   */
  ocspSigner?: SignerMaterial;
}

/** Everything the service signs with and publishes. */
export interface StatusMaterial {
  /** Every CA served, issuing CAs and the root. */
  issuers: IssuerMaterial[];
  /** Trust anchors for the key check (self-signed roots, DER). */
  trustAnchors: Uint8Array[];
}

/** A status text in the three languages of the NCA site. */
export interface LocalizedText {
  ru: string;
  kk: string;
  en: string;
}

/** One row of the status-change table of an application. */
export interface ApplicationStatusChange {
  /** Application status code (e.g. `awaiting-approval`, `issued`, `installed`). */
  status: string;
  /** When the application entered it (ISO 8601). */
  at: string;
  /** The status text. */
  text: LocalizedText;
}

/**
 * What the "check application status" page shows (DOMAIN.md §1): the applicant, the application
 * and its status changes. The same shape as the CA's `ApplicationStatusView` (`openapi/ca.yaml`),
 * so clients read one format from both services.
 */
export interface ApplicationStatusView {
  user: {
    kind: 'individual' | 'legal-entity';
    iin: string;
    fullName: string;
    bin?: string;
    organization?: string;
  };
  application: {
    /** 14 digits. */
    number: string;
    /** ISO 8601. */
    createdAt: string;
    /** Template name (`individual`, `first-manager`, ...). */
    template: string;
    templateTitle: LocalizedText;
    kind: 'individual' | 'legal-entity';
    /** Current status code. */
    status: string;
    statusText: LocalizedText;
  };
  /** Every status change, oldest first. */
  history: ApplicationStatusChange[];
}

/**
 * The data behind the status service. Implementations must make {@link StatusSource.changeSeq}
 * move in the same transaction as every revocation, hold or release, so that a certificate is
 * never reported good after its revocation call returned (the OCSP cache checks the sequence on
 * every request).
 */
export interface StatusSource {
  /**
   * Loads the CA material (may decrypt keys). Called at start, and again periodically so that a
   * renewed OCSP responder certificate is picked up without a restart.
   */
  material(): Promise<StatusMaterial>;
  /** Monotonically increasing revocation-change sequence number; cheap, called on every request. */
  changeSeq(): Promise<number>;
  /** Status of one certificate, or `undefined` when the issuer never issued this serial. */
  lookup(issuerId: string, serialHex: string): Promise<CertificateStatusRecord | undefined>;
  /**
   * Every revoked or held certificate of an issuer (the full CRL), streamed in pages (arrays),
   * so that a million entries cost a few thousand asynchronous steps, not a million.
   */
  listRevoked(issuerId: string): AsyncIterable<readonly RevokedEntry[]>;
  /** Changes with a sequence number greater than `sinceSeq` (delta CRL and cache invalidation). */
  changesSince(issuerId: string, sinceSeq: number): AsyncIterable<RevocationChange>;
  /** Next CRL number of the issuer (atomic, monotonically increasing, shared by full and delta). */
  nextCrlNumber(issuerId: string): Promise<bigint>;
  /** The application status page data, or `undefined` for an unknown number. */
  applicationStatus(number: string): Promise<ApplicationStatusView | undefined>;
  /** Releases resources (database handles). */
  close?(): Promise<void> | void;
}
