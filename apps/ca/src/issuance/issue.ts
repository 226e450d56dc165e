/**
 * Step 7: issuance of the AUTH and SIGN certificates from the issuing CA with the template's
 * profiles (identification method "remote via Digital ID"), the subject built by the CA from the
 * registry data, and CRL/delta-CRL/OCSP/caIssuers URLs of the status service. An application
 * submitted with one GOST request gets one GOST-2015 certificate instead, from the GOST issuing CA
 * with the template's GOST profile (`gostTemplateProfile`: digitalSignature + nonRepudiation +
 * keyAgreement, policy 1.2.398.3.3.2, the NCA's private extension 1.2.398.3.3.5, serial = SKI with
 * the top bit cleared), and the GOST CA's status URLs.
 *
 * Never twice: the application is first claimed with a short lease (a concurrent call sees the
 * lease and stops), both certificates are signed, and the certificates and the status change are
 * committed in one transaction that re-checks the lease. A crash in between leaves nothing
 * published; the lease times out and issuance can be retried. The lease names the process that
 * took it (the store's `nodeId`): when that process is dead (killed, crashed; with several CA
 * processes on PostgreSQL the database says so at once), a retry on another process takes the
 * lease over without waiting for it to end. Serials are random; should one be taken already (the
 * store's unique constraint), both certificates are signed again with new serials.
 */

import { type ApplicationRecord, type CertificateRecord, isDuplicate } from '@kzpki/ca-store';
import {
  buildNcaSubject,
  formatName,
  gostTemplateProfile,
  issueCertificate,
  type TemplateName,
  templateProfile,
} from '@kzpki/pki';
import { endEntityUrls, type Hierarchy, NCA_CPS_URL } from '../ca/hierarchy.js';
import { randomId } from '../crypto/tokens.js';
import { CaError } from '../errors.js';
import { assertAllowed } from '../flow/transitions.js';
import { certificateRecord } from './certificate-record.js';
import { type CaContext, conflict, loadApplication } from './context.js';
import { notifyByEmail } from './email-notices.js';

/** How long a claim on an application lasts while its certificates are signed. */
const LEASE_MS = 60_000;

/** Signings before a serial collision is reported (two in a row are already ~2^-120). */
const SERIAL_ATTEMPTS = 3;

/** Options of {@link issueCertificates}. */
export interface IssueOptions {
  /** Test mode only: explicit (e.g. backdated) validity. */
  validity?: { notBefore: Date; notAfter: Date };
}

/**
 * Test-mode validity: within the issuing CA's own validity (never before its notBefore, never
 * after its notAfter), starting no later than now (backdated, never future-dated), and no longer
 * than the CA issues certificates for.
 * @throws {CaError} `ERR_TEST_MODE_REQUIRED`, `ERR_VALIDITY_INVALID`.
 */
export function checkValidity(
  ctx: CaContext,
  validity: IssueOptions['validity'],
  hierarchy: Hierarchy = 'rsa',
): void {
  if (!validity) return;
  if (!ctx.config.testMode) {
    throw new CaError(
      'ERR_TEST_MODE_REQUIRED',
      'Explicit validity is only accepted when the CA runs in test mode',
    );
  }
  const { notBefore, notAfter } = validity;
  const issuing = hierarchy === 'gost' ? ctx.material.gostIssuing : ctx.material.issuing;
  const iso = (d: Date): string => d.toISOString();
  if (notAfter.getTime() <= notBefore.getTime()) {
    throw new CaError('ERR_VALIDITY_INVALID', 'notAfter must be later than notBefore');
  }
  if (notBefore.getTime() < issuing.notBefore.getTime()) {
    throw new CaError(
      'ERR_VALIDITY_INVALID',
      `A certificate cannot start before the issuing CA (notBefore ${iso(issuing.notBefore)})`,
    );
  }
  if (notBefore.getTime() > ctx.now().getTime()) {
    throw new CaError(
      'ERR_VALIDITY_INVALID',
      'notBefore cannot be in the future (validity may only be backdated)',
    );
  }
  const maxDays = ctx.config.certificateValidityDays;
  if (notAfter.getTime() - notBefore.getTime() > maxDays * 86_400_000) {
    throw new CaError('ERR_VALIDITY_INVALID', `A certificate is valid for at most ${maxDays} days`);
  }
  if (notAfter.getTime() > issuing.notAfter.getTime()) {
    throw new CaError('ERR_VALIDITY_INVALID', 'A certificate cannot outlive the issuing CA');
  }
}

