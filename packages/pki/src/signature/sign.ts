/**
 * Signing, for everything this package signs (certificates, CRLs, OCSP responses, CSRs) and for
 * callers that sign challenges: one {@link prepareSigner} turns a key into the signature
 * AlgorithmIdentifier and a function returning X.509-encoded signature values.
 *
 * Keys are WebCrypto keys (RSASSA-PKCS1-v1_5 signs with the key's hash, SHA-256 for keys this
 * package makes, as the NCA does; ECDSA with SHA-256 on P-256 and SHA-384 on P-384) or
 * {@link SoftwareSigningKey}s: keys implemented outside WebCrypto (the GOST algorithms, hardware
 * tokens) that name their own signature algorithm.
 */
import { getCrypto } from '../crypto-provider.js';
import type { BytesLike } from '../der/encoding.js';
import { PkiError } from '../errors.js';
import { isCryptoKey, keyFamilyOf } from '../keys/key-algorithm.js';
import { inspectPublicKey, readSpki } from '../keys/public-key.js';
import {
  type HashName,
  isHashName,
  SIGNATURE_ALGORITHMS,
  type SignatureAlgorithm,
  signatureAlgorithm,
  signatureAlgorithmFor,
  signatureAlgorithmIdentifierDer,
} from './algorithms.js';
import { ecdsaRawToDer } from './ecdsa.js';

/**
 * A private key implemented in software rather than by WebCrypto (e.g. GOST 34.310-2004 and
 * GOST R 34.10-2015 keys, which WebCrypto lacks). It names the signature algorithm it makes and
 * returns signature values already in their X.509 encoding (for the NCA's GOST algorithms:
 * r||s little-endian, docs/domain.md §6).
 *
 * @example
 * ```ts
 * const key: SoftwareSigningKey = {
 *   type: 'private',
 *   software: true,
 *   signatureAlgorithm: SIGNATURE_OIDS.gost2015_512,
 *   publicKeyInfo: spkiDer,
 *   sign: (data) => gostSign(privateScalar, data),
 * };
 * const crl = await buildCrl({ issuer: caCert, issuerKey: key, ... });
 * ```
 */
export interface SoftwareSigningKey {
  readonly type: 'private';
  readonly software: true;
  /** The signature algorithm OID this key signs with (a row of `SIGNATURE_ALGORITHMS`). */
  readonly signatureAlgorithm: string;
  /** The matching public key, SubjectPublicKeyInfo DER. */
  readonly publicKeyInfo: Uint8Array;
  /** Signs `data` (the whole message; the key hashes it) and returns the X.509 signature value. */
  sign(data: Uint8Array): Uint8Array | Promise<Uint8Array>;
  /**
   * Optional: the same signature as `sign`, made without holding the event loop for long (a
   * pure-TypeScript hash of a large input in slices); used by the signature module when present.
   */
  signAsync?(data: Uint8Array): Promise<Uint8Array>;
}

/** A key this package can sign with: a private WebCrypto key or a {@link SoftwareSigningKey}. */
export type SigningKey = CryptoKey | SoftwareSigningKey;

/** `true` for a {@link SoftwareSigningKey}. */
export function isSoftwareSigningKey(value: unknown): value is SoftwareSigningKey {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as SoftwareSigningKey).software === true &&
    (value as SoftwareSigningKey).type === 'private' &&
    typeof (value as SoftwareSigningKey).signatureAlgorithm === 'string' &&
    (value as SoftwareSigningKey).publicKeyInfo instanceof Uint8Array &&
    typeof (value as SoftwareSigningKey).sign === 'function'
  );
}

/** `true` for a key {@link prepareSigner} accepts (a WebCrypto key or a {@link SoftwareSigningKey}). */
export function isSigningKey(value: unknown): value is SigningKey {
  return isCryptoKey(value) || isSoftwareSigningKey(value);
}

/** How a WebCrypto key signs: the WebCrypto parameters and the X.509 AlgorithmIdentifier OID. */
export interface SignatureScheme {
  /** Signature algorithm OID written into the signed structure. */
  oid: string;
  /** Parameters for `crypto.subtle.sign`. */
  params: Algorithm | EcdsaParams;
  /** Hash name, e.g. `SHA-256`. */
  hash: HashName;
}

/**
 * The scheme this package uses to sign with a WebCrypto key: RSASSA-PKCS1-v1_5 with the key's
 * hash (SHA-256 when it has none), ECDSA with SHA-256 on P-256 and SHA-384 on P-384.
 * @throws {PkiError} `ERR_UNSUPPORTED_ALGORITHM` for other keys.
 * @example
 * ```ts
 * signatureSchemeFor(rsaKeys.privateKey).oid; // SIGNATURE_OIDS.sha256WithRSAEncryption
 * ```
 */
