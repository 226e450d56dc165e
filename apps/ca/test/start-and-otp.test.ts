/**
 * Step 1 (registry and Mobile Citizens Database checks) and step 2 (one-time codes): every refusal
 * with its problem code.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call } from './support/api.js';
import { Applicant, expectProblem, latestOtp } from './support/flow.js';
import { startTestCa, type TestCa } from './support/harness.js';

let t: TestCa;
beforeAll(async () => {
  t = await startTestCa();
});
afterAll(async () => {
  expect(t.ca.specViolations).toEqual([]);
  await t.stop();
});

const start = (body: unknown) => call(t.url, 'POST', '/v1/applications', { body });

describe('startApplication', () => {
  it('refuses an IIN with a wrong check digit (and NCA test identifiers outside test mode)', async () => {
    expectProblem(
      await start({ kind: 'individual', template: 'individual', iin: '850315300129' }),
      422,
      'ERR_IIN_INVALID',
    );
    expectProblem(
      await start({ kind: 'individual', template: 'individual', iin: '123456789011' }),
      422,
      'ERR_IIN_INVALID',
    );
  });

  it('refuses a BIN with a wrong check digit', async () => {
    expectProblem(
      await start({ kind: 'legal-entity', template: 'employee', iin: '911212307895', bin: '150440000014' }),
      422,
      'ERR_BIN_INVALID',
    );
  });

  it('refuses a malformed request by the spec before any handler runs', async () => {
    const r = await start({ kind: 'individual', template: 'individual', iin: '85031530012X' });
    expectProblem(r, 400, 'ERR_VALIDATION');
    expect(r.body.errors[0]).toMatchObject({ location: 'body', path: '/iin' });
    expectProblem(
      await start({ kind: 'individual', template: 'individual', iin: '850315300128', extra: 1 }),
      400,
      'ERR_VALIDATION',
    );
    expectProblem(await call(t.url, 'POST', '/v1/applications', { raw: '{"kind":' }), 400, 'ERR_VALIDATION');
  });

  it('checks the template against the kind and the BIN', async () => {
    expectProblem(
      await start({ kind: 'individual', template: 'employee', iin: '911212307895' }),
      422,
      'ERR_TEMPLATE_KIND_MISMATCH',
    );
    expectProblem(
      await start({ kind: 'legal-entity', template: 'employee', iin: '911212307895' }),
      422,
      'ERR_BIN_REQUIRED',
    );
    expectProblem(
      await start({ kind: 'individual', template: 'individual', iin: '850315300128', bin: '150440000013' }),
      422,
      'ERR_BIN_NOT_ALLOWED',
    );
  });

  it('checks the registries', async () => {
    // 900101300007 is check-digit valid but nobody in the registry.
    expectProblem(
      await start({ kind: 'individual', template: 'individual', iin: '900101300007' }),
      422,
      'ERR_PERSON_NOT_FOUND',
    );
    expectProblem(
      await start({ kind: 'legal-entity', template: 'employee', iin: '911212307895', bin: '940140000385' }),
      422,
      'ERR_ORGANIZATION_NOT_FOUND',
    );
    expectProblem(
      await start({
        kind: 'legal-entity',
        template: 'first-manager',
        iin: '911212307895',
        bin: '150440000013',
      }),
      422,
      'ERR_NOT_FIRST_MANAGER',
    );
    expectProblem(
      await start({ kind: 'legal-entity', template: 'treasury', iin: '911212307895', bin: '150440000013' }),
      422,
      'ERR_NOT_TREASURY_PARTICIPANT',
    );
  });

  it('tells a person without a phone in the Mobile Citizens Database to register, then works after registration', async () => {
    const body = { kind: 'individual', template: 'individual', iin: '940615400124' };
    const r = await start(body);
    expectProblem(r, 422, 'ERR_PHONE_NOT_REGISTERED');
    expect(r.body.registration.ru).toMatch(/базе мобильных граждан/);
    expect(r.body.registration.kk).toMatch(/мобильді азаматтар базасында/);
    const reg = await call(t.url, 'POST', '/v1/dev/mobile-registrations', {
      body: { iin: '940615400124', phone: '+77771234567' },
    });
    expect(reg.status).toBe(201);
    expect(reg.body.phoneMasked).toBe('+7 777 *** ** 67');
    expectProblem(
      await call(t.url, 'POST', '/v1/dev/mobile-registrations', {
        body: { iin: '940615400124', phone: '+77771234568' },
      }),
      422,
      'ERR_PHONE_ALREADY_REGISTERED',
    );
    const ok = await start(body);
    expect(ok.status).toBe(201);
    expect(ok.body.otp.sentTo).toBe('+7 777 *** ** 67');
  });
});

describe('one-time code', () => {
  it('is 6 digits from 1414; a wrong code costs an attempt; after the limit even the right code fails', async () => {
    const a = new Applicant(t.url, 'individual', '871008401427');
    await a.start();
    const code = await latestOtp(t.url, a.iin);
    expect(code).toMatch(/^[0-9]{6}$/);
    const wrong = code === '000000' ? '000001' : '000000';
    const r1 = await a.verify(wrong);
    expectProblem(r1, 422, 'ERR_OTP_INVALID');
    expect(r1.body.attemptsLeft).toBe(2);
    expect((await a.verify(wrong)).body.attemptsLeft).toBe(1);
    const r3 = await a.verify(wrong);
    expectProblem(r3, 422, 'ERR_OTP_ATTEMPTS_EXCEEDED');
    expectProblem(await a.verify(code), 422, 'ERR_OTP_ATTEMPTS_EXCEEDED');
    // A new code after the cooldown works; the old one does not.
    t.clock.advance(61);
    const resent = await call(t.url, 'POST', `/v1/applications/${a.id}/otp`);
    expect(resent.status).toBe(200);
    expect(resent.body.otp.attemptsLeft).toBe(3);
    const fresh = await latestOtp(t.url, a.iin);
    if (fresh !== code) expectProblem(await a.verify(code), 422, 'ERR_OTP_INVALID');
    const ok = await a.verify(fresh);
    expect(ok.status).toBe(200);
    expect(ok.body.tokenType).toBe('Bearer');
    expect(ok.body.application.status).toBe('phone-verified');
  });

  it('expires after 90 seconds', async () => {
    const a = new Applicant(t.url, 'individual', '061211600012');
    await a.start();
    const code = await latestOtp(t.url, a.iin);
    t.clock.advance(91);
    expectProblem(await a.verify(code), 410, 'ERR_OTP_EXPIRED');
  });

  it('works once: a used code cannot be replayed', async () => {
    const a = new Applicant(t.url, 'individual', '850315300128');
    await a.start();
    const code = await latestOtp(t.url, a.iin);
    expect((await a.verify(code)).status).toBe(200);
    const again = await a.verify(code);
    expectProblem(again, 409, 'ERR_INVALID_TRANSITION');
    expect(again.body.currentStatus).toBe('phone-verified');
  });

  it('can be resent only after the cooldown, and only a few times', async () => {
    const a = new Applicant(t.url, 'individual', '850315300128');
    await a.start();
    const early = await call(t.url, 'POST', `/v1/applications/${a.id}/otp`);
    expectProblem(early, 429, 'ERR_OTP_RESEND_TOO_EARLY');
    expect(Number(early.headers.get('retry-after'))).toBeGreaterThan(0);
    for (let i = 0; i < 4; i++) {
      t.clock.advance(61);
      expect((await call(t.url, 'POST', `/v1/applications/${a.id}/otp`)).status).toBe(200);
    }
    t.clock.advance(61);
    expectProblem(await call(t.url, 'POST', `/v1/applications/${a.id}/otp`), 429, 'ERR_RATE_LIMITED');
  });

  it('stores only a MAC of the code, never the code', async () => {
    const a = new Applicant(t.url, 'individual', '850315300128');
    await a.start();
    const code = await latestOtp(t.url, a.iin);
    const rec = await t.ca.context.store.getApplication(a.id);
    const raw = JSON.stringify(rec);
    expect(rec?.data.otp?.mac).toMatch(/^[0-9a-f]{64}$/);
    expect(raw).not.toContain(`"${code}"`);
  });
});

describe('skipping steps', () => {
  it('every later step needs the applicant session of this very application', async () => {
    const a = new Applicant(t.url, 'individual', '850315300128');
    await a.start();
    // Skip the OTP: no session exists yet.
    expectProblem(await a.identify(), 401, 'ERR_UNAUTHORIZED');
    const b = new Applicant(t.url, 'individual', '871008401427');
    await b.start();
    await b.verify();
    a.token = b.token; // someone else's session
    expectProblem(await a.identify(), 401, 'ERR_UNAUTHORIZED');
    expectProblem(
      await call(t.url, 'GET', `/v1/applications/${a.id}`, { token: 'kza_forged' }),
      401,
      'ERR_UNAUTHORIZED',
    );
  });

  it('an applicant request looks its session up once (the router passes it to the handler)', async () => {
    const a = new Applicant(t.url, 'individual', '850315300128');
    await a.start();
    await a.verify();
    const store = t.ca.context.store;
    const real = store.getSession.bind(store);
    let lookups = 0;
    store.getSession = async (hash) => {
      lookups++;
      return real(hash);
    };
    try {
      expect((await a.get()).status).toBe(200);
      expect(lookups).toBe(1);
      // Still refused for another application's session, with one lookup too.
      const b = new Applicant(t.url, 'individual', '871008401427');
      await b.start();
      lookups = 0;
      expectProblem(
        await call(t.url, 'GET', `/v1/applications/${b.id}`, { token: a.token }),
        401,
        'ERR_UNAUTHORIZED',
      );
      expect(lookups).toBe(1);
    } finally {
      store.getSession = real;
    }
  });

  it('steps out of order are ERR_INVALID_TRANSITION', async () => {
    const a = new Applicant(t.url, 'individual', '850315300128');
    await a.start();
    await a.verify();
    const r = await a.confirm();
    expectProblem(r, 409, 'ERR_INVALID_TRANSITION');
    expect(r.body.currentStatus).toBe('phone-verified');
    expectProblem(await a.consent(), 409, 'ERR_INVALID_TRANSITION');
    expectProblem(await a.agree(), 409, 'ERR_INVALID_TRANSITION');
    expectProblem(
      await a.submit({
        auth: '-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----\n',
        sign: 'AAAAAAAAAAAAAAAAAAAA',
      }),
      409,
      'ERR_INVALID_TRANSITION',
    );
    expectProblem(await a.issue(), 409, 'ERR_INVALID_TRANSITION');
    expectProblem(await a.download(), 409, 'ERR_INVALID_TRANSITION');
    expectProblem(await a.post('installation-challenge', undefined), 409, 'ERR_INVALID_TRANSITION');
  });
});