/** Issues both certificates of a submitted (and, where needed, approved) application. */
export async function issueCertificates(
  ctx: CaContext,
  id: string,
  opts: IssueOptions = {},
): Promise<{ application: ApplicationRecord; certificates: CertificateRecord[] }> {
  const app = await loadApplication(ctx, id);
  assertAllowed('issueCertificates', app.status);
  checkValidity(ctx, opts.validity, app.data.gost ? 'gost' : 'rsa');
  const ready = ['submitted', 'approved'] as const;
  const token = randomId();
  const now = ctx.now();
  const actor = `applicant:${app.iin}`;
  const held = app.data.issuanceLease;
  // A live lease of a process that died is taken over now rather than when it ends.
  const orphaned =
    held?.owner !== undefined &&
    held.until.getTime() > now.getTime() &&
    !(await ctx.store.isNodeAlive(held.owner));
  const claimed = await ctx.store.updateApplication(app.id, {
    expected: ready,
    guard: (cur) => {
      const lease = cur.data.issuanceLease;
      return !lease || lease.until.getTime() <= now.getTime() || (orphaned && lease.token === held?.token);
    },
    data: { issuanceLease: { token, until: new Date(now.getTime() + LEASE_MS), owner: ctx.store.nodeId } },
    audit: {
      actor,
      action: 'issuance.started',
      entity: `application:${app.id}`,
      details: { node: ctx.store.nodeId, ...(orphaned ? { takenOverFrom: held?.owner } : {}) },
    },
  });
  if (!claimed) {
    const cur = await loadApplication(ctx, app.id);
    if (cur.data.issuanceLease && ready.includes(cur.status as (typeof ready)[number])) {
      throw new CaError(
        'ERR_IDEMPOTENCY_IN_PROGRESS',
        'The certificates of this application are being issued right now',
      );
    }
    return conflict(ctx, app.id);
  }
  try {
    for (let attempt = 1; ; attempt++) {
      const certificates = await signBoth(ctx, claimed, opts);
      let issued: ApplicationRecord | undefined;
      try {
        issued = await ctx.store.recordIssuance(app.id, certificates, {
          expected: ready,
          guard: (cur) => cur.data.issuanceLease?.token === token,
          status: { to: 'issued', actor: 'ca' },
          data: { issuanceLease: undefined },
          audit: {
            actor,
            action: 'certificates.issued',
            entity: `application:${app.id}`,
            details: {
              serials: certificates.map((c) => c.serialHex),
              number: app.number,
              node: ctx.store.nodeId,
            },
          },
        });
      } catch (e) {
        if (isDuplicate(e, 'serial') && attempt < SERIAL_ATTEMPTS) continue;
        throw e;
      }
      if (!issued) return conflict(ctx, app.id);
      await notifyByEmail(ctx, issued, { event: 'issued' });
      return { application: issued, certificates };
    }
  } catch (e) {
    await ctx.store.updateApplication(app.id, {
      expected: ready,
      guard: (cur) => cur.data.issuanceLease?.token === token,
      data: { issuanceLease: undefined },
      audit: { actor: 'ca', action: 'issuance.failed', entity: `application:${app.id}` },
    });
    if (isDuplicate(e, 'public-key')) {
      throw new CaError('ERR_CSR_KEY_REUSED', 'A certificate for one of these keys was issued meanwhile', {
        cause: e,
      });
    }
    throw e;
  }
}

async function signBoth(
  ctx: CaContext,
  app: ApplicationRecord,
  opts: IssueOptions,
): Promise<CertificateRecord[]> {
  const { publicKeys, gost, person, organization, treasury, email } = app.data;
  if (!publicKeys && !gost) throw new CaError('ERR_INTERNAL', 'Submitted application without requests');
  const subject = buildNcaSubject({
    surname: person.surname,
    givenName: person.givenName,
    ...(person.patronymic !== undefined ? { patronymic: person.patronymic } : {}),
    iin: app.iin,
    ...(organization ? { bin: organization.bin, organization: organization.name } : {}),
    ...(email !== undefined ? { email } : {}),
    ...(treasury ? { roleCode: treasury.roleCode, businessCategory: treasury.participantCode } : {}),
    template: app.template as TemplateName,
    checksum: !ctx.config.testMode,
  });
  const subjectString = formatName(subject);
  const out: CertificateRecord[] = [];
  const known = {
    subject: subjectString,
    iin: app.iin,
    ...(organization ? { bin: organization.bin } : {}),
  };
  if (gost) {
    // One GOST-2015 key, one certificate for logging in and signing (store purpose `auth+sign`,
    // what inspectCertificate reports for the NCA's gost2015 certificates).
    const { gostIssuing } = ctx.material;
    const issued = await issueCertificate({
      publicKey: gost.publicKey,
      subject,
      profile: gostTemplateProfile(app.template as TemplateName, {
        validityDays: ctx.config.certificateValidityDays,
        identification: 'remote-digital-id',
      }),
      issuer: gostIssuing.certificate,
      issuerKey: gostIssuing.privateKey,
      ...(opts.validity ? { validity: opts.validity } : {}),
      urls: { ...endEntityUrls(ctx.config.statusBaseUrl, 'gost'), cps: NCA_CPS_URL },
    });
    out.push(
      certificateRecord(issued, {
        issuerSkiHex: gostIssuing.skiHex,
        kind: 'end-entity',
        spki: gost.publicKey,
        applicationId: app.id,
        template: app.template,
        createdAt: ctx.now(),
        known: { ...known, purpose: 'auth+sign' },
      }),
    );
  }
  const { issuing } = ctx.material;
  for (const purpose of publicKeys ? (['auth', 'sign'] as const) : []) {
    // The requests were verified at submission (signature, key policy, subject, usages); their keys are certified.
    const issued = await issueCertificate({
      publicKey: (publicKeys as NonNullable<typeof publicKeys>)[purpose],
      subject,
      profile: templateProfile(app.template as TemplateName, purpose, {
        validityDays: ctx.config.certificateValidityDays,
        identification: 'remote-digital-id',
      }),
      issuer: issuing.certificate,
      issuerKey: issuing.privateKey,
      ...(opts.validity ? { validity: opts.validity } : {}),
      // The CPS qualifier and the user notice (the profile asks for one), as the NCA's.
      urls: { ...endEntityUrls(ctx.config.statusBaseUrl), cps: NCA_CPS_URL },
    });
    out.push(
      certificateRecord(issued, {
        issuerSkiHex: issuing.skiHex,
        kind: 'end-entity',
        spki: (publicKeys as NonNullable<typeof publicKeys>)[purpose],
        applicationId: app.id,
        template: app.template,
        createdAt: ctx.now(),
        known: { ...known, purpose },
      }),
    );
  }
  if (app.number) for (const c of out) c.applicationNumber = app.number;
  return out;
}
