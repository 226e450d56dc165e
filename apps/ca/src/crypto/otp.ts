/**
 * One-time SMS codes: 6 digits drawn uniformly from a CSPRNG; only an HMAC of the code (bound to the
 * application and to what the code is for) is stored, and checks compare MACs in constant time.
 */
import { randomInt } from 'node:crypto';
import { hexEqual, hmacSha256Hex } from './hash.js';

/**
 * What a code confirms: `application`, the first code (the phone registered in the Mobile Citizens
 * Database, step 2); `digital-id`, the second one, sent by Digital ID to the number the applicant
 * gives on the remote identification page. The purpose is part of the MAC, so a code of one can
 * never be taken for the other.
 */
export type OtpPurpose = 'application' | 'digital-id';

/** A fresh 6-digit code (000000..999999, uniform). */
export function generateOtp(): string {
  return randomInt(0, 1_000_000).toString().padStart(6, '0');
}

/**
 * The MAC stored for `code` of application `applicationId` under the server's OTP key. The first
 * code's input is unchanged from before the Digital ID code existed (codes in flight stay valid).
 */
export function otpMac(
  key: Uint8Array,
  applicationId: string,
  code: string,
  purpose: OtpPurpose = 'application',
): string {
  const domain = purpose === 'application' ? 'otp' : 'otp-digital-id';
  return hmacSha256Hex(key, `${domain}\n${applicationId}\n${code}`);
}

/** Constant-time check of `code` against a stored MAC. */
export function otpMatches(
  key: Uint8Array,
  applicationId: string,
  code: string,
  storedMac: string,
  purpose: OtpPurpose = 'application',
): boolean {
  return hexEqual(otpMac(key, applicationId, code, purpose), storedMac);
}
