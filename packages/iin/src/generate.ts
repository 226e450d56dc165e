/**
 * Valid IINs and BINs for test data. With a `seed` the output is the same on every run and
 * platform; without one it comes from the platform CSPRNG. A prefix whose check digit does not
 * exist (never issued) is never produced: the serial is drawn again.
 */
import { BIN_KINDS, BIN_UNITS, BIN_YEAR_PIVOT, type BinKind, type BinUnit } from './bin.js';
import { checkDigit } from './checksum.js';
import { IinError } from './errors.js';
import type { Sex } from './iin.js';
import { createRandom, type Random } from './random.js';
import { daysInMonth } from './scan.js';

/** Options of {@link generateIin}. */
export interface GenerateIinOptions {
  /** `YYYY-MM-DD`, 1800-01-01 to 2099-12-31. Default: a random day from 1950-01-01 to 2005-12-31. */
  birthDate?: string;
  /** Default: random. */
  sex?: Sex;
  /** Same seed, same numbers. Default: a random seed. */
  seed?: number | string;
}

/** Options of {@link generateBin}. */
export interface GenerateBinOptions {
  /** `YYYY-MM`, 1950-01 to 2049-12 (what a BIN's two-digit year can say). Default: random, 1995-01 to 2024-12. */
  registered?: string;
  /** Default: random. */
  kind?: BinKind;
  /** Default: random; head/branch/representative for legal entities, head/peasant-farm for joint IP. */
  unit?: BinUnit;
  /** Same seed, same numbers. Default: a random seed. */
  seed?: number | string;
}

/** Most numbers one call may generate; guards against a typo such as `--count 1e9`. */
export const MAX_GENERATE_COUNT = 100_000;

const pad = (n: number, width: number): string => String(n).padStart(width, '0');

function invalid(option: string, reason: string): IinError {
  return new IinError('ERR_INVALID_OPTION', { option, reason });
}

function checkCount(count: number): void {
  if (!Number.isSafeInteger(count) || count < 0 || count > MAX_GENERATE_COUNT)
    throw invalid('count', `must be an integer from 0 to ${MAX_GENERATE_COUNT}`);
}

/** Appends a random serial of `width` digits and the check digit, redrawing never-issued prefixes. */
function complete(head: string, width: number, random: Random): string {
  for (;;) {
    const first11 = head + pad(random.int(10 ** width), width);
    const k = checkDigit(first11);
    if (k !== null) return first11 + k;
  }
}

/** Parses `YYYY-MM-DD` into numbers, or throws ERR_INVALID_OPTION. */
function parseBirthDate(text: unknown): [year: number, month: number, day: number] {
  const m = typeof text === 'string' ? /^(\d{4})-(\d{2})-(\d{2})$/.exec(text) : null;
  if (!m) throw invalid('birthDate', 'must be a date written YYYY-MM-DD');
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (year < 1800 || year > 2099) throw invalid('birthDate', 'an IIN encodes years 1800 to 2099');
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month))
    throw invalid('birthDate', 'is not a real calendar date');
  return [year, month, day];
}

const DAY_MS = 86_400_000;
const DEFAULT_BIRTH_FROM = Date.UTC(1950, 0, 1) / DAY_MS;
const DEFAULT_BIRTH_TO = Date.UTC(2005, 11, 31) / DAY_MS;

/**
 * `count` valid IINs drawn from one seeded sequence.
 *
 * @example
 * ```ts
 * generateIins(3, { birthDate: '1990-05-17', sex: 'female', seed: 'fixtures' });
 * ```
 * @throws {IinError} `ERR_INVALID_OPTION` for a malformed date, sex, seed or count.
 */
