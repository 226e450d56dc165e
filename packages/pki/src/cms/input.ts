/**
 * Checked conversion of caller input to bytes: `toBytes` trusts its type, and a number or an
 * object would silently become an empty array.
 */
import { type BytesLike, toBytes } from '../der/encoding.js';
import { PkiError } from '../errors.js';

/** `true` for bytes in any of the accepted forms. */
export function isBytesLike(value: unknown): value is BytesLike {
  return value instanceof Uint8Array || value instanceof ArrayBuffer || ArrayBuffer.isView(value);
}

/**
 * Bytes of `value`: bytes as they are, text as UTF-8 (when `text` is allowed).
 * @throws {PkiError} `ERR_INVALID_ARGUMENT` for anything else.
 */
export function bytesOf(value: unknown, what: string, text = true): Uint8Array {
  if (text && typeof value === 'string') return new TextEncoder().encode(value);
  if (!isBytesLike(value)) {
    throw new PkiError('ERR_INVALID_ARGUMENT', `${what} must be bytes${text ? ' or text' : ''}`);
  }
  return toBytes(value);
}
