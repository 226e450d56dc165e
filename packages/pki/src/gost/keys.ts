/**
 * GOST keys for the rest of the package: a private key that signs in the KZ encoding
 * ({@link GostPrivateKey}), key generation, and {@link verifyGost}, the verifier the signature
 * module dispatches to for the GOST signature OIDs.
 *
 * Large inputs (a CRL of a million entries is ~48 MB) are hashed in slices with a turn of the event
 * loop between them ({@link GostPrivateKey.signAsync}, {@link verifyGostAsync}): Streebog in pure
 * TypeScript runs at some 8-16 MB/s here, so hashing such a CRL in one call would stall a server's
 * event loop for seconds, where WebCrypto's RSA and ECDSA hash off the main thread.
 */

import { bytesToNumberLE, numberToBytesLE } from '@noble/curves/utils';
import { PkiError } from '../errors.js';
import type { SoftwareSigningKey } from '../signature/sign.js';
import {
  curveOf,
  type GostAlgorithm,
  type GostAlgorithmId,
  gostAlgorithm,
  gostAlgorithmBySignatureOid,
} from './algorithms.js';
import type { GostPoint } from './curves.js';
import {
  decodeGostSignature,
  decodeGostSpki,
  encodeGostPublicKey,
  encodeGostSignature,
  encodeGostSpki,
} from './encoding.js';
import { gostPublicPoint, gostSignDigest, gostVerifyDigest, randomScalar } from './sign.js';

/**
 * A GOST private key (GOST R 34.10-2015 512 or 256 bit, or GOST 34.310-2004) that signs in the
 * KZ encoding. The scalar stays in a private field; `toJSON` and string conversion show only the
 * public part.
 *
 * @example
 * ```ts
 * import { generateGostKeyPair, verifyGost } from '@kzpki/pki';
 * const { privateKey, publicKeyInfo } = generateGostKeyPair();
 * const signature = privateKey.sign(tbs); // r || s, little-endian, 128 bytes
 * verifyGost(privateKey.signatureAlgorithm, publicKeyInfo, tbs, signature); // true
 * ```
 */
export class GostPrivateKey implements SoftwareSigningKey {
  readonly type = 'private' as const;
  readonly software = true as const;
  /** The KZ GOST algorithm set (curve, hash, OIDs). */
  readonly algorithm: GostAlgorithm;
  readonly signatureAlgorithm: string;
  readonly publicKeyInfo: Uint8Array;
  /** The public key `x || y`, little-endian (the content of the SPKI's OCTET STRING). */
  readonly publicKey: Uint8Array;
  readonly #d: bigint;

  private constructor(algorithm: GostAlgorithm, d: bigint) {
    const curve = curveOf(algorithm);
    const point = gostPublicPoint(curve, d);
    this.algorithm = algorithm;
    this.signatureAlgorithm = algorithm.signatureOid;
    this.#d = d;
    this.publicKey = encodeGostPublicKey(curve, point);
    this.publicKeyInfo = encodeGostSpki(algorithm, point);
  }

  /**
   * The key with private scalar `d`, given as little-endian bytes (the KZ/CryptoPro order) of the
   * algorithm's size, or as a bigint.
   * @throws {PkiError} `ERR_KEY_INVALID` unless 0 < d < q.
   */
  static fromScalar(algorithm: GostAlgorithmId | GostAlgorithm, d: Uint8Array | bigint): GostPrivateKey {
    const alg = typeof algorithm === 'string' ? gostAlgorithm(algorithm) : algorithm;
    const { q } = curveOf(alg).params;
    let value: bigint;
    if (typeof d === 'bigint') value = d;
    else {
      if (!(d instanceof Uint8Array) || d.length !== alg.size) {
        throw new PkiError('ERR_KEY_INVALID', `GOST private key must be ${alg.size} bytes`);
      }
      value = bytesToNumberLE(d);
    }
    if (value <= 0n || value >= q) throw new PkiError('ERR_KEY_INVALID', 'GOST private key is out of range');
    return new GostPrivateKey(alg, value);
  }

  /** Generates a key with the platform CSPRNG. */
  static generate(algorithm: GostAlgorithmId = 'gost2015-512'): GostPrivateKey {
    const alg = gostAlgorithm(algorithm);
    return new GostPrivateKey(alg, randomScalar(curveOf(alg).params.q));
  }

