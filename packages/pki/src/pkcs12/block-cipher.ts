/**
 * The shape shared by the 64-bit block ciphers this package implements itself (DES, 3DES, RC2),
 * because WebCrypto offers none of them and legacy PKCS#12 files need all three.
 */

/** A keyed block cipher that transforms one block in place. */
export interface BlockCipher {
  /** Block size in bytes (8 for DES, 3DES and RC2). */
  readonly blockSize: number;
  /** Encrypts `blockSize` bytes of `data` at `offset`, in place. */
  encryptBlock(data: Uint8Array, offset: number): void;
  /** Decrypts `blockSize` bytes of `data` at `offset`, in place. */
  decryptBlock(data: Uint8Array, offset: number): void;
}
