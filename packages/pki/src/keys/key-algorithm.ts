/**
 * Which public-key algorithms this package generates, accepts and names: RSA (RSASSA-PKCS1-v1_5
 * with SHA-256, as the NCA uses, 2048 bits for end entities, 3072/4096 for CA keys) and ECDSA on
 * P-256/P-384. Also reads a SubjectPublicKeyInfo far enough to name its algorithm and size.
 *
 * ```asn1
 * SubjectPublicKeyInfo  ::=  SEQUENCE  {                 -- RFC 5280 §4.1
 *      algorithm            AlgorithmIdentifier,
 *      subjectPublicKey     BIT STRING  }
 * RSAPublicKey ::= SEQUENCE {                             -- RFC 8017 §A.1.1
 *      modulus           INTEGER,  -- n
 *      publicExponent    INTEGER   -- e
 * }
 * ECParameters ::= CHOICE { namedCurve OBJECT IDENTIFIER, ... }   -- RFC 5480 §2.1.1
 * ```
 */

import { type BytesLike, toBytes, toDer } from '../der/encoding.js';
import { DER_TAG, DerReader } from '../der/reader.js';
import { PkiError } from '../errors.js';

/** The key algorithms {@link generateKeyPair} creates. */
export type KeyAlgorithmName = 'RSA-2048' | 'RSA-3072' | 'RSA-4096' | 'ECDSA-P256' | 'ECDSA-P384';

/**
 * The name of a key's algorithm as reported by {@link keyAlgorithmOf}: one of
 * {@link KeyAlgorithmName}, or `RSA-<bits>` for RSA keys of other sizes (e.g. `RSA-1024`).
 */
export type KeyAlgorithmLabel = KeyAlgorithmName | `RSA-${number}`;

/** The elliptic curves this package accepts. */
export type NamedCurve = 'P-256' | 'P-384';

/** OIDs of the public-key algorithms and curves this package reads and writes. */
export const KEY_ALGORITHM_OIDS = {
  /** rsaEncryption, RFC 8017 §A.1 */
  rsaEncryption: '1.2.840.113549.1.1.1',
  /** id-ecPublicKey, RFC 5480 §2.1.1 */
  ecPublicKey: '1.2.840.10045.2.1',
  /** secp256r1 (P-256), RFC 5480 §2.1.1.1 */
  secp256r1: '1.2.840.10045.3.1.7',
  /** secp384r1 (P-384), RFC 5480 §2.1.1.1 */
  secp384r1: '1.3.132.0.34',
  /** secp521r1 (P-521): recognised to be refused by name */
  secp521r1: '1.3.132.0.35',
} as const;

const CURVE_BY_OID: Readonly<Record<string, NamedCurve>> = {
  [KEY_ALGORITHM_OIDS.secp256r1]: 'P-256',
  [KEY_ALGORITHM_OIDS.secp384r1]: 'P-384',
};

/** The curve OID for a curve name. */
export function curveOid(curve: NamedCurve): string {
  return curve === 'P-256' ? KEY_ALGORITHM_OIDS.secp256r1 : KEY_ALGORITHM_OIDS.secp384r1;
}

/** The curve named by an OID, or `undefined` for a curve this package does not accept. */
export function curveFromOid(oid: string): NamedCurve | undefined {
  return CURVE_BY_OID[oid];
}

/** What {@link parseSpki} learns from a SubjectPublicKeyInfo. */
export interface SpkiInfo {
  /** The SubjectPublicKeyInfo DER as given. */
  der: Uint8Array;
  /** `RSA` or `EC`. */
  type: 'RSA' | 'EC';
  /** AlgorithmIdentifier OID (rsaEncryption or id-ecPublicKey). */
  algorithmOid: string;
  /** Key size: RSA modulus bits, or the curve's field size (256, 384). */
  bits: number;
  /** The curve of an EC key. */
  namedCurve?: NamedCurve;
  /** Algorithm label, e.g. `RSA-2048`, `ECDSA-P256`. */
  algorithm: KeyAlgorithmLabel;
  /** The contents of the subjectPublicKey BIT STRING (without the unused-bits octet). */
  subjectPublicKey: Uint8Array;
}

/** Bit length of an unsigned big-endian integer. */
function bitLength(magnitude: Uint8Array): number {
  let i = 0;
  while (i < magnitude.length && magnitude[i] === 0) i++;
  if (i === magnitude.length) return 0;
  return (magnitude.length - i - 1) * 8 + (32 - Math.clz32(magnitude[i]!));
}

