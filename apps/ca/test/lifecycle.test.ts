/**
 * Expiry of unfinished applications, test mode (NCA test identifiers, backdated validity), rate
 * limits, dev-mode gating and the public endpoints.
 */
import { inspectCertificate, parseCertificate } from '@kzpki/pki';
import { hasNcaFixtures, readNcaFixture } from '@kzpki/test-fixtures';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateApplicationNumber } from '../src/crypto/application-number.js';
import { call } from './support/api.js';
import { Applicant, certificateLogin, expectProblem, latestOtp, obtainCertificates } from './support/flow.js';
import { RELAXED_LIMITS, startTestCa, type TestCa } from './support/harness.js';

describe('expiry of unfinished applications', () => {
  let t: TestCa;
  beforeAll(async () => {
    t = await startTestCa({ applicationTtlDays: 2 });
  });
  afterAll(async () => {
    expect(t.ca.specViolations).toEqual([]);
    await t.stop();
  });

  it('expires after the configured time, on access and by the sweep; finished ones stay', async () => {
    const early = new Applicant(t.url, 'individual', '850315300128');
    await early.start();
    const submitted = new Applicant(t.url, 'individual', '880612304567');
    expect((await submitted.runToSubmission('ECDSA-P256')).body.status).toBe('submitted');
    const done = await obtainCertificates(new Applicant(t.url, 'individual', '061211600012'));
    const code = await latestOtp(t.url, early.iin);
    t.clock.advance(2 * 86_400 + 1);
    // On access.
    expectProblem(await early.verify(code), 410, 'ERR_APPLICATION_EXPIRED');
    // By the sweep: the submitted one (its session also ended with it). Before the sweep, the
    // status-service view already reads expired.
    expectProblem(await submitted.issue(), 401, 'ERR_UNAUTHORIZED');
    const view = await t.ca.context.store.getApplicationStatus(submitted.number);
    expect(view?.application.status).toBe('expired');
    expect(view?.history.at(-1)?.status).toBe('expired');
    const op = t.ca.context.material.operator;
    const operator = (await certificateLogin(t.url, 'operator', op.pem, op.privateKey)).body.token;
    const sweep = await call(t.url, 'POST', '/v1/operator/expiry-sweep', { token: operator });
    expect(sweep.body.expired).toBe(1);
    const status = await call(t.url, 'GET', `/v1/application-status/${submitted.number}`);
    expect(status.body.application.status).toBe('expired');
    expect(status.body.application.statusText.ru).toBe('Срок действия заявки истёк');
    const finished = await call(t.url, 'GET', `/v1/application-status/${done.number}`);
    expect(finished.body.application.status).toBe('installed');
  });
});

describe('test mode', () => {
  let t: TestCa;
  beforeAll(async () => {
    t = await startTestCa({ testMode: true });
  });
  afterAll(async () => {
    expect(t.ca.specViolations).toEqual([]);
    await t.stop();
  });

  it('accepts the NCA test identifiers and backdates validity for "expired" test certificates', async () => {
    const health = await call(t.url, 'GET', '/v1/health');
    expect(health.body.testMode).toBe(true);
    const a = new Applicant(t.url, 'first-manager', '123456789011', '123456789021');
    expect((await a.runToSubmission('ECDSA-P256')).body.status).toBe('submitted');
    // An expired pair within the issuing CA's validity (new CAs are backdated for this).
    const day = 86_400_000;
    const from = new Date(t.ca.context.material.issuing.notBefore.getTime() + day);
    const until = new Date(from.getTime() + 365 * day);
    expect(until.getTime()).toBeLessThan(Date.now());
    const r = await a.issue({ validity: { notBefore: from.toISOString(), notAfter: until.toISOString() } });
    expect(r.status).toBe(200);
    const info = inspectCertificate(r.body.certificates[0].pem);
    expect(info.iin).toBe('123456789011');
    expect(info.bin).toBe('123456789021');
    expect(info.notAfter).toBe(until.toISOString());
    expect(info.roles).toContain('first-manager');
  });

  it('still refuses a reversed validity', async () => {
    const a = new Applicant(t.url, 'individual', '123456789012');
    expect((await a.runToSubmission('ECDSA-P256')).status).toBe(200);
    const r = await a.issue({
      validity: { notBefore: '2024-01-01T00:00:00.000Z', notAfter: '2023-01-01T00:00:00.000Z' },
    });
    expectProblem(r, 422, 'ERR_VALIDITY_INVALID');
  });
});

