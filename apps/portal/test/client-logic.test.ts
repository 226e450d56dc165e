/**
 * Pure parts of the browser code: the Digital ID PIN rule (as the CA's), the liveness score
 * from frame motion, the hash routes, the one-time code countdown.
 */
import { APPROVER_ROLES as PKI_APPROVER_ROLES } from '@kzpki/pki';
import { describe, expect, it } from 'vitest';
import { APPROVER_ROLES } from '../src/app/api/types.js';
import { livenessFromMotion, motionOf } from '../src/app/media/liveness.js';
import { otpDeadlines } from '../src/app/pages/wizard/otp-deadlines.js';
import { pinProblem } from '../src/app/pages/wizard/pin.js';
import { parseRoute } from '../src/app/router.js';

describe('PIN rule', () => {
  it('accepts 4-8 digits that are not a repeat or a straight run', () => {
    for (const pin of [
      '4831',
      '0000',
      '1234',
      '9876',
      '12345678',
      '123',
      '123456789',
      '12a4',
      '2468',
      '1231',
    ]) {
      const expected = ['4831', '2468', '1231'].includes(pin)
        ? undefined
        : /^[0-9]{4,8}$/.test(pin)
          ? 'simple'
          : 'format';
      expect(pinProblem(pin), pin).toBe(expected);
    }
  });
  it('refuses every repeated digit and every run of every length', () => {
    for (let len = 4; len <= 8; len++) {
      for (let d = 0; d <= 9; d++) expect(pinProblem(String(d).repeat(len))).toBe('simple');
      for (let start = 0; start + len <= 10; start++) {
        const up = Array.from({ length: len }, (_, i) => start + i).join('');
        expect(pinProblem(up)).toBe('simple');
        expect(pinProblem([...up].reverse().join(''))).toBe('simple');
      }
    }
  });
});

describe('liveness score', () => {
  const frame = (fill: (i: number) => number) => Uint8Array.from({ length: 64 * 64 }, (_, i) => fill(i));

  it('a still picture scores 0 and fails', () => {
    const still = frame((i) => i % 256);
    expect(motionOf([still, still, still])).toBe(0);
    expect(livenessFromMotion(0)).toEqual({ passed: false, score: 0 });
  });
  it('noise below the pixel threshold is not motion', () => {
    const a = frame(() => 100);
    const b = frame((i) => 100 + (i % 20));
    expect(motionOf([a, b, a])).toBe(0);
  });
  it('a moving object is motion; the score is 0.5 at the pass threshold', () => {
    const at = (x: number) => frame((i) => (Math.abs((i % 64) - x) < 8 ? 255 : 0));
    const m = motionOf([at(10), at(20), at(30), at(40)]);
    expect(m).toBeGreaterThan(0.02);
    expect(livenessFromMotion(m).passed).toBe(true);
    expect(livenessFromMotion(0.02)).toEqual({ passed: true, score: 0.5 });
    expect(livenessFromMotion(0.019).passed).toBe(false);
    expect(livenessFromMotion(1).score).toBe(1);
  });
});

describe('hash routes', () => {
  it('maps hashes to pages', () => {
    expect(parseRoute('')).toEqual({ page: 'home' });
    expect(parseRoute('#/')).toEqual({ page: 'home' });
    expect(parseRoute('#/obtain')).toEqual({ page: 'obtain' });
    expect(parseRoute('#/status/27888601100404')).toEqual({ page: 'status', number: '27888601100404' });
    expect(parseRoute('#/status')).toEqual({ page: 'status' });
    expect(parseRoute('#/key-check')).toEqual({ page: 'key-check' });
    expect(parseRoute('#/cabinet')).toEqual({ page: 'cabinet' });
    expect(parseRoute('#/operator')).toEqual({ page: 'operator' });
    expect(parseRoute('#/nowhere')).toEqual({ page: 'home' });
  });
});

describe('one-time code countdown', () => {
  const app = (updatedAt: string, expiresAt: string, resendAvailableAt: string) =>
    ({
      id: 'm1N2b3V4c5X6z7L8k9J0hG',
      kind: 'individual',
      template: 'individual',
      iin: '850315300128',
      status: 'otp-sent',
      statusText: { ru: '', kk: '', en: '' },
      createdAt: updatedAt,
      updatedAt,
      nextActions: ['verifyOtp'],
      otp: {
        sender: '1414',
        sentTo: '+7 701 *** ** 33',
        expiresAt,
        ttlSeconds: 90,
        resendAvailableAt,
        attemptsLeft: 3,
      },
    }) as Parameters<typeof otpDeadlines>[0];

  it('counts the server offsets from the arrival of the answer, whatever the local clock says', () => {
    // The server's clock is an hour off from the browser's: only the offsets matter.
    const a = app('2025-03-01T10:00:00.000Z', '2025-03-01T10:01:30.000Z', '2025-03-01T10:01:00.000Z');
    expect(otpDeadlines(a, 5_000)).toEqual({ receivedAt: 5_000, expiresAt: 95_000, resendAt: 65_000 });
  });
  it('never exceeds the validity the server states', () => {
    const a = app('2025-03-01T10:00:00.000Z', '2025-03-01T10:05:00.000Z', 'not a date');
    expect(otpDeadlines(a, 0)).toEqual({ receivedAt: 0, expiresAt: 90_000, resendAt: 90_000 });
  });
});

describe('approver roles', () => {
  it('are the roles @kzpki/pki says confirm applications', () => {
    expect(APPROVER_ROLES).toEqual(PKI_APPROVER_ROLES);
  });
});
