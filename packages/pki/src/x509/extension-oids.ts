/**
 * The one table of extension OIDs: certificate and CRL extensions (RFC 5280 §4.2, §5.2, §5.3),
 * OCSP extensions (RFC 6960 §4.4) and the AuthorityInfoAccess methods. Every module that writes or
 * reads an extension takes its OID from here; `NCA_OIDS.extension` names the same values.
 */

/** Extension OIDs, by their ASN.1 names (`id-ce-…`, `id-pe-…`, `id-pkix-ocsp-…`). */
export const EXTENSION_OIDS = {
  subjectKeyIdentifier: '2.5.29.14',
  keyUsage: '2.5.29.15',
  privateKeyUsagePeriod: '2.5.29.16',
  subjectAltName: '2.5.29.17',
  issuerAltName: '2.5.29.18',
  basicConstraints: '2.5.29.19',
  /** CRL extension, RFC 5280 §5.2.3 */
  cRLNumber: '2.5.29.20',
  /** CRL entry extension, RFC 5280 §5.3.1 */
  reasonCode: '2.5.29.21',
  /** CRL entry extension, RFC 5280 §5.3.2 */
  invalidityDate: '2.5.29.24',
  /** CRL extension, RFC 5280 §5.2.4 */
  deltaCRLIndicator: '2.5.29.27',
  /** CRL extension, RFC 5280 §5.2.5 */
  issuingDistributionPoint: '2.5.29.28',
  /** CRL entry extension, RFC 5280 §5.3.3 */
  certificateIssuer: '2.5.29.29',
  nameConstraints: '2.5.29.30',
  cRLDistributionPoints: '2.5.29.31',
  certificatePolicies: '2.5.29.32',
  policyMappings: '2.5.29.33',
  authorityKeyIdentifier: '2.5.29.35',
  policyConstraints: '2.5.29.36',
  extKeyUsage: '2.5.29.37',
  /** Certificate and CRL extension, RFC 5280 §4.2.1.15 / §5.2.6 */
  freshestCRL: '2.5.29.46',
  inhibitAnyPolicy: '2.5.29.54',
  /** CRL extension, X.509 (2016) §9.6.2.9 */
  expiredCertsOnCRL: '2.5.29.60',
  authorityInfoAccess: '1.3.6.1.5.5.7.1.1',
  subjectInfoAccess: '1.3.6.1.5.5.7.1.11',
  /** id-pkix-ocsp-nonce, RFC 6960 §4.4.1 / RFC 8954 */
  ocspNonce: '1.3.6.1.5.5.7.48.1.2',
  /** id-pkix-ocsp-nocheck, RFC 6960 §4.2.2.2.1 */
  ocspNoCheck: '1.3.6.1.5.5.7.48.1.5',
  /** id-pkix-ocsp-extended-revoke, RFC 6960 §4.4.8 */
  ocspExtendedRevoke: '1.3.6.1.5.5.7.48.1.9',
} as const;

/** accessMethod OIDs of AuthorityInfoAccess (RFC 5280 §4.2.2.1). */
export const ACCESS_METHOD_OIDS = {
  ocsp: '1.3.6.1.5.5.7.48.1',
  caIssuers: '1.3.6.1.5.5.7.48.2',
} as const;
