import { describe, expect, it } from 'vitest';
import { RateLimiter } from '../src/http/rate-limiter.js';

describe('RateLimiter', () => {
  it('allows a burst, then refuses until tokens refill', () => {
    const rl = new RateLimiter({ burst: 3, perMinute: 6 }); // one token every 10 s
    const t0 = 1_000_000;
    expect([1, 2, 3].map(() => rl.take('a', 1, t0).allowed)).toEqual([true, true, true]);
    const denied = rl.take('a', 1, t0);
    expect(denied).toEqual({ allowed: false, remaining: 0, retryAfterSeconds: 10 });
    expect(rl.take('a', 1, t0 + 9_999).allowed).toBe(false);
    expect(rl.take('a', 1, t0 + 10_000).allowed).toBe(true);
    // another client is not affected
    expect(rl.take('b', 1, t0).allowed).toBe(true);
  });

  it('never lets more through than burst + elapsed * rate (randomised invariant)', () => {
    // fast-check is not a dependency of this app: a seeded generator keeps the runs reproducible.
    let state = 0x2545f491;
    const rand = (n: number): number => {
      state ^= state << 13;
      state ^= state >>> 17;
      state ^= state << 5;
      return (state >>> 0) % n;
    };
    for (let run = 0; run < 300; run++) {
      const burst = 1 + rand(20);
      const perMinute = 1 + rand(600);
      const rl = new RateLimiter({ burst, perMinute });
      let t = 0;
      let allowed = 0;
      const steps = 1 + rand(200);
      for (let i = 0; i < steps; i++) {
        t += rand(5_000);
        if (rl.take('x', 1, t).allowed) allowed++;
      }
      expect(allowed).toBeLessThanOrEqual(burst + Math.floor((t * perMinute) / 60_000));
      expect(allowed).toBeGreaterThanOrEqual(Math.min(steps, burst));
    }
  });

  it('bounds memory by evicting the least recently seen client', () => {
    const rl = new RateLimiter({ burst: 1, perMinute: 1, maxKeys: 2 });
    rl.take('a', 1, 0);
    rl.take('b', 1, 0);
    rl.take('a', 1, 0); // a is now the most recent
    rl.take('c', 1, 0); // evicts b
    expect(rl.size).toBe(2);
    expect(rl.take('a', 1, 0).allowed).toBe(false); // still tracked, still empty
    expect(rl.take('b', 1, 0).allowed).toBe(true); // forgotten: starts again
  });

  it('rejects nonsensical limits', () => {
    expect(() => new RateLimiter({ burst: 0, perMinute: 1 })).toThrow(RangeError);
    expect(() => new RateLimiter({ burst: 1, perMinute: 0 })).toThrow(RangeError);
  });
});
