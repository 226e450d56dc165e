/**
 * Messages in Russian, Kazakh and English for rule violations and API errors. Messages never
 * quote the password or its characters (they may end up in logs); the offending characters are in
 * the violation's `details` for the user's own screen.
 */
import type { PasswordPolicyErrorCode, PasswordPolicyErrorDetails } from './errors.js';
import type { ForbiddenClass } from './forbidden.js';
import { PASSWORD_POLICY } from './policy.js';

/** Languages messages exist in: Russian, Kazakh, English. */
export type Lang = 'ru' | 'kk' | 'en';

/** The languages messages exist in. */
export const LANGS: readonly Lang[] = ['ru', 'kk', 'en'];

/** Codes of the rule's violations. */
export type PasswordViolationCode =
  | 'ERR_TOO_SHORT'
  | 'ERR_TOO_LONG'
  | 'ERR_NO_LOWERCASE_LETTER'
  | 'ERR_NO_DIGIT'
  | 'ERR_FORBIDDEN_CHARACTER';

const { minLength: MIN, maxLength: MAX } = PASSWORD_POLICY;
const SPECIAL = PASSWORD_POLICY.groups.special;

type Texts<K extends string> = Record<Lang, Record<K, (length: number) => string>>;

const VIOLATIONS: Texts<Exclude<PasswordViolationCode, 'ERR_FORBIDDEN_CHARACTER'>> = {
  en: {
    ERR_TOO_SHORT: (n) => `The password is too short: ${n} characters, at least ${MIN} required`,
    ERR_TOO_LONG: (n) => `The password is too long: ${n} characters, at most ${MAX} allowed`,
    ERR_NO_LOWERCASE_LETTER: () => 'The password must contain a lower-case Latin letter (a-z)',
    ERR_NO_DIGIT: () => 'The password must contain a digit (0-9)',
  },
  ru: {
    ERR_TOO_SHORT: (n) => `Пароль слишком короткий: символов ${n}, нужно не менее ${MIN}`,
    ERR_TOO_LONG: (n) => `Пароль слишком длинный: символов ${n}, допускается не более ${MAX}`,
    ERR_NO_LOWERCASE_LETTER: () => 'Пароль должен содержать строчную латинскую букву (a-z)',
    ERR_NO_DIGIT: () => 'Пароль должен содержать цифру (0-9)',
  },
  kk: {
    ERR_TOO_SHORT: (n) => `Құпиясөз тым қысқа: ${n} таңба, кемінде ${MIN} таңба қажет`,
    ERR_TOO_LONG: (n) => `Құпиясөз тым ұзын: ${n} таңба, ең көбі ${MAX} таңбаға рұқсат етіледі`,
    ERR_NO_LOWERCASE_LETTER: () => 'Құпиясөзде кіші латын әрпі (a-z) болуы керек',
    ERR_NO_DIGIT: () => 'Құпиясөзде цифр (0-9) болуы керек',
  },
};

const FORBIDDEN: Record<Lang, Record<ForbiddenClass, string>> = {
  en: {
    whitespace: 'Spaces and other white space are not allowed',
    control: 'Control and invisible characters are not allowed',
    cyrillic: 'Cyrillic letters are not allowed: switch the keyboard to Latin',
    'other-letter': 'Only the Latin letters a-z and A-Z are allowed, without accents',
    'other-symbol': `The only special characters allowed are ${SPECIAL}`,
  },
  ru: {
    whitespace: 'Пробелы и другие пробельные символы не допускаются',
    control: 'Управляющие и невидимые символы не допускаются',
    cyrillic: 'Кириллица не допускается: переключите раскладку на латиницу',
    'other-letter': 'Допускаются только латинские буквы a-z и A-Z, без диакритических знаков',
    'other-symbol': `Из специальных символов допускаются только ${SPECIAL}`,
  },
  kk: {
    whitespace: 'Бос орындар мен басқа бос таңбаларға рұқсат етілмейді',
    control: 'Басқарушы және көрінбейтін таңбаларға рұқсат етілмейді',
    cyrillic: 'Кирилл әріптеріне рұқсат етілмейді: пернетақтаны латын әріптеріне ауыстырыңыз',
    'other-letter': 'Тек a-z және A-Z латын әріптеріне рұқсат етіледі, диакритикалық белгілерсіз',
    'other-symbol': `Арнайы таңбалардың ішінен тек ${SPECIAL} рұқсат етіледі`,
  },
};

const ERRORS: Record<Lang, Record<PasswordPolicyErrorCode, (d: PasswordPolicyErrorDetails) => string>> = {
  en: {
    ERR_INVALID_ARGUMENT: (d) => `${d.argument} must be ${d.expected}, got ${d.type}`,
    ERR_INVALID_LENGTH: (d) => `Password length must be an integer from ${MIN} to ${MAX}, got ${d.length}`,
    ERR_RANDOM_UNAVAILABLE: () => 'No cryptographically secure random generator is available',
  },
  ru: {
    ERR_INVALID_ARGUMENT: (d) => `Параметр ${d.argument} имеет неверный тип: ${d.type}`,
    ERR_INVALID_LENGTH: (d) =>
      `Длина пароля должна быть целым числом от ${MIN} до ${MAX}, указано ${d.length}`,
    ERR_RANDOM_UNAVAILABLE: () => 'Нет криптографически стойкого генератора случайных чисел',
  },
  kk: {
    ERR_INVALID_ARGUMENT: (d) => `${d.argument} параметрінің түрі дұрыс емес: ${d.type}`,
    ERR_INVALID_LENGTH: (d) =>
      `Құпиясөз ұзындығы ${MIN}-ден ${MAX}-ге дейінгі бүтін сан болуы керек, берілгені: ${d.length}`,
    ERR_RANDOM_UNAVAILABLE: () => 'Криптографиялық берік кездейсоқ сандар генераторы жоқ',
  },
};

/** Unknown languages from untyped callers fall back to English rather than throwing. */
const known = (lang: Lang): Lang => (lang === 'ru' || lang === 'kk' ? lang : 'en');

/**
 * The message of a violation. `length` is the password's length in code points (for the length
 * codes), `characterClass` the kind of forbidden character (for `ERR_FORBIDDEN_CHARACTER`).
 *
 * @example
 * ```ts
 * violationMessage('ERR_NO_DIGIT', 'kk'); // 'Құпиясөзде цифр (0-9) болуы керек'
 * ```
 */
export function violationMessage(
  code: PasswordViolationCode,
  lang: Lang,
  facts: { length?: number; characterClass?: ForbiddenClass } = {},
): string {
  const l = known(lang);
  if (code === 'ERR_FORBIDDEN_CHARACTER') return FORBIDDEN[l][facts.characterClass ?? 'other-symbol'];
  return VIOLATIONS[l][code](facts.length ?? 0);
}

/** The message of a {@link PasswordPolicyError} code in a language. */
export function errorMessageFor(
  code: PasswordPolicyErrorCode,
  lang: Lang,
  details: PasswordPolicyErrorDetails = {},
): string {
  return ERRORS[known(lang)][code](details);
}
