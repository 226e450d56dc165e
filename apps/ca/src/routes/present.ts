/**
 * Turns records into the JSON shapes of `openapi/ca.yaml` (and nothing more: secrets such as PIN
 * hashes and OTP MACs never leave the store).
 */

import type { ApplicationRecord, CertificateRecord, OtpRecord, PersonSnapshot } from '@kzpki/ca-store';
import { fullName, STATUS_TEXTS } from '@kzpki/ca-store';
import { ncaKeyFileName, TEMPLATES, toBase64 } from '@kzpki/pki';
import { CA_FILE_NAMES, type Hierarchy } from '../ca/hierarchy.js';
import type { CaCertificateInfo, CaMaterial } from '../ca/material.js';
import type { CaConfig } from '../config.js';
import { CaError } from '../errors.js';
import { nextActions } from '../flow/transitions.js';
import { maskPhone } from '../issuance/context.js';
import type { InstallationChallenge } from '../issuance/installation.js';
import type { KeyFileChallenge } from '../issuance/key-file-installation.js';
import type { CaSchemas } from './types.js';

type S = CaSchemas;

const iso = (d: Date): string => d.toISOString();

/**
 * A value the record has in every state this shape is shown in (a submitted application has a
 * number, an issued certificate a purpose...); its absence is a broken invariant, not bad input.
 */
function present<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new CaError('ERR_INTERNAL', `Inconsistent record: ${what} is missing`);
  return value;
}

/** `PersonData`. */
export function presentPerson(p: PersonSnapshot): S['PersonData'] {
  return {
    iin: p.iin,
    surname: p.surname,
    givenName: p.givenName,
    ...(p.patronymic !== undefined ? { patronymic: p.patronymic } : {}),
    fullName: fullName(p),
  };
}

/** `ApplicationSummary`. */
export function presentSummary(app: ApplicationRecord): S['ApplicationSummary'] {
  return {
    id: app.id,
    ...(app.number !== undefined ? { number: app.number } : {}),
    kind: app.kind,
    template: app.template,
    iin: app.iin,
    ...(app.bin !== undefined ? { bin: app.bin } : {}),
    status: app.status,
    statusText: STATUS_TEXTS[app.status],
    createdAt: iso(app.createdAt),
    updatedAt: iso(app.updatedAt),
    expiresAt: iso(app.expiresAt),
  };
}

/** Statuses before which the registry data is not shown to the applicant (identity not yet proven). */
const BEFORE_IDENTIFIED = new Set([
  'otp-sent',
  'phone-verified',
  'digital-id-code-sent',
  'digital-id-phone-verified',
  'document-recognized',
  'moderation',
  'identification-rejected',
]);

/** `Application` (the applicant's view). */
export function presentApplication(app: ApplicationRecord, config: CaConfig): S['Application'] {
  const d = app.data;
  const otpState = (o: OtpRecord): S['OtpState'] => ({
    sender: '1414',
    sentTo: maskPhone(o.phone),
    expiresAt: iso(o.expiresAt),
    ttlSeconds: config.otp.ttlSeconds,
    resendAvailableAt: iso(new Date(o.sentAt.getTime() + config.otp.resendCooldownSeconds * 1000)),
    attemptsLeft: o.attemptsLeft,
  });
  const otp: { otp?: S['OtpState']; digitalIdOtp?: S['OtpState'] } =
    app.status === 'otp-sent' && d.otp
      ? { otp: otpState(d.otp) }
      : app.status === 'digital-id-code-sent' && d.digitalIdOtp
        ? { digitalIdOtp: otpState(d.digitalIdOtp) }
        : {};
  const identified = !BEFORE_IDENTIFIED.has(app.status) && !(app.status === 'expired' && !d.consentAt);
  return {
    ...presentSummary(app),
    ...otp,
    ...(identified ? { person: presentPerson(d.person) } : {}),
    ...(identified && d.organization
      ? { organization: { bin: d.organization.bin, name: d.organization.name } }
      : {}),
    ...(d.email !== undefined ? { email: d.email } : {}),
    // Stored as the submission request gave it, which the spec's KeyStorage enum validated.
    ...(d.keyStorage !== undefined ? { keyStorage: d.keyStorage as S['KeyStorage'] } : {}),
    ...(d.agreement
      ? { agreement: { version: d.agreement.version, acceptedAt: iso(d.agreement.acceptedAt) } }
      : {}),
    ...(d.rejection
      ? {
          rejection: {
            at: iso(d.rejection.at),
            by: d.rejection.by,
            ...(d.rejection.comment !== undefined ? { comment: d.rejection.comment } : {}),
          },
        }
      : {}),
    nextActions: nextActions(app.status),
  };
}

