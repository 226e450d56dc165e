/**
 * What the status service needs to know, behind one interface: certificate status by issuer and
 * serial, a change sequence number and the changes since a value (OCSP cache invalidation), the
 * CRLs the CA published, the CA material (issuer certificates and the delegated OCSP responder
 * keys) and the application status page. The service signs OCSP responses with responder keys
 * only; it never holds a CA key and never signs a CRL.
 *
 * Two providers ship with the service:
 * - `CaStoreStatusSource` (`ca-store-source.ts`): reads the reference CA's store through the narrow
 *   `StatusStore` interface of `@kzpki/ca-store`, the normal deployment beside `apps/ca`;
 * - `MemoryStatusSource` (`memory-source.ts`): an in-memory revocation database for running an
 *   OCSP responder and CRL distribution point for an external CA (offline mode), fed by API calls
 *   or an OpenSSL `index.txt`, with the CRLs that CA signed.
 */
import type { ApplicationStatusView } from '@kzpki/ca-store';
import type { CrlReason, SigningKey } from '@kzpki/pki';

export type { ApplicationStatusView, LocalizedText } from '@kzpki/ca-store';

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

/** A revoked or held certificate (the state a revocation change reports). */
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

/**
 * A key pair that signs OCSP responses for an issuer. With the reference CA it is always a delegated
 * responder (a certificate the CA issued with extKeyUsage id-kp-OCSPSigning and
 * id-pkix-ocsp-nocheck, RFC 6960 §4.2.2.2).
 */
export interface SignerMaterial {
  /** DER certificate of the signer. */
  certificate: Uint8Array;
  /** Its private key (non-extractable is fine): a WebCrypto key, or a GOST `SoftwareSigningKey`. */
  privateKey: SigningKey;
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
  /**
   * Whether CRLs of this CA are served here (default true). `false` (an external CA whose CRLs are
   * published elsewhere): `/crl/<id>.crl` answers `ERR_ISSUER_UNKNOWN` and readiness does not wait
   * for CRLs.
   */
  crls?: boolean;
  /**
   * Who signs OCSP responses about certificates of this CA: a delegated responder certificate issued
   * by it (EKU OCSPSigning, id-pkix-ocsp-nocheck). Absent: OCSP requests about this CA get
   * `unauthorized`.
   */
  ocspSigner?: SignerMaterial;
}

/** Full or delta CRL. */
export type CrlKind = 'full' | 'delta';

/** A CRL the CA signed, as the service serves it. */
export interface PublishedCrl {
  /** Issuer id (URL name). */
  issuerId: string;
  /** Full or delta. */
  kind: CrlKind;
  /** DER bytes, as signed by the CA. */
  der: Uint8Array;
  /** cRLNumber. */
  crlNumber: bigint;
  /** For a delta: the number of the full CRL it updates. */
  baseCrlNumber?: bigint;
  /** thisUpdate. */
  thisUpdate: Date;
  /** nextUpdate. */
  nextUpdate: Date;
  /** Number of entries. */
  entries: number;
  /** Strong HTTP entity tag. */
  etag: string;
}

/**
 * A time-stamping authority key pair (RFC 3161): a certificate issued by the CA with the
 * extKeyUsage id-kp-timeStamping only, critical (RFC 3161 §2.3), and the policy its tokens carry
 * (the NCA's TSA policy OIDs, see docs/domain.md).
 */
export interface TimestampSignerMaterial {
  /** DER certificate of the TSA. */
  certificate: Uint8Array;
  /** Its private key (a WebCrypto key, or a GOST `SoftwareSigningKey`). */
  privateKey: SigningKey;
  /** The CA certificates above it (DER), sent when a request sets certReq. */
  chain: Uint8Array[];
  /** TSA policy of its tokens, e.g. `NCA_TSA_POLICY_OIDS.rsa` (1.2.398.3.3.2.6.2). */
  policy: string;
}

/** Everything the service signs with and publishes. */
export interface StatusMaterial {
  /** Every CA served, issuing CAs and the root. */
  issuers: IssuerMaterial[];
  /**
   * Time-stamping authorities served on `POST /tsp`, one per policy (RSA, GOST); the first is the
   * default for requests that name no policy. Absent or empty: `/tsp` answers 404.
   */
  timestampSigners?: TimestampSignerMaterial[];
  /** Trust anchors for the key check (self-signed roots, DER). */
  trustAnchors: Uint8Array[];
}

/**
 * The data behind the status service. Implementations must make {@link StatusSource.changeSeq}
 * move in the same transaction as every revocation, hold or release, so that a certificate is
 * never reported good after its revocation call returned (the OCSP cache checks the sequence on
 * every request).
 */
export interface StatusSource {
  /**
   * Loads the CA material (may decrypt the responder keys). Called at start, and again
   * periodically so that a renewed OCSP responder certificate is picked up without a restart.
   */
  material(): Promise<StatusMaterial>;
  /** Monotonically increasing revocation-change sequence number; cheap, called on every request. */
  changeSeq(): Promise<number>;
  /**
   * The change sequence when this process knows it without waiting (held in memory, or notified by
   * the database), else `undefined`. The OCSP fast path serves a pre-produced response
   * synchronously only while this is defined and equal to what the cache was validated against.
   * Absent: never known (every request takes the asynchronous path).
   */
  changeSeqNow?(): number | undefined;
  /** Status of one certificate, or `undefined` when the issuer never issued this serial. */
  lookup(issuerId: string, serialHex: string): Promise<CertificateStatusRecord | undefined>;
  /** Changes with a sequence number greater than `sinceSeq` (OCSP cache invalidation). */
  changesSince(issuerId: string, sinceSeq: number): AsyncIterable<RevocationChange>;
  /**
   * The latest CRL the CA published for an issuer (cheap when unchanged: called on every CRL
   * download), or `undefined` when none is published yet.
   */
  crl(issuerId: string, kind: CrlKind): Promise<PublishedCrl | undefined>;
  /** The application status page data, or `undefined` for an unknown number. */
  applicationStatus(number: string): Promise<ApplicationStatusView | undefined>;
  /** Releases resources (database handles). */
  close?(): Promise<void> | void;
}
