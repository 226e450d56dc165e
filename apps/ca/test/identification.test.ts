/**
 * Step 3 (Digital ID: the registered phone and its own SMS code, then identification, moderation by
 * an operator with an SMS of the result) and step 4 (consent with the PIN, user agreement).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call } from './support/api.js';
import {
  Applicant,
  certificateLogin,
  expectProblem,
  latestDigitalIdOtp,
  latestOtp,
  latestOtpMessage,
} from './support/flow.js';
import { RELAXED_LIMITS, startTestCa, type TestCa } from './support/harness.js';

let t: TestCa;
let operator: string;
beforeAll(async () => {
  t = await startTestCa();
  const m = t.ca.context.material.operator;
  const login = await certificateLogin(t.url, 'operator', m.pem, m.privateKey);
  expect(login.status).toBe(201);
  expect(login.body.holder.roles).toEqual(['nca-operator']);
  operator = login.body.token;
});
afterAll(async () => {
  expect(t.ca.specViolations).toEqual([]);
  await t.stop();
});

/** An applicant after the first code (step 2). */
async function sessionOpened(iin: string): Promise<Applicant> {
  const a = new Applicant(t.url, 'individual', iin);
  expect((await a.start()).status).toBe(201);
  expect((await a.verify()).status).toBe(200);
  return a;
}

/** An applicant whose Digital ID phone is confirmed (ready to create the Digital ID). */
async function verified(iin: string): Promise<Applicant> {
  const a = await sessionOpened(iin);
  await a.confirmDigitalIdPhone();
  return a;
}

const outboxSize = async (iin: string): Promise<number> =>
  (await call(t.url, 'GET', `/v1/dev/sms-outbox?iin=${iin}`)).body.messages.length;

