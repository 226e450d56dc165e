/**
 * Scale benchmark of the reference CA (`pnpm bench` in apps/ca): the same RSA-4096 issuing CA on
 * SQLite (one process; commits fsynced, the default, and with `?synchronous=normal`), on
 * PostgreSQL (one process) and on PostgreSQL with two CA processes, each process a child
 * (`bench/ca-node.ts`) on 127.0.0.1, printed side by side with the machine's cores and load
 * average:
 *
 * - the bound: in this process, `issueCertificate` with the RSA-4096 issuing key (one signature
 *   each), one at a time and four at once; the CA signs twice per application, so half the rate
 *   one at a time bounds the applications per second;
 * - end-to-end applications per second over HTTP (start, one-time code from the dev outbox,
 *   Digital ID's phone and second code, identification, consent, agreement, submission of two
 *   RSA-2048 requests, issuance of AUTH and SIGN, download, proof-of-possession installation), the
 *   steps of one application spread over the processes, and their share of the bound;
 * - the write transactions and the durable commits (fsyncs, synchronous COMMITs) per application,
 *   counted by the stores of the CA processes;
 * - the issuance step alone over HTTP (applications prepared up to submission first).
 *
 * Client keys and requests are made before the clock starts (the client's cost) and reused for
 * every store (each store is a CA of its own). The RSA-4096 hierarchy is generated once and cached
 * in `$TMPDIR/kzpki-ca-bench` (`--fresh` regenerates); each store starts from a copy of it
 * (PostgreSQL: `copySqliteToPostgres`) and first completes `KZPKI_BENCH_CONCURRENCY` applications
 * untimed (JIT, statement caches, connection pools). `KZPKI_BENCH_APPS` (default 96) applications
 * per run, `KZPKI_BENCH_CONCURRENCY` (default 24) at once. Where one application's time goes:
 * `bench/profile.ts` (`pnpm bench:profile`).
 */
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPgTestDatabase, type PgTestDatabase, probePostgres } from '@kzpki/ca-store/testing';
import { buildNcaSubject, issueCertificate, templateProfile } from '@kzpki/pki';
import {
  caStorePath,
  copySqliteToPostgres,
  loadCaMaterial,
  openCaStore,
  openPgCaStore,
  startCa,
} from '../src/index.js';
import {
  type CaNode,
  issue,
  issueAndInstall,
  type Keys,
  killNodes,
  makeClientKeys,
  type NodeStats,
  people,
  pool,
  startNode,
  toSubmission,
} from './client.js';

const args = new Set(process.argv.slice(2));
const N = Number(process.env.KZPKI_BENCH_APPS ?? 96);
const CONCURRENCY = Number(process.env.KZPKI_BENCH_CONCURRENCY ?? 24);
const PASSPHRASE = 'bench-passphrase';
const cacheDir = join(tmpdir(), 'kzpki-ca-bench');
if (args.has('--fresh')) rmSync(cacheDir, { recursive: true, force: true });
mkdirSync(cacheDir, { recursive: true });

interface Measured {
  e2e: number;
  issuance: number;
  /** Write transactions and durable commits per application end to end (every node's store). */
  transactions: number;
  durableCommits: number;
  /** CPU time per application end to end: the CA processes', the client's (this process). */
  nodeCpuMs: number;
  clientCpuMs: number;
}

async function totals(nodes: CaNode[]): Promise<NodeStats> {
  const all = await Promise.all(nodes.map((n) => n.stats()));
  return {
    transactions: all.reduce((a, s) => a + s.transactions, 0),
    durableCommits: all.reduce((a, s) => a + s.durableCommits, 0),
    cpuMs: all.reduce((a, s) => a + s.cpuMs, 0),
  };
}

async function measure(caNodes: CaNode[], keys: Keys[]): Promise<Measured> {
  const nodes = caNodes.map((n) => n.url);
  const conc = Math.min(CONCURRENCY, people.length - 1);
  // Warm-up, not timed: JIT, statement caches, the pool's connections (the last keys are for it).
  await pool(conc, conc, async (k) => {
    const i = 2 * N + k;
    await issueAndInstall(nodes, i, await toSubmission(nodes, i, keys[i]!), keys[i]!);
  });
  const before = await totals(caNodes);
  const client = process.cpuUsage();
  let t = performance.now();
  await pool(N, conc, async (i) => {
    const app = await toSubmission(nodes, i, keys[i]!);
    await issueAndInstall(nodes, i, app, keys[i]!);
  });
  const e2e = N / ((performance.now() - t) / 1000);
  const clientCpu = process.cpuUsage(client);
  const after = await totals(caNodes);
  const prepared: Array<{ id: string; token: string }> = [];
  await pool(N, conc, async (i) => {
    prepared[i] = await toSubmission(nodes, N + i, keys[N + i]!);
  });
  t = performance.now();
  await pool(N, conc, async (i) => {
    await issue(nodes[i % nodes.length]!, prepared[i]!);
  });
  const issuance = (2 * N) / ((performance.now() - t) / 1000);
  return {
    e2e,
    issuance,
    transactions: (after.transactions - before.transactions) / N,
    durableCommits: (after.durableCommits - before.durableCommits) / N,
    nodeCpuMs: (after.cpuMs - before.cpuMs) / N,
    clientCpuMs: (clientCpu.user + clientCpu.system) / 1000 / N,
  };
}

