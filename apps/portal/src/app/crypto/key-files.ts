/**
 * Key files (PKCS#12) in the browser: building the NCA-named files from the issued certificates
 * and the keys kept in this browser, and opening a user's key file to log in or sign.
 */
import type { GostPrivateKey, SigningKey } from '@kzpki/pki';
import type { CertificateBundle, CertificatePurpose } from '../api/types.js';
import { PortalError } from '../errors.js';
import { loadPki } from './pki.js';

/** A built key file. */
export interface KeyFile {
  /** AUTH or SIGN (an individual's RSA pair), or `auth+sign` (a legal entity's GOST key). */
  purpose: CertificatePurpose;
  /** `AUTH_RSA256_<ski>.p12`, `RSA256_<ski>.p12` or `GOST512_<ski>.p12`. */
  fileName: string;
  bytes: Uint8Array;
  serialHex: string;
}

/** The private keys kept for an application: the RSA AUTH and SIGN pairs, or the one GOST key. */
export type InstallKeys =
  | { kind: 'rsa'; auth: CryptoKeyPair; sign: CryptoKeyPair }
  | { kind: 'gost'; key: GostPrivateKey };

/** Options of {@link buildKeyFiles}. */
export interface BuildKeyFilesOptions {
  bundle: CertificateBundle;
  keys: InstallKeys;
  password: string;
  format: 'modern' | 'legacy';
}

/** An issued certificate to put into a key file. */
export interface CertificateToInstall {
  purpose: CertificatePurpose;
  pem: string;
  serialHex: string;
}

/**
 * The certificates of a bundle that the kept keys are for: the AUTH and SIGN certificates for an
 * RSA pair, the one GOST certificate (`gostCertificates`) for a GOST key.
 * @throws {PortalError} `ERR_KEYS_NOT_FOUND` when the bundle does not hold what the keys need.
 * @example
 * ```ts
 * certificatesToInstall(bundle, 'gost'); // [{ purpose: 'auth+sign', pem, serialHex }]
 * ```
 */
export function certificatesToInstall(
  bundle: CertificateBundle,
  kind: InstallKeys['kind'],
): CertificateToInstall[] {
  const pick = (c: {
    purpose: CertificatePurpose;
    pem: string;
    serialHex: string;
  }): CertificateToInstall => ({
    purpose: c.purpose,
    pem: c.pem,
    serialHex: c.serialHex,
  });
  if (kind === 'gost') {
    const gost = bundle.gostCertificates ?? [];
    if (gost.length !== 1 || bundle.certificates.length > 0) {
      throw new PortalError('ERR_KEYS_NOT_FOUND', 'The application was not issued one GOST certificate');
    }
    return gost.map(pick);
  }
  const rsa = bundle.certificates;
  const purposes = rsa.map((c) => c.purpose).sort();
  if ((bundle.gostCertificates ?? []).length > 0 || purposes.join() !== 'auth,sign') {
    throw new PortalError(
      'ERR_KEYS_NOT_FOUND',
      'The application was not issued an AUTH and a SIGN certificate',
    );
  }
  return rsa.map(pick);
}

/** The private key kept for `purpose`. */
function keyFor(keys: InstallKeys, purpose: CertificatePurpose): SigningKey {
  if (keys.kind === 'gost') return keys.key;
  if (purpose === 'auth') return keys.auth.privateKey;
  if (purpose === 'sign') return keys.sign.privateKey;
  throw new PortalError('ERR_KEYS_NOT_FOUND', `No key is kept for a ${purpose} certificate`);
}

/** SubjectPublicKeyInfo DER of the key kept for `purpose`. */
async function keptSpki(keys: InstallKeys, purpose: CertificatePurpose): Promise<Uint8Array> {
  if (keys.kind === 'gost') return keys.key.publicKeyInfo;
  const pki = await loadPki();
  return pki.exportSpki((purpose === 'auth' ? keys.auth : keys.sign).publicKey);
}

/**
 * Builds one PKCS#12 file per issued certificate: its private key and the certificate only, like
 * the NCA's key files (the chain, `bundle.chain`, is offered apart: `CaChainLinks`), protected by
 * `password` (checked against the NCA rule by `createPkcs12`). A legal entity's GOST key gives one `GOST512_<ski>.p12`, as
 * `kzpki enroll` writes it.
 */
export async function buildKeyFiles(opts: BuildKeyFilesOptions): Promise<KeyFile[]> {
  const pki = await loadPki();
  const files: KeyFile[] = [];
  for (const cert of certificatesToInstall(opts.bundle, opts.keys.kind)) {
    // The certificate must certify the key kept for its purpose: compare the public keys.
    const issuedSpki = pki.parseCertificate(cert.pem).subjectPublicKeyInfo.toSchema().toBER(false);
    if (!pki.bytesEqual(new Uint8Array(issuedSpki), await keptSpki(opts.keys, cert.purpose))) {
      throw new PortalError(
        'ERR_KEYS_NOT_FOUND',
        `The ${cert.purpose} certificate does not certify the key kept here`,
      );
    }
    const key = keyFor(opts.keys, cert.purpose);
    files.push(
      await keyFileOf(
        cert,
        key instanceof pki.GostPrivateKey ? key : (key as CryptoKey),
        opts.password,
        opts.format,
      ),
    );
  }
  return files;
}

