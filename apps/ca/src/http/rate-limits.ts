/**
 * The rate limits of the CA (the limiter itself, token buckets over a pluggable counter store, is
 * `@kzpki/server-kit`'s `RateLimiter`).
 */
import type { RateLimitRule } from '@kzpki/server-kit';

export type { RateLimitRule } from '@kzpki/server-kit';

/** The limits the CA applies. */
export type RateLimitName =
  | 'otpSendPerIin'
  | 'otpSendPerIp'
  | 'otpCheckPerIp'
  | 'statusLookupPerIp'
  | 'loginPerIp';

/** Default limits. */
export const DEFAULT_RATE_LIMITS: Readonly<Record<RateLimitName, RateLimitRule>> = {
  // 5 codes at once per IIN, then one every two minutes (on top of the resend cooldown).
  otpSendPerIin: { capacity: 5, refillPerSecond: 1 / 120 },
  otpSendPerIp: { capacity: 30, refillPerSecond: 1 / 10 },
  otpCheckPerIp: { capacity: 30, refillPerSecond: 1 / 2 },
  // Status lookups by number: enumeration of 10^13 numbers is hopeless at this rate.
  statusLookupPerIp: { capacity: 30, refillPerSecond: 1 / 2 },
  loginPerIp: { capacity: 20, refillPerSecond: 1 / 3 },
};
