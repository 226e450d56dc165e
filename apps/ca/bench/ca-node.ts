/**
 * One CA node for the benchmarks (`scale.ts`, `profile.ts`): the reference CA on the store of
 * `KZPKI_BENCH_DATABASE` (`sqlite:<path>` or `postgres://...`), listening on `KZPKI_BENCH_PORT`,
 * with the rate limits lifted (the bench sends thousands of requests from one address; the limits
 * are still counted in the store) and no expiry sweep. Asked `stats` over IPC, it answers the
 * store's commit counters and the process's CPU time.
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { DEFAULT_RATE_LIMITS, type RateLimitName, type RateLimitRule } from '../src/http/rate-limits.js';
import { startCa } from '../src/index.js';

const unlimited = Object.fromEntries(
  Object.keys(DEFAULT_RATE_LIMITS).map((k) => [k, { capacity: 1e9, refillPerSecond: 1e9 }]),
) as Record<RateLimitName, RateLimitRule>;

const ca = await startCa({
  passphrase: process.env.KZPKI_BENCH_PASSPHRASE ?? 'bench-passphrase',
  database: process.env.KZPKI_BENCH_DATABASE!,
  // The bench's people (client.ts benchDemoData): the demo persons and copies of them.
  ...(process.env.KZPKI_BENCH_DEMO_DATA ? { demoDataPath: process.env.KZPKI_BENCH_DEMO_DATA } : {}),
  port: Number(process.env.KZPKI_BENCH_PORT),
  config: { rateLimits: unlimited, sweepIntervalSeconds: 0 },
  logError: (m, e) => console.error(m, e),
});
console.log(`ready ${ca.url}`);
let inspector: Session | undefined;
process.on('message', (m: unknown) => {
  const reply = (value: unknown) => process.send?.(value);
  if (m === 'stats') {
    const cpu = process.cpuUsage();
    reply({
      ...(ca.context.store.commitStats?.() ?? { transactions: 0, durableCommits: 0 }),
      cpuMs: (cpu.user + cpu.system) / 1000,
    });
  } else if (m === 'profile:start') {
    // The V8 CPU profiler over the measured requests only (not the start-up).
    inspector = new Session();
    inspector.connect();
    inspector
      .post('Profiler.enable')
      .then(() => inspector!.post('Profiler.start'))
      .then(() => reply('profiling'));
  } else if (typeof m === 'object' && m !== null && 'profileStop' in m) {
    const file = (m as { profileStop: string }).profileStop;
    inspector!.post('Profiler.stop').then(({ profile }) => {
      writeFileSync(file, JSON.stringify(profile));
      inspector!.disconnect();
      reply('profiled');
    });
  }
});
const stop = () => {
  ca.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
