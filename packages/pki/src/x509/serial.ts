/**
 * Certificate serial numbers (RFC 5280 §4.1.2.2: a positive INTEGER of at most 20 octets, unique
 * per issuer; CA/Browser Forum BR §7.1: at least 64 bits from a CSPRNG).
 *
 * Method of {@link randomSerial}: take `n` bytes from the CSPRNG, then in the first byte clear bit
 * 0x80 (so the DER INTEGER is positive and needs no 0x00 sign octet) and set bit 0x40 (so the
 * leading octet is never zero and the encoding is always exactly `n` octets). Both bits are
 * forced rather than found by retrying, so no draw is ever rejected and every remaining bit stays
 * uniform: the serial carries exactly `8n - 2` bits of entropy (126 bits for the default 16 bytes).
 *
 * The CSPRNG output is drawn 4 KiB at a time and handed out in slices (each byte used once):
 * `getRandomValues` costs tens of microseconds a call in Node, a noticeable share of an issuance.
 * Serial numbers are public, so holding unused random bytes in memory exposes nothing.
 */
import { getCrypto, randomBytes } from '../crypto-provider.js';
import { fromHex, toHex } from '../der/encoding.js';
import { PkiError } from '../errors.js';

/** Smallest `randomSerial` length: 9 bytes give 70 random bits, above the BR's 64. */
export const MIN_SERIAL_BYTES = 9;
/** Largest serial length allowed by RFC 5280 §4.1.2.2. */
export const MAX_SERIAL_BYTES = 20;

const POOL_SIZE = 4096;
let pool: Uint8Array | undefined;
let poolOffset = 0;
let poolProvider: Crypto | undefined;

/** `n` fresh CSPRNG bytes from the pool (refilled from the current provider when short or stale). */
function pooledRandom(n: number): Uint8Array {
  const provider = getCrypto();
  if (!pool || poolProvider !== provider || poolOffset + n > pool.length) {
    pool = randomBytes(POOL_SIZE);
    poolOffset = 0;
    poolProvider = provider;
  }
  const out = pool.slice(poolOffset, poolOffset + n);
  pool.fill(0, poolOffset, poolOffset + n); // never hand the same bytes out twice
  poolOffset += n;
  return out;
}

/**
 * Turns CSPRNG output into a serial (the transformation described above, on a copy).
 * Exposed so the transformation can be tested on chosen inputs.
 */
export function serialFromRandom(random: Uint8Array): Uint8Array {
  const out = random.slice();
  if (out.length > 0) out[0] = (out[0]! & 0x7f) | 0x40;
  return out;
}

/**
 * A fresh random certificate serial number: `bytes` octets, positive, leading octet in 0x40..0x7f,
 * `8 * bytes - 2` bits of entropy.
 *
 * @param bytes length in octets, 9..20 (default 16)
 * @throws {PkiError} `ERR_INVALID_ARGUMENT` for a length outside 9..20.
 * @example
 * ```ts
 * toHex(randomSerial()); // e.g. '5f0c…' (32 hex digits)
 * ```
 */
export function randomSerial(bytes = 16): Uint8Array {
  if (!Number.isInteger(bytes) || bytes < MIN_SERIAL_BYTES || bytes > MAX_SERIAL_BYTES) {
    throw new PkiError(
      'ERR_INVALID_ARGUMENT',
      `Serial length must be ${MIN_SERIAL_BYTES}..${MAX_SERIAL_BYTES} bytes, got ${bytes}`,
    );
  }
  return serialFromRandom(pooledRandom(bytes));
}

/**
 * The unsigned magnitude of a serial given as bytes (big-endian, read as unsigned) or hex text,
 * without leading zero octets.
 * @throws {PkiError} `ERR_INVALID_ARGUMENT` when it is zero, not hex, or longer than 20 octets once
 *   DER-encoded (a magnitude of 20 octets with the top bit set needs a 21st sign octet).
 */
export function serialMagnitude(serial: Uint8Array | string): Uint8Array {
  let bytes: Uint8Array;
  if (typeof serial === 'string') {
    try {
      bytes = fromHex(serial.replace(/^0x/i, ''));
    } catch (cause) {
      throw new PkiError('ERR_INVALID_ARGUMENT', 'Serial number is not hex', { cause });
    }
  } else if (serial instanceof Uint8Array) bytes = serial;
  else throw new PkiError('ERR_INVALID_ARGUMENT', 'Serial number must be bytes or hex text');
  let i = 0;
  while (i < bytes.length && bytes[i] === 0) i++;
  const magnitude = bytes.subarray(i);
  if (magnitude.length === 0) throw new PkiError('ERR_INVALID_ARGUMENT', 'Serial number must be positive');
  const encodedLength = magnitude.length + (magnitude[0]! & 0x80 ? 1 : 0);
  if (encodedLength > MAX_SERIAL_BYTES) {
    throw new PkiError('ERR_INVALID_ARGUMENT', `Serial number is ${encodedLength} octets, more than 20`);
  }
  return magnitude;
}

/** Canonical hex of a serial: lower case, whole octets, no leading zero octets (as `openssl` prints it). */
export function serialHex(serial: Uint8Array | string): string {
  return toHex(serialMagnitude(serial));
}
