/**
 * Bearer sessions: the applicant's (after the one-time code, bound to one application, valid until
 * the application expires), the cabinet's and the operator's (after a certificate login). Tokens
 * are 256-bit random values; the store keeps their SHA-256 only.
 */

import type { ApplicationRecord, SessionRecord } from '@kzpki/ca-store';
import { randomToken, tokenHash } from '../crypto/tokens.js';
import { CaError } from '../errors.js';
import type { CaContext } from './context.js';

/**
 * A new applicant session of an application (valid until the application expires), not stored
 * yet: the caller stores `record` in the transaction that lets the applicant in
 * (`ApplicationUpdate.session` of `CaRepository.updateApplication`).
 */
export function newApplicantSession(
  ctx: CaContext,
  app: ApplicationRecord,
): { token: string; expiresAt: Date; record: SessionRecord } {
  const token = randomToken('kza');
  return {
    token,
    expiresAt: app.expiresAt,
    record: {
      tokenHash: tokenHash(token),
      kind: 'applicant',
      applicationId: app.id,
      createdAt: ctx.now(),
      expiresAt: app.expiresAt,
    },
  };
}

/**
 * Opens a cabinet or operator session for a certificate holder. It ends after the configured time
 * or when the login certificate does (`certificateNotAfter`), whichever comes first; a revocation
 * or hold of the certificate ends it for good (the store deletes it with the status change).
 */
export async function createHolderSession(
  ctx: CaContext,
  kind: 'cabinet' | 'operator',
  holder: NonNullable<SessionRecord['holder']>,
  certificateNotAfter: Date,
): Promise<{ token: string; expiresAt: Date }> {
  const token = randomToken(kind === 'cabinet' ? 'kzc' : 'kzo');
  const ttl = kind === 'cabinet' ? ctx.config.cabinetSessionTtlSeconds : ctx.config.operatorSessionTtlSeconds;
  const expiresAt = new Date(Math.min(ctx.now().getTime() + ttl * 1000, certificateNotAfter.getTime()));
  await ctx.store.createSession({
    tokenHash: tokenHash(token),
    kind,
    holder,
    createdAt: ctx.now(),
    expiresAt,
  });
  return { token, expiresAt };
}

/**
 * The live session of `kind` for a bearer token. A holder session dies with its certificate: a
 * revoked or held certificate ends it.
 * @throws {CaError} `ERR_UNAUTHORIZED`.
 */
export async function authenticate(
  ctx: CaContext,
  token: string | undefined,
  kind: SessionRecord['kind'],
): Promise<SessionRecord> {
  if (!token) throw new CaError('ERR_UNAUTHORIZED', 'A bearer token is required');
  const session = await ctx.store.getSession(tokenHash(token));
  if (!session || session.kind !== kind || session.expiresAt.getTime() <= ctx.now().getTime()) {
    throw new CaError('ERR_UNAUTHORIZED', 'The session token is unknown or has expired');
  }
  if (session.holder) {
    const cert = await ctx.store.getCertificateBySerial(
      session.holder.issuerSkiHex,
      session.holder.serialHex,
    );
    if (!cert || cert.status !== 'good' || cert.notAfter.getTime() <= ctx.now().getTime()) {
      // Ended for good: a session never outlives its certificate, nor comes back after a release.
      await ctx.store.deleteSession(session.tokenHash);
      throw new CaError('ERR_UNAUTHORIZED', 'The login certificate is no longer valid');
    }
  }
  return session;
}

/**
 * The applicant session for an application id.
 * @throws {CaError} `ERR_UNAUTHORIZED` (no session, or a session of another application).
 */
export async function authenticateApplicant(
  ctx: CaContext,
  token: string | undefined,
  applicationId: string,
): Promise<SessionRecord> {
  const session = await authenticate(ctx, token, 'applicant');
  if (session.applicationId !== applicationId) {
    throw new CaError('ERR_UNAUTHORIZED', 'The session belongs to another application');
  }
  return session;
}

/** Ends a session. */
export async function endSession(ctx: CaContext, token: string): Promise<void> {
  await ctx.store.deleteSession(tokenHash(token));
}

/** The session kind of each security scheme of `openapi/ca.yaml`. */
export const SESSION_SCHEMES: Readonly<Record<string, SessionRecord['kind']>> = {
  applicantSession: 'applicant',
  cabinetSession: 'cabinet',
  operatorSession: 'operator',
};

/**
 * The router's authentication step (before the body is read or validated): the bearer token must
 * open a live session of a kind the operation's security schemes accept, and an applicant session
 * must belong to the application in the path. Handlers authorise further.
 * @throws {CaError} `ERR_UNAUTHORIZED`.
 */
export async function authenticateRequest(
  ctx: CaContext,
  req: { schemes: readonly string[]; bearer: string | undefined; params: Readonly<Record<string, string>> },
): Promise<SessionRecord> {
  const kinds = req.schemes.map((s) => SESSION_SCHEMES[s]).filter((k) => k !== undefined);
  if (kinds.length === 0)
    throw new CaError('ERR_INTERNAL', `No session kind for schemes ${req.schemes.join(', ')}`);
  let refusal: unknown;
  for (const kind of kinds) {
    try {
      if (kind === 'applicant' && req.params.applicationId !== undefined) {
        return await authenticateApplicant(ctx, req.bearer, req.params.applicationId);
      }
      return await authenticate(ctx, req.bearer, kind);
    } catch (e) {
      refusal = e;
    }
  }
  throw refusal;
}
