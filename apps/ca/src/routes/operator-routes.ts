/** The NCA operator's operations (moderation, revocation, audit, expiry). */

import type { SessionRecord } from '@kzpki/ca-store';
import { isValidApplicationNumber } from '../crypto/application-number.js';
import { CaError } from '../errors.js';
import { type CaContext, loadApplicationByNumber } from '../issuance/context.js';
import { sweepExpired } from '../issuance/expiry.js';
import { decideModeration, moderationQueue } from '../issuance/identification.js';
import { releaseCertificate, revokeCertificate } from '../issuance/revocation.js';
import { authenticate } from '../issuance/sessions.js';
import { presentCertificateRecord, presentModerationItem, presentSummary } from './present.js';
import type { AnyCaRequest, CaHandlers } from './types.js';

type Holder = NonNullable<SessionRecord['holder']>;

async function operatorOf(ctx: CaContext, req: AnyCaRequest): Promise<Holder> {
  return (await authenticate(ctx, req.bearer, 'operator')).holder as Holder;
}

/** Handlers of the `operator` tag. */
export const operatorHandlers = {
  async listModerationQueue(ctx, req) {
    await operatorOf(ctx, req);
    const apps = await moderationQueue(ctx);
    return { status: 200, body: { items: apps.map(presentModerationItem) } };
  },

  async decideModeration(ctx, req) {
    const op = await operatorOf(ctx, req);
    const app = await decideModeration(
      ctx,
      op.iin ?? op.serialHex,
      req.params.applicationId,
      req.body.decision,
      req.body.comment,
    );
    return { status: 200, body: presentSummary(app) };
  },

  async revokeCertificateByOperator(ctx, req) {
    const holder = await operatorOf(ctx, req);
    const c = await revokeCertificate(ctx, { kind: 'operator', holder }, req.params.serialHex, {
      reason: req.body.reason,
      ...(req.body.invalidityDate !== undefined ? { invalidityDate: new Date(req.body.invalidityDate) } : {}),
      ...(req.body.comment !== undefined ? { comment: req.body.comment } : {}),
    });
    return { status: 200, body: presentCertificateRecord(c) };
  },

  async releaseCertificateByOperator(ctx, req) {
    const holder = await operatorOf(ctx, req);
    const c = await releaseCertificate(ctx, { kind: 'operator', holder }, req.params.serialHex);
    return { status: 200, body: presentCertificateRecord(c) };
  },

  async getApplicationAudit(ctx, req) {
    await operatorOf(ctx, req);
    const number = req.params.number;
    if (!isValidApplicationNumber(number)) {
      throw new CaError('ERR_APPLICATION_NUMBER_INVALID', 'An application number is 14 digits');
    }
    const app = await loadApplicationByNumber(ctx, number);
    const entries = await ctx.store.listAudit(`application:${app.id}`);
    return {
      status: 200,
      body: {
        entries: entries.map((e) => ({
          id: e.id,
          at: e.at.toISOString(),
          actor: e.actor,
          action: e.action,
          entity: e.entity,
          details: e.details,
          hash: e.hash,
        })),
      },
    };
  },

  async runExpirySweep(ctx, req) {
    await operatorOf(ctx, req);
    return { status: 200, body: { expired: await sweepExpired(ctx) } };
  },
} satisfies CaHandlers;