export function generateIins(count: number, options: GenerateIinOptions = {}): string[] {
  checkCount(count);
  const fixed = options.birthDate === undefined ? undefined : parseBirthDate(options.birthDate);
  if (options.sex !== undefined && options.sex !== 'male' && options.sex !== 'female')
    throw invalid('sex', "must be 'male' or 'female'");
  const random = createRandom(options.seed);
  const out: string[] = [];
  for (let n = 0; n < count; n++) {
    let [year, month, day] = fixed ?? [0, 0, 0];
    if (!fixed) {
      const date = new Date(
        (DEFAULT_BIRTH_FROM + random.int(DEFAULT_BIRTH_TO - DEFAULT_BIRTH_FROM + 1)) * DAY_MS,
      );
      [year, month, day] = [date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate()];
    }
    const sex = options.sex ?? (random.int(2) === 0 ? 'male' : 'female');
    // 1800s: 1/2, 1900s: 3/4, 2000s: 5/6; odd for men.
    const c = (Math.floor(year / 100) - 18) * 2 + (sex === 'male' ? 1 : 2);
    out.push(complete(pad(year % 100, 2) + pad(month, 2) + pad(day, 2) + c, 4, random));
  }
  return out;
}

/**
 * One valid IIN.
 *
 * @example
 * ```ts
 * generateIin({ birthDate: '1987-10-08', sex: 'female', seed: 42 }); // same 12 digits on every run
 * ```
 * @throws {IinError} `ERR_INVALID_OPTION` for a malformed date, sex or seed.
 */
export function generateIin(options: GenerateIinOptions = {}): string {
  return generateIins(1, options)[0] as string;
}

/** Parses `YYYY-MM` into numbers, or throws ERR_INVALID_OPTION. */
function parseRegistered(text: unknown): [year: number, month: number] {
  const m = typeof text === 'string' ? /^(\d{4})-(\d{2})$/.exec(text) : null;
  if (!m) throw invalid('registered', 'must be a month written YYYY-MM');
  const [year, month] = [Number(m[1]), Number(m[2])];
  const from = 1900 + BIN_YEAR_PIVOT;
  if (year < from || year > from + 99)
    throw invalid('registered', `a BIN encodes years ${from} to ${from + 99}`);
  if (month < 1 || month > 12) throw invalid('registered', 'month must be 01 to 12');
  return [year, month];
}

/**
 * `count` valid BINs drawn from one seeded sequence.
 *
 * @example
 * ```ts
 * generateBins(2, { kind: 'resident', unit: 'branch', seed: 1 });
 * ```
 * @throws {IinError} `ERR_INVALID_OPTION` for a malformed month, kind, unit, seed or count.
 */
export function generateBins(count: number, options: GenerateBinOptions = {}): string[] {
  checkCount(count);
  const fixed = options.registered === undefined ? undefined : parseRegistered(options.registered);
  if (options.kind !== undefined && !BIN_KINDS.includes(options.kind))
    throw invalid('kind', `must be one of ${BIN_KINDS.join(', ')}`);
  if (options.unit !== undefined && !BIN_UNITS.includes(options.unit))
    throw invalid('unit', `must be one of ${BIN_UNITS.join(', ')}`);
  const random = createRandom(options.seed);
  const out: string[] = [];
  for (let n = 0; n < count; n++) {
    const [year, month] = fixed ?? [1995 + random.int(30), 1 + random.int(12)];
    const kind = options.kind ?? (BIN_KINDS[random.int(BIN_KINDS.length)] as BinKind);
    const units: readonly BinUnit[] =
      kind === 'joint-ip' ? ['head', 'peasant-farm'] : ['head', 'branch', 'representative'];
    const unit = options.unit ?? (units[random.int(units.length)] as BinUnit);
    const head = pad(year % 100, 2) + pad(month, 2) + (4 + BIN_KINDS.indexOf(kind)) + BIN_UNITS.indexOf(unit);
    out.push(complete(head, 5, random));
  }
  return out;
}

/**
 * One valid BIN.
 *
 * @example
 * ```ts
 * generateBin({ registered: '2004-03', kind: 'resident', unit: 'head', seed: 'acme' });
 * ```
 * @throws {IinError} `ERR_INVALID_OPTION` for a malformed month, kind, unit or seed.
 */
export function generateBin(options: GenerateBinOptions = {}): string {
  return generateBins(1, options)[0] as string;
}
