/**
 * RFC 9457 problem details: every error leaves the server as `application/problem+json` with the
 * stable `code`; unexpected errors become `ERR_INTERNAL` without internals in the body.
 */
import { CaError, type CaErrorCode } from '../errors.js';

/** Media type of error responses. */
export const PROBLEM_JSON = 'application/problem+json';

/** Acronyms kept upper case in titles. */
const ACRONYMS = new Set(['IIN', 'BIN', 'OTP', 'PIN', 'CSR']);

/** Human title of a code, e.g. `ERR_OTP_EXPIRED` → "OTP expired". */
export function titleOf(code: CaErrorCode): string {
  const words = code
    .replace(/^ERR_/, '')
    .split('_')
    .map((w) => (ACRONYMS.has(w) ? w : w.toLowerCase()));
  const first = words[0] ?? '';
  words[0] = ACRONYMS.has(first) ? first : first.charAt(0).toUpperCase() + first.slice(1);
  return words.join(' ');
}

/** The problem document of an error. */
export function problemOf(err: CaError): Record<string, unknown> {
  return {
    type: `https://kzpki.dev/problems/${err.code.replace(/^ERR_/, '').toLowerCase().replace(/_/g, '-')}`,
    title: titleOf(err.code),
    status: err.status,
    code: err.code,
    detail: err.message,
    ...err.details,
  };
}

/** Normalises anything thrown into a {@link CaError} (unknown errors: `ERR_INTERNAL`). */
export function toCaError(e: unknown): CaError {
  if (e instanceof CaError) return e;
  return new CaError('ERR_INTERNAL', 'Internal error', { cause: e });
}
