/** Token buckets: exact arithmetic, the invariant under random traffic, bounded memory, pluggable stores. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type BucketState,
  isServerKitError,
  MemoryRateLimitStore,
  RateLimiter,
  type RateLimitRule,
  type RateLimitStore,
  takeTokens,
} from '../src/index.js';

describe('RateLimiter', () => {
  it('allows a burst, then refuses until tokens refill; keys and limits are separate', async () => {
    let now = 1_000_000;
    const rl = new RateLimiter(
      { a: { capacity: 3, refillPerSecond: 0.1 }, b: { capacity: 1, refillPerSecond: 1 } },
      { now: () => now },
    );
    const taken = [];
    for (let i = 0; i < 3; i++) taken.push((await rl.take('a', 'x')).allowed);
    expect(taken).toEqual([true, true, true]);
    expect(await rl.take('a', 'x')).toEqual({ allowed: false, remaining: 0, retryAfterSeconds: 10 });
    now += 9_999;
    expect((await rl.take('a', 'x')).allowed).toBe(false);
    now += 1;
    expect(await rl.take('a', 'x')).toEqual({ allowed: true, remaining: 0, retryAfterSeconds: 0 });
    expect((await rl.take('a', 'y')).remaining).toBe(2); // another key
    expect((await rl.take('b', 'x')).allowed).toBe(true); // another limit, same key
  });

  it('charges a cost: a miss that costs 2 empties the bucket faster', async () => {
    const rl = new RateLimiter({ lookups: { capacity: 4, refillPerSecond: 1 / 60 } }, { now: () => 0 });
    expect((await rl.take('lookups', 'ip', 1)).remaining).toBe(3);
    expect((await rl.take('lookups', 'ip', 2)).remaining).toBe(1);
    expect(await rl.take('lookups', 'ip', 2)).toEqual({
      allowed: false,
      remaining: 0,
      retryAfterSeconds: 60,
    });
  });

  it('never lets more through than capacity + elapsed × rate, and never refuses a full bucket', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 20 }),
        fc.double({ min: 0.001, max: 10, noNaN: true }),
        fc.array(fc.tuple(fc.integer({ min: 0, max: 5_000 }), fc.integer({ min: 1, max: 3 })), {
          maxLength: 200,
        }),
        (capacity, refillPerSecond, steps) => {
          const rule = { capacity, refillPerSecond };
          let state: BucketState | undefined;
          let t = 0;
          let spent = 0;
          for (const [dt, cost] of steps) {
            t += dt;
            const before = state
              ? Math.min(capacity, state.tokens + ((t - state.at) / 1000) * refillPerSecond)
              : capacity;
            const r = takeTokens(state, rule, cost, t);
            state = r.state;
            if (r.decision.allowed) spent += cost;
            if (before >= cost) expect(r.decision.allowed).toBe(true);
            else expect(r.decision.retryAfterSeconds).toBeGreaterThanOrEqual(1);
          }
          expect(spent).toBeLessThanOrEqual(capacity + (t / 1000) * refillPerSecond + 1e-9);
        },
      ),
    );
  });

  it('throws ERR_RATE_LIMITED with retryAfter from enforce, and keys a check by the request', async () => {
    const rl = new RateLimiter({ login: { capacity: 1, refillPerSecond: 1 / 30 } }, { now: () => 0 });
    const perIp = rl.keyedBy('login', (req: { ip: string }) => req.ip);
    await perIp({ ip: '10.0.0.1' });
    await perIp({ ip: '10.0.0.2' });
    const caught = await perIp({ ip: '10.0.0.1' }).catch((e: unknown) => e);
    expect(isServerKitError(caught, 'ERR_RATE_LIMITED')).toBe(true);
    expect((caught as { status: number; details: unknown }).status).toBe(429);
    expect((caught as { details: unknown }).details).toEqual({ retryAfter: 30 });
  });

  it('refuses rules that would never or always allow', () => {
    for (const rule of [
      { capacity: 0, refillPerSecond: 1 },
      { capacity: 1, refillPerSecond: 0 },
      { capacity: 1, refillPerSecond: Number.NaN },
      { capacity: Number.POSITIVE_INFINITY, refillPerSecond: 1 },
    ]) {
      expect(() => new RateLimiter({ x: rule })).toThrow(RangeError);
    }
  });

  it('uses the store it is given (e.g. one shared through a database), awaiting it', async () => {
    const calls: string[] = [];
    const shared = new Map<string, BucketState>();
    const store: RateLimitStore = {
      async take(bucket: string, rule: RateLimitRule, cost: number, nowMs: number) {
        calls.push(bucket);
        await new Promise((r) => setTimeout(r, 1));
        const { state, decision } = takeTokens(shared.get(bucket), rule, cost, nowMs);
        shared.set(bucket, state);
        return decision;
      },
    };
    const one = new RateLimiter({ otp: { capacity: 1, refillPerSecond: 0.01 } }, { store, now: () => 5 });
    const two = new RateLimiter({ otp: { capacity: 1, refillPerSecond: 0.01 } }, { store, now: () => 5 });
    expect((await one.take('otp', '850315300128')).allowed).toBe(true);
    expect((await two.take('otp', '850315300128')).allowed).toBe(false); // shared counters
    expect(calls).toEqual(['otp\u0000850315300128', 'otp\u0000850315300128']);
  });
});

describe('MemoryRateLimitStore', () => {
  it('bounds memory by dropping the least recently used bucket', () => {
    const s = new MemoryRateLimitStore({ maxKeys: 2 });
    const rule = { capacity: 1, refillPerSecond: 1 / 60 };
    s.take('a', rule, 1, 0);
    s.take('b', rule, 1, 0);
    s.take('a', rule, 1, 0); // a is now the most recent
    s.take('c', rule, 1, 0); // drops b
    expect(s.size).toBe(2);
    expect(s.take('a', rule, 1, 0).allowed).toBe(false); // still tracked, still empty
    expect(s.take('b', rule, 1, 0).allowed).toBe(true); // forgotten: starts again
  });

  it('stays bounded under many keys', () => {
    const s = new MemoryRateLimitStore({ maxKeys: 100 });
    for (let i = 0; i < 1000; i++)
      s.take(`10.0.${i >> 8}.${i & 255}`, { capacity: 2, refillPerSecond: 1 }, 1, i);
    expect(s.size).toBe(100);
  });
});