export function signatureSchemeFor(key: CryptoKey): SignatureScheme {
  const alg = key.algorithm as Partial<RsaHashedKeyAlgorithm & EcKeyAlgorithm>;
  if (alg.name === 'RSASSA-PKCS1-v1_5') {
    const hash = alg.hash?.name ?? 'SHA-256';
    if (!isHashName(hash)) throw new PkiError('ERR_UNSUPPORTED_ALGORITHM', `Cannot sign RSA with ${hash}`);
    return { oid: signatureAlgorithmFor('RSASSA-PKCS1-v1_5', hash).oid, params: { name: alg.name }, hash };
  }
  if (alg.name === 'ECDSA' && (alg.namedCurve === 'P-256' || alg.namedCurve === 'P-384')) {
    const hash: HashName = alg.namedCurve === 'P-256' ? 'SHA-256' : 'SHA-384';
    return { oid: signatureAlgorithmFor('ECDSA', hash).oid, params: { name: 'ECDSA', hash }, hash };
  }
  throw new PkiError(
    'ERR_UNSUPPORTED_ALGORITHM',
    `Cannot sign with a ${alg.name ?? 'unknown'}${alg.namedCurve ? ` ${alg.namedCurve}` : ''} key`,
  );
}

/** A key prepared for signing: see {@link prepareSigner}. */
export interface PreparedSigner {
  /** The signature algorithm (a row of `SIGNATURE_ALGORITHMS`). */
  readonly algorithm: SignatureAlgorithm;
  /** Its OID. */
  readonly oid: string;
  /** DER of the AlgorithmIdentifier written next to the signature (shared; do not modify). */
  readonly algorithmIdentifier: Uint8Array;
  /** An upper bound of the signature value's length in bytes (to size buffers). */
  readonly maxSignatureSize: number;
  /** Signs `data`, returning the signature value as X.509 carries it (ECDSA: DER Ecdsa-Sig-Value). */
  sign(data: Uint8Array): Promise<Uint8Array>;
}

const prepared = new WeakMap<object, PreparedSigner>();

function prepareWebCrypto(key: CryptoKey): PreparedSigner {
  if (key.type !== 'private' || !key.usages.includes('sign')) {
    throw new PkiError('ERR_INVALID_ARGUMENT', 'The signing key must be a private key with the "sign" usage');
  }
  const scheme = signatureSchemeFor(key);
  const algorithm = signatureAlgorithm(scheme.oid);
  const ecdsa = algorithm.method === 'ECDSA';
  const alg = key.algorithm as Partial<RsaHashedKeyAlgorithm & EcKeyAlgorithm>;
  // RSA: the modulus size; ECDSA: SEQUENCE of two INTEGERs of at most size + 1 octets.
  const size = ecdsa ? (alg.namedCurve === 'P-256' ? 32 : 48) : 0;
  return Object.freeze({
    algorithm,
    oid: algorithm.oid,
    algorithmIdentifier: signatureAlgorithmIdentifierDer(algorithm.oid),
    maxSignatureSize: ecdsa ? 2 * (size + 3) + 4 : Math.ceil((alg.modulusLength ?? 16384) / 8),
    async sign(data: Uint8Array): Promise<Uint8Array> {
      let raw: Uint8Array;
      try {
        raw = new Uint8Array(await getCrypto().subtle.sign(scheme.params, key, data as BufferSource));
      } catch (cause) {
        throw new PkiError('ERR_KEY_INVALID', 'The crypto provider could not sign with the key', { cause });
      }
      return ecdsa ? ecdsaRawToDer(raw) : raw;
    },
  });
}

function prepareSoftware(key: SoftwareSigningKey): PreparedSigner {
  const algorithm = signatureAlgorithm(key.signatureAlgorithm);
  const algorithmIdentifier = signatureAlgorithmIdentifierDer(algorithm.oid);
  const family = keyFamilyOf(readSpki(key.publicKeyInfo).algorithmOid);
  if (family !== algorithm.family) {
    throw new PkiError(
      'ERR_KEY_INVALID',
      `The key's public key (${family ?? 'unknown family'}) cannot verify ${algorithm.name} signatures`,
    );
  }
  return Object.freeze({
    algorithm,
    oid: algorithm.oid,
    algorithmIdentifier,
    maxSignatureSize: 1024,
    async sign(data: Uint8Array): Promise<Uint8Array> {
      let signature: unknown;
      try {
        signature = await (key.signAsync ? key.signAsync(data) : key.sign(data));
      } catch (cause) {
        if (cause instanceof PkiError) throw cause;
        throw new PkiError('ERR_KEY_INVALID', 'The software signing key could not sign', { cause });
      }
      if (!(signature instanceof Uint8Array) || signature.length === 0) {
        throw new PkiError('ERR_KEY_INVALID', 'The software signing key returned no signature bytes');
      }
      return signature;
    },
  });
}

