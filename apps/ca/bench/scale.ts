/**
 * Scale benchmark of the reference CA (`pnpm bench` in apps/ca): the same RSA-4096 issuing CA on
 * SQLite (one process), on PostgreSQL (one process) and on PostgreSQL with two CA processes, each
 * process a child (`bench/ca-node.ts`) on 127.0.0.1, printed side by side with the machine's cores
 * and load average:
 *
 * - end-to-end applications per second over HTTP (start, one-time code from the dev outbox,
 *   identification, consent, agreement, submission of two RSA-2048 requests, issuance of AUTH and
 *   SIGN, download, proof-of-possession installation), the steps of one application spread over
 *   the processes;
 * - the issuance step alone over HTTP (applications prepared up to submission first);
 * - in this process, `issueCertificate` with the RSA-4096 issuing key (one signature each), one at
 *   a time and four at once; the CA signs twice per application, so half that rate bounds the
 *   applications per second.
 *
 * Client keys and requests are made before the clock starts (the client's cost) and reused for
 * every store (each store is a CA of its own). The RSA-4096 hierarchy is generated once and cached
 * in `$TMPDIR/kzpki-ca-bench` (`--fresh` regenerates); each store starts from a copy of it
 * (PostgreSQL: `copySqliteToPostgres`). `KZPKI_BENCH_APPS` (default 16) applications per run,
 * `KZPKI_BENCH_CONCURRENCY` (default 6) at once.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createPgTestDatabase, type PgTestDatabase, probePostgres } from '@kzpki/ca-store/testing';
import {
  buildNcaSubject,
  createCsr,
  generateKeyPair,
  issueCertificate,
  signData,
  templateProfile,
  toPem,
} from '@kzpki/pki';
import {
  caStorePath,
  copySqliteToPostgres,
  loadCaMaterial,
  loadDemoData,
  openCaStore,
  openPgCaStore,
  startCa,
} from '../src/index.js';

const args = new Set(process.argv.slice(2));
const N = Number(process.env.KZPKI_BENCH_APPS ?? 16);
const CONCURRENCY = Number(process.env.KZPKI_BENCH_CONCURRENCY ?? 6);
const PASSPHRASE = 'bench-passphrase';
const appDir = fileURLToPath(new URL('..', import.meta.url));
const cacheDir = join(tmpdir(), 'kzpki-ca-bench');
if (args.has('--fresh')) rmSync(cacheDir, { recursive: true, force: true });
mkdirSync(cacheDir, { recursive: true });

// biome-ignore lint/suspicious/noExplicitAny: the benchmark reads a few fields of each response
type Json = any;

const children: ChildProcess[] = [];
function stopChildren(): void {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  children.length = 0;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

async function startNode(database: string): Promise<string> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', 'bench/ca-node.ts'], {
    cwd: appDir,
    env: { ...process.env, KZPKI_BENCH_DATABASE: database, KZPKI_BENCH_PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let log = '';
  child.stderr!.on('data', (b) => {
    log += b;
  });
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (b) => {
      if (String(b).includes('ready ')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`CA node exited (${code}): ${log}`)));
  });
  return `http://127.0.0.1:${port}`;
}

async function json(
  base: string,
  method: string,
  path: string,
  body?: unknown,
  token?: string,
): Promise<Json> {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: {
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const out = await res.json();
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${out.code} ${out.detail}`);
  return out;
}

const demo = loadDemoData();
const people = demo.persons.filter(
  (p) => p.phone !== null && !p.presentedDocument && !p.testOnly && !p.faceMismatch,
);
const IMG = Buffer.from('simulated image').toString('base64');
type Keys = { auth: CryptoKeyPair; sign: CryptoKeyPair; csrs: { auth: string; sign: string } };

/** Application `i` up to submission; its steps go to `nodes` in turn (the code is read where it was sent). */
async function toSubmission(nodes: string[], i: number, keys: Keys): Promise<{ id: string; token: string }> {
  const p = people[i % people.length]!;
  const at = (step: number) => nodes[(i + step) % nodes.length]!;
  const app = await json(at(0), 'POST', '/v1/applications', {
    kind: 'individual',
    template: 'individual',
    iin: p.iin,
  });
  const outbox = await json(at(0), 'GET', `/v1/dev/sms-outbox?iin=${p.iin}`);
  const code = outbox.messages.find((m: { kind: string }) => m.kind === 'otp').code;
  const s = await json(at(1), 'POST', `/v1/applications/${app.id}/otp/verification`, { code });
  const tok = s.token as string;
  await json(
    at(2),
    'POST',
    `/v1/applications/${app.id}/identification`,
    {
      selfie: IMG,
      liveness: { passed: true, score: 0.95 },
      pin: '4831',
      document: { type: p.document.type, frontImage: IMG, backImage: IMG },
    },
    tok,
  );
  await json(
    at(3),
    'POST',
    `/v1/applications/${app.id}/identification/confirmation`,
    { confirmed: true },
    tok,
  );
  await json(at(4), 'POST', `/v1/applications/${app.id}/consent`, { pin: '4831' }, tok);
  await json(
    at(5),
    'POST',
    `/v1/applications/${app.id}/agreement`,
    { version: '2025-01', accepted: true },
    tok,
  );
  await json(
    at(6),
    'POST',
    `/v1/applications/${app.id}/submission`,
    { keyStorage: 'PKCS12', csrs: keys.csrs },
    tok,
  );
  return { id: app.id, token: tok };
}

