import { describe, expect, it } from 'vitest';
import {
  BIN_KINDS,
  BIN_UNITS,
  binYear,
  type IinErrorCode,
  isIinError,
  isValidBin,
  parseBin,
} from '../src/index.js';
import { referenceCheckDigit } from './reference.js';

function codeOf(value: string, options?: { checksum?: boolean }): IinErrorCode | 'OK' {
  try {
    parseBin(value, options ?? {});
    return 'OK';
  } catch (e) {
    if (isIinError(e)) return e.code;
    throw e;
  }
}

function withCheckDigit(first11: string): string {
  const k = referenceCheckDigit(first11);
  if (k === null) throw new Error(`test data: ${first11} has no check digit`);
  return first11 + k;
}

describe('parseBin', () => {
  it('decodes the examples of docs/domain.md', () => {
    expect(parseBin('940140000385')).toEqual({
      bin: '940140000385',
      registered: '1994-01',
      kind: 'resident',
      unit: 'head',
    });
    expect(parseBin('961141000023')).toEqual({
      bin: '961141000023',
      registered: '1996-11',
      kind: 'resident',
      unit: 'branch',
    });
  });

  it('decodes every type digit (4, 5, 6) and unit digit (0-3)', () => {
    for (const [t, kind] of [
      [4, 'resident'],
      [5, 'non-resident'],
      [6, 'joint-ip'],
    ] as const)
      for (const [a, unit] of [
        [0, 'head'],
        [1, 'branch'],
        [2, 'representative'],
        [3, 'peasant-farm'],
      ] as const) {
        const bin = withCheckDigit(`0803${t}${a}12345`);
        expect(parseBin(bin)).toEqual({ bin, registered: '2008-03', kind, unit });
      }
    expect(BIN_KINDS).toEqual(['resident', 'non-resident', 'joint-ip']);
    expect(BIN_UNITS).toEqual(['head', 'branch', 'representative', 'peasant-farm']);
  });

  it('reads two-digit years with a fixed pivot: 50-99 → 19xx, 00-49 → 20xx', () => {
    expect(binYear(0)).toBe(2000);
    expect(binYear(49)).toBe(2049);
    expect(binYear(50)).toBe(1950);
    expect(binYear(99)).toBe(1999);
    expect(parseBin(withCheckDigit('49124012345')).registered).toBe('2049-12');
    expect(parseBin(withCheckDigit('50014012345')).registered).toBe('1950-01');
  });

  it('accepts white space and the BIN prefix, rejects the IIN prefix', () => {
    for (const v of ['BIN940140000385', 'bin 940140000385', ' 940140000385\r\n', ' BIN  940140000385 '])
      expect(parseBin(v).bin).toBe('940140000385');
    expect(codeOf('IIN940140000385')).toBe('ERR_PREFIX');
    expect(() => parseBin('IIN940140000385')).toThrow(
      'Expected a BIN, but the value starts with the IIN prefix',
    );
  });

  it.each([
    ['94014000038', 'ERR_LENGTH'],
    ['9401400003850', 'ERR_LENGTH'],
    ['94014O000385', 'ERR_NOT_DIGITS'],
    ['940040000385', 'ERR_BIN_MONTH'],
    ['941340000385', 'ERR_BIN_MONTH'],
    ['940130000385', 'ERR_BIN_KIND'],
    ['940170000385', 'ERR_BIN_KIND'],
    ['940144000385', 'ERR_BIN_UNIT'],
    ['940149000385', 'ERR_BIN_UNIT'],
    ['940140000386', 'ERR_CHECKSUM'],
    ['940140000960', 'ERR_NEVER_ISSUED'],
  ] as const)('%s → %s', (value, code) => {
    expect(codeOf(value)).toBe(code);
    expect(isValidBin(value)).toBe(false);
  });

  it('details say which part is wrong', () => {
    const details = (v: string) => {
      try {
        parseBin(v);
      } catch (e) {
        if (isIinError(e)) return e.details;
      }
      return undefined;
    };
    expect(details('941340000385')).toEqual({ subject: 'BIN', month: '13' });
    expect(details('940170000385')).toEqual({ subject: 'BIN', digit: 7 });
    expect(details('940149000385')).toEqual({ subject: 'BIN', digit: 9 });
    expect(details('940140000386')).toEqual({ subject: 'BIN', expected: 5, actual: 6 });
    expect(details('940140000960')).toEqual({ subject: 'BIN' });
  });

  it('{ checksum: false } accepts the NCA test BIN, decoding what the digits allow', () => {
    expect(parseBin('BIN123456789021', { checksum: false })).toEqual({
      bin: '123456789021',
      registered: null,
      kind: 'non-resident',
      unit: null,
    });
    expect(isValidBin('BIN123456789021', { checksum: false })).toBe(true);
    expect(codeOf('BIN123456789021')).toBe('ERR_BIN_MONTH');
    expect(codeOf('BIN12345678902', { checksum: false })).toBe('ERR_LENGTH');
  });

  it('ERR_INVALID_ARGUMENT for a non-string; isValidBin never throws', () => {
    for (const bad of [undefined, null, 940140000385, {}, []]) {
      expect(() => parseBin(bad as unknown as string)).toThrow(
        expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT' }),
      );
      expect(isValidBin(bad)).toBe(false);
    }
  });

  it('an IIN is not a BIN (digit 5 is a month digit there)', () => {
    expect(isValidBin('871008401427')).toBe(false);
  });
});
