/**
 * Security hardening of the reference CA (issue 10), one describe block per finding; each test
 * failed before its fix.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call } from './support/api.js';
import { Applicant, cabinetToken, expectProblem, obtainCertificates } from './support/flow.js';
import { startTestCa, type TestCa } from './support/harness.js';

const DAY = 86_400_000;
const iso = (ms: number): string => new Date(ms).toISOString();

describe('#10 test-mode validity and invalidityDate are bounded', () => {
  let t: TestCa;
  beforeAll(async () => {
    t = await startTestCa({ testMode: true });
  });
  afterAll(async () => {
    expect(t.ca.specViolations).toEqual([]);
    await t.stop();
  });

  it('refuses validity before the issuing CA, starting in the future, or longer than the CA issues', async () => {
    const issuing = t.ca.context.material.issuing;
    const start = issuing.notBefore.getTime();
    const cases: Array<[string, number, number, RegExp]> = [
      ['1970', 0, 365 * DAY, /before the issuing CA/],
      ['a day before the CA', start - DAY, start + 300 * DAY, /before the issuing CA/],
      ['future', Date.now() + DAY, Date.now() + 30 * DAY, /future/],
      ['ten years', start, start + 3650 * DAY, /at most 365 days/],
    ];
    for (const [label, from, until, message] of cases) {
      const a = new Applicant(t.url, 'individual', '123456789012');
      expect((await a.runToSubmission('ECDSA-P256')).status, label).toBe(200);
      const r = await a.issue({ validity: { notBefore: iso(from), notAfter: iso(until) } });
      expectProblem(r, 422, 'ERR_VALIDITY_INVALID');
      expect(r.body.detail, label).toMatch(message);
      // Within the bounds the same application is issued.
      expect(
        (await a.issue({ validity: { notBefore: iso(start), notAfter: iso(start + DAY) } })).status,
      ).toBe(200);
    }
  });

  it('refuses an invalidityDate before the certificate existed (1970) or in the future', async () => {
    const a = await obtainCertificates(new Applicant(t.url, 'individual', '123456789012'));
    const token = await cabinetToken(a);
    const serial = a.sign!.serialHex!;
    const revoke = (invalidityDate: string) =>
      call(t.url, 'POST', `/v1/cabinet/certificates/${serial}/revocation`, {
        token,
        body: { reason: 'keyCompromise', invalidityDate },
      });
    expectProblem(await revoke('1970-01-01T00:00:00.000Z'), 422, 'ERR_VALIDITY_INVALID');
    expectProblem(await revoke(iso(Date.now() + DAY)), 422, 'ERR_VALIDITY_INVALID');
    const r = await revoke(iso(Date.now() - 1000));
    expect(r.status).toBe(200);
    expect(r.body.status).toBe('revoked');
  });
});