/** A private key as `createPkcs12` takes it (a WebCrypto or GOST key, or PKCS #8 bytes). */
export type KeyFilePrivateKey = Parameters<
  Awaited<ReturnType<typeof loadPki>>['createPkcs12']
>[0]['privateKey'];

/**
 * One final key file: the certificate with its private key, named as the NCA names it, and no
 * chain (the NCA's files hold the end-entity certificate only; the chain is offered apart).
 */
export async function keyFileOf(
  cert: { purpose: CertificatePurpose; pem: string; serialHex: string },
  privateKey: KeyFilePrivateKey,
  password: string,
  format: 'modern' | 'legacy',
): Promise<KeyFile> {
  const pki = await loadPki();
  const bytes = await pki.createPkcs12({ privateKey, certificate: cert.pem, chain: [], password, format });
  return { purpose: cert.purpose, fileName: pki.ncaKeyFileName(cert.pem), bytes, serialHex: cert.serialHex };
}

/**
 * Signs an installation challenge item with the key kept for its purpose.
 * @throws {PortalError} `ERR_KEYS_NOT_FOUND` when no key is kept for it.
 */
export async function signInstallationItem(
  keys: InstallKeys,
  purpose: CertificatePurpose,
  data: Uint8Array,
): Promise<Uint8Array> {
  return signBytes(keyFor(keys, purpose), data);
}

/** A key file opened with its password. */
export interface OpenedKey {
  /** A WebCrypto key (RSA, EC), or the GOST software key of a `GOST512_*.p12` file. */
  privateKey: SigningKey;
  /** PEM of the key's certificate. */
  certificatePem: string;
  purpose: 'auth' | 'sign' | 'auth+sign' | 'other';
  commonName: string;
  iin?: string;
  bin?: string;
  roles: string[];
  serialHex: string;
  /** The NCA file name of this key. */
  fileName: string;
}

/**
 * Opens a PKCS#12 key file.
 * @throws {PortalError} `ERR_KEY_FILE_PASSWORD` for a wrong password, `ERR_KEY_FILE` for anything
 *   that is not a key store with a usable (WebCrypto) key and its certificate.
 */
export async function openKeyFile(bytes: Uint8Array, password: string): Promise<OpenedKey> {
  const pki = await loadPki();
  let contents: Awaited<ReturnType<typeof pki.openPkcs12>>;
  try {
    contents = await pki.openPkcs12(bytes, password);
  } catch (cause) {
    if (pki.isPkiError(cause, 'ERR_PKCS12_BAD_PASSWORD')) {
      throw new PortalError('ERR_KEY_FILE_PASSWORD', 'Wrong key file password', { cause });
    }
    throw new PortalError('ERR_KEY_FILE', 'Not a usable PKCS#12 key store', { cause });
  }
  const privateKey = contents.signingKey;
  if (!privateKey)
    throw new PortalError('ERR_KEY_FILE', 'The key algorithm is not supported by this browser');
  const info = pki.inspectCertificate(contents.certificate);
  return {
    privateKey,
    certificatePem: pki.certificateToPem(contents.certificate),
    purpose: info.keyPurpose,
    commonName: info.commonName ?? info.subject.dn,
    ...(info.iin ? { iin: info.iin } : {}),
    ...(info.bin ? { bin: info.bin } : {}),
    roles: [...info.roles],
    serialHex: info.serialNumber,
    fileName: pki.ncaKeyFileName(contents.certificate),
  };
}

/**
 * Opens a key file and checks that it serves `purpose`.
 * @throws {PortalError} `ERR_KEY_PURPOSE` when the certificate is for something else.
 */
export async function openKeyFileFor(
  bytes: Uint8Array,
  password: string,
  purpose: 'auth' | 'sign',
): Promise<OpenedKey> {
  const key = await openKeyFile(bytes, password);
  if (key.purpose !== purpose && key.purpose !== 'auth+sign') {
    throw new PortalError('ERR_KEY_PURPOSE', `A ${purpose.toUpperCase()} key is needed`, {
      neededPurpose: purpose,
    });
  }
  return key;
}

/**
 * Signs `data` with a key (RSASSA-PKCS1-v1_5/SHA-256 or ECDSA DER, as X.509 signatures; GOST
 * R 34.10-2015 with Streebog-512 in the KZ byte order for GOST keys).
 */
export async function signBytes(privateKey: SigningKey, data: Uint8Array): Promise<Uint8Array> {
  return (await loadPki()).signData(privateKey, data);
}
