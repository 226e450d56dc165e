/**
 * Certificate serial numbers as CRLs and OCSP carry them (`CertificateSerialNumber ::= INTEGER`,
 * RFC 5280 §4.1.2.2: positive, at most 20 octets).
 *
 * One canonical text form is used across CRL and OCSP results and lookups: lower-case hex of the
 * unsigned magnitude without the sign octet, in whole octets (what `openssl` prints, lower-cased):
 * the DER INTEGER `02 03 00 8A 01` is `8a01`, `02 02 0F D5` is `0fd5`.
 */

import { PkiError } from '../errors.js';
import { fromHex, toHex } from './encoding.js';

/** A serial as callers give it: unsigned big-endian bytes or hex text (colons/spaces allowed). */
export type SerialInput = Uint8Array | string;

/**
 * The canonical hex form of a serial given as hex text or magnitude bytes
 * (lower case, no leading zero octets, a zero serial is `00`).
 * @throws {PkiError} `ERR_INVALID_ARGUMENT` for empty input or text that is not hex.
 */
export function normalizeSerialHex(serial: SerialInput): string {
  let hex: string;
  if (typeof serial === 'string') {
    hex = serial.replace(/[\s:]/g, '').toLowerCase();
    if (hex.startsWith('0x')) hex = hex.slice(2);
    if (!/^[0-9a-f]*$/.test(hex)) throw new PkiError('ERR_INVALID_ARGUMENT', 'Serial number is not hex');
  } else hex = toHex(serial);
  if (hex === '') throw new PkiError('ERR_INVALID_ARGUMENT', 'Serial number is empty');
  let i = 0;
  while (i < hex.length && hex[i] === '0') i++;
  hex = hex.slice(i);
  if (hex.length % 2) hex = `0${hex}`;
  return hex === '' ? '00' : hex;
}

/** Unsigned magnitude bytes of a serial (no sign octet, at least one octet). */
export function serialMagnitude(serial: SerialInput): Uint8Array {
  return fromHex(normalizeSerialHex(serial));
}

/** Canonical hex of a DER INTEGER's content octets (the sign octet of a positive value dropped). */
export function serialHexFromContent(content: Uint8Array): string {
  let i = 0;
  while (i < content.length - 1 && content[i] === 0) i++;
  // Runs once per CRL entry decoded: a table lookup per octet instead of toString(16).
  let s = '';
  for (; i < content.length; i++) s += HEX_PAIRS[content[i]!]!;
  return s;
}

const HEX_PAIRS: readonly string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

const HEX_VALUE = (() => {
  const t = new Int8Array(128).fill(-1);
  for (let i = 0; i < 10; i++) t[0x30 + i] = i;
  for (let i = 0; i < 6; i++) {
    t[0x41 + i] = 10 + i;
    t[0x61 + i] = 10 + i;
  }
  return t;
})();

/**
 * Writes the magnitude of a serial (leading zero octets dropped) into `scratch` and returns its
 * length (0 for a zero serial). The hot-path form of {@link serialMagnitude} for code that runs
 * once per CRL entry or lookup: plain hex text is decoded without intermediate strings.
 * @throws {PkiError} `ERR_INVALID_ARGUMENT` for text that is not hex, empty input, or a
 *   magnitude longer than `scratch`.
 */
export function serialMagnitudeInto(scratch: Uint8Array, serial: SerialInput): number {
  if (typeof serial === 'string') {
    let s = serial;
    let plain = s.length > 0;
    for (let k = 0; plain && k < s.length; k++) {
      const c = s.charCodeAt(k);
      plain = c < 128 && HEX_VALUE[c]! >= 0;
    }
    // Colons, spaces, a 0x prefix or not hex at all: the general path (which throws on garbage).
    if (!plain) s = normalizeSerialHex(serial);
    let i = 0;
    while (i < s.length && s.charCodeAt(i) === 0x30) i++;
    const n = (s.length - i + 1) >> 1;
    if (n > scratch.length) throw new PkiError('ERR_INVALID_ARGUMENT', 'Serial number is too long');
    let k = s.length - 1;
    for (let o = n - 1; o >= 0; o--) {
      const lo = HEX_VALUE[s.charCodeAt(k--)]!;
      const hi = k >= i ? HEX_VALUE[s.charCodeAt(k--)]! : 0;
      scratch[o] = (hi << 4) | lo;
    }
    return n;
  }
  if (!(serial instanceof Uint8Array) || serial.length === 0) {
    throw new PkiError('ERR_INVALID_ARGUMENT', 'Serial number must be bytes or hex text');
  }
  let i = 0;
  while (i < serial.length && serial[i] === 0) i++;
  const n = serial.length - i;
  if (n > scratch.length) throw new PkiError('ERR_INVALID_ARGUMENT', 'Serial number is too long');
  scratch.set(serial.subarray(i), 0);
  return n;
}
