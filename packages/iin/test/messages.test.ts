import { describe, expect, it } from 'vitest';
import { IinError, type IinErrorCode, LANGS, messageFor } from '../src/index.js';

const CODES: IinErrorCode[] = [
  'ERR_INVALID_ARGUMENT',
  'ERR_PREFIX',
  'ERR_LENGTH',
  'ERR_NOT_DIGITS',
  'ERR_CENTURY',
  'ERR_DATE',
  'ERR_CHECKSUM',
  'ERR_NEVER_ISSUED',
  'ERR_BIN_MONTH',
  'ERR_BIN_KIND',
  'ERR_BIN_UNIT',
  'ERR_INVALID_OPTION',
];
const DETAILS = {
  subject: 'IIN',
  type: 'number',
  prefix: 'BIN',
  length: 11,
  position: 5,
  character: '-',
  digit: 7,
  date: '1987-13-08',
  expected: 7,
  actual: 8,
  month: '13',
  option: 'sex',
  reason: "must be 'male' or 'female'",
};

describe('messages', () => {
  it('exist for every code in ru, kk and en, filled in from the details', () => {
    for (const code of CODES) {
      const [ru, kk, en] = LANGS.map((lang) => messageFor(code, lang, DETAILS));
      for (const text of [ru, kk, en]) {
        expect(text).toBeTruthy();
        expect(text).not.toMatch(/undefined|\$\{/);
      }
      // Translated, not copied: Cyrillic in ru/kk, none in en.
      expect(ru).toMatch(/[а-яё]/i);
      expect(kk).toMatch(/[а-яёәғқңөұүһі]/i);
      expect(en).not.toMatch(/[а-яё]/i);
      expect(ru).not.toBe(kk);
    }
  });

  it('name the identifier in each language: ИИН/БИН in Russian, ЖСН/БСН in Kazakh', () => {
    expect(messageFor('ERR_LENGTH', 'ru', { subject: 'IIN', length: 3 })).toContain('ИИН');
    expect(messageFor('ERR_LENGTH', 'ru', { subject: 'BIN', length: 3 })).toContain('БИН');
    expect(messageFor('ERR_LENGTH', 'kk', { subject: 'IIN', length: 3 })).toContain('ЖСН');
    expect(messageFor('ERR_LENGTH', 'kk', { subject: 'BIN', length: 3 })).toContain('БСН');
    expect(messageFor('ERR_LENGTH', 'en', { subject: 'BIN', length: 3 })).toBe(
      'BIN must have 12 digits, got 3',
    );
  });

  it('the error message is English; localizedMessage gives the others', () => {
    const e = new IinError('ERR_CHECKSUM', { subject: 'IIN', expected: 7, actual: 8 });
    expect(e.message).toBe('IIN check digit mismatch: the last digit should be 7, got 8');
    expect(e.localizedMessage('ru')).toBe(
      'Неверная контрольная цифра ИИН: последняя цифра должна быть 7, указана 8',
    );
    expect(e.localizedMessage('kk')).toBe(
      'ЖСН бақылау цифры сәйкес емес: соңғы цифр 7 болуы керек, берілгені: 8',
    );
  });

  it('an unknown language from an untyped caller falls back to English', () => {
    expect(messageFor('ERR_NEVER_ISSUED', 'de' as never, { subject: 'BIN' })).toContain(
      'such a BIN is never issued',
    );
  });

  it('IinError keeps the cause', () => {
    const cause = new Error('inner');
    expect(new IinError('ERR_INVALID_OPTION', { option: 'x', reason: 'y' }, { cause }).cause).toBe(cause);
  });
});
