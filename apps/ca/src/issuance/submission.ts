/**
 * Step 5: the application form (e-mail, key storage) with the two requests made on the client.
 * The application gets its 14-digit number; legal-entity templates that need approval wait for
 * the first manager, the others are ready for issuance.
 */

import { type ApplicationRecord, isDuplicate } from '@kzpki/ca-store';
import { TEMPLATES, toDer } from '@kzpki/pki';
import { generateApplicationNumber } from '../crypto/application-number.js';
import { sha256Hex } from '../crypto/hash.js';
import { CaError } from '../errors.js';
import { assertAllowed } from '../flow/transitions.js';
import { type CaContext, conflict, loadApplication } from './context.js';
import { checkRequestFits, verifyRequest } from './csr-policy.js';

/** Input of {@link submitApplication}. */
export interface SubmissionInput {
  email?: string;
  keyStorage: string;
  csrs: { auth: string; sign: string };
}

/** Submits the application form. */
export async function submitApplication(
  ctx: CaContext,
  id: string,
  input: SubmissionInput,
): Promise<ApplicationRecord> {
  const app = await loadApplication(ctx, id);
  assertAllowed('submitApplication', app.status);
  const auth = await verifyRequest(input.csrs.auth);
  const sign = await verifyRequest(input.csrs.sign);
  checkRequestFits(auth, app, 'auth', input.email);
  checkRequestFits(sign, app, 'sign', input.email);
  const authKey = sha256Hex(auth.spki);
  const signKey = sha256Hex(sign.spki);
  if (authKey === signKey) {
    throw new CaError(
      'ERR_CSR_KEY_REUSED',
      'AUTH and SIGN need two different keys (one key per certificate)',
    );
  }
  for (const k of [authKey, signKey]) {
    if (await ctx.store.publicKeyCertified(k)) {
      throw new CaError(
        'ERR_CSR_KEY_REUSED',
        'A certificate for this public key was already issued; generate new keys',
      );
    }
  }
  const needsApproval = TEMPLATES[app.template].approverRoles.length > 0;
  const actor = `applicant:${app.iin}`;
  for (let attempt = 0; attempt < 5; attempt++) {
    const number = generateApplicationNumber();
    if (await ctx.store.applicationNumberExists(number)) continue;
    try {
      const updated = await ctx.store.updateApplication(app.id, {
        expected: ['agreement-accepted'],
        status: { to: needsApproval ? 'awaiting-approval' : 'submitted', actor },
        number,
        submittedAt: ctx.now(),
        data: {
          ...(input.email !== undefined ? { email: input.email } : {}),
          keyStorage: input.keyStorage,
          csrs: { auth: toDer(auth.der), sign: toDer(sign.der) },
          publicKeys: { auth: auth.spki, sign: sign.spki },
          requests: [
            {
              purpose: 'auth',
              subject: auth.subjectString,
              keyAlgorithm: auth.keyAlgorithm,
              publicKeySha256: authKey,
            },
            {
              purpose: 'sign',
              subject: sign.subjectString,
              keyAlgorithm: sign.keyAlgorithm,
              publicKeySha256: signKey,
            },
          ],
        },
        audit: {
          actor,
          action: 'application.submitted',
          entity: `application:${app.id}`,
          details: { number, authKeySha256: authKey, signKeySha256: signKey, keyStorage: input.keyStorage },
        },
      });
      return updated ?? (await conflict(ctx, app.id));
    } catch (e) {
      // A concurrent application took the same number between the check and the update.
      if (isDuplicate(e, 'application-number')) continue;
      throw e;
    }
  }
  throw new CaError('ERR_INTERNAL', 'Could not allocate an application number');
}
