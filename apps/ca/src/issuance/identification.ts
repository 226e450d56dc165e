/**
 * Step 3: remote identification through (simulated) Digital ID: selfie and liveness, PIN, the
 * identity document; the recognised data is confirmed by the user and compared with the registry.
 * A mismatch goes to an operator's moderation queue; the operator's decision is sent by SMS.
 */

import type { ApplicationRecord, RecognizedDocument } from '@kzpki/ca-store';
import { sha256Hex } from '../crypto/hash.js';
import { isTooSimplePin, pinMac } from '../crypto/pin.js';
import { CaError } from '../errors.js';
import { assertAllowed } from '../flow/transitions.js';
import { type CaContext, conflict, loadApplication } from './context.js';
import { notifyByEmail } from './email-notices.js';
import { compareWithRegistry } from './identity-match.js';
import { SMS_SENDER } from './otp.js';

/** Input of {@link submitIdentification}. */
export interface IdentificationInput {
  selfie: Uint8Array;
  liveness: { passed: boolean; score: number };
  pin: string;
  document: { type: 'id-card' | 'passport'; frontImage: Uint8Array; backImage?: Uint8Array };
}

/** Checks selfie, liveness and PIN, recognises the document, and asks the user to confirm it. */
export async function submitIdentification(
  ctx: CaContext,
  id: string,
  input: IdentificationInput,
): Promise<{ application: ApplicationRecord; recognizedDocument: RecognizedDocument }> {
  const app = await loadApplication(ctx, id);
  if (app.status === 'phone-verified' || app.status === 'digital-id-code-sent') {
    // Digital ID is created only after its own SMS code confirmed the phone (seed steps 8-9).
    throw new CaError(
      'ERR_DIGITAL_ID_PHONE_NOT_VERIFIED',
      'Confirm the phone number with the Digital ID code first (submitDigitalIdPhone, verifyDigitalIdPhone)',
      { details: { currentStatus: app.status } },
    );
  }
  assertAllowed('submitIdentification', app.status);
  if (isTooSimplePin(input.pin))
    throw new CaError('ERR_PIN_TOO_SIMPLE', 'Choose a PIN that is not a repeated digit or a run');
  const selfie = await ctx.providers.digitalId.checkSelfie({
    iin: app.iin,
    selfie: input.selfie,
    liveness: input.liveness,
  });
  if (!selfie.livenessPassed)
    throw new CaError('ERR_LIVENESS_FAILED', 'The video liveness check did not pass; try again');
  if (!selfie.faceMatches)
    throw new CaError('ERR_FACE_MISMATCH', 'The selfie does not match the photo in the registry');
  const recognized = await ctx.providers.digitalId.recognizeDocument({
    iin: app.iin,
    type: input.document.type,
    frontImage: input.document.frontImage,
    ...(input.document.backImage ? { backImage: input.document.backImage } : {}),
  });
  if (!recognized) {
    throw new CaError(
      'ERR_DOCUMENT_NOT_RECOGNIZED',
      'The document could not be read; photograph both sides again',
    );
  }
  const pinHash = pinMac(ctx.material.macKeys.pin, app.id, input.pin);
  const updated = await ctx.store.updateApplication(app.id, {
    expected: ['digital-id-phone-verified', 'document-recognized'],
    status: { to: 'document-recognized', actor: `applicant:${app.iin}` },
    data: {
      identification: {
        documentType: input.document.type,
        recognizedDocument: recognized,
        liveness: input.liveness,
        selfieSha256: sha256Hex(input.selfie),
      },
      pinHash,
      pinAttemptsLeft: ctx.config.pinMaxAttempts,
    },
    audit: {
      actor: `applicant:${app.iin}`,
      action: 'identification.submitted',
      entity: `application:${app.id}`,
      details: { documentType: input.document.type, livenessScore: input.liveness.score },
    },
  });
  return { application: updated ?? (await conflict(ctx, app.id)), recognizedDocument: recognized };
}

/** The user confirms the recognised data; it is compared with the registry. */
export async function confirmIdentification(ctx: CaContext, id: string): Promise<ApplicationRecord> {
  const app = await loadApplication(ctx, id);
  assertAllowed('confirmIdentification', app.status);
  const ident = app.data.identification;
  const person = await ctx.providers.persons.findPerson(app.iin);
  if (!ident || !person) throw new CaError('ERR_PERSON_NOT_FOUND', 'The person is no longer in the registry');
  const now = ctx.now();
  const mismatches = compareWithRegistry(ident.recognizedDocument, person, now.toISOString().slice(0, 10));
  const moderation = mismatches.length > 0;
  const updated = await ctx.store.updateApplication(app.id, {
    expected: ['document-recognized'],
    status: { to: moderation ? 'moderation' : 'identified', actor: moderation ? 'system' : 'registry' },
    data: {
      identification: { ...ident, confirmedAt: now, ...(moderation ? { mismatches, queuedAt: now } : {}) },
    },
    audit: {
      actor: `applicant:${app.iin}`,
      action: moderation ? 'identification.sent-to-moderation' : 'identification.matched',
      entity: `application:${app.id}`,
      ...(moderation ? { details: { fields: mismatches.map((m) => m.field) } } : {}),
    },
  });
  return updated ?? conflict(ctx, app.id);
}

/** The moderation queue, oldest first. */
export async function moderationQueue(ctx: CaContext): Promise<ApplicationRecord[]> {
  return ctx.store.listApplicationsByStatus('moderation');
}

const MODERATION_SMS = {
  approve:
    'НУЦ РК: ваш документ прошёл проверку, продолжите получение ЭЦП. ҚР ҰКО: құжатыңыз тексеруден өтті, ЭЦҚ алуды жалғастырыңыз. (kzpki test CA)',
  reject:
    'НУЦ РК: ваш документ не прошёл проверку (модерацию). ҚР ҰКО: құжатыңыз тексеруден (модерациядан) өтпеді. (kzpki test CA)',
};

/** An operator accepts or rejects a moderated identification; the applicant gets an SMS. */
export async function decideModeration(
  ctx: CaContext,
  operatorIin: string,
  id: string,
  decision: 'approve' | 'reject',
  comment: string | undefined,
): Promise<ApplicationRecord> {
  const app = await loadApplication(ctx, id);
  assertAllowed('decideModeration', app.status);
  const ident = app.data.identification;
  if (!ident) throw new CaError('ERR_INTERNAL', 'Moderated application without identification data');
  const actor = `operator:${operatorIin}`;
  const now = ctx.now();
  const updated = await ctx.store.updateApplication(app.id, {
    expected: ['moderation'],
    status: {
      to: decision === 'approve' ? 'identified' : 'identification-rejected',
      actor,
      ...(comment ? { note: comment } : {}),
    },
    data: {
      identification: {
        ...ident,
        moderation: { decision, by: actor, at: now, ...(comment !== undefined ? { comment } : {}) },
      },
      ...(decision === 'reject'
        ? { rejection: { at: now, by: 'operator' as const, ...(comment ? { comment } : {}) } }
        : {}),
    },
    audit: { actor, action: `moderation.${decision}`, entity: `application:${app.id}`, details: { comment } },
  });
  if (!updated) return conflict(ctx, app.id);
  if (app.data.otp) {
    await ctx.providers.sms.send({
      to: app.data.otp.phone,
      sender: SMS_SENDER,
      text: MODERATION_SMS[decision],
      kind: 'notification',
    });
  }
  await notifyByEmail(ctx, updated, { event: 'moderation', decision });
  return updated;
}
