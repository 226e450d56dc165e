/**
 * NCA operators' key files (issue 10 #6). An operator logs in with an AUTH certificate carrying
 * the NCA-operator role (1.2.398.3.3.4.2.3); this module issues such certificates from the issuing
 * CA into a password-protected PKCS #12 key file the operator keeps (the key is generated here,
 * put in the file, and not kept by the CA), lists them, revokes them (which ends their sessions at
 * once and puts them on the CRL), and rotates them (a new key file, the old certificate revoked as
 * superseded). `kzpki ca operator issue|list|revoke|rotate` runs these on the CA's host: it needs
 * the store and the CA passphrase, never the API.
 *
 * The built-in operator certificate of `initCa` (its key in the database under the CA passphrase,
 * for demos and tests) is listed and revocable like the others.
 */
import type { CaRepository, CertificateRecord, RevocationReason } from '@kzpki/ca-store';
import {
  buildNcaSubject,
  createPkcs12,
  exportSpki,
  generateKeyPair,
  inspectCertificate,
  issueCertificate,
  type KeyAlgorithmName,
  ncaKeyFileName,
  ncaOperatorProfile,
} from '@kzpki/pki';
import { CaError } from '../errors.js';
import { certificateRecord } from '../issuance/certificate-record.js';
import { endEntityUrls } from './hierarchy.js';
import { DEFAULT_OPERATOR, type OperatorIdentity } from './init-ca.js';
import type { CaMaterial } from './material.js';

/** Who issues or revokes operator certificates in the audit log (the CA's administrator, on its host). */
export const CA_ADMIN_ACTOR = 'ca-admin';

/** The person an operator certificate is for (organisation: the CA's by default). */
export type OperatorPerson = Pick<OperatorIdentity, 'surname' | 'givenName' | 'patronymic' | 'iin'> &
  Partial<Pick<OperatorIdentity, 'bin' | 'organization'>>;

/** Options of {@link issueOperator}. */
export interface IssueOperatorOptions {
  person: OperatorPerson;
  /** Password of the key file (the NCA password rule applies). */
  password: string;
  /** Default RSA-2048. */
  keyAlgorithm?: KeyAlgorithmName;
  /** Validity in days (default: the operator profile's, one year). */
  validityDays?: number;
  /** `modern` (default: PBES2/AES-256) or `legacy` (the NCA's 3DES/RC2 files). */
  keyFormat?: 'modern' | 'legacy';
  /** Status service base URL written into the certificate (default: the issuing CA certificate's). */
  statusBaseUrl?: string;
  now?: Date;
}

/** An issued operator key file. */
export interface OperatorKeyFile {
  /** The PKCS #12 bytes (write them 0600). */
  keyFile: Uint8Array;
  /** The NCA file name (`AUTH_RSA256_<ski>.p12`). */
  fileName: string;
  certificate: CertificateRecord;
}

/** An operator certificate as listed. */
export interface OperatorCertificate {
  serialHex: string;
  subject: string;
  iin?: string;
  status: CertificateRecord['status'];
  notBefore: Date;
  notAfter: Date;
  revokedAt?: Date;
  reason?: string;
  /** The built-in operator of `initCa`, whose key the database holds. */
  builtIn: boolean;
}

/** The status service base URL the issuing CA certificate points at (its CRL distribution point). */
export function statusBaseUrlOf(issuingCertificate: Uint8Array): string {
  const crl = inspectCertificate(issuingCertificate).crlUrls[0];
  if (crl === undefined) throw new CaError('ERR_INTERNAL', 'The issuing CA certificate has no CRL URL');
  return crl.replace(/\/crl\/[^/]+$/, '');
}

/**
 * Issues an operator certificate and its key file.
 * @throws {PkiError} `ERR_PASSWORD_POLICY`, `ERR_SUBJECT_INVALID` (a malformed IIN or name).
 * @example
 * ```ts
 * const material = await loadCaMaterial(store, { passphrase });
 * const op = await issueOperator(store, material, { person: { surname: 'ОПЕРАТОРОВ', givenName: 'ОПЕРАТОР', iin }, password });
 * writeFileSync(op.fileName, op.keyFile, { mode: 0o600 });
 * ```
 */
export async function issueOperator(
  store: CaRepository,
  material: CaMaterial,
  options: IssueOperatorOptions,
): Promise<OperatorKeyFile> {
  const now = options.now ?? new Date();
  const person = options.person;
  const subject = buildNcaSubject({
    surname: person.surname,
    givenName: person.givenName,
    ...(person.patronymic !== undefined ? { patronymic: person.patronymic } : {}),
    iin: person.iin,
    bin: person.bin ?? DEFAULT_OPERATOR.bin,
    organization: person.organization ?? DEFAULT_OPERATOR.organization,
  });
  const keys = await generateKeyPair(options.keyAlgorithm ?? 'RSA-2048', { extractable: true });
  const issued = await issueCertificate({
    publicKey: keys.publicKey,
    subject,
    profile: ncaOperatorProfile(
      options.validityDays !== undefined ? { validityDays: options.validityDays } : {},
    ),
    issuer: material.issuing.certificate,
    issuerKey: material.issuing.privateKey,
    validity: { notBefore: now },
    urls: endEntityUrls(options.statusBaseUrl ?? statusBaseUrlOf(material.issuing.certificate)),
  });
  // The key file first: a password the NCA rule refuses leaves no certificate behind.
  const keyFile = await createPkcs12({
    privateKey: keys.privateKey,
    certificate: issued.der,
    chain: [material.issuing.certificate, material.root.certificate],
    password: options.password,
    format: options.keyFormat ?? 'modern',
  });
  const record = certificateRecord(issued, {
    issuerSkiHex: material.issuing.skiHex,
    kind: 'service',
    spki: await exportSpki(keys.publicKey),
    createdAt: now,
  });
  await store.putCertificate(record, {
    actor: CA_ADMIN_ACTOR,
    action: 'operator.issued',
    entity: `certificate:${record.serialHex}`,
    details: { iin: record.iin, subject: record.subject, notAfter: record.notAfter.toISOString() },
  });
  return { keyFile, fileName: ncaKeyFileName(issued.der), certificate: record };
}

