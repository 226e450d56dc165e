/**
 * Step 9: the applicant downloads the certificates with the chain, builds the key files locally,
 * and proves that the new keys are installed by signing a server nonce with each of them; the
 * application becomes "Сертификаты установлены".
 */
import { randomBytes } from 'node:crypto';
import type { ApplicationRecord, CertificatePurpose, CertificateRecord } from '@kzpki/ca-store';
import { normalizeSerialHex } from '@kzpki/pki';
import { sha256Hex } from '../crypto/hash.js';
import { verifyWithCertificate, verifyWithPublicKeyInfo } from '../crypto/signature.js';
import { randomId } from '../crypto/tokens.js';
import { CaError } from '../errors.js';
import { assertAllowed } from '../flow/transitions.js';
import { type CaContext, conflict, loadApplication } from './context.js';

/** The exact text a proof of possession signs. */
export function installationMessage(
  number: string,
  serialHex: string,
  challengeId: string,
  nonce: string,
): Uint8Array {
  return new TextEncoder().encode(
    `kzpki-installation:v1\napplication=${number}\nserial=${serialHex}\nchallenge=${challengeId}\nnonce=${nonce}\n`,
  );
}

/** The application's certificates (AUTH first). */
export async function downloadCertificates(
  ctx: CaContext,
  id: string,
): Promise<{ application: ApplicationRecord; certificates: CertificateRecord[] }> {
  const app = await loadApplication(ctx, id);
  assertAllowed('downloadCertificates', app.status);
  const certificates = await ctx.store.listCertificates({ applicationId: app.id });
  certificates.sort((a, b) => (a.purpose === 'auth' ? -1 : 0) - (b.purpose === 'auth' ? -1 : 0));
  return { application: app, certificates };
}

/** A challenge for the proof of possession. */
export interface InstallationChallenge {
  challengeId: string;
  expiresAt: Date;
  items: Array<{ serialHex: string; purpose: CertificatePurpose; toBeSigned: Uint8Array }>;
}

/** Issues the proof-of-possession challenge. */
export async function createInstallationChallenge(
  ctx: CaContext,
  id: string,
): Promise<InstallationChallenge> {
  const { application, certificates } = await downloadCertificates(ctx, id);
  assertAllowed('createInstallationChallenge', application.status);
  const now = ctx.now();
  const challengeId = randomId();
  const nonce = randomBytes(32).toString('base64url');
  const expiresAt = new Date(now.getTime() + ctx.config.challengeTtlSeconds * 1000);
  await ctx.store.createChallenge({
    id: challengeId,
    purpose: 'installation',
    applicationId: application.id,
    nonce,
    createdAt: now,
    expiresAt,
  });
  return {
    challengeId,
    expiresAt,
    items: certificates.map((c) => ({
      serialHex: c.serialHex,
      purpose: c.purpose as CertificatePurpose,
      toBeSigned: installationMessage(application.number as string, c.serialHex, challengeId, nonce),
    })),
  };
}

/**
 * The SubjectPublicKeyInfo a certificate of the application certifies, from the application's own
 * requests (issuance puts the request's key into the certificate byte for byte, and the record's
 * `spkiSha256` is its digest), so that checking a proof does not read the certificate again (a
 * full pkijs parse, about 2 ms each); `undefined` when the record does not match the request of
 * its purpose, and the certificate is read instead.
 */
function certifiedKey(app: ApplicationRecord, cert: CertificateRecord): Uint8Array | undefined {
  const { publicKeys, gost } = app.data;
  const spki =
    cert.purpose === 'auth+sign'
      ? gost?.publicKey
      : cert.purpose === 'auth' || cert.purpose === 'sign'
        ? publicKeys?.[cert.purpose]
        : undefined;
  return spki !== undefined && sha256Hex(spki) === cert.spkiSha256 ? spki : undefined;
}

/** Verifies a signature by every new key and marks the certificates installed. */
export async function confirmInstallation(
  ctx: CaContext,
  id: string,
  input: { challengeId: string; proofs: Array<{ serialHex: string; signature: Uint8Array }> },
): Promise<ApplicationRecord> {
  const { application: app, certificates } = await downloadCertificates(ctx, id);
  assertAllowed('confirmInstallation', app.status);
  const challenge = await ctx.store.consumeChallenge(input.challengeId, 'installation', ctx.now());
  if (!challenge || challenge.applicationId !== app.id) {
    throw new CaError(
      'ERR_CHALLENGE_INVALID',
      'The installation challenge is unknown, used or expired; request a new one',
    );
  }
  for (const cert of certificates) {
    const proof = input.proofs.find((p) => normalizeSerialHex(p.serialHex) === cert.serialHex);
    const message = installationMessage(app.number as string, cert.serialHex, challenge.id, challenge.nonce);
    const spki = certifiedKey(app, cert);
    const valid =
      proof !== undefined &&
      (spki
        ? await verifyWithPublicKeyInfo(spki, message, proof.signature)
        : await verifyWithCertificate(cert.der, message, proof.signature));
    if (!valid) {
      throw new CaError(
        'ERR_PROOF_OF_POSSESSION_INVALID',
        `No valid signature by the key of the ${cert.purpose?.toUpperCase()} certificate ${cert.serialHex}`,
      );
    }
  }
  const actor = `applicant:${app.iin}`;
  const updated = await ctx.store.updateApplication(app.id, {
    expected: ['issued'],
    status: { to: 'installed', actor },
    data: { installedAt: ctx.now() },
    audit: { actor, action: 'certificates.installed', entity: `application:${app.id}` },
  });
  return updated ?? conflict(ctx, app.id);
}
