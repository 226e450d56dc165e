/**
 * Which public-key algorithms this package generates, accepts and names: RSA (RSASSA-PKCS1-v1_5
 * with SHA-256, as the NCA uses, 2048 bits for end entities, 3072/4096 for CA keys) and ECDSA on
 * P-256/P-384 (P-521 for verification only), the key families they belong to (GOST included) and
 * the WebCrypto parameters to generate and import them. Reading and validating a
 * SubjectPublicKeyInfo is `public-key.ts`.
 */
import { PkiError } from '../errors.js';
import type { HashName } from '../signature/algorithms.js';

/** The key algorithms {@link generateKeyPair} creates. */
export type KeyAlgorithmName = 'RSA-2048' | 'RSA-3072' | 'RSA-4096' | 'ECDSA-P256' | 'ECDSA-P384';

/**
 * The name of a key's algorithm as reported by {@link keyAlgorithmOf} and `validatePublicKey`: one
 * of {@link KeyAlgorithmName}, `RSA-<bits>` for RSA keys of other sizes (e.g. `RSA-1024`),
 * `ECDSA-P521` (verified, never issued), or a KZ GOST key (`GOST-2004`, `GOST-2015-256`,
 * `GOST-2015-512`; keys made by `generateGostKeyPair`).
 */
export type KeyAlgorithmLabel =
  | KeyAlgorithmName
  | `RSA-${number}`
  | 'ECDSA-P521'
  | 'GOST-2004'
  | 'GOST-2015-256'
  | 'GOST-2015-512';

/** OIDs of the public-key algorithms and curves this package reads and writes. */
export const KEY_ALGORITHM_OIDS = {
  /** rsaEncryption, RFC 8017 §A.1 */
  rsaEncryption: '1.2.840.113549.1.1.1',
  /** id-RSASSA-PSS as a key algorithm (an RSA key restricted to PSS), RFC 4055 §1.2 */
  rsassaPss: '1.2.840.113549.1.1.10',
  /** id-ecPublicKey, RFC 5480 §2.1.1 */
  ecPublicKey: '1.2.840.10045.2.1',
  /** secp256r1 (P-256), RFC 5480 §2.1.1.1 */
  secp256r1: '1.2.840.10045.3.1.7',
  /** secp384r1 (P-384), RFC 5480 §2.1.1.1 */
  secp384r1: '1.3.132.0.34',
  /** secp521r1 (P-521): verified, never issued */
  secp521r1: '1.3.132.0.35',
  /** Ed25519, RFC 8410 §3 (named, not supported) */
  ed25519: '1.3.101.112',
  /** Ed448, RFC 8410 §3 (named, not supported) */
  ed448: '1.3.101.113',
  /** GOST 34.310-2004 (Kazakhstan; docs/domain.md §6) */
  gost2004: '1.2.398.3.10.1.1.1.1',
  /** GOST R 34.10-2015, 256-bit (Kazakhstan profile) */
  gost2015_256: '1.2.398.3.10.1.1.2.1',
  /** GOST R 34.10-2015, 512-bit (Kazakhstan profile) */
  gost2015_512: '1.2.398.3.10.1.1.2.2',
} as const;

/**
 * The families of public keys: a signature algorithm is verified by keys of one family
 * (`signature/algorithms.ts`), and each family has its own validity checks (`public-key.ts`).
 */
export type KeyFamily = 'rsa' | 'ec' | 'gost-2004' | 'gost-2015-256' | 'gost-2015-512';

const FAMILY_BY_OID: Readonly<Record<string, KeyFamily>> = {
  [KEY_ALGORITHM_OIDS.rsaEncryption]: 'rsa',
  [KEY_ALGORITHM_OIDS.rsassaPss]: 'rsa',
  [KEY_ALGORITHM_OIDS.ecPublicKey]: 'ec',
  [KEY_ALGORITHM_OIDS.gost2004]: 'gost-2004',
  [KEY_ALGORITHM_OIDS.gost2015_256]: 'gost-2015-256',
  [KEY_ALGORITHM_OIDS.gost2015_512]: 'gost-2015-512',
};

/** The family of a SubjectPublicKeyInfo algorithm OID, or `undefined` for one this package does not know. */
export function keyFamilyOf(algorithmOid: string): KeyFamily | undefined {
  return Object.hasOwn(FAMILY_BY_OID, algorithmOid) ? FAMILY_BY_OID[algorithmOid] : undefined;
}

/** The elliptic curves this package issues for and signs with. */
export type NamedCurve = 'P-256' | 'P-384';

/** The elliptic curves this package verifies with: {@link NamedCurve} and P-521. */
export type EcCurveName = NamedCurve | 'P-521';

/** Facts about a NIST curve. */
export interface EcCurve {
  /** WebCrypto name. */
  name: EcCurveName;
  /** The curve OID (RFC 5480 §2.1.1.1). */
  oid: string;
  /** Field size in bits. */
  bits: number;
  /** Bytes of one coordinate (and of r and s in a raw signature). */
  size: number;
}

/** The NIST curves by name. */
export const EC_CURVES: Readonly<Record<EcCurveName, EcCurve>> = Object.freeze({
  'P-256': { name: 'P-256', oid: KEY_ALGORITHM_OIDS.secp256r1, bits: 256, size: 32 },
  'P-384': { name: 'P-384', oid: KEY_ALGORITHM_OIDS.secp384r1, bits: 384, size: 48 },
  'P-521': { name: 'P-521', oid: KEY_ALGORITHM_OIDS.secp521r1, bits: 521, size: 66 },
});

/** The curve OID for a curve name. */
export function curveOid(curve: EcCurveName): string {
  return EC_CURVES[curve].oid;
}

/** The curve (P-256, P-384, P-521) an OID names, or `undefined`. */
export function ecCurveFromOid(oid: string): EcCurve | undefined {
  return Object.values(EC_CURVES).find((c) => c.oid === oid);
}

/** The curve named by an OID, or `undefined` for a curve this package does not issue for. */
export function curveFromOid(oid: string): NamedCurve | undefined {
  const c = ecCurveFromOid(oid)?.name;
  return c === 'P-256' || c === 'P-384' ? c : undefined;
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
  hash: HashName = 'SHA-256',
): RsaHashedImportParams | EcKeyImportParams {
  return key.type === 'RSA'
    ? { name: 'RSASSA-PKCS1-v1_5', hash }
    : { name: 'ECDSA', namedCurve: key.namedCurve ?? 'P-256' };
}
