/**
 * Where one application's time goes over HTTP (`pnpm bench:profile` in apps/ca): one CA node (a
 * child process, `ca-node.ts`) on a copy of the bench's cached RSA-4096 CA, SQLite by default or
 * PostgreSQL with `--pg`, under the V8 CPU profiler. Prints
 *
 * - the wall time of every HTTP step of an application, one application at a time (median, ms);
 * - applications/s with `KZPKI_BENCH_CONCURRENCY` (default 12) at once;
 * - write transactions and durable commits per application (the store's counters);
 * - the node's CPU time per application, and its CPU profile summed by where the code lives (the
 *   flow, the store, the HTTP framework, request validation, crypto, ...), the top functions by
 *   self time, and idle time (waiting for the disk, the database, or the client).
 *
 * Client keys are made before the clock starts. `KZPKI_BENCH_APPS` (default 24) applications per
 * phase; `KZPKI_BENCH_SQLITE_SYNCHRONOUS=NORMAL` profiles the relaxed SQLite option. The profile
 * is kept in `$TMPDIR/kzpki-ca-profile`.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPgTestDatabase, type PgTestDatabase } from '@kzpki/ca-store/testing';
import { caStorePath, copySqliteToPostgres, openPgCaStore, startCa } from '../src/index.js';
import {
  type CaNode,
  issueAndInstall,
  killNodes,
  makeClientKeys,
  pool,
  type StepTimes,
  startNode,
  toSubmission,
} from './client.js';

const args = new Set(process.argv.slice(2));
const N = Number(process.env.KZPKI_BENCH_APPS ?? 24);
const CONCURRENCY = Number(process.env.KZPKI_BENCH_CONCURRENCY ?? 12);
const PASSPHRASE = 'bench-passphrase';
const cacheDir = join(tmpdir(), 'kzpki-ca-bench');
const profDir = join(tmpdir(), 'kzpki-ca-profile');

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** Where a frame's code lives, for the summary. */
function category(url: string, name: string): string {
  if (name === '(idle)') return 'idle (waiting: disk, database, client)';
  if (name === '(garbage collector)') return 'garbage collector';
  if (name === '(program)') return 'V8/native (program)';
  const m = /node_modules\/(?:\.pnpm\/[^/]+\/node_modules\/)?((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (m) return `npm ${m[1]}`;
  const ws = /(packages|apps)\/([^/]+)\/(?:src|dist)\/(.*)$/.exec(url);
  if (ws) {
    const dir = ws[3]!.includes('/') ? ws[3]!.slice(0, ws[3]!.indexOf('/')) : ws[3]!;
    return `${ws[1]}/${ws[2]} ${dir}`;
  }
  if (url.startsWith('node:')) return url.replace(/^node:internal\/([^/]+).*/, 'node:$1');
  return url === '' ? `native ${name}` : url;
}

function summarise(profile: CpuProfile, apps: number): void {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  for (let i = 0; i < profile.samples.length; i++) {
    const id = profile.samples[i]!;
    self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
  }
  const cats = new Map<string, number>();
  const fns = new Map<string, number>();
  let busy = 0;
  let total = 0;
  for (const [id, ms] of self) {
    const n = byId.get(id)!;
    const c = category(n.callFrame.url, n.callFrame.functionName);
    cats.set(c, (cats.get(c) ?? 0) + ms);
    total += ms;
    if (n.callFrame.functionName !== '(idle)') busy += ms;
    const f = `${n.callFrame.functionName || '(anonymous)'} ${n.callFrame.url.replace(/^.*\/(node_modules|packages|apps)\//, '$1/')}:${n.callFrame.lineNumber + 1}`;
    fns.set(f, (fns.get(f) ?? 0) + ms);
  }
  console.log(
    `\nCA node CPU profile: ${(total / 1000).toFixed(1)} s sampled, busy ${(busy / 1000).toFixed(1)} s = ${(busy / apps).toFixed(1)} ms per application (over ${apps} applications)`,
  );
  console.log('self time by where the code lives (ms per application):');
  for (const [c, ms] of [...cats].sort((a, b) => b[1] - a[1]).slice(0, 25)) {
    console.log(`  ${(ms / apps).toFixed(2).padStart(8)}  ${c}`);
  }
  // Inclusive time of the workspace's own functions (the flow steps, the store, the router).
  const inclusive = new Map<number, number>();
  const total_ = (id: number): number => {
    const known = inclusive.get(id);
    if (known !== undefined) return known;
    const n = byId.get(id)!;
    let t = self.get(id) ?? 0;
    for (const c of n.children ?? []) t += total_(c);
    inclusive.set(id, t);
    return t;
  };
  const own = new Map<string, number>();
  const onStack = new Set<string>();
  const walk = (id: number): void => {
    const n = byId.get(id)!;
    const ws = /(?:packages|apps)\/[^/]+\/(?:src|dist)\//.test(n.callFrame.url);
    const key = `${n.callFrame.functionName || '(anonymous)'} ${n.callFrame.url.replace(/^.*\/(packages|apps)\//, '$1/')}:${n.callFrame.lineNumber + 1}`;
    const counted = ws && !onStack.has(key);
    if (counted) {
      own.set(key, (own.get(key) ?? 0) + total_(id));
      onStack.add(key);
    }
    for (const c of n.children ?? []) walk(c);
    if (counted) onStack.delete(key);
  };
  walk(profile.nodes[0]!.id);
  console.log('workspace functions by inclusive time (ms per application):');
  for (const [f, ms] of [...own].sort((a, b) => b[1] - a[1]).slice(0, 40)) {
    console.log(`  ${(ms / apps).toFixed(2).padStart(8)}  ${f}`);
  }
  console.log('top functions by self time (ms per application):');
  for (const [f, ms] of [...fns].sort((a, b) => b[1] - a[1]).slice(0, 30)) {
    console.log(`  ${(ms / apps).toFixed(2).padStart(8)}  ${f}`);
  }
}

async function main(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'kzpki-ca-profile-'));
  rmSync(profDir, { recursive: true, force: true });
  mkdirSync(profDir, { recursive: true });
  let db: PgTestDatabase | undefined;
  let node: CaNode | undefined;
  try {
    mkdirSync(cacheDir, { recursive: true });
    const made = await startCa({ passphrase: PASSPHRASE, dataDir: cacheDir, port: 0, logError: () => {} });
    await made.close();
    const pristine = caStorePath(cacheDir);
    const total = 2 + N + N;
    console.log(
      `${cpus().length} CPU core(s), load average ${loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}`,
    );
    console.log(`generating ${2 * total} client RSA-2048 keys (not timed)...`);
    const keys = await makeClientKeys(total);
    let location: string;
    if (args.has('--pg')) {
      db = await createPgTestDatabase();
      const target = await openPgCaStore(db.url, { onError: () => {} });
      await copySqliteToPostgres(pristine, target);
      await target.close();
      location = db.url;
    } else {
      copyFileSync(pristine, caStorePath(work));
      const relaxed = process.env.KZPKI_BENCH_SQLITE_SYNCHRONOUS?.toLowerCase() === 'normal';
      location = `sqlite:${caStorePath(work)}${relaxed ? '?synchronous=normal' : ''}`;
    }
    node = await startNode(location);
    const nodes = [node.url];
    // Warm-up (JIT, statement caches), then one at a time with the steps timed.
    for (let i = 0; i < 2; i++)
      await issueAndInstall(nodes, i, await toSubmission(nodes, i, keys[i]!), keys[i]!);
    const times: StepTimes = new Map();
    await node.ask('profile:start');
    const before = await node.stats();
    let t = performance.now();
    for (let i = 2; i < 2 + N; i++) {
      await issueAndInstall(nodes, i, await toSubmission(nodes, i, keys[i]!, times), keys[i]!, times);
    }
    const serial = N / ((performance.now() - t) / 1000);
    const mid = await node.stats();
    t = performance.now();
    await pool(N, CONCURRENCY, async (k) => {
      const i = 2 + N + k;
      await issueAndInstall(nodes, i, await toSubmission(nodes, i, keys[i]!), keys[i]!);
    });
    const parallel = N / ((performance.now() - t) / 1000);
    const after = await node.stats();
    console.log(`\nstore: ${location.startsWith('postgres') ? 'PostgreSQL' : 'SQLite'}`);
    console.log('HTTP step wall time, one application at a time (median ms):');
    let sum = 0;
    for (const [step, list] of times) {
      const sorted = [...list].sort((a, b) => a - b);
      const med = sorted[Math.floor(sorted.length / 2)]!;
      sum += med;
      console.log(`  ${med.toFixed(2).padStart(8)}  ${step}`);
    }
    console.log(`  ${sum.toFixed(2).padStart(8)}  sum of medians`);
    console.log(
      `applications/s: ${serial.toFixed(1)} one at a time, ${parallel.toFixed(1)} with ${CONCURRENCY} at once`,
    );
    console.log(
      `per application: ${((mid.transactions - before.transactions) / N).toFixed(1)} write transactions, ${((mid.durableCommits - before.durableCommits) / N).toFixed(1)} durable commits one at a time; ` +
        `${((after.transactions - mid.transactions) / N).toFixed(1)} and ${((after.durableCommits - mid.durableCommits) / N).toFixed(1)} with ${CONCURRENCY} at once`,
    );
    const file = join(profDir, 'ca-node.cpuprofile');
    await node.ask({ profileStop: file });
    await node.stop();
    summarise(JSON.parse(readFileSync(file, 'utf8')) as CpuProfile, 2 * N);
    console.log(
      `\nload average after the run ${loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}`,
    );
  } finally {
    killNodes();
    await db?.drop().catch(() => {});
    rmSync(work, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(e);
    killNodes();
    process.exit(1);
  },
);
