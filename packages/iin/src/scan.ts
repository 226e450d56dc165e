/**
 * The allocation-free core every IIN/BIN check goes through. The validators call it on the hot path
 * (no regex, no substring, no object); the parsers call it too and only build details and results
 * once it has answered, so `isValidIin(v) === (parseIin(v) does not throw)` by construction.
 *
 * Statuses are small integers rather than strings so the hot path compares numbers.
 * @internal
 */

/** Scan result: valid. @internal */
export const OK = 0;
/** Scan result: the other identifier's prefix. @internal */
export const PREFIX = 1;
/** Scan result: not 12 characters. @internal */
export const LENGTH = 2;
/** Scan result: a non-digit. @internal */
export const NOT_DIGITS = 3;
/** Scan result: IIN century digit not 1-6. @internal */
export const CENTURY = 4;
/** Scan result: IIN birth date impossible. @internal */
export const DATE = 5;
/** Scan result: wrong check digit. @internal */
export const CHECKSUM = 6;
/** Scan result: no check digit exists. @internal */
export const NEVER_ISSUED = 7;
/** Scan result: BIN month not 01-12. @internal */
export const BIN_MONTH = 8;
/** Scan result: BIN type digit not 4-6. @internal */
export const BIN_KIND = 9;
/** Scan result: BIN unit digit not 0-3. @internal */
export const BIN_UNIT = 10;
/** Any scan result. @internal */
export type Status = 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9 | 10;
/** A scan result other than {@link OK}. @internal */
export type Failure = Exclude<Status, typeof OK>;

/** Lower-case first letter of the `IIN…` prefix (NCA certificates: SERIALNUMBER). @internal */
export const PREFIX_IIN = 0x69; // 'i'
/** Lower-case first letter of the `BIN…` prefix (NCA certificates: OU). @internal */
export const PREFIX_BIN = 0x62; // 'b'

/** The white space `String.prototype.trim` removes. */
function isSpace(c: number): boolean {
  if (c === 0x20 || (c >= 0x09 && c <= 0x0d)) return true;
  if (c < 0xa0) return false;
  return (
    c === 0xa0 ||
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000 ||
    c === 0xfeff
  );
}

/**
 * Index just past leading white space and the identifier's own prefix (`IIN`/`BIN`, any case,
 * optionally followed by spaces), or -1 when the value carries the other identifier's prefix.
 * @internal
 */
export function bodyStart(value: string, ownPrefix: number): number {
  let start = 0;
  const length = value.length;
  while (start < length && isSpace(value.charCodeAt(start))) start++;
  // A digit never equals 'i'/'b' after `| 0x20`, so plain numbers pay one comparison here.
  const first = value.charCodeAt(start) | 0x20;
  if (
    (first === PREFIX_IIN || first === PREFIX_BIN) &&
    (value.charCodeAt(start + 1) | 0x20) === 0x69 &&
    (value.charCodeAt(start + 2) | 0x20) === 0x6e
  ) {
    if (first !== ownPrefix) return -1;
    start += 3;
    while (start < length && isSpace(value.charCodeAt(start))) start++;
  }
  return start;
}

/** Index just past the last character that is not trailing white space (never before `start`). @internal */
export function bodyEnd(value: string, start: number): number {
  let end = value.length;
  while (end > start && isSpace(value.charCodeAt(end - 1))) end--;
  return end;
}

/**
 * Where the 12 digits begin in `value`, past surrounding white space and the prefix. Returns the
 * index, or `-status` when there are not 12 characters there: `-PREFIX` for the other identifier's
 * prefix, `-NOT_DIGITS` when a non-digit is in the way, `-LENGTH` otherwise.
 * @internal
 */
export function locateDigits(value: string, ownPrefix: number): number {
  const start = bodyStart(value, ownPrefix);
  if (start < 0) return -PREFIX;
  const end = bodyEnd(value, start);
  if (end - start === 12) return start;
  // Report a non-digit before the length: "8710-0840-1427" is wrong because of the dashes.
  for (let i = start; i < end; i++) {
    const d = value.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -NOT_DIGITS;
  }
  return -LENGTH;
}

