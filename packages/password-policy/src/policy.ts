/**
 * The NCA RK key-file password rule, from the NCA guide to remote EDS issuance (docs/domain.md, Key-file password rule):
 *
 * > Пароль должен содержать символы латинского алфавита и цифры. Длина пароля: от 6 до 32
 * > символов. Дополнительно, пароль может включать в себя: латинские буквы верхнего регистра и
 * > специальные символы «#$^+=!*()@%&_?-.».
 *
 * ("The password must contain Latin letters and digits. Length 6 to 32. Additionally the password
 * may include upper-case Latin letters and the special characters #$^+=!*()@%&_?-.")
 *
 * Reading: upper-case letters are listed as an *additional*, optional set, so the required "Latin
 * letters" are the lower-case ones. This package therefore requires at least one lower-case Latin
 * letter and one digit. It is the conservative reading: every password accepted here is accepted
 * under the looser one (any Latin letter) too, so users are never sent to the NCA page with a
 * password it refuses.
 */

/** Character groups of the rule. */
export type CharacterGroup = 'lowercase' | 'uppercase' | 'digit' | 'special';

/** The rule as data, for forms and documentation. */
export interface PasswordPolicy {
  /** Shortest allowed length, in Unicode code points. */
  readonly minLength: 6;
  /** Longest allowed length, in Unicode code points. */
  readonly maxLength: 32;
  /** The allowed characters of each group. */
  readonly groups: Readonly<Record<CharacterGroup, string>>;
  /** Groups a password must contain at least one character of. */
  readonly required: readonly CharacterGroup[];
  /** Where the rule comes from. */
  readonly source: string;
}

/**
 * The NCA key-file password rule.
 *
 * @example
 * ```ts
 * `${PASSWORD_POLICY.minLength}..${PASSWORD_POLICY.maxLength}`; // '6..32'
 * PASSWORD_POLICY.groups.special; // '#$^+=!*()@%&_?-.'
 * ```
 */
export const PASSWORD_POLICY: PasswordPolicy = Object.freeze({
  minLength: 6,
  maxLength: 32,
  groups: Object.freeze({
    lowercase: 'abcdefghijklmnopqrstuvwxyz',
    uppercase: 'ABCDEFGHIJKLMNOPQRSTUVWXYZ',
    digit: '0123456789',
    special: '#$^+=!*()@%&_?-.',
  }),
  required: Object.freeze(['lowercase', 'digit'] as const),
  source: 'NCA RK guide "obtain EDS keys remotely" for legal entities (key-file password step)',
});

/** The group an allowed character belongs to, or `undefined` for a character the rule forbids. */
export function groupOf(char: string): CharacterGroup | undefined {
  const c = char.length === 1 ? char.charCodeAt(0) : -1;
  if (c >= 0x61 && c <= 0x7a) return 'lowercase';
  if (c >= 0x41 && c <= 0x5a) return 'uppercase';
  if (c >= 0x30 && c <= 0x39) return 'digit';
  if (c >= 0 && PASSWORD_POLICY.groups.special.includes(char)) return 'special';
  return undefined;
}
