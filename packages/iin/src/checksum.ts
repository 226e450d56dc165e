/**
 * The IIN/BIN check digit (the 12th digit). Both identifiers use the same rule:
 *
 * 1. s = (d1·1 + d2·2 + … + d11·11) mod 11. If s < 10, s is the check digit.
 * 2. Otherwise s = (d1·3 + d2·4 + … + d9·11 + d10·1 + d11·2) mod 11. If s < 10, s is the check digit.
 * 3. Otherwise no check digit exists: such a number is never issued.
 *
 * What the rule catches: 11 is prime, so within one pass a single changed digit shows unless its
 * weight is 11 ≡ 0 (mod 11). Digit 11 has that weight in the first pass, so a typo there goes
 * unnoticed whenever the first pass decides (871008401407 is as valid as 871008401427). The only
 * other single-digit typos that slip through move the number between the passes. The tests
 * enumerate exactly these cases.
 */
import { IinError } from './errors.js';
import { describeType } from './failures.js';
import { checkDigitFromFirstPass } from './scan.js';

/** First-pass weights, for digits 1..11. */
export const FIRST_PASS_WEIGHTS: readonly number[] = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];
/** Second-pass weights, used when the first pass gives 10. */
export const SECOND_PASS_WEIGHTS: readonly number[] = [3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2];

/**
 * The check digit for the first 11 digits of an IIN or BIN, or `null` when both passes give 10
 * (the number is never issued).
 *
 * @example
 * ```ts
 * checkDigit('87100840142'); // 7
 * checkDigit('06121160001'); // 2 (second pass)
 * ```
 * @throws {IinError} `ERR_INVALID_ARGUMENT` (not a string), `ERR_NOT_DIGITS`, `ERR_LENGTH` (not 11 digits).
 */
export function checkDigit(first11: string): number | null {
  if (typeof first11 !== 'string')
    throw new IinError('ERR_INVALID_ARGUMENT', { subject: 'IIN/BIN', type: describeType(first11) });
  let s1 = 0;
  for (let i = 0; i < first11.length; i++) {
    const d = first11.charCodeAt(i) - 48;
    if (d < 0 || d > 9) {
      const character = String.fromCodePoint(first11.codePointAt(i) ?? 0xfffd);
      throw new IinError('ERR_NOT_DIGITS', { subject: 'IIN/BIN', position: i + 1, character });
    }
    s1 += d * (i + 1);
  }
  if (first11.length !== 11)
    throw new IinError('ERR_LENGTH', { subject: 'IIN/BIN', length: first11.length, expectedLength: 11 });
  const k = checkDigitFromFirstPass(first11, 0, s1 % 11);
  return k === 10 ? null : k;
}