/**
 * The subjectPublicKey BIT STRING contents of any SubjectPublicKeyInfo, whatever its algorithm
 * (GOST keys included): all RFC 5280 key identifiers need.
 * @throws {PkiError} `ERR_KEY_INVALID` when it is not a SubjectPublicKeyInfo.
 */
export function spkiSubjectPublicKey(input: BytesLike | string): Uint8Array {
  let der: Uint8Array;
  try {
    der = typeof input === 'string' ? toDer(input, 'PUBLIC KEY') : toBytes(input);
  } catch (cause) {
    throw new PkiError('ERR_KEY_INVALID', 'Public key is not DER or PEM', { cause });
  }
  const r: DerReader = new DerReader(der, 'ERR_KEY_INVALID', 'SubjectPublicKeyInfo');
  const [algId, bits, ...extra] = r.childList(r.root(DER_TAG.SEQUENCE, 'SubjectPublicKeyInfo'));
  if (!algId || !bits || extra.length > 0 || algId.tag !== DER_TAG.SEQUENCE) {
    r.fail('expected SEQUENCE { algorithm, subjectPublicKey }');
  }
  return r.bitStringBytes(bits, 'subjectPublicKey');
}

/**
 * Reads a SubjectPublicKeyInfo (DER, or PEM `PUBLIC KEY`). Strict DER, no object tree: this runs
 * on every issuance.
 * @throws {PkiError} `ERR_KEY_INVALID` when it is malformed; `ERR_UNSUPPORTED_ALGORITHM` for keys
 *   other than RSA and ECDSA P-256/P-384 (e.g. P-521, Ed25519, GOST).
 */
export function parseSpki(input: BytesLike | string): SpkiInfo {
  let der: Uint8Array;
  try {
    der = typeof input === 'string' ? toDer(input, 'PUBLIC KEY') : toBytes(input);
  } catch (cause) {
    throw new PkiError('ERR_KEY_INVALID', 'Public key is not DER or PEM', { cause });
  }
  const r: DerReader = new DerReader(der, 'ERR_KEY_INVALID', 'SubjectPublicKeyInfo');
  const [algId, bits, ...extra] = r.childList(r.root(DER_TAG.SEQUENCE, 'SubjectPublicKeyInfo'));
  if (!algId || !bits || extra.length > 0 || algId.tag !== DER_TAG.SEQUENCE) {
    r.fail('expected SEQUENCE { algorithm, subjectPublicKey }');
  }
  const [oidEl, params, ...moreParams] = r.childList(algId);
  if (!oidEl || moreParams.length > 0) r.fail('malformed AlgorithmIdentifier');
  const algorithmOid = r.oid(oidEl);
  const subjectPublicKey = r.bitStringBytes(bits, 'subjectPublicKey');
  if (algorithmOid === KEY_ALGORITHM_OIDS.rsaEncryption) {
    // RFC 3279 §2.3.1: the parameters field MUST be NULL (absent is tolerated).
    if (params && (params.tag !== DER_TAG.NULL || params.end !== params.contentStart)) {
      r.fail('rsaEncryption parameters must be NULL');
    }
    const k: DerReader = new DerReader(subjectPublicKey, 'ERR_KEY_INVALID', 'RSAPublicKey');
    const [n, e, ...rest] = k.childList(k.root(DER_TAG.SEQUENCE, 'RSAPublicKey'));
    if (!n || !e || rest.length > 0 || n.tag !== DER_TAG.INTEGER || e.tag !== DER_TAG.INTEGER) {
      k.fail('expected SEQUENCE { modulus, publicExponent }');
    }
    const modulus = k.content(n);
    if (modulus.length === 0 || modulus[0]! & 0x80) k.fail('modulus is not a positive integer');
    const size = bitLength(modulus);
    if (size === 0) k.fail('modulus is zero');
    return { der, type: 'RSA', algorithmOid, bits: size, algorithm: `RSA-${size}`, subjectPublicKey };
  }
  if (algorithmOid === KEY_ALGORITHM_OIDS.ecPublicKey) {
    if (!params || params.tag !== DER_TAG.OID) {
      throw new PkiError('ERR_UNSUPPORTED_ALGORITHM', 'EC keys must name their curve (RFC 5480 §2.1.1)');
    }
    const oid = r.oid(params);
    const namedCurve = curveFromOid(oid);
    if (!namedCurve) throw new PkiError('ERR_UNSUPPORTED_ALGORITHM', `Unsupported elliptic curve ${oid}`);
    const size = namedCurve === 'P-256' ? 256 : 384;
    const coord = size / 8;
    // Uncompressed (04||X||Y) or compressed (02/03||X) point, SEC 1 §2.3.3.
    const okPoint =
      (subjectPublicKey.length === 1 + 2 * coord && subjectPublicKey[0] === 4) ||
      (subjectPublicKey.length === 1 + coord && (subjectPublicKey[0] === 2 || subjectPublicKey[0] === 3));
    if (!okPoint) throw new PkiError('ERR_KEY_INVALID', `Malformed ${namedCurve} public point`);
    return {
      der,
      type: 'EC',
      algorithmOid,
      bits: size,
      namedCurve,
      algorithm: namedCurve === 'P-256' ? 'ECDSA-P256' : 'ECDSA-P384',
      subjectPublicKey,
    };
  }
  throw new PkiError('ERR_UNSUPPORTED_ALGORITHM', `Unsupported public key algorithm ${algorithmOid}`);
}

