/**
 * One-time SMS codes, both of the flow: the first one (step 2, to the phone registered in the Mobile
 * Citizens Database, opens the applicant session) and Digital ID's (step 3, to the number the
 * applicant gives on the remote identification page, which must be that registered phone). Both
 * follow one set of rules, kept here: a code lives 90 s, allows a few wrong entries and works once;
 * a new one can be asked for after a cooldown, a bounded number of times; only its HMAC is stored
 * and checks compare in constant time; checks and sends are rate-limited per client and per person.
 */

import type { ApplicationRecord, ApplicationStatus, OtpRecord } from '@kzpki/ca-store';
import { generateOtp, type OtpPurpose, otpMac, otpMatches } from '../crypto/otp.js';
import { CaError } from '../errors.js';
import { assertAllowed, type FlowAction } from '../flow/transitions.js';
import { type CaContext, conflict, limit, loadApplication, maskPhone } from './context.js';
import { newApplicantSession } from './sessions.js';

export type { OtpPurpose } from '../crypto/otp.js';

/** Sender of the NCA's SMS codes (Digital ID's code comes from the same short number). */
export const SMS_SENDER = '1414';

/** Where each code lives in the application, which status waits for it and where it leads. */
const SLOTS = {
  application: {
    field: 'otp',
    waiting: 'otp-sent',
    verified: 'phone-verified',
    verifyAction: 'verifyOtp',
    audit: 'otp',
  },
  'digital-id': {
    field: 'digitalIdOtp',
    waiting: 'digital-id-code-sent',
    verified: 'digital-id-phone-verified',
    verifyAction: 'verifyDigitalIdPhone',
    audit: 'digital-id.otp',
  },
} as const satisfies Record<
  OtpPurpose,
  {
    field: 'otp' | 'digitalIdOtp';
    waiting: ApplicationStatus;
    verified: ApplicationStatus;
    verifyAction: FlowAction;
    audit: string;
  }
>;

/**
 * The per-person rate-limit key of a code. The two codes count in separate buckets of the same
 * rules: the Digital ID code can only be asked for with the session the first code opened, so a
 * guesser gains nothing from it, and one bucket for both would halve what a person (or a tester
 * making the same demo person's keys) can do in a row.
 */
function personKey(purpose: OtpPurpose, iin: string): string {
  return purpose === 'application' ? iin : `digital-id:${iin}`;
}

/**
 * Takes the send rate-limit tokens of a code of `purpose` for `iin` (per client address and per
 * person), before anything is sent or compared.
 */
export async function takeSendLimits(
  ctx: CaContext,
  purpose: OtpPurpose,
  iin: string,
  ip: string,
): Promise<void> {
  await limit(ctx, 'otpSendPerIp', ip);
  await limit(ctx, 'otpSendPerIin', personKey(purpose, iin));
}

function otpText(code: string, purpose: OtpPurpose): string {
  if (purpose === 'digital-id') {
    return (
      `Digital ID: код подтверждения номера телефона ${code}. Никому не сообщайте код. ` +
      `Digital ID: телефон нөмірін растау коды ${code}. Кодты ешкімге айтпаңыз. (kzpki test CA)`
    );
  }
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
  purpose: OtpPurpose = 'application',
): Promise<OtpRecord> {
  const code = generateOtp();
  const sentAt = ctx.now();
  const record: OtpRecord = {
    mac: otpMac(ctx.material.macKeys.otp, applicationId, code, purpose),
    phone,
    sentAt,
    expiresAt: new Date(sentAt.getTime() + ctx.config.otp.ttlSeconds * 1000),
    attemptsLeft: ctx.config.otp.maxAttempts,
    sendCount: sendCount + 1,
  };
  await ctx.providers.sms.send({
    to: phone,
    sender: SMS_SENDER,
    text: otpText(code, purpose),
    kind: 'otp',
    code,
  });
  return record;
}

/**
 * Checks that a new code may replace `previous` (cooldown, codes per application) and takes the
 * send rate-limit tokens.
 */
