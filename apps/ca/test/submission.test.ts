/**
 * Step 5 (the requests made on the client) and step 7 (issuance): request checks, key reuse,
 * idempotent retries that never issue twice.
 */
import { buildNcaSubject, createCsr, generateKeyPair, getCrypto, toPem } from '@kzpki/pki';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Applicant, expectProblem } from './support/flow.js';
import { startTestCa, type TestCa } from './support/harness.js';

let t: TestCa;
beforeAll(async () => {
  t = await startTestCa();
});
afterAll(async () => {
  expect(t.ca.specViolations).toEqual([]);
  await t.stop();
});

/** An applicant ready to submit. */
async function ready(template: 'individual' | 'employee' = 'individual'): Promise<Applicant> {
  const a =
    template === 'individual'
      ? new Applicant(t.url, 'individual', '850315300128')
      : new Applicant(t.url, 'employee', '911212307895', '150440000013');
  expect((await a.start()).status).toBe(201);
  expect((await a.verify()).status).toBe(200);
  await a.runIdentification();
  return a;
}

const pem = (der: Uint8Array) => toPem(der, 'CERTIFICATE REQUEST');

describe('certificate requests', () => {
  it("refuses a request naming someone else's IIN", async () => {
    const a = await ready();
    const csrs = await a.makeRequests('ECDSA-P256', { iin: '871008401427' });
    const r = await a.submit(csrs);
    expectProblem(r, 422, 'ERR_CSR_SUBJECT_MISMATCH');
    expect(r.body.detail).toMatch(/871008401427/);
  });

  it('refuses an e-mail in the request that differs from the form', async () => {
    const a = await ready();
    const csrs = await a.makeRequests('ECDSA-P256', { email: 'a.akhmetov@example.kz' });
    expectProblem(await a.submit(csrs, { email: 'someone@example.kz' }), 422, 'ERR_EMAIL_MISMATCH');
    expect((await a.submit(csrs, { email: 'A.Akhmetov@example.kz' })).status).toBe(200);
  });

  it("refuses a request with another person's name, or another BIN", async () => {
    const a = await ready();
    expectProblem(
      await a.submit(await a.makeRequests('ECDSA-P256', { givenName: 'ИВАН' })),
      422,
      'ERR_CSR_SUBJECT_MISMATCH',
    );
    const e = await ready('employee');
    expectProblem(
      await e.submit(
        await e.makeRequests('ECDSA-P256', { bin: '961141000023', organization: 'ТОО «KZPKI ДЕМО»' }),
      ),
      422,
      'ERR_CSR_SUBJECT_MISMATCH',
    );
  });

  it('refuses requests whose usages do not fit the template or the key purpose', async () => {
    const e = await ready('employee');
    const person = e.application.person;
    const subject = buildNcaSubject({ ...person, bin: '150440000013', organization: 'ТОО «KZPKI ДЕМО»' });
    const keys = [await generateKeyPair('ECDSA-P256'), await generateKeyPair('ECDSA-P256')];
    // An employee asking for the first-manager role.
    const escalate = {
      auth: pem(await createCsr({ keys: keys[0]!, subject, template: 'first-manager', purpose: 'auth' })),
      sign: pem(await createCsr({ keys: keys[1]!, subject, template: 'employee', purpose: 'sign' })),
    };
    expectProblem(await e.submit(escalate), 422, 'ERR_CSR_TEMPLATE_MISMATCH');
    // AUTH and SIGN swapped.
    const swapped = {
      auth: pem(await createCsr({ keys: keys[0]!, subject, template: 'employee', purpose: 'sign' })),
      sign: pem(await createCsr({ keys: keys[1]!, subject, template: 'employee', purpose: 'auth' })),
    };
    expectProblem(await e.submit(swapped), 422, 'ERR_CSR_TEMPLATE_MISMATCH');
    // One key for both certificates.
    const sameKey = {
      auth: pem(await createCsr({ keys: keys[0]!, subject, template: 'employee', purpose: 'auth' })),
      sign: pem(await createCsr({ keys: keys[0]!, subject, template: 'employee', purpose: 'sign' })),
    };
    expectProblem(await e.submit(sameKey), 422, 'ERR_CSR_KEY_REUSED');
  });

  it('refuses malformed, tampered and weak requests', async () => {
    const a = await ready();
    const good = await a.makeRequests('ECDSA-P256');
    expectProblem(
      await a.submit({ auth: 'bm90IGEgcmVxdWVzdCBhdCBhbGw=', sign: good.sign }),
      422,
      'ERR_CSR_INVALID',
    );
    // Flip one byte inside the subject: the signature no longer verifies.
    const der = Buffer.from(good.auth.replace(/-----[A-Z ]+-----|\s/g, ''), 'base64');
    const at = der.indexOf(Buffer.from('IIN850315300128'));
    der[at + 3] = '9'.charCodeAt(0);
    expect(at).toBeGreaterThan(0);
    expectProblem(
      await a.submit({ auth: pem(new Uint8Array(der)), sign: good.sign }),
      422,
      'ERR_CSR_SIGNATURE_INVALID',
    );
    // RSA-1024, made with WebCrypto directly (the toolkit refuses to generate it).
    const weak = (await getCrypto().subtle.generateKey(
      {
        name: 'RSASSA-PKCS1-v1_5',
        modulusLength: 1024,
        publicExponent: new Uint8Array([1, 0, 1]),
        hash: 'SHA-256',
      },
      true,
      ['sign', 'verify'],
    )) as CryptoKeyPair;
    const person = a.application.person;
    const subject = buildNcaSubject(person);
    const weakCsr = pem(await createCsr({ keys: weak, subject, template: 'individual', purpose: 'auth' }));
    expectProblem(await a.submit({ auth: weakCsr, sign: good.sign }), 422, 'ERR_KEY_TOO_WEAK');
  });

  it('gives a random 14-digit number (no check digit, as the NCA), never reusing a certified key', async () => {
    const a = await ready();
    const csrs = await a.makeRequests('ECDSA-P256');
    const r = await a.submit(csrs);
    expect(r.status).toBe(200);
    expect(r.body.number).toMatch(/^[1-9][0-9]{13}$/);
    expect((await a.issue()).status).toBe(200);
    const b = await ready();
    expectProblem(await b.submit(csrs), 422, 'ERR_CSR_KEY_REUSED');
  });
});