/** Every operator certificate this CA issued (those carrying the NCA-operator role), newest first. */
export async function listOperators(store: CaRepository): Promise<OperatorCertificate[]> {
  const builtIn = (await store.getCaKey('operator'))?.serialHex;
  const out: OperatorCertificate[] = [];
  for (const c of await store.listCertificates({ kind: 'service' })) {
    if (!inspectCertificate(c.der).roles.includes('nca-operator')) continue;
    out.push({
      serialHex: c.serialHex,
      subject: c.subject,
      ...(c.iin !== undefined ? { iin: c.iin } : {}),
      status: c.status,
      notBefore: c.notBefore,
      notAfter: c.notAfter,
      ...(c.revokedAt ? { revokedAt: c.revokedAt } : {}),
      ...(c.reason ? { reason: c.reason } : {}),
      builtIn: c.serialHex === builtIn,
    });
  }
  return out.sort((a, b) => b.notBefore.getTime() - a.notBefore.getTime());
}

/**
 * Revokes an operator certificate: its sessions end at once, the CRLs and OCSP say so.
 * @throws {CaError} `ERR_CERTIFICATE_NOT_FOUND` (no such operator certificate), `ERR_ALREADY_REVOKED`.
 */
export async function revokeOperator(
  store: CaRepository,
  serialHex: string,
  options: {
    reason?: Extract<
      RevocationReason,
      | 'keyCompromise'
      | 'superseded'
      | 'cessationOfOperation'
      | 'privilegeWithdrawn'
      | 'affiliationChanged'
      | 'unspecified'
    >;
    comment?: string;
    now?: Date;
  } = {},
): Promise<CertificateRecord> {
  const cert = await store.getCertificate(serialHex);
  if (!cert || cert.kind !== 'service' || !inspectCertificate(cert.der).roles.includes('nca-operator')) {
    throw new CaError('ERR_CERTIFICATE_NOT_FOUND', `No operator certificate with serial ${serialHex}`);
  }
  if (cert.status === 'revoked')
    throw new CaError('ERR_ALREADY_REVOKED', 'The operator certificate is already revoked');
  const reason = options.reason ?? 'cessationOfOperation';
  const changed = await store.changeCertificateStatus({
    issuerSkiHex: cert.issuerSkiHex,
    serialHex: cert.serialHex,
    change: 'revoked',
    at: options.now ?? new Date(),
    reason,
    audit: {
      actor: CA_ADMIN_ACTOR,
      action: 'operator.revoked',
      entity: `certificate:${cert.serialHex}`,
      details: { reason, comment: options.comment, iin: cert.iin },
    },
  });
  if (!changed) throw new CaError('ERR_ALREADY_REVOKED', 'The operator certificate was revoked meanwhile');
  return changed;
}

/**
 * Rotates an operator's key: a new key file for the same person (read from the old certificate),
 * then the old certificate revoked as superseded.
 * @throws {CaError} `ERR_CERTIFICATE_NOT_FOUND`, `ERR_ALREADY_REVOKED`.
 */
export async function rotateOperator(
  store: CaRepository,
  material: CaMaterial,
  serialHex: string,
  options: Omit<IssueOperatorOptions, 'person'>,
): Promise<OperatorKeyFile & { revoked: CertificateRecord }> {
  const old = await store.getCertificate(serialHex);
  if (!old || old.kind !== 'service') {
    throw new CaError('ERR_CERTIFICATE_NOT_FOUND', `No operator certificate with serial ${serialHex}`);
  }
  const info = inspectCertificate(old.der);
  if (!info.roles.includes('nca-operator') || info.iin === undefined) {
    throw new CaError('ERR_CERTIFICATE_NOT_FOUND', `No operator certificate with serial ${serialHex}`);
  }
  if (old.status === 'revoked')
    throw new CaError('ERR_ALREADY_REVOKED', 'The operator certificate is already revoked');
  const f = info.subject.fields;
  const surname = f.SURNAME ?? '';
  const cn = f.CN ?? '';
  const givenName = cn.startsWith(`${surname} `) ? cn.slice(surname.length + 1) : cn;
  const issued = await issueOperator(store, material, {
    ...options,
    person: {
      surname,
      givenName,
      ...(f.GIVENNAME ? { patronymic: f.GIVENNAME } : {}),
      iin: info.iin,
      ...(info.bin !== undefined ? { bin: info.bin } : {}),
      ...(info.organization !== undefined ? { organization: info.organization } : {}),
    },
  });
  const revoked = await revokeOperator(store, serialHex, {
    reason: 'superseded',
    comment: `rotated to ${issued.certificate.serialHex}`,
    ...(options.now ? { now: options.now } : {}),
  });
  return { ...issued, revoked };
}