async function allowResend(
  ctx: CaContext,
  app: ApplicationRecord,
  previous: OtpRecord,
  purpose: OtpPurpose,
  ip: string,
): Promise<void> {
  const wait = Math.ceil(
    (previous.sentAt.getTime() + ctx.config.otp.resendCooldownSeconds * 1000 - ctx.now().getTime()) / 1000,
  );
  if (wait > 0) {
    throw new CaError('ERR_OTP_RESEND_TOO_EARLY', `A new code can be sent in ${wait} s`, {
      details: { retryAfter: wait },
    });
  }
  if (previous.sendCount >= ctx.config.otp.maxSends) {
    throw new CaError(
      'ERR_RATE_LIMITED',
      'Too many codes for this application; start a new application later',
      {
        details: { retryAfter: ctx.config.otp.resendCooldownSeconds },
      },
    );
  }
  await takeSendLimits(ctx, purpose, app.iin, ip);
}

/** Sends a new code (after the cooldown); the previous one stops working. */
export async function resendOtp(ctx: CaContext, id: string, ip: string): Promise<ApplicationRecord> {
  const app = await loadApplication(ctx, id);
  assertAllowed('resendOtp', app.status);
  const otp = app.data.otp as OtpRecord;
  await allowResend(ctx, app, otp, 'application', ip);
  const next = await sendOtp(ctx, app.id, otp.phone, otp.sendCount);
  const updated = await ctx.store.updateApplication(app.id, {
    expected: ['otp-sent'],
    guard: (cur) => cur.data.otp?.mac === otp.mac,
    data: { otp: next },
    audit: { actor: `applicant:${app.iin}`, action: 'otp.resent', entity: `application:${app.id}` },
  });
  return updated ?? conflict(ctx, app.id);
}

/**
 * Digital ID's phone step (step 3): the number the applicant gives must be the one registered in
 * the Mobile Citizens Database for their IIN; then Digital ID sends its own code to it. Asked again
 * (status `digital-id-code-sent`), it sends a new code under the resend rules of the first one.
 *
 * @throws {CaError} `ERR_DIGITAL_ID_PHONE_MISMATCH` for another number (no code is sent, and the
 *   registered number is not revealed), `ERR_PHONE_NOT_REGISTERED` when the registration was
 *   withdrawn meanwhile, `ERR_OTP_RESEND_TOO_EARLY`, `ERR_RATE_LIMITED`, `ERR_INVALID_TRANSITION`.
 */
export async function submitDigitalIdPhone(
  ctx: CaContext,
  id: string,
  phone: string,
  ip: string,
): Promise<ApplicationRecord> {
  const app = await loadApplication(ctx, id);
  assertAllowed('submitDigitalIdPhone', app.status);
  const previous = app.status === 'digital-id-code-sent' ? app.data.digitalIdOtp : undefined;
  // Taken before the number is compared, so the step cannot be used to try numbers quickly.
  if (previous) await allowResend(ctx, app, previous, 'digital-id', ip);
  else await takeSendLimits(ctx, 'digital-id', app.iin, ip);
  const registered = await ctx.providers.mobile.findPhone(app.iin);
  if (registered === undefined) {
    throw new CaError(
      'ERR_PHONE_NOT_REGISTERED',
      'No phone is registered in the Mobile Citizens Database for this IIN any more; register it, then start again',
    );
  }
  // Digits only: a provider may keep the number written differently from the API's +7XXXXXXXXXX.
  if (phone.replace(/\D/g, '') !== registered.replace(/\D/g, '')) {
    await ctx.store.appendAudit({
      actor: `applicant:${app.iin}`,
      action: 'digital-id.phone-mismatch',
      entity: `application:${app.id}`,
      details: { given: maskPhone(phone) },
    });
    throw new CaError(
      'ERR_DIGITAL_ID_PHONE_MISMATCH',
      'This is not the phone number registered in the Mobile Citizens Database for your IIN; no code was sent',
    );
  }
  const next = await sendOtp(ctx, app.id, registered, previous?.sendCount ?? 0, 'digital-id');
  const updated = await ctx.store.updateApplication(app.id, {
    expected: [app.status],
    guard: (cur) => cur.data.digitalIdOtp?.mac === previous?.mac,
    ...(app.status !== 'digital-id-code-sent'
      ? { status: { to: 'digital-id-code-sent' as const, actor: `applicant:${app.iin}` } }
      : {}),
    data: { digitalIdOtp: next },
    audit: {
      actor: `applicant:${app.iin}`,
      action: previous ? 'digital-id.otp.resent' : 'digital-id.otp.sent',
      entity: `application:${app.id}`,
      details: { phone: maskPhone(registered) },
    },
  });
  return updated ?? conflict(ctx, app.id);
}

