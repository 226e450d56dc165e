/**
 * Certificate login (challenge-response): the server issues a nonce, the client signs the
 * challenge text with the private key of its AUTH certificate, the server verifies the signature
 * with the certificate's key and the certificate itself (chain, revocation, purpose), then reads
 * IIN, BIN and roles from it. Challenges are single-use and short-lived; the signed text names the
 * audience, so a cabinet challenge cannot open an operator session.
 */
import { randomBytes } from 'node:crypto';
import type { ChallengeRecord, SessionRecord } from '@kzpki/ca-store';
import { verifyWithCertificate } from '../crypto/signature.js';
import { randomId } from '../crypto/tokens.js';
import { CaError } from '../errors.js';
import { type CaContext, limit } from '../issuance/context.js';
import { createHolderSession } from '../issuance/sessions.js';
import { acceptHolderCertificate } from './holder-certificate.js';

/** Login audiences. */
export type LoginAudience = 'cabinet' | 'operator';

/** A challenge as returned to the client. */
export interface IssuedChallenge {
  challengeId: string;
  audience: LoginAudience;
  nonce: string;
  /** UTF-8 bytes to sign. */
  toBeSigned: Uint8Array;
  expiresAt: Date;
}

/** The exact text a login signature covers. */
export function loginMessage(audience: LoginAudience, challengeId: string, nonce: string): Uint8Array {
  return new TextEncoder().encode(
    `kzpki-login:v1\naudience=${audience}\nchallenge=${challengeId}\nnonce=${nonce}\n`,
  );
}

/** Issues a login challenge. */
export async function createLoginChallenge(
  ctx: CaContext,
  audience: LoginAudience,
  ip: string,
): Promise<IssuedChallenge> {
  await limit(ctx, 'loginPerIp', ip);
  const now = ctx.now();
  const record: ChallengeRecord = {
    id: randomId(),
    purpose: audience,
    nonce: randomBytes(32).toString('base64url'),
    createdAt: now,
    expiresAt: new Date(now.getTime() + ctx.config.challengeTtlSeconds * 1000),
  };
  await ctx.store.createChallenge(record);
  return {
    challengeId: record.id,
    audience,
    nonce: record.nonce,
    toBeSigned: loginMessage(audience, record.id, record.nonce),
    expiresAt: record.expiresAt,
  };
}

/** Input of {@link loginWithCertificate}. */
export interface CertificateLoginInput {
  challengeId: string;
  certificate: string;
  signature: Uint8Array;
}

/** A session opened by a certificate login. */
export interface HolderSession {
  token: string;
  expiresAt: Date;
  holder: NonNullable<SessionRecord['holder']>;
}

/** Verifies a signed challenge and opens a cabinet or operator session. */
export async function loginWithCertificate(
  ctx: CaContext,
  audience: LoginAudience,
  input: CertificateLoginInput,
  ip: string,
): Promise<HolderSession> {
  await limit(ctx, 'loginPerIp', ip);
  const challenge = await ctx.store.consumeChallenge(input.challengeId, audience, ctx.now());
  if (!challenge)
    throw new CaError(
      'ERR_CHALLENGE_INVALID',
      'The challenge is unknown, used or expired; request a new one',
    );
  const cert = await acceptHolderCertificate(ctx, input.certificate, 'auth');
  const signed = loginMessage(audience, challenge.id, challenge.nonce);
  if (!(await verifyWithCertificate(cert.der, signed, input.signature))) {
    await ctx.store.appendAudit({
      actor: `holder:${cert.info.iin ?? cert.record.serialHex}`,
      action: `${audience}.login-failed`,
      entity: `certificate:${cert.record.serialHex}`,
      details: { reason: 'signature' },
    });
    throw new CaError('ERR_SIGNATURE_INVALID', 'The signature does not verify with the certificate key');
  }
  if (audience === 'operator' && !cert.info.roles.includes('nca-operator')) {
    throw new CaError('ERR_NOT_AN_OPERATOR', 'The certificate does not carry the NCA operator role');
  }
  const holder: NonNullable<SessionRecord['holder']> = {
    ...(cert.info.iin !== undefined ? { iin: cert.info.iin } : {}),
    ...(cert.info.bin !== undefined ? { bin: cert.info.bin } : {}),
    commonName: cert.info.commonName ?? cert.info.subject.dn,
    ...(cert.info.organization !== undefined ? { organization: cert.info.organization } : {}),
    roles: [...cert.info.roles],
    serialHex: cert.record.serialHex,
    issuerSkiHex: cert.record.issuerSkiHex,
  };
  const session = await createHolderSession(ctx, audience, holder, cert.record.notAfter);
  await ctx.store.appendAudit({
    actor: `${audience === 'operator' ? 'operator' : 'holder'}:${holder.iin ?? holder.serialHex}`,
    action: `${audience}.login`,
    entity: `certificate:${holder.serialHex}`,
    details: { roles: holder.roles },
  });
  return { ...session, holder };
}
