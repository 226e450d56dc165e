/**
 * Digital ID PINs: stored as an HMAC-SHA256 bound to the application, under the CA's PIN MAC key
 * (sealed under the key-encryption key, `mac-keys.ts`), compared in constant time. Format:
 * `hmac-sha256$<hex>`.
 *
 * Why not a slow hash: a 4-8 digit PIN has at most 10^8 values, which an attacker holding the
 * hash searches offline in minutes whatever the scrypt cost, while scrypt made up most of an
 * application's CPU time. A keyed MAC cannot be searched at all without the key, which the
 * database does not hold; online guessing is stopped by the attempt limit (`pinMaxAttempts`).
 * Records written by earlier versions (`scrypt$N$r$p$salt$hash`) still verify.
 */
import { scrypt, timingSafeEqual } from 'node:crypto';
import { hexEqual, hmacSha256Hex } from './hash.js';

const PREFIX = 'hmac-sha256$';

/** The record stored for `pin` of application `applicationId`. */
export function pinMac(key: Uint8Array, applicationId: string, pin: string): string {
  return `${PREFIX}${hmacSha256Hex(key, `pin\n${applicationId}\n${pin}`)}`;
}

/**
 * `true` when `pin` matches the stored record of application `applicationId`; `false` for a
 * mismatch or a malformed record.
 */
export async function verifyPin(
  key: Uint8Array,
  applicationId: string,
  pin: string,
  stored: string,
): Promise<boolean> {
  if (stored.startsWith(PREFIX)) {
    return hexEqual(pinMac(key, applicationId, pin).slice(PREFIX.length), stored.slice(PREFIX.length));
  }
  if (stored.startsWith('scrypt$')) return verifyLegacyScrypt(pin, stored);
  return false;
}

/** Records of earlier versions: `scrypt$<N>$<r>$<p>$<salt b64url>$<hash b64url>`. */
async function verifyLegacyScrypt(pin: string, stored: string): Promise<boolean> {
  const parts = stored.split('$');
  if (parts.length !== 6) return false;
  const [N, r, p] = [Number(parts[1]), Number(parts[2]), Number(parts[3])];
  const salt = Buffer.from(parts[4] ?? '', 'base64url');
  const expected = Buffer.from(parts[5] ?? '', 'base64url');
  // The cost comes from the database: bounded to what earlier versions wrote (N = 2^14 at most).
  if (
    ![N, r, p].every(Number.isInteger) ||
    N < 2 ||
    N > 1 << 14 ||
    r !== 8 ||
    p !== 1 ||
    expected.length !== 32
  )
    return false;
  const actual = await new Promise<Buffer>((resolve, reject) => {
    scrypt(pin, salt, 32, { N, r, p, maxmem: 64 * 1024 * 1024 }, (err, k) =>
      err ? reject(err) : resolve(k),
    );
  });
  return timingSafeEqual(actual, expected);
}

/**
 * `true` for PINs anyone would guess: one repeated digit, or a straight run up or down
 * (`1234`, `9876`, `0123`).
 */
export function isTooSimplePin(pin: string): boolean {
  const d = [...pin].map(Number);
  if (d.every((x) => x === d[0])) return true;
  const step = (d[1] ?? 0) - (d[0] ?? 0);
  if (step !== 1 && step !== -1) return false;
  return d.every((x, i) => i === 0 || x - (d[i - 1] ?? 0) === step);
}
