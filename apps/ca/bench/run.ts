/**
 * Benchmark of the reference CA (`pnpm bench` in apps/ca):
 *  1. applications completed end to end per second over HTTP (start, OTP from the dev outbox,
 *     Digital ID's phone and second code, identification with scrypt PIN, consent, agreement,
 *     submission of two RSA-2048 requests, issuance of AUTH + SIGN by the RSA-4096 issuing CA, download, proof-of-possession
 *     installation), SQLite in WAL mode with synchronous=FULL (every commit durable);
 *  2. issuance alone over HTTP (applications prepared up to submission, only the issuance call
 *     timed), and the raw signing rate of `issueCertificate` with the same CA key.
 * Client keys are generated before the clock starts (key generation is the client's cost).
 * The CA hierarchy is generated once (RSA-4096, takes a while) and cached in
 * `$TMPDIR/kzpki-ca-bench`; pass `--fresh` to regenerate.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  buildNcaSubject,
  createCsr,
  generateKeyPair,
  issueCertificate,
  signData,
  templateProfile,
  toPem,
} from '@kzpki/pki';
import { DEFAULT_RATE_LIMITS, type RateLimitName, type RateLimitRule } from '../src/http/rate-limits.js';
import { loadDemoData, startCa } from '../src/index.js';

const args = new Set(process.argv.slice(2));
const N = Number(process.env.KZPKI_BENCH_APPS ?? 24);
const CONCURRENCY = Number(process.env.KZPKI_BENCH_CONCURRENCY ?? 4);
const dir = join(tmpdir(), 'kzpki-ca-bench');
if (args.has('--fresh')) rmSync(dir, { recursive: true, force: true });
mkdirSync(dir, { recursive: true });

const unlimited = Object.fromEntries(
  Object.keys(DEFAULT_RATE_LIMITS).map((k) => [k, { capacity: 1e9, refillPerSecond: 1e9 }]),
) as Record<RateLimitName, RateLimitRule>;

const t0 = performance.now();
const ca = await startCa({
  passphrase: 'bench-passphrase',
  dataDir: dir,
  config: { rateLimits: unlimited, sweepIntervalSeconds: 0 },
  logError: (m, e) => console.error(m, e),
});
console.log(`CA ready in ${((performance.now() - t0) / 1000).toFixed(1)} s (cached in ${dir})`);

const demo = loadDemoData();
const people = demo.persons.filter(
  (p) => p.phone !== null && !p.presentedDocument && !p.testOnly && !p.faceMismatch,
);
const base = ca.url;

// biome-ignore lint/suspicious/noExplicitAny: the benchmark reads a few fields of each response
type Json = any;

async function json(method: string, path: string, body?: unknown, token?: string): Promise<Json> {
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

const IMG = Buffer.from('simulated image').toString('base64');
/** A client's two key pairs and the requests made with them. */
type Keys = { auth: CryptoKeyPair; sign: CryptoKeyPair; csrs: { auth: string; sign: string } };