/** `CaCertificate`. */
export function presentCaCertificate(
  name: S['CaCertificate']['name'],
  k: CaCertificateInfo,
): S['CaCertificate'] {
  return {
    name,
    fileName: `${CA_FILE_NAMES[name]}.crt`,
    subject: k.subject,
    serialHex: k.serialHex,
    skiHex: k.skiHex,
    notBefore: iso(k.notBefore),
    notAfter: iso(k.notAfter),
    pem: k.pem,
  };
}

/**
 * The chain of an end-entity certificate: issuing CA, then root, of the hierarchy that issued it
 * (the GOST one for a GOST certificate).
 */
export function presentChain(m: CaMaterial, hierarchy: Hierarchy = 'rsa'): S['CaCertificate'][] {
  return hierarchy === 'gost'
    ? [presentCaCertificate('gost-issuing', m.gostIssuing), presentCaCertificate('gost-root', m.gostRoot)]
    : [presentCaCertificate('issuing', m.issuing), presentCaCertificate('root', m.root)];
}

/**
 * Key file names of recently shown certificates, by issuer key id and serial (which name one
 * certificate): the name needs the certificate parsed, which cost more than the rest of an
 * issuance answer, and the applicant downloads the same certificates right after.
 */
const fileNames = new Map<string, string>();
const FILE_NAMES_KEPT = 1024;

function keyFileName(c: CertificateRecord): string {
  const key = `${c.issuerSkiHex}:${c.serialHex}`;
  const known = fileNames.get(key);
  if (known !== undefined) return known;
  let name: string;
  try {
    name = ncaKeyFileName(c.der);
  } catch {
    name = `${c.purpose === 'auth' ? 'AUTH_' : ''}${c.skiHex}.p12`;
  }
  if (fileNames.size >= FILE_NAMES_KEPT) fileNames.delete(fileNames.keys().next().value as string);
  fileNames.set(key, name);
  return name;
}

/** `IssuedCertificate` (an RSA AUTH or SIGN certificate). */
export function presentIssued(c: CertificateRecord): S['IssuedCertificate'] {
  const purpose = present(c.purpose, `the purpose of certificate ${c.serialHex}`);
  if (purpose === 'auth+sign') {
    throw new CaError('ERR_INTERNAL', `Certificate ${c.serialHex} is a GOST certificate, not one of a pair`);
  }
  return { ...presentCertificateBody(c), purpose };
}

/** `IssuedGostCertificate` (the one GOST certificate of a legal entity's key). */
export function presentIssuedGost(c: CertificateRecord): S['IssuedGostCertificate'] {
  return { ...presentCertificateBody(c), purpose: 'auth+sign' };
}

function presentCertificateBody(c: CertificateRecord): Omit<S['IssuedCertificate'], 'purpose'> {
  const b64 = toBase64(c.der);
  const pem = `-----BEGIN CERTIFICATE-----\n${(b64.match(/.{1,64}/g) ?? []).join('\n')}\n-----END CERTIFICATE-----\n`;
  return {
    serialHex: c.serialHex,
    subject: c.subject,
    skiHex: c.skiHex,
    fileName: keyFileName(c),
    notBefore: iso(c.notBefore),
    notAfter: iso(c.notAfter),
    pem,
    der: b64,
  };
}

