/**
 * Object identifiers of CMS (RFC 5652), the ESS attributes (RFC 2634, RFC 5035), CAdES (RFC 5126,
 * ETSI EN 319 122-1) and RFC 3161 timestamps that this package reads and writes.
 */

/** Content types (RFC 5652 §4, §5; RFC 3161 §2.4.2). */
export const CMS_CONTENT_TYPES = {
  /** id-data */
  data: '1.2.840.113549.1.7.1',
  /** id-signedData */
  signedData: '1.2.840.113549.1.7.2',
  /** id-ct-TSTInfo (RFC 3161 §2.4.2) */
  tstInfo: '1.2.840.113549.1.9.16.1.4',
} as const;

/** Attribute types (RFC 5652 §11, RFC 5035 §3, RFC 3161 Appendix A, RFC 5126 §5.7.3). */
export const CMS_ATTRIBUTES = {
  /** id-contentType */
  contentType: '1.2.840.113549.1.9.3',
  /** id-messageDigest */
  messageDigest: '1.2.840.113549.1.9.4',
  /** id-signingTime */
  signingTime: '1.2.840.113549.1.9.5',
  /** id-countersignature */
  counterSignature: '1.2.840.113549.1.9.6',
  /** id-aa-signingCertificate (ESS, SHA-1 only; RFC 2634 §5.4) */
  signingCertificate: '1.2.840.113549.1.9.16.2.12',
  /** id-aa-signingCertificateV2 (RFC 5035 §3) */
  signingCertificateV2: '1.2.840.113549.1.9.16.2.47',
  /** id-aa-signatureTimeStampToken (RFC 3161 Appendix A; CAdES-T) */
  signatureTimeStampToken: '1.2.840.113549.1.9.16.2.14',
} as const;

/**
 * TSA policy OIDs of the NCA RK (the `reqPolicy`/`policy` of RFC 3161): the policy names the
 * algorithm the TSA signs its tokens with. See docs/domain.md (timestamps).
 */
export const NCA_TSA_POLICY_OIDS = {
  /** Tokens signed with GOST 34.310-2004 (signature OID 1.2.398.3.10.1.1.1.2). */
  gost2004: '1.2.398.3.3.2.6.1',
  /** Tokens signed with RSA (sha256WithRSAEncryption). */
  rsa: '1.2.398.3.3.2.6.2',
  /** Tokens signed with GOST 34.310-2004 under the other (GT) algorithm OID. */
  gostGt: '1.2.398.3.3.2.6.3',
  /** Tokens signed with GOST R 34.10-2015 (512 bit, Streebog-512). */
  gost2015: '1.2.398.3.3.2.6.4',
} as const;

/** id-kp-timeStamping (RFC 3161 §2.3). */
export const TIME_STAMPING_EKU = '1.3.6.1.5.5.7.3.8';
