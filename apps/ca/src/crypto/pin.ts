/**
 * Digital ID PINs: hashed with scrypt (RFC 7914) and a random salt, verified in constant time.
 * Format: `scrypt$<N>$<r>$<p>$<salt b64url>$<hash b64url>`.
 */
import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

/** scrypt cost parameters. */
export interface ScryptParams {
  N: number;
  r: number;
  p: number;
}

/** Default cost: N=2^14, r=8, p=1 (16 MiB, tens of milliseconds). */
export const PIN_SCRYPT: ScryptParams = { N: 1 << 14, r: 8, p: 1 };

function scryptAsync(secret: string, salt: Buffer, params: ScryptParams): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(secret, salt, 32, { ...params, maxmem: 64 * 1024 * 1024 }, (err, key) =>
      err ? reject(err) : resolve(key),
    );
  });
}

/** Hashes a PIN for storage. */
export async function hashPin(pin: string, params: ScryptParams = PIN_SCRYPT): Promise<string> {
  const salt = randomBytes(16);
  const hash = await scryptAsync(pin, salt, params);
  return `scrypt$${params.N}$${params.r}$${params.p}$${salt.toString('base64url')}$${hash.toString('base64url')}`;
}

/** `true` when `pin` matches `stored`; `false` for a mismatch or a malformed record. */
export async function verifyPin(pin: string, stored: string): Promise<boolean> {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [N, r, p] = [Number(parts[1]), Number(parts[2]), Number(parts[3])];
  const salt = Buffer.from(parts[4] ?? '', 'base64url');
  const expected = Buffer.from(parts[5] ?? '', 'base64url');
  if (!Number.isInteger(N) || !Number.isInteger(r) || !Number.isInteger(p) || expected.length !== 32)
    return false;
  const actual = await scryptAsync(pin, salt, { N, r, p });
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
