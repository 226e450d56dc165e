/**
 * The KZ encodings of GOST keys and signatures (docs/domain.md, "GOST generations and the KZ byte
 * order"), checked by computation
 * against the NCA's certificates:
 *
 * - public key: `x || y`, each coordinate little-endian in `size` bytes, wrapped in an OCTET STRING
 *   that is the content of the SubjectPublicKeyInfo BIT STRING (as RFC 4491 §2.3.2 does);
 * - signature value (the BIT STRING of a certificate, CRL, OCSP response): `r || s`, each
 *   little-endian, which is the full byte reversal of RFC 4491's big-endian `s || r`;
 * - SPKI algorithm parameters: `SEQUENCE { publicKeyParamSet OID, digestParamSet OID }`
 *   (the signature AlgorithmIdentifier, `SEQUENCE { signature OID, NULL }`, is the signature
 *   module's, src/signature/algorithms.ts).
 *
 * Every public key taken in is validated: exact lengths, coordinates below p, on the curve, in the
 * prime-order subgroup, not the identity. Failures are {@link PkiError}s.
 */

import { bytesToNumberLE, numberToBytesLE } from '@noble/curves/utils';
import { DER_TAG, type DerElement, DerReader } from '../der/reader.js';
import { derBitString, derOctetString, derOid, derSequence } from '../der/writer.js';
import { PkiError } from '../errors.js';
import { curveOf, type GostAlgorithm, gostAlgorithmByKeyOid } from './algorithms.js';
import type { GostCurve, GostPoint } from './curves.js';
import type { GostSignatureValue } from './sign.js';

/**
 * x || y little-endian (the content of the SPKI's OCTET STRING).
 * @example
 * ```ts
 * const curve = gostCurve('tc26-512-paramSetA');
 * encodeGostPublicKey(curve, curve.Point.BASE).length; // 128
 * ```
 */
export function encodeGostPublicKey(curve: GostCurve, point: GostPoint): Uint8Array {
  const { size } = curve.params;
  const { x, y } = point.toAffine();
  const out = new Uint8Array(2 * size);
  out.set(numberToBytesLE(x, size), 0);
  out.set(numberToBytesLE(y, size), size);
  return out;
}

/**
 * The point of KZ public key bytes `x || y` (little-endian), fully validated.
 * @throws {PkiError} `ERR_KEY_INVALID` for a wrong length, a coordinate >= p, a point off the
 * curve, outside the prime-order subgroup, or the identity.
 * @example
 * ```ts
 * const point = decodeGostPublicKey(gostCurve('tc26-512-paramSetA'), key.publicKey);
 * ```
 */
export function decodeGostPublicKey(curve: GostCurve, bytes: Uint8Array): GostPoint {
  const { size, p } = curve.params;
  if (!(bytes instanceof Uint8Array) || bytes.length !== 2 * size) {
    throw new PkiError('ERR_KEY_INVALID', `GOST public key must be ${2 * size} bytes (x || y)`);
  }
  const x = bytesToNumberLE(bytes.subarray(0, size));
  const y = bytesToNumberLE(bytes.subarray(size));
  if (x >= p || y >= p) throw new PkiError('ERR_KEY_INVALID', 'GOST public key coordinate is not below p');
  if (x === 0n && y === 0n) throw new PkiError('ERR_KEY_INVALID', 'GOST public key is the identity');
  const point = curve.Point.fromAffine({ x, y });
  try {
    // noble: not the identity, on the curve, and (cofactor curves) q·Q = O.
    point.assertValidity();
  } catch (cause) {
    throw new PkiError('ERR_KEY_INVALID', 'GOST public key is not a valid point of the curve', { cause });
  }
  return point;
}

/**
 * The KZ signature value `r || s` (each little-endian, `size` bytes).
 * @example
 * ```ts
 * encodeGostSignature(64, { r, s }); // 128 bytes, as in the BIT STRING of an NCA certificate
 * ```
 */
export function encodeGostSignature(size: 32 | 64, sig: GostSignatureValue): Uint8Array {
  const out = new Uint8Array(2 * size);
  out.set(numberToBytesLE(sig.r, size), 0);
  out.set(numberToBytesLE(sig.s, size), size);
  return out;
}

/**
 * (r, s) from the KZ signature value `r || s`.
 * @throws {PkiError} `ERR_SIGNATURE_INVALID` when the length is not `2 * size`. Range checks
 * (0 < r, s < q) are the verifier's.
 * @example
 * ```ts
 * const { r, s } = decodeGostSignature(64, signatureValue);
 * ```
 */
export function decodeGostSignature(size: 32 | 64, bytes: Uint8Array): GostSignatureValue {
  if (!(bytes instanceof Uint8Array) || bytes.length !== 2 * size) {
    throw new PkiError('ERR_SIGNATURE_INVALID', `GOST signature must be ${2 * size} bytes (r || s)`);
  }
  return { r: bytesToNumberLE(bytes.subarray(0, size)), s: bytesToNumberLE(bytes.subarray(size)) };
}

