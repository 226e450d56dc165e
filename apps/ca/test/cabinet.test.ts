/**
 * Step 6 (certificate login, first-manager approval) and step 10 (revocation, hold, release) with
 * every refusal: another BIN, an employee's certificate, a SIGN certificate of someone else,
 * a signature over another decision, self-approval, replayed challenges, revoked certificates.
 */
import {
  generateKeyPair,
  inspectCertificate,
  issueCertificate,
  parseCrl,
  rootCaProfile,
  signData,
  toBase64,
  verifyCrl,
} from '@kzpki/pki';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CA_FILE_NAMES } from '../src/ca/hierarchy.js';
import { call } from './support/api.js';
import {
  Applicant,
  cabinetToken,
  certificateLogin,
  decideWith,
  expectProblem,
  obtainCertificates,
} from './support/flow.js';
import { startTestCa, type TestCa } from './support/harness.js';

const ORG1 = '150440000013';
const ORG2 = '961141000023';

let t: TestCa;
let manager1: Applicant;
let manager2: Applicant;
let hr1: Applicant;
let employee1: Applicant;
let m1: string;
let m2: string;
let hr: string;
let emp: string;
let operator: string;

beforeAll(async () => {
  t = await startTestCa();
  manager1 = await obtainCertificates(new Applicant(t.url, 'first-manager', '780203403451', ORG1));
  manager2 = await obtainCertificates(new Applicant(t.url, 'first-manager', '900720301239', ORG2));
  m1 = await cabinetToken(manager1);
  m2 = await cabinetToken(manager2);
  hr1 = await obtainCertificates(new Applicant(t.url, 'hr', '830414306786', ORG1), {
    session: m1,
    signer: manager1,
  });
  hr = await cabinetToken(hr1);
  employee1 = await obtainCertificates(new Applicant(t.url, 'employee', '911212307895', ORG1), {
    session: m1,
    signer: manager1,
  });
  emp = await cabinetToken(employee1);
  const op = t.ca.context.material.operator;
  operator = (await certificateLogin(t.url, 'operator', op.pem, op.privateKey)).body.token;
});
afterAll(async () => {
  expect(t.ca.specViolations).toEqual([]);
  await t.stop();
});

async function challenge(audience: 'cabinet' | 'operator') {
  const c = await call(t.url, 'POST', '/v1/auth/challenges', { body: { audience } });
  return { id: c.body.challengeId as string, tbs: new Uint8Array(Buffer.from(c.body.toBeSigned, 'base64')) };
}

async function login(path: string, id: string, certificate: string, key: CryptoKey, tbs: Uint8Array) {
  const signature = toBase64(await signData(key, tbs));
  return call(t.url, 'POST', path, { body: { challengeId: id, certificate, signature } });
}

