/**
 * In-memory token buckets keyed by a name and a key (IIN, client address). Each bucket holds up
 * to `capacity` tokens and regains `refillPerSecond`; a request takes one token or is refused with
 * the seconds until the next token. Memory is bounded: when too many keys are tracked, full
 * buckets (which carry no information) are dropped first.
 */

/** One limit. */
export interface RateLimitRule {
  capacity: number;
  refillPerSecond: number;
}

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

/** Result of {@link RateLimiter.take}. */
export type RateDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

interface Bucket {
  tokens: number;
  at: number;
}

/** Token-bucket rate limiter. */
export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    private readonly rules: Readonly<Record<RateLimitName, RateLimitRule>> = DEFAULT_RATE_LIMITS,
    private readonly now: () => number = Date.now,
    private readonly maxKeys = 100_000,
  ) {}

  /** Takes one token from bucket `name:key`. */
  take(name: RateLimitName, key: string): RateDecision {
    const rule = this.rules[name];
    const id = `${name}\u0000${key}`;
    const t = this.now();
    const b = this.buckets.get(id) ?? { tokens: rule.capacity, at: t };
    const tokens = Math.min(rule.capacity, b.tokens + ((t - b.at) / 1000) * rule.refillPerSecond);
    if (tokens < 1) {
      this.buckets.set(id, { tokens, at: t });
      return {
        allowed: false,
        retryAfterSeconds: Math.max(1, Math.ceil((1 - tokens) / rule.refillPerSecond)),
      };
    }
    this.buckets.set(id, { tokens: tokens - 1, at: t });
    if (this.buckets.size > this.maxKeys) this.prune(t);
    return { allowed: true };
  }

  private prune(t: number): void {
    for (const [id, b] of this.buckets) {
      const rule = this.rules[id.slice(0, id.indexOf('\u0000')) as RateLimitName];
      if (b.tokens + ((t - b.at) / 1000) * rule.refillPerSecond >= rule.capacity) this.buckets.delete(id);
    }
    // Still too many (an attack from many keys): forget the oldest half.
    if (this.buckets.size > this.maxKeys) {
      let drop = this.buckets.size - this.maxKeys / 2;
      for (const id of this.buckets.keys()) {
        if (drop-- <= 0) break;
        this.buckets.delete(id);
      }
    }
  }
}
