/**
 * Token-bucket rate limiting. A bucket holds up to `capacity` tokens and regains `refillPerSecond`;
 * a request takes `cost` tokens (default 1) or is refused with the seconds until enough are back.
 *
 * Limits are named (`otpSendPerIin`, `statusLookupPerIp`...) and keyed by anything the caller
 * derives from the request (the client address, an IIN). The counters live in a
 * {@link RateLimitStore}: {@link MemoryRateLimitStore} in one process, and a store over the
 * database when several processes must share them (the store does the read-refill-take step
 * atomically, which is why it, not the limiter, owns the arithmetic's persistence).
 */
import { ServerKitError } from '../errors.js';

/** One limit. */
export interface RateLimitRule {
  /** Tokens in a full bucket: the burst allowed at once. */
  capacity: number;
  /** Tokens regained per second: the sustained rate. */
  refillPerSecond: number;
}

/** Outcome of taking tokens. */
export interface RateDecision {
  /** Whether the request may proceed. */
  allowed: boolean;
  /** Whole tokens left after this request. */
  remaining: number;
  /** Seconds until the tokens asked for are available (0 when allowed). */
  retryAfterSeconds: number;
}

/**
 * Where the buckets live. `take` must be atomic per bucket: two concurrent takes from a bucket
 * with one token must not both succeed.
 */
export interface RateLimitStore {
  /** Refills bucket `bucket` under `rule` up to `nowMs`, then takes `cost` tokens if there are enough. */
  take(
    bucket: string,
    rule: RateLimitRule,
    cost: number,
    nowMs: number,
  ): RateDecision | Promise<RateDecision>;
}

/** A bucket's state: what a store keeps per key. */
export interface BucketState {
  tokens: number;
  /** Time of `tokens`, ms since the epoch. */
  at: number;
}

/**
 * The token-bucket step, shared by every store: the bucket's new state and the decision.
 * @example
 * ```ts
 * const { state, decision } = takeTokens(undefined, { capacity: 2, refillPerSecond: 1 }, 1, Date.now());
 * ```
 */
export function takeTokens(
  previous: BucketState | undefined,
  rule: RateLimitRule,
  cost: number,
  nowMs: number,
): { state: BucketState; decision: RateDecision } {
  const elapsed = previous ? Math.max(0, nowMs - previous.at) : 0;
  const tokens = previous
    ? Math.min(rule.capacity, previous.tokens + (elapsed / 1000) * rule.refillPerSecond)
    : rule.capacity;
  if (tokens >= cost) {
    const left = tokens - cost;
    return {
      state: { tokens: left, at: nowMs },
      decision: { allowed: true, remaining: Math.floor(left), retryAfterSeconds: 0 },
    };
  }
  return {
    state: { tokens, at: nowMs },
    decision: {
      allowed: false,
      remaining: 0,
      retryAfterSeconds: Math.max(1, Math.ceil((cost - tokens) / rule.refillPerSecond)),
    },
  };
}

/** Checks a rule: a capacity of at least one token and a positive, finite refill rate. */
export function checkRule(name: string, rule: RateLimitRule): void {
  if (
    !(rule.capacity >= 1) ||
    !Number.isFinite(rule.capacity) ||
    !(rule.refillPerSecond > 0) ||
    !Number.isFinite(rule.refillPerSecond)
  ) {
    throw new RangeError(`Rate limit ${name} needs capacity >= 1 and refillPerSecond > 0`);
  }
}

/**
 * Buckets in a `Map`, bounded: when `maxKeys` buckets exist, the least recently used one is
 * dropped (a dropped key starts again with a full bucket, which only helps a client that spreads
 * its requests over more keys than `maxKeys`).
 */
export class MemoryRateLimitStore implements RateLimitStore {
  private readonly buckets = new Map<string, BucketState>();
  private readonly maxKeys: number;

  constructor(options: { maxKeys?: number } = {}) {
    this.maxKeys = options.maxKeys ?? 100_000;
  }

  take(bucket: string, rule: RateLimitRule, cost: number, nowMs: number): RateDecision {
    const previous = this.buckets.get(bucket);
    if (previous)
      this.buckets.delete(bucket); // re-inserted below: Map order = least recently used first
    else if (this.buckets.size >= this.maxKeys) {
      const oldest = this.buckets.keys().next();
      if (!oldest.done) this.buckets.delete(oldest.value);
    }
    const { state, decision } = takeTokens(previous, rule, cost, nowMs);
    this.buckets.set(bucket, state);
    return decision;
  }

  /** Buckets tracked. */
  get size(): number {
    return this.buckets.size;
  }
}

/** Options of {@link RateLimiter}. */
export interface RateLimiterOptions {
  /** Where the buckets live (default: a {@link MemoryRateLimitStore}). */
  store?: RateLimitStore;
  /** Clock in ms (tests move it). */
  now?: () => number;
}

/**
 * Named limits over one store.
 * @example
 * ```ts
 * const limiter = new RateLimiter({ loginPerIp: { capacity: 20, refillPerSecond: 1 / 3 } });
 * await limiter.enforce('loginPerIp', req.ip); // throws ERR_RATE_LIMITED when exhausted
 * ```
 */
export class RateLimiter<Name extends string> {
  private readonly store: RateLimitStore;
  private readonly now: () => number;

  constructor(
    private readonly rules: Readonly<Record<Name, RateLimitRule>>,
    options: RateLimiterOptions = {},
  ) {
    for (const [name, rule] of Object.entries(rules) as Array<[string, RateLimitRule]>) checkRule(name, rule);
    this.store = options.store ?? new MemoryRateLimitStore();
    this.now = options.now ?? Date.now;
  }

  /** Takes `cost` tokens from the bucket of limit `name` for `key`. */
  async take(name: Name, key: string, cost = 1): Promise<RateDecision> {
    // NUL cannot occur in a limit name, so `name\0key` never collides across limits.
    return this.store.take(`${name}\u0000${key}`, this.rules[name], cost, this.now());
  }

  /**
   * Takes a token, or throws.
   * @throws {ServerKitError} `ERR_RATE_LIMITED` with `details.retryAfter` (seconds).
   */
  async enforce(name: Name, key: string, cost = 1): Promise<RateDecision> {
    const d = await this.take(name, key, cost);
    if (!d.allowed) {
      throw new ServerKitError('ERR_RATE_LIMITED', 'Too many requests; try again later', {
        details: { retryAfter: d.retryAfterSeconds },
      });
    }
    return d;
  }

  /**
   * A check keyed by a function of the request, for route-level limits.
   * @example
   * ```ts
   * const perIp = limiter.keyedBy('statusLookupPerIp', (req: { ip: string }) => req.ip);
   * await perIp(req);
   * ```
   */
  keyedBy<Req>(name: Name, key: (req: Req) => string, cost = 1): (req: Req) => Promise<RateDecision> {
    return (req) => this.enforce(name, key(req), cost);
  }
}
