/**
 * Step 5: the application form (e-mail, key storage) with the requests made on the client: the RSA
 * AUTH + SIGN pair (every template; for legal entities the NCA's older generation), or one
 * GOST R 34.10-2015 512-bit request (legal-entity templates, as the NCA issues them today). The
 * application gets its 14-digit number; legal-entity templates that need approval wait for the
 * first manager, the others are ready for issuance.
 */

import { type ApplicationRecord, isDuplicate } from '@kzpki/ca-store';
import { TEMPLATES, toDer } from '@kzpki/pki';
import { generateApplicationNumber } from '../crypto/application-number.js';
import { sha256Hex } from '../crypto/hash.js';
import { CaError } from '../errors.js';
import { assertAllowed } from '../flow/transitions.js';
import { type CaContext, conflict, loadApplication } from './context.js';
import { checkGostRequestFits, checkRequestFits, GOST_KEY_ALGORITHMS, verifyRequest } from './csr-policy.js';
import { notifyByEmail } from './email-notices.js';

/** Input of {@link submitApplication}: `csrs` (an RSA AUTH + SIGN pair) or `csr` (one GOST request). */
export type SubmissionInput =
  | { email?: string; keyStorage: string; csrs: { auth: string; sign: string } }
  | { email?: string; keyStorage: string; csr: string };

/** What a submission stores and audits: the application data of its requests. */
type SubmittedRequests = Pick<ApplicationRecord['data'], 'csrs' | 'publicKeys' | 'gost' | 'requests'> & {
  keys: Record<string, string>;
};

/** Submits the application form. */
export async function submitApplication(
  ctx: CaContext,
  id: string,
  input: SubmissionInput,
): Promise<ApplicationRecord> {
  const app = await loadApplication(ctx, id);
  assertAllowed('submitApplication', app.status);
  const requests = 'csr' in input ? await gostRequest(ctx, app, input) : await rsaPair(ctx, app, input);
  const needsApproval = TEMPLATES[app.template].approverRoles.length > 0;
  const actor = `applicant:${app.iin}`;
  const { keys, ...data } = requests;
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
          ...data,
        },
        audit: {
          actor,
          action: 'application.submitted',
          entity: `application:${app.id}`,
          details: { number, ...keys, keyStorage: input.keyStorage },
        },
      });
      if (!updated) return conflict(ctx, app.id);
      await notifyByEmail(ctx, updated, { event: 'submitted' });
      return updated;
    } catch (e) {
      // A concurrent application took the same number between the check and the update.
      if (isDuplicate(e, 'application-number')) continue;
      throw e;
    }
  }
  throw new CaError('ERR_INTERNAL', 'Could not allocate an application number');
}

/** Throws `ERR_CSR_KEY_REUSED` when a key was certified before. */
async function checkKeysNew(ctx: CaContext, keys: readonly string[]): Promise<void> {
  for (const k of keys) {
    if (await ctx.store.publicKeyCertified(k)) {
      throw new CaError(
        'ERR_CSR_KEY_REUSED',
        'A certificate for this public key was already issued; generate new keys',
      );
    }
  }
}

/**
 * The one GOST-2015 512-bit request of a legal-entity application.
 * @throws {CaError} `ERR_KEY_ALGORITHM_NOT_ALLOWED` for an individual's application or another key
 *   algorithm, the request checks of `verifyRequest` and `checkGostRequestFits`.
 */
async function gostRequest(
  ctx: CaContext,
  app: ApplicationRecord,
  input: { email?: string; csr: string },
): Promise<SubmittedRequests> {
  if (TEMPLATES[app.template].kind !== 'legal-entity') {
    throw new CaError(
      'ERR_KEY_ALGORITHM_NOT_ALLOWED',
      `The ${app.template} template is issued as an RSA AUTH + SIGN pair: send csrs, not one GOST request`,
    );
  }
  const csr = await verifyRequest(input.csr, GOST_KEY_ALGORITHMS);
  checkGostRequestFits(csr, app, input.email);
  const key = sha256Hex(csr.spki);
  await checkKeysNew(ctx, [key]);
  return {
    gost: { csr: toDer(csr.der), publicKey: csr.spki },
    requests: [
      {
        purpose: 'auth+sign',
        subject: csr.subjectString,
        keyAlgorithm: csr.keyAlgorithm,
        publicKeySha256: key,
      },
    ],
    keys: { gostKeySha256: key },
  };
}

/** The RSA AUTH + SIGN pair (every template). */
async function rsaPair(
  ctx: CaContext,
  app: ApplicationRecord,
  input: { email?: string; csrs: { auth: string; sign: string } },
): Promise<SubmittedRequests> {
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
  await checkKeysNew(ctx, [authKey, signKey]);
  return {
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
    keys: { authKeySha256: authKey, signKeySha256: signKey },
  };
}
