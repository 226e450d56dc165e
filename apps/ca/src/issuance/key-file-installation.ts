/**
 * Installing the certificates from the key files made at submission, on the status page
 * ("Проверка статуса заявки"), as the NCA's page does: the applicant points at the folder their
 * browser wrote the private keys to, in any browser and without the applicant session. Possession
 * of the keys is the authority: the challenge gives out only serial numbers and public keys (so the
 * page can find each certificate's key file), and the certificates themselves, which name the
 * person, come only with a valid signature by every certified key.
 */
import type { ApplicationRecord, CertificateRecord } from '@kzpki/ca-store';
import { certificatePublicKeyInfo } from '@kzpki/pki';
import { isValidApplicationNumber } from '../crypto/application-number.js';
import { CaError } from '../errors.js';
import { isAllowed } from '../flow/transitions.js';
import type { CaContext } from './context.js';
import { loadApplicationByNumber } from './context.js';
import {
  confirmInstallation,
  createInstallationChallenge,
  downloadCertificates,
  type InstallationChallenge,
} from './installation.js';
import { issueCertificates } from './issue.js';

/** A challenge item with the public key its certificate certifies. */
export interface KeyFileChallenge extends InstallationChallenge {
  items: Array<InstallationChallenge['items'][number] & { publicKey: Uint8Array }>;
}

async function applicationOf(ctx: CaContext, number: string): Promise<ApplicationRecord> {
  if (!isValidApplicationNumber(number)) {
    throw new CaError('ERR_APPLICATION_NUMBER_INVALID', 'An application number is 14 digits');
  }
  return loadApplicationByNumber(ctx, number);
}

/**
 * The proof-of-possession challenge of the application `number`, issuing its certificates first
 * when the application allows it (approved, or needing no approval).
 * @throws {CaError} `ERR_APPLICATION_NUMBER_INVALID`, `ERR_NOT_FOUND`, `ERR_INVALID_TRANSITION`
 *   while the application awaits approval or moderation, or once it is installed or rejected.
 * @example
 * ```ts
 * const c = await keyFileInstallationChallenge(ctx, '27888601100404');
 * c.items.map((i) => i.purpose); // ['auth+sign']
 * ```
 */
export async function keyFileInstallationChallenge(
  ctx: CaContext,
  number: string,
): Promise<KeyFileChallenge> {
  let app = await applicationOf(ctx, number);
  if (isAllowed('issueCertificates', app.status)) app = (await issueCertificates(ctx, app.id)).application;
  const challenge = await createInstallationChallenge(ctx, app.id);
  const certificates = await ctx.store.listCertificates({ applicationId: app.id });
  const bySerial = new Map<string, CertificateRecord>(certificates.map((c) => [c.serialHex, c]));
  return {
    ...challenge,
    items: challenge.items.map((item) => {
      const cert = bySerial.get(item.serialHex);
      if (!cert) throw new CaError('ERR_INTERNAL', `Certificate ${item.serialHex} vanished`);
      return { ...item, publicKey: certificatePublicKeyInfo(cert.der) };
    }),
  };
}

/**
 * Checks a signature by every certified key of application `number`, marks the certificates
 * installed and returns them (the page builds the final key files from them).
 * @throws {CaError} as `confirmInstallation` (`ERR_CHALLENGE_INVALID`,
 *   `ERR_PROOF_OF_POSSESSION_INVALID`, `ERR_INVALID_TRANSITION`), `ERR_NOT_FOUND`.
 * @example
 * ```ts
 * const { application, certificates } = await installFromKeyFiles(ctx, number, { challengeId, proofs });
 * ```
 */
export async function installFromKeyFiles(
  ctx: CaContext,
  number: string,
  input: Parameters<typeof confirmInstallation>[2],
): Promise<{ application: ApplicationRecord; certificates: CertificateRecord[] }> {
  const app = await applicationOf(ctx, number);
  await confirmInstallation(ctx, app.id, input);
  return downloadCertificates(ctx, app.id);
}
