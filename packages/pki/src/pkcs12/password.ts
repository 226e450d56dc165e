/**
 * How a PKCS #12 password becomes bytes. The legacy PBE schemes and the classic MacData key use
 * the BMPString form of RFC 7292 Appendix B.1; PBES2 and PBMAC1 feed PBKDF2 with UTF-8
 * (RFC 9579 §3, and what OpenSSL, NSS and Java do).
 */
import { bmpPassword } from './pkcs12-kdf.js';

/** One password in the encodings the schemes need. */
export interface PasswordEncodings {
  /** BMPString with the two-byte terminator (or no bytes at all, see {@link passwordCandidates}). */
  bmp: Uint8Array;
  /** UTF-8 bytes, for PBKDF2. */
  utf8: Uint8Array;
}

/**
 * The byte forms to try for `password`, in order. For the empty password there are two: OpenSSL,
 * Java and Windows encode "" as the terminator alone (00 00), while a password-less file made by
 * OpenSSL with no password at all (and Bouncy Castle for "") uses zero bytes. The MAC check decides
 * which one a file used.
 */
export function passwordCandidates(password: string): PasswordEncodings[] {
  const utf8 = new TextEncoder().encode(password);
  const first: PasswordEncodings = { bmp: bmpPassword(password), utf8 };
  return password === '' ? [first, { bmp: new Uint8Array(0), utf8 }] : [first];
}
