/**
 * `issueInformationSystem()`: a legal entity's first manager obtains the key file of one of the
 * organisation's information systems (the NCA's `gost2015_infosystem` template): cabinet login
 * with the first manager's key file, a GOST R 34.10-2015 512-bit key generated here, one request
 * naming the system (UID, CN = its name, O and OU = the organisation; no IIN), and the key file
 * `GOST512_<ski>.p12` built as `enroll()` builds a legal entity's GOST file.
 */
import { checkPassword } from '@kzpki/password-policy';
import {
  buildInformationSystemSubject,
  createCsr,
  encodeGostPkcs8,
  fromBase64,
  GOST_END_ENTITY_KEY_ALGORITHM,
  GostPrivateKey,
  informationSystemProfile,
  inspectCertificate,
  isPkiError,
  toPem,
} from '@kzpki/pki';
import { CabinetSession } from './cabinet.js';
import { KzpkiApiError } from './errors.js';
import type { FetchLike } from './http.js';
import { type BuiltKeyFile, buildKeyFile, type KeyFileFormat, openKeyFile } from './key-files.js';
import type { CaCertificateData, IssuedGostCertificateData } from './types.js';

/** Options of {@link issueInformationSystem}. */
export interface IssueInformationSystemOptions {
  /** Base URL of the CA. */
  caUrl: string;
  /**
   * The first manager's key file used to log in to the cabinet: their `GOST512_<ski>.p12` or RSA
   * `AUTH_RSA256_<ski>.p12` (PKCS #12 bytes). Not needed with `session`.
   */
  approverKeyFile?: Uint8Array;
  /** Password of `approverKeyFile` (default: `password`). */
  approverPassword?: string;
  /** An open cabinet session of the first manager instead of `approverKeyFile` (left open). */
  session?: CabinetSession;
  /** The information system's name (the certificate's CN), e.g. `ДОКУМЕНТООБОРОТ`. */
  systemName: string;
  /** The system's identifier (UID); default `IS<BIN>`. */
  uid?: string;
  /** Password of the new key file (NCA rule unless `skipPasswordPolicy`). */
  password: string;
  /** Default `legacy`, as the NCA's key files. */
  keyFileFormat?: KeyFileFormat;
  keyFileIterations?: number;
  skipPasswordPolicy?: boolean;
  /**
   * Also put the GOST issuing CA and root into the key file. Default false, as `enroll()`: the file
   * holds the end-entity certificate only, like the NCA's; the chain is in the result's `chain`.
   */
  includeChain?: boolean;
  /**
   * Test mode only (the CA refuses it otherwise with `ERR_TEST_MODE_REQUIRED`): a backdated
   * validity, as `enroll()`'s, e.g. for the "expired" information system of a test pack.
   */
  validity?: { notBefore: Date; notAfter: Date };
  fetch?: FetchLike;
}

/** Result of {@link issueInformationSystem}. */
export interface InformationSystemKeyFile extends BuiltKeyFile {
  /** Always `auth+sign`: the one GOST key serves for both. */
  purpose: 'auth+sign';
  /** The issued certificate as the CA returned it. */
  certificate: IssuedGostCertificateData;
  /** The system's name and UID as certified. */
  systemName: string;
  uid: string;
  /** The organisation (from the first manager's certificate). */
  bin: string;
  organization: string;
  /** The CA chain (issuing CA first), apart from the key file unless `includeChain: true`. */
  chain: CaCertificateData[];
}

const invalid = (message: string) => new KzpkiApiError('ERR_INVALID_ARGUMENT', message);

/** The issuing CA, then its issuers up to the root, from the CA's certificate list. */
function chainOf(leafDer: Uint8Array, all: CaCertificateData[]): CaCertificateData[] {
  const chain: CaCertificateData[] = [];
  let aki = inspectCertificate(leafDer).authorityKeyId;
  while (aki !== undefined && chain.length < 4) {
    const ca = all.find((c) => c.skiHex === aki);
    if (!ca || chain.includes(ca)) break;
    chain.push(ca);
    const next = inspectCertificate(ca.pem).authorityKeyId;
    aki = next === ca.skiHex ? undefined : next;
  }
  return chain;
}

