/**
 * The rate limits of the CA (the limiter itself, token buckets over a pluggable counter store, is
 * `@kzpki/server-kit`'s `RateLimiter`). The counters live in the CA store when it keeps them
 * (`takeRateLimit`: SQLite and PostgreSQL), so every CA process on the store counts the same
 * requests and a restart refills nothing; per-client limits are keyed on the client address as the
 * trusted proxies report it (`CaConfig.trustedProxies`), never on a proxy's own address.
 */
import type { RateLimitRule } from '@kzpki/server-kit';

export type { RateLimitRule } from '@kzpki/server-kit';

/** The limits the CA applies. */
export type RateLimitName =
  | 'otpSendPerIin'
  | 'otpSendPerIp'
  | 'otpCheckPerIp'
  | 'otpCheckPerIin'
  | 'statusLookupPerIp'
  | 'loginPerIp';

/** Default limits. */
export const DEFAULT_RATE_LIMITS: Readonly<Record<RateLimitName, RateLimitRule>> = {
  // 5 codes at once per IIN, then one every two minutes (on top of the resend cooldown).
  otpSendPerIin: { capacity: 5, refillPerSecond: 1 / 120 },
  otpSendPerIp: { capacity: 30, refillPerSecond: 1 / 10 },
  otpCheckPerIp: { capacity: 30, refillPerSecond: 1 / 2 },
  // Code checks per IIN across every code and application: each code allows a few tries and new
  // codes can be sent, so without this a patient guesser gets ~2,000 tries a day at one IIN; with
  // it, 10 at once, then one every five minutes.
  otpCheckPerIin: { capacity: 10, refillPerSecond: 1 / 300 },
  // Status lookups by number: enumeration of 10^13 numbers is hopeless at this rate.
  statusLookupPerIp: { capacity: 30, refillPerSecond: 1 / 2 },
  loginPerIp: { capacity: 20, refillPerSecond: 1 / 3 },
};
