import * as asn1js from 'asn1js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../../src/der/encoding.js';
import {
  derBitString,
  derBoolean,
  derIa5String,
  derOid,
  derSetOf,
  derSmallInteger,
  derTime,
  derUnsignedInteger,
  derUtf8String,
} from '../../src/der/writer.js';
import { isPkiError } from '../../src/errors.js';

function code(f: () => unknown): string {
  try {
    f();
    return 'OK';
  } catch (e) {
    if (isPkiError(e)) return e.code;
    throw e;
  }
}

describe('DER writer: certificate and request helpers', () => {
  it('round-trips random OIDs through asn1js', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2 }),
        fc.integer({ min: 0, max: 39 }),
        // asn1js prints arcs beyond 2^53 imprecisely; big arcs are covered by the vectors in writer.test.ts.
        fc.array(fc.bigInt({ min: 0n, max: 2n ** 53n - 1n }), { maxLength: 8 }),
        (a, b, rest) => {
          const oid = [a, b, ...rest].join('.');
          const parsed = asn1js.fromBER(derOid(oid)).result as asn1js.ObjectIdentifier;
          expect(parsed.valueBlock.toString()).toBe(oid);
        },
      ),
    );
  });

  it('encodes unsigned INTEGERs minimally, with a sign octet when the top bit is set', () => {
    expect(toHex(derUnsignedInteger(Uint8Array.of(0x80)))).toBe('02020080');
    expect(toHex(derUnsignedInteger(Uint8Array.of(0, 0, 1)))).toBe('020101');
    expect(toHex(derUnsignedInteger(new Uint8Array()))).toBe('020100');
    expect(toHex(derSmallInteger(0))).toBe('020100');
    expect(toHex(derSmallInteger(2))).toBe('020102');
    expect(toHex(derSmallInteger(255))).toBe('020200ff');
    expect(toHex(derSmallInteger(65537))).toBe('0203010001');
    expect(code(() => derSmallInteger(-1))).toBe('ERR_INVALID_ARGUMENT');
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }), (bytes) => {
        const parsed = asn1js.fromBER(derUnsignedInteger(bytes)).result as asn1js.Integer;
        expect(parsed.toBigInt()).toBe(bytes.length === 0 ? 0n : BigInt(`0x${toHex(bytes) || '0'}`));
      }),
    );
  });

  it('writes BOOLEAN TRUE as 0xFF, BIT STRING with its unused-bits octet, strings', () => {
    expect(toHex(derBoolean(true))).toBe('0101ff');
    expect(toHex(derBoolean(false))).toBe('010100');
    expect(toHex(derBitString(Uint8Array.of(0x05, 0xa0).subarray(1), 5))).toBe('030205a0');
    expect(toHex(derIa5String('http://a'))).toBe('1608687474703a2f2f61');
    expect(code(() => derIa5String('http://пример'))).toBe('ERR_INVALID_ARGUMENT');
    expect(toHex(derUtf8String('ҰКО'))).toBe('0c06d2b0d09ad09e');
  });

  it('sorts SET OF elements by their encodings (X.690 §11.6)', () => {
    const a = fromHex('0201ff');
    const b = fromHex('020101');
    const c = fromHex('02020100');
    expect(toHex(derSetOf(a, c, b))).toBe('310a' + '020101' + '0201ff' + '02020100');
  });

  describe('Time (RFC 5280 §4.1.2.5)', () => {
    const cases: [string, string][] = [
      ['1950-01-01T00:00:00Z', '170d3530303130313030303030305a'], // UTCTime 500101000000Z
      ['2049-12-31T23:59:59Z', '170d3439313233313233353935395a'], // UTCTime 491231235959Z
      ['2050-01-01T00:00:00Z', '180f32303530303130313030303030305a'], // GeneralizedTime 20500101000000Z
      ['1949-12-31T23:59:59Z', '180f31393439313233313233353935395a'], // GeneralizedTime 19491231235959Z
      ['2026-11-23T07:08:09.999Z', '170d3236313132333037303830395a'], // milliseconds dropped
    ];
    it.each(cases)('%s', (iso, hex) => {
      expect(toHex(derTime(new Date(iso)))).toBe(hex);
    });
    it('round-trips through asn1js for any second in 1900..2200', () => {
      fc.assert(
        fc.property(
          fc.integer({ min: Date.UTC(1900, 0, 1) / 1000, max: Date.UTC(2200, 0, 1) / 1000 }),
          (sec) => {
            const d = new Date(sec * 1000);
            const der = derTime(d);
            const el = asn1js.fromBER(der).result as asn1js.UTCTime | asn1js.GeneralizedTime;
            expect(el.toDate().getTime()).toBe(d.getTime());
            expect(der[0]).toBe(d.getUTCFullYear() >= 1950 && d.getUTCFullYear() < 2050 ? 0x17 : 0x18);
          },
        ),
      );
    });
  });
});
