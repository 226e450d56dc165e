/**
 * The verifier's own multiplication order (src/gost/multiply.ts: wNAF digits, Shamir's trick) and
 * the GOST field's fast addition/subtraction and multiplication by a = -3 (src/gost/curves.ts),
 * checked against noble's plain arithmetic on all three named curves, with edge scalars and random
 * ones (fixed seeds).
 */
import { mod } from '@noble/curves/abstract/modular';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type GostCurveName, gostCurve } from '../../src/gost/curves.js';
import { mulAddBaseUnsafe, mulAddTablesUnsafe, wnafDigits } from '../../src/gost/multiply.js';

const NAMES: GostCurveName[] = ['tc26-512-paramSetA', 'tc26-256-paramSetA', 'cryptopro-A'];

describe('wnafDigits', () => {
  it('digits sum back to k, are odd or zero, below 2^(w-1), at most one non-zero in any w in a row', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: (1n << 520n) - 1n }), fc.integer({ min: 2, max: 8 }), (k, w) => {
        const digits = wnafDigits(k, w);
        let sum = 0n;
        for (let i = digits.length - 1; i >= 0; i--) sum = 2n * sum + BigInt(digits[i]!);
        expect(sum).toBe(k);
        for (let i = 0; i < digits.length; i++) {
          const d = digits[i]!;
          expect(d === 0 || (Math.abs(d) % 2 === 1 && Math.abs(d) < 1 << (w - 1))).toBe(true);
          if (d !== 0) for (let j = i + 1; j < Math.min(i + w, digits.length); j++) expect(digits[j]).toBe(0);
        }
        if (digits.length > 0) expect(digits[digits.length - 1]).not.toBe(0);
      }),
      { seed: 7091, numRuns: 300 },
    );
  });

  it('rejects a negative scalar and a window outside 2..8', () => {
    expect(() => wnafDigits(-1n, 5)).toThrow(RangeError);
    expect(() => wnafDigits(5n, 1)).toThrow(RangeError);
    expect(() => wnafDigits(5n, 9)).toThrow(RangeError);
  });
});

describe('mulAddBaseUnsafe', () => {
  for (const name of NAMES) {
    it(`${name}: u1·G + u2·Q equals noble's products, edge and random scalars`, () => {
      const curve = gostCurve(name);
      const { Point, params } = curve;
      const { q } = params;
      const Q = Point.BASE.multiply(0x1234567890abcdefn);
      const reference = (u1: bigint, u2: bigint) => Point.BASE.multiplyUnsafe(u1).add(Q.multiplyUnsafe(u2));
      const edges = [0n, 1n, 2n, 3n, 127n, 128n, 255n, q - 1n, q - 2n, q >> 1n];
      for (const u1 of edges)
        for (const u2 of edges)
          expect(mulAddBaseUnsafe(curve, u1, Q, u2).equals(reference(u1, u2))).toBe(true);
      // u1·G + u2·Q = O with Q = cG: u2 = 1, u1 = q - c.
      expect(mulAddBaseUnsafe(curve, q - 0x1234567890abcdefn, Q, 1n).is0()).toBe(true);
      // Q = G: the chain adds a point to itself (complete formulas).
      expect(mulAddBaseUnsafe(curve, 5n, Point.BASE, 7n).equals(Point.BASE.multiply(12n))).toBe(true);
      fc.assert(
        fc.property(fc.bigInt({ min: 0n, max: q - 1n }), fc.bigInt({ min: 0n, max: q - 1n }), (u1, u2) => {
          expect(mulAddBaseUnsafe(curve, u1, Q, u2).equals(reference(u1, u2))).toBe(true);
        }),
        { seed: 34102012, numRuns: 8 },
      );
    });
  }

  it('rejects scalars outside [0, q)', () => {
    const curve = gostCurve('tc26-512-paramSetA');
    const G = curve.Point.BASE;
    expect(() => mulAddBaseUnsafe(curve, curve.params.q, G, 1n)).toThrow(RangeError);
    expect(() => mulAddBaseUnsafe(curve, 1n, G, -1n)).toThrow(RangeError);
    expect(() => mulAddTablesUnsafe(curve, curve.params.q, G, 1n)).toThrow(RangeError);
    expect(() => mulAddTablesUnsafe(curve, 1n, G, -1n)).toThrow(RangeError);
  });
});

