/**
 * Key files (PKCS #12) on the client: building them from a new key and its certificate with the
 * user's password, and opening an existing one (an approver's AUTH or SIGN file) for signing.
 */
import {
  type CertificateInfo,
  type CertificateInput,
  certificateToPem,
  createPkcs12,
  inspectCertificate,
  isPkiError,
  ncaKeyFileName,
  openPkcs12,
  type SigningKey,
} from '@kzpki/pki';
import { KzpkiApiError } from './errors.js';

/** PKCS #12 encryption profile: `legacy` as the NCA's files (3DES, RC2-40, SHA-1 MAC), or `modern` (AES-256, SHA-256). */
export type KeyFileFormat = 'legacy' | 'modern';

/** Options of {@link buildKeyFile}. */
export interface BuildKeyFileOptions {
  /** The private key (extractable) or its PKCS #8 DER. */
  privateKey: CryptoKey | Uint8Array;
  /** Its certificate. */
  certificate: CertificateInput;
  /** CA certificates to include (issuing CA, root). */
  chain?: CertificateInput[];
  /** The key-file password (checked against the NCA rule unless `skipPasswordPolicy`). */
  password: string;
  /** Default `legacy`, the format of the NCA's own key files. */
  format?: KeyFileFormat;
  /** PBE and MAC iterations (default: 1024 for `legacy`, 2048 for `modern`). */
  iterations?: number;
  skipPasswordPolicy?: boolean;
}

/** A built key file. */
export interface BuiltKeyFile {
  /** NCA file name: `AUTH_RSA256_<ski>.p12` or `RSA256_<ski>.p12`. */
  fileName: string;
  /** The PKCS #12 bytes. */
  bytes: Uint8Array;
}

/**
 * Builds an NCA-style key file: friendlyName and localKeyID are the certificate's SKI and the name
 * follows `ncaKeyFileName`.
 *
 * @throws {KzpkiApiError} `ERR_PASSWORD_POLICY` (with `details.violations`) for a password the NCA rule
 *   rejects, `ERR_INVALID_RESPONSE` when the certificate does not belong to the key.
 */
export async function buildKeyFile(options: BuildKeyFileOptions): Promise<BuiltKeyFile> {
  try {
    const bytes = await createPkcs12({
      privateKey: options.privateKey,
      certificate: options.certificate,
      ...(options.chain ? { chain: options.chain } : {}),
      password: options.password,
      format: options.format ?? 'legacy',
      ...(options.iterations !== undefined ? { iterations: options.iterations } : {}),
      ...(options.skipPasswordPolicy ? { skipPasswordPolicy: true } : {}),
    });
    return { fileName: ncaKeyFileName(options.certificate), bytes };
  } catch (e) {
    if (isPkiError(e, 'ERR_PASSWORD_POLICY')) {
      throw new KzpkiApiError('ERR_PASSWORD_POLICY', 'The key-file password does not meet the NCA rule', {
        cause: e,
        details: { violations: e.details?.violations ?? [] },
      });
    }
    if (isPkiError(e, 'ERR_INVALID_ARGUMENT') || isPkiError(e, 'ERR_CERTIFICATE_INVALID')) {
      throw new KzpkiApiError(
        'ERR_INVALID_RESPONSE',
        `The certificate cannot go into a key file: ${e.message}`,
        {
          cause: e,
        },
      );
    }
    throw e;
  }
}

/** An opened key file, ready to sign. */
export interface OpenedKeyFile {
  /**
   * The private key for signing: a WebCrypto key (RSASSA-PKCS1-v1_5 SHA-256 or ECDSA), or the GOST
   * R 34.10 software key of a `GOST512_*.p12` / `GOSTKNCA_*.p12` file.
   */
  privateKey: SigningKey;
  /** DER of the key's certificate. */
  certificate: Uint8Array;
  /** The same certificate as PEM (what the CA API takes). */
  certificatePem: string;
  /** The certificate as `inspectCertificate` reads it (IIN, BIN, roles, purpose). */
  info: CertificateInfo;
  /** Other certificates of the file (issuer first). */
  chain: Uint8Array[];
}

/**
 * Opens a key file for signing; with `purpose`, requires an AUTH (clientAuth) or SIGN
 * (emailProtection) certificate.
 *
 * @throws {KzpkiApiError} `ERR_KEY_FILE_BAD_PASSWORD`, `ERR_KEY_FILE_INVALID` (not PKCS #12, no usable
 *   key, wrong purpose).
 * @example
 * ```ts
 * const auth = await openKeyFile(readFileSync('AUTH_RSA256_….p12'), 'Qwerty12', 'auth');
 * ```
 */
export async function openKeyFile(
  bytes: Uint8Array,
  password: string,
  purpose?: 'auth' | 'sign',
): Promise<OpenedKeyFile> {
  let contents: Awaited<ReturnType<typeof openPkcs12>>;
  try {
    contents = await openPkcs12(bytes, password);
  } catch (e) {
    if (isPkiError(e, 'ERR_PKCS12_BAD_PASSWORD')) {
      throw new KzpkiApiError('ERR_KEY_FILE_BAD_PASSWORD', 'Wrong password for the key file', { cause: e });
    }
    throw new KzpkiApiError(
      'ERR_KEY_FILE_INVALID',
      `Not a usable PKCS#12 key file: ${(e as Error).message}`,
      {
        cause: e,
      },
    );
  }
  if (!contents.signingKey) {
    throw new KzpkiApiError('ERR_KEY_FILE_INVALID', 'The key file holds a key this package cannot sign with');
  }
  const info = inspectCertificate(contents.certificate);
  if (purpose !== undefined && info.keyPurpose !== purpose && info.keyPurpose !== 'auth+sign') {
    throw new KzpkiApiError(
      'ERR_KEY_FILE_INVALID',
      `The key file holds the ${info.keyPurpose.toUpperCase()} certificate, not the ${purpose.toUpperCase()} one that is needed`,
      { details: { purpose: info.keyPurpose } },
    );
  }
  return {
    privateKey: contents.signingKey,
    certificate: contents.certificate,
    certificatePem: certificateToPem(contents.certificate),
    info,
    chain: contents.chain,
  };
}