describe('rate limits and dev mode', () => {
  let t: TestCa;
  beforeAll(async () => {
    t = await startTestCa({
      devMode: false,
      rateLimits: {
        ...RELAXED_LIMITS,
        statusLookupPerIp: { capacity: 3, refillPerSecond: 0.01 },
        otpSendPerIin: { capacity: 2, refillPerSecond: 0.001 },
        loginPerIp: { capacity: 2, refillPerSecond: 0.001 },
      },
    });
  });
  afterAll(async () => {
    expect(t.ca.specViolations).toEqual([]);
    await t.stop();
  });

  it('limits application-number lookups per client', async () => {
    const n = generateApplicationNumber();
    for (let i = 0; i < 3; i++)
      expectProblem(await call(t.url, 'GET', `/v1/application-status/${n}`), 404, 'ERR_NOT_FOUND');
    const r = await call(t.url, 'GET', `/v1/application-status/${n}`);
    expectProblem(r, 429, 'ERR_RATE_LIMITED');
    expect(Number(r.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('limits codes sent per IIN and logins per client', async () => {
    const body = { kind: 'individual', template: 'individual', iin: '850315300128' };
    expect((await call(t.url, 'POST', '/v1/applications', { body })).status).toBe(201);
    expect((await call(t.url, 'POST', '/v1/applications', { body })).status).toBe(201);
    expectProblem(await call(t.url, 'POST', '/v1/applications', { body }), 429, 'ERR_RATE_LIMITED');
    for (let i = 0; i < 2; i++)
      expect(
        (await call(t.url, 'POST', '/v1/auth/challenges', { body: { audience: 'cabinet' } })).status,
      ).toBe(201);
    expectProblem(
      await call(t.url, 'POST', '/v1/auth/challenges', { body: { audience: 'cabinet' } }),
      429,
      'ERR_RATE_LIMITED',
    );
  });

  it('has no dev endpoints outside dev mode', async () => {
    expectProblem(await call(t.url, 'GET', '/v1/dev/sms-outbox?iin=850315300128'), 404, 'ERR_NOT_FOUND');
    expectProblem(
      await call(t.url, 'POST', '/v1/dev/mobile-registrations', {
        body: { iin: '940615400124', phone: '+77771234567' },
      }),
      404,
      'ERR_NOT_FOUND',
    );
  });
});

describe('public endpoints', () => {
  let t: TestCa;
  beforeAll(async () => {
    t = await startTestCa();
  });
  afterAll(async () => {
    expect(t.ca.specViolations).toEqual([]);
    await t.stop();
  });

  it('lists the CA hierarchy, clearly a test CA', async () => {
    const r = await call(t.url, 'GET', '/v1/ca/certificates');
    expect(r.body.certificates.map((c: { name: string }) => c.name)).toEqual([
      'root',
      'issuing',
      'ocsp-responder',
      'gost-root',
      'gost-issuing',
      'gost-ocsp-responder',
    ]);
    const [root, issuing, ocsp, gostRoot, gostIssuing, gostOcsp] = r.body.certificates.map(
      (c: { pem: string }) => inspectCertificate(c.pem),
    );
    // The GOST hierarchy beside it (the NCA's TEST-2022 GOST chain's layout: no path length).
    for (const c of [gostRoot, gostIssuing, gostOcsp]) expect(c.keyAlgorithm).toBe('GOST-2015-512');
    expect(gostRoot.subject.fields.CN).toBe('KZPKI TEST ROOT CA (GOST 2015)');
    expect(gostIssuing.isCa).toBe(true);
    expect(gostIssuing.pathLength).toBeUndefined();
    expect(gostIssuing.crlUrls).toEqual(['http://127.0.0.1:8081/crl/kzpki-test-root-gost.crl']);
    expect(gostOcsp.ocspNoCheck).toBe(true);
    expect(r.body.certificates.map((c: { fileName: string }) => c.fileName)).toContain(
      'kzpki-test-issuing-gost.crt',
    );
    expect(root.subject.fields.CN).toBe('KZPKI TEST ROOT CA (RSA)');
    expect(root.isCa).toBe(true);
    expect(issuing.isCa).toBe(true);
    expect(issuing.pathLength).toBeUndefined();
    expect(issuing.crlUrls).toEqual(['http://127.0.0.1:8081/crl/kzpki-test-root-rsa.crl']);
    expect(ocsp.ocspNoCheck).toBe(true);
    expect(ocsp.extKeyUsage).toEqual(['1.3.6.1.5.5.7.3.9']);
    for (const c of r.body.certificates) expect(c.subject).toMatch(/KZPKI TEST/);
  });

  it("lays the CA certificates out as the NCA's TEST CAs: its DN attribute set and order (TEST in the CN), AKI with the issuer's issuer and serial, no path length", async () => {
    const r = await call(t.url, 'GET', '/v1/ca/certificates');
    const byName = new Map<string, string>(
      r.body.certificates.map((c: { name: string; pem: string }) => [c.name, c.pem]),
    );
    /** Each RDN as `<type>/<ASN.1 string tag>`, in encoding order. */
    const nameLayout = (input: string | Uint8Array, side: 'subject' | 'issuer') =>
      parseCertificate(input)[side].typesAndValues.map((tv) => `${tv.type}/${tv.value.idBlock.tagNumber}`);
    const CN = '2.5.4.3/12'; // UTF8String
    const C = '2.5.4.6/19'; // PrintableString
    // The NCA's: the roots and the GOST issuing CA CN, C; ҰКО 3.0 (RSA TEST) C, CN. No O.
    const cases = [
      ['root', [CN, C], 'ca-test/root_rsa_test.pem'],
      ['issuing', [C, CN], 'ca-test/nca_rsa_test.crt'],
      ['gost-root', [CN, C], 'ca-test/root_test_gost_2022.cer'],
      ['gost-issuing', [CN, C], 'ca-test/nca_gost2022_test.cer'],
    ] as const;
    for (const [name, layout, fixture] of cases) {
      const pem = byName.get(name) as string;
      expect(nameLayout(pem, 'subject'), name).toEqual(layout);
      if (hasNcaFixtures()) expect(layout).toEqual(nameLayout(readNcaFixture(fixture), 'subject'));
      const info = inspectCertificate(pem);
      expect(info.subject.fields.CN).toMatch(/TEST/);
      expect(info.subject.fields.O).toBeUndefined();
      // No path length, as the NCA's CA certificates.
      expect(info.isCa).toBe(true);
      expect(info.pathLength, name).toBeUndefined();
    }
    // authorityKeyIdentifier: the issuer's SKI, the issuer's issuer Name and the issuer's serial.
    for (const [child, parent] of [
      ['root', 'root'],
      ['issuing', 'root'],
      ['gost-root', 'gost-root'],
      ['gost-issuing', 'gost-root'],
    ] as const) {
      const cert = parseCertificate(byName.get(child) as string);
      const issuer = parseCertificate(byName.get(parent) as string);
      const aki = cert.extensions?.find((e) => e.extnID === '2.5.29.35')?.parsedValue as {
        keyIdentifier?: { valueBlock: { valueHexView: Uint8Array } };
        authorityCertIssuer?: { type: number; value: { toSchema(): { toBER(): ArrayBuffer } } }[];
        authorityCertSerialNumber?: { valueBlock: { valueHexView: Uint8Array } };
      };
      const hex = (b: ArrayBuffer | Uint8Array) => Buffer.from(b as Uint8Array).toString('hex');
      expect(hex(aki.keyIdentifier!.valueBlock.valueHexView), child).toBe(
        inspectCertificate(issuer).subjectKeyId,
      );
      expect(
        aki.authorityCertIssuer?.map((g) => g.type),
        child,
      ).toEqual([4]);
      expect(hex(aki.authorityCertIssuer![0]!.value.toSchema().toBER()), child).toBe(
        hex(issuer.issuer.toSchema().toBER()),
      );
      expect(hex(aki.authorityCertSerialNumber!.valueBlock.valueHexView), child).toBe(
        hex(issuer.serialNumber.valueBlock.valueHexView),
      );
    }
  });

  it('lists the templates with their approvers', async () => {
    const r = await call(t.url, 'GET', '/v1/templates');
    const byName = Object.fromEntries(r.body.templates.map((x: { name: string }) => [x.name, x]));
    expect(Object.keys(byName)).toEqual([
      'individual',
      'first-manager',
      'signer',
      'finance',
      'hr',
      'employee',
      'treasury',
    ]);
    expect(byName['first-manager'].requiresApproval).toBe(false);
    expect(byName.employee.approverRoles).toEqual(['first-manager', 'signer']);
    expect(byName.treasury.title.ru).toBe('Участник ИС Казначейство-Клиент');
  });

  it('looks up any 14-digit application number (no check digit, as the NCA): unknown is 404', async () => {
    // The real number of seed 001's screenshot, which a check digit used to refuse with 400.
    expectProblem(await call(t.url, 'GET', '/v1/application-status/73717378150611'), 404, 'ERR_NOT_FOUND');
    expectProblem(await call(t.url, 'GET', '/v1/application-status/12345'), 400, 'ERR_VALIDATION');
    expectProblem(await call(t.url, 'GET', '/v1/nothing-here'), 404, 'ERR_NOT_FOUND');
  });
});
