/**
 * GOST for Kazakhstan's PKI: Streebog and GOST R 34.11-94 hashes, GOST R 34.10-2012 (the KZ
 * GOST R 34.10-2015) and GOST 34.310-2004 signatures in the KZ encodings, GOST keys.
 * See docs/domain.md, "GOST generations and the KZ byte order".
 */

export {
  GOST_ALGORITHMS,
  type GostAlgorithm,
  type GostAlgorithmId,
  gostAlgorithm,
  gostAlgorithmByKeyOid,
  gostAlgorithmBySignatureOid,
  isGostKeyOid,
  isGostSignatureOid,
} from './algorithms.js';
export {
  type GostCurve,
  type GostCurveName,
  type GostCurveParams,
  type GostPoint,
  gostCurve,
} from './curves.js';
export {
  decodeGostPublicKey,
  decodeGostSignature,
  decodeGostSpki,
  encodeGostPublicKey,
  encodeGostSignature,
  encodeGostSpki,
  type GostPublicKeyInfo,
} from './encoding.js';
export { Gostr341194Hash, gostr3411_94 } from './gostr3411-94.js';
export {
  type GostKeyPair,
  GostPrivateKey,
  generateGostKeyPair,
  verifyGost,
  verifyGostAsync,
} from './keys.js';
export { decodeGostPkcs8, encodeGostPkcs8, isGostPkcs8 } from './pkcs8.js';
export type { GostSignatureValue } from './sign.js';
export { type GostHashFunction, StreebogHash, streebog256, streebog512 } from './streebog.js';
