/**
 * The client side of the CA benchmarks (`scale.ts`, `profile.ts`): CA nodes as child processes
 * (`ca-node.ts`), the applicant's HTTP calls of one application, client keys made before any clock
 * starts, and a worker pool. Every HTTP call may be timed per step ({@link StepTimes}).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateIin } from '@kzpki/iin';
import { buildNcaSubject, createCsr, generateKeyPair, signData, toPem } from '@kzpki/pki';
import { type DemoData, loadDemoData } from '../src/index.js';

/** What a CA node reports about its store (`ca-node.ts`, over IPC). */
export interface NodeStats {
  /** Write transactions committed (each a change with its audit entry, or a rate-limit take). */
  transactions: number;
  /** Physical commits that waited for the disk (SQLite: fsyncs of the WAL; PostgreSQL: durable COMMITs). */
  durableCommits: number;
  /** CPU time of the node process so far (user and system, every thread). */
  cpuMs: number;
}

/** A running CA node. */
export interface CaNode {
  url: string;
  process: ChildProcess;
  /** The store counters of the node so far. */
  stats(): Promise<NodeStats>;
  /** Sends a message over IPC and waits for the node's answer (`ca-node.ts`). */
  ask(message: unknown): Promise<unknown>;
  /** SIGTERM and wait for the exit (a CPU profile, if asked for, is written then). */
  stop(): Promise<void>;
}

// biome-ignore lint/suspicious/noExplicitAny: the benchmark reads a few fields of each response
export type Json = any;

const appDir = fileURLToPath(new URL('..', import.meta.url));
const children: ChildProcess[] = [];

