/**
 * The one error class of `@kzpki/password-policy`, thrown for API misuse only (a non-string
 * password, a generator length outside the rule). A password that breaks the rule is not an error:
 * {@link checkPassword} reports it as violations.
 *
 * @example
 * ```ts
 * try {
 *   generatePassword({ length: 40 });
 * } catch (e) {
 *   if (isPasswordPolicyError(e, 'ERR_INVALID_LENGTH')) console.log(e.details); // { length: 40, min: 6, max: 32 }
 * }
 * ```
 */
import { errorMessageFor, type Lang } from './messages.js';

/** Stable error codes of `@kzpki/password-policy`. */
export type PasswordPolicyErrorCode =
  /** An argument has the wrong type (e.g. the password is not a string). */
  | 'ERR_INVALID_ARGUMENT'
  /** `generatePassword` was asked for a length outside 6..32 or not an integer. */
  | 'ERR_INVALID_LENGTH'
  /** No CSPRNG: neither `options.random` nor `globalThis.crypto.getRandomValues` exists. */
  | 'ERR_RANDOM_UNAVAILABLE';

/** Structured facts about a {@link PasswordPolicyError}; never the password itself. */
export type PasswordPolicyErrorDetails = Readonly<Record<string, string | number>>;

/** Error thrown by `@kzpki/password-policy` for API misuse; `code` says what went wrong. */
export class PasswordPolicyError extends Error {
  /** Stable machine-readable code. */
  readonly code: PasswordPolicyErrorCode;
  /** Facts the message is built from. */
  readonly details: PasswordPolicyErrorDetails;

  /** `message` is built from `code` and `details` in English; see {@link PasswordPolicyError.localizedMessage}. */
  constructor(
    code: PasswordPolicyErrorCode,
    details: PasswordPolicyErrorDetails = {},
    options: { cause?: unknown } = {},
  ) {
    super(
      errorMessageFor(code, 'en', details),
      options.cause === undefined ? undefined : { cause: options.cause },
    );
    this.name = 'PasswordPolicyError';
    this.code = code;
    this.details = details;
  }

  /** The message in another language. */
  localizedMessage(lang: Lang): string {
    return errorMessageFor(this.code, lang, this.details);
  }
}

/** Type guard: `true` when `e` is a {@link PasswordPolicyError}, optionally with the given code. */
export function isPasswordPolicyError(e: unknown, code?: PasswordPolicyErrorCode): e is PasswordPolicyError {
  return e instanceof PasswordPolicyError && (code === undefined || e.code === code);
}
