/**
 * Key pairs: generation (RSA-2048 by default, as the NCA issues; RSA-3072/4096 for CA keys; ECDSA
 * P-256/P-384) and import/export as PKCS#8 (private) and SubjectPublicKeyInfo (public), all through
 * the configured WebCrypto provider.
 *
 * ```asn1
 * PrivateKeyInfo ::= SEQUENCE {                     -- RFC 5208 §5 (OneAsymmetricKey, RFC 5958)
 *   version                   Version,
 *   privateKeyAlgorithm       PrivateKeyAlgorithmIdentifier,
 *   privateKey                PrivateKey,           -- OCTET STRING
 *   attributes           [0]  IMPLICIT Attributes OPTIONAL }
 * ECPrivateKey ::= SEQUENCE {                       -- RFC 5915 §3
 *   version        INTEGER { ecPrivkeyVer1(1) },
 *   privateKey     OCTET STRING,
 *   parameters [0] ECParameters {{ NamedCurve }} OPTIONAL,
 *   publicKey  [1] BIT STRING OPTIONAL }
 * ```
 */
import * as asn1js from 'asn1js';
import { getCrypto } from '../crypto-provider.js';
import { type BytesLike, toArrayBuffer, toBytes, toDer } from '../der/encoding.js';
import { derOctetString, derOid, derSequence, derSmallInteger } from '../der/writer.js';
import { PkiError } from '../errors.js';
import type { HashName } from '../signature/algorithms.js';
import {
  curveFromOid,
  curveOid,
  isCryptoKey,
  KEY_ALGORITHM_OIDS,
  type KeyAlgorithmName,
  keyGenParams,
  keyImportParams,
  type NamedCurve,
} from './key-algorithm.js';
import { keyAlgorithmOf, parseSpki } from './public-key.js';

/** Options of key generation and import. */
export interface KeyOptions {
  /**
   * Whether the private key may be exported (e.g. into a PKCS#12 file). Default `true`: keys made
   * by this toolkit usually end up in NCA-style key files. Pass `false` for keys that must never
   * leave the WebCrypto provider, such as a CA signing key.
   */
  extractable?: boolean;
}

/**
 * Generates a key pair for signing: RSASSA-PKCS1-v1_5 with SHA-256 and public exponent 65537, or
 * ECDSA on P-256/P-384.
 *
 * @param alg `RSA-2048` (default, NCA end-entity keys), `RSA-3072`, `RSA-4096` (NCA CA keys),
 *   `ECDSA-P256` or `ECDSA-P384`
 * @throws {PkiError} `ERR_UNSUPPORTED_ALGORITHM` for an unknown algorithm name.
 * @example
 * ```ts
 * const keys = await generateKeyPair(); // RSA-2048
 * const spki = await exportSpki(keys.publicKey);
 * ```
 */
export async function generateKeyPair(
  alg: KeyAlgorithmName = 'RSA-2048',
  opts: KeyOptions = {},
): Promise<CryptoKeyPair> {
  const params = keyGenParams(alg);
  try {
    return (await getCrypto().subtle.generateKey(params, opts.extractable ?? true, [
      'sign',
      'verify',
    ])) as CryptoKeyPair;
  } catch (cause) {
    throw new PkiError('ERR_UNSUPPORTED_ALGORITHM', `The crypto provider cannot generate ${alg} keys`, {
      cause,
    });
  }
}

function requireKey(key: unknown, type: KeyType, what: string): asserts key is CryptoKey {
  if (!isCryptoKey(key)) throw new PkiError('ERR_INVALID_ARGUMENT', `${what} must be a CryptoKey`);
  if (key.type !== type)
    throw new PkiError('ERR_KEY_INVALID', `${what} must be a ${type} key, got ${key.type}`);
}

/**
 * Exports a private key as PKCS#8 DER.
 * @throws {PkiError} `ERR_KEY_INVALID` when the key is not a private key or is not extractable.
 */