/** `true` for a WebCrypto key (duck-typed: keys of a custom crypto provider are other classes). */
export function isCryptoKey(value: unknown): value is CryptoKey {
  return (
    typeof value === 'object' &&
    value !== null &&
    !ArrayBuffer.isView(value) &&
    'algorithm' in value &&
    'type' in value &&
    'usages' in value
  );
}

/**
 * The algorithm label of a key: `RSA-2048`, `RSA-3072`, `RSA-4096` (or `RSA-<bits>`),
 * `ECDSA-P256`, `ECDSA-P384`.
 *
 * @param key a WebCrypto key (public or private) or a SubjectPublicKeyInfo (DER or PEM)
 * @throws {PkiError} `ERR_UNSUPPORTED_ALGORITHM` for other algorithms; `ERR_KEY_INVALID` for a
 *   malformed SubjectPublicKeyInfo.
 * @example
 * ```ts
 * const { publicKey } = await generateKeyPair('ECDSA-P256');
 * keyAlgorithmOf(publicKey); // 'ECDSA-P256'
 * keyAlgorithmOf(await exportSpki(publicKey)); // 'ECDSA-P256'
 * ```
 */
export function keyAlgorithmOf(key: CryptoKey | BytesLike | string): KeyAlgorithmLabel {
  if (!isCryptoKey(key)) return parseSpki(key).algorithm;
  const alg = key.algorithm as Partial<RsaHashedKeyAlgorithm & EcKeyAlgorithm>;
  if (alg.name === 'RSASSA-PKCS1-v1_5' || alg.name === 'RSA-PSS' || alg.name === 'RSA-OAEP') {
    return `RSA-${alg.modulusLength ?? 0}`;
  }
  if (alg.name === 'ECDSA' || alg.name === 'ECDH') {
    if (alg.namedCurve === 'P-256') return 'ECDSA-P256';
    if (alg.namedCurve === 'P-384') return 'ECDSA-P384';
    throw new PkiError('ERR_UNSUPPORTED_ALGORITHM', `Unsupported elliptic curve ${alg.namedCurve}`);
  }
  throw new PkiError('ERR_UNSUPPORTED_ALGORITHM', `Unsupported key algorithm ${alg.name}`);
}

/** WebCrypto generation parameters for a {@link KeyAlgorithmName}. */
export function keyGenParams(alg: KeyAlgorithmName): RsaHashedKeyGenParams | EcKeyGenParams {
  switch (alg) {
    case 'RSA-2048':
    case 'RSA-3072':
    case 'RSA-4096':
      return {
        name: 'RSASSA-PKCS1-v1_5',
        modulusLength: Number(alg.slice(4)),
        publicExponent: Uint8Array.of(1, 0, 1), // 65537
        hash: 'SHA-256',
      };
    case 'ECDSA-P256':
      return { name: 'ECDSA', namedCurve: 'P-256' };
    case 'ECDSA-P384':
      return { name: 'ECDSA', namedCurve: 'P-384' };
    default:
      throw new PkiError('ERR_UNSUPPORTED_ALGORITHM', `Unknown key algorithm ${JSON.stringify(alg)}`);
  }
}

/**
 * WebCrypto import parameters for a key of the given kind: RSASSA-PKCS1-v1_5 bound to `hash`
 * (SHA-256 by default, the NCA's choice), or ECDSA on its curve.
 */
export function keyImportParams(
  key: { type: 'RSA' | 'EC'; namedCurve?: NamedCurve },
  hash: 'SHA-1' | 'SHA-256' | 'SHA-384' | 'SHA-512' = 'SHA-256',
): RsaHashedImportParams | EcKeyImportParams {
  return key.type === 'RSA'
    ? { name: 'RSASSA-PKCS1-v1_5', hash }
    : { name: 'ECDSA', namedCurve: key.namedCurve ?? 'P-256' };
}
