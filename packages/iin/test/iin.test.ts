import { describe, expect, it } from 'vitest';
import { type IinErrorCode, isIinError, isValidIin, parseIin } from '../src/index.js';
import { referenceCheckDigit } from './reference.js';

/** The code parseIin throws for `value`, or 'OK'. */
function codeOf(value: string, options?: { checksum?: boolean }): IinErrorCode | 'OK' {
  try {
    parseIin(value, options ?? {});
    return 'OK';
  } catch (e) {
    if (isIinError(e)) return e.code;
    throw e;
  }
}

describe('parseIin', () => {
  it('decodes the examples of docs/domain.md', () => {
    expect(parseIin('871008401427')).toEqual({
      iin: '871008401427',
      birthDate: '1987-10-08',
      sex: 'female',
      century: 1900,
    });
    expect(parseIin('061211600012')).toEqual({
      iin: '061211600012',
      birthDate: '2006-12-11',
      sex: 'female',
      century: 2000,
    });
  });

  it('decodes every century digit: 1/2 = 1800s, 3/4 = 1900s, 5/6 = 2000s, odd male', () => {
    const expected = [
      [1, 1800, 'male'],
      [2, 1800, 'female'],
      [3, 1900, 'male'],
      [4, 1900, 'female'],
      [5, 2000, 'male'],
      [6, 2000, 'female'],
    ] as const;
    for (const [c, century, sex] of expected) {
      const iin = withCheckDigit(`871008${c}0142`);
      expect(parseIin(iin)).toEqual({ iin, birthDate: `${century + 87}-10-08`, sex, century });
    }
  });

  it('accepts surrounding white space and the IIN prefix NCA certificates carry', () => {
    for (const v of [' 871008401427', '871008401427\n', '\t871008401427 ', '\u00a0871008401427\ufeff'])
      expect(parseIin(v).iin).toBe('871008401427');
    for (const v of ['IIN871008401427', 'iin871008401427', 'IIN 871008401427', '  Iin871008401427  '])
      expect(parseIin(v).iin).toBe('871008401427');
  });

  it('rejects the BIN prefix with ERR_PREFIX', () => {
    expect(codeOf('BIN871008401427')).toBe('ERR_PREFIX');
    expect(isValidIin('BIN871008401427')).toBe(false);
  });

  it('ERR_LENGTH when not 12 digits, with the length found', () => {
    expect(codeOf('')).toBe('ERR_LENGTH');
    expect(codeOf('   ')).toBe('ERR_LENGTH');
    expect(codeOf('IIN')).toBe('ERR_LENGTH');
    expect(codeOf('87100840142')).toBe('ERR_LENGTH');
    expect(codeOf('8710084014270')).toBe('ERR_LENGTH');
    expect(() => parseIin('IIN 8710084014')).toThrow(
      expect.objectContaining({ details: { subject: 'IIN', length: 10 } }),
    );
  });

  it('ERR_NOT_DIGITS names the first offending character and its 1-based position in the input', () => {
    expect(() => parseIin('8710-0840-1427')).toThrow(
      expect.objectContaining({
        code: 'ERR_NOT_DIGITS',
        details: { subject: 'IIN', position: 5, character: '-' },
      }),
    );
    expect(() => parseIin(' 87100840142x')).toThrow(
      expect.objectContaining({ details: { subject: 'IIN', position: 13, character: 'x' } }),
    );
    // A non-digit wins over the length: the dashes are the problem, not the count.
    expect(codeOf('871 008 401 427')).toBe('ERR_NOT_DIGITS');
    expect(codeOf('８７１００８４０１４２７')).toBe('ERR_NOT_DIGITS'); // full-width digits are not ASCII digits
    expect(() => parseIin('87100840142😀')).toThrow(
      expect.objectContaining({ details: expect.objectContaining({ character: '😀' }) }),
    );
  });

  it('ERR_CENTURY for digit 7 outside 1-6, including the disputed 0', () => {
    for (const c of [0, 7, 8, 9]) {
      expect(codeOf(`871008${c}01427`)).toBe('ERR_CENTURY');
      expect(() => parseIin(`871008${c}01427`)).toThrow(
        expect.objectContaining({ details: { subject: 'IIN', digit: c } }),
      );
    }
  });

  it('ERR_DATE for impossible dates, with the date as read', () => {
    expect(codeOf('870008401427')).toBe('ERR_DATE'); // month 00
    expect(codeOf('871308401427')).toBe('ERR_DATE'); // month 13
    expect(codeOf('871000401427')).toBe('ERR_DATE'); // day 00
    expect(codeOf('871032401427')).toBe('ERR_DATE'); // 32 October
    expect(codeOf('870431401427')).toBe('ERR_DATE'); // 31 April
    expect(() => parseIin('870431401427')).toThrow(
      expect.objectContaining({ details: { subject: 'IIN', date: '1987-04-31' } }),
    );
  });

  it('29 February needs a leap year of the century digit 7 gives (1900 is not, 2000 is)', () => {
    expect(codeOf(withCheckDigit('00022930001'))).toBe('ERR_DATE'); // 1900-02-29
    expect(parseIin(withCheckDigit('00022950001')).birthDate).toBe('2000-02-29');
    expect(parseIin(withCheckDigit('96022930001')).birthDate).toBe('1996-02-29');
    expect(codeOf(withCheckDigit('97022930001'))).toBe('ERR_DATE');
    expect(parseIin(withCheckDigit('97022830001')).birthDate).toBe('1997-02-28');
  });

  it('ERR_CHECKSUM carries the expected and actual digit', () => {
    expect(() => parseIin('871008401428')).toThrow(
      expect.objectContaining({ code: 'ERR_CHECKSUM', details: { subject: 'IIN', expected: 7, actual: 8 } }),
    );
    expect(() => parseIin('061211600013')).toThrow(
      expect.objectContaining({ details: { subject: 'IIN', expected: 2, actual: 3 } }),
    );
  });

  it('ERR_NEVER_ISSUED when no check digit exists', () => {
    expect(codeOf('871008400320')).toBe('ERR_NEVER_ISSUED');
    expect(codeOf('871008400329')).toBe('ERR_NEVER_ISSUED');
  });

  it('ERR_INVALID_ARGUMENT for a non-string; isValidIin never throws', () => {
    for (const bad of [undefined, null, 871008401427, 871008401427n, {}, ['871008401427'], Symbol('x')]) {
      expect(() => parseIin(bad as unknown as string)).toThrow(
        expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT' }),
      );
      expect(isValidIin(bad)).toBe(false);
    }
  });

  it('{ checksum: false } accepts the NCA test identifiers, decoding what the digits allow', () => {
    expect(parseIin('IIN123456789012', { checksum: false })).toEqual({
      iin: '123456789012',
      birthDate: null,
      sex: null,
      century: null,
    });
    expect(parseIin('IIN123456789011', { checksum: false }).iin).toBe('123456789011');
    expect(isValidIin('IIN123456789012', { checksum: false })).toBe(true);
    expect(codeOf('IIN123456789012')).toBe('ERR_CENTURY');
    // A structurally valid number with a wrong check digit keeps its decoded fields.
    expect(parseIin('871008401420', { checksum: false })).toEqual({
      iin: '871008401420',
      birthDate: '1987-10-08',
      sex: 'female',
      century: 1900,
    });
    // Impossible date, valid century digit: the date is null, century and sex are known.
    expect(parseIin('871308401427', { checksum: false })).toMatchObject({ birthDate: null, century: 1900 });
    // Length and digits are still required.
    expect(codeOf('IIN12345678901', { checksum: false })).toBe('ERR_LENGTH');
    expect(codeOf('IIN12345678901x', { checksum: false })).toBe('ERR_NOT_DIGITS');
  });

  it('isValidIin agrees with parseIin', () => {
    const samples = [
      '871008401427',
      '871008401428',
      ' IIN871008401427',
      'BIN871008401427',
      '',
      '871008001427',
      'x',
    ];
    for (const v of samples) expect(isValidIin(v)).toBe(codeOf(v) === 'OK');
  });

  it('error messages do not contain the identifier (personal data)', () => {
    for (const v of ['871008401428', '871308401427', '871008001427', '871008400320'])
      try {
        parseIin(v);
      } catch (e) {
        if (!isIinError(e)) throw e;
        for (const lang of ['ru', 'kk', 'en'] as const) expect(e.localizedMessage(lang)).not.toContain(v);
      }
  });
});

/** `first11` plus its check digit, from the independent reference implementation. */
function withCheckDigit(first11: string): string {
  const k = referenceCheckDigit(first11);
  if (k === null) throw new Error(`test data: ${first11} has no check digit`);
  return first11 + k;
}
