/**
 * Step 6: the first manager (or the person acting for them with signing right, as the seed says;
 * `approverRoles` of `TEMPLATES` in `@kzpki/pki`) of the same BIN decides on pending applications in the cabinet. A decision
 * is a signature by the approver's SIGN key over a canonical JSON document naming the application,
 * its requested keys, the decision and the approver; document, signature and SIGN certificate are
 * kept as evidence.
 */

import type { ApplicationRecord, ApprovalRecord, SessionRecord } from '@kzpki/ca-store';
import { canonicalJson, fullName } from '@kzpki/ca-store';
import { APPROVER_ROLES, mayApprove, TEMPLATES } from '@kzpki/pki';
import { acceptHolderCertificate } from '../auth/holder-certificate.js';
import { sha256Hex } from '../crypto/hash.js';
import { verifyWithCertificate } from '../crypto/signature.js';
import { CaError } from '../errors.js';
import { assertAllowed } from '../flow/transitions.js';
import { type CaContext, conflict, loadApplicationByNumber } from './context.js';
import { notifyByEmail } from './email-notices.js';
import { SMS_SENDER } from './otp.js';

/** The cabinet holder deciding. */
export type Approver = NonNullable<SessionRecord['holder']>;

/** A decision. */
export type Decision = 'approve' | 'reject';

/** The canonical document an approver signs for `decision` on `app`. */
export function decisionDocument(app: ApplicationRecord, decision: Decision, approver: Approver): string {
  return canonicalJson({
    type: 'kzpki-application-decision',
    version: 1,
    decision,
    application: {
      number: app.number,
      template: app.template,
      kind: app.kind,
      iin: app.iin,
      bin: app.bin,
      organization: app.data.organization?.name,
      applicant: fullName(app.data.person),
      submittedAt: app.submittedAt,
      requests: (app.data.requests ?? []).map((r) => ({
        purpose: r.purpose,
        publicKeySha256: r.publicKeySha256,
      })),
    },
    approver: { iin: approver.iin, bin: approver.bin, certificate: approver.serialHex },
  });
}

/** Throws unless `approver` may decide on `app`. */
function checkApprover(app: ApplicationRecord, approver: Approver): void {
  if (approver.bin === undefined || approver.bin !== app.bin) {
    throw new CaError(
      'ERR_APPROVER_ORGANIZATION_MISMATCH',
      'The application belongs to another organisation (BIN)',
    );
  }
  if (approver.iin !== undefined && approver.iin === app.iin) {
    throw new CaError('ERR_SELF_APPROVAL_FORBIDDEN', 'Nobody approves their own application');
  }
  if (!mayApprove(app.template, approver.roles)) {
    throw new CaError(
      'ERR_APPROVER_NOT_AUTHORIZED',
      `Template ${app.template} is approved by: ${TEMPLATES[app.template].approverRoles.join(', ')}`,
    );
  }
}

/** Pending applications of the approver's organisation that the approver may decide. */
export async function listPending(ctx: CaContext, approver: Approver): Promise<ApplicationRecord[]> {
  if (
    approver.bin === undefined ||
    !approver.roles.some((r) => (APPROVER_ROLES as readonly string[]).includes(r))
  ) {
    throw new CaError(
      'ERR_APPROVER_NOT_AUTHORIZED',
      'Only the first manager or a person with signing right of the organisation approves',
    );
  }
  const apps = await ctx.store.listApplicationsByStatus('awaiting-approval', { bin: approver.bin });
  const now = ctx.now().getTime();
  return apps.filter(
    (a) => a.expiresAt.getTime() > now && a.iin !== approver.iin && mayApprove(a.template, approver.roles),
  );
}

/** One pending application with its decision documents. */
export async function getPending(
  ctx: CaContext,
  approver: Approver,
  number: string,
): Promise<{ application: ApplicationRecord; documents: Record<Decision, string> }> {
  const app = await loadApplicationByNumber(ctx, number);
  checkApprover(app, approver);
  assertAllowed('decideApplication', app.status);
  return {
    application: app,
    documents: {
      approve: decisionDocument(app, 'approve', approver),
      reject: decisionDocument(app, 'reject', approver),
    },
  };
}