/** Digit `i` (0-based) of the 12 located at `start`, as a number; callers have checked it is a digit. */
export function digit(value: string, start: number, i: number): number {
  return value.charCodeAt(start + i) - 48;
}

/**
 * Verifies the 12 characters at `start` are digits and, when `checksum`, that the IIN or BIN
 * structure is valid and the check digit rule holds. Returns a status.
 * @internal
 */
export function scanAt(value: string, start: number, checksum: boolean, isIin: boolean): Status {
  // First pass weights 1..11; the loop also rejects non-digits.
  let s1 = 0;
  for (let i = 0; i < 11; i++) {
    const d = value.charCodeAt(start + i) - 48;
    // One unsigned comparison rejects both sides of '0'..'9'.
    if (d >>> 0 > 9) return NOT_DIGITS;
    s1 += d * (i + 1);
  }
  const k = value.charCodeAt(start + 11) - 48;
  if (k >>> 0 > 9) return NOT_DIGITS;
  if (!checksum) return OK;
  const status = isIin ? iinStructure(value, start) : binStructure(value, start);
  if (status !== OK) return status;
  const expected = checkDigitFromFirstPass(value, start, s1 % 11);
  if (expected === 10) return NEVER_ISSUED;
  return expected === k ? OK : CHECKSUM;
}

/**
 * The check digit (0..9), or 10 when never issued, given the first-pass remainder. The second pass
 * (weights 3..11, 1, 2) is computed only when needed: about one number in eleven.
 * @internal
 */
export function checkDigitFromFirstPass(value: string, start: number, firstPass: number): number {
  if (firstPass !== 10) return firstPass;
  let s2 = 0;
  for (let i = 0; i < 11; i++) s2 += digit(value, start, i) * (((i + 2) % 11) + 1);
  return s2 % 11;
}

/** Days in a month of the proleptic Gregorian calendar. @internal */
export function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  // 31 for Jan, Mar, May, Jul, Aug, Oct, Dec; 30 otherwise.
  return 30 + ((month + (month >> 3)) & 1);
}

/** First year of the hundred IIN century digit `c` (1..6) points at: 1800, 1900 or 2000. @internal */
export function centuryBase(c: number): number {
  return 1800 + ((c - 1) >> 1) * 100;
}

/** YYMMDD C: the century digit is 1..6 and the date exists in that century. */
function iinStructure(value: string, start: number): Status {
  const c = digit(value, start, 6);
  if (c < 1 || c > 6) return CENTURY;
  const year = centuryBase(c) + digit(value, start, 0) * 10 + digit(value, start, 1);
  const month = digit(value, start, 2) * 10 + digit(value, start, 3);
  const day = digit(value, start, 4) * 10 + digit(value, start, 5);
  // Every month has 28 days; only later days need the calendar.
  if (month < 1 || month > 12 || day < 1 || (day > 28 && day > daysInMonth(year, month))) return DATE;
  return OK;
}

/** YYMM T A: month 01..12, type 4..6, unit 0..3. */
function binStructure(value: string, start: number): Status {
  const month = digit(value, start, 2) * 10 + digit(value, start, 3);
  if (month < 1 || month > 12) return BIN_MONTH;
  const kind = digit(value, start, 4);
  if (kind < 4 || kind > 6) return BIN_KIND;
  if (digit(value, start, 5) > 3) return BIN_UNIT;
  return OK;
}

/** Full IIN check without allocating: a status. @internal */
export function scanIin(value: string, checksum: boolean): Status {
  const start = locateDigits(value, PREFIX_IIN);
  return start < 0 ? (-start as Failure) : scanAt(value, start, checksum, true);
}

/** Full BIN check without allocating: a status. @internal */
export function scanBin(value: string, checksum: boolean): Status {
  const start = locateDigits(value, PREFIX_BIN);
  return start < 0 ? (-start as Failure) : scanAt(value, start, checksum, false);
}
