/**
 * Property tests against the independent reference in reference.ts: single-digit changes, random
 * digit strings and arbitrary strings.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  generateBin,
  generateIin,
  IinError,
  isValidBin,
  isValidIin,
  parseBin,
  parseIin,
} from '../src/index.js';
import { passes, referenceBinValid, referenceIinValid } from './reference.js';

/** Every number that differs from `valid` in exactly one digit. */
function singleDigitChanges(valid: string): string[] {
  const out: string[] = [];
  for (let pos = 0; pos < 12; pos++)
    for (let d = 0; d <= 9; d++)
      if (String(d) !== valid[pos]) out.push(valid.slice(0, pos) + d + valid.slice(pos + 1));
  return out;
}

/**
 * Checks every single-digit change of `valid`: the validator rejects it unless the reference says
 * it is valid. It also pins down why a change can slip through. 11 is prime, so within one pass a
 * changed digit shows unless its weight is 11 ≡ 0 (mod 11): digit 11 in the first pass, digit 9 in
 * the second. Both numbers on the second pass means both first-pass sums are 10, so only digit 11
 * changed, and its second-pass weight 2 shows: that case cannot slip. What remains: digit 11
 * changed with both numbers on the first pass ("blind"), or the change moved the number between
 * the passes ("switch"). Returns how many changes slipped, by reason.
 */
function checkChanges(
  valid: string,
  isValid: (v: string) => boolean,
  reference: (v: string) => boolean,
): { blind: number; switch: number } {
  const seen = { blind: 0, switch: 0 };
  for (const changed of singleDigitChanges(valid)) {
    const expected = reference(changed);
    expect(isValid(changed), changed).toBe(expected);
    if (!expected) continue;
    const pos = [...changed].findIndex((c, i) => c !== valid[i]);
    const firstBefore = passes(valid).first !== 10;
    const firstAfter = passes(changed).first !== 10;
    expect(firstBefore || firstAfter, `${valid} → ${changed} both on the second pass`).toBe(true);
    if (firstBefore && firstAfter) {
      expect(pos, `${valid} → ${changed}`).toBe(10);
      seen.blind++;
    } else seen.switch++;
  }
  return seen;
}

describe('single-digit changes', () => {
  it('of the docs/domain.md examples are caught unless the reference says the result is valid', () => {
    for (const iin of ['871008401427', '061211600012']) checkChanges(iin, isValidIin, referenceIinValid);
    for (const bin of ['940140000385', '961141000023']) checkChanges(bin, isValidBin, referenceBinValid);
  });

  it('of 871008401427: digit 11 is invisible to the first pass', () => {
    // 87100840142x with any x ≠ 2 in position 11 keeps the first-pass sum: 11·x ≡ 0 (mod 11).
    const seen = checkChanges('871008401427', isValidIin, referenceIinValid);
    expect(seen.blind).toBe(9);
    expect(isValidIin('871008401407')).toBe(true);
  });

  it('property: of any generated IIN', () => {
    const total = { blind: 0, switch: 0 };
    fc.assert(
      fc.property(fc.integer(), (seed) => {
        const seen = checkChanges(generateIin({ seed }), isValidIin, referenceIinValid);
        total.blind += seen.blind;
        total.switch += seen.switch;
      }),
      { numRuns: 300 },
    );
    // Every kind of slip occurs in 300 numbers, so the classification above was exercised.
    expect(total.blind).toBeGreaterThan(0);
    expect(total.switch).toBeGreaterThan(0);
  });

  it('property: of any generated BIN', () => {
    fc.assert(
      fc.property(fc.integer(), (seed) => {
        checkChanges(generateBin({ seed }), isValidBin, referenceBinValid);
      }),
      { numRuns: 300 },
    );
  });
});

describe('differential: the validators agree with the reference', () => {
  const twelveDigits = fc.stringMatching(/^\d{12}$/);
  it('on random 12-digit strings', () => {
    fc.assert(
      fc.property(twelveDigits, (s) => {
        expect(isValidIin(s)).toBe(referenceIinValid(s));
        expect(isValidBin(s)).toBe(referenceBinValid(s));
      }),
      { numRuns: 5000 },
    );
  });

  it('on random digit strings whose structure is valid (so the check digit decides)', () => {
    const iinLike = fc
      .tuple(
        fc.integer({ min: 0, max: 99 }),
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 1, max: 28 }),
      )
      .chain(([y, m, d]) =>
        fc
          .tuple(fc.integer({ min: 1, max: 6 }), fc.stringMatching(/^\d{5}$/))
          .map(
            ([c, tail]) =>
              `${String(y).padStart(2, '0')}${String(m).padStart(2, '0')}${String(d).padStart(2, '0')}${c}${tail}`,
          ),
      );
    fc.assert(
      fc.property(iinLike, (s) => {
        expect(isValidIin(s)).toBe(referenceIinValid(s));
      }),
      { numRuns: 5000 },
    );
  });
});

describe('robustness', () => {
  it('validators never throw and parsers throw only IinError, on any string', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ maxLength: 30 }),
          fc.string({ unit: 'binary', maxLength: 30 }),
          fc.stringMatching(/^ *(IIN|BIN)? *\d{0,13} *$/),
        ),
        (s) => {
          expect(typeof isValidIin(s)).toBe('boolean');
          expect(typeof isValidBin(s)).toBe('boolean');
          for (const parse of [() => parseIin(s), () => parseBin(s), () => parseIin(s, { checksum: false })])
            try {
              parse();
            } catch (e) {
              expect(e).toBeInstanceOf(IinError);
            }
        },
      ),
      { numRuns: 500 },
    );
  });

  it('validators agree with parsers on any string', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.stringMatching(/^\s*(IIN|BIN|iin)?\s*\d{12}\s*$/)), (s) => {
        const parses = (f: () => unknown) => {
          try {
            f();
            return true;
          } catch {
            return false;
          }
        };
        expect(isValidIin(s)).toBe(parses(() => parseIin(s)));
        expect(isValidBin(s)).toBe(parses(() => parseBin(s)));
        expect(isValidIin(s, { checksum: false })).toBe(parses(() => parseIin(s, { checksum: false })));
      }),
      { numRuns: 2000 },
    );
  });
});
