/**
 * The PKCS #12 password-based key derivation (RFC 7292 Appendix B.2) and the BMPString password
 * encoding it takes (Appendix B.1). It keys the legacy PBE schemes (ID 1 = key, ID 2 = IV) and the
 * classic MacData HMAC (ID 3 = MAC key).
 *
 * Hand-written because neither WebCrypto nor a maintained small library offers this legacy KDF
 * (node-forge has one inside a whole crypto suite); the hash under it is @noble/hashes
 * (`signature/hash.ts`), synchronous because the KDF applies it thousands of times in a row.
 */
import { PkiError } from '../errors.js';
import type { HashName } from '../signature/algorithms.js';
import { hashFunction } from '../signature/hash.js';

/** The "diversifier" ID of RFC 7292 B.3: what the derived bytes are for. */
export type Pkcs12KdfPurpose = 1 | 2 | 3;

/** ID 1: encryption key material. */
export const KDF_ID_KEY = 1;
/** ID 2: initialisation vector. */
export const KDF_ID_IV = 2;
/** ID 3: MAC key. */
export const KDF_ID_MAC = 3;

/**
 * RFC 7292 B.1: the password as a BMPString, big-endian UTF-16 with a two-byte zero terminator
 * ("Qwerty12" → 00 51 00 77 … 00 32 00 00). Characters outside the BMP become their UTF-16
 * surrogate pairs, as OpenSSL and Java do.
 */
export function bmpPassword(password: string): Uint8Array {
  const out = new Uint8Array(password.length * 2 + 2);
  for (let i = 0; i < password.length; i++) {
    const c = password.charCodeAt(i);
    out[2 * i] = c >> 8;
    out[2 * i + 1] = c & 0xff;
  }
  return out;
}

/** Parameters of {@link pkcs12Kdf}. */
export interface Pkcs12KdfParams {
  /** Hash function H (SHA-1 for every legacy scheme; the MAC may use SHA-2). */
  hash: HashName;
  /** Password bytes, normally {@link bmpPassword} (an absent password is the empty byte string). */
  password: Uint8Array;
  /** Salt bytes. */
  salt: Uint8Array;
  /** Iteration count r (≥ 1). */
  iterations: number;
  /** Purpose ID. */
  id: Pkcs12KdfPurpose;
  /** Number of bytes n to produce. */
  length: number;
}

/** Fills `target` with `source` repeated (RFC 7292 B.2 steps 2-3); empty when `source` is empty. */
function repeatTo(source: Uint8Array, blockLength: number): Uint8Array {
  if (source.length === 0) return new Uint8Array(0);
  const out = new Uint8Array(blockLength * Math.ceil(source.length / blockLength));
  for (let i = 0; i < out.length; i++) out[i] = source[i % source.length]!;
  return out;
}

/**
 * RFC 7292 Appendix B.2:
 * ```text
 * 1. D = ID repeated v times;  2./3. S, P = salt, password repeated to multiples of v bytes
 * 4. I = S || P;  5. c = ceil(n / u)
 * 6. for i = 1..c: A_i = H^r(D || I); B = A_i repeated to v bytes;
 *    each v-byte block I_j of I becomes (I_j + B + 1) mod 2^(8v)
 * 7. output the first n bytes of A_1 || ... || A_c
 * ```
 * @throws {PkiError} `ERR_INVALID_ARGUMENT` on a non-positive iteration count or length.
 */
export function pkcs12Kdf(params: Pkcs12KdfParams): Uint8Array {
  const { iterations, length, id } = params;
  if (!Number.isSafeInteger(iterations) || iterations < 1) {
    throw new PkiError('ERR_INVALID_ARGUMENT', 'PKCS#12 KDF iteration count must be a positive integer');
  }
  if (!Number.isSafeInteger(length) || length < 1) {
    throw new PkiError('ERR_INVALID_ARGUMENT', 'PKCS#12 KDF output length must be a positive integer');
  }
  const h = hashFunction(params.hash);
  const u = h.outputLength;
  const v = h.blockLength;
  const s = repeatTo(params.salt, v);
  const p = repeatTo(params.password, v);
  // D || I in one buffer so each first hash needs no concatenation.
  const di = new Uint8Array(v + s.length + p.length);
  di.fill(id, 0, v);
  di.set(s, v);
  di.set(p, v + s.length);
  const out = new Uint8Array(length);
  const b = new Uint8Array(v);
  for (let produced = 0; ; ) {
    const a = h.iterate(di, iterations);
    out.set(a.subarray(0, Math.min(u, length - produced)), produced);
    produced += u;
    if (produced >= length) break;
    for (let i = 0; i < v; i++) b[i] = a[i % u]!;
    // I_j = (I_j + B + 1) mod 2^(8v), big-endian, for every v-byte block of I.
    for (let j = v; j < di.length; j += v) {
      let carry = 1;
      for (let k = v - 1; k >= 0; k--) {
        const sum = di[j + k]! + b[k]! + carry;
        di[j + k] = sum & 0xff;
        carry = sum >> 8;
      }
    }
  }
  return out;
}