/** Input of {@link decide}. */
export interface DecisionInput {
  decision: Decision;
  /** The approver's SIGN certificate (PEM or base64 DER). */
  certificate: string;
  signature: Uint8Array;
  comment?: string;
}

/** The decision SMS names who decided: the first manager, or the person with signing right. */
const DECISION_SMS: Record<Decision, (n: string, byFirstManager: boolean) => string> = {
  approve: (n, fm) =>
    `НУЦ РК: заявка ${n} подтверждена ${fm ? 'первым руководителем' : 'лицом с правом подписи'}. ҚР ҰКО: ${n} өтінімі расталды. (kzpki test CA)`,
  reject: (n, fm) =>
    `НУЦ РК: заявка ${n} отклонена ${fm ? 'первым руководителем' : 'лицом с правом подписи'}. ҚР ҰКО: ${n} өтінімі қабылданбады. (kzpki test CA)`,
};

/** Records a signed decision. */
export async function decide(
  ctx: CaContext,
  approver: Approver,
  number: string,
  input: DecisionInput,
): Promise<{ application: ApplicationRecord; approval: ApprovalRecord }> {
  const { application: app, documents } = await getPending(ctx, approver, number);
  const signer = await acceptHolderCertificate(ctx, input.certificate, 'sign');
  if (signer.info.iin !== approver.iin || signer.info.bin !== approver.bin) {
    throw new CaError(
      'ERR_SIGNER_MISMATCH',
      'The SIGN certificate belongs to someone other than the logged-in approver',
    );
  }
  if (!mayApprove(app.template, signer.info.roles)) {
    throw new CaError('ERR_APPROVER_NOT_AUTHORIZED', 'The SIGN certificate does not carry an approving role');
  }
  const document = documents[input.decision];
  if (!(await verifyWithCertificate(signer.der, new TextEncoder().encode(document), input.signature))) {
    throw new CaError(
      'ERR_SIGNATURE_INVALID',
      'The decision signature does not verify with the SIGN certificate',
    );
  }
  const now = ctx.now();
  const actor = `approver:${approver.iin}`;
  const approval: ApprovalRecord = {
    applicationId: app.id,
    decision: input.decision,
    ...(approver.iin !== undefined ? { approverIin: approver.iin } : {}),
    ...(approver.bin !== undefined ? { approverBin: approver.bin } : {}),
    approverRoles: approver.roles,
    sessionSerialHex: approver.serialHex,
    signerCertificate: signer.der,
    signerSerialHex: signer.record.serialHex,
    document,
    signature: input.signature,
    decidedAt: now,
    ...(input.comment !== undefined ? { comment: input.comment } : {}),
  };
  const updated = await ctx.store.recordDecision(approval, {
    expected: ['awaiting-approval'],
    status: {
      to: input.decision === 'approve' ? 'approved' : 'rejected',
      actor,
      ...(input.comment ? { note: input.comment } : {}),
    },
    ...(input.decision === 'reject'
      ? {
          data: {
            rejection: {
              at: now,
              by: 'approver' as const,
              ...(input.comment ? { comment: input.comment } : {}),
            },
          },
        }
      : {}),
    audit: {
      actor,
      action: `application.${input.decision === 'approve' ? 'approved' : 'rejected'}`,
      entity: `application:${app.id}`,
      details: {
        number: app.number,
        documentSha256: sha256Hex(document),
        signerSerialHex: signer.record.serialHex,
      },
    },
  });
  if (!updated) return conflict(ctx, app.id);
  if (app.data.otp && app.number) {
    await ctx.providers.sms.send({
      to: app.data.otp.phone,
      sender: SMS_SENDER,
      text: DECISION_SMS[input.decision](app.number, approver.roles.includes('first-manager')),
      kind: 'notification',
    });
  }
  await notifyByEmail(ctx, updated, { event: 'approval', decision: input.decision });
  return { application: updated, approval };
}
