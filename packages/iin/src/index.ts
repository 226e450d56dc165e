/**
 * `@kzpki/iin`: IIN and BIN, the 12-digit identification numbers of Kazakhstan's individuals and
 * businesses: fast validation, parsing with exact error codes, check digits, test-data generation.
 * Messages in Russian, Kazakh and English.
 *
 * @example
 * ```ts
 * import { isValidIin, parseIin, IinError } from '@kzpki/iin';
 *
 * isValidIin('871008401427'); // true
 * try {
 *   parseIin('871008401428');
 * } catch (e) {
 *   if (e instanceof IinError) console.log(e.code, e.localizedMessage('ru')); // ERR_CHECKSUM …
 * }
 * ```
 * @packageDocumentation
 */
export {
  BIN_KINDS,
  BIN_UNITS,
  BIN_YEAR_PIVOT,
  type BinInfo,
  type BinKind,
  type BinParseOptions,
  type BinUnit,
  binYear,
  isValidBin,
  parseBin,
  type UncheckedBinInfo,
} from './bin.js';
export { checkDigit, FIRST_PASS_WEIGHTS, SECOND_PASS_WEIGHTS } from './checksum.js';
export { IinError, type IinErrorCode, type IinErrorDetails, isIinError } from './errors.js';
export {
  type GenerateBinOptions,
  type GenerateIinOptions,
  generateBin,
  generateBins,
  generateIin,
  generateIins,
  MAX_GENERATE_COUNT,
} from './generate.js';
export {
  type Century,
  type IinInfo,
  type IinParseOptions,
  isValidIin,
  parseIin,
  type Sex,
  type UncheckedIinInfo,
} from './iin.js';
export { LANGS, type Lang, messageFor, type Subject } from './messages.js';