describe('certificate login', () => {
  it('reads IIN, BIN and roles from the AUTH certificate', async () => {
    const r = await certificateLogin(t.url, 'cabinet', manager1.auth!.pem!, manager1.auth!.keys.privateKey);
    expect(r.body.holder).toEqual({
      iin: '780203403451',
      bin: ORG1,
      commonName: 'САРСЕНОВА ДИНАРА',
      organization: 'ТОО «KZPKI ДЕМО»',
      roles: ['legal-entity', 'first-manager'],
      serialHex: manager1.auth!.serialHex,
    });
  });

  it('refuses a SIGN certificate, a wrong key, a replayed or expired challenge, a foreign CA and garbage', async () => {
    let c = await challenge('cabinet');
    const sign = await login(
      '/v1/cabinet/sessions',
      c.id,
      manager1.sign!.pem!,
      manager1.sign!.keys.privateKey,
      c.tbs,
    );
    expectProblem(sign, 422, 'ERR_CERTIFICATE_WRONG_PURPOSE');
    c = await challenge('cabinet');
    expectProblem(
      await login('/v1/cabinet/sessions', c.id, manager1.auth!.pem!, manager2.auth!.keys.privateKey, c.tbs),
      401,
      'ERR_SIGNATURE_INVALID',
    );
    c = await challenge('cabinet');
    expect(
      (await login('/v1/cabinet/sessions', c.id, manager1.auth!.pem!, manager1.auth!.keys.privateKey, c.tbs))
        .status,
    ).toBe(201);
    expectProblem(
      await login('/v1/cabinet/sessions', c.id, manager1.auth!.pem!, manager1.auth!.keys.privateKey, c.tbs),
      401,
      'ERR_CHALLENGE_INVALID',
    );
    c = await challenge('cabinet');
    t.clock.advance(301);
    expectProblem(
      await login('/v1/cabinet/sessions', c.id, manager1.auth!.pem!, manager1.auth!.keys.privateKey, c.tbs),
      401,
      'ERR_CHALLENGE_INVALID',
    );
    // A certificate with the same subject from a CA of one's own making.
    const keys = await generateKeyPair('ECDSA-P256');
    const forged = await issueCertificate({
      publicKey: keys.publicKey,
      subject: [{ type: '2.5.4.3', value: 'KZPKI TEST ISSUING CA (RSA)' }],
      profile: rootCaProfile(),
      issuerKey: keys.privateKey,
    });
    c = await challenge('cabinet');
    expectProblem(
      await login('/v1/cabinet/sessions', c.id, forged.pem, keys.privateKey, c.tbs),
      401,
      'ERR_CERTIFICATE_UNTRUSTED',
    );
    c = await challenge('cabinet');
    expectProblem(
      await login('/v1/cabinet/sessions', c.id, 'AAAAAAAAAAAAAAAAAAAAAAAA', keys.privateKey, c.tbs),
      422,
      'ERR_CERTIFICATE_INVALID',
    );
  });

  it('opens operator sessions only for the NCA operator role, with operator challenges', async () => {
    let c = await challenge('operator');
    expectProblem(
      await login('/v1/operator/sessions', c.id, manager1.auth!.pem!, manager1.auth!.keys.privateKey, c.tbs),
      403,
      'ERR_NOT_AN_OPERATOR',
    );
    c = await challenge('cabinet');
    const op = t.ca.context.material.operator;
    expectProblem(
      await login('/v1/operator/sessions', c.id, op.pem, op.privateKey, c.tbs),
      401,
      'ERR_CHALLENGE_INVALID',
    );
    expectProblem(
      await call(t.url, 'GET', '/v1/operator/moderation', { token: m1 }),
      401,
      'ERR_UNAUTHORIZED',
    );
  });

  it('logout ends the session', async () => {
    const token = await cabinetToken(employee1);
    expect((await call(t.url, 'DELETE', '/v1/cabinet/sessions/current', { token })).status).toBe(204);
    expectProblem(await call(t.url, 'GET', '/v1/cabinet/certificates', { token }), 401, 'ERR_UNAUTHORIZED');
  });
});

