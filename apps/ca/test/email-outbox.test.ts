/**
 * E-mail notifications (issue 13: "e-mail given in the form receives notifications") and the dev
 * outbox in the store: an application with an e-mail gets the submitted, approval and issued
 * notices on `/v1/dev/email-outbox` (newest first, never a one-time code); one without an e-mail
 * gets none; the messages are rows of the store's `dev_outbox`, SMS and e-mail alike. Without dev
 * mode both outbox routes are 404 and nothing is written to the store.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDemoData } from '../src/index.js';
import { call } from './support/api.js';
import {
  Applicant,
  cabinetToken,
  decideWith,
  expectProblem,
  latestOtp,
  obtainCertificates,
} from './support/flow.js';
import { startTestCa, type TestCa } from './support/harness.js';

const ORG1 = '150440000013';

interface Email {
  id: number;
  from: string;
  to: string;
  subject: string;
  text: string;
  iin?: string;
  sentAt: string;
}

async function emails(base: string, query: string): Promise<Email[]> {
  const r = await call(base, 'GET', `/v1/dev/email-outbox?${query}`);
  expect(r.status).toBe(200);
  return r.body.messages as Email[];
}

/** Steps 1-5 with `email` in the form (none in the requests). */
async function submitWith(a: Applicant, email?: string): Promise<void> {
  expect((await a.start()).status).toBe(201);
  expect((await a.verify()).status).toBe(200);
  await a.confirmDigitalIdPhone();
  // The document type the registry has for the person (some demo people hold a passport).
  const person = loadDemoData().persons.find((x) => x.iin === a.iin)!;
  const identified = await a.identify({
    document: { type: person.document.type, frontImage: 'AAAA', backImage: 'AAAA' },
  });
  expect(identified.status, JSON.stringify(identified.body)).toBe(200);
  expect((await a.confirm()).body.status).toBe('identified');
  expect((await a.consent()).status).toBe(200);
  expect((await a.agree()).status).toBe(200);
  const r = await a.submit(await a.makeRequests('ECDSA-P256'), email !== undefined ? { email } : {});
  expect(r.status, JSON.stringify(r.body)).toBe(200);
}

describe('e-mail notifications in dev mode', () => {
  let t: TestCa;
  beforeAll(async () => {
    t = await startTestCa();
  }, 120_000);
  afterAll(async () => {
    await t?.stop();
  });

  it('sends an individual with an e-mail the submitted and issued notices, and no code', async () => {
    const a = new Applicant(t.url, 'individual', '850315300128');
    await submitWith(a, 'tester@example.kz');
    expect((await a.issue()).status).toBe(200);
    const got = await emails(t.url, 'iin=850315300128');
    expect(got.map((m) => m.subject)).toEqual([
      expect.stringContaining(`сертификаты по заявке ${a.number} выпущены`),
      expect.stringContaining(`заявка ${a.number} принята`),
    ]);
    for (const m of got) {
      expect(m).toMatchObject({
        to: 'tester@example.kz',
        iin: '850315300128',
        from: 'noreply@pki.kzpki.test',
      });
    }
    expect(got[0]!.id).toBeGreaterThan(got[1]!.id);
    const code = await latestOtp(t.url, a.iin);
    expect(got.some((m) => m.text.includes(code))).toBe(false);
    expect((await emails(t.url, 'email=tester@example.kz')).map((m) => m.id)).toEqual(got.map((m) => m.id));
    expect(await emails(t.url, 'email=nobody@example.kz')).toEqual([]);
    // Rows of the store's outbox, beside the SMS ones.
    const stored = await t.ca.context.store.listDevOutbox({ iin: a.iin, channel: 'email', limit: 10 });
    expect(stored.map((m) => m.id)).toEqual(got.map((m) => m.id));
    const sms = await t.ca.context.store.listDevOutbox({ channel: 'sms', limit: 1000 });
    expect(sms.some((m) => m.kind === 'otp' && m.code === code)).toBe(true);
  });

  it('sends nothing by e-mail for an application without an e-mail', async () => {
    const a = new Applicant(t.url, 'individual', '871008401427');
    await submitWith(a);
    expect((await a.issue()).status).toBe(200);
    expect(await emails(t.url, 'iin=871008401427')).toEqual([]);
    expect(await t.ca.context.store.listDevOutbox({ iin: a.iin, channel: 'email', limit: 10 })).toEqual([]);
  });

  it("tells an employee with an e-mail of the first manager's approval", async () => {
    const manager = await obtainCertificates(new Applicant(t.url, 'first-manager', '780203403451', ORG1));
    const session = await cabinetToken(manager);
    const e = new Applicant(t.url, 'employee', '911212307895', ORG1);
    await submitWith(e, 'employee@example.kz');
    expect(e.application.status).toBe('awaiting-approval');
    const d = await decideWith(
      t.url,
      session,
      e.number,
      'approve',
      manager.sign!.pem!,
      manager.sign!.keys.privateKey,
    );
    expect(d.status).toBe(200);
    expect((await e.issue()).status).toBe(200);
    const got = await emails(t.url, 'iin=911212307895');
    expect(got.map((m) => m.subject)).toEqual([
      expect.stringContaining('выпущены'),
      expect.stringContaining(`заявка ${e.number} подтверждена`),
      expect.stringContaining(`заявка ${e.number} принята`),
    ]);
    expect(got.every((m) => m.to === 'employee@example.kz')).toBe(true);
    // The first manager gave no e-mail.
    expect(await emails(t.url, 'iin=780203403451')).toEqual([]);
  });
});

describe('without dev mode', () => {
  let t: TestCa;
  beforeAll(async () => {
    t = await startTestCa({ devMode: false });
  }, 120_000);
  afterAll(async () => {
    await t?.stop();
  });

  it('answers 404 on both outboxes and keeps no message in the store', async () => {
    const a = new Applicant(t.url, 'individual', '850315300128');
    expect((await a.start()).status).toBe(201);
    expectProblem(await call(t.url, 'GET', '/v1/dev/email-outbox?iin=850315300128'), 404, 'ERR_NOT_FOUND');
    expectProblem(await call(t.url, 'GET', '/v1/dev/sms-outbox?iin=850315300128'), 404, 'ERR_NOT_FOUND');
    expect(await t.ca.context.store.listDevOutbox({ limit: 10 })).toEqual([]);
  });
});
