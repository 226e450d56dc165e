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

/**
 * The extensions {@link CertificateProfile.extensionOrder} can place. `ncaPrivate` is the NCA's
 * private extension 1.2.398.3.3.5 (see {@link CertificateProfile.ncaPrivateExtension}).
 */
export type ExtensionName =
  | 'basicConstraints'
  | 'keyUsage'
  | 'extKeyUsage'
  | 'authorityKeyIdentifier'
  | 'subjectKeyIdentifier'
  | 'certificatePolicies'
  | 'cRLDistributionPoints'
  | 'freshestCRL'
  | 'authorityInfoAccess'
  | 'ocspNoCheck'
  | 'subjectAltName'
  | 'ncaPrivate';

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
  /**
   * The order in which extensions are written. The NCA's GOST-2015 certificates order them
   * differently per template (docs/domain.md, GOST); extensions the certificate has but this list
   * lacks follow in the default order. Absent: the default order of `issueCertificate`.
   */
  extensionOrder?: readonly ExtensionName[];
  /**
   * authorityKeyIdentifier also names the issuer certificate by its issuer and serial
   * (authorityCertIssuer, authorityCertSerialNumber), as the NCA's CA certificates do.
   */
  authorityKeyIdentifierIssuer?: boolean;
  /** Writes authorityInfoAccess with the OCSP access first (as most NCA GOST-2015 certificates). */
  aiaOcspFirst?: boolean;
  /**
   * Adds the NCA's private extension 1.2.398.3.3.5 = SEQUENCE { 1.2.398.3.3.5.1.1 } (not
   * critical), which every NCA GOST-2015 end-entity certificate in the fixtures carries.
   */
  ncaPrivateExtension?: boolean;
  /**
   * The serial number is the subject key identifier with its top bit cleared (a positive 20-byte
   * INTEGER), as in the NCA's GOST-2015 certificates. An explicit `serial` option overrides it.
   */
  serialFromKeyId?: boolean;
  /** Length of a random serial number in bytes, 9 to 20 (default 16; the NCA's RSA CA uses 20). */
  serialBytes?: number;
  /**
   * How the subject key identifier is computed (`issueCertificate`'s `keyIdMethod` overrides it):
   * the NCA's RSA end-entity profiles use `spki-sha1`, its GOST-2015 ones RFC 5280 method 1.
   */
  keyIdMethod?: 'rfc5280' | 'spki-sha1';
  /**
   * Each policy also carries a user notice whose explicitText is the CPS URL (UTF8String), as the
   * NCA's RSA certificates have it; needs a CPS URL.
   */
  policyUserNotice?: boolean;
  /** The subject key the profile is for, when it requires one algorithm (e.g. `GOST-2015-512`). */
  keyAlgorithm?: string;
}
