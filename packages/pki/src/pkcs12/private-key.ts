/**
 * What a PKCS #12 reader and writer need to know about a PKCS #8 private key: its algorithm, its
 * public half where the encoding carries it (to pair the key with its certificate), and a WebCrypto
 * handle for the algorithms WebCrypto supports (RSA, ECDSA P-256/384/521). GOST keys (NCA's
 * GOST 34.310-2004 and GOST R 34.10-2015) have no WebCrypto algorithm: they open as
 * `GostPrivateKey`s (src/gost/pkcs8.ts), whose public half is computed to pair them.
 *
 * ```asn1
 * PrivateKeyInfo ::= SEQUENCE {                        -- RFC 5208 / RFC 5958 OneAsymmetricKey
 *     version             INTEGER,
 *     privateKeyAlgorithm AlgorithmIdentifier,
 *     privateKey          OCTET STRING,
 *     attributes          [0] IMPLICIT Attributes OPTIONAL,
 *     publicKey           [1] IMPLICIT BIT STRING OPTIONAL }
 * RSAPrivateKey ::= SEQUENCE { version, modulus INTEGER, publicExponent INTEGER, ... }   -- RFC 8017
 * RSAPublicKey  ::= SEQUENCE { modulus INTEGER, publicExponent INTEGER }
 * ECPrivateKey  ::= SEQUENCE {                                                          -- RFC 5915
 *     version INTEGER, privateKey OCTET STRING,
 *     parameters [0] ECParameters OPTIONAL, publicKey [1] BIT STRING OPTIONAL }
 * ```
 */
import * as asn1js from 'asn1js';
import type * as pkijs from 'pkijs';
import { PublicKeyInfo } from 'pkijs';
import { getCrypto } from '../crypto-provider.js';
import { bytesEqual } from '../der/encoding.js';
import { PkiError } from '../errors.js';
import { isGostKeyOid } from '../gost/algorithms.js';
import type { GostPrivateKey } from '../gost/keys.js';
import { decodeGostPkcs8 } from '../gost/pkcs8.js';
import { type Asn1Node, decodeBer, explicit, isContextTag, octets, oid, sequence } from './asn1.js';
import { PKCS12_OIDS } from './oids.js';

/** Facts about a PKCS #8 key. */
export interface Pkcs8Info {
  /** privateKeyAlgorithm OID. */
  algorithm: string;
  /** Named curve OID for EC keys. */
  curve?: string;
  /**
   * RSA modulus (no leading zeros) or EC public point, when the key encoding carries it; the GOST
   * public key x || y (computed from the private key).
   */
  publicValue?: Uint8Array;
  /** The key, ready to sign, for GOST keys. */
  gost?: GostPrivateKey;
}

const CURVES: Readonly<Record<string, 'P-256' | 'P-384' | 'P-521'>> = {
  [PKCS12_OIDS.secp256r1]: 'P-256',
  [PKCS12_OIDS.secp384r1]: 'P-384',
  [PKCS12_OIDS.secp521r1]: 'P-521',
};

function unsignedInteger(node: Asn1Node | undefined, what: string): Uint8Array {
  if (!(node instanceof asn1js.Integer)) throw new PkiError('ERR_KEY_INVALID', `${what} is not an INTEGER`);
  let v = node.valueBlock.valueHexView;
  while (v.length > 1 && v[0] === 0) v = v.subarray(1);
  return v;
}

function bitStringBytes(node: Asn1Node | undefined): Uint8Array | undefined {
  return node instanceof asn1js.BitString ? node.valueBlock.valueHexView : undefined;
}

/**
 * Decodes the parts of a PKCS #8 PrivateKeyInfo this module uses.
 * @throws {PkiError} `ERR_KEY_INVALID` when `der` is not a PrivateKeyInfo or its RSA/EC key is malformed.
 */
export function inspectPkcs8(der: Uint8Array): Pkcs8Info {
  try {
    const [, algNode, keyNode] = sequence(decodeBer(der, 'PrivateKeyInfo'), 'PrivateKeyInfo', 3, 5);
    const [algOid, params] = sequence(algNode, 'privateKeyAlgorithm', 1, 2);
    const algorithm = oid(algOid, 'privateKeyAlgorithm');
    const inner = octets(keyNode, 'privateKey');
    if (algorithm === PKCS12_OIDS.rsaEncryption) {
      const fields = sequence(decodeBer(inner, 'RSAPrivateKey'), 'RSAPrivateKey', 9);
      return { algorithm, publicValue: unsignedInteger(fields[1], 'RSAPrivateKey.modulus') };
    }
    if (algorithm === PKCS12_OIDS.ecPublicKey) {
      const curve = params instanceof asn1js.ObjectIdentifier ? params.valueBlock.toString() : undefined;
      const fields = sequence(decodeBer(inner, 'ECPrivateKey'), 'ECPrivateKey', 2, 4);
      const pubNode = fields.find((f) => isContextTag(f, 1));
      const publicValue = pubNode
        ? bitStringBytes(explicit(pubNode, 1, 'ECPrivateKey.publicKey'))
        : undefined;
      return { algorithm, ...(curve ? { curve } : {}), ...(publicValue ? { publicValue } : {}) };
    }
    if (isGostKeyOid(algorithm)) {
      const gost = decodeGostPkcs8(der);
      return { algorithm, publicValue: gost.publicKey, gost };
    }
    return { algorithm };
  } catch (cause) {
    if (cause instanceof PkiError && cause.code === 'ERR_KEY_INVALID') throw cause;
    throw new PkiError('ERR_KEY_INVALID', 'Private key is not a well-formed PKCS#8 PrivateKeyInfo', {
      cause,
    });
  }
}