/** Runs application `i` (person `i mod people`) up to submission; returns what the rest needs. */
async function toSubmission(i: number, keys: Keys): Promise<{ id: string; token: string }> {
  const p = people[i % people.length]!;
  const app = await json('POST', '/v1/applications', {
    kind: 'individual',
    template: 'individual',
    iin: p.iin,
  });
  // The newest code for this person; applications of the same person run one at a time per slot.
  const outbox = await json('GET', `/v1/dev/sms-outbox?iin=${p.iin}`);
  const first = outbox.messages.find((m: { kind: string }) => m.kind === 'otp');
  const s = await json('POST', `/v1/applications/${app.id}/otp/verification`, { code: first.code });
  const tok = s.token as string;
  // Digital ID's phone page: the registered number (where the first code went), then its own code.
  await json('POST', `/v1/applications/${app.id}/digital-id/phone`, { phone: first.to }, tok);
  const didOutbox = await json('GET', `/v1/dev/sms-outbox?iin=${p.iin}`);
  const didCode = didOutbox.messages.find(
    (m: { kind: string; text: string }) => m.kind === 'otp' && m.text.startsWith('Digital ID:'),
  ).code;
  await json('POST', `/v1/applications/${app.id}/digital-id/phone/verification`, { code: didCode }, tok);
  await json(
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
  await json('POST', `/v1/applications/${app.id}/identification/confirmation`, { confirmed: true }, tok);
  await json('POST', `/v1/applications/${app.id}/consent`, { pin: '4831' }, tok);
  await json('POST', `/v1/applications/${app.id}/agreement`, { version: '2025-01', accepted: true }, tok);
  await json('POST', `/v1/applications/${app.id}/submission`, { keyStorage: 'PKCS12', csrs: keys.csrs }, tok);
  return { id: app.id, token: tok };
}

async function issueAndInstall(app: { id: string; token: string }, keys: Keys): Promise<void> {
  await json('POST', `/v1/applications/${app.id}/issuance`, undefined, app.token);
  await json('GET', `/v1/applications/${app.id}/certificates`, undefined, app.token);
  const ch = await json('POST', `/v1/applications/${app.id}/installation-challenge`, undefined, app.token);
  const proofs = [];
  for (const item of ch.items) {
    const k = item.purpose === 'auth' ? keys.auth : keys.sign;
    const sig = await signData(k.privateKey, new Uint8Array(Buffer.from(item.toBeSigned, 'base64')));
    proofs.push({ serialHex: item.serialHex, signature: Buffer.from(sig).toString('base64') });
  }
  const done = await json(
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

console.log(`generating ${4 * N} client RSA-2048 keys and their requests (the client's work, not timed)...`);
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
// At most one application per person at a time (the outbox is read per IIN).
const conc = Math.min(CONCURRENCY, people.length);

let t = performance.now();
await pool(N, conc, async (i) => {
  const app = await toSubmission(i, keys[i]!);
  await issueAndInstall(app, keys[i]!);
});
const e2e = N / ((performance.now() - t) / 1000);

const prepared: Array<{ id: string; token: string }> = [];
await pool(N, conc, async (i) => {
  prepared[i] = await toSubmission(N + i, keys[N + i]!);
});
t = performance.now();
await pool(N, conc, async (i) => {
  await json('POST', `/v1/applications/${prepared[i]!.id}/issuance`, undefined, prepared[i]!.token);
});
const issuanceHttp = (2 * N) / ((performance.now() - t) / 1000);

const m = ca.context.material;
const subject = buildNcaSubject({ surname: 'ТЕСТОВ', givenName: 'ТЕСТ', iin: '850315300128' });
const pub = keys[0]!.auth.publicKey;
const RAW = 100;
t = performance.now();
for (let i = 0; i < RAW; i++) {
  await issueCertificate({
    publicKey: pub,
    subject,
    profile: templateProfile('individual', 'auth'),
    issuer: m.issuing.certificate,
    issuerKey: m.issuing.privateKey,
  });
}
const raw = RAW / ((performance.now() - t) / 1000);
const issuerAlg = `${(m.issuing.privateKey.algorithm as RsaHashedKeyAlgorithm).name}-${(m.issuing.privateKey.algorithm as RsaHashedKeyAlgorithm).modulusLength ?? ''}`;

console.log('');
console.log(
  `kzpki reference CA benchmark (issuing CA key ${issuerAlg}, ${N} applications, concurrency ${conc})`,
);
console.log(
  `  end-to-end applications over HTTP  ${e2e.toFixed(1).padStart(8)} applications/s (2 certificates each)`,
);
console.log(`  issuance step over HTTP            ${issuanceHttp.toFixed(1).padStart(8)} certificates/s`);
console.log(`  issueCertificate in process        ${raw.toFixed(1).padStart(8)} certificates/s`);
await ca.close();