/** `CertificateBundle`. */
export function presentBundle(
  app: ApplicationRecord,
  certs: CertificateRecord[],
  m: CaMaterial,
): S['CertificateBundle'] {
  const gost = certs.filter((c) => c.purpose === 'auth+sign');
  const pair = certs.filter((c) => c.purpose !== 'auth+sign');
  return {
    applicationNumber: present(app.number, `the number of application ${app.id}`),
    certificates: pair.map(presentIssued),
    ...(gost.length > 0 ? { gostCertificates: gost.map(presentIssuedGost) } : {}),
    chain: presentChain(m, gost.length > 0 ? 'gost' : 'rsa'),
  };
}

/** `CertificateRecord`. */
export function presentCertificateRecord(c: CertificateRecord): S['CertificateRecord'] {
  return {
    serialHex: c.serialHex,
    ...(c.purpose ? { purpose: c.purpose } : {}),
    ...(c.template ? { template: c.template } : {}),
    subject: c.subject,
    ...(c.iin ? { iin: c.iin } : {}),
    ...(c.bin ? { bin: c.bin } : {}),
    ...(c.applicationNumber ? { applicationNumber: c.applicationNumber } : {}),
    status: c.status,
    ...(c.revokedAt ? { revokedAt: iso(c.revokedAt) } : {}),
    ...(c.reason ? { reason: c.reason } : {}),
    ...(c.invalidityDate ? { invalidityDate: iso(c.invalidityDate) } : {}),
    notBefore: iso(c.notBefore),
    notAfter: iso(c.notAfter),
  };
}

/** `PendingApplication`. */
export function presentPending(
  app: ApplicationRecord,
  documents?: { approve: string; reject: string },
): S['PendingApplication'] {
  return {
    number: present(app.number, `the number of application ${app.id}`),
    template: app.template,
    templateTitle: TEMPLATES[app.template].title,
    kind: app.kind,
    status: app.status,
    submittedAt: iso(app.submittedAt ?? app.updatedAt),
    applicant: presentPerson(app.data.person),
    organization: {
      bin: present(app.data.organization?.bin ?? app.bin, `the BIN of application ${app.id}`),
      name: app.data.organization?.name ?? '',
    },
    requests: app.data.requests ?? [],
    ...(documents ? { decisionDocuments: documents } : {}),
  };
}

/** `ModerationItem`. */
export function presentModerationItem(app: ApplicationRecord): S['ModerationItem'] {
  const ident = app.data.identification;
  return {
    applicationId: app.id,
    iin: app.iin,
    template: app.template,
    queuedAt: iso(ident?.queuedAt ?? app.updatedAt),
    recognizedDocument: present(
      ident?.recognizedDocument,
      `the recognised document of application ${app.id}`,
    ),
    mismatches: ident?.mismatches ?? [],
  };
}

/**
 * An installation challenge on the wire: the applicant's (`InstallationChallenge`), or the
 * key-file installation's, whose items also name the public key each certificate certifies
 * (`KeyFileInstallationChallenge`).
 * @example
 * ```ts
 * presentInstallationChallenge(await createInstallationChallenge(ctx, id)).items[0]?.toBeSigned; // base64
 * ```
 */
export function presentInstallationChallenge(c: KeyFileChallenge): S['KeyFileInstallationChallenge'];
export function presentInstallationChallenge(c: InstallationChallenge): S['InstallationChallenge'];
export function presentInstallationChallenge(
  c: InstallationChallenge | KeyFileChallenge,
): S['InstallationChallenge'] | S['KeyFileInstallationChallenge'] {
  return {
    challengeId: c.challengeId,
    expiresAt: c.expiresAt.toISOString(),
    items: c.items.map((i) => ({
      serialHex: i.serialHex,
      purpose: i.purpose,
      toBeSigned: toBase64(i.toBeSigned),
      ...('publicKey' in i ? { publicKey: toBase64(i.publicKey as Uint8Array) } : {}),
    })),
  } as S['InstallationChallenge'] | S['KeyFileInstallationChallenge'];
}
