import { describe, expect, it } from 'vitest';
import {
  checkDigit,
  FIRST_PASS_WEIGHTS,
  IinError,
  isValidBin,
  isValidIin,
  SECOND_PASS_WEIGHTS,
} from '../src/index.js';
import { passes } from './reference.js';

describe('checkDigit: the worked examples of docs/domain.md (Identifiers)', () => {
  it('IIN 871008401427: first pass gives 7', () => {
    expect(passes('87100840142')).toMatchObject({ first: 7 });
    expect(checkDigit('87100840142')).toBe(7);
    expect(isValidIin('871008401427')).toBe(true);
  });

  it('IIN 061211600012: first pass gives 10, second pass 2', () => {
    expect(passes('06121160001')).toEqual({ first: 10, second: 2 });
    expect(checkDigit('06121160001')).toBe(2);
    expect(isValidIin('061211600012')).toBe(true);
  });

  it('BIN 940140000385: first pass gives 5', () => {
    expect(passes('94014000038')).toMatchObject({ first: 5 });
    expect(checkDigit('94014000038')).toBe(5);
    expect(isValidBin('940140000385')).toBe(true);
  });

  it('BIN 961141000023: first pass gives 10, second pass 3', () => {
    expect(passes('96114100002')).toEqual({ first: 10, second: 3 });
    expect(checkDigit('96114100002')).toBe(3);
    expect(isValidBin('961141000023')).toBe(true);
  });
});

describe('checkDigit: every branch of the rule', () => {
  it('uses weights 1..11, then 3..11,1,2', () => {
    expect(FIRST_PASS_WEIGHTS).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    expect(SECOND_PASS_WEIGHTS).toEqual([3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2]);
  });

  it('first pass < 10: the sum is the digit; any other last digit is rejected', () => {
    for (let k = 0; k <= 9; k++) expect(isValidIin(`87100840142${k}`)).toBe(k === 7);
  });

  it('first pass = 10: the second pass decides; any other last digit is rejected', () => {
    for (let k = 0; k <= 9; k++) expect(isValidIin(`06121160001${k}`)).toBe(k === 2);
    for (let k = 0; k <= 9; k++) expect(isValidBin(`96114100002${k}`)).toBe(k === 3);
  });

  it('first pass = 10 and second pass = 10: never issued, no last digit is accepted', () => {
    // IIN: 1987-10-08, female, serial 0032. First pass 8+14+3+0+0+48+28+0+0+30+22 = 153 ≡ 10 (mod 11),
    // second pass 24+28+5+0+0+64+36+0+0+3+4 = 164 ≡ 10. BIN: 1994-01, resident head office, serial 00096.
    expect(passes('87100840032')).toEqual({ first: 10, second: 10 });
    expect(checkDigit('87100840032')).toBeNull();
    for (let k = 0; k <= 9; k++) expect(isValidIin(`87100840032${k}`)).toBe(false);
    expect(passes('94014000096')).toEqual({ first: 10, second: 10 });
    expect(checkDigit('94014000096')).toBeNull();
    for (let k = 0; k <= 9; k++) expect(isValidBin(`94014000096${k}`)).toBe(false);
  });

  it('a first pass of 0 gives check digit 0 (not confused with "none")', () => {
    // 1990-01-01, male, serial 0070: 9·1 + 1·4 + 1·6 + 3·7 + 7·10 = 110 ≡ 0 (mod 11).
    expect(passes('90010130070')).toMatchObject({ first: 0 });
    expect(checkDigit('90010130070')).toBe(0);
    expect(isValidIin('900101300700')).toBe(true);
  });
});

describe('checkDigit: bad input is a typed error', () => {
  it.each([
    ['', 'ERR_LENGTH'],
    ['8710084014', 'ERR_LENGTH'],
    ['871008401427', 'ERR_LENGTH'],
    ['8710084014a', 'ERR_NOT_DIGITS'],
    [' 87100840142', 'ERR_NOT_DIGITS'],
  ])('%j → %s', (input, code) => {
    expect(() => checkDigit(input)).toThrow(expect.objectContaining({ name: 'IinError', code }));
  });

  it('a non-string is ERR_INVALID_ARGUMENT', () => {
    for (const bad of [null, undefined, 87100840142, ['8'], {}])
      expect(() => checkDigit(bad as unknown as string)).toThrow(IinError);
    expect(() => checkDigit(87100840142 as unknown as string)).toThrow(
      expect.objectContaining({
        code: 'ERR_INVALID_ARGUMENT',
        details: { subject: 'IIN/BIN', type: 'number' },
      }),
    );
  });

  it('ERR_LENGTH says 11 digits were expected', () => {
    expect(() => checkDigit('123')).toThrow('IIN/BIN must have 11 digits, got 3');
  });
});