/** Kills every node still running (SIGKILL). */
export function killNodes(): void {
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

/**
 * Starts a CA node on `database` (`sqlite:<path>` or `postgres://...`). `env` is added to its
 * environment (e.g. `KZPKI_BENCH_SQLITE_SYNCHRONOUS`); `nodeArgs` go to node (e.g. `--cpu-prof`).
 */
export async function startNode(
  database: string,
  options: { env?: Record<string, string>; nodeArgs?: string[] } = {},
): Promise<CaNode> {
  const port = await freePort();
  const child = spawn(
    process.execPath,
    [...(options.nodeArgs ?? []), '--import', 'tsx', 'bench/ca-node.ts'],
    {
      cwd: appDir,
      env: {
        ...process.env,
        ...options.env,
        KZPKI_BENCH_DATABASE: database,
        KZPKI_BENCH_DEMO_DATA: demoDataFile(),
        KZPKI_BENCH_PORT: String(port),
      },
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    },
  );
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
  const ask = (message: unknown) =>
    new Promise<unknown>((resolve) => {
      child.once('message', resolve);
      child.send(message as string);
    });
  return {
    url: `http://127.0.0.1:${port}`,
    process: child,
    stats: () => ask('stats') as Promise<NodeStats>,
    ask,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/** Per-step wall times (ms) of the HTTP calls, by step name. */
export type StepTimes = Map<string, number[]>;

/**
 * The load generator's HTTP: `node:http` with keep-alive connections rather than `fetch`. It
 * shares the cores with the CA processes, and undici's `fetch` (streams, WHATWG objects) cost it
 * about twice the CPU per request (measured with `process.cpuUsage` over the same applications).
 */
const agent = new Agent({ keepAlive: true, maxSockets: 64 });

function send(
  base: string,
  method: string,
  path: string,
  body: string | undefined,
  token: string | undefined,
): Promise<{ status: number; text: string }> {
  const headers: Record<string, string> = {};
  if (body !== undefined) {
    headers['content-type'] = 'application/json';
    headers['content-length'] = String(Buffer.byteLength(body));
  }
  if (token) headers.authorization = `Bearer ${token}`;
  return new Promise((resolve, reject) => {
    const req = request(`${base}${path}`, { method, headers, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function json(
  times: StepTimes | undefined,
  step: string,
  base: string,
  method: string,
  path: string,
  body?: unknown,
  token?: string,
): Promise<Json> {
  const t = performance.now();
  const res = await send(base, method, path, body !== undefined ? JSON.stringify(body) : undefined, token);
  const out = JSON.parse(res.text);
  if (res.status < 200 || res.status > 299)
    throw new Error(`${method} ${path}: ${res.status} ${out.code} ${out.detail}`);
  if (times) {
    const list = times.get(step) ?? [];
    times.set(step, list);
    list.push(performance.now() - t);
  }
  return out;
}

/** Copies of each usable demo person the bench adds (see {@link benchDemoData}). */
const COPIES = 3;

/**
 * The demo data the bench's CA nodes run on: the bundled file's, plus {@link COPIES} copies of each
 * person an application can be started for, under new IINs (same birth date and sex, valid check
 * digit) and phone numbers. One application per person runs at a time (the bench reads each
 * one-time code from the outbox by IIN), so the copies let more applications run at once than the
 * thirteen demo people would. Deterministic (seeded), written by {@link startNode} for the child.
 */
export function benchDemoData(): DemoData {
  const demo = loadDemoData();
  const usable = demo.persons.filter(
    (p) => p.phone !== null && !p.presentedDocument && !p.testOnly && !p.faceMismatch,
  );
  const taken = new Set(demo.persons.map((p) => p.iin));
  const copies: DemoData['persons'] = [];
  let phone = 7_000_000;
  for (let k = 1; k <= COPIES; k++) {
    for (const p of usable) {
      let iin: string;
      let attempt = 0;
      do {
        iin = generateIin({ birthDate: p.birthDate, sex: p.sex, seed: `bench-${k}-${p.iin}-${attempt++}` });
      } while (taken.has(iin));
      taken.add(iin);
      copies.push({ ...p, iin, phone: `+7705${String(phone++).padStart(7, '0')}` });
    }
  }
  return { ...demo, persons: [...demo.persons, ...copies] };
}

const demo = benchDemoData();
/** The people an application can be started for (a phone, nothing that stops the flow). */
export const people = demo.persons.filter(
  (p) => p.phone !== null && !p.presentedDocument && !p.testOnly && !p.faceMismatch,
);
let demoFile: string | undefined;
/** {@link benchDemoData} in a file, for the CA nodes (written once per process). */
function demoDataFile(): string {
  if (demoFile === undefined) {
    const dir = mkdtempSync(join(tmpdir(), 'kzpki-bench-demo-'));
    demoFile = join(dir, 'demo.json');
    writeFileSync(demoFile, JSON.stringify(demo, null, 1), { mode: 0o600 });
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  }
  return demoFile;
}
const IMG = Buffer.from('simulated image').toString('base64');

/** A client's two key pairs and the requests made with them. */
export type Keys = { auth: CryptoKeyPair; sign: CryptoKeyPair; csrs: { auth: string; sign: string } };

/** `n` clients' keys and requests (RSA-2048), made before any clock starts: the client's work. */
export async function makeClientKeys(n: number): Promise<Keys[]> {
  const keys: Keys[] = [];
  for (let i = 0; i < n; i++) {
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
  return keys;
}

/** An application up to its submission. */
export interface Submitted {
  id: string;
  token: string;
}

/**
 * Application `i` (person `i mod people`) up to submission; its steps go to `nodes` in turn (the
 * one-time code is read from the outbox of the node that sent it).
 */
export async function toSubmission(
  nodes: string[],
  i: number,
  keys: Keys,
  times?: StepTimes,
): Promise<Submitted> {
  const p = people[i % people.length]!;
  const at = (step: number) => nodes[(i + step) % nodes.length]!;
  const app = await json(times, 'start', at(0), 'POST', '/v1/applications', {
    kind: 'individual',
    template: 'individual',
    iin: p.iin,
  });
  const outbox = await json(times, 'dev outbox', at(0), 'GET', `/v1/dev/sms-outbox?iin=${p.iin}`);
  const first = outbox.messages.find((m: { kind: string }) => m.kind === 'otp');
  const s = await json(times, 'otp', at(1), 'POST', `/v1/applications/${app.id}/otp/verification`, {
    code: first.code,
  });
  const tok = s.token as string;
  // Digital ID's phone page: the registered number (where the first code went), then its own code.
  await json(
    times,
    'digital-id phone',
    at(2),
    'POST',
    `/v1/applications/${app.id}/digital-id/phone`,
    { phone: first.to },
    tok,
  );
  const didOutbox = await json(times, 'dev outbox', at(2), 'GET', `/v1/dev/sms-outbox?iin=${p.iin}`);
  const didCode = didOutbox.messages.find(
    (m: { kind: string; text: string }) => m.kind === 'otp' && m.text.startsWith('Digital ID:'),
  ).code;
  await json(
    times,
    'digital-id code',
    at(3),
    'POST',
    `/v1/applications/${app.id}/digital-id/phone/verification`,
    { code: didCode },
    tok,
  );
  await json(
    times,
    'identification',
    at(4),
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
    times,
    'confirmation',
    at(5),
    'POST',
    `/v1/applications/${app.id}/identification/confirmation`,
    { confirmed: true },
    tok,
  );
  await json(times, 'consent', at(6), 'POST', `/v1/applications/${app.id}/consent`, { pin: '4831' }, tok);
  await json(
    times,
    'agreement',
    at(7),
    'POST',
    `/v1/applications/${app.id}/agreement`,
    { version: '2025-01', accepted: true },
    tok,
  );
  await json(
    times,
    'submission',
    at(8),
    'POST',
    `/v1/applications/${app.id}/submission`,
    { keyStorage: 'PKCS12', csrs: keys.csrs },
    tok,
  );
  return { id: app.id, token: tok };
}

/** Issuance, download and the proof-of-possession installation of a submitted application. */
export async function issueAndInstall(
  nodes: string[],
  i: number,
  app: Submitted,
  keys: Keys,
  times?: StepTimes,
): Promise<void> {
  const at = (step: number) => nodes[(i + step) % nodes.length]!;
  await issue(at(7), app, times);
  await json(
    times,
    'download',
    at(8),
    'GET',
    `/v1/applications/${app.id}/certificates`,
    undefined,
    app.token,
  );
  const ch = await json(
    times,
    'challenge',
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
    times,
    'installation',
    at(10),
    'POST',
    `/v1/applications/${app.id}/installation`,
    { challengeId: ch.challengeId, proofs },
    app.token,
  );
  if (done.status !== 'installed') throw new Error(`not installed: ${done.status}`);
}

/** The issuance call alone. */
export async function issue(node: string, app: Submitted, times?: StepTimes): Promise<void> {
  await json(times, 'issuance', node, 'POST', `/v1/applications/${app.id}/issuance`, undefined, app.token);
}

/** Runs `n` jobs on `c` workers (jobs in flight have nearby indices, so they use different people). */
export async function pool(n: number, c: number, job: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: c }, async () => {
      for (let i = next++; i < n; i = next++) await job(i);
    }),
  );
}
