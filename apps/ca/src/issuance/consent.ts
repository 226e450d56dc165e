/**
 * Step 4: the applicant grants the NCA access to the Digital ID data with the PIN set during
 * identification, then accepts the current user agreement (version and time recorded).
 */

import type { ApplicationRecord } from '@kzpki/ca-store';
import { verifyPin } from '../crypto/pin.js';
import { CaError } from '../errors.js';
import { assertAllowed } from '../flow/transitions.js';
import { type CaContext, conflict, loadApplication } from './context.js';

/** Grants consent with the PIN. */
export async function grantConsent(ctx: CaContext, id: string, pin: string): Promise<ApplicationRecord> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const app = await loadApplication(ctx, id);
    assertAllowed('grantConsent', app.status);
    const left = app.data.pinAttemptsLeft ?? 0;
    if (left <= 0 || !app.data.pinHash) {
      throw new CaError('ERR_PIN_ATTEMPTS_EXCEEDED', 'Too many wrong PINs; start a new application', {
        details: { attemptsLeft: 0 },
      });
    }
    const unchanged = (cur: ApplicationRecord): boolean => cur.data.pinAttemptsLeft === left;
    const actor = `applicant:${app.iin}`;
    if (await verifyPin(ctx.material.macKeys.pin, app.id, pin, app.data.pinHash)) {
      const updated = await ctx.store.updateApplication(app.id, {
        expected: ['identified'],
        guard: unchanged,
        status: { to: 'consent-given', actor },
        data: { consentAt: ctx.now() },
        audit: { actor, action: 'consent.granted', entity: `application:${app.id}` },
      });
      if (updated) return updated;
      continue;
    }
    const attemptsLeft = left - 1;
    const updated = await ctx.store.updateApplication(app.id, {
      expected: ['identified'],
      guard: unchanged,
      data: { pinAttemptsLeft: attemptsLeft },
      audit: {
        actor,
        action: 'consent.pin-rejected',
        entity: `application:${app.id}`,
        details: { attemptsLeft },
      },
    });
    if (!updated) continue;
    if (attemptsLeft === 0) {
      throw new CaError('ERR_PIN_ATTEMPTS_EXCEEDED', 'Too many wrong PINs; start a new application', {
        details: { attemptsLeft: 0 },
      });
    }
    throw new CaError('ERR_PIN_INVALID', 'Wrong PIN', { details: { attemptsLeft } });
  }
  return conflict(ctx, id);
}

/** Accepts the user agreement; the version must be the current one. */
export async function acceptAgreement(
  ctx: CaContext,
  id: string,
  version: string,
): Promise<ApplicationRecord> {
  const app = await loadApplication(ctx, id);
  assertAllowed('acceptAgreement', app.status);
  if (version !== ctx.config.agreement.version) {
    throw new CaError(
      'ERR_AGREEMENT_VERSION_MISMATCH',
      `The current agreement is version ${ctx.config.agreement.version}`,
    );
  }
  const actor = `applicant:${app.iin}`;
  const updated = await ctx.store.updateApplication(app.id, {
    expected: ['consent-given'],
    status: { to: 'agreement-accepted', actor },
    data: { agreement: { version, acceptedAt: ctx.now() } },
    audit: { actor, action: 'agreement.accepted', entity: `application:${app.id}`, details: { version } },
  });
  return updated ?? conflict(ctx, app.id);
}
