import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  checkPassword,
  type ForbiddenClass,
  isPasswordPolicyError,
  isValidPassword,
  LANGS,
  PASSWORD_POLICY,
  type PasswordViolation,
} from '../src/index.js';

const SPECIALS = '#$^+=!*()@%&_?-.';
const codes = (pw: string) => checkPassword(pw).violations.map((v) => v.code);
const forbidden = (pw: string) =>
  checkPassword(pw)
    .violations.filter((v) => v.code === 'ERR_FORBIDDEN_CHARACTER')
    .map((v) => (v as Extract<PasswordViolation, { code: 'ERR_FORBIDDEN_CHARACTER' }>).details);

/** An independent reading of the rule as one regular expression (see policy.ts for the reading). */
const REFERENCE = /^(?=.*[a-z])(?=.*[0-9])[a-zA-Z0-9#$^+=!*()@%&_?.-]{6,32}$/;

describe('PASSWORD_POLICY', () => {
  it('states the rule of docs/domain.md (Key-file password rule)', () => {
    expect(PASSWORD_POLICY.minLength).toBe(6);
    expect(PASSWORD_POLICY.maxLength).toBe(32);
    expect(PASSWORD_POLICY.groups.special).toBe(SPECIALS);
    expect(PASSWORD_POLICY.required).toEqual(['lowercase', 'digit']);
    expect(Object.isFrozen(PASSWORD_POLICY)).toBe(true);
    expect(Object.isFrozen(PASSWORD_POLICY.groups)).toBe(true);
  });
});

describe('checkPassword: length boundaries (code points)', () => {
  const of = (n: number) => `a1${'b'.repeat(n - 2)}`;
  it.each([
    [5, ['ERR_TOO_SHORT']],
    [6, []],
    [32, []],
    [33, ['ERR_TOO_LONG']],
  ])('%i characters → %j', (n, expected) => {
    expect(of(n)).toHaveLength(n);
    expect(codes(of(n))).toEqual(expected);
  });

  it('reports the length and the bound', () => {
    expect(checkPassword(of(5)).violations[0]).toMatchObject({ details: { length: 5, min: 6 } });
    expect(checkPassword(of(33)).violations[0]).toMatchObject({ details: { length: 33, max: 32 } });
  });

  it('counts code points, not UTF-16 units', () => {
    // 5 code points, 8 UTF-16 units: too short (and the emoji is forbidden).
    expect('a1😀😀😀').toHaveLength(8);
    expect(codes('a1😀😀😀')).toEqual(['ERR_TOO_SHORT', 'ERR_FORBIDDEN_CHARACTER']);
    // 31 code points, 32 units; with one more character 32 code points and 33 units: not too long.
    const pw = `a1${'b'.repeat(27)}😀c`;
    expect([...pw]).toHaveLength(31);
    expect(pw).toHaveLength(32);
    expect(codes(`${pw}d`)).toEqual(['ERR_FORBIDDEN_CHARACTER']);
    expect(codes(`${pw}de`)).toEqual(['ERR_TOO_LONG', 'ERR_FORBIDDEN_CHARACTER']);
  });
});

describe('checkPassword: required groups', () => {
  it('needs a digit', () => {
    expect(codes('abcdef')).toEqual(['ERR_NO_DIGIT']);
  });

  it('needs a lower-case Latin letter: upper-case letters are an optional extra (docs/domain.md)', () => {
    expect(codes('123456')).toEqual(['ERR_NO_LOWERCASE_LETTER']);
    expect(codes('QWERTY12')).toEqual(['ERR_NO_LOWERCASE_LETTER']);
    expect(codes('Qwerty12')).toEqual([]); // the NCA test key password
  });

  it('accepts the minimal compliant mixes', () => {
    for (const pw of ['a00000', '0a0000', 'aaaaa0', 'A#a1.-', 'zZ9(9)'])
      expect(checkPassword(pw), pw).toEqual({ ok: true, violations: [] });
  });
});

describe('checkPassword: allowed and forbidden characters', () => {
  it.each([...SPECIALS])('special character %s is allowed', (ch) => {
    expect(checkPassword(`abc12${ch}`).ok).toBe(true);
    expect(checkPassword(`${ch.repeat(4)}a1`).ok).toBe(true);
  });

  it('every printable ASCII character: allowed exactly when a letter, digit or listed special', () => {
    for (let c = 0x20; c <= 0x7e; c++) {
      const ch = String.fromCharCode(c);
      const allowed = /[a-zA-Z0-9]/.test(ch) || SPECIALS.includes(ch);
      expect(checkPassword(`abc12${ch}`).ok, JSON.stringify(ch)).toBe(allowed);
    }
  });

  const CLASSES: [ForbiddenClass, string[]][] = [
    ['whitespace', [' ', '\t', '\n', '\r', '\u00a0', '\u2003', '\u3000', '\ufeff']],
    ['control', ['\u0000', '\u0007', '\u007f', '\u200b', '\u200d', '\ud800', '\udfff']],
    ['cyrillic', ['п', 'Я', 'ё', 'ә', 'ғ', 'қ', 'ң', 'ө', 'ұ', 'ү', 'һ', 'і', 'І']],
    ['other-letter', ['é', 'ß', 'ñ', 'α', 'Ω', '中', '\u0301']],
    [
      'other-symbol',
      [
        '~',
        '`',
        '[',
        ']',
        '{',
        '}',
        '|',
        '\\',
        '/',
        ':',
        ';',
        '"',
        "'",
        '<',
        '>',
        ',',
        '😀',
        '٣',
        '１',
        '€',
        '№',
      ],
    ],
  ];
  for (const [cls, chars] of CLASSES)
    it(`${cls} characters are forbidden and classed as ${cls}`, () => {
      for (const ch of chars) {
        const pw = `abc12${ch}`;
        expect(codes(pw), JSON.stringify(ch)).toEqual(['ERR_FORBIDDEN_CHARACTER']);
        expect(forbidden(pw)).toEqual([{ characterClass: cls, characters: [ch] }]);
      }
    });

  it('lists each class once with its distinct characters in order of appearance', () => {
    expect(forbidden('a1 ~b2 п~я é')).toEqual([
      { characterClass: 'whitespace', characters: [' '] },
      { characterClass: 'cyrillic', characters: ['п', 'я'] },
      { characterClass: 'other-letter', characters: ['é'] },
      { characterClass: 'other-symbol', characters: ['~'] },
    ]);
  });
});

describe('checkPassword: every violation, not just the first', () => {
  it('an empty password breaks length, letter and digit', () => {
    expect(codes('')).toEqual(['ERR_TOO_SHORT', 'ERR_NO_LOWERCASE_LETTER', 'ERR_NO_DIGIT']);
  });

  it('a Cyrillic password with a space', () => {
    const { ok, violations } = checkPassword('Пар оль');
    expect(ok).toBe(false);
    expect(violations.map((v) => v.code)).toEqual([
      'ERR_NO_LOWERCASE_LETTER',
      'ERR_NO_DIGIT',
      'ERR_FORBIDDEN_CHARACTER',
      'ERR_FORBIDDEN_CHARACTER',
    ]);
  });

  it('everything at once', () => {
    expect(codes(`${'Я'.repeat(30)} ~é\u0000`)).toEqual([
      'ERR_TOO_LONG',
      'ERR_NO_LOWERCASE_LETTER',
      'ERR_NO_DIGIT',
      'ERR_FORBIDDEN_CHARACTER',
      'ERR_FORBIDDEN_CHARACTER',
      'ERR_FORBIDDEN_CHARACTER',
      'ERR_FORBIDDEN_CHARACTER',
      'ERR_FORBIDDEN_CHARACTER',
    ]);
  });
});

describe('checkPassword: messages', () => {
  it('come in the requested language, English by default', () => {
    const en = checkPassword('abc').violations.map((v) => v.message);
    const ru = checkPassword('abc', { lang: 'ru' }).violations.map((v) => v.message);
    const kk = checkPassword('abc', { lang: 'kk' }).violations.map((v) => v.message);
    expect(en).toEqual([
      'The password is too short: 3 characters, at least 6 required',
      'The password must contain a digit (0-9)',
    ]);
    expect(ru).toEqual([
      'Пароль слишком короткий: символов 3, нужно не менее 6',
      'Пароль должен содержать цифру (0-9)',
    ]);
    expect(kk).toEqual([
      'Құпиясөз тым қысқа: 3 таңба, кемінде 6 таңба қажет',
      'Құпиясөзде цифр (0-9) болуы керек',
    ]);
  });

  it('exist, distinct, for every violation in every language and never quote the password', () => {
    const pw = `${'Ж'.repeat(33)} \u0000é~`;
    for (const lang of LANGS) {
      const messages = [
        ...checkPassword(pw, { lang }).violations,
        ...checkPassword('', { lang }).violations,
      ].map((v) => v.message);
      // 8 violations (too long, no letter, no digit, 5 forbidden classes) + 3 for the empty password.
      expect(messages.length).toBe(11);
      for (const m of messages) {
        expect(m).toBeTruthy();
        expect(m).not.toContain('Ж');
        expect(m).not.toContain('é');
      }
      expect(new Set(messages.slice(0, 8)).size).toBe(8);
    }
  });
});

describe('checkPassword: API misuse', () => {
  it('a non-string password is ERR_INVALID_ARGUMENT; isValidPassword never throws', () => {
    for (const bad of [undefined, null, 123456, {}, ['abc123']]) {
      try {
        checkPassword(bad as unknown as string);
        expect.unreachable();
      } catch (e) {
        expect(isPasswordPolicyError(e, 'ERR_INVALID_ARGUMENT')).toBe(true);
      }
      expect(isValidPassword(bad)).toBe(false);
    }
  });
});

describe('checkPassword: property', () => {
  const chars = fc.constantFrom(...'aZ09#$^+=!*()@%&_?-.', ' ', 'п', 'é', '~', '😀', '\t');
  it('agrees with the reference expression on strings over allowed and forbidden characters', () => {
    fc.assert(
      fc.property(fc.array(chars, { maxLength: 40 }), fc.string({ maxLength: 40 }), (parts, any) => {
        for (const pw of [parts.join(''), any]) {
          expect(checkPassword(pw).ok, JSON.stringify(pw)).toBe(REFERENCE.test(pw));
          expect(checkPassword(pw).ok).toBe(checkPassword(pw).violations.length === 0);
        }
      }),
      { numRuns: 2000 },
    );
  });
});
