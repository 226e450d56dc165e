/**
 * The shape of a certificate profile: what goes into a certificate besides the subject and key.
 * Templates (`templates.ts`) produce these; `issueCertificate` consumes them.
 */

/** KeyUsage bits by their RFC 5280 §4.2.1.3 names. */
export type KeyUsageName =
  | 'digitalSignature'
  | 'nonRepudiation'
  | 'keyEncipherment'
  | 'dataEncipherment'
  | 'keyAgreement'
  | 'keyCertSign'
  | 'cRLSign'
  | 'encipherOnly'
  | 'decipherOnly';

/** What an NCA end-entity key is for: AUTH (client authentication) or SIGN (non-repudiation). */
export type KeyPurpose = 'auth' | 'sign';

/** Everything a certificate carries besides subject, key, issuer, serial and URLs. */
export interface CertificateProfile {
  /** Profile name for people and logs, e.g. `first-manager/auth`, `root-ca`. */
  name: string;
  /** AUTH or SIGN for end-entity profiles; absent for CA and service profiles. */
  purpose?: KeyPurpose;
  /** KeyUsage bits. */
  keyUsage: KeyUsageName[];
  /** Whether KeyUsage is critical (the NCA marks it critical). */
  keyUsageCritical: boolean;
  /** ExtendedKeyUsage OIDs, purpose OIDs first, then role OIDs; empty for none. */
  extKeyUsage: string[];
  /** Whether ExtendedKeyUsage is critical. */
  extKeyUsageCritical?: boolean;
  /** certificatePolicies OIDs. */
  policies: string[];
  /** basicConstraints; CA profiles set `ca: true`. */
  basicConstraints?: { ca: boolean; pathLength?: number; critical: boolean };
  /** Adds id-pkix-ocsp-nocheck (RFC 6960 §4.2.2.2.1), for OCSP responder certificates. */
  ocspNoCheck?: boolean;
  /**
   * subjectAltName dNSName and iPAddress entries (RFC 5280 §4.2.1.6), for TLS server certificates
   * (browsers match the host against these only); IPv4 dotted quads or IPv6 text.
   */
  subjectAltName?: { dns?: string[]; ip?: string[] };
  /** Validity in days. */
  validityDays: number;
}
