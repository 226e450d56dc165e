/**
 * `enroll()` checks its options and the key-file password before it sends anything; the dev SMS
 * outbox helper picks the code sent for the application. The flow itself runs against the real
 * CA in `@kzpki/cli`'s tests (this package does not depend on the CA).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { devSmsOutbox, type EnrollOptions, enroll, enrollKeyAlgorithm, KzpkiApiError } from '../src/index.js';
import { json, startServer, type TestServer } from './support/http-server.js';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const base: EnrollOptions = {
  caUrl: 'http://127.0.0.1:9',
  template: 'individual',
  iin: '850315300128',
  password: 'Qwerty12',
  otp: async () => '000000',
};

async function code(options: EnrollOptions): Promise<string> {
  const e = await enroll(options).then(
    () => undefined,
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(KzpkiApiError);
  return (e as KzpkiApiError).code;
}

describe('enroll() before the first request', () => {
  it.each([
    [{ template: 'nobody' }],
    [{ iin: '12345' }],
    [{ template: 'employee' }],
    [{ bin: '150440000013' }],
    [{ otp: 'code' }],
    // Digital ID's phone: +7 and ten digits, as the CA's API takes it.
    [{ phone: '87011112233' }],
    [{ phone: 7011112233 }],
    [{ validity: { notBefore: new Date('2024-01-01'), notAfter: new Date('2023-01-01') } }],
    // Individuals are issued an RSA AUTH + SIGN pair, never one GOST key.
    [{ keyAlgorithm: 'GOST-2015-512' }],
  ])('ERR_INVALID_ARGUMENT for %j', async (override) => {
    expect(await code({ ...base, ...(override as Partial<EnrollOptions>) })).toBe('ERR_INVALID_ARGUMENT');
  });

  it('picks GOST-2015-512 for legal-entity templates and RSA-2048 for individuals unless told', () => {
    expect(enrollKeyAlgorithm('individual')).toBe('RSA-2048');
    for (const t of ['first-manager', 'signer', 'finance', 'hr', 'employee', 'treasury'] as const) {
      expect(enrollKeyAlgorithm(t)).toBe('GOST-2015-512');
      expect(enrollKeyAlgorithm(t, 'RSA-2048')).toBe('RSA-2048');
    }
  });

  it('ERR_PASSWORD_POLICY for a password the NCA rule refuses, with nothing sent', async () => {
    server = await startServer(() => json(500, {}));
    expect(await code({ ...base, caUrl: server.url, password: 'qwerty' })).toBe('ERR_PASSWORD_POLICY');
    expect(server.requests).toHaveLength(0);
  });

  it('an unreachable CA is ERR_NETWORK', async () => {
    expect(await code(base)).toBe('ERR_NETWORK');
  });

  it('an aborted signal stops the flow with ERR_ABORTED', async () => {
    server = await startServer(() => json(500, {}));
    const controller = new AbortController();
    controller.abort();
    expect(await code({ ...base, caUrl: server.url, signal: controller.signal })).toBe('ERR_ABORTED');
  });
});

describe('devSmsOutbox', () => {
  const messages = [
    {
      id: 3,
      sender: '1414',
      to: '+77011112233',
      text: 'notice',
      kind: 'notification',
      sentAt: '2025-03-01T10:02:00.000Z',
    },
    {
      id: 2,
      sender: '1414',
      to: '+77011112233',
      text: 'code 222222',
      kind: 'otp',
      code: '222222',
      sentAt: '2025-03-01T10:01:00.000Z',
    },
    {
      id: 1,
      sender: '1414',
      to: '+77011112233',
      text: 'code 111111',
      kind: 'otp',
      code: '111111',
      sentAt: '2025-03-01T10:00:00.000Z',
    },
  ];

  it('returns the newest code sent to the IIN', async () => {
    server = await startServer(() => json(200, { messages }));
    const outbox = devSmsOutbox(server.url);
    expect(await outbox.latestOtp('850315300128')).toBe('222222');
    expect(server.requests[0]?.url).toBe('/v1/dev/sms-outbox?iin=850315300128');
    const viaProvider = await outbox.otp({
      applicationId: 'a',
      iin: '850315300128',
      sentTo: '+7 701 *** ** 33',
      sentAt: new Date('2025-03-01T10:01:00.500Z'),
      expiresAt: new Date('2025-03-01T10:02:30.000Z'),
      attempt: 1,
    });
    expect(viaProvider).toBe('222222');
  });

  it('ignores codes older than the application and gives up with ERR_OTP_UNAVAILABLE', async () => {
    server = await startServer(() => json(200, { messages }));
    const e = await devSmsOutbox(server.url)
      .latestOtp('850315300128', {
        sentAt: new Date('2025-03-01T10:05:00.000Z'),
        // Generous against a loaded CI machine, where one request alone can take hundreds of ms.
        timeoutMs: 2_000,
        pollIntervalMs: 20,
      })
      .catch((x: unknown) => x);
    expect((e as KzpkiApiError).code).toBe('ERR_OTP_UNAVAILABLE');
    expect(server.requests.length).toBeGreaterThan(1);
  });

  it("gives the number the codes went to, for Digital ID's phone page", async () => {
    server = await startServer(() => json(200, { messages }));
    const outbox = devSmsOutbox(server.url);
    expect(await outbox.registeredPhone('850315300128')).toBe('+77011112233');
    expect(await outbox.phone({ applicationId: 'a', iin: '850315300128' })).toBe('+77011112233');
    expect(server.requests[0]?.url).toBe('/v1/dev/sms-outbox?iin=850315300128');
  });

  it('no code sent yet, or no dev mode, is ERR_PHONE_UNAVAILABLE', async () => {
    server = await startServer(() => json(200, { messages: messages.filter((m) => m.kind !== 'otp') }));
    const none = await devSmsOutbox(server.url)
      .registeredPhone('850315300128')
      .catch((x: unknown) => x);
    expect((none as KzpkiApiError).code).toBe('ERR_PHONE_UNAVAILABLE');
    await server.close();
    server = await startServer(() => ({
      status: 404,
      headers: { 'content-type': 'application/problem+json' },
      body: JSON.stringify({ type: 'x', title: 'Not found', status: 404, code: 'ERR_NOT_FOUND' }),
    }));
    const noDev = await devSmsOutbox(server.url)
      .registeredPhone('850315300128')
      .catch((x: unknown) => x);
    expect((noDev as KzpkiApiError).code).toBe('ERR_PHONE_UNAVAILABLE');
  });

  it('a CA without dev mode (404) is ERR_OTP_UNAVAILABLE', async () => {
    server = await startServer(() => ({
      status: 404,
      headers: { 'content-type': 'application/problem+json' },
      body: JSON.stringify({ type: 'x', title: 'Not found', status: 404, code: 'ERR_NOT_FOUND' }),
    }));
    const e = await devSmsOutbox(server.url)
      .latestOtp('850315300128')
      .catch((x: unknown) => x);
    expect((e as KzpkiApiError).code).toBe('ERR_OTP_UNAVAILABLE');
  });
});
