/**
 * Step 2: one-time SMS codes from sender 1414. A code lives 90 s, allows a few wrong entries and
 * works once; a new one can be asked for after a cooldown; only its HMAC is stored.
 */

import type { ApplicationRecord, OtpRecord } from '@kzpki/ca-store';
import { generateOtp, otpMac, otpMatches } from '../crypto/otp.js';
import { CaError } from '../errors.js';
import { assertAllowed } from '../flow/transitions.js';
import { type CaContext, conflict, limit, loadApplication } from './context.js';
import { newApplicantSession } from './sessions.js';

/** Sender of the NCA's SMS codes. */
export const SMS_SENDER = '1414';

function otpText(code: string): string {
  return (
    `Код для получения ЭЦП: ${code}. Никому не сообщайте код. ` +
    `ЭЦҚ алуға арналған код: ${code}. Кодты ешкімге айтпаңыз. (kzpki test CA)`
  );
}

/** Makes a new code for an application, sends it, and returns what to store. */
export async function sendOtp(
  ctx: CaContext,
  applicationId: string,
  phone: string,
  sendCount: number,
): Promise<OtpRecord> {
  const code = generateOtp();
  const sentAt = ctx.now();
  const record: OtpRecord = {
    mac: otpMac(ctx.material.macKeys.otp, applicationId, code),
    phone,
    sentAt,
    expiresAt: new Date(sentAt.getTime() + ctx.config.otp.ttlSeconds * 1000),
    attemptsLeft: ctx.config.otp.maxAttempts,
    sendCount: sendCount + 1,
  };
  await ctx.providers.sms.send({ to: phone, sender: SMS_SENDER, text: otpText(code), kind: 'otp', code });
  return record;
}

/** Sends a new code (after the cooldown); the previous one stops working. */
export async function resendOtp(ctx: CaContext, id: string, ip: string): Promise<ApplicationRecord> {
  const app = await loadApplication(ctx, id);
  assertAllowed('resendOtp', app.status);
  const otp = app.data.otp as OtpRecord;
  const wait = Math.ceil(
    (otp.sentAt.getTime() + ctx.config.otp.resendCooldownSeconds * 1000 - ctx.now().getTime()) / 1000,
  );
  if (wait > 0) {
    throw new CaError('ERR_OTP_RESEND_TOO_EARLY', `A new code can be sent in ${wait} s`, {
      details: { retryAfter: wait },
    });
  }
  if (otp.sendCount >= ctx.config.otp.maxSends) {
    throw new CaError(
      'ERR_RATE_LIMITED',
      'Too many codes for this application; start a new application later',
      {
        details: { retryAfter: ctx.config.otp.resendCooldownSeconds },
      },
    );
  }
  await limit(ctx, 'otpSendPerIp', ip);
  await limit(ctx, 'otpSendPerIin', app.iin);
  const next = await sendOtp(ctx, app.id, otp.phone, otp.sendCount);
  const updated = await ctx.store.updateApplication(app.id, {
    expected: ['otp-sent'],
    guard: (cur) => cur.data.otp?.mac === otp.mac,
    data: { otp: next },
    audit: { actor: `applicant:${app.iin}`, action: 'otp.resent', entity: `application:${app.id}` },
  });
  return updated ?? conflict(ctx, app.id);
}

/** Result of a correct code: the applicant session. */
export interface OtpVerified {
  token: string;
  expiresAt: Date;
  application: ApplicationRecord;
}

/** Checks a code; a correct one moves the application on and opens the applicant session. */
export async function verifyOtp(ctx: CaContext, id: string, code: string, ip: string): Promise<OtpVerified> {
  await limit(ctx, 'otpCheckPerIp', ip);
  // Per person, across resends and applications: new codes do not buy new guesses.
  await limit(ctx, 'otpCheckPerIin', (await loadApplication(ctx, id)).iin);
  for (let attempt = 0; attempt < 5; attempt++) {
    const app = await loadApplication(ctx, id);
    assertAllowed('verifyOtp', app.status);
    const otp = app.data.otp as OtpRecord;
    if (otp.attemptsLeft <= 0) {
      throw new CaError('ERR_OTP_ATTEMPTS_EXCEEDED', 'Too many wrong codes; request a new code', {
        details: { attemptsLeft: 0 },
      });
    }
    if (ctx.now().getTime() >= otp.expiresAt.getTime()) {
      throw new CaError('ERR_OTP_EXPIRED', 'The code has expired; request a new code');
    }
    const unchanged = (cur: ApplicationRecord): boolean =>
      cur.data.otp?.mac === otp.mac && cur.data.otp.attemptsLeft === otp.attemptsLeft;
    if (otpMatches(ctx.material.macKeys.otp, app.id, code, otp.mac)) {
      // The session is stored in the transaction of the status change: never one without the other.
      const session = newApplicantSession(ctx, app);
      const updated = await ctx.store.updateApplication(app.id, {
        expected: ['otp-sent'],
        guard: unchanged,
        status: { to: 'phone-verified', actor: `applicant:${app.iin}` },
        data: { otp: { ...otp, usedAt: ctx.now() } },
        session: session.record,
        audit: { actor: `applicant:${app.iin}`, action: 'otp.verified', entity: `application:${app.id}` },
      });
      if (!updated) continue; // a concurrent check changed the code state: look again
      return { token: session.token, expiresAt: session.expiresAt, application: updated };
    }
    const attemptsLeft = otp.attemptsLeft - 1;
    const updated = await ctx.store.updateApplication(app.id, {
      expected: ['otp-sent'],
      guard: unchanged,
      data: { otp: { ...otp, attemptsLeft } },
      audit: {
        actor: `applicant:${app.iin}`,
        action: 'otp.rejected',
        entity: `application:${app.id}`,
        details: { attemptsLeft },
      },
    });
    if (!updated) continue;
    if (attemptsLeft === 0) {
      throw new CaError('ERR_OTP_ATTEMPTS_EXCEEDED', 'Too many wrong codes; request a new code', {
        details: { attemptsLeft: 0 },
      });
    }
    throw new CaError('ERR_OTP_INVALID', 'Wrong code', { details: { attemptsLeft } });
  }
  throw new CaError('ERR_INVALID_TRANSITION', 'The code is being checked concurrently; try again');
}