describe('idempotency', () => {
  it('a retried submission with the same key replays the first response', async () => {
    const a = await ready();
    const csrs = await a.makeRequests('ECDSA-P256');
    const first = await a.submit(csrs, {}, 'submit-key-0001');
    const again = await a.submit(csrs, {}, 'submit-key-0001');
    expect(again.status).toBe(200);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body.number).toBe(first.body.number);
    expectProblem(
      await a.submit(csrs, { email: 'x@example.kz' }, 'submit-key-0001'),
      422,
      'ERR_IDEMPOTENCY_KEY_REUSED',
    );
    expectProblem(await a.submit(csrs, {}, 'submit-key-0002'), 409, 'ERR_INVALID_TRANSITION');
  });

  it('issuance happens once: retries replay, concurrent calls never sign twice', async () => {
    const a = await ready();
    expect((await a.submit(await a.makeRequests('ECDSA-P256'))).status).toBe(200);
    const results = await Promise.all([
      a.issue(undefined, 'issue-0001'),
      a.issue(undefined, 'issue-0001'),
      a.issue(),
    ]);
    const ok = results.filter((r) => r.status === 200);
    expect(ok.length).toBeGreaterThanOrEqual(1);
    for (const r of results.filter((x) => x.status !== 200)) {
      expect(['ERR_IDEMPOTENCY_IN_PROGRESS', 'ERR_INVALID_TRANSITION']).toContain(r.body.code);
    }
    const serials = new Set(
      ok.flatMap((r) => r.body.certificates.map((c: { serialHex: string }) => c.serialHex)),
    );
    expect(serials.size).toBe(2);
    const replay = await a.issue(undefined, 'issue-0001');
    expect(replay.status).toBe(200);
    expect(replay.body.certificates.map((c: { serialHex: string }) => c.serialHex).sort()).toEqual(
      [...serials].sort(),
    );
    expectProblem(await a.issue(), 409, 'ERR_INVALID_TRANSITION');
    const app = await t.ca.context.store.getApplicationByNumber(a.number);
    expect(await t.ca.context.store.listCertificates({ applicationId: app!.id })).toHaveLength(2);
  });

  it('backdated validity needs test mode', async () => {
    const a = await ready();
    expect((await a.submit(await a.makeRequests('ECDSA-P256'))).status).toBe(200);
    const r = await a.issue({
      validity: { notBefore: '2023-01-01T00:00:00.000Z', notAfter: '2024-01-01T00:00:00.000Z' },
    });
    expectProblem(r, 422, 'ERR_TEST_MODE_REQUIRED');
  });
});
