/**
 * The one-time code countdown on the browser's clock.
 */
import type { Application, OtpState } from '../../api/types.js';

/**
 * When the code expires and when a new one may be asked for, on this browser's clock: the server's
 * offsets from the moment it sent the code (`updatedAt`), counted from when its answer arrived, so
 * a skewed local clock cannot shorten or stretch the 90 seconds.
 */
export function otpDeadlines(
  app: Application,
  receivedAt: number,
  /** The code counted down: the first one (default) or Digital ID's. */
  otp: OtpState | undefined = app.otp,
): { receivedAt: number; expiresAt: number; resendAt: number } {
  if (!otp) return { receivedAt, expiresAt: receivedAt, resendAt: receivedAt };
  const sent = Date.parse(app.updatedAt);
  const ttl = otp.ttlSeconds * 1000;
  const offset = (iso: string, max: number): number => {
    const d = Date.parse(iso) - sent;
    return Number.isFinite(d) ? Math.min(Math.max(d, 0), max) : max;
  };
  return {
    receivedAt,
    expiresAt: receivedAt + offset(otp.expiresAt, ttl),
    resendAt: receivedAt + offset(otp.resendAvailableAt, ttl),
  };
}
