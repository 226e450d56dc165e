import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { toHex } from '../../src/der/encoding.js';
import { derUnsignedInteger } from '../../src/der/writer.js';
import { isPkiError } from '../../src/errors.js';
import {
  MAX_SERIAL_BYTES,
  MIN_SERIAL_BYTES,
  randomSerial,
  serialFromRandom,
  serialHex,
  serialMagnitude,
} from '../../src/x509/serial.js';

function code(f: () => unknown): string {
  try {
    f();
    return 'OK';
  } catch (e) {
    if (isPkiError(e)) return e.code;
    throw e;
  }
}

describe('randomSerial', () => {
  const serials = Array.from({ length: 1000 }, () => randomSerial());

  it('1000 serials: 16 bytes, positive, leading octet 0x40..0x7f, all different', () => {
    for (const s of serials) {
      expect(s.length).toBe(16);
      expect(s[0]! & 0x80).toBe(0);
      expect(s[0]! & 0x40).toBe(0x40);
    }
    expect(new Set(serials.map(toHex)).size).toBe(1000);
  });

  it('encodes as a DER INTEGER of exactly 16 content octets, equal to the bytes (no sign octet)', () => {
    for (const s of serials) {
      const der = derUnsignedInteger(s);
      expect(der[0]).toBe(0x02);
      expect(der[1]).toBe(16);
      expect(der.subarray(2)).toEqual(s);
    }
  });

  it('keeps every one of the 126 random bits free: each is seen both set and clear', () => {
    // With 1000 uniform draws a fixed bit is constant with probability 2^-999: a bit that is always
    // the same means the generator or the transformation lost entropy.
    for (let bit = 2; bit < 128; bit++) {
      const values = new Set(serials.map((s) => (s[bit >> 3]! >> (7 - (bit & 7))) & 1));
      expect(values.size, `bit ${bit}`).toBe(2);
    }
  });

  it('accepts 9..20 bytes and nothing else (RFC 5280: at most 20 octets; >= 64 random bits)', () => {
    expect(randomSerial(MIN_SERIAL_BYTES)).toHaveLength(9);
    const max = randomSerial(MAX_SERIAL_BYTES);
    expect(derUnsignedInteger(max)[1]).toBe(20);
    for (const n of [0, 8, 21, 16.5, Number.NaN])
      expect(code(() => randomSerial(n))).toBe('ERR_INVALID_ARGUMENT');
  });
});

describe('serialFromRandom', () => {
  it('forces the top two bits to 01 and leaves every other bit as drawn', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 20 }), (random) => {
        const s = serialFromRandom(random);
        expect(s.length).toBe(random.length);
        expect(s[0]! >> 6).toBe(1);
        expect(s[0]! & 0x3f).toBe(random[0]! & 0x3f);
        expect(s.subarray(1)).toEqual(random.subarray(1));
      }),
    );
  });

  it('does not modify its input', () => {
    const r = Uint8Array.of(0xff, 1);
    serialFromRandom(r);
    expect(r).toEqual(Uint8Array.of(0xff, 1));
  });
});

describe('serialMagnitude / serialHex', () => {
  it('normalises bytes and hex to the unsigned magnitude', () => {
    expect(serialHex('00:0A:ff')).toBe('0aff');
    expect(serialHex('0x0102')).toBe('0102');
    expect(serialHex(Uint8Array.of(0, 0, 0x80))).toBe('80');
    expect(serialMagnitude(`7f${'00'.repeat(19)}`)).toHaveLength(20);
  });

  it('refuses zero, non-hex and serials longer than 20 octets once encoded', () => {
    expect(code(() => serialMagnitude('00'))).toBe('ERR_INVALID_ARGUMENT');
    expect(code(() => serialMagnitude(new Uint8Array()))).toBe('ERR_INVALID_ARGUMENT');
    expect(code(() => serialMagnitude('xyz'))).toBe('ERR_INVALID_ARGUMENT');
    // 20 octets with the top bit set need a 21st (sign) octet.
    expect(code(() => serialMagnitude(`80${'00'.repeat(19)}`))).toBe('ERR_INVALID_ARGUMENT');
    expect(code(() => serialMagnitude(`01${'00'.repeat(20)}`))).toBe('ERR_INVALID_ARGUMENT');
    expect(code(() => serialMagnitude(42 as unknown as string))).toBe('ERR_INVALID_ARGUMENT');
  });
});
