/**
 * `@kzpki/pki`: X.509, CSR, PKCS#12, CRL and OCSP for the NCA RK PKI.
 *
 * @packageDocumentation
 */
export * from './certificate.js';
// --- profiles, subjects, inspection, chains
export * from './chain.js';
export * from './crypto-provider.js';
export * from './encoding.js';
export * from './errors.js';
export * from './inspect.js';
export * from './name.js';
export * from './oids.js';
export * from './profile.js';
export * from './signing.js';
export * from './subject.js';
export * from './templates.js';
// --- end profiles

// --- keys, CSRs, issuance
export {
  type CreateCsrOptions,
  type CsrInfo,
  createCsr,
  isCsrInfo,
  type VerifyCsrOptions,
  verifyCsr,
} from './csr.js';
export {
  EXTENSION_REQUEST_OID,
  inferPurpose,
  inferTemplate,
  type RequestedExtensions,
} from './csr-extensions.js';
export {
  type CertificateUrls,
  type CertificateValidity,
  type IssueCertificateOptions,
  type IssuedCertificate,
  issueCertificate,
  type PreparedIssuer,
  prepareIssuer,
} from './issue.js';
export {
  KEY_ALGORITHM_OIDS,
  type KeyAlgorithmLabel,
  type KeyAlgorithmName,
  keyAlgorithmOf,
  type NamedCurve,
  parseSpki,
  type SpkiInfo,
} from './key-algorithm.js';
export {
  exportPkcs8,
  exportSpki,
  generateKeyPair,
  importPkcs8,
  importSpki,
  type KeyOptions,
} from './keys.js';
export { MAX_SERIAL_BYTES, MIN_SERIAL_BYTES, randomSerial, serialFromRandom } from './serial.js';
export { type KeyIdMethod, subjectKeyIdentifier } from './ski.js';
// --- end keys

// --- PKCS#12
export * from './pkcs12/index.js';
// --- end PKCS#12

// --- CRL and OCSP
export { type BuildCrlOptions, buildCrl, type CrlEntryInput } from './crl-build.js';
export { type CrlEntry, type CrlExtensionInfo, type CrlInfo, parseCrl } from './crl-parse.js';
export { CRL_REASON_CODES, type CrlReason, crlReasonFromCode, isCrlReason } from './crl-reason.js';
export { verifyCrl } from './crl-verify.js';
export { normalizeSerialHex, type SerialInput } from './der-serial.js';
export {
  certIdKey,
  computeCertId,
  encodeCertId,
  isOcspHashAlgorithm,
  OCSP_HASH_OIDS,
  type OcspCertId,
  type OcspHashAlgorithm,
  type OcspIssuer,
  prepareOcspIssuer,
} from './ocsp-cert-id.js';
export { OCSP_NONCE_OID, type OcspNonceEncoding } from './ocsp-nonce.js';
export {
  type CreatedOcspRequest,
  type CreateOcspRequestOptions,
  createOcspRequest,
  type OcspExtensionInfo,
  type OcspRequestInfo,
  type OcspRequestTarget,
  parseOcspRequest,
} from './ocsp-request.js';
export {
  type BuildOcspResponseOptions,
  buildOcspErrorResponse,
  buildOcspResponse,
  encodeSingleResponse,
  OCSP_BASIC_RESPONSE_OID,
  OCSP_RESPONSE_STATUS_CODES,
  type OcspCertStatus,
  type OcspResponder,
  type OcspResponderIdType,
  type OcspResponderOptions,
  type OcspResponseContent,
  type OcspResponseStatus,
  type OcspSingleResponseInput,
  prepareOcspResponder,
} from './ocsp-response.js';
export {
  type OcspCertStatusInfo,
  type OcspResponderIdInfo,
  type OcspResponseInfo,
  type OcspSingleResponseInfo,
  parseOcspResponse,
} from './ocsp-response-parse.js';
export {
  type OcspVerification,
  type OcspVerificationFailure,
  type VerifyOcspResponseOptions,
  verifyOcspResponse,
} from './ocsp-verify.js';
// --- end CRL and OCSP