async function issueAndInstall(nodes: string[], i: number, app: { id: string; token: string }, keys: Keys) {
  const at = (step: number) => nodes[(i + step) % nodes.length]!;
  await json(at(7), 'POST', `/v1/applications/${app.id}/issuance`, undefined, app.token);
  await json(at(8), 'GET', `/v1/applications/${app.id}/certificates`, undefined, app.token);
  const ch = await json(
    at(9),
    'POST',
    `/v1/applications/${app.id}/installation-challenge`,
    undefined,
    app.token,
  );
  const proofs = [];
  for (const item of ch.items) {
    const k = item.purpose === 'auth' ? keys.auth : keys.sign;
    const sig = await signData(k.privateKey, new Uint8Array(Buffer.from(item.toBeSigned, 'base64')));
    proofs.push({ serialHex: item.serialHex, signature: Buffer.from(sig).toString('base64') });
  }
  const done = await json(
    at(10),
    'POST',
    `/v1/applications/${app.id}/installation`,
    { challengeId: ch.challengeId, proofs },
    app.token,
  );
  if (done.status !== 'installed') throw new Error(`not installed: ${done.status}`);
}

/** Runs `n` jobs on `c` workers (jobs in flight have nearby indices, so they use different people). */
async function pool(n: number, c: number, job: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: c }, async () => {
      for (let i = next++; i < n; i = next++) await job(i);
    }),
  );
}

interface Measured {
  e2e: number;
  issuance: number;
}

async function measure(nodes: string[], keys: Keys[]): Promise<Measured> {
  const conc = Math.min(CONCURRENCY, people.length - 1);
  let t = performance.now();
  await pool(N, conc, async (i) => {
    const app = await toSubmission(nodes, i, keys[i]!);
    await issueAndInstall(nodes, i, app, keys[i]!);
  });
  const e2e = N / ((performance.now() - t) / 1000);
  const prepared: Array<{ id: string; token: string }> = [];
  await pool(N, conc, async (i) => {
    prepared[i] = await toSubmission(nodes, N + i, keys[N + i]!);
  });
  t = performance.now();
  await pool(N, conc, async (i) => {
    await json(
      nodes[i % nodes.length]!,
      'POST',
      `/v1/applications/${prepared[i]!.id}/issuance`,
      undefined,
      prepared[i]!.token,
    );
  });
  const issuance = (2 * N) / ((performance.now() - t) / 1000);
  return { e2e, issuance };
}

