import { readFileSync } from 'node:fs';
/** RFC 9457 problem documents with the ERR_ code style. */
import { describe, expect, it } from 'vitest';
import {
  isProblemError,
  listen,
  problemDocument,
  problemOf,
  problemType,
  SERVER_KIT_ERROR_STATUS,
  ServerKitError,
  sendProblem,
  titleOf,
} from '../src/index.js';

class AppError extends Error {
  readonly status = 422;
  readonly details = { attemptsLeft: 2 };
  constructor(readonly code: string) {
    super('Wrong code');
  }
}

describe('problem documents', () => {
  it('derive type and title from the code, keeping abbreviations', () => {
    expect(problemType('ERR_OTP_EXPIRED')).toBe('https://kzpki.dev/problems/otp-expired');
    expect(problemType('ERR_APPLICATION_NOT_FOUND')).toBe('https://kzpki.dev/problems/application-not-found');
    expect(titleOf('ERR_OTP_EXPIRED')).toBe('OTP expired');
    expect(titleOf('ERR_CSR_KEY_REUSED')).toBe('CSR key reused');
    expect(titleOf('ERR_CRL_NOT_AVAILABLE')).toBe('CRL not available');
    expect(titleOf('ERR_APPLICATION_NOT_FOUND')).toBe('Application not found');
  });

  it('carry the RFC 9457 members, the code and the extension members', () => {
    expect(problemDocument('ERR_PIN_INVALID', 422, 'Wrong PIN', { attemptsLeft: 1 })).toEqual({
      type: 'https://kzpki.dev/problems/pin-invalid',
      title: 'PIN invalid',
      status: 422,
      code: 'ERR_PIN_INVALID',
      detail: 'Wrong PIN',
      attemptsLeft: 1,
    });
    // Extension members cannot override the standard ones.
    expect(problemDocument('ERR_X', 400, undefined, { status: 200, code: 'OK' })).toMatchObject({
      status: 400,
      code: 'ERR_X',
    });
  });

  it('keep the code, status, message and details of an app error; hide anything else', () => {
    const e = new AppError('ERR_OTP_INVALID');
    expect(isProblemError(e)).toBe(true);
    expect(problemOf(e)).toMatchObject({
      code: 'ERR_OTP_INVALID',
      status: 422,
      detail: 'Wrong code',
      attemptsLeft: 2,
    });
    for (const other of [
      new Error('ENOENT: /etc/kzpki/secret.key'),
      Object.assign(new Error('refused'), { code: 'ECONNREFUSED' }),
      Object.assign(new Error('x'), { code: 'ERR_X', status: 200 }),
      Object.assign(new Error('x'), { code: 'not_err', status: 400 }),
      { code: 'ERR_PLAIN_OBJECT', status: 400, message: 'not an Error' },
      'a string',
    ]) {
      const p = problemOf(other);
      expect(p).toEqual({
        type: 'https://kzpki.dev/problems/internal',
        title: 'Internal',
        status: 500,
        code: 'ERR_INTERNAL',
        detail: 'Internal error',
      });
    }
  });

  it('the kit error class: every code has its status', () => {
    for (const [code, status] of Object.entries(SERVER_KIT_ERROR_STATUS)) {
      const e = new ServerKitError(code as keyof typeof SERVER_KIT_ERROR_STATUS, 'm');
      expect([e.code, e.status, e.name]).toEqual([code, status, 'ServerKitError']);
      expect(code).toMatch(/^ERR_[A-Z]+(_[A-Z]+)*$/);
    }
  });

  it('docs/errors.md lists every kit code (HTTP status for the wire codes)', () => {
    const md = readFileSync(new URL('../../../docs/errors.md', import.meta.url), 'utf8');
    const section = md.split('\n## ').find((x) => x.startsWith('@kzpki/server-kit')) ?? '';
    const rows = [...section.matchAll(/^\| `(ERR_[A-Z_]+)` \| (\d{3}|—) \|/gm)].map((m) => [
      m[1],
      m[2] === '—' ? 500 : Number(m[2]),
    ]);
    expect(Object.fromEntries(rows)).toEqual(SERVER_KIT_ERROR_STATUS);
  });

  it('sendProblem writes problem+json with no-store and Retry-After on a raw response', async () => {
    const running = await listen((_req, res) =>
      sendProblem(res, problemDocument('ERR_RATE_LIMITED', 429, 'Slow down', { retryAfter: 7.2 }), {
        'x-extra': '1',
      }),
    );
    try {
      const r = await fetch(running.url);
      expect(r.status).toBe(429);
      expect(r.headers.get('content-type')).toBe('application/problem+json; charset=utf-8');
      expect(r.headers.get('cache-control')).toBe('no-store');
      expect(r.headers.get('retry-after')).toBe('8');
      expect(r.headers.get('x-extra')).toBe('1');
      expect(await r.json()).toMatchObject({ code: 'ERR_RATE_LIMITED', retryAfter: 7.2 });
    } finally {
      await running.close();
    }
  });
});
