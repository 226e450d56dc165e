/**
 * IIN (ЖСН / ИИН): the 12-digit individual identification number of Kazakhstan.
 *
 * ```text
 * YY MM DD C NNNN K
 * │  │  │  │ │    └ check digit (see checksum.ts)
 * │  │  │  │ └ serial
 * │  │  │  └ century and sex: 1/2 = 1800s, 3/4 = 1900s, 5/6 = 2000s; odd male, even female
 * └──┴──┴ birth date
 * ```
 *
 * Century digit 0 is rejected (`ERR_CENTURY`): sources disagree on what it means (some use it for
 * foreign nationals), and it carries neither a century nor a sex, so no birth date can be decoded.
 */
import { IinError } from './errors.js';
import { describeType, failure } from './failures.js';
import {
  centuryBase,
  daysInMonth,
  digit,
  type Failure,
  locateDigits,
  OK,
  PREFIX_IIN,
  type Status,
  scanAt,
  scanIin,
} from './scan.js';

/** Sex encoded in IIN digit 7 (odd male, even female). */
export type Sex = 'male' | 'female';
/** First year of the hundred the birth year falls in (IIN digit 7: 1/2, 3/4, 5/6). */
export type Century = 1800 | 1900 | 2000;

/** What an IIN says. */
export interface IinInfo {
  /** The 12 digits, without spaces or prefix. */
  readonly iin: string;
  /** Birth date, `YYYY-MM-DD`. */
  readonly birthDate: string;
  readonly sex: Sex;
  /** 1800, 1900 or 2000: the birth year is `century + YY`. */
  readonly century: Century;
}

/**
 * What an IIN parsed with `{ checksum: false }` says: fields the digits do not encode validly are
 * `null` (the NCA test identifier IIN123456789012 has month 34 and century digit 7).
 */
export interface UncheckedIinInfo {
  readonly iin: string;
  readonly birthDate: string | null;
  readonly sex: Sex | null;
  readonly century: Century | null;
}

/** Options of {@link parseIin} and {@link isValidIin}. */
export interface IinParseOptions {
  /**
   * `false` accepts any 12 digits: the NCA's own test certificates carry identifiers such as
   * IIN123456789012 that fail the check digit and the structure. Default `true`.
   */
  checksum?: boolean;
}

/**
 * `true` when `value` is a valid IIN: 12 digits (surrounding spaces and an `IIN` prefix allowed),
 * century digit 1–6, a real birth date, the right check digit. Never throws; allocates nothing.
 *
 * @example
 * ```ts
 * isValidIin('871008401427'); // true
 * isValidIin('IIN871008401427'); // true
 * isValidIin('871008401428'); // false
 * ```
 */
export function isValidIin(value: unknown, options?: IinParseOptions): boolean {
  return typeof value === 'string' && scanIin(value, options?.checksum !== false) === OK;
}

/**
 * Parses an IIN, saying exactly what is wrong when it is not valid.
 *
 * @example
 * ```ts
 * parseIin(' IIN871008401427 ');
 * // { iin: '871008401427', birthDate: '1987-10-08', sex: 'female', century: 1900 }
 * parseIin('IIN123456789012', { checksum: false });
 * // { iin: '123456789012', birthDate: null, sex: null, century: null }
 * ```
 * @throws {IinError} `ERR_INVALID_ARGUMENT`, `ERR_PREFIX`, `ERR_LENGTH`, `ERR_NOT_DIGITS`,
 * `ERR_CENTURY`, `ERR_DATE`, `ERR_CHECKSUM` (`details.expected` is the right digit), `ERR_NEVER_ISSUED`.
 */
export function parseIin(value: string, options?: IinParseOptions & { checksum?: true }): IinInfo;
export function parseIin(value: string, options: IinParseOptions): UncheckedIinInfo;
export function parseIin(value: string, options: IinParseOptions = {}): UncheckedIinInfo {
  if (typeof value !== 'string')
    throw new IinError('ERR_INVALID_ARGUMENT', { subject: 'IIN', type: describeType(value) });
  const start = locateDigits(value, PREFIX_IIN);
  const status: Status =
    start < 0 ? (-start as Failure) : scanAt(value, start, options.checksum !== false, true);
  if (status !== OK) throw failure(status, value, 'IIN', PREFIX_IIN);
  return decodeIin(value, start);
}

/** Decodes the 12 digits at `start`; fields that are not validly encoded come back `null`. */
function decodeIin(value: string, start: number): UncheckedIinInfo {
  const iin = value.slice(start, start + 12);
  const c = digit(value, start, 6);
  if (c < 1 || c > 6) return { iin, birthDate: null, sex: null, century: null };
  const century = centuryBase(c) as Century;
  const sex: Sex = c % 2 === 1 ? 'male' : 'female';
  const year = century + digit(value, start, 0) * 10 + digit(value, start, 1);
  const month = digit(value, start, 2) * 10 + digit(value, start, 3);
  const day = digit(value, start, 4) * 10 + digit(value, start, 5);
  const real = month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);
  const birthDate = real ? `${year}-${iin.slice(2, 4)}-${iin.slice(4, 6)}` : null;
  return { iin, birthDate, sex, century };
}