/**
 * Prepares signing with `key`: chooses the signature algorithm (see {@link signatureSchemeFor};
 * a {@link SoftwareSigningKey} names its own), encodes its AlgorithmIdentifier once, and returns a
 * signer whose signature values are in X.509 encoding. Prepared signers are cached per key object.
 *
 * @throws {PkiError} `ERR_INVALID_ARGUMENT` for something that is not a private signing key;
 *   `ERR_UNSUPPORTED_ALGORITHM` for keys this package cannot sign X.509 with; `ERR_KEY_INVALID`
 *   for a software key whose public key does not fit its algorithm. `sign` throws
 *   `ERR_KEY_INVALID` when the key fails to sign.
 * @example
 * ```ts
 * const signer = prepareSigner(caKeys.privateKey);
 * const signed = derSequence(tbs, signer.algorithmIdentifier, derBitString(await signer.sign(tbs)));
 * ```
 */
export function prepareSigner(key: SigningKey): PreparedSigner {
  if (typeof key !== 'object' || key === null) {
    throw new PkiError(
      'ERR_INVALID_ARGUMENT',
      'A private CryptoKey or SoftwareSigningKey is required to sign',
    );
  }
  const hit = prepared.get(key);
  if (hit) return hit;
  let signer: PreparedSigner;
  if (isSoftwareSigningKey(key)) signer = prepareSoftware(key);
  else if (isCryptoKey(key)) signer = prepareWebCrypto(key);
  else if ((key as { software?: unknown }).software === true) {
    throw new PkiError(
      'ERR_INVALID_ARGUMENT',
      'A SoftwareSigningKey needs type "private", signatureAlgorithm, publicKeyInfo bytes and sign()',
    );
  } else
    throw new PkiError(
      'ERR_INVALID_ARGUMENT',
      'A private CryptoKey or SoftwareSigningKey is required to sign',
    );
  prepared.set(key, signer);
  return signer;
}

/**
 * Signs `data` with `key` and returns the signature value in the encoding X.509 expects (ECDSA:
 * DER `Ecdsa-Sig-Value` ::= SEQUENCE { r INTEGER, s INTEGER }, RFC 3279 §2.2.3, converted from
 * WebCrypto's raw r||s).
 * @throws {PkiError} as {@link prepareSigner}.
 * @example
 * ```ts
 * const signature = await signData(authKeys.privateKey, challengeBytes);
 * ```
 */
export async function signData(key: SigningKey, data: Uint8Array): Promise<Uint8Array> {
  return prepareSigner(key).sign(data);
}

/**
 * The signature algorithm this package signs with for a key of the given SubjectPublicKeyInfo (the
 * one {@link prepareSigner} chooses for the matching private key made by this package):
 * sha256WithRSAEncryption for RSA, ecdsa-with-SHA256/384/512 on P-256/P-384/P-521, and each GOST
 * family's own algorithm. For checking signatures made by clients that sign this way (logins,
 * approvals, proofs of possession).
 * @throws {PkiError} `ERR_KEY_INVALID` for a malformed SubjectPublicKeyInfo,
 *   `ERR_UNSUPPORTED_ALGORITHM` for other key algorithms.
 * @example
 * ```ts
 * const ok = await verifySignature({
 *   data, signature, publicKeyInfo: spki, algorithm: defaultSignatureAlgorithm(spki).oid,
 * });
 * ```
 */
export function defaultSignatureAlgorithm(publicKeyInfo: BytesLike | string): SignatureAlgorithm {
  const spki = readSpki(publicKeyInfo);
  const family = keyFamilyOf(spki.algorithmOid);
  if (family === 'rsa') return signatureAlgorithmFor('RSASSA-PKCS1-v1_5', 'SHA-256');
  if (family === 'ec') {
    const { curve } = inspectPublicKey(spki.der);
    const hash: HashName = curve === 'P-256' ? 'SHA-256' : curve === 'P-384' ? 'SHA-384' : 'SHA-512';
    return signatureAlgorithmFor('ECDSA', hash);
  }
  const own = SIGNATURE_ALGORITHMS.find((a) => a.family === family && a.method === 'GOST');
  if (!own)
    throw new PkiError('ERR_UNSUPPORTED_ALGORITHM', `Unsupported public key algorithm ${spki.algorithmOid}`);
  return own;
}