export async function exportPkcs8(privateKey: CryptoKey): Promise<Uint8Array> {
  requireKey(privateKey, 'private', 'exportPkcs8 key');
  if (!privateKey.extractable) throw new PkiError('ERR_KEY_INVALID', 'The private key is not extractable');
  try {
    return new Uint8Array(await getCrypto().subtle.exportKey('pkcs8', privateKey));
  } catch (cause) {
    throw new PkiError('ERR_KEY_INVALID', 'The private key cannot be exported as PKCS#8', { cause });
  }
}

/**
 * Exports a public key as SubjectPublicKeyInfo DER.
 * @throws {PkiError} `ERR_KEY_INVALID` when the key is not a public key.
 */
export async function exportSpki(publicKey: CryptoKey): Promise<Uint8Array> {
  requireKey(publicKey, 'public', 'exportSpki key');
  try {
    return new Uint8Array(await getCrypto().subtle.exportKey('spki', publicKey));
  } catch (cause) {
    throw new PkiError('ERR_KEY_INVALID', 'The public key cannot be exported as SubjectPublicKeyInfo', {
      cause,
    });
  }
}

/** What a PKCS#8 structure holds, as far as choosing WebCrypto import parameters goes. */
interface Pkcs8Kind {
  type: 'RSA' | 'EC';
  namedCurve?: NamedCurve;
  /** The PKCS#8 to hand to WebCrypto (rewritten when the curve was only inside ECPrivateKey). */
  der: Uint8Array;
}

function malformed(what: string): PkiError {
  return new PkiError('ERR_KEY_INVALID', `Malformed ${what}`);
}

function parseSingle(bytes: ArrayBuffer | Uint8Array, what: string): asn1js.AsnType {
  const b = toBytes(bytes);
  let parsed: ReturnType<typeof asn1js.fromBER>;
  try {
    parsed = asn1js.fromBER(toArrayBuffer(b));
  } catch {
    throw malformed(what); // asn1js throws on some malformed values
  }
  if (parsed.offset === -1 || parsed.offset !== b.length) throw malformed(what);
  return parsed.result;
}

/** Reads the algorithm (and curve) of a PKCS#8 PrivateKeyInfo without touching the key value. */
function pkcs8Kind(der: Uint8Array): Pkcs8Kind {
  const root = parseSingle(der, 'PKCS#8 PrivateKeyInfo');
  const [version, algId, privateKey] = root instanceof asn1js.Sequence ? root.valueBlock.value : [];
  const [oidNode, params] = algId instanceof asn1js.Sequence ? algId.valueBlock.value : [];
  if (
    !(version instanceof asn1js.Integer) ||
    !(oidNode instanceof asn1js.ObjectIdentifier) ||
    !(privateKey instanceof asn1js.OctetString)
  ) {
    throw malformed('PKCS#8 PrivateKeyInfo');
  }
  const oid = oidNode.valueBlock.toString();
  if (oid === KEY_ALGORITHM_OIDS.rsaEncryption) return { type: 'RSA', der };
  if (oid !== KEY_ALGORITHM_OIDS.ecPublicKey) {
    throw new PkiError('ERR_UNSUPPORTED_ALGORITHM', `Unsupported private key algorithm ${oid}`);
  }
  if (params instanceof asn1js.ObjectIdentifier) {
    const namedCurve = curveFromOid(params.valueBlock.toString());
    if (!namedCurve) {
      throw new PkiError('ERR_UNSUPPORTED_ALGORITHM', `Unsupported curve ${params.valueBlock.toString()}`);
    }
    return { type: 'EC', namedCurve, der };
  }
  // Some encoders leave the AlgorithmIdentifier parameters out and name the curve only in
  // ECPrivateKey.parameters [0]; WebCrypto wants it in the AlgorithmIdentifier, so rewrite.
  const ecKey = parseSingle(privateKey.valueBlock.valueHexView, 'ECPrivateKey');
  const tagged = ecKey instanceof asn1js.Sequence ? ecKey.valueBlock.value : [];
  const param = tagged.find((v) => v.idBlock.tagClass === 3 && v.idBlock.tagNumber === 0) as
    | asn1js.Constructed
    | undefined;
  const inner = param?.valueBlock.value[0];
  const namedCurve =
    inner instanceof asn1js.ObjectIdentifier ? curveFromOid(inner.valueBlock.toString()) : undefined;
  if (!namedCurve)
    throw new PkiError('ERR_UNSUPPORTED_ALGORITHM', 'EC private key without a supported curve');
  const rewritten = derSequence(
    derSmallInteger(0),
    derSequence(derOid(KEY_ALGORITHM_OIDS.ecPublicKey), derOid(curveOid(namedCurve))),
    derOctetString(new Uint8Array(privateKey.valueBlock.valueHexView)),
  );
  return { type: 'EC', namedCurve, der: rewritten };
}

