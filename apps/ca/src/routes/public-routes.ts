/**
 * Public operations: health, CA certificates, templates, agreement, status by number, and the
 * status page's installation from key files (the keys' signatures are the authority).
 */

import { buildStatusView } from '@kzpki/ca-store';
import { TEMPLATE_NAMES, TEMPLATES } from '@kzpki/pki';
import { isValidApplicationNumber } from '../crypto/application-number.js';
import { CaError } from '../errors.js';
import { limit, loadApplicationByNumber } from '../issuance/context.js';
import { installFromKeyFiles, keyFileInstallationChallenge } from '../issuance/key-file-installation.js';
import { presentBundle, presentCaCertificate, presentInstallationChallenge } from './present.js';
import type { CaHandlers } from './types.js';

/** Version reported by the health endpoint. */
export const CA_API_VERSION = '1.0.0';

/** Handlers of the `public` tag. */
export const publicHandlers = {
  async getHealth(ctx) {
    return {
      status: 200,
      body: {
        status: 'ok',
        version: CA_API_VERSION,
        devMode: ctx.config.devMode,
        testMode: ctx.config.testMode,
        time: ctx.now().toISOString(),
      },
    };
  },

  async listCaCertificates(ctx) {
    const m = ctx.material;
    return {
      status: 200,
      body: {
        certificates: [
          presentCaCertificate('root', m.root),
          presentCaCertificate('issuing', m.issuing),
          presentCaCertificate('ocsp-responder', m.ocspResponder),
          presentCaCertificate('gost-root', m.gostRoot),
          presentCaCertificate('gost-issuing', m.gostIssuing),
          presentCaCertificate('gost-ocsp-responder', m.gostOcspResponder),
        ],
      },
    };
  },

  async listTemplates() {
    return {
      status: 200,
      body: {
        templates: TEMPLATE_NAMES.map((name) => {
          const t = TEMPLATES[name];
          return {
            name,
            kind: t.kind,
            title: { ...t.title },
            requiresApproval: t.approverRoles.length > 0,
            approverRoles: [...t.approverRoles],
          };
        }),
      },
    };
  },

  async getAgreement(ctx) {
    const a = ctx.config.agreement;
    return {
      status: 200,
      body: { version: a.version, publishedAt: a.publishedAt.toISOString(), title: a.title, text: a.text },
    };
  },

  async getApplicationStatus(ctx, req) {
    await limit(ctx, 'statusLookupPerIp', req.ip);
    const number = req.params.number;
    if (!isValidApplicationNumber(number)) {
      throw new CaError('ERR_APPLICATION_NUMBER_INVALID', 'An application number is 14 digits');
    }
    const app = await loadApplicationByNumber(ctx, number);
    return { status: 200, body: buildStatusView(app, await ctx.store.getStatusHistory(app.id)) };
  },

  async createKeyFileInstallationChallenge(ctx, req) {
    await limit(ctx, 'statusLookupPerIp', req.ip);
    const c = await keyFileInstallationChallenge(ctx, req.params.number);
    return { status: 201, body: presentInstallationChallenge(c) };
  },

  async installFromKeyFiles(ctx, req) {
    await limit(ctx, 'statusLookupPerIp', req.ip);
    const r = await installFromKeyFiles(ctx, req.params.number, {
      challengeId: req.body.challengeId,
      proofs: req.body.proofs.map((p) => ({
        serialHex: p.serialHex,
        signature: new Uint8Array(Buffer.from(p.signature, 'base64')),
      })),
    });
    return { status: 200, body: presentBundle(r.application, r.certificates, ctx.material) };
  },
} satisfies CaHandlers;
