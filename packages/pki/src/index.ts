/**
 * `@kzpki/pki`: X.509, CSR, PKCS#12, CRL, OCSP, CMS/CAdES and RFC 3161 timestamps for the NCA RK PKI.
 *
 * Exports are grouped by family, as the source folders are: cms (signed documents, `verifyCms`),
 * crl, csr, der (encodings), gost (Streebog, GOST R 34.11-94, GOST keys and signatures in the KZ
 * encodings), keys, ocsp, pkcs12, profiles (templates, OIDs), signature, tsp (timestamps), x509.
 *
 * @packageDocumentation
 */

export * from './cms/index.js';
export { type BuildCrlOptions, buildCrl, type CrlEntryInput } from './crl/build.js';
export { type CrlEntry, type CrlExtensionInfo, type CrlInfo, parseCrl } from './crl/parse.js';
export { CRL_REASON_CODES, type CrlReason, crlReasonFromCode, isCrlReason } from './crl/reason.js';
export { verifyCrl } from './crl/verify.js';
export * from './crypto-provider.js';
export {
  type CreateCsrOptions,
  type CsrInfo,
  createCsr,
  isCsrInfo,
  type VerifyCsrOptions,
  verifyCsr,
} from './csr/csr.js';
export {
  EXTENSION_REQUEST_OID,
  inferPurpose,
  inferTemplate,
  type RequestedExtensions,
} from './csr/extension-request.js';
export * from './der/encoding.js';
export { normalizeSerialHex, type SerialInput } from './der/serial.js';
export * from './errors.js';
export * from './gost/index.js';
export {
  EC_CURVES,
  type EcCurve,
  type EcCurveName,
  KEY_ALGORITHM_OIDS,
  type KeyAlgorithmLabel,
  type KeyAlgorithmName,
  type KeyFamily,
  keyFamilyOf,
  type NamedCurve,
} from './keys/key-algorithm.js';
export {
  exportPkcs8,
  exportSpki,
  generateKeyPair,
  importPkcs8,
  importSpki,
  type KeyOptions,
} from './keys/keys.js';
export {
  ISSUANCE_KEY_POLICY,
  inspectPublicKey,
  keyAlgorithmOf,
  type PublicKeyInfo,
  type PublicKeyPolicy,
  parseSpki,
  readSpki,
  type SpkiEnvelope,
  type SpkiInfo,
  spkiSubjectPublicKey,
  VERIFICATION_KEY_POLICY,
  validatePublicKey,
} from './keys/public-key.js';
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
} from './ocsp/cert-id.js';
export { OCSP_NONCE_OID, type OcspNonceEncoding } from './ocsp/nonce.js';
export {
  type CreatedOcspRequest,
  type CreateOcspRequestOptions,
  createOcspRequest,
  type OcspExtensionInfo,
  type OcspRequestInfo,
  type OcspRequestTarget,
  parseOcspRequest,
} from './ocsp/request.js';
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
} from './ocsp/response.js';
export {
  type OcspCertStatusInfo,
  type OcspResponderIdInfo,
  type OcspResponseInfo,
  type OcspSingleResponseInfo,
  parseOcspResponse,
} from './ocsp/response-parse.js';
export {
  type OcspVerification,
  type OcspVerificationFailure,
  type VerifyOcspResponseOptions,
  verifyOcspResponse,
} from './ocsp/verify.js';
export * from './pkcs12/index.js';
export * from './profiles/oids.js';
export * from './profiles/profile.js';
export * from './profiles/templates.js';
export {
  findSignatureAlgorithm,
  HASH_LENGTHS,
  HASH_NAMES,
  HASH_OIDS,
  type HashName,
  hashNameOfOid,
  isHashName,
  SIGNATURE_ALGORITHMS,
  SIGNATURE_OIDS,
  type SignatureAlgorithm,
  type SignatureMethod,
  signatureAlgorithm,
  signatureAlgorithmIdentifierDer,
} from './signature/algorithms.js';
export { ecdsaDerToRaw, ecdsaRawToDer } from './signature/ecdsa.js';
export {
  defaultSignatureAlgorithm,
  isSigningKey,
  isSoftwareSigningKey,
  type PreparedSigner,
  prepareSigner,
  type SignatureScheme,
  type SigningKey,
  type SoftwareSigningKey,
  signatureSchemeFor,
  signData,
} from './signature/sign.js';
export { type VerifySignatureInput, verifySignature } from './signature/verify.js';
export * from './tsp/index.js';
export * from './x509/certificate.js';
export { certificatePublicKeyInfo } from './x509/certificate-fields.js';
export * from './x509/chain.js';
export * from './x509/inspect.js';
export {
  type CertificateUrls,
  type CertificateValidity,
  type IssueCertificateOptions,
  type IssuedCertificate,
  issueCertificate,
  type PreparedIssuer,
  prepareIssuer,
  serialFromKeyId,
} from './x509/issue.js';
export * from './x509/name.js';
export { MAX_SERIAL_BYTES, MIN_SERIAL_BYTES, randomSerial, serialFromRandom } from './x509/serial.js';
export { type KeyIdMethod, subjectKeyIdentifier } from './x509/ski.js';
export * from './x509/subject.js';