  /** Signs `data`: hashes it with the algorithm's hash, returns `r || s` little-endian. */
  sign(data: Uint8Array): Uint8Array {
    return this.signDigest(this.algorithm.hash(toBytesChecked(data)));
  }

  /**
   * {@link sign} for servers: the same signature, with inputs over 256 KiB hashed in slices and a
   * turn of the event loop between them (what the signature module calls).
   * @example
   * ```ts
   * const signature = await caKey.signAsync(tbsCertList); // a 48 MB CRL without a 6 s stall
   * ```
   */
  async signAsync(data: Uint8Array): Promise<Uint8Array> {
    return this.signDigest(await hashYielding(this.algorithm, toBytesChecked(data)));
  }

  /** Signs a digest already computed with the algorithm's hash (e.g. CMS signed attributes). */
  signDigest(digest: Uint8Array): Uint8Array {
    const sig = gostSignDigest(curveOf(this.algorithm), this.#d, toBytesChecked(digest));
    return encodeGostSignature(this.algorithm.size, sig);
  }

  /** The private scalar as little-endian bytes, for writing key files. Handle with care. */
  exportScalar(): Uint8Array {
    return numberToBytesLE(this.#d, this.algorithm.size);
  }

  toJSON(): { type: 'private'; algorithm: GostAlgorithmId; signatureAlgorithm: string } {
    return { type: this.type, algorithm: this.algorithm.id, signatureAlgorithm: this.signatureAlgorithm };
  }

  toString(): string {
    return `GostPrivateKey(${this.algorithm.id})`;
  }
}

function toBytesChecked(data: Uint8Array): Uint8Array {
  if (!(data instanceof Uint8Array)) throw new PkiError('ERR_INVALID_ARGUMENT', 'data must be a Uint8Array');
  return data;
}

/** Inputs up to this size are hashed in one call; larger ones in slices of this size. */
const HASH_SLICE = 256 * 1024;

/** A macrotask turn: lets pending I/O and timers run (setImmediate in Node, a timer in browsers). */
const nextTurn = (): Promise<void> =>
  new Promise((resolve) => {
    if (typeof setImmediate === 'function') setImmediate(resolve);
    else setTimeout(resolve, 0);
  });

/** The algorithm's hash of `data`, in slices with a turn of the event loop between them. */
async function hashYielding(alg: GostAlgorithm, data: Uint8Array): Promise<Uint8Array> {
  if (data.length <= HASH_SLICE) return alg.hash(data);
  const h = alg.hash.create();
  for (let at = 0; at < data.length; at += HASH_SLICE) {
    if (at > 0) await nextTurn();
    h.update(data.subarray(at, at + HASH_SLICE));
  }
  return h.digest();
}

/** A generated GOST key pair. */
export interface GostKeyPair {
  readonly privateKey: GostPrivateKey;
  /** SubjectPublicKeyInfo DER (KZ encoding). */
  readonly publicKeyInfo: Uint8Array;
}

/**
 * Generates a GOST key pair: by default GOST R 34.10-2015 512-bit on tc26-512-paramSetA with
 * Streebog-512, what the NCA issues today.
 *
 * @example
 * ```ts
 * import { generateGostKeyPair } from '@kzpki/pki';
 * const { privateKey, publicKeyInfo } = generateGostKeyPair('gost2015-512');
 * ```
 */
export function generateGostKeyPair(algorithm: GostAlgorithmId = 'gost2015-512'): GostKeyPair {
  const privateKey = GostPrivateKey.generate(algorithm);
  return { privateKey, publicKeyInfo: privateKey.publicKeyInfo };
}

/**
 * Decoded public keys by SPKI, so that an issuer's key (which verifies many certificates, CRLs and
 * OCSP responses) is decoded once and, from its second use on, multiplies with a precomputed
 * window table (verification about 3x faster than with a first-seen key on the 512-bit curve, whose
 * verification is one chain of 512 doublings: multiply.ts). Bounded; oldest out first.
 */
const KEY_CACHE_SIZE = 16;
const keyCache = new Map<string, { alg: GostAlgorithm; point: GostPoint; uses: number }>();

function cachedKey(spki: Uint8Array): { alg: GostAlgorithm; point: GostPoint; uses: number } {
  const id = spkiId(spki);
  const hit = keyCache.get(id);
  if (hit) {
    hit.uses++;
    if (hit.uses === 2) hit.point.precompute(4, false);
    keyCache.delete(id); // move to the newest end
    keyCache.set(id, hit);
    return hit;
  }
  const info = decodeGostSpki(spki);
  const entry = { alg: info.algorithm, point: info.point, uses: 1 };
  keyCache.set(id, entry);
  if (keyCache.size > KEY_CACHE_SIZE) keyCache.delete(keyCache.keys().next().value as string);
  return entry;
}

function spkiId(spki: Uint8Array): string {
  let s = '';
  for (let i = 0; i < spki.length; i++) s += String.fromCharCode(spki[i]!);
  return s;
}

/**
 * Verifies a GOST signature in the KZ encoding: `signature` is the BIT STRING content (`r || s`,
 * little-endian) made over `data` by the key in `publicKeyInfo` (SPKI DER), with the algorithm of
 * `signatureOid` (1.2.398.3.10.1.1.2.3.2, …2.3.1 or 1.2.398.3.10.1.1.1.2).
 *
 * Returns `false` when the signature does not verify, including a wrong length, r or s out of
 * range, or a key of another GOST algorithm than the signature's.
 * @throws {PkiError} `ERR_UNSUPPORTED_ALGORITHM` for a signature OID that is not GOST;
 * `ERR_KEY_INVALID` / `ERR_UNSUPPORTED_ALGORITHM` for a public key that does not decode or validate.
 *
 * @example
 * ```ts
 * import { verifyGost } from '@kzpki/pki';
 * const ok = verifyGost('1.2.398.3.10.1.1.2.3.2', issuerSpki, tbsCertificate, signatureValue);
 * ```
 */
export function verifyGost(
  signatureOid: string,
  publicKeyInfo: Uint8Array,
  data: Uint8Array,
  signature: Uint8Array,
): boolean {
  const check = prepareVerification(signatureOid, publicKeyInfo, data, signature);
  if (!check) return false;
  return check.verify(check.alg.hash(data));
}

/**
 * {@link verifyGost} for servers: the same answer, with inputs over 256 KiB hashed in slices and a
 * turn of the event loop between them (what `verifySignature` calls).
 * @throws {PkiError} as {@link verifyGost}.
 * @example
 * ```ts
 * const ok = await verifyGostAsync(crl.signatureAlgorithmOid, issuerSpki, crl.tbs, crl.signature);
 * ```
 */
export async function verifyGostAsync(
  signatureOid: string,
  publicKeyInfo: Uint8Array,
  data: Uint8Array,
  signature: Uint8Array,
): Promise<boolean> {
  const check = prepareVerification(signatureOid, publicKeyInfo, data, signature);
  if (!check) return false;
  return check.verify(await hashYielding(check.alg, data));
}

/** The argument checks of a verification, and the check of a digest; `undefined` when it cannot verify. */
function prepareVerification(
  signatureOid: string,
  publicKeyInfo: Uint8Array,
  data: Uint8Array,
  signature: Uint8Array,
): { alg: GostAlgorithm; verify(digest: Uint8Array): boolean } | undefined {
  const alg = gostAlgorithmBySignatureOid(signatureOid);
  if (!alg)
    throw new PkiError('ERR_UNSUPPORTED_ALGORITHM', `Not a GOST signature algorithm: ${signatureOid}`);
  if (!(publicKeyInfo instanceof Uint8Array))
    throw new PkiError('ERR_KEY_INVALID', 'publicKeyInfo must be bytes');
  const key = cachedKey(publicKeyInfo);
  toBytesChecked(data);
  if (!(signature instanceof Uint8Array))
    throw new PkiError('ERR_INVALID_ARGUMENT', 'signature must be bytes');
  if (key.alg !== alg || signature.length !== 2 * alg.size) return undefined;
  const sig = decodeGostSignature(alg.size, signature);
  return { alg, verify: (digest) => gostVerifyDigest(curveOf(alg), key.point, digest, sig, key.uses >= 2) };
}
