/** Certificate login, the personal cabinet (approvals, own certificates, revocation). */

import type { SessionRecord } from '@kzpki/ca-store';
import { STATUS_TEXTS } from '@kzpki/ca-store';
import { createLoginChallenge, type HolderSession, loginWithCertificate } from '../auth/certificate-login.js';
import { sha256Hex } from '../crypto/hash.js';
import { decide, getPending, listPending } from '../issuance/approval.js';
import type { CaContext } from '../issuance/context.js';
import { issueInformationSystemCertificate } from '../issuance/information-system.js';
import { releaseCertificate, revokeCertificate } from '../issuance/revocation.js';
import { authenticate, endSession } from '../issuance/sessions.js';
import { presentCertificateRecord, presentIssuedGost, presentPending } from './present.js';
import type { AnyCaRequest, CaHandlers, CaRequest, CaResult, CaSchemas } from './types.js';

type Holder = NonNullable<SessionRecord['holder']>;

/** The cabinet holder of the request's session. */
async function holderOf(ctx: CaContext, req: AnyCaRequest): Promise<Holder> {
  return (await authenticate(ctx, req.bearer, 'cabinet')).holder as Holder;
}

/** `CertificateSession`. */
export function presentSession(s: HolderSession): CaSchemas['CertificateSession'] {
  const { issuerSkiHex: _issuer, ...holder } = s.holder;
  return { token: s.token, tokenType: 'Bearer', expiresAt: s.expiresAt.toISOString(), holder };
}

function login(audience: 'cabinet' | 'operator') {
  return async (
    ctx: CaContext,
    req: CaRequest<'createCabinetSession' | 'createOperatorSession'>,
  ): Promise<CaResult<'createCabinetSession' | 'createOperatorSession'>> => {
    const s = await loginWithCertificate(
      ctx,
      audience,
      {
        challengeId: req.body.challengeId,
        certificate: req.body.certificate,
        signature: new Uint8Array(Buffer.from(req.body.signature, 'base64')),
      },
      req.ip,
    );
    return { status: 201, body: presentSession(s) };
  };
}

/** Handlers of the `auth` and `cabinet` tags. */
export const cabinetHandlers = {
  async createAuthChallenge(ctx, req) {
    const c = await createLoginChallenge(ctx, req.body.audience, req.ip);
    return {
      status: 201,
      body: {
        challengeId: c.challengeId,
        audience: c.audience,
        nonce: c.nonce,
        toBeSigned: Buffer.from(c.toBeSigned).toString('base64'),
        expiresAt: c.expiresAt.toISOString(),
      },
    };
  },

  createCabinetSession: login('cabinet'),
  createOperatorSession: login('operator'),

  async deleteCabinetSession(ctx, req) {
    await authenticate(ctx, req.bearer, 'cabinet');
    await endSession(ctx, req.bearer as string);
    return { status: 204 };
  },

  async listPendingApplications(ctx, req) {
    const apps = await listPending(ctx, await holderOf(ctx, req));
    return { status: 200, body: { applications: apps.map((a) => presentPending(a)) } };
  },

  async getPendingApplication(ctx, req) {
    const r = await getPending(ctx, await holderOf(ctx, req), req.params.number);
    return { status: 200, body: presentPending(r.application, r.documents) };
  },

  async decideApplication(ctx, req) {
    const r = await decide(ctx, await holderOf(ctx, req), req.params.number, {
      decision: req.body.decision,
      certificate: req.body.certificate,
      signature: new Uint8Array(Buffer.from(req.body.signature, 'base64')),
      ...(req.body.comment !== undefined ? { comment: req.body.comment } : {}),
    });
    return {
      status: 200,
      body: {
        applicationNumber: req.params.number,
        decision: r.approval.decision,
        status: r.application.status,
        statusText: STATUS_TEXTS[r.application.status],
        decidedAt: r.approval.decidedAt.toISOString(),
        evidence: {
          documentSha256: sha256Hex(r.approval.document),
          signerSerialHex: r.approval.signerSerialHex,
        },
      },
    };
  },

  async listCabinetCertificates(ctx, req) {
    const h = await holderOf(ctx, req);
    const own =
      h.iin !== undefined ? await ctx.store.listCertificates({ iin: h.iin, kind: 'end-entity' }) : [];
    const org =
      h.bin !== undefined && h.roles.includes('first-manager')
        ? await ctx.store.listCertificates({ bin: h.bin, kind: 'end-entity' })
        : [];
    const seen = new Set<string>();
    const all = [...own, ...org].filter((c) => !seen.has(c.serialHex) && seen.add(c.serialHex));
    return { status: 200, body: { certificates: all.map(presentCertificateRecord) } };
  },

  async issueInformationSystemCertificate(ctx, req) {
    const holder = await holderOf(ctx, req);
    const validity = req.body.validity;
    const record = await issueInformationSystemCertificate(
      ctx,
      holder,
      req.body.csr,
      validity
        ? { validity: { notBefore: new Date(validity.notBefore), notAfter: new Date(validity.notAfter) } }
        : {},
    );
    return { status: 201, body: presentIssuedGost(record) };
  },

  async revokeCertificateByHolder(ctx, req) {
    const holder = await holderOf(ctx, req);
    const c = await revokeCertificate(ctx, { kind: 'holder', holder }, req.params.serialHex, {
      reason: req.body.reason,
      ...(req.body.invalidityDate !== undefined ? { invalidityDate: new Date(req.body.invalidityDate) } : {}),
      ...(req.body.comment !== undefined ? { comment: req.body.comment } : {}),
    });
    return { status: 200, body: presentCertificateRecord(c) };
  },

  async releaseCertificateByHolder(ctx, req) {
    const holder = await holderOf(ctx, req);
    const c = await releaseCertificate(ctx, { kind: 'holder', holder }, req.params.serialHex);
    return { status: 200, body: presentCertificateRecord(c) };
  },
} satisfies CaHandlers;
