/**
 * Trust anchors of the verification service: CA certificates from files (PEM bundles or DER, e.g.
 * the NCA's RSA and GOST roots) and the root CAs the reference CA published in its store (the
 * `issuers` table of `@kzpki/ca-store`, read-only; only public certificates are read).
 */
import { readFileSync } from 'node:fs';
import { openStatusStore } from '@kzpki/ca-store';
import { inspectCertificate, parsePem } from '@kzpki/pki';
import { VerifyError } from './errors.js';

/**
 * The certificates of one file: every `CERTIFICATE` block of a PEM file, or the file as DER.
 * @throws {VerifyError} `ERR_CONFIG` when the file cannot be read or holds no valid certificate.
 * @example
 * ```ts
 * const anchors = readCertificateFile('/etc/kzpki/nca_gost2022.pem');
 * ```
 */
export function readCertificateFile(path: string): Uint8Array[] {
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(readFileSync(path));
  } catch (cause) {
    throw new VerifyError('ERR_CONFIG', `Cannot read the trust anchor file ${path}`, { cause });
  }
  const text = new TextDecoder().decode(bytes);
  const ders = text.includes('-----BEGIN')
    ? parsePem(text)
        .filter((b) => b.label === 'CERTIFICATE')
        .map((b) => b.der)
    : [bytes];
  if (ders.length === 0) throw new VerifyError('ERR_CONFIG', `No certificate in ${path}`);
  for (const der of ders) {
    try {
      inspectCertificate(der);
    } catch (cause) {
      throw new VerifyError('ERR_CONFIG', `${path} holds something that is not a certificate`, { cause });
    }
  }
  return ders;
}

/**
 * The CA certificates the reference CA published in its store (`ca.sqlite`): its roots (trust
 * anchors) and issuing CAs (intermediates, for certificates inspected without their chain).
 * @throws {VerifyError} `ERR_CONFIG` when the store cannot be opened.
 * @example
 * ```ts
 * const { roots, intermediates } = await storeCaCertificates('./var/ca.sqlite');
 * ```
 */
export async function storeCaCertificates(
  databasePath: string,
): Promise<{ roots: Uint8Array[]; intermediates: Uint8Array[] }> {
  let store: ReturnType<typeof openStatusStore>;
  try {
    store = openStatusStore(databasePath);
  } catch (cause) {
    throw new VerifyError('ERR_CONFIG', `Cannot open the CA store ${databasePath}`, { cause });
  }
  try {
    const issuers = await store.listIssuers();
    return {
      roots: issuers.filter((i) => i.role === 'root').map((i) => i.certificate),
      intermediates: issuers.filter((i) => i.role !== 'root').map((i) => i.certificate),
    };
  } finally {
    await store.close();
  }
}