describe('mulAddTablesUnsafe (a key with noble window table)', () => {
  for (const name of NAMES) {
    it(`${name}: u1·G + u2·Q equals the sum of two ladder products, edge and random scalars`, () => {
      const curve = gostCurve(name);
      const { Point, params } = curve;
      const { q } = params;
      const c = 0xfedcba9876543210n;
      // The reference works on a copy of Q without a table (the ladder) and G computed afresh.
      const plainQ = Point.fromAffine(Point.BASE.multiply(c).toAffine());
      const plainG = Point.fromAffine(Point.BASE.toAffine());
      const Q = Point.fromAffine(plainQ.toAffine()).precompute(4, false);
      const reference = (u1: bigint, u2: bigint) => plainG.multiplyUnsafe(u1).add(plainQ.multiplyUnsafe(u2));
      const edges = [0n, 1n, 2n, 15n, 16n, 255n, 256n, q - 1n, q - 2n, q >> 1n];
      for (const u1 of edges)
        for (const u2 of edges)
          expect(mulAddTablesUnsafe(curve, u1, Q, u2).equals(reference(u1, u2))).toBe(true);
      expect(mulAddTablesUnsafe(curve, q - c, Q, 1n).is0()).toBe(true);
      fc.assert(
        fc.property(fc.bigInt({ min: 0n, max: q - 1n }), fc.bigInt({ min: 0n, max: q - 1n }), (u1, u2) => {
          expect(mulAddTablesUnsafe(curve, u1, Q, u2).equals(reference(u1, u2))).toBe(true);
        }),
        { seed: 4491, numRuns: 8 },
      );
    });
  }
});

describe('GOST field addition, subtraction, negation, multiplication by a', () => {
  for (const name of NAMES) {
    it(`${name}: equal to reduction with mod, also for operands that are not reduced`, () => {
      const { Fp } = gostCurve(name).Point;
      const curveA = gostCurve(name).params.a;
      const p = Fp.ORDER;
      const element = fc.bigInt({ min: 0n, max: p - 1n });
      const any = fc.oneof(element, fc.bigInt({ min: -3n * p, max: 3n * p }));
      fc.assert(
        fc.property(any, any, (a, b) => {
          expect(Fp.add(a, b)).toBe(mod(a + b, p));
          expect(Fp.sub(a, b)).toBe(mod(a - b, p));
          expect(Fp.neg(a)).toBe(mod(-a, p));
        }),
        { seed: 569, numRuns: 500 },
      );
      // a·y (a = p - 3 on two of the curves has its own path) and x·y.
      fc.assert(
        fc.property(any, element, (y, x) => {
          expect(Fp.mul(curveA, y)).toBe(mod(curveA * y, p));
          expect(Fp.mul(x, y)).toBe(mod(x * y, p));
        }),
        { seed: 569, numRuns: 500 },
      );
      for (const [a, b] of [
        [0n, 0n],
        [p - 1n, 1n],
        [p - 1n, p - 1n],
        [0n, p - 1n],
        [1n, p - 1n],
      ] as const) {
        expect(Fp.add(a, b)).toBe(mod(a + b, p));
        expect(Fp.sub(a, b)).toBe(mod(a - b, p));
        expect(Fp.neg(a)).toBe(mod(-a, p));
        expect(Fp.mul(curveA, a)).toBe(mod(curveA * a, p));
        expect(Fp.mul(curveA, b)).toBe(mod(curveA * b, p));
      }
    });
  }
});
