/**
 * One-time SMS codes: 6 digits drawn uniformly from a CSPRNG; only an HMAC of the code (bound to the
 * application) is stored, and checks compare MACs in constant time.
 */
import { randomInt } from 'node:crypto';
import { hexEqual, hmacSha256Hex } from './hash.js';

/** A fresh 6-digit code (000000..999999, uniform). */
export function generateOtp(): string {
  return randomInt(0, 1_000_000).toString().padStart(6, '0');
}

/** The MAC stored for `code` of application `applicationId` under the server's OTP key. */
export function otpMac(key: Uint8Array, applicationId: string, code: string): string {
  return hmacSha256Hex(key, `otp\n${applicationId}\n${code}`);
}

/** Constant-time check of `code` against a stored MAC. */
export function otpMatches(key: Uint8Array, applicationId: string, code: string, storedMac: string): boolean {
  return hexEqual(otpMac(key, applicationId, code), storedMac);
}