async function main(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'kzpki-ca-scale-'));
  const databases: PgTestDatabase[] = [];
  try {
    const la = () =>
      loadavg()
        .map((l) => l.toFixed(2))
        .join(' ');
    const loadBefore = la();
    console.log(`CA scale bench: ${cpus().length} CPU core(s), load average ${loadBefore}`);
    // The RSA-4096 hierarchy, once (cached), in a SQLite store every run copies.
    let t = performance.now();
    const made = await startCa({ passphrase: PASSPHRASE, dataDir: cacheDir, port: 0, logError: () => {} });
    await made.close();
    console.log(
      `CA hierarchy ready in ${((performance.now() - t) / 1000).toFixed(1)} s (cached in ${cacheDir})`,
    );
    const pristine = caStorePath(cacheDir);

    console.log(
      `generating ${2 * (2 * N + CONCURRENCY)} client RSA-2048 keys and their requests (the client's work, not timed)...`,
    );
    const keys = await makeClientKeys(2 * N + CONCURRENCY);

    // In-process signatures with the RSA-4096 issuing key: the bound.
    const source = openCaStore(pristine);
    const m = await loadCaMaterial(source, { passphrase: PASSPHRASE });
    await source.close();
    const subject = buildNcaSubject({ surname: 'ТЕСТОВ', givenName: 'ТЕСТ', iin: '850315300128' });
    const one = () =>
      issueCertificate({
        publicKey: keys[0]!.auth.publicKey,
        subject,
        profile: templateProfile('individual', 'auth'),
        issuer: m.issuing.certificate,
        issuerKey: m.issuing.privateKey,
      });
    const SIGS = 60;
    t = performance.now();
    for (let i = 0; i < SIGS; i++) await one();
    const sequential = SIGS / ((performance.now() - t) / 1000);
    t = performance.now();
    await pool(SIGS, 4, async () => {
      await one();
    });
    const parallel = SIGS / ((performance.now() - t) / 1000);

    const rows: Array<[string, Measured | string]> = [];
    // SQLite: a copy of the pristine store, one process; fsynced commits (the default), then not.
    for (const [label, query] of [
      ['SQLite, 1 CA process', ''],
      ['SQLite ?synchronous=normal, 1 CA process', '?synchronous=normal'],
    ] as const) {
      const sqliteDir = mkdtempSync(join(work, 'sqlite-'));
      copyFileSync(pristine, caStorePath(sqliteDir));
      const node = await startNode(`sqlite:${caStorePath(sqliteDir)}${query}`);
      rows.push([label, await measure([node], keys)]);
      killNodes();
    }
    const pg = await probePostgres();
    for (const count of [1, 2]) {
      const label = `PostgreSQL, ${count} CA process${count > 1 ? 'es' : ''}`;
      if (!pg.available) {
        rows.push([label, pg.reason]);
        continue;
      }
      const db = await createPgTestDatabase();
      databases.push(db);
      const target = await openPgCaStore(db.url, { onError: () => {} });
      await copySqliteToPostgres(pristine, target);
      await target.close();
      const nodes: CaNode[] = [];
      for (let k = 0; k < count; k++) nodes.push(await startNode(db.url));
      rows.push([label, await measure(nodes, keys)]);
      killNodes();
    }

    const bound = sequential / 2;
    const header = [
      'store',
      'applications/s end to end',
      'share of the bound',
      'certificates/s issuance over HTTP',
      'write transactions per application',
      'durable commits per application',
      'CPU ms per application: CA processes + client',
    ];
    const table = rows.map(([label, r]) =>
      typeof r === 'string'
        ? [label, r, '', '', '', '', '']
        : [
            label,
            r.e2e.toFixed(1),
            `${Math.round((100 * r.e2e) / bound)}%`,
            r.issuance.toFixed(1),
            r.transactions.toFixed(1),
            r.durableCommits.toFixed(1),
            `${r.nodeCpuMs.toFixed(0)} + ${r.clientCpuMs.toFixed(0)}`,
          ],
    );
    const widths = header.map((h, i) => Math.max(h.length, ...table.map((row) => row[i]!.length)));
    const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
    const alg = m.issuing.privateKey.algorithm as RsaHashedKeyAlgorithm;
    console.log(
      `\nkzpki reference CA (issuing key ${alg.name} ${alg.modulusLength}), ${N} applications per run, ${Math.min(CONCURRENCY, people.length - 1)} at once, ${cpus().length} CPU core(s)`,
    );
    console.log(
      `bound set by the CA's two signatures per application (issueCertificate in process, RSA-4096): ${bound.toFixed(1)} applications/s ` +
        `(${sequential.toFixed(1)} signatures/s one at a time; ${parallel.toFixed(1)}/s four at once, ${(parallel / 2).toFixed(1)} applications/s)`,
    );
    console.log(`${line(header)}\n|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
    for (const row of table) console.log(line(row));
    const measured = rows.filter((r): r is [string, Measured] => typeof r[1] !== 'string');
    const meeting = measured.filter(([, r]) => r.e2e >= bound / 2).map(([label]) => label);
    console.log(
      `\naim: at least half the bound end to end, ${(bound / 2).toFixed(1)} applications/s: ` +
        (meeting.length > 0 ? `met by ${meeting.join('; ')}` : 'NOT met by any row') +
        (meeting.length > 0 && meeting.length < measured.length
          ? `; NOT met by ${measured
              .filter(([label]) => !meeting.includes(label))
              .map(([label]) => label)
              .join('; ')}`
          : ''),
    );
    console.log(
      `\n${cpus().length} CPU core(s); load average before the run ${loadBefore}, after ${la()}; the client (its proof-of-possession signatures) and every CA process share these cores.`,
    );
  } finally {
    killNodes();
    for (const d of databases) await d.drop().catch(() => {});
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
