/**
 * Subject key identifiers. By default RFC 5280 §4.2.1.2 method (1): the 160-bit SHA-1 hash of the
 * value of the BIT STRING subjectPublicKey (excluding the tag, length, and number of unused bits).
 * NCA key files are named after the SKI (`AUTH_RSA256_<ski>.p12`), and so are the PKCS#12
 * friendlyName / localKeyID; the NCA's RSA end-entity certificates compute it another way (see
 * {@link KeyIdMethod}), which this module also offers.
 */
import { sha1 } from '@noble/hashes/legacy';
import { type BytesLike, toBytes, toDer } from '../der/encoding.js';
import { PkiError } from '../errors.js';
import { isCryptoKey } from '../keys/key-algorithm.js';
import { exportSpki } from '../keys/keys.js';
import { spkiSubjectPublicKey } from '../keys/public-key.js';

/**
 * How a key identifier is computed.
 * - `rfc5280` (default): RFC 5280 §4.2.1.2 method (1), SHA-1 of the subjectPublicKey BIT STRING
 *   value. The NCA's CA certificates and its GOST-2015 generation use it.
 * - `spki-sha1`: SHA-1 of the whole SubjectPublicKeyInfo DER. The NCA's RSA end-entity
 *   certificates (ҰКО 3.0 and NCA RSA 2018 in the fixtures) and its GOST-2004 generation carry
 *   key identifiers made this way, so their key files are named after this hash.
 */
export type KeyIdMethod = 'rfc5280' | 'spki-sha1';

/**
 * The SubjectKeyIdentifier of a public key (20 bytes).
 *
 * @param publicKeyOrSpki a public CryptoKey, or a SubjectPublicKeyInfo (DER or PEM `PUBLIC KEY`) of
 *   any algorithm, GOST included
 * @param method see {@link KeyIdMethod}
 * @throws {PkiError} `ERR_KEY_INVALID` when the SubjectPublicKeyInfo is malformed.
 * @example
 * ```ts
 * toHex(await subjectKeyIdentifier(keys.publicKey)); // RFC 5280 method 1
 * toHex(await subjectKeyIdentifier(spki, 'spki-sha1')); // e.g. '6b361b86…0327', as in AUTH_RSA256_6b361b86…0327.p12
 * ```
 */
export async function subjectKeyIdentifier(
  publicKeyOrSpki: CryptoKey | BytesLike | string,
  method: KeyIdMethod = 'rfc5280',
): Promise<Uint8Array> {
  const spki = isCryptoKey(publicKeyOrSpki) ? await exportSpki(publicKeyOrSpki) : publicKeyOrSpki;
  const bits = spkiSubjectPublicKey(spki); // validates the structure for both methods
  if (method === 'rfc5280') return keyIdHash(bits);
  if (method === 'spki-sha1')
    return keyIdHash(typeof spki === 'string' ? toDer(spki, 'PUBLIC KEY') : toBytes(spki));
  throw new PkiError('ERR_INVALID_ARGUMENT', `Unknown key identifier method ${JSON.stringify(method)}`);
}

/**
 * SHA-1 of public key bytes, for key identifiers only (RFC 5280 §4.2.1.2: an identifier, not a
 * security function). Synchronous and in-process: `crypto.subtle.digest` costs a thread-pool
 * round trip (~50 µs in Node), a noticeable share of every issuance.
 */
export function keyIdHash(data: Uint8Array): Uint8Array {
  return sha1(data);
}