async function main(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'kzpki-ca-scale-'));
  const databases: PgTestDatabase[] = [];
  try {
    const la = () =>
      loadavg()
        .map((l) => l.toFixed(2))
        .join(' ');
    console.log(`CA scale bench: ${cpus().length} CPU core(s), load average ${la()}`);
    // The RSA-4096 hierarchy, once (cached), in a SQLite store every run copies.
    let t = performance.now();
    const made = await startCa({ passphrase: PASSPHRASE, dataDir: cacheDir, port: 0, logError: () => {} });
    await made.close();
    console.log(
      `CA hierarchy ready in ${((performance.now() - t) / 1000).toFixed(1)} s (cached in ${cacheDir})`,
    );
    const pristine = caStorePath(cacheDir);

    console.log(
      `generating ${4 * N} client RSA-2048 keys and their requests (the client's work, not timed)...`,
    );
    const keys: Keys[] = [];
    for (let i = 0; i < 2 * N; i++) {
      const p = people[i % people.length]!;
      const subject = buildNcaSubject({
        surname: p.surname,
        givenName: p.givenName,
        patronymic: p.patronymic,
        iin: p.iin,
      });
      const auth = await generateKeyPair('RSA-2048');
      const sign = await generateKeyPair('RSA-2048');
      const csr = async (k: CryptoKeyPair, purpose: 'auth' | 'sign') =>
        toPem(await createCsr({ keys: k, subject, template: 'individual', purpose }), 'CERTIFICATE REQUEST');
      keys.push({ auth, sign, csrs: { auth: await csr(auth, 'auth'), sign: await csr(sign, 'sign') } });
    }

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
    // SQLite: a copy of the pristine store, one process.
    const sqliteDir = join(work, 'sqlite');
    mkdirSync(sqliteDir);
    copyFileSync(pristine, caStorePath(sqliteDir));
    rows.push([
      'SQLite, 1 CA process',
      await measure([await startNode(`sqlite:${caStorePath(sqliteDir)}`)], keys),
    ]);
    stopChildren();
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
      const nodes: string[] = [];
      for (let k = 0; k < count; k++) nodes.push(await startNode(db.url));
      rows.push([label, await measure(nodes, keys)]);
      stopChildren();
    }

    const header = ['store', 'applications/s end to end', 'certificates/s issuance over HTTP'];
    const table = rows.map(([label, r]) =>
      typeof r === 'string' ? [label, r, ''] : [label, r.e2e.toFixed(1), r.issuance.toFixed(1)],
    );
    const widths = header.map((h, i) => Math.max(h.length, ...table.map((row) => row[i]!.length)));
    const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
    const alg = m.issuing.privateKey.algorithm as RsaHashedKeyAlgorithm;
    console.log(
      `\nkzpki reference CA (issuing key ${alg.name} ${alg.modulusLength}), ${N} applications per run, ${Math.min(CONCURRENCY, people.length - 1)} at once`,
    );
    console.log(`${line(header)}\n|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
    for (const row of table) console.log(line(row));
    console.log(
      `\nissueCertificate in process with the RSA-4096 issuing key: ${sequential.toFixed(1)} signatures/s one at a time, ${parallel.toFixed(1)}/s four at once` +
        `\nbound of applications/s set by the CA's two signatures per application: ${(sequential / 2).toFixed(1)} (one at a time), ${(parallel / 2).toFixed(1)} (four at once)` +
        `\n${cpus().length} CPU core(s); load average after the run ${la()}; the client (its proof-of-possession signatures) and every CA process share these cores.`,
    );
  } finally {
    stopChildren();
    for (const d of databases) await d.drop().catch(() => {});
    rmSync(work, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(e);
    stopChildren();
    process.exit(1);
  },
);
