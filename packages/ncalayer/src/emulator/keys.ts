/**
 * The key files the emulated NCALayer offers: the `.p12` files of one folder, as the NCA and the
 * reference CA write them (`AUTH_RSA256_<ski>.p12`, `RSA256_<ski>.p12`, `GOST512_<ski>.p12`,
 * `GOSTKNCA_<ski>.p12`), opened with the password the person types; and the checks NCALayer
 * applies to a chosen key (key type, extKeyUsage OIDs, IIN, BIN, serial number, CA, validity).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import {
  type CertificateInfo,
  inspectCertificate,
  type KeyFileSigner,
  NCA_OIDS,
  openSignerKeyFile,
  parsePem,
  toPem,
  verifyChain,
} from '@kzpki/pki';

/** A key file of the folder. */
export interface KeyFileEntry {
  /** Absolute path. */
  path: string;
  /** File name. */
  name: string;
  /** What the NCA's naming says the file holds (`other` for names it does not use). */
  kind: 'auth-rsa' | 'sign-rsa' | 'gost-2015' | 'gost-2004' | 'other';
  /**
   * The folder of CA certificates for this file's chain checks, when one was given
   * ({@link listKeyFiles}); else the nearest `ca/` folder is used ({@link caCertificatesNear}).
   */
  caDir?: string;
}

/** A key file opened with its password. */
export interface OpenedKey {
  file: KeyFileEntry;
  /** The key, its certificate and the file's other certificates, ready for `signCms`. */
  signer: KeyFileSigner;
  /** The certificate's facts (IIN, BIN, roles, purpose, validity…). */
  info: CertificateInfo;
  /** The certificate, PEM. */
  pem: string;
  /** NCALayer's alias of the key: the certificate's SubjectKeyIdentifier (the file's friendlyName). */
  alias: string;
  /**
   * CA certificates (DER) of the nearest `ca/` folder (see {@link caCertificatesNear}): the chain
   * checks' intermediates besides the file's own, which the NCA's key files do not carry.
   */
  caCertificates: Uint8Array[];
}

/** How many folders up from a key file's folder a `ca/` folder is looked for (a test pack's depth). */
const CA_FOLDER_LEVELS = 2;

/**
 * The CA certificates (DER) of the `ca/` folder nearest a key file: in its folder, else one or two
 * folders up (a test pack's `DIR/ca/` beside `DIR/<template>/<state>/*.p12`; `kzpki enroll`
 * writes `<out>/ca/`). Like the NCA's, kzpki's key files hold the end-entity certificate only, so
 * the issuing CA comes from there. `.crt`, `.cer`, `.pem` and `.der` files, PEM or DER; other files
 * (the pack's CRLs) are skipped. Empty when there is no such folder.
 * @example
 * ```ts
 * caCertificatesNear('/tmp/pack/individual/valid/AUTH_RSA256_ab.p12'); // the certificates of /tmp/pack/ca
 * ```
 */
export function caCertificatesNear(keyFilePath: string): Uint8Array[] {
  let dir = dirname(resolve(keyFilePath));
  for (let level = 0; level <= CA_FOLDER_LEVELS; level++) {
    const ca = join(dir, 'ca');
    if (existsSync(ca) && statSync(ca).isDirectory()) return caCertificatesIn(ca);
    const up = dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  return [];
}

/**
 * The CA certificates (DER) of the folder `dir`: its `.crt`, `.cer`, `.pem` and `.der` files, PEM
 * (every CERTIFICATE block) or DER; other files are skipped.
 * @throws {Error} when `dir` cannot be read (a folder given by the user that is not there).
 * @example
 * ```ts
 * caCertificatesIn('/tmp/out/ca'); // [issuing CA, root] as DER
 * ```
 */
export function caCertificatesIn(dir: string): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (const name of readdirSync(dir).sort()) {
    if (!/\.(crt|cer|pem|der)$/i.test(name) || !statSync(join(dir, name)).isFile()) continue;
    const bytes = readFileSync(join(dir, name));
    const text = bytes.toString('latin1');
    if (text.includes('-----BEGIN ')) {
      for (const b of parsePem(text)) if (b.label === 'CERTIFICATE') out.push(b.der);
    } else out.push(new Uint8Array(bytes));
  }
  return out;
}

const KINDS: Array<[RegExp, KeyFileEntry['kind']]> = [
  [/^AUTH_RSA/i, 'auth-rsa'],
  [/^RSA/i, 'sign-rsa'],
  [/^GOST512_/i, 'gost-2015'],
  [/^GOSTKNCA_/i, 'gost-2004'],
];

/**
 * The key files (`*.p12`, `*.pfx`) of `dir`, sorted by name.
 * @throws {Error} when the folder cannot be read.
 */
export function listKeyFiles(dir: string, caDir?: string): KeyFileEntry[] {
  const abs = resolve(dir);
  const ca = caDir === undefined ? undefined : resolve(caDir);
  return readdirSync(abs)
    .filter((n) => /\.(p12|pfx)$/i.test(n))
    .filter((n) => statSync(join(abs, n)).isFile())
    .sort()
    .map((name) => ({
      path: join(abs, name),
      name,
      kind: KINDS.find(([re]) => re.test(name))?.[1] ?? 'other',
      ...(ca !== undefined ? { caDir: ca } : {}),
    }));
}

/**
 * Opens a key file with `password`.
 * @throws {PkiError} `ERR_PKCS12_BAD_PASSWORD` for a wrong password, `ERR_PKCS12_INVALID` and
 *   `ERR_PKCS12_UNSUPPORTED` for files it cannot read.
 */
