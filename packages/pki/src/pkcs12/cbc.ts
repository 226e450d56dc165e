/**
 * Cipher block chaining (NIST SP 800-38A §6.2) with PKCS #7 padding (RFC 5652 §6.3, called
 * PKCS #5 padding for 8-byte blocks) over one of the package's own {@link BlockCipher}s. AES-CBC
 * goes through WebCrypto instead; this serves DES, 3DES and RC2.
 */
import { PkiError } from '../errors.js';
import type { BlockCipher } from './block-cipher.js';

function checkIv(cipher: BlockCipher, iv: Uint8Array): void {
  if (iv.length !== cipher.blockSize) {
    throw new PkiError('ERR_INVALID_ARGUMENT', `CBC IV must be ${cipher.blockSize} bytes`);
  }
}

/** Pads `plaintext` (1..blockSize bytes of value n) and encrypts it in CBC mode. */
export function cbcEncrypt(cipher: BlockCipher, iv: Uint8Array, plaintext: Uint8Array): Uint8Array {
  checkIv(cipher, iv);
  const bs = cipher.blockSize;
  const pad = bs - (plaintext.length % bs);
  const out = new Uint8Array(plaintext.length + pad);
  out.set(plaintext);
  out.fill(pad, plaintext.length);
  let prev = iv;
  for (let off = 0; off < out.length; off += bs) {
    for (let i = 0; i < bs; i++) out[off + i] = out[off + i]! ^ prev[i]!;
    cipher.encryptBlock(out, off);
    prev = out.subarray(off, off + bs);
  }
  return out;
}

/**
 * Decrypts CBC ciphertext and removes the padding.
 * @returns the plaintext, or `undefined` when the length is not a whole number of blocks or the
 *   padding is malformed (the usual sign of a wrong password when no MAC protects the data).
 */
export function cbcDecrypt(
  cipher: BlockCipher,
  iv: Uint8Array,
  ciphertext: Uint8Array,
): Uint8Array | undefined {
  checkIv(cipher, iv);
  const bs = cipher.blockSize;
  if (ciphertext.length === 0 || ciphertext.length % bs !== 0) return undefined;
  const out = ciphertext.slice();
  for (let off = out.length - bs; off >= 0; off -= bs) {
    cipher.decryptBlock(out, off);
    const prev = off === 0 ? iv : ciphertext.subarray(off - bs, off);
    for (let i = 0; i < bs; i++) out[off + i] = out[off + i]! ^ prev[i]!;
  }
  const pad = out[out.length - 1]!;
  // Check every padding byte without an early exit.
  let bad = pad === 0 || pad > bs ? 1 : 0;
  for (let i = 1; i <= bs; i++) {
    const inPad = i <= pad ? 1 : 0;
    bad |= inPad & (out[out.length - i]! !== pad ? 1 : 0);
  }
  return bad ? undefined : out.subarray(0, out.length - pad);
}
