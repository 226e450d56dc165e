/**
 * Two CA servers on one PostgreSQL database (in this process, as two nodes behind a load
 * balancer would be): started at once on an empty database, they create one hierarchy; an
 * applicant's steps alternate between them (the session, the one-time code's attempts, the
 * Idempotency-Key of the issuance and the rate limits are in the database, so every node sees
 * the same, and so is the dev SMS outbox); a revocation on one is in the CRL whichever node
 * published it.
 * Skipped, with the reason, when PostgreSQL is not reachable (never in CI).
 */
import { createPgTestDatabase, type PgTestDatabase, postgresForTests } from '@kzpki/ca-store/testing';
import { parseCrl } from '@kzpki/pki';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDemoData, type RunningCa, startCa } from '../src/index.js';
import { call } from './support/api.js';
import { Applicant, expectProblem, latestOtp } from './support/flow.js';
import { RELAXED_LIMITS } from './support/harness.js';

const pgProbe = await postgresForTests('CA on two nodes');
let db: PgTestDatabase;
let a: RunningCa;
let b: RunningCa;

/** An applicant whose next calls go to `base`. */
function on<T extends Applicant>(applicant: T, base: string): T {
  (applicant as { base: string }).base = base;
  return applicant;
}

beforeAll(async () => {
  if (!pgProbe.available) return;
  db = await createPgTestDatabase();
  // Each node makes its own simulated registries and SMS gateway (as separate processes would); in
  // dev mode the gateway's outbox is in the database, so a code sent by one node shows on the other.
  const node = () =>
    startCa({
      passphrase: 'two-nodes-passphrase',
      statusPassphrase: 'two-nodes-status-passphrase',
      database: db.url,
      config: {
        rateLimits: { ...RELAXED_LIMITS, statusLookupPerIp: { capacity: 4, refillPerSecond: 1e-6 } },
        sweepIntervalSeconds: 0,
      },
      init: { keyAlgorithms: { root: 'RSA-2048', issuing: 'RSA-2048' } },
      crl: { pollIntervalMs: 200, debounceMs: 100 },
      validateResponses: true,
      logError: () => {},
    });
  [a, b] = await Promise.all([node(), node()]);
}, 180_000);

afterAll(async () => {
  await a?.close();
  await b?.close();
  await db?.drop();
});

describe.skipIf(!pgProbe.available)('two CA nodes on one PostgreSQL database', () => {
  it('created one hierarchy, whichever node came first', () => {
    expect(Buffer.from(a.context.material.issuing.certificate)).toEqual(
      Buffer.from(b.context.material.issuing.certificate),
    );
    expect(a.context.store.nodeId).not.toBe(b.context.store.nodeId);
  });

  it('counts wrong one-time codes across nodes, and an applicant session works on both', async () => {
    const p = on(new Applicant(a.url, 'individual', '850315300128'), a.url);
    expect((await p.start()).status).toBe(201);
    // The code node a sent, read from node b's dev outbox: one outbox in the database.
    const code = await latestOtp(b.url, p.iin);
    expect(await latestOtp(a.url, p.iin)).toBe(code);
    const wrong = String((Number(code) + 1) % 1_000_000).padStart(code.length, '0');
    const left: number[] = [];
    for (const node of [b, a]) {
      const r = await call(node.url, 'POST', `/v1/applications/${p.id}/otp/verification`, {
        body: { code: wrong },
      });
      expectProblem(r, 422, 'ERR_OTP_INVALID');
      left.push(r.body.attemptsLeft);
    }
    expect(left).toEqual([2, 1]);
    const ok = await on(p, b.url).verify(code);
    expect(ok.status).toBe(200);
    expect((await on(p, a.url).get()).status).toBe(200);
    expect((await on(p, b.url).get()).status).toBe(200);
  });

  it('issues once for one Idempotency-Key, whichever node gets the retry', async () => {
    const p = new Applicant(a.url, 'individual', '871008401427');
    expect((await on(p, a.url).start()).status).toBe(201);
    expect((await on(p, b.url).verify(await latestOtp(a.url, p.iin))).status).toBe(200);
    // Digital ID's phone on one node, its code on the other.
    expect((await on(p, a.url).digitalIdPhone()).status).toBe(200);
    expect((await on(p, b.url).verifyDigitalIdPhone()).status).toBe(200);
    const person = loadDemoData().persons.find((x) => x.iin === p.iin)!;
    const identified = await on(p, a.url).identify({
      document: { type: person.document.type, frontImage: 'AAAA', backImage: 'AAAA' },
    });
    expect(identified.status, JSON.stringify(identified.body)).toBe(200);
    expect((await on(p, b.url).confirm()).body.status).toBe('identified');
    expect((await on(p, a.url).consent()).status).toBe(200);
    expect((await on(p, b.url).agree()).status).toBe(200);
    expect((await on(p, a.url).submit()).status).toBe(200);
    const key = 'two-nodes-issuance-1';
    const first = await on(p, b.url).issue({}, key);
    expect(first.status).toBe(200);
    const replay = await on(p, a.url).issue({}, key);
    expect(replay.status).toBe(200);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(replay.body.certificates.map((c: { serialHex: string }) => c.serialHex)).toEqual(
      first.body.certificates.map((c: { serialHex: string }) => c.serialHex),
    );
    expectProblem(await on(p, a.url).issue({}, 'two-nodes-issuance-2'), 409, 'ERR_INVALID_TRANSITION');
    const certificates = await a.context.store.listCertificates({ applicationId: p.id });
    expect(certificates).toHaveLength(2);

    // A revocation through one node is in the CRLs, whichever node published them.
    const serial = first.body.certificates[0].serialHex as string;
    const revocation = await b.context.store.changeCertificateStatus({
      issuerSkiHex: b.context.material.issuing.skiHex,
      serialHex: serial,
      change: 'revoked',
      at: new Date(),
      reason: 'keyCompromise',
      audit: { actor: 'test', action: 'certificate.revoked', entity: `certificate:${serial}` },
    });
    expect(revocation?.status).toBe('revoked');
    const deadline = Date.now() + 20_000;
    let listed = false;
    while (!listed && Date.now() < deadline) {
      const full = await a.context.store.getPublishedCrl(a.context.material.issuing.skiHex, 'full');
      listed = !!full && parseCrl(full.der).entries.some((e) => e.serialHex === serial);
      if (!listed) await new Promise((r) => setTimeout(r, 200));
    }
    expect(listed).toBe(true);
  });

  it('counts rate limits across nodes', async () => {
    // statusLookupPerIp holds 4 tokens for 127.0.0.1 and never refills here: 4 lookups in all, on
    // whichever node (with counters in each process's memory, each node would allow 4).
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) {
      const node = i % 2 ? a : b;
      statuses.push((await call(node.url, 'GET', '/v1/application-status/27888601100404')).status);
    }
    expect(statuses.slice(0, 4).every((s) => s !== 429)).toBe(true);
    expect(statuses.slice(4)).toEqual([429, 429, 429, 429]);
  });
});
