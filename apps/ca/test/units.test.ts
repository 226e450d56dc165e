/**
 * The small pieces: canonical JSON, application numbers, one-time codes, PINs, the rate limiter,
 * the registry comparison, and the transition table.
 */
import { createHmac, randomInt, scryptSync } from 'node:crypto';
import { APPLICATION_STATUSES, canonicalJson, TERMINAL_STATUSES, UNFINISHED_STATUSES } from '@kzpki/ca-store';
import { RateLimiter, titleOf } from '@kzpki/server-kit';
import { describe, expect, it } from 'vitest';
import { generateApplicationNumber, isValidApplicationNumber } from '../src/crypto/application-number.js';
import { generateOtp, otpMac, otpMatches } from '../src/crypto/otp.js';
import { isTooSimplePin, pinMac, verifyPin } from '../src/crypto/pin.js';
import { assertAllowed, nextActions, TRANSITIONS } from '../src/flow/transitions.js';
import { DEFAULT_RATE_LIMITS } from '../src/http/rate-limits.js';
import { compareWithRegistry } from '../src/issuance/identity-match.js';

function shuffle<T>(xs: T[]): T[] {
  const a = [...xs];
  for (let i = a.length - 1; i > 0; i--) {
    const j = randomInt(0, i + 1);
    [a[i], a[j]] = [a[j] as T, a[i] as T];
  }
  return a;
}

describe('canonicalJson', () => {
  it('sorts keys, drops undefined, writes dates as ISO and has no whitespace', () => {
    expect(canonicalJson({ b: 1, a: [true, null, 'x'], c: undefined, d: new Date(0) })).toBe(
      '{"a":[true,null,"x"],"b":1,"d":"1970-01-01T00:00:00.000Z"}',
    );
    expect(canonicalJson({ é: 1, e: 2, E: 3 })).toBe('{"E":3,"e":2,"é":1}');
    expect(() => canonicalJson({ x: Number.NaN })).toThrow(TypeError);
    expect(() => canonicalJson({ x: 1n })).toThrow(TypeError);
  });

  it('does not depend on the order keys were inserted in (random objects)', () => {
    for (let i = 0; i < 200; i++) {
      const entries = Array.from({ length: randomInt(0, 8) }, (_, k) => [
        `k${randomInt(0, 50)}_${k}`,
        randomInt(-1e6, 1e6),
      ]);
      const nested = { inner: Object.fromEntries(entries), list: entries.map(([, v]) => v) };
      const a = canonicalJson({ ...Object.fromEntries(entries), nested });
      const b = canonicalJson({
        nested: { list: nested.list, inner: Object.fromEntries(shuffle(entries)) },
        ...Object.fromEntries(shuffle(entries)),
      });
      expect(b).toBe(a);
      expect(JSON.parse(a)).toEqual(JSON.parse(b));
    }
  });
});

describe('application numbers', () => {
  it('are 14 digits, first non-zero, and not sequential', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 500; i++) {
      const n = generateApplicationNumber();
      expect(n).toMatch(/^[1-9][0-9]{13}$/);
      expect(isValidApplicationNumber(n)).toBe(true);
      seen.add(n);
    }
    expect(seen.size).toBe(500);
  });

  it('any 14 digits are a number to look up (the NCA uses no check digit): the number of seed 001 too', () => {
    expect(isValidApplicationNumber('73717378150611')).toBe(true);
    expect(isValidApplicationNumber('27888601100404')).toBe(true);
    for (const bad of ['7371737815061', '737173781506110', '7371737815061a', '']) {
      expect(isValidApplicationNumber(bad)).toBe(false);
    }
  });
});

describe('one-time codes', () => {
  it('are six digits and verify only for their application', () => {
    const key = new Uint8Array(32).fill(7);
    for (let i = 0; i < 100; i++) {
      const code = generateOtp();
      expect(code).toMatch(/^[0-9]{6}$/);
      const mac = otpMac(key, 'app-a', code);
      expect(otpMatches(key, 'app-a', code, mac)).toBe(true);
      expect(otpMatches(key, 'app-b', code, mac)).toBe(false);
      expect(otpMatches(key, 'app-a', code === '000000' ? '000001' : '000000', mac)).toBe(false);
      expect(otpMatches(new Uint8Array(32), 'app-a', code, mac)).toBe(false);
    }
    expect(otpMatches(key, 'a', '123456', 'zz')).toBe(false);
  });

  it("bind the code to its purpose: the first code never passes as Digital ID's, nor the reverse", () => {
    const key = new Uint8Array(32).fill(7);
    const code = generateOtp();
    const first = otpMac(key, 'app-a', code);
    const digitalId = otpMac(key, 'app-a', code, 'digital-id');
    expect(digitalId).not.toBe(first);
    expect(otpMatches(key, 'app-a', code, digitalId, 'digital-id')).toBe(true);
    expect(otpMatches(key, 'app-a', code, first, 'digital-id')).toBe(false);
    expect(otpMatches(key, 'app-a', code, digitalId)).toBe(false);
  });

  it('covers the whole range (no modulo bias towards small codes)', () => {
    const buckets = new Array<number>(10).fill(0);
    for (let i = 0; i < 5000; i++) buckets[Number(generateOtp()[0])]! += 1;
    for (const b of buckets) expect(b).toBeGreaterThan(350); // expected 500 each
  });
});

