/**
 * One CA node for `bench/scale.ts`: the reference CA on the store of `KZPKI_BENCH_DATABASE`
 * (`sqlite:<path>` or `postgres://...`), listening on `KZPKI_BENCH_PORT`, with the rate limits
 * lifted (the bench sends thousands of requests from one address) and no expiry sweep.
 */
import { DEFAULT_RATE_LIMITS, type RateLimitName, type RateLimitRule } from '../src/http/rate-limits.js';
import { startCa } from '../src/index.js';

const unlimited = Object.fromEntries(
  Object.keys(DEFAULT_RATE_LIMITS).map((k) => [k, { capacity: 1e9, refillPerSecond: 1e9 }]),
) as Record<RateLimitName, RateLimitRule>;

const ca = await startCa({
  passphrase: process.env.KZPKI_BENCH_PASSPHRASE ?? 'bench-passphrase',
  database: process.env.KZPKI_BENCH_DATABASE!,
  port: Number(process.env.KZPKI_BENCH_PORT),
  config: { rateLimits: unlimited, sweepIntervalSeconds: 0 },
  logError: (m, e) => console.error(m, e),
});
console.log(`ready ${ca.url}`);
const stop = () => {
  ca.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
