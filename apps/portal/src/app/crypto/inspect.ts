/**
 * The "check EDS key" page's local part: a certificate file (PEM or DER) or a key file (PKCS#12
 * with its password) read in the browser, the certificate described by `inspectCertificate`, and
 * for key files a proof that the private key belongs to the certificate (a signature over random
 * bytes verified with the certificate's public key).
 */
import type { CertificateInfo, SigningKey } from '@kzpki/pki';
import { PortalError } from '../errors.js';
import { openKeyFile } from './key-files.js';
import { loadPki } from './pki.js';

/** What was read. */
export interface InspectedFile {
  kind: 'certificate' | 'key-file';
  certificatePem: string;
  info: CertificateInfo;
  /** NCA key-file name of the certificate. */
  fileName: string;
  /** Key files: the private key signs what the certificate's public key verifies. */
  keyMatches?: boolean;
}

/** `true` when the private key and the certificate's public key are a pair. */
async function keyPairs(privateKey: SigningKey, certificatePem: string): Promise<boolean> {
  const pki = await loadPki();
  const cert = pki.parseCertificate(certificatePem);
  const spki = new Uint8Array(cert.subjectPublicKeyInfo.toSchema().toBER(false));
  if (privateKey instanceof pki.GostPrivateKey) {
    const data = pki.randomBytes(32);
    return pki.verifyGost(privateKey.signatureAlgorithm, spki, data, privateKey.sign(data));
  }
  if (!(privateKey instanceof CryptoKey)) return false;
  const scheme = pki.signatureSchemeFor(privateKey);
  const publicKey = await pki.importSpki(spki, scheme.hash);
  const data = pki.randomBytes(32);
  const subtle = globalThis.crypto.subtle;
  const signature = await subtle.sign(scheme.params, privateKey, data as BufferSource);
  return subtle.verify(scheme.params, publicKey, signature, data as BufferSource);
}

/**
 * Reads a certificate, or a key file when `password` is given or the bytes are not a certificate.
 * @throws {PortalError} `ERR_CERTIFICATE_FILE`, `ERR_KEY_FILE`, `ERR_KEY_FILE_PASSWORD`.
 */
export async function inspectFile(bytes: Uint8Array, password: string): Promise<InspectedFile> {
  const pki = await loadPki();
  let pem: string | undefined;
  try {
    const text = new TextDecoder('utf-8', { fatal: false }).decode(bytes);
    pem = pki.certificateToPem(text.includes('-----BEGIN CERTIFICATE-----') ? text : bytes);
  } catch {
    pem = undefined;
  }
  if (pem) {
    return {
      kind: 'certificate',
      certificatePem: pem,
      info: pki.inspectCertificate(pem),
      fileName: pki.ncaKeyFileName(pem),
    };
  }
  if (password === '')
    throw new PortalError('ERR_CERTIFICATE_FILE', 'Not a certificate; a key file needs its password');
  const key = await openKeyFile(bytes, password);
  return {
    kind: 'key-file',
    certificatePem: key.certificatePem,
    info: pki.inspectCertificate(key.certificatePem),
    fileName: key.fileName,
    keyMatches: await keyPairs(key.privateKey, key.certificatePem),
  };
}
