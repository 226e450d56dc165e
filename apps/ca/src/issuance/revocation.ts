/**
 * Step 10: revocation, suspension (certificateHold) and release of end-entity certificates by the
 * holder, by the first manager for the certificates of their organisation, or by an operator, with
 * RFC 5280 §5.3.1 reasons. Each change bumps the revocation sequence the status service watches.
 *
 * A hold is released only by the kind of authority that placed it ({@link HoldAuthority}): an
 * operator's hold by an operator, a first manager's hold on an employee's certificate by a first
 * manager of that organisation, a holder's own hold by the holder. The authority is written into
 * the hold's audit entry, in the same transaction as the hold.
 */

import type { CertificateRecord, RevocationReason, SessionRecord } from '@kzpki/ca-store';
import { CaError } from '../errors.js';
import type { CaContext } from './context.js';

/** Who acts. */
export interface Revoker {
  kind: 'holder' | 'operator';
  holder: NonNullable<SessionRecord['holder']>;
}

/** Reasons a holder or first manager may give; operators may also withdraw privileges. */
const HOLDER_REASONS: readonly RevocationReason[] = [
  'unspecified',
  'keyCompromise',
  'affiliationChanged',
  'superseded',
  'cessationOfOperation',
  'certificateHold',
];
const OPERATOR_REASONS: readonly RevocationReason[] = [...HOLDER_REASONS, 'privilegeWithdrawn'];

async function loadRevocable(
  ctx: CaContext,
  revoker: Revoker,
  serialHex: string,
): Promise<CertificateRecord> {
  const cert = await ctx.store.getCertificate(serialHex);
  if (!cert)
    throw new CaError('ERR_CERTIFICATE_NOT_FOUND', 'This CA issued no certificate with that serial number');
  if (cert.kind !== 'end-entity') {
    throw new CaError(
      'ERR_REVOCATION_NOT_ALLOWED',
      'CA and service certificates are not revoked through this API',
    );
  }
  if (revoker.kind === 'operator') return cert;
  const h = revoker.holder;
  const own = cert.iin !== undefined && cert.iin === h.iin;
  const organisation = cert.bin !== undefined && cert.bin === h.bin && h.roles.includes('first-manager');
  if (!own && !organisation) {
    throw new CaError(
      'ERR_REVOCATION_NOT_ALLOWED',
      'Holders revoke their own certificates; a first manager those of the organisation',
    );
  }
  return cert;
}

/**
 * The kind of authority a revoker acts with on a certificate: `operator`, `holder` (their own
 * certificate) or `organization` (a first manager acting on another person's certificate of the
 * organisation).
 */
export type HoldAuthority = 'operator' | 'holder' | 'organization';

/** The authority `revoker` acts with on `cert` (which {@link loadRevocable} allowed). */
export function authorityOf(revoker: Revoker, cert: CertificateRecord): HoldAuthority {
  if (revoker.kind === 'operator') return 'operator';
  return cert.iin !== undefined && cert.iin === revoker.holder.iin ? 'holder' : 'organization';
}

/**
 * The authority that placed the certificate's current hold: the latest `certificate.held` audit
 * entry (its `authority`; entries written before it was recorded: from the actor).
 */
async function holdAuthority(ctx: CaContext, cert: CertificateRecord): Promise<HoldAuthority> {
  const entries = await ctx.store.listAudit(`certificate:${cert.serialHex}`);
  const held = entries.filter((e) => e.action === 'certificate.held').at(-1);
  const recorded = held?.details.authority;
  if (recorded === 'operator' || recorded === 'holder' || recorded === 'organization') return recorded;
  // No record at all: only the CA's own authority may lift it.
  if (!held || held.actor.startsWith('operator:')) return 'operator';
  return held.actor === `holder:${cert.iin}` ? 'holder' : 'organization';
}

const AUTHORITY_NAMES: Record<HoldAuthority, string> = {
  operator: 'an operator',
  holder: 'the holder',
  organization: 'a first manager of the organisation',
};

