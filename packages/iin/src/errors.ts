/**
 * The one error class of `@kzpki/iin`. Every failure this package reports is an {@link IinError}
 * with a stable {@link IinErrorCode}: codes are the contract, messages are for people and may change.
 *
 * @example
 * ```ts
 * try {
 *   parseIin(input);
 * } catch (e) {
 *   if (isIinError(e, 'ERR_CHECKSUM')) console.log(`last digit should be ${e.details?.expected}`);
 * }
 * ```
 */
import { type Lang, messageFor } from './messages.js';

/** Stable error codes of `@kzpki/iin`. */
export type IinErrorCode =
  /** The value is not a string (or an option has the wrong type). */
  | 'ERR_INVALID_ARGUMENT'
  /** The value carries the other identifier's prefix (`BIN…` given to the IIN parser or vice versa). */
  | 'ERR_PREFIX'
  /** Not 12 digits (after removing surrounding spaces and the prefix). */
  | 'ERR_LENGTH'
  /** A character that is not an ASCII digit. */
  | 'ERR_NOT_DIGITS'
  /** IIN digit 7 is not 1–6 (0 is disputed and rejected, see the README). */
  | 'ERR_CENTURY'
  /** IIN digits 1–6 are not a real calendar date in the century digit 7 gives. */
  | 'ERR_DATE'
  /** The check digit (12th) differs from the computed one; `details.expected` holds the right digit. */
  | 'ERR_CHECKSUM'
  /** Both weighted sums give 10: no check digit exists, the number is never issued. */
  | 'ERR_NEVER_ISSUED'
  /** BIN digits 3–4 are not a month 01–12. */
  | 'ERR_BIN_MONTH'
  /** BIN digit 5 is not 4, 5 or 6. */
  | 'ERR_BIN_KIND'
  /** BIN digit 6 is not 0–3. */
  | 'ERR_BIN_UNIT'
  /** A generator option is out of range or malformed. */
  | 'ERR_INVALID_OPTION';

/** Structured, non-secret facts about an {@link IinError} (the digit expected, the bad month...). */
export type IinErrorDetails = Readonly<Record<string, string | number>>;

/** Error thrown by every function of `@kzpki/iin`; `code` says exactly what is wrong. */
export class IinError extends Error {
  /** Stable machine-readable code. */
  readonly code: IinErrorCode;
  /** Facts the messages are built from, e.g. `{ expected: 7, actual: 3 }` for `ERR_CHECKSUM`. */
  readonly details: IinErrorDetails;

  /** `message` is built from `code` and `details` in English; see {@link IinError.localizedMessage}. */
  constructor(code: IinErrorCode, details: IinErrorDetails = {}, options: { cause?: unknown } = {}) {
    super(
      messageFor(code, 'en', details),
      options.cause === undefined ? undefined : { cause: options.cause },
    );
    this.name = 'IinError';
    this.code = code;
    this.details = details;
  }

  /**
   * The message in another language.
   * @example
   * ```ts
   * err.localizedMessage('kk'); // 'Бақылау цифры сәйкес емес: …'
   * ```
   */
  localizedMessage(lang: Lang): string {
    return messageFor(this.code, lang, this.details);
  }
}

/** Type guard: `true` when `e` is an {@link IinError}, optionally with the given code. */
export function isIinError(e: unknown, code?: IinErrorCode): e is IinError {
  return e instanceof IinError && (code === undefined || e.code === code);
}
