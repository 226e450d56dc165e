/**
 * Rate-limit buckets in the SQLite store (issue 10 #8): the token-bucket arithmetic of server-kit,
 * shared by two connections (processes) on one file, kept across a reopen (restart), old buckets
 * purged.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openCaStore, type RateLimitBucketRule, type SqliteCaRepository } from '../src/index.js';

/** The reference token bucket (server-kit's `takeTokens`, restated). */
function reference(rule: RateLimitBucketRule) {
  let state: { tokens: number; at: number } | undefined;
  return (cost: number, now: number) => {
    const tokens = state
      ? Math.min(rule.capacity, state.tokens + (Math.max(0, now - state.at) / 1000) * rule.refillPerSecond)
      : rule.capacity;
    const allowed = tokens >= cost;
    state = { tokens: allowed ? tokens - cost : tokens, at: now };
    return allowed;
  };
}

let dir: string;
let a: SqliteCaRepository;
let b: SqliteCaRepository;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'kzpki-rl-'));
  a = openCaStore(join(dir, 'ca.sqlite'));
  b = openCaStore(join(dir, 'ca.sqlite'));
});
afterAll(async () => {
  await a.close();
  await b.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('rate-limit buckets in the store', () => {
  it('decides as the reference token bucket on random sequences', async () => {
    let n = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          capacity: fc.integer({ min: 1, max: 10 }),
          refillPerSecond: fc.double({ min: 0.01, max: 5, noNaN: true }),
        }),
        fc.array(
          fc.record({ cost: fc.integer({ min: 1, max: 3 }), gap: fc.integer({ min: 0, max: 5000 }) }),
          { maxLength: 30 },
        ),
        async (rule, steps) => {
          const bucket = `prop-${n++}`;
          const ref = reference(rule);
          let now = 1_700_000_000_000;
          for (const { cost, gap } of steps) {
            now += gap;
            const store = gap % 2 === 0 ? a : b;
            expect((await store.takeRateLimit(bucket, rule, cost, now)).allowed).toBe(ref(cost, now));
          }
        },
      ),
      { numRuns: 60 },
    );
  });

  it('two connections share one bucket, and a reopened store still has it', async () => {
    const rule = { capacity: 2, refillPerSecond: 1 / 3600 };
    const now = Date.now();
    expect((await a.takeRateLimit('shared', rule, 1, now)).allowed).toBe(true);
    expect((await b.takeRateLimit('shared', rule, 1, now)).allowed).toBe(true);
    const refused = await a.takeRateLimit('shared', rule, 1, now);
    expect(refused).toMatchObject({ allowed: false, remaining: 0 });
    expect(refused.retryAfterSeconds).toBeGreaterThan(3000);
    const reopened = openCaStore(join(dir, 'ca.sqlite'));
    expect((await reopened.takeRateLimit('shared', rule, 1, now + 1000)).allowed).toBe(false);
    await reopened.close();
  });

  it('purges buckets untouched for a week', async () => {
    const rule = { capacity: 1, refillPerSecond: 1 };
    const old = Date.now() - 8 * 86_400_000;
    await a.takeRateLimit('old', rule, 1, old);
    await a.takeRateLimit('fresh', rule, 1, Date.now());
    await a.purgeExpired(new Date(), 86_400_000);
    const left = a.db
      .prepare('SELECT bucket FROM rate_limits WHERE bucket IN (?, ?)')
      .pluck()
      .all('old', 'fresh');
    expect(left).toEqual(['fresh']);
  });
});
