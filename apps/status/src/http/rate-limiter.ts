/**
 * Token-bucket rate limiting per client key (the client IP address). Used on the application
 * status lookup so that application numbers cannot be enumerated: a client gets `burst` lookups,
 * then `perMinute` more each minute. Memory is bounded: the least recently seen keys are dropped
 * first when `maxKeys` is reached (a dropped key starts again with a full bucket, which only
 * matters to a client spreading requests over more addresses than `maxKeys`).
 */

/** Limits of a {@link RateLimiter}. */
export interface RateLimitOptions {
  /** Requests allowed at once (bucket size). */
  burst: number;
  /** Sustained requests per minute (refill rate). */
  perMinute: number;
  /** Distinct clients tracked at most (default 100 000). */
  maxKeys?: number;
}

/** Outcome of {@link RateLimiter.take}. */
export interface RateLimitDecision {
  /** Whether the request may proceed. */
  allowed: boolean;
  /** Whole tokens left after this request. */
  remaining: number;
  /** Seconds until one token is available again (0 when allowed). */
  retryAfterSeconds: number;
}

interface Bucket {
  tokens: number;
  updatedAt: number;
}

/** Token buckets keyed by client. */
export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private readonly ratePerMs: number;
  private readonly maxKeys: number;

  constructor(private readonly options: RateLimitOptions) {
    if (!(options.burst >= 1) || !(options.perMinute > 0)) {
      throw new RangeError('Rate limit needs burst >= 1 and perMinute > 0');
    }
    this.ratePerMs = options.perMinute / 60_000;
    this.maxKeys = options.maxKeys ?? 100_000;
  }

  /** Takes `cost` tokens from `key`'s bucket at time `now` (ms). */
  take(key: string, cost = 1, now: number = Date.now()): RateLimitDecision {
    let b = this.buckets.get(key);
    if (b) {
      this.buckets.delete(key); // re-insert below: Map order = least recently seen first
      b.tokens = Math.min(this.options.burst, b.tokens + Math.max(0, now - b.updatedAt) * this.ratePerMs);
      b.updatedAt = now;
    } else {
      b = { tokens: this.options.burst, updatedAt: now };
      if (this.buckets.size >= this.maxKeys) {
        const oldest = this.buckets.keys().next();
        if (!oldest.done) this.buckets.delete(oldest.value);
      }
    }
    this.buckets.set(key, b);
    if (b.tokens >= cost) {
      b.tokens -= cost;
      return { allowed: true, remaining: Math.floor(b.tokens), retryAfterSeconds: 0 };
    }
    return {
      allowed: false,
      remaining: 0,
      retryAfterSeconds: Math.max(1, Math.ceil((cost - b.tokens) / this.ratePerMs / 1000)),
    };
  }

  /** Number of clients tracked. */
  get size(): number {
    return this.buckets.size;
  }
}
