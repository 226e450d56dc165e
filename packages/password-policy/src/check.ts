/**
 * Checking a password against the NCA key-file rule, reporting every violation at once.
 */
import { PasswordPolicyError } from './errors.js';
import { FORBIDDEN_CLASSES, type ForbiddenClass, forbiddenClassOf } from './forbidden.js';
import { type Lang, violationMessage } from './messages.js';
import { groupOf, PASSWORD_POLICY } from './policy.js';

/** One broken part of the rule. `details` may hold characters of the password: show, never log. */
export type PasswordViolation =
  | {
      readonly code: 'ERR_TOO_SHORT';
      readonly message: string;
      readonly details: { readonly length: number; readonly min: number };
    }
  | {
      readonly code: 'ERR_TOO_LONG';
      readonly message: string;
      readonly details: { readonly length: number; readonly max: number };
    }
  | {
      readonly code: 'ERR_NO_LOWERCASE_LETTER';
      readonly message: string;
      readonly details: Record<string, never>;
    }
  | { readonly code: 'ERR_NO_DIGIT'; readonly message: string; readonly details: Record<string, never> }
  | {
      readonly code: 'ERR_FORBIDDEN_CHARACTER';
      readonly message: string;
      readonly details: {
        readonly characterClass: ForbiddenClass;
        /** The distinct offending characters of this class, in order of first appearance. */
        readonly characters: readonly string[];
      };
    };

/** What {@link checkPassword} found. */
export interface PasswordCheck {
  /** `true` when the NCA rule accepts the password (no violations). */
  readonly ok: boolean;
  /** Every violation, in a stable order: length, lower-case letter, digit, forbidden characters by class. */
  readonly violations: readonly PasswordViolation[];
}

/** Options of {@link checkPassword}. */
export interface CheckPasswordOptions {
  /** Language of the messages. Default `'en'`. */
  lang?: Lang;
}

/**
 * Checks a password against the NCA key-file rule (6 to 32 characters counted as Unicode code
 * points; at least one lower-case Latin letter and one digit; otherwise only upper-case Latin
 * letters and `#$^+=!*()@%&_?-.`) and lists every violation, not just the first.
 *
 * @example
 * ```ts
 * checkPassword('Qwerty12'); // { ok: true, violations: [] }
 * checkPassword('пароль 1', { lang: 'ru' }).violations.map((v) => v.code);
 * // ['ERR_NO_LOWERCASE_LETTER', 'ERR_FORBIDDEN_CHARACTER' (whitespace), 'ERR_FORBIDDEN_CHARACTER' (cyrillic)]
 * ```
 * @throws {PasswordPolicyError} `ERR_INVALID_ARGUMENT` when `password` is not a string.
 */
export function checkPassword(password: string, options: CheckPasswordOptions = {}): PasswordCheck {
  if (typeof password !== 'string')
    throw new PasswordPolicyError('ERR_INVALID_ARGUMENT', {
      argument: 'password',
      expected: 'a string',
      type: password === null ? 'null' : typeof password,
    });
  const lang = options.lang ?? 'en';
  let length = 0;
  let lowercase = false;
  let digit = false;
  const forbidden = new Map<ForbiddenClass, string[]>();
  // for..of walks code points: an emoji or a supplementary character counts once.
  for (const char of password) {
    length++;
    const group = groupOf(char);
    if (group === 'lowercase') lowercase = true;
    else if (group === 'digit') digit = true;
    else if (group === undefined) {
      const cls = forbiddenClassOf(char);
      const chars = forbidden.get(cls) ?? [];
      if (!chars.includes(char)) chars.push(char);
      forbidden.set(cls, chars);
    }
  }

  const violations: PasswordViolation[] = [];
  const { minLength: min, maxLength: max } = PASSWORD_POLICY;
  if (length < min)
    violations.push({
      code: 'ERR_TOO_SHORT',
      message: violationMessage('ERR_TOO_SHORT', lang, { length }),
      details: { length, min },
    });
  if (length > max)
    violations.push({
      code: 'ERR_TOO_LONG',
      message: violationMessage('ERR_TOO_LONG', lang, { length }),
      details: { length, max },
    });
  if (!lowercase)
    violations.push({
      code: 'ERR_NO_LOWERCASE_LETTER',
      message: violationMessage('ERR_NO_LOWERCASE_LETTER', lang),
      details: {},
    });
  if (!digit)
    violations.push({ code: 'ERR_NO_DIGIT', message: violationMessage('ERR_NO_DIGIT', lang), details: {} });
  for (const characterClass of FORBIDDEN_CLASSES) {
    const characters = forbidden.get(characterClass);
    if (characters)
      violations.push({
        code: 'ERR_FORBIDDEN_CHARACTER',
        message: violationMessage('ERR_FORBIDDEN_CHARACTER', lang, { characterClass }),
        details: { characterClass, characters },
      });
  }
  return { ok: violations.length === 0, violations };
}

/**
 * `true` when the NCA rule accepts the password; the short form of {@link checkPassword}.
 * Never throws (a non-string is simply not a valid password).
 */
export function isValidPassword(password: unknown): boolean {
  return typeof password === 'string' && checkPassword(password).ok;
}