function actorOf(revoker: Revoker): string {
  return `${revoker.kind}:${revoker.holder.iin ?? revoker.holder.serialHex}`;
}

/** Input of {@link revokeCertificate}. */
export interface RevocationInput {
  reason: RevocationReason;
  invalidityDate?: Date;
  comment?: string;
}

/** Revokes a certificate, or puts it on hold (`certificateHold`). */
export async function revokeCertificate(
  ctx: CaContext,
  revoker: Revoker,
  serialHex: string,
  input: RevocationInput,
): Promise<CertificateRecord> {
  const cert = await loadRevocable(ctx, revoker, serialHex);
  const allowed = revoker.kind === 'operator' ? OPERATOR_REASONS : HOLDER_REASONS;
  if (!allowed.includes(input.reason)) {
    throw new CaError(
      'ERR_REASON_NOT_ALLOWED',
      `Reason ${input.reason} is not available to ${revoker.kind}s`,
    );
  }
  const now = ctx.now();
  // RFC 5280 §5.3.2: when the key is known or suspected to have been compromised: after the
  // certificate began to be valid and not after its revocation (now).
  if (input.invalidityDate && input.invalidityDate.getTime() > now.getTime()) {
    throw new CaError('ERR_VALIDITY_INVALID', 'invalidityDate cannot be in the future');
  }
  if (input.invalidityDate && input.invalidityDate.getTime() < cert.notBefore.getTime()) {
    throw new CaError(
      'ERR_VALIDITY_INVALID',
      `invalidityDate cannot be before the certificate's notBefore (${cert.notBefore.toISOString()})`,
    );
  }
  const hold = input.reason === 'certificateHold';
  if (cert.status === 'revoked' || (hold && cert.status === 'hold')) {
    throw new CaError(
      'ERR_ALREADY_REVOKED',
      `The certificate is already ${cert.status === 'hold' ? 'on hold' : 'revoked'}`,
    );
  }
  const actor = actorOf(revoker);
  const changed = await ctx.store.changeCertificateStatus({
    issuerSkiHex: cert.issuerSkiHex,
    serialHex: cert.serialHex,
    change: hold ? 'hold' : 'revoked',
    at: now,
    reason: input.reason,
    ...(input.invalidityDate ? { invalidityDate: input.invalidityDate } : {}),
    audit: {
      actor,
      action: hold ? 'certificate.held' : 'certificate.revoked',
      entity: `certificate:${cert.serialHex}`,
      details: {
        reason: input.reason,
        comment: input.comment,
        applicationId: cert.applicationId,
        authority: authorityOf(revoker, cert),
      },
    },
  });
  if (!changed) throw new CaError('ERR_ALREADY_REVOKED', 'The certificate was revoked meanwhile');
  return changed;
}

/** Releases a certificate from hold. */
export async function releaseCertificate(
  ctx: CaContext,
  revoker: Revoker,
  serialHex: string,
): Promise<CertificateRecord> {
  const cert = await loadRevocable(ctx, revoker, serialHex);
  if (cert.status !== 'hold')
    throw new CaError('ERR_NOT_ON_HOLD', 'Only a certificate on hold can be released');
  const placedBy = await holdAuthority(ctx, cert);
  if (authorityOf(revoker, cert) !== placedBy) {
    throw new CaError(
      'ERR_REVOCATION_NOT_ALLOWED',
      `The hold was placed by ${AUTHORITY_NAMES[placedBy]}; only ${AUTHORITY_NAMES[placedBy]} may release it`,
    );
  }
  const changed = await ctx.store.changeCertificateStatus({
    issuerSkiHex: cert.issuerSkiHex,
    serialHex: cert.serialHex,
    change: 'released',
    at: ctx.now(),
    audit: {
      actor: actorOf(revoker),
      action: 'certificate.released',
      entity: `certificate:${cert.serialHex}`,
      details: { authority: placedBy },
    },
  });
  if (!changed) throw new CaError('ERR_NOT_ON_HOLD', 'The certificate is no longer on hold');
  return changed;
}
