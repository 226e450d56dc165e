/**
 * Key files (PKCS#12) in the browser: building the NCA-named files from the issued certificates
 * and the keys kept in this browser, and opening a user's key file to log in or sign.
 */
import type { CertificateBundle, KeyPurpose } from '../api/types.js';
import { PortalError } from '../errors.js';
import { loadPki } from './pki.js';

/** A built key file. */
export interface KeyFile {
  purpose: KeyPurpose;
  /** `AUTH_RSA256_<ski>.p12` or `RSA256_<ski>.p12`. */
  fileName: string;
  bytes: Uint8Array;
  serialHex: string;
}

/** Options of {@link buildKeyFiles}. */
export interface BuildKeyFilesOptions {
  bundle: CertificateBundle;
  keys: Record<KeyPurpose, CryptoKeyPair>;
  password: string;
  format: 'modern' | 'legacy';
}

/**
 * Builds one PKCS#12 file per issued certificate: its private key, the certificate and the chain
 * (issuing CA, root), protected by `password` (checked against the NCA rule by `createPkcs12`).
 */
export async function buildKeyFiles(opts: BuildKeyFilesOptions): Promise<KeyFile[]> {
  const pki = await loadPki();
  const chain = opts.bundle.chain.map((c) => c.pem);
  const files: KeyFile[] = [];
  for (const cert of opts.bundle.certificates) {
    const pair = opts.keys[cert.purpose];
    // The certificate must certify the key kept for its purpose: compare the public keys.
    const issuedSpki = pki.parseCertificate(cert.pem).subjectPublicKeyInfo.toSchema().toBER(false);
    const keptSpki = await pki.exportSpki(pair.publicKey);
    if (!pki.bytesEqual(new Uint8Array(issuedSpki), keptSpki)) {
      throw new PortalError(
        'ERR_KEYS_NOT_FOUND',
        `The ${cert.purpose} certificate does not certify the key kept here`,
      );
    }
    const bytes = await pki.createPkcs12({
      privateKey: pair.privateKey,
      certificate: cert.pem,
      chain,
      password: opts.password,
      format: opts.format,
    });
    files.push({
      purpose: cert.purpose,
      fileName: pki.ncaKeyFileName(cert.pem),
      bytes,
      serialHex: cert.serialHex,
    });
  }
  return files;
}

/** A key file opened with its password. */
export interface OpenedKey {
  privateKey: CryptoKey;
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
  if (!contents.privateKey)
    throw new PortalError('ERR_KEY_FILE', 'The key algorithm is not supported by this browser');
  const info = pki.inspectCertificate(contents.certificate);
  return {
    privateKey: contents.privateKey,
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

/** Signs `data` with a key (RSASSA-PKCS1-v1_5/SHA-256 or ECDSA DER, as X.509 signatures). */
export async function signBytes(privateKey: CryptoKey, data: Uint8Array): Promise<Uint8Array> {
  return (await loadPki()).signData(privateKey, data);
}