describe('Digital ID phone (seed steps 8-9)', () => {
  it('asks for the registered phone before identification and refuses another number without a code', async () => {
    const a = await sessionOpened('850315300128');
    expect(a.application.status).toBe('phone-verified');
    expect(a.application.nextActions).toEqual(['submitDigitalIdPhone']);
    const registered = await a.registeredPhone();
    expectProblem(await a.identify(), 409, 'ERR_DIGITAL_ID_PHONE_NOT_VERIFIED');
    expect((await a.identify()).body.currentStatus).toBe('phone-verified');
    expectProblem(await a.verifyDigitalIdPhone('123456'), 409, 'ERR_INVALID_TRANSITION');

    const before = await outboxSize(a.iin);
    const other = registered === '+77000000001' ? '+77000000002' : '+77000000001';
    const wrong = await a.digitalIdPhone(other);
    expectProblem(wrong, 422, 'ERR_DIGITAL_ID_PHONE_MISMATCH');
    // Nothing sent, and nothing in the answer says which number is registered.
    expect(await outboxSize(a.iin)).toBe(before);
    expect(JSON.stringify(wrong.body)).not.toContain(registered.slice(-4));
    expect((await a.get()).body.status).toBe('phone-verified');
    expectProblem(await a.digitalIdPhone('87011112233'), 400, 'ERR_VALIDATION');
    const audit = await t.ca.context.store.listAudit(`application:${a.id}`);
    expect(audit.map((e) => e.action)).toContain('digital-id.phone-mismatch');
  });

  it("sends a second code from 1414 saying it is Digital ID; the code has the first one's rules", async () => {
    const a = await sessionOpened('871008401427');
    const firstCode = (await latestOtpMessage(t.url, a.iin)).code;
    const sent = await a.digitalIdPhone();
    expect(sent.status).toBe(200);
    expect(sent.body.status).toBe('digital-id-code-sent');
    expect(sent.body.nextActions).toEqual(['submitDigitalIdPhone', 'verifyDigitalIdPhone']);
    expect(sent.body.otp).toBeUndefined();
    expect(sent.body.digitalIdOtp).toMatchObject({ sender: '1414', ttlSeconds: 90, attemptsLeft: 3 });
    expect(sent.body.digitalIdOtp.sentTo).toMatch(/^\+7 \d{3} \*\*\* \*\* \d{2}$/);
    const m = await latestOtpMessage(t.url, a.iin);
    expect(m.to).toBe(await a.registeredPhone());
    expect(m.text).toMatch(/^Digital ID: код подтверждения номера телефона \d{6}\./);
    const code = await latestDigitalIdOtp(t.url, a.iin);
    expectProblem(await a.identify(), 409, 'ERR_DIGITAL_ID_PHONE_NOT_VERIFIED');

    // The first code is not Digital ID's (the two are drawn independently; skip the 1-in-10^6 tie).
    const wrong = firstCode !== code ? firstCode : code === '000000' ? '000001' : '000000';
    const w1 = await a.verifyDigitalIdPhone(wrong);
    expectProblem(w1, 422, 'ERR_OTP_INVALID');
    expect(w1.body.attemptsLeft).toBe(2);
    expect((await a.get()).body.digitalIdOtp.attemptsLeft).toBe(2);
    // A new code only after the cooldown; the old one is void then.
    const early = await a.digitalIdPhone();
    expectProblem(early, 429, 'ERR_OTP_RESEND_TOO_EARLY');
    t.clock.advance(61);
    expect((await a.digitalIdPhone()).status).toBe(200);
    const second = await latestDigitalIdOtp(t.url, a.iin);
    if (second !== code) expectProblem(await a.verifyDigitalIdPhone(code), 422, 'ERR_OTP_INVALID');
    // It expires after 90 s like the first code.
    t.clock.advance(91);
    expectProblem(await a.verifyDigitalIdPhone(second), 410, 'ERR_OTP_EXPIRED');
    expect((await a.digitalIdPhone()).status).toBe(200);
    const ok = await a.verifyDigitalIdPhone();
    expect(ok.status).toBe(200);
    expect(ok.body.status).toBe('digital-id-phone-verified');
    expect(ok.body.nextActions).toEqual(['submitIdentification']);
    expect(ok.body.digitalIdOtp).toBeUndefined();
    // A code works once.
    expectProblem(await a.verifyDigitalIdPhone(await latestOtp(t.url, a.iin)), 409, 'ERR_INVALID_TRANSITION');
    expectProblem(await a.digitalIdPhone(), 409, 'ERR_INVALID_TRANSITION');
    const rec = await t.ca.context.store.getApplication(a.id);
    expect(rec?.data.digitalIdOtp?.usedAt).toBeInstanceOf(Date);
    expect(rec?.data.digitalIdOtp?.sendCount).toBe(3);
    expect(JSON.stringify(rec)).not.toContain(`"${second}"`);
    expect((await a.identify({ document: { type: 'passport', frontImage: 'AAAA' } })).status).toBe(200);
  });

  it('wrong codes use up the attempts; a new code is needed', async () => {
    const a = await sessionOpened('061211600012');
    expect((await a.digitalIdPhone()).status).toBe(200);
    const code = await latestDigitalIdOtp(t.url, a.iin);
    const wrong = code === '000000' ? '000001' : '000000';
    expectProblem(await a.verifyDigitalIdPhone(wrong), 422, 'ERR_OTP_INVALID');
    expectProblem(await a.verifyDigitalIdPhone(wrong), 422, 'ERR_OTP_INVALID');
    expectProblem(await a.verifyDigitalIdPhone(wrong), 422, 'ERR_OTP_ATTEMPTS_EXCEEDED');
    expectProblem(await a.verifyDigitalIdPhone(code), 422, 'ERR_OTP_ATTEMPTS_EXCEEDED');
    t.clock.advance(61);
    expect((await a.digitalIdPhone()).status).toBe(200);
    expect((await a.verifyDigitalIdPhone()).body.status).toBe('digital-id-phone-verified');
  });

  it("Digital ID's code checks are limited per person, in a bucket of their own", async () => {
    const limited = await startTestCa({
      rateLimits: { ...RELAXED_LIMITS, otpCheckPerIin: { capacity: 2, refillPerSecond: 0.0001 } },
    });
    try {
      const iin = '880612304567';
      const a = new Applicant(limited.url, 'individual', iin);
      expect((await a.start()).status).toBe(201);
      expect((await a.verify()).status).toBe(200); // the first code's bucket: 1 of 2
      expect((await a.digitalIdPhone()).status).toBe(200);
      const code = await latestDigitalIdOtp(limited.url, iin);
      const wrong = code === '000000' ? '000001' : '000000';
      expectProblem(await a.verifyDigitalIdPhone(wrong), 422, 'ERR_OTP_INVALID');
      expectProblem(await a.verifyDigitalIdPhone(wrong), 422, 'ERR_OTP_INVALID');
      // Two guesses spent: not even the right code is checked now.
      expectProblem(await a.verifyDigitalIdPhone(code), 429, 'ERR_RATE_LIMITED');
      // The first code's checks are counted apart: a new application still opens a session.
      const b = new Applicant(limited.url, 'individual', iin);
      expect((await b.start()).status).toBe(201);
      expect((await b.verify()).status).toBe(200);
      expect(limited.ca.specViolations).toEqual([]);
    } finally {
      await limited.stop();
    }
  });

  it('needs the applicant session', async () => {
    const a = await sessionOpened('850315300128');
    const phone = await a.registeredPhone();
    const anonymous = await call(t.url, 'POST', `/v1/applications/${a.id}/digital-id/phone`, {
      body: { phone },
    });
    expectProblem(anonymous, 401, 'ERR_UNAUTHORIZED');
    const other = await sessionOpened('871008401427');
    const foreign = await call(t.url, 'POST', `/v1/applications/${a.id}/digital-id/phone`, {
      token: other.token,
      body: { phone },
    });
    expectProblem(foreign, 401, 'ERR_UNAUTHORIZED');
  });
});

