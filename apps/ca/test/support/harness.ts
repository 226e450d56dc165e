/**
 * Test harness: a real CA server on 127.0.0.1 (ephemeral port) over a real SQLite file in a temp
 * directory, RSA-2048 CA keys so it starts fast, response validation against the spec on.
 */
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inject } from 'vitest';
import { DEFAULT_RATE_LIMITS, type RateLimitName, type RateLimitRule } from '../../src/http/rate-limits.js';
import { type CaConfigOverrides, caStorePath, type RunningCa, startCa } from '../../src/index.js';

/** Generous limits so the suites are not throttled (the rate-limit test sets its own). */
export const RELAXED_LIMITS: Record<RateLimitName, RateLimitRule> = Object.fromEntries(
  Object.keys(DEFAULT_RATE_LIMITS).map((k) => [k, { capacity: 10_000, refillPerSecond: 10_000 }]),
) as Record<RateLimitName, RateLimitRule>;

/** A movable clock. */
export class TestClock {
  private offsetMs = 0;
  now = (): Date => new Date(Date.now() + this.offsetMs);
  advance(seconds: number): void {
    this.offsetMs += seconds * 1000;
  }
}

/** A running test CA and its temp directory. */
export interface TestCa {
  ca: RunningCa;
  url: string;
  dir: string;
  clock: TestClock;
  stop(): Promise<void>;
}

/**
 * Starts a CA for tests on a copy of the template store made by the global setup (so no suite
 * generates CA keys), or in `dir` when given.
 */
export async function startTestCa(
  config: CaConfigOverrides = {},
  dir?: string,
  server: { docsDir?: string } = {},
): Promise<TestCa> {
  const tmp = dir ?? mkdtempSync(join(tmpdir(), 'kzpki-ca-test-'));
  if (!dir) copyFileSync(caStorePath(inject('caTemplateDir')), caStorePath(tmp));
  const clock = new TestClock();
  const ca = await startCa({
    passphrase: 'test-passphrase',
    dataDir: tmp,
    config: { rateLimits: RELAXED_LIMITS, sweepIntervalSeconds: 0, ...config },
    init: { keyAlgorithms: { root: 'RSA-2048', issuing: 'RSA-2048' } },
    now: clock.now,
    validateResponses: true,
    logError: () => {},
    ...server,
  });
  return {
    ca,
    url: ca.url,
    dir: tmp,
    clock,
    async stop() {
      await ca.close();
      if (!dir) rmSync(tmp, { recursive: true, force: true });
    },
  };
}