describe('approval', () => {
  let signer: Applicant;
  beforeAll(async () => {
    signer = new Applicant(t.url, 'signer', '880612304567', ORG1);
    expect((await signer.runToSubmission('ECDSA-P256')).body.status).toBe('awaiting-approval');
  });

  it('a first manager of another BIN cannot see or decide it', async () => {
    const list = await call(t.url, 'GET', '/v1/cabinet/applications', { token: m2 });
    expect(list.body.applications.map((a: { number: string }) => a.number)).not.toContain(signer.number);
    expectProblem(
      await call(t.url, 'GET', `/v1/cabinet/applications/${signer.number}`, { token: m2 }),
      403,
      'ERR_APPROVER_ORGANIZATION_MISMATCH',
    );
    expectProblem(
      await decideWith(
        t.url,
        m2,
        signer.number,
        'approve',
        manager2.sign!.pem!,
        manager2.sign!.keys.privateKey,
      ),
      403,
      'ERR_APPROVER_ORGANIZATION_MISMATCH',
    );
  });

  it('employee and HR certificates approve nothing (the first manager or a signer acting for them does)', async () => {
    expectProblem(
      await call(t.url, 'GET', '/v1/cabinet/applications', { token: emp }),
      403,
      'ERR_APPROVER_NOT_AUTHORIZED',
    );
    expectProblem(
      await call(t.url, 'GET', `/v1/cabinet/applications/${signer.number}`, { token: emp }),
      403,
      'ERR_APPROVER_NOT_AUTHORIZED',
    );
    expectProblem(
      await call(t.url, 'GET', '/v1/cabinet/applications', { token: hr }),
      403,
      'ERR_APPROVER_NOT_AUTHORIZED',
    );
    expectProblem(
      await decideWith(t.url, hr, signer.number, 'approve', hr1.sign!.pem!, hr1.sign!.keys.privateKey),
      403,
      'ERR_APPROVER_NOT_AUTHORIZED',
    );
  });

  it("the decision must be signed by the approver's own SIGN key over that very decision", async () => {
    const p = await call(t.url, 'GET', `/v1/cabinet/applications/${signer.number}`, { token: m1 });
    expect(p.status).toBe(200);
    expect(p.body.requests).toHaveLength(2);
    const doc = JSON.parse(p.body.decisionDocuments.approve);
    expect(doc).toMatchObject({
      decision: 'approve',
      application: { number: signer.number, iin: signer.iin, bin: ORG1 },
    });
    const post = (body: Record<string, unknown>) =>
      call(t.url, 'POST', `/v1/cabinet/applications/${signer.number}/decision`, { token: m1, body });
    const sig = async (key: CryptoKey, text: string) =>
      toBase64(await signData(key, new TextEncoder().encode(text)));
    // AUTH certificate instead of SIGN.
    expectProblem(
      await post({
        decision: 'approve',
        certificate: manager1.auth!.pem,
        signature: await sig(manager1.auth!.keys.privateKey, p.body.decisionDocuments.approve),
      }),
      422,
      'ERR_CERTIFICATE_WRONG_PURPOSE',
    );
    // Someone else's SIGN certificate.
    expectProblem(
      await post({
        decision: 'approve',
        certificate: hr1.sign!.pem,
        signature: await sig(hr1.sign!.keys.privateKey, p.body.decisionDocuments.approve),
      }),
      403,
      'ERR_SIGNER_MISMATCH',
    );
    // Signed "approve", posted as "reject".
    expectProblem(
      await post({
        decision: 'reject',
        certificate: manager1.sign!.pem,
        signature: await sig(manager1.sign!.keys.privateKey, p.body.decisionDocuments.approve),
      }),
      401,
      'ERR_SIGNATURE_INVALID',
    );
    expect((await signer.get()).body.status).toBe('awaiting-approval');
    const ok = await decideWith(
      t.url,
      m1,
      signer.number,
      'approve',
      manager1.sign!.pem!,
      manager1.sign!.keys.privateKey,
    );
    expect(ok.status).toBe(200);
    expect(ok.body.status).toBe('approved');
    expectProblem(
      await decideWith(
        t.url,
        m1,
        signer.number,
        'reject',
        manager1.sign!.pem!,
        manager1.sign!.keys.privateKey,
      ),
      409,
      'ERR_INVALID_TRANSITION',
    );
    const sms = await call(t.url, 'GET', `/v1/dev/sms-outbox?iin=${signer.iin}`);
    expect(sms.body.messages[0].text).toContain(signer.number);
  });

  it('nobody approves their own application', async () => {
    const own = new Applicant(t.url, 'employee', manager1.iin, ORG1);
    expect((await own.runToSubmission('ECDSA-P256')).body.status).toBe('awaiting-approval');
    const list = await call(t.url, 'GET', '/v1/cabinet/applications', { token: m1 });
    expect(list.body.applications.map((a: { number: string }) => a.number)).not.toContain(own.number);
    expectProblem(
      await call(t.url, 'GET', `/v1/cabinet/applications/${own.number}`, { token: m1 }),
      403,
      'ERR_SELF_APPROVAL_FORBIDDEN',
    );
  });

  it('a rejection ends the application', async () => {
    const a = new Applicant(t.url, 'finance', '950901405677', ORG1);
    expect((await a.runToSubmission('ECDSA-P256')).body.status).toBe('awaiting-approval');
    expectProblem(await a.issue(), 409, 'ERR_INVALID_TRANSITION');
    expectProblem(await a.download(), 409, 'ERR_INVALID_TRANSITION');
    const r = await decideWith(
      t.url,
      m1,
      a.number,
      'reject',
      manager1.sign!.pem!,
      manager1.sign!.keys.privateKey,
    );
    expect(r.body.status).toBe('rejected');
    expectProblem(await a.issue(), 409, 'ERR_INVALID_TRANSITION');
    const status = await call(t.url, 'GET', `/v1/application-status/${a.number}`);
    expect(status.body.application.statusText.ru).toBe('Заявка отклонена первым руководителем');
  });
});

