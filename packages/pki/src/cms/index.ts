/**
 * CMS SignedData and CAdES (RFC 5652, RFC 5126 / ETSI EN 319 122): signing (attached, detached,
 * several signers, RSA/ECDSA/GOST), adding signers and signature timestamps without touching the
 * rest, reading, and `verifyCms` with its report, policies, revocation and evidence.
 */
export {
  type CmsAttributeInput,
  type EssCertId,
  encodeAttribute,
  readSigningCertificate,
  type SigningCertificateRef,
} from './attributes.js';
export {
  computeDigest,
  DIGEST_LENGTHS,
  DIGEST_NAMES,
  DIGEST_OIDS,
  type DigestName,
  digestAlgorithmIdentifier,
  digestNameOfOid,
  isDigestName,
} from './digest.js';
export { type CmsEvidence, parseCmsEvidence } from './evidence.js';
export { type FetchBytesOptions, type Fetcher, fetchBytes } from './http.js';
export { type KeyFileSigner, openSignerKeyFile } from './key-file.js';
export { CMS_ATTRIBUTES, CMS_CONTENT_TYPES, NCA_TSA_POLICY_OIDS, TIME_STAMPING_EKU } from './oids.js';
export {
  type CmsAlgorithm,
  type CmsAttribute,
  type CmsSignedData,
  type CmsSignerId,
  type CmsSignerInfo,
  extractCmsContent,
  isCmsSignedData,
  parseCms,
} from './parse.js';
export {
  type CmsPolicy,
  requireFirstManagerOf,
  requireIndividual,
  requireSignKey,
  requireTimestamp,
} from './policy.js';
export type {
  CmsChainReport,
  CmsFailureReason,
  CmsPolicyResult,
  CmsRevocationReport,
  CmsSignerReport,
  CmsTimestampReport,
  CmsVerificationReport,
} from './report.js';
export {
  RevocationCache,
  type RevocationCheck,
  type RevocationOptions,
  type RevocationStatus,
} from './revocation.js';
export {
  type AddCmsSignerOptions,
  addCmsSigner,
  type CmsSignerOptions,
  type SignCmsOptions,
  signCms,
} from './sign.js';
export { checkSignerInfo, type SignatureFailureReason, type SignerCheck } from './signer-check.js';
export {
  type AddSignatureTimestampOptions,
  addSignatureTimestamp,
  addTimestampToken,
  signatureImprint,
  type TimestampSource,
} from './timestamp.js';
export { type VerifyCmsOptions, verifyCms } from './verify.js';
