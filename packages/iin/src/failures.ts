/**
 * Turns a scan status into an {@link IinError} with details. Runs only once a value has failed, so
 * it may allocate freely.
 * @internal
 */
import { IinError } from './errors.js';
import type { Subject } from './messages.js';
import {
  BIN_KIND,
  BIN_MONTH,
  BIN_UNIT,
  bodyEnd,
  bodyStart,
  CENTURY,
  CHECKSUM,
  centuryBase,
  checkDigitFromFirstPass,
  DATE,
  digit,
  type Failure,
  LENGTH,
  NEVER_ISSUED,
  NOT_DIGITS,
  PREFIX,
} from './scan.js';

/** `typeof`, with `null` and arrays told apart, for ERR_INVALID_ARGUMENT details. @internal */
export function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

/** The first-pass remainder of the 11 digits at `start`. */
function firstPass(value: string, start: number): number {
  let s = 0;
  for (let i = 0; i < 11; i++) s += digit(value, start, i) * (i + 1);
  return s % 11;
}

const pad2 = (n: number): string => (n < 10 ? `0${n}` : String(n));

/**
 * The error for a failed scan of `value` (IIN or BIN, as `subject` and `ownPrefix` say).
 * @internal
 */
export function failure(status: Failure, value: string, subject: Subject, ownPrefix: number): IinError {
  const start = bodyStart(value, ownPrefix);
  const end = bodyEnd(value, start);
  const d = (i: number): number => digit(value, start, i);
  switch (status) {
    case PREFIX:
      return new IinError('ERR_PREFIX', { subject, prefix: subject === 'IIN' ? 'BIN' : 'IIN' });
    case LENGTH:
      return new IinError('ERR_LENGTH', { subject, length: end - start });
    case NOT_DIGITS:
      return notDigits(value, start, end, subject);
    case CENTURY:
      return new IinError('ERR_CENTURY', { subject, digit: d(6) });
    case DATE: {
      const date = `${centuryBase(d(6)) + d(0) * 10 + d(1)}-${pad2(d(2) * 10 + d(3))}-${pad2(d(4) * 10 + d(5))}`;
      return new IinError('ERR_DATE', { subject, date });
    }
    case CHECKSUM:
      return new IinError('ERR_CHECKSUM', {
        subject,
        expected: checkDigitFromFirstPass(value, start, firstPass(value, start)),
        actual: d(11),
      });
    case NEVER_ISSUED:
      return new IinError('ERR_NEVER_ISSUED', { subject });
    case BIN_MONTH:
      return new IinError('ERR_BIN_MONTH', { subject, month: pad2(d(2) * 10 + d(3)) });
    case BIN_KIND:
      return new IinError('ERR_BIN_KIND', { subject, digit: d(4) });
    case BIN_UNIT:
      return new IinError('ERR_BIN_UNIT', { subject, digit: d(5) });
  }
}

/** ERR_NOT_DIGITS naming the first offending character and its 1-based position in the input. */
function notDigits(value: string, start: number, end: number, subject: Subject): IinError {
  let i = start;
  while (i < end && value.charCodeAt(i) >= 48 && value.charCodeAt(i) <= 57) i++;
  // The whole code point: an emoji is one character to the user.
  const character = String.fromCodePoint(value.codePointAt(i) ?? 0xfffd);
  return new IinError('ERR_NOT_DIGITS', { subject, position: i + 1, character });
}