/**
 * Obtains an information-system key file: logs in to the cabinet as the organisation's first
 * manager (or uses `session`), generates a GOST-2015-512 key, sends its request to
 * `POST /v1/cabinet/information-systems`, checks the certificate (GOST, no IIN, the organisation's
 * BIN, the system's name) and builds `GOST512_<ski>.p12` with `password`. Write `bytes` with mode
 * 0600, as the files of `enroll()`.
 *
 * @throws {KzpkiApiError} `ERR_INVALID_ARGUMENT` (no key file or session, empty name),
 *   `ERR_PASSWORD_POLICY` (before anything is sent), `ERR_KEY_FILE_BAD_PASSWORD`,
 *   `ERR_KEY_FILE_INVALID`, the CA's refusal (`ERR_FORBIDDEN` unless a first manager,
 *   `ERR_CSR_SUBJECT_MISMATCH`, ...), `ERR_INVALID_RESPONSE` for a certificate that is not what was asked.
 * @example
 * ```ts
 * import { readFileSync, writeFileSync } from 'node:fs';
 * import { issueInformationSystem } from '@kzpki/client';
 *
 * const file = await issueInformationSystem({
 *   caUrl: 'http://127.0.0.1:8080',
 *   approverKeyFile: readFileSync('first-manager/valid/GOST512_….p12'),
 *   systemName: 'ДОКУМЕНТООБОРОТ',
 *   password: 'Qwerty12',
 * });
 * writeFileSync(file.fileName, file.bytes, { mode: 0o600 });
 * ```
 */
export async function issueInformationSystem(
  options: IssueInformationSystemOptions,
): Promise<InformationSystemKeyFile> {
  if (typeof options !== 'object' || options === null) throw invalid('Options must be an object');
  if (typeof options.caUrl !== 'string' || options.caUrl === '') throw invalid('caUrl is required');
  if (typeof options.systemName !== 'string' || options.systemName.trim() === '') {
    throw invalid("systemName (the information system's name) is required");
  }
  if (typeof options.password !== 'string') throw invalid('password must be a string');
  if (options.validity && !(options.validity.notBefore < options.validity.notAfter)) {
    throw invalid('validity.notBefore must be before validity.notAfter');
  }
  if (!options.session && !(options.approverKeyFile instanceof Uint8Array)) {
    throw invalid("Pass the first manager's key file (approverKeyFile) or an open cabinet session");
  }
  if (!options.skipPasswordPolicy) {
    const check = checkPassword(options.password);
    if (!check.ok) {
      throw new KzpkiApiError('ERR_PASSWORD_POLICY', 'The key-file password does not meet the NCA rule', {
        details: { violations: check.violations.map((v) => ({ code: v.code, message: v.message })) },
      });
    }
  }
  const fetchOpt = options.fetch ? { fetch: options.fetch } : {};
  let session = options.session;
  if (!session) {
    const auth = await openKeyFile(
      options.approverKeyFile as Uint8Array,
      options.approverPassword ?? options.password,
      'auth',
    );
    session = await CabinetSession.loginWith({ caUrl: options.caUrl, auth, ...fetchOpt });
  }
  try {
    const { bin, organization } = session.holder;
    if (bin === undefined || organization === undefined) {
      throw new KzpkiApiError(
        'ERR_FORBIDDEN',
        "The key file is not a legal entity's: only an organisation's first manager obtains information-system certificates",
      );
    }
    const systemName = options.systemName.trim();
    const uid = options.uid ?? `IS${bin}`;
    let subject: ReturnType<typeof buildInformationSystemSubject>;
    try {
      subject = buildInformationSystemSubject({ uid, name: systemName, organization, bin, checksum: false });
    } catch (e) {
      if (isPkiError(e)) throw new KzpkiApiError('ERR_INVALID_ARGUMENT', e.message, { cause: e });
      throw e;
    }
    const key = GostPrivateKey.generate('gost2015-512');
    const csr = await createCsr({ keys: { privateKey: key }, subject, profile: informationSystemProfile() });
    const certificate = await session.requestInformationSystemCertificate(
      toPem(csr, 'CERTIFICATE REQUEST'),
      options.validity ? { validity: options.validity } : {},
    );
    const der = fromBase64(certificate.der);
    const info = inspectCertificate(der);
    if (
      info.keyAlgorithm !== GOST_END_ENTITY_KEY_ALGORITHM ||
      info.iin !== undefined ||
      info.bin !== bin ||
      info.subject.fields.CN !== systemName
    ) {
      throw new KzpkiApiError(
        'ERR_INVALID_RESPONSE',
        `The information-system certificate ${certificate.serialHex} does not match the request (key ${info.keyAlgorithm}, IIN ${info.iin ?? '-'}, BIN ${info.bin ?? '-'}, CN ${info.subject.fields.CN ?? '-'})`,
      );
    }
    const chain = chainOf(der, await session.caCertificates());
    const built = await buildKeyFile({
      privateKey: encodeGostPkcs8(key),
      certificate: der,
      chain: options.includeChain === true ? chain.map((c) => c.pem) : [],
      password: options.password,
      ...(options.keyFileFormat ? { format: options.keyFileFormat } : {}),
      ...(options.keyFileIterations !== undefined ? { iterations: options.keyFileIterations } : {}),
      ...(options.skipPasswordPolicy ? { skipPasswordPolicy: true } : {}),
    });
    return { ...built, purpose: 'auth+sign', certificate, systemName, uid, bin, organization, chain };
  } finally {
    if (!options.session) await session.logout().catch(() => undefined);
  }
}