const COMPARABLE: ReadonlySet<string> = new Set([PKCS12_OIDS.rsaEncryption, PKCS12_OIDS.ecPublicKey]);
const comparable = (oid: string): boolean => COMPARABLE.has(oid) || isGostKeyOid(oid);

/** The public value of a certificate comparable with {@link Pkcs8Info.publicValue}. */
function certificatePublicValue(cert: pkijs.Certificate): { algorithm: string; value?: Uint8Array } {
  return publicValueOf(cert.subjectPublicKeyInfo);
}

/** The public value of a SubjectPublicKeyInfo comparable with {@link Pkcs8Info.publicValue}. */
function publicValueOf(spki: pkijs.PublicKeyInfo): { algorithm: string; value?: Uint8Array } {
  const algorithm = spki.algorithm.algorithmId;
  const bits = spki.subjectPublicKey.valueBlock.valueHexView;
  if (algorithm === PKCS12_OIDS.rsaEncryption) {
    try {
      const [modulus] = sequence(decodeBer(bits, 'RSAPublicKey'), 'RSAPublicKey', 2, 2);
      return { algorithm, value: unsignedInteger(modulus, 'RSAPublicKey.modulus') };
    } catch {
      return { algorithm };
    }
  }
  if (algorithm === PKCS12_OIDS.ecPublicKey) return { algorithm, value: bits };
  if (isGostKeyOid(algorithm)) {
    // KZ GOST: the BIT STRING holds OCTET STRING (x || y); compare the octets.
    try {
      return { algorithm, value: octets(decodeBer(bits, 'GOST public key'), 'GOST public key') };
    } catch {
      return { algorithm };
    }
  }
  return { algorithm };
}

/**
 * Whether the key belongs to the certificate: `true`/`false` when the public values can be
 * compared, `undefined` when they cannot (EC keys without the optional public key, unknown
 * algorithms).
 */
export function keyMatchesCertificate(key: Pkcs8Info, cert: pkijs.Certificate): boolean | undefined {
  return keyMatches(key, certificatePublicValue(cert));
}

/**
 * Whether a PKCS #8 private key is the private half of a DER SubjectPublicKeyInfo: `true`/`false`
 * when the public values can be compared (RSA, EC with its public key, the KZ GOST keys),
 * `undefined` when they cannot.
 * @example
 * ```ts
 * privateKeyMatchesPublicKey(pending.pkcs8, certificatePublicKeyInfo(issuedPem)); // true
 * ```
 * @throws {PkiError} `ERR_KEY_INVALID` for a malformed private key or SubjectPublicKeyInfo.
 */
export function privateKeyMatchesPublicKey(pkcs8: Uint8Array, spki: Uint8Array): boolean | undefined {
  const key = inspectPkcs8(pkcs8);
  let info: pkijs.PublicKeyInfo;
  try {
    info = new PublicKeyInfo({ schema: decodeBer(spki, 'SubjectPublicKeyInfo') });
  } catch (cause) {
    throw new PkiError('ERR_KEY_INVALID', 'Not a well-formed SubjectPublicKeyInfo', { cause });
  }
  return keyMatches(key, publicValueOf(info));
}

function keyMatches(key: Pkcs8Info, pub: { algorithm: string; value?: Uint8Array }): boolean | undefined {
  // RSA, EC and the KZ GOST keys are understood here; other pairs cannot be judged.
  if (!comparable(key.algorithm) || !comparable(pub.algorithm)) return undefined;
  if (pub.algorithm !== key.algorithm) return false;
  if (!pub.value || !key.publicValue) return undefined;
  return bytesEqual(pub.value, key.publicValue);
}

/**
 * Imports the key into WebCrypto for signing: RSASSA-PKCS1-v1_5 with SHA-256 (as NCA RSA keys
 * sign) or ECDSA on its named curve. Returns `undefined` for algorithms WebCrypto lacks (GOST, …).
 * @throws {PkiError} `ERR_KEY_INVALID` when WebCrypto rejects an RSA or EC key it should accept.
 */
export async function importPkcs8ForSigning(
  der: Uint8Array,
  info: Pkcs8Info,
  extractable: boolean,
): Promise<CryptoKey | undefined> {
  let algorithm: RsaHashedImportParams | EcKeyImportParams;
  if (info.algorithm === PKCS12_OIDS.rsaEncryption) {
    algorithm = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' };
  } else if (info.algorithm === PKCS12_OIDS.ecPublicKey && info.curve && CURVES[info.curve]) {
    algorithm = { name: 'ECDSA', namedCurve: CURVES[info.curve]! };
  } else {
    return undefined;
  }
  try {
    return await getCrypto().subtle.importKey('pkcs8', der as BufferSource, algorithm, extractable, ['sign']);
  } catch (cause) {
    throw new PkiError('ERR_KEY_INVALID', `WebCrypto rejected the ${algorithm.name} private key`, { cause });
  }
}