describe('identification', () => {
  it('refuses a failed liveness check, a trivial PIN and an unreadable document', async () => {
    const a = await verified('850315300128');
    expectProblem(await a.identify({ liveness: { passed: false, score: 0.9 } }), 422, 'ERR_LIVENESS_FAILED');
    expectProblem(await a.identify({ liveness: { passed: true, score: 0.2 } }), 422, 'ERR_LIVENESS_FAILED');
    for (const pin of ['1111', '1234', '9876', '012345'])
      expectProblem(await a.identify({ pin }), 422, 'ERR_PIN_TOO_SIMPLE');
    expectProblem(
      await a.identify({ document: { type: 'passport', frontImage: 'AAAA' } }),
      422,
      'ERR_DOCUMENT_NOT_RECOGNIZED',
    );
    expectProblem(await a.identify({ pin: '12a4' }), 400, 'ERR_VALIDATION');
    expect((await a.get()).body.status).toBe('digital-id-phone-verified');
  });

  it('returns the recognised data, may be repeated before confirmation, and a match identifies', async () => {
    const a = await verified('871008401427');
    const first = await a.identify({ document: { type: 'passport', frontImage: 'AAAA' } });
    expect(first.status).toBe(200);
    expect(first.body.recognizedDocument).toMatchObject({
      type: 'passport',
      number: 'N12345678',
      surname: 'ПЕТРОВА',
    });
    expect(first.body.application.nextActions).toEqual(['submitIdentification', 'confirmIdentification']);
    expect((await a.identify({ document: { type: 'passport', frontImage: 'AAAA' } })).status).toBe(200);
    const c = await a.confirm();
    expect(c.body.status).toBe('identified');
    expect(c.body.person.fullName).toBe('ПЕТРОВА АННА СЕРГЕЕВНА');
    const rec = await t.ca.context.store.getApplication(a.id);
    expect(rec?.data.pinHash).toMatch(/^hmac-sha256\$[0-9a-f]{64}$/);
    // As a value (a bare search for 4 digits would find them by chance in the hex MACs and numbers).
    expect(JSON.stringify(rec)).not.toContain(`"${a.pin}"`);
    expect(JSON.stringify(rec)).not.toMatch(/"pin"/);
  });

  it('sends a mismatching document to moderation; the operator approves and an SMS tells the applicant', async () => {
    const a = await verified('010202502227');
    await a.identify();
    const c = await a.confirm();
    expect(c.body.status).toBe('moderation');
    expect(c.body.person).toBeUndefined();
    expectProblem(await a.consent(), 409, 'ERR_INVALID_TRANSITION');
    const q = await call(t.url, 'GET', '/v1/operator/moderation', { token: operator });
    const item = q.body.items.find((i: { applicationId: string }) => i.applicationId === a.id);
    expect(item.mismatches.map((m: { field: string }) => m.field)).toEqual(['documentNumber']);
    expect(item.mismatches[0]).toEqual({
      field: 'documentNumber',
      document: '045678901',
      registry: '051234987',
    });
    const d = await call(t.url, 'POST', `/v1/operator/moderation/${a.id}/decision`, {
      token: operator,
      body: { decision: 'approve', comment: 'Registry holds the renewed card' },
    });
    expect(d.status).toBe(200);
    expect(d.body.status).toBe('identified');
    const sms = await call(t.url, 'GET', `/v1/dev/sms-outbox?iin=${a.iin}`);
    expect(sms.body.messages[0]).toMatchObject({ kind: 'notification', sender: '1414' });
    expect(sms.body.messages[0].text).toMatch(/прошёл проверку/);
    expect((await a.consent()).body.status).toBe('consent-given');
    // Deciding twice is not possible.
    expectProblem(
      await call(t.url, 'POST', `/v1/operator/moderation/${a.id}/decision`, {
        token: operator,
        body: { decision: 'reject' },
      }),
      409,
      'ERR_INVALID_TRANSITION',
    );
  });

  it('an operator rejection ends the application', async () => {
    const a = await verified('800501404446');
    await a.identify();
    expect((await a.confirm()).body.status).toBe('moderation');
    const d = await call(t.url, 'POST', `/v1/operator/moderation/${a.id}/decision`, {
      token: operator,
      body: { decision: 'reject' },
    });
    expect(d.body.status).toBe('identification-rejected');
    const sms = await call(t.url, 'GET', `/v1/dev/sms-outbox?iin=${a.iin}`);
    expect(sms.body.messages[0].text).toMatch(/не прошёл проверку/);
    const app = await a.get();
    expect(app.body.nextActions).toEqual([]);
    expect(app.body.rejection.by).toBe('operator');
    expectProblem(await a.identify(), 409, 'ERR_INVALID_TRANSITION');
  });

  it('moderation needs an operator session', async () => {
    expectProblem(await call(t.url, 'GET', '/v1/operator/moderation'), 401, 'ERR_UNAUTHORIZED');
    const a = await verified('850315300128');
    expectProblem(
      await call(t.url, 'GET', '/v1/operator/moderation', { token: a.token }),
      401,
      'ERR_UNAUTHORIZED',
    );
  });
});