function inputDer(input: BytesLike | string, label: string, what: string): Uint8Array {
  if (typeof input === 'string' && /-----BEGIN (ENCRYPTED|RSA|EC) PRIVATE KEY-----/.test(input)) {
    throw new PkiError(
      'ERR_UNSUPPORTED_ALGORITHM',
      'Only unencrypted PKCS#8 ("PRIVATE KEY") is accepted; convert with `openssl pkcs8 -topk8 -nocrypt`',
    );
  }
  try {
    return typeof input === 'string' ? toDer(input, label) : toBytes(input);
  } catch (cause) {
    throw new PkiError('ERR_KEY_INVALID', `${what} is not DER or PEM`, { cause });
  }
}

/**
 * Imports a PKCS#8 private key (DER, or PEM `PRIVATE KEY`) for signing. The algorithm is detected
 * from the PKCS#8 AlgorithmIdentifier: rsaEncryption is imported as RSASSA-PKCS1-v1_5 with SHA-256,
 * id-ecPublicKey as ECDSA on its named curve.
 *
 * @param alg when given, the key must be of this algorithm
 * @throws {PkiError} `ERR_KEY_INVALID` for malformed input or a key that is not `alg`;
 *   `ERR_UNSUPPORTED_ALGORITHM` for other algorithms and curves, and for encrypted or
 *   PKCS#1/SEC 1 PEM.
 * @example
 * ```ts
 * const key = await importPkcs8(readFileSync('ca.key', 'utf8'), 'RSA-4096', { extractable: false });
 * ```
 */
export async function importPkcs8(
  input: BytesLike | string,
  alg?: KeyAlgorithmName,
  opts: KeyOptions = {},
): Promise<CryptoKey> {
  const kind = pkcs8Kind(inputDer(input, 'PRIVATE KEY', 'Private key'));
  let key: CryptoKey;
  try {
    key = await getCrypto().subtle.importKey(
      'pkcs8',
      kind.der as BufferSource,
      keyImportParams(kind),
      opts.extractable ?? true,
      ['sign'],
    );
  } catch (cause) {
    throw new PkiError('ERR_KEY_INVALID', 'The crypto provider rejected the PKCS#8 private key', { cause });
  }
  if (alg !== undefined && keyAlgorithmOf(key) !== alg) {
    throw new PkiError('ERR_KEY_INVALID', `Expected a ${alg} key, got ${keyAlgorithmOf(key)}`);
  }
  return key;
}

/**
 * Imports a SubjectPublicKeyInfo (DER, or PEM `PUBLIC KEY`) for verification: RSA keys as
 * RSASSA-PKCS1-v1_5 bound to `hash` (default SHA-256), EC keys as ECDSA on their curve.
 * @throws {PkiError} `ERR_KEY_INVALID` for malformed input or an invalid key (see `parseSpki`);
 *   `ERR_UNSUPPORTED_ALGORITHM` for other algorithms and curves.
 */
export async function importSpki(input: BytesLike | string, hash: HashName = 'SHA-256'): Promise<CryptoKey> {
  const info = parseSpki(typeof input === 'string' ? inputDer(input, 'PUBLIC KEY', 'Public key') : input);
  try {
    return await getCrypto().subtle.importKey(
      'spki',
      info.der as BufferSource,
      keyImportParams(info, hash),
      true,
      ['verify'],
    );
  } catch (cause) {
    throw new PkiError('ERR_KEY_INVALID', 'The crypto provider rejected the public key', { cause });
  }
}
