/**
 * Reading the files the commands take (certificates as PEM, DER or inside a PKCS #12 key file;
 * CRLs; key files) and writing their results.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { certificateToDer, openPkcs12, PkiError, parseCertificate, parsePem } from '@kzpki/pki';
import { CliError } from '../../errors.js';

/** Reads a whole file; a missing or unreadable file is an input error (exit code 2). */
export function readInputFile(path: string): Uint8Array {
  try {
    return new Uint8Array(readFileSync(path));
  } catch (cause) {
    throw new CliError(
      'ERR_INPUT',
      `cannot read ${path}: ${(cause as NodeJS.ErrnoException).code ?? cause}`,
      {
        cause,
      },
    );
  }
}

/** Writes a file, creating its directory. */
export function writeOutputFile(path: string, data: Uint8Array | string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, data);
}

/**
 * Writes a private key file (a PKCS #12 key store): the file 0600 and a directory this creates
 * 0700, whatever the umask, so that no other user of the machine reads the keys. An existing file
 * is tightened too (a mode is applied only when a file is created). On Windows modes do nothing;
 * the user's profile folders are private there.
 */
export function writeKeyFile(path: string, data: Uint8Array): void {
  const dir = dirname(path);
  if (!existsSync(dir)) mkdirSync(dir, { recursive: true, mode: 0o700 });
  writeFileSync(path, data, { mode: 0o600 });
  if (process.platform !== 'win32') chmodSync(path, 0o600);
}

/** `true` when the bytes look like PEM text. */
export function isPemText(bytes: Uint8Array): boolean {
  const head = new TextDecoder('latin1').decode(bytes.subarray(0, Math.min(bytes.length, 4096)));
  return head.includes('-----BEGIN ');
}

/** `true` for names of PKCS #12 key files. */
export function isKeyFileName(path: string): boolean {
  return /\.(p12|pfx)$/i.test(path);
}

/** A certificate read from a file, with the other certificates found beside it. */
export interface LoadedCertificate {
  /** DER of the (first, or key's) certificate. */
  certificate: Uint8Array;
  /** DER of the other certificates (PEM bundle, key file chain). */
  others: Uint8Array[];
  /** Where it came from. */
  format: 'pem' | 'der' | 'pkcs12';
}

/**
 * Reads a certificate from PEM (the first CERTIFICATE block; the others are kept), DER, or a
 * PKCS #12 key file (with `password`; the key's certificate, the rest of the file as `others`).
 *
 * @throws {CliError} `ERR_USAGE` when a key file is given without a password.
 * @throws {PkiError} `ERR_CERTIFICATE_INVALID`, `ERR_PKCS12_BAD_PASSWORD`, `ERR_PKCS12_INVALID`.
 */
export async function loadCertificate(path: string, password?: string): Promise<LoadedCertificate> {
  const bytes = readInputFile(path);
  if (isPemText(bytes)) {
    const blocks = parsePem(new TextDecoder().decode(bytes)).filter(
      (b) => b.label === 'CERTIFICATE' || b.label === 'X509 CERTIFICATE' || b.label === 'TRUSTED CERTIFICATE',
    );
    const [first, ...rest] = blocks;
    if (!first) throw new PkiError('ERR_CERTIFICATE_INVALID', `${path} holds no PEM CERTIFICATE block`);
    parseCertificate(first.der);
    return { certificate: first.der, others: rest.map((b) => b.der), format: 'pem' };
  }
  if (isKeyFileName(path) || password !== undefined) {
    if (password === undefined) throw new CliError('ERR_USAGE', `${path} is a key file: give its --password`);
    const p12 = await openPkcs12(bytes, password);
    return { certificate: p12.certificate, others: p12.chain, format: 'pkcs12' };
  }
  return { certificate: certificateToDer(bytes), others: [], format: 'der' };
}

/** Reads a CRL or other DER/PEM document: PEM is decoded (first block with `label`), DER is returned as is. */
export function derFromFile(path: string, label: string): Uint8Array {
  const bytes = readInputFile(path);
  if (!isPemText(bytes)) return bytes;
  const block = parsePem(new TextDecoder().decode(bytes)).find((b) => b.label === label);
  if (!block) throw new PkiError('ERR_ENCODING_INVALID', `${path} holds no PEM ${label} block`);
  return block.der;
}