describe('consent and agreement', () => {
  it('needs the PIN set during identification; wrong PINs are limited', async () => {
    const a = await verified('061211600012');
    await a.identify();
    await a.confirm();
    const r1 = await a.consent('5555');
    expectProblem(r1, 422, 'ERR_PIN_INVALID');
    expect(r1.body.attemptsLeft).toBe(2);
    expectProblem(await a.consent('5556'), 422, 'ERR_PIN_INVALID');
    expectProblem(await a.consent('5557'), 422, 'ERR_PIN_ATTEMPTS_EXCEEDED');
    expectProblem(await a.consent(a.pin), 422, 'ERR_PIN_ATTEMPTS_EXCEEDED');
  });

  it('records the agreement version and time; another version is refused', async () => {
    const agreement = await call(t.url, 'GET', '/v1/agreement');
    expect(agreement.body.version).toBe('2025-01');
    expect(agreement.body.text.kk).toMatch(/келісім/);
    const a = await verified('850315300128');
    await a.identify();
    await a.confirm();
    await a.consent();
    expectProblem(await a.agree('2019-01'), 422, 'ERR_AGREEMENT_VERSION_MISMATCH');
    const ok = await a.agree();
    expect(ok.body.status).toBe('agreement-accepted');
    expect(ok.body.agreement.version).toBe('2025-01');
    expect(Date.parse(ok.body.agreement.acceptedAt)).toBeGreaterThan(0);
    expect(ok.body.nextActions).toEqual(['submitApplication']);
  });
});
