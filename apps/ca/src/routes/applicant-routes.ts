/** The applicant's operations (steps 1-5, 7 and 9 of the flow). */
import type { SessionRecord } from '@kzpki/ca-store';
import { idempotencyKey, idempotent } from '../http/idempotency.js';
import { acceptAgreement, grantConsent } from '../issuance/consent.js';
import type { CaContext } from '../issuance/context.js';
import { loadApplication } from '../issuance/context.js';
import { confirmIdentification, submitIdentification } from '../issuance/identification.js';
import {
  confirmInstallation,
  createInstallationChallenge,
  downloadCertificates,
} from '../issuance/installation.js';
import { issueCertificates } from '../issuance/issue.js';
import { resendOtp, submitDigitalIdPhone, verifyDigitalIdPhone, verifyOtp } from '../issuance/otp.js';
import { authenticateApplicant } from '../issuance/sessions.js';
import { startApplication } from '../issuance/start.js';
import { submitApplication } from '../issuance/submission.js';
import { presentApplication, presentBundle, presentInstallationChallenge } from './present.js';
import type { CaHandlers } from './types.js';

const b64 = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'base64'));
type WithApplicationId = {
  params: { applicationId: string };
  bearer: string | undefined;
  auth?: unknown;
};

/**
 * Authenticates the applicant of the application in the path; returns its id. The router's
 * authentication of this request (`authenticateRequest`, its result in `req.auth`) already found
 * the bearer's live applicant session of this very application: then it is not looked up again
 * (one store query less per request); anything else is checked here.
 */
async function applicant(ctx: CaContext, req: WithApplicationId): Promise<string> {
  const id = req.params.applicationId;
  const auth = req.auth as Partial<SessionRecord> | undefined;
  if (auth?.kind !== 'applicant' || auth.applicationId !== id) {
    await authenticateApplicant(ctx, req.bearer, id);
  }
  return id;
}

/** Handlers of the `applicant` tag. */
export const applicantHandlers = {
  async startApplication(ctx, req) {
    const app = await startApplication(ctx, { ...req.body, ip: req.ip });
    return { status: 201, body: presentApplication(app, ctx.config) };
  },

  async getApplication(ctx, req) {
    const app = await loadApplication(ctx, await applicant(ctx, req));
    return { status: 200, body: presentApplication(app, ctx.config) };
  },

  async resendOtp(ctx, req) {
    const app = await resendOtp(ctx, req.params.applicationId, req.ip);
    return { status: 200, body: presentApplication(app, ctx.config) };
  },

  async verifyOtp(ctx, req) {
    const r = await verifyOtp(ctx, req.params.applicationId, req.body.code, req.ip);
    return {
      status: 200,
      body: {
        token: r.token,
        tokenType: 'Bearer',
        expiresAt: r.expiresAt.toISOString(),
        application: presentApplication(r.application, ctx.config),
      },
    };
  },

  async submitDigitalIdPhone(ctx, req) {
    const app = await submitDigitalIdPhone(ctx, await applicant(ctx, req), req.body.phone, req.ip);
    return { status: 200, body: presentApplication(app, ctx.config) };
  },

  async verifyDigitalIdPhone(ctx, req) {
    const app = await verifyDigitalIdPhone(ctx, await applicant(ctx, req), req.body.code, req.ip);
    return { status: 200, body: presentApplication(app, ctx.config) };
  },

  async submitIdentification(ctx, req) {
    const id = await applicant(ctx, req);
    const { selfie, liveness, pin, document } = req.body;
    const r = await submitIdentification(ctx, id, {
      selfie: b64(selfie),
      liveness,
      pin,
      document: {
        type: document.type,
        frontImage: b64(document.frontImage),
        ...(document.backImage !== undefined ? { backImage: b64(document.backImage) } : {}),
      },
    });
    return {
      status: 200,
      body: {
        recognizedDocument: r.recognizedDocument,
        application: presentApplication(r.application, ctx.config),
      },
    };
  },

  async confirmIdentification(ctx, req) {
    const app = await confirmIdentification(ctx, await applicant(ctx, req));
    return { status: 200, body: presentApplication(app, ctx.config) };
  },

  async grantConsent(ctx, req) {
    const app = await grantConsent(ctx, await applicant(ctx, req), req.body.pin);
    return { status: 200, body: presentApplication(app, ctx.config) };
  },

  async acceptAgreement(ctx, req) {
    const app = await acceptAgreement(ctx, await applicant(ctx, req), req.body.version);
    return { status: 200, body: presentApplication(app, ctx.config) };
  },

  async submitApplication(ctx, req) {
    const id = await applicant(ctx, req);
    return idempotent(ctx, `submitApplication:${id}`, idempotencyKey(req.headers), req.body, async () => {
      const app = await submitApplication(ctx, id, req.body);
      return { status: 200, body: presentApplication(app, ctx.config) };
    });
  },

  async issueCertificates(ctx, req) {
    const id = await applicant(ctx, req);
    const validity = req.body?.validity as { notBefore: string; notAfter: string } | undefined;
    return idempotent(
      ctx,
      `issueCertificates:${id}`,
      idempotencyKey(req.headers),
      req.body ?? {},
      async () => {
        const r = await issueCertificates(ctx, id, {
          ...(validity
            ? { validity: { notBefore: new Date(validity.notBefore), notAfter: new Date(validity.notAfter) } }
            : {}),
        });
        return { status: 200, body: presentBundle(r.application, r.certificates, ctx.material) };
      },
    );
  },

  async downloadCertificates(ctx, req) {
    const r = await downloadCertificates(ctx, await applicant(ctx, req));
    return { status: 200, body: presentBundle(r.application, r.certificates, ctx.material) };
  },

  async createInstallationChallenge(ctx, req) {
    const c = await createInstallationChallenge(ctx, await applicant(ctx, req));
    return { status: 201, body: presentInstallationChallenge(c) };
  },

  async confirmInstallation(ctx, req) {
    const id = await applicant(ctx, req);
    const app = await confirmInstallation(ctx, id, {
      challengeId: req.body.challengeId,
      proofs: (req.body.proofs as Array<{ serialHex: string; signature: string }>).map((p) => ({
        serialHex: p.serialHex,
        signature: b64(p.signature),
      })),
    });
    return { status: 200, body: presentApplication(app, ctx.config) };
  },
} satisfies CaHandlers;
