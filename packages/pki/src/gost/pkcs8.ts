/**
 * GOST private keys in PKCS #8 (RFC 5208 PrivateKeyInfo), as the NCA's key files hold them.
 * Found by inspecting the NCA's test key files (and confirmed by computing each public key from
 * the private one and comparing it with the certificate's):
 *
 * - GOST R 34.10-2015 (`GOST512_*.p12`): `privateKey` = DER of `OCTET STRING` holding d as 64
 *   bytes, little-endian (the CryptoPro convention, as in RFC 9215 §5.1);
 * - GOST 34.310-2004 (`GOSTKNCA_*.p12`): `privateKey` = DER of `INTEGER` d (big-endian, as
 *   BouncyCastle writes GOST keys; Kalkan is a BouncyCastle fork).
 *
 * The algorithm parameters are those of the SubjectPublicKeyInfo (key OID, then
 * `SEQUENCE { paramSet, digest }`).
 *
 * ```asn1
 * PrivateKeyInfo ::= SEQUENCE {
 *   version                   INTEGER (0),
 *   privateKeyAlgorithm       AlgorithmIdentifier,
 *   privateKey                OCTET STRING,
 *   attributes            [0] IMPLICIT Attributes OPTIONAL }
 * ```
 */

import { bytesToNumberBE, bytesToNumberLE } from '@noble/curves/utils';
import { DER_TAG, type DerElement, DerReader } from '../der/reader.js';
import { derInteger, derOctetString, derOid, derSequence } from '../der/writer.js';
import { PkiError } from '../errors.js';
import { type GostAlgorithm, gostAlgorithmByKeyOid } from './algorithms.js';
import { GostPrivateKey } from './keys.js';

/**
 * `true` when PKCS #8 DER carries a GOST key (by its algorithm OID); never throws.
 * @example
 * ```ts
 * if (isGostPkcs8(contents.pkcs8)) key = decodeGostPkcs8(contents.pkcs8);
 * ```
 */
export function isGostPkcs8(der: Uint8Array): boolean {
  try {
    const r: DerReader = new DerReader(der, 'ERR_KEY_INVALID', 'PrivateKeyInfo');
    const [, alg] = r.childList(r.root(DER_TAG.SEQUENCE, 'PrivateKeyInfo'));
    if (!alg || alg.tag !== DER_TAG.SEQUENCE) return false;
    const [oid] = r.childList(alg);
    return oid !== undefined && gostAlgorithmByKeyOid(r.oid(oid)) !== undefined;
  } catch {
    return false;
  }
}

/**
 * The GOST private key in PKCS #8 DER (both NCA forms, see the module comment).
 * @throws {PkiError} `ERR_UNSUPPORTED_ALGORITHM` for a key that is not a KZ GOST key;
 * `ERR_KEY_INVALID` for anything malformed or a scalar out of range.
 *
 * @example
 * ```ts
 * const { pkcs8 } = await openPkcs12(fileBytes, password);
 * const key = decodeGostPkcs8(pkcs8); // GostPrivateKey, signs in the KZ encoding
 * ```
 */
export function decodeGostPkcs8(der: Uint8Array): GostPrivateKey {
  if (!(der instanceof Uint8Array)) throw new PkiError('ERR_KEY_INVALID', 'PrivateKeyInfo must be bytes');
  const r: DerReader = new DerReader(der, 'ERR_KEY_INVALID', 'GOST PrivateKeyInfo');
  const root = r.root(DER_TAG.SEQUENCE, 'PrivateKeyInfo');
  const [version, algId, key, ...rest] = r.childList(root);
  if (!version || !algId || !key || rest.length > 2)
    r.fail('expected { version, algorithm, privateKey }', root.start);
  if (version.tag !== DER_TAG.INTEGER || r.smallInteger(version, 'version') > 1)
    r.fail('bad version', version.start);
  const alg = algorithmOf(r, algId);
  if (key.tag !== DER_TAG.OCTET_STRING) r.fail('privateKey must be an OCTET STRING', key.start);
  const ir: DerReader = new DerReader(r.content(key), 'ERR_KEY_INVALID', 'GOST private key');
  const inner = ir.read(0, ir.bytes.length);
  if (inner.end !== ir.bytes.length) ir.fail('trailing bytes after the private key', inner.end);
  let d: bigint;
  if (inner.tag === DER_TAG.OCTET_STRING) {
    const bytes = ir.content(inner);
    if (bytes.length !== alg.size) ir.fail(`the private key must be ${alg.size} bytes`, inner.start);
    d = bytesToNumberLE(bytes);
  } else if (inner.tag === DER_TAG.INTEGER) {
    const bytes = ir.content(inner);
    if (bytes.length === 0 || bytes.length > alg.size + 1 || bytes[0]! & 0x80)
      ir.fail('bad private key INTEGER', 0);
    d = bytesToNumberBE(bytes);
  } else ir.fail('the private key must be an OCTET STRING or an INTEGER', 0);
  return GostPrivateKey.fromScalar(alg, d);
}

function algorithmOf(r: DerReader, algId: DerElement): GostAlgorithm {
  if (algId.tag !== DER_TAG.SEQUENCE) r.fail('expected AlgorithmIdentifier', algId.start);
  const [oidEl, params, more] = r.childList(algId);
  if (!oidEl || more) r.fail('bad AlgorithmIdentifier', algId.start);
  const oid = r.oid(oidEl);
  const alg = gostAlgorithmByKeyOid(oid);
  if (!alg) throw new PkiError('ERR_UNSUPPORTED_ALGORITHM', `Not a GOST key algorithm: ${oid}`);
  if (params) {
    if (params.tag !== DER_TAG.SEQUENCE) r.fail('GOST key parameters must be a SEQUENCE', params.start);
    const [set] = r.childList(params);
    if (!set || r.oid(set) !== alg.paramSetOid) {
      throw new PkiError('ERR_UNSUPPORTED_ALGORITHM', `Unknown parameter set for GOST key ${alg.keyOid}`);
    }
  }
  return alg;
}

/**
 * PKCS #8 DER of a GOST private key in the NCA's form: GOST R 34.10-2015 as an OCTET STRING of
 * the little-endian scalar, GOST 34.310-2004 as an INTEGER.
 * @example
 * ```ts
 * const pkcs8 = encodeGostPkcs8(GostPrivateKey.generate('gost2015-512'));
 * ```
 */
export function encodeGostPkcs8(key: GostPrivateKey): Uint8Array {
  const alg = key.algorithm;
  const scalarLE = key.exportScalar();
  const inner = alg.id === 'gost2004' ? derInteger(bytesToNumberLE(scalarLE)) : derOctetString(scalarLE);
  const der = derSequence(
    derInteger(0),
    derSequence(derOid(alg.keyOid), derSequence(derOid(alg.paramSetOid), derOid(alg.digestOid))),
    derOctetString(inner),
  );
  scalarLE.fill(0);
  return der;
}
