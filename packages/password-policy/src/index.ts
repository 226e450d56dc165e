/**
 * `@kzpki/password-policy`: the NCA RK key-file password rule (6 to 32 characters; a lower-case
 * Latin letter and a digit required; upper-case Latin letters and `#$^+=!*()@%&_?-.` allowed;
 * nothing else). Checks listing every violation in Russian, Kazakh or English, a CSPRNG generator
 * of compliant passwords, an informative strength estimate.
 *
 * @example
 * ```ts
 * import { checkPassword, generatePassword } from '@kzpki/password-policy';
 *
 * const { ok, violations } = checkPassword('qwerty', { lang: 'ru' });
 * // ok: false, violations: [{ code: 'ERR_NO_DIGIT', message: 'Пароль должен содержать цифру (0-9)', details: {} }]
 * const password = generatePassword({ length: 20 });
 * ```
 * @packageDocumentation
 */
export {
  type CheckPasswordOptions,
  checkPassword,
  isValidPassword,
  type PasswordCheck,
  type PasswordViolation,
} from './check.js';
export {
  isPasswordPolicyError,
  PasswordPolicyError,
  type PasswordPolicyErrorCode,
  type PasswordPolicyErrorDetails,
} from './errors.js';
export { FORBIDDEN_CLASSES, type ForbiddenClass, forbiddenClassOf } from './forbidden.js';
export { type GeneratePasswordOptions, generatePassword, type RandomSource } from './generate.js';
export {
  errorMessageFor,
  LANGS,
  type Lang,
  type PasswordViolationCode,
  violationMessage,
} from './messages.js';
export { type CharacterGroup, groupOf, PASSWORD_POLICY, type PasswordPolicy } from './policy.js';
export { estimateStrength, type StrengthEstimate, type StrengthLabel } from './strength.js';