describe('revocation', () => {
  it('the holder revokes their own certificate; the revocation sequence moves in the same step', async () => {
    const store = t.ca.context.store;
    const own = await call(t.url, 'GET', '/v1/cabinet/certificates', { token: emp });
    expect(own.body.certificates.map((c: { serialHex: string }) => c.serialHex).sort()).toEqual(
      [employee1.auth!.serialHex, employee1.sign!.serialHex].sort(),
    );
    const before = await store.revocationSeq();
    const r = await call(t.url, 'POST', `/v1/cabinet/certificates/${employee1.sign!.serialHex}/revocation`, {
      token: emp,
      body: { reason: 'keyCompromise' },
    });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ status: 'revoked', reason: 'keyCompromise' });
    expect(Date.parse(r.body.revokedAt) % 1000).toBe(0);
    expect(await store.revocationSeq()).toBe(before + 1);
    const rec = await store.getCertificateBySerial(
      t.ca.context.material.issuing.skiHex,
      employee1.sign!.serialHex!,
    );
    expect(rec).toMatchObject({ status: 'revoked', reason: 'keyCompromise' });
    const revoked = [];
    for await (const e of store.listRevoked(t.ca.context.material.issuing.skiHex)) revoked.push(e.serialHex);
    expect(revoked).toContain(employee1.sign!.serialHex);
    // The CA signs the CRLs (the status service only serves them): the next full CRL lists it.
    await t.ca.crls.regenerate('full');
    const crl = parseCrl((await t.ca.crls.latest(CA_FILE_NAMES.issuing, 'full'))!.der);
    expect(await verifyCrl(crl, t.ca.context.material.issuing.certificate)).toBe(true);
    expect(crl.find(employee1.sign!.serialHex!)?.reason).toBe('keyCompromise');
    expectProblem(
      await call(t.url, 'POST', `/v1/cabinet/certificates/${employee1.sign!.serialHex}/revocation`, {
        token: emp,
        body: { reason: 'superseded' },
      }),
      409,
      'ERR_ALREADY_REVOKED',
    );
    expectProblem(
      await call(t.url, 'POST', `/v1/cabinet/certificates/${employee1.auth!.serialHex}/revocation`, {
        token: emp,
        body: { reason: 'privilegeWithdrawn' },
      }),
      422,
      'ERR_REASON_NOT_ALLOWED',
    );
  });

  it('only the holder or their first manager may revoke', async () => {
    expectProblem(
      await call(t.url, 'POST', `/v1/cabinet/certificates/${employee1.auth!.serialHex}/revocation`, {
        token: m2,
        body: { reason: 'affiliationChanged' },
      }),
      403,
      'ERR_REVOCATION_NOT_ALLOWED',
    );
    expectProblem(
      await call(t.url, 'POST', `/v1/cabinet/certificates/${employee1.auth!.serialHex}/revocation`, {
        token: hr,
        body: { reason: 'affiliationChanged' },
      }),
      403,
      'ERR_REVOCATION_NOT_ALLOWED',
    );
    const list = await call(t.url, 'GET', '/v1/cabinet/certificates', { token: m1 });
    expect(list.body.certificates.map((c: { serialHex: string }) => c.serialHex)).toContain(
      employee1.auth!.serialHex,
    );
    const r = await call(t.url, 'POST', `/v1/cabinet/certificates/${employee1.auth!.serialHex}/revocation`, {
      token: m1,
      body: { reason: 'affiliationChanged' },
    });
    expect(r.body.status).toBe('revoked');
    // Every certificate of the application is revoked now, so is the application; the session is dead.
    const status = await call(t.url, 'GET', `/v1/application-status/${employee1.number}`);
    expect(status.body.application.status).toBe('revoked');
    expectProblem(
      await call(t.url, 'GET', '/v1/cabinet/certificates', { token: emp }),
      401,
      'ERR_UNAUTHORIZED',
    );
    const c = await challenge('cabinet');
    expectProblem(
      await login('/v1/cabinet/sessions', c.id, employee1.auth!.pem!, employee1.auth!.keys.privateKey, c.tbs),
      401,
      'ERR_CERTIFICATE_REVOKED',
    );
  });

  it('an operator suspends (certificateHold) and releases; a delta shows the net change', async () => {
    const store = t.ca.context.store;
    const ski = t.ca.context.material.issuing.skiHex;
    const serial = hr1.sign!.serialHex!;
    const base = await store.revocationSeq();
    const held = await call(t.url, 'POST', `/v1/operator/certificates/${serial.toUpperCase()}/revocation`, {
      token: operator,
      body: { reason: 'certificateHold' },
    });
    expect(held.body).toMatchObject({ status: 'hold', reason: 'certificateHold' });
    expect((await store.listRevocationChangesSince(ski, base)).map((c) => [c.serialHex, c.change])).toEqual([
      [serial, 'hold'],
    ]);
    expectProblem(
      await call(t.url, 'POST', `/v1/operator/certificates/${serial}/revocation`, {
        token: operator,
        body: { reason: 'certificateHold' },
      }),
      409,
      'ERR_ALREADY_REVOKED',
    );
    const released = await call(t.url, 'POST', `/v1/operator/certificates/${serial}/release`, {
      token: operator,
    });
    expect(released.body.status).toBe('good');
    expect(released.body.revokedAt).toBeUndefined();
    const changes = await store.listRevocationChangesSince(ski, base);
    expect(changes.map((c) => [c.serialHex, c.change, c.status])).toEqual([[serial, 'released', 'good']]);
    expect(await store.revocationSeq()).toBe(base + 2);
    expectProblem(
      await call(t.url, 'POST', `/v1/operator/certificates/${serial}/release`, { token: operator }),
      409,
      'ERR_NOT_ON_HOLD',
    );
    // A holder may hold and release their own certificate too.
    expect(
      (
        await call(t.url, 'POST', `/v1/cabinet/certificates/${serial}/revocation`, {
          token: hr,
          body: { reason: 'certificateHold' },
        })
      ).body.status,
    ).toBe('hold');
  });

  it('operators revoke any end-entity certificate but not CA certificates', async () => {
    // The earliest invalidityDate allowed: when the certificate began to be valid.
    const invalidityDate = inspectCertificate(manager2.sign!.pem!).notBefore;
    const r = await call(t.url, 'POST', `/v1/operator/certificates/${manager2.sign!.serialHex}/revocation`, {
      token: operator,
      body: { reason: 'privilegeWithdrawn', comment: 'court decision', invalidityDate },
    });
    expect(r.body).toMatchObject({ status: 'revoked', reason: 'privilegeWithdrawn', invalidityDate });
    expectProblem(
      await call(
        t.url,
        'POST',
        `/v1/operator/certificates/${t.ca.context.material.issuing.serialHex}/revocation`,
        {
          token: operator,
          body: { reason: 'keyCompromise' },
        },
      ),
      403,
      'ERR_REVOCATION_NOT_ALLOWED',
    );
    expectProblem(
      await call(t.url, 'POST', '/v1/operator/certificates/0123456789abcdef/revocation', {
        token: operator,
        body: { reason: 'unspecified' },
      }),
      404,
      'ERR_CERTIFICATE_NOT_FOUND',
    );
  });

  it('keeps an audit trail of every change, hash-chained', async () => {
    const r = await call(t.url, 'GET', `/v1/operator/applications/${employee1.number}/audit`, {
      token: operator,
    });
    const actions = r.body.entries.map((e: { action: string }) => e.action);
    expect(actions).toEqual(
      expect.arrayContaining([
        'application.started',
        'otp.verified',
        'application.submitted',
        'application.approved',
        'certificates.issued',
        'certificates.installed',
        'application.revoked',
      ]),
    );
    // employee1 was approved by the first manager (HR approves nothing, as in the NCA's guide).
    expect(r.body.entries.find((e: { action: string }) => e.action === 'application.approved').actor).toBe(
      `approver:${manager1.iin}`,
    );
    expect(await t.ca.context.store.verifyAuditChain()).toBeUndefined();
  });
});
