/** SHA-256 and HMAC helpers (Node's crypto; the CA runs on Node only). */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/** SHA-256 of bytes or UTF-8 text, lower-case hex. */
export function sha256Hex(data: Uint8Array | string): string {
  return createHash('sha256').update(data).digest('hex');
}

/** HMAC-SHA256 of UTF-8 `message` under `key`, lower-case hex. */
export function hmacSha256Hex(key: Uint8Array, message: string): string {
  return createHmac('sha256', key).update(message).digest('hex');
}

/** Constant-time comparison of two hex strings of equal length (different lengths: `false`). */
export function hexEqual(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === y.length && x.length > 0 && timingSafeEqual(x, y);
}