export async function openKeyFile(file: KeyFileEntry, password: string): Promise<OpenedKey> {
  const signer = await openSignerKeyFile(readFileSync(file.path), password);
  const info = inspectCertificate(signer.certificate);
  return {
    file,
    signer,
    info,
    pem: toPem(signer.certificate, 'CERTIFICATE'),
    alias: info.subjectKeyId ?? basename(file.name).replace(/\.(p12|pfx)$/i, ''),
    caCertificates: file.caDir !== undefined ? caCertificatesIn(file.caDir) : caCertificatesNear(file.path),
  };
}

/** What a request demands of the key (NCALayer's filters). */
export interface KeyRequirements {
  /** The key type: SIGN (emailProtection), AUTH (clientAuth) or any. */
  purpose: 'sign' | 'auth' | 'any';
  /** extendedKeyUsage OIDs the certificate must all carry. */
  extKeyUsageOids?: readonly string[];
  iin?: string;
  bin?: string;
  /** Serial number, hex. */
  serialNumber?: string;
  /**
   * Which CAs: `any` (`chain: []`, test CAs admitted), `production` (chain absent: only keys under
   * the configured production CAs), or the CA certificates (DER) the chain must end in.
   */
  chain: 'any' | 'production' | Uint8Array[];
  allowExpired?: boolean;
}

/**
 * Where a key's certificate says it may be used. A certificate of the NCA's GOST-2015 generation
 * (`keyPurpose` `auth+sign`: policy 1.2.398.3.3.2, one key per person) serves both, although its
 * extKeyUsage names emailProtection only (DOMAIN.md §3, the TEST-2022 fixtures).
 */
export function keyPurposes(info: CertificateInfo): Array<'sign' | 'auth'> {
  if (info.keyPurpose === 'auth+sign') return ['sign', 'auth'];
  const out: Array<'sign' | 'auth'> = [];
  if (info.extKeyUsage.includes(NCA_OIDS.eku.emailProtection) || info.keyPurpose === 'sign') out.push('sign');
  if (info.extKeyUsage.includes(NCA_OIDS.eku.clientAuth) || info.keyPurpose === 'auth') out.push('auth');
  return out;
}

/** The purpose an extKeyUsage OID of `signerParams` selects (DOMAIN.md §5), if it is one of the two. */
const PURPOSE_OF_EKU: Readonly<Record<string, 'sign' | 'auth'>> = {
  [NCA_OIDS.eku.emailProtection]: 'sign',
  [NCA_OIDS.eku.clientAuth]: 'auth',
};

/**
 * Why NCALayer would refuse `key` for a request with `req`, or `undefined` when it is admitted.
 * `productionCas` are the CA certificates that count as the NCA's production CAs.
 */
export async function refusalOf(
  key: OpenedKey,
  req: KeyRequirements,
  productionCas: readonly Uint8Array[],
  now: Date,
): Promise<string | undefined> {
  const { info } = key;
  const purposes = keyPurposes(info);
  if (req.purpose !== 'any' && !purposes.includes(req.purpose))
    return `the key is not a ${req.purpose.toUpperCase()} key`;
  // clientAuth and emailProtection select AUTH and SIGN keys: a GOST-2015 key is both, so it is
  // admitted for clientAuth although its certificate lists emailProtection only (inferred: the one
  // key is what the NCA gives legal entities to log in and to sign). Role OIDs must all be there.
  const missing = (req.extKeyUsageOids ?? []).filter((o) => {
    const selects = PURPOSE_OF_EKU[o];
    return selects ? !purposes.includes(selects) : !info.extKeyUsage.includes(o);
  });
  if (missing.length > 0) return `the certificate lacks extKeyUsage ${missing.join(', ')}`;
  if (req.iin && info.iin !== req.iin) return `the certificate is not of IIN ${req.iin}`;
  if (req.bin && info.bin !== req.bin) return `the certificate is not of BIN ${req.bin}`;
  if (req.serialNumber && info.serialNumber !== req.serialNumber.toLowerCase())
    return `the certificate's serial number is not ${req.serialNumber}`;
  const notBefore = new Date(info.notBefore);
  const notAfter = new Date(info.notAfter);
  if (!req.allowExpired && (now < notBefore || now > notAfter))
    return `the certificate is not valid now (${info.notBefore} to ${info.notAfter}); signingParams.allowExpired admits it`;
  if (req.chain === 'any') return undefined;
  const anchors = req.chain === 'production' ? [...productionCas] : req.chain;
  if (anchors.length === 0)
    return req.chain === 'production'
      ? 'signerParams.chain is absent, so only keys of the NCA production CAs are admitted; test keys need chain: [] (allowTestKeys)'
      : 'signerParams.chain names no CA';
  const at = req.allowExpired ? new Date(Math.min(notAfter.getTime() - 1000, now.getTime())) : now;
  const chain = await verifyChain({
    certificate: key.signer.certificate,
    // The file's own chain (older kzpki files, other tools) and the CA certificates beside it.
    intermediates: [...key.signer.certificates, ...key.caCertificates],
    trustAnchors: anchors,
    at,
  });
  if (!chain.valid)
    return req.chain === 'production'
      ? `the key is not of an NCA production CA (${chain.message}); test keys need chain: [] (allowTestKeys)`
      : `the key is not under the CAs of signerParams.chain (${chain.message})`;
  return undefined;
}