/**
 * Checks a code of `purpose` against the application's record: wrong entries count down, an
 * expired or spent code is refused, a correct one moves the status on (with `session`, stored in
 * the same transaction). Returns the updated application.
 */
async function checkOtp(
  ctx: CaContext,
  id: string,
  code: string,
  ip: string,
  purpose: OtpPurpose,
  session?: (app: ApplicationRecord) => ReturnType<typeof newApplicantSession>,
): Promise<{ application: ApplicationRecord; session?: ReturnType<typeof newApplicantSession> }> {
  const slot = SLOTS[purpose];
  await limit(ctx, 'otpCheckPerIp', ip);
  // Per person, across resends and applications: new codes do not buy new guesses.
  await limit(ctx, 'otpCheckPerIin', personKey(purpose, (await loadApplication(ctx, id)).iin));
  for (let attempt = 0; attempt < 5; attempt++) {
    const app = await loadApplication(ctx, id);
    assertAllowed(slot.verifyAction, app.status);
    const otp = app.data[slot.field] as OtpRecord;
    if (otp.attemptsLeft <= 0) {
      throw new CaError('ERR_OTP_ATTEMPTS_EXCEEDED', 'Too many wrong codes; request a new code', {
        details: { attemptsLeft: 0 },
      });
    }
    if (ctx.now().getTime() >= otp.expiresAt.getTime()) {
      throw new CaError('ERR_OTP_EXPIRED', 'The code has expired; request a new code');
    }
    const unchanged = (cur: ApplicationRecord): boolean =>
      cur.data[slot.field]?.mac === otp.mac && cur.data[slot.field]?.attemptsLeft === otp.attemptsLeft;
    if (otpMatches(ctx.material.macKeys.otp, app.id, code, otp.mac, purpose)) {
      // The session is stored in the transaction of the status change: never one without the other.
      const opened = session?.(app);
      const updated = await ctx.store.updateApplication(app.id, {
        expected: [slot.waiting],
        guard: unchanged,
        status: { to: slot.verified, actor: `applicant:${app.iin}` },
        data: { [slot.field]: { ...otp, usedAt: ctx.now() } },
        ...(opened ? { session: opened.record } : {}),
        audit: {
          actor: `applicant:${app.iin}`,
          action: `${slot.audit}.verified`,
          entity: `application:${app.id}`,
        },
      });
      if (!updated) continue; // a concurrent check changed the code state: look again
      return { application: updated, ...(opened ? { session: opened } : {}) };
    }
    const attemptsLeft = otp.attemptsLeft - 1;
    const updated = await ctx.store.updateApplication(app.id, {
      expected: [slot.waiting],
      guard: unchanged,
      data: { [slot.field]: { ...otp, attemptsLeft } },
      audit: {
        actor: `applicant:${app.iin}`,
        action: `${slot.audit}.rejected`,
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

/** Result of a correct code: the applicant session. */
export interface OtpVerified {
  token: string;
  expiresAt: Date;
  application: ApplicationRecord;
}

/** Checks the first code; a correct one moves the application on and opens the applicant session. */
export async function verifyOtp(ctx: CaContext, id: string, code: string, ip: string): Promise<OtpVerified> {
  const r = await checkOtp(ctx, id, code, ip, 'application', (app) => newApplicantSession(ctx, app));
  const session = r.session as ReturnType<typeof newApplicantSession>;
  return { token: session.token, expiresAt: session.expiresAt, application: r.application };
}

/** Checks Digital ID's code; a correct one confirms the phone, and the Digital ID can be created. */
export async function verifyDigitalIdPhone(
  ctx: CaContext,
  id: string,
  code: string,
  ip: string,
): Promise<ApplicationRecord> {
  return (await checkOtp(ctx, id, code, ip, 'digital-id')).application;
}
