/**
 * What the clients make of what a service answers: the server's problem `code`, `status`,
 * `detail` and extension members; HTTP errors that are not problems; unreachable services;
 * success bodies that are not JSON.
 */
import { afterEach, describe, expect, it } from 'vitest';
import {
  createCaClient,
  createStatusClient,
  downloadBytes,
  isKzpkiApiError,
  KzpkiApiError,
  postOcspRequest,
  unwrap,
} from '../src/index.js';
import { json, problem, type Reply, startServer, type TestServer } from './support/http-server.js';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function serve(reply: (method: string, url: string) => Reply): Promise<TestServer> {
  server = await startServer(reply);
  return server;
}

async function failure(p: Promise<unknown>): Promise<KzpkiApiError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(KzpkiApiError);
    return e as KzpkiApiError;
  }
  throw new Error('expected a failure');
}

describe('problem+json responses', () => {
  it('become a KzpkiApiError with the server code, status, detail and extension members', async () => {
    const s = await serve(() =>
      problem(422, {
        type: 'https://kzpki.dev/problems/phone-not-registered',
        title: 'Phone not registered in the Mobile Citizens Database',
        status: 422,
        code: 'ERR_PHONE_NOT_REGISTERED',
        detail: 'Register your phone number, then start again.',
        registration: { ru: 'Зарегистрируйте номер', kk: 'Тіркеңіз', en: 'Register your phone number' },
      }),
    );
    const ca = createCaClient({ baseUrl: s.url });
    const e = await failure(
      unwrap(
        ca.POST('/v1/applications', {
          body: { kind: 'individual', template: 'individual', iin: '940615400124' },
        }),
      ),
    );
    expect(e.code).toBe('ERR_PHONE_NOT_REGISTERED');
    expect(e.status).toBe(422);
    expect(e.detail).toBe('Register your phone number, then start again.');
    expect(e.message).toBe('Register your phone number, then start again.');
    expect(e.problem?.registration).toEqual({
      ru: 'Зарегистрируйте номер',
      kk: 'Тіркеңіз',
      en: 'Register your phone number',
    });
    expect(isKzpkiApiError(e, 'ERR_PHONE_NOT_REGISTERED')).toBe(true);
    expect(isKzpkiApiError(e, 'ERR_OTP_INVALID')).toBe(false);
    expect(s.requests[0]).toMatchObject({ method: 'POST', url: '/v1/applications' });
    expect(JSON.parse(s.requests[0]?.body ?? '')).toEqual({
      kind: 'individual',
      template: 'individual',
      iin: '940615400124',
    });
  });

  it('take Retry-After from the header when the body has no retryAfter', async () => {
    const s = await serve(() =>
      problem(
        429,
        { type: 'x', title: 'Too many requests', status: 429, code: 'ERR_RATE_LIMITED' },
        { 'retry-after': '12' },
      ),
    );
    const e = await failure(unwrap(createCaClient({ baseUrl: s.url }).GET('/v1/health')));
    expect([e.code, e.retryAfterSeconds]).toEqual(['ERR_RATE_LIMITED', 12]);
  });

  it('carry the status service codes too', async () => {
    const s = await serve(() =>
      problem(404, {
        type: 'x',
        title: 'Not Found',
        status: 404,
        code: 'ERR_APPLICATION_NOT_FOUND',
        detail: 'No application',
      }),
    );
    const status = createStatusClient({ baseUrl: s.url });
    const e = await failure(
      unwrap(status.GET('/api/v1/applications/{number}', { params: { path: { number: '27888601100404' } } })),
    );
    expect(e.code).toBe('ERR_APPLICATION_NOT_FOUND');
    expect(s.requests[0]?.url).toBe('/api/v1/applications/27888601100404');
  });

  it('send the session token as a bearer token', async () => {
    const s = await serve(() => json(200, { applications: [] }));
    await unwrap(
      createCaClient({ baseUrl: `${s.url}/`, token: 'kzc_secret' }).GET('/v1/cabinet/applications'),
    );
    expect(s.requests[0]?.headers.authorization).toBe('Bearer kzc_secret');
  });
});

describe('other failures', () => {
  it('an HTTP error that is not a problem is ERR_HTTP with the status', async () => {
    const s = await serve(() => ({
      status: 502,
      headers: { 'content-type': 'text/html' },
      body: '<h1>Bad gateway</h1>',
    }));
    const e = await failure(unwrap(createCaClient({ baseUrl: s.url }).GET('/v1/health')));
    expect([e.code, e.status]).toEqual(['ERR_HTTP', 502]);
    expect(e.details.body).toBe('<h1>Bad gateway</h1>');
  });

  it('an unreachable service is ERR_NETWORK', async () => {
    const s = await serve(() => json(200, {}));
    const url = s.url;
    await s.close();
    server = undefined;
    const e = await failure(unwrap(createCaClient({ baseUrl: url }).GET('/v1/health')));
    expect(e.code).toBe('ERR_NETWORK');
    expect(e.message).toContain(url);
  });

  it('a success body that is not JSON is ERR_INVALID_RESPONSE', async () => {
    const s = await serve(() => ({
      status: 200,
      headers: { 'content-type': 'application/json' },
      body: '{"status":',
    }));
    const e = await failure(unwrap(createCaClient({ baseUrl: s.url }).GET('/v1/health')));
    expect(e.code).toBe('ERR_INVALID_RESPONSE');
  });

  it('an OCSP URL that answers with something else is ERR_INVALID_RESPONSE', async () => {
    const s = await serve(() => ({ status: 200, headers: { 'content-type': 'text/plain' }, body: 'hello' }));
    const e = await failure(postOcspRequest(`${s.url}/ocsp`, new Uint8Array([0x30, 0x00])));
    expect(e.code).toBe('ERR_INVALID_RESPONSE');
    expect(s.requests[0]?.headers['content-type']).toBe('application/ocsp-request');
  });

  it('downloads bytes unchanged, and reports a 404 as ERR_HTTP', async () => {
    const s = await serve((_m, url) =>
      url === '/crl/x.crl'
        ? { status: 200, headers: { 'content-type': 'application/pkix-crl' }, body: 'DER' }
        : { status: 404 },
    );
    expect(new TextDecoder().decode(await downloadBytes(`${s.url}/crl/x.crl`))).toBe('DER');
    expect((await failure(downloadBytes(`${s.url}/crl/y.crl`))).status).toBe(404);
  });

  it.each([['ftp://example.kz'], ['not a url'], [42]])(
    'a bad base URL %j is ERR_INVALID_ARGUMENT',
    (baseUrl) => {
      expect(() => createCaClient({ baseUrl: baseUrl as string })).toThrowError(
        expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT' }),
      );
    },
  );
});
