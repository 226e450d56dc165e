/**
 * BIN (БСН / БИН): the 12-digit business identification number of Kazakhstan.
 *
 * ```text
 * YY MM T A NNNNN K
 * │  │  │ │ │     └ check digit (same rule as the IIN, see checksum.ts)
 * │  │  │ │ └ serial
 * │  │  │ └ unit: 0 head office, 1 branch, 2 representative office, 3 peasant farm (joint entrepreneurship)
 * │  │  └ type: 4 resident legal entity, 5 non-resident legal entity, 6 joint individual entrepreneurship
 * └──┴ registration year and month
 * ```
 *
 * The BIN carries a two-digit year. Years 50–99 are read as 1950–1999 and 00–49 as 2000–2049
 * (a fixed pivot, so the result does not depend on today's date; BINs re-registered Soviet-era
 * entities from 1991 on, so 19xx dates are real).
 */
import { IinError } from './errors.js';
import { describeType, failure } from './failures.js';
import { digit, type Failure, locateDigits, OK, PREFIX_BIN, type Status, scanAt, scanBin } from './scan.js';

/** BIN digit 5: 4 resident legal entity, 5 non-resident legal entity, 6 joint individual entrepreneurship. */
export type BinKind = 'resident' | 'non-resident' | 'joint-ip';
/** BIN digit 6: 0 head office, 1 branch, 2 representative office, 3 peasant farm. */
export type BinUnit = 'head' | 'branch' | 'representative' | 'peasant-farm';

/** The entity types in digit order (digit 4, 5, 6). */
export const BIN_KINDS: readonly BinKind[] = ['resident', 'non-resident', 'joint-ip'];
/** The unit types in digit order (digit 0, 1, 2, 3). */
export const BIN_UNITS: readonly BinUnit[] = ['head', 'branch', 'representative', 'peasant-farm'];

/** Two-digit years below this are 20xx, the others 19xx. */
export const BIN_YEAR_PIVOT = 50;

/** What a BIN says. */
export interface BinInfo {
  /** The 12 digits, without spaces or prefix. */
  readonly bin: string;
  /** Registration month, `YYYY-MM`. */
  readonly registered: string;
  readonly kind: BinKind;
  readonly unit: BinUnit;
}

/**
 * What a BIN parsed with `{ checksum: false }` says: fields the digits do not encode validly are
 * `null` (the NCA test identifier BIN123456789021 has month 34 and unit digit 6).
 */
export interface UncheckedBinInfo {
  readonly bin: string;
  readonly registered: string | null;
  readonly kind: BinKind | null;
  readonly unit: BinUnit | null;
}

/** Options of {@link parseBin} and {@link isValidBin}. */
export interface BinParseOptions {
  /** `false` accepts any 12 digits (NCA test identifiers such as BIN123456789021). Default `true`. */
  checksum?: boolean;
}

/**
 * `true` when `value` is a valid BIN: 12 digits (surrounding spaces and a `BIN` prefix allowed),
 * month 01–12, type 4–6, unit 0–3, the right check digit. Never throws; allocates nothing.
 *
 * @example
 * ```ts
 * isValidBin('940140000385'); // true
 * isValidBin('BIN940140000386'); // false
 * ```
 */
export function isValidBin(value: unknown, options?: BinParseOptions): boolean {
  return typeof value === 'string' && scanBin(value, options?.checksum !== false) === OK;
}

/**
 * Parses a BIN, saying exactly what is wrong when it is not valid.
 *
 * @example
 * ```ts
 * parseBin('BIN940140000385');
 * // { bin: '940140000385', registered: '1994-01', kind: 'resident', unit: 'head' }
 * ```
 * @throws {IinError} `ERR_INVALID_ARGUMENT`, `ERR_PREFIX`, `ERR_LENGTH`, `ERR_NOT_DIGITS`, `ERR_BIN_MONTH`,
 * `ERR_BIN_KIND`, `ERR_BIN_UNIT`, `ERR_CHECKSUM` (`details.expected` is the right digit), `ERR_NEVER_ISSUED`.
 */
export function parseBin(value: string, options?: BinParseOptions & { checksum?: true }): BinInfo;
export function parseBin(value: string, options: BinParseOptions): UncheckedBinInfo;
export function parseBin(value: string, options: BinParseOptions = {}): UncheckedBinInfo {
  if (typeof value !== 'string')
    throw new IinError('ERR_INVALID_ARGUMENT', { subject: 'BIN', type: describeType(value) });
  const start = locateDigits(value, PREFIX_BIN);
  const status: Status =
    start < 0 ? (-start as Failure) : scanAt(value, start, options.checksum !== false, false);
  if (status !== OK) throw failure(status, value, 'BIN', PREFIX_BIN);
  return decodeBin(value, start);
}

/** The four-digit year of a BIN's two-digit year. */
export function binYear(yy: number): number {
  return yy < BIN_YEAR_PIVOT ? 2000 + yy : 1900 + yy;
}

/** Decodes the 12 digits at `start`; fields that are not validly encoded come back `null`. */
function decodeBin(value: string, start: number): UncheckedBinInfo {
  const bin = value.slice(start, start + 12);
  const month = digit(value, start, 2) * 10 + digit(value, start, 3);
  const year = binYear(digit(value, start, 0) * 10 + digit(value, start, 1));
  return {
    bin,
    registered: month >= 1 && month <= 12 ? `${year}-${bin.slice(2, 4)}` : null,
    kind: BIN_KINDS[digit(value, start, 4) - 4] ?? null,
    unit: BIN_UNITS[digit(value, start, 5)] ?? null,
  };
}