describe('PINs', () => {
  const key = new Uint8Array(32).fill(7);
  const otherKey = new Uint8Array(32).fill(8);
  it('are stored as an HMAC bound to the application, under a key the database does not hold', async () => {
    const a = pinMac(key, 'app-1', '4831');
    expect(a).toMatch(/^hmac-sha256\$[0-9a-f]{64}$/);
    // RFC 2104 HMAC-SHA256 over "pin\n<application id>\n<PIN>", computed here with Node directly.
    expect(a).toBe(`hmac-sha256$${createHmac('sha256', key).update('pin\napp-1\n4831').digest('hex')}`);
    expect(pinMac(key, 'app-2', '4831')).not.toBe(a);
    expect(pinMac(otherKey, 'app-1', '4831')).not.toBe(a);
    expect(await verifyPin(key, 'app-1', '4831', a)).toBe(true);
    expect(await verifyPin(key, 'app-1', '4832', a)).toBe(false);
    expect(await verifyPin(key, 'app-2', '4831', a)).toBe(false);
    expect(await verifyPin(otherKey, 'app-1', '4831', a)).toBe(false);
    expect(await verifyPin(key, 'app-1', '4831', 'hmac-sha256$zz')).toBe(false);
    expect(await verifyPin(key, 'app-1', '4831', 'md5$abc')).toBe(false);
  });

  it('records of earlier versions (scrypt) still verify, with a bounded cost', async () => {
    const salt = Buffer.from('0123456789abcdef');
    const hash = scryptSync('4831', salt, 32, { N: 1024, r: 8, p: 1 });
    const legacy = `scrypt$1024$8$1$${salt.toString('base64url')}$${hash.toString('base64url')}`;
    expect(await verifyPin(key, 'app-1', '4831', legacy)).toBe(true);
    expect(await verifyPin(key, 'app-1', '4832', legacy)).toBe(false);
    expect(await verifyPin(key, 'app-1', '4831', 'scrypt$1024$8$1$x$y')).toBe(false);
    // A cost planted in the database is not run.
    expect(await verifyPin(key, 'app-1', '4831', legacy.replace('scrypt$1024', 'scrypt$1048576'))).toBe(
      false,
    );
  });

  it('refuses repeated digits and straight runs', () => {
    for (const p of ['0000', '1111', '1234', '4321', '0123', '98765432', '123456'])
      expect(isTooSimplePin(p), p).toBe(true);
    for (const p of ['4831', '1235', '1212', '9870', '2468']) expect(isTooSimplePin(p), p).toBe(false);
  });
});

describe('rate limits', () => {
  // The token-bucket arithmetic, its invariant and bounded memory are tested in @kzpki/server-kit.
  it('by default an IIN gets five codes at once, then one every two minutes', async () => {
    let now = 0;
    const rl = new RateLimiter(DEFAULT_RATE_LIMITS, { now: () => now });
    for (let i = 0; i < 5; i++) expect((await rl.take('otpSendPerIin', '850315300128')).allowed).toBe(true);
    expect(await rl.take('otpSendPerIin', '850315300128')).toEqual({
      allowed: false,
      remaining: 0,
      retryAfterSeconds: 120,
    });
    expect((await rl.take('otpSendPerIin', '911212307895')).allowed).toBe(true);
    now += 120_000;
    expect((await rl.take('otpSendPerIin', '850315300128')).allowed).toBe(true);
    expect((await rl.take('otpSendPerIin', '850315300128')).allowed).toBe(false);
  });
});

describe('registry comparison', () => {
  const person = {
    iin: '850315300128',
    surname: 'АХМЕТОВ',
    givenName: 'АЙДАР',
    patronymic: 'СЕРИКОВИЧ',
    sex: 'male' as const,
    birthDate: '1985-03-15',
    document: {
      type: 'id-card' as const,
      number: '051234567',
      issuer: 'МВД',
      issuedAt: '2019-05-20',
      validUntil: '2029-05-19',
    },
  };
  const doc = { ...person, ...person.document, type: 'id-card' as const };
  it('matches case-insensitively and lists each difference', () => {
    expect(compareWithRegistry({ ...doc, surname: 'Ахметов' }, person, '2025-01-01')).toEqual([]);
    expect(
      compareWithRegistry({ ...doc, number: '1', givenName: 'АЙДОС' }, person, '2025-01-01').map(
        (m) => m.field,
      ),
    ).toEqual(['givenName', 'documentNumber']);
    expect(compareWithRegistry(doc, person, '2030-01-01').map((m) => m.field)).toEqual(['validUntil']);
  });
});

describe('transition table', () => {
  it('every status is reachable from otp-sent and terminal statuses lead nowhere', () => {
    const reach = new Set(['otp-sent']);
    for (let changed = true; changed; ) {
      changed = false;
      for (const t of Object.values(TRANSITIONS)) {
        if (t.from.some((s) => reach.has(s))) {
          for (const to of t.to) {
            if (reach.has(to)) continue;
            reach.add(to);
            changed = true;
          }
        }
      }
    }
    expect([...reach].sort()).toEqual([...APPLICATION_STATUSES].sort());
    for (const s of TERMINAL_STATUSES) {
      expect(Object.values(TRANSITIONS).filter((t) => t.from.includes(s) && t.to.length > 0)).toEqual([]);
      expect(nextActions(s).filter((a) => a !== 'downloadCertificates')).toEqual([]);
    }
    for (const s of UNFINISHED_STATUSES) expect(TRANSITIONS.expire.from).toContain(s);
  });

  it('refuses with the current status, and says when the application expired', () => {
    expect(() => assertAllowed('issueCertificates', 'awaiting-approval')).toThrow(/not allowed/);
    const caught = (() => {
      try {
        assertAllowed('verifyOtp', 'expired');
      } catch (e) {
        return e as { code: string };
      }
      return undefined;
    })();
    expect(caught?.code).toBe('ERR_APPLICATION_EXPIRED');
    expect(titleOf('ERR_OTP_EXPIRED')).toBe('OTP expired');
    expect(titleOf('ERR_CSR_KEY_REUSED')).toBe('CSR key reused');
  });
});