/**
 * SubjectPublicKeyInfo DER of a GOST key (RFC 5280 §4.1.2.7, parameters as RFC 4491 §2.3.1 with
 * the KZ OIDs):
 *
 * ```asn1
 * SubjectPublicKeyInfo ::= SEQUENCE {
 *   algorithm AlgorithmIdentifier { keyOid, SEQUENCE { publicKeyParamSet OID, digestParamSet OID } },
 *   subjectPublicKey BIT STRING -- contains the DER of OCTET STRING (x || y, little-endian) }
 * ```
 * @example
 * ```ts
 * const spki = encodeGostSpki(gostAlgorithm('gost2015-512'), point);
 * ```
 */
export function encodeGostSpki(alg: GostAlgorithm, point: GostPoint): Uint8Array {
  const key = encodeGostPublicKey(curveOf(alg), point);
  return derSequence(
    derSequence(derOid(alg.keyOid), derSequence(derOid(alg.paramSetOid), derOid(alg.digestOid))),
    derBitString(derOctetString(key)),
  );
}

/** A decoded GOST SubjectPublicKeyInfo. */
export interface GostPublicKeyInfo {
  readonly algorithm: GostAlgorithm;
  /** The validated public point. */
  readonly point: GostPoint;
  /** `x || y` little-endian, as in the OCTET STRING. */
  readonly publicKey: Uint8Array;
}

/**
 * Reads a GOST SubjectPublicKeyInfo and validates its point. The parameters must name the
 * parameter set of the key OID; the digest parameter, when present, that set's digest (an
 * encryptionParamSet third OID, allowed by RFC 4491, is accepted and ignored).
 * @throws {PkiError} `ERR_UNSUPPORTED_ALGORITHM` for a key OID that is not a KZ GOST key;
 * `ERR_KEY_INVALID` for anything malformed or a point that does not validate.
 * @example
 * ```ts
 * const { algorithm, point } = decodeGostSpki(certificateSpki);
 * algorithm.id; // 'gost2015-512'
 * ```
 */
export function decodeGostSpki(spki: Uint8Array): GostPublicKeyInfo {
  if (!(spki instanceof Uint8Array))
    throw new PkiError('ERR_KEY_INVALID', 'SubjectPublicKeyInfo must be bytes');
  const r: DerReader = new DerReader(spki, 'ERR_KEY_INVALID', 'GOST SubjectPublicKeyInfo');
  const root = r.root(DER_TAG.SEQUENCE, 'SubjectPublicKeyInfo');
  const [algId, bits, extra] = r.childList(root);
  if (!algId || !bits || extra) r.fail('expected SEQUENCE { algorithm, subjectPublicKey }', root.start);
  if (algId.tag !== DER_TAG.SEQUENCE) r.fail('expected AlgorithmIdentifier', algId.start);
  const [oidEl, paramsEl, more] = r.childList(algId);
  if (!oidEl || more) r.fail('bad AlgorithmIdentifier', algId.start);
  const keyOid = r.oid(oidEl);
  const alg = gostAlgorithmByKeyOid(keyOid);
  if (!alg) throw new PkiError('ERR_UNSUPPORTED_ALGORITHM', `Not a GOST key algorithm: ${keyOid}`);
  if (!paramsEl) r.fail('GOST key parameters are missing', algId.start);
  checkParams(r, paramsEl, alg);
  const inner = r.bitStringBytes(bits, 'subjectPublicKey');
  const ir: DerReader = new DerReader(inner, 'ERR_KEY_INVALID', 'GOST public key');
  const octets = ir.root(DER_TAG.OCTET_STRING, 'OCTET STRING');
  const publicKey = ir.content(octets).slice();
  const point = decodeGostPublicKey(curveOf(alg), publicKey);
  return { algorithm: alg, point, publicKey };
}

function checkParams(r: DerReader, params: DerElement, alg: GostAlgorithm): void {
  if (params.tag !== DER_TAG.SEQUENCE) r.fail('GOST key parameters must be a SEQUENCE', params.start);
  const [set, digest, encryption, more] = r.childList(params);
  if (!set || more) r.fail('bad GOST key parameters', params.start);
  const setOid = r.oid(set);
  if (setOid !== alg.paramSetOid) {
    throw new PkiError(
      'ERR_UNSUPPORTED_ALGORITHM',
      `Unknown parameter set ${setOid} for GOST key ${alg.keyOid}`,
    );
  }
  if (digest) {
    const digestOid = r.oid(digest);
    if (digestOid !== alg.digestOid) {
      throw new PkiError(
        'ERR_KEY_INVALID',
        `Digest parameter ${digestOid} does not match GOST key ${alg.keyOid}`,
      );
    }
  }
  if (encryption) r.oid(encryption);
}
