/**
 * Bounds on the work an untrusted PKCS #12 file can demand. The iteration counts come from the
 * file itself, so without a cap a crafted file could make `openPkcs12` spin for hours.
 */
import { PkiError } from '../errors.js';
import { type Asn1Node, invalid, smallInteger } from './asn1.js';

/** Default cap on any KDF iteration count read from a file (OpenSSL 3 writes 2048). */
export const DEFAULT_MAX_ITERATIONS = 10_000_000;

/** Limits applied while decoding one file. */
export interface DecodeLimits {
  /** Largest accepted PBKDF2 / PKCS#12 KDF iteration count. */
  maxIterations: number;
}

/**
 * Reads an iteration count: `ERR_PKCS12_INVALID` when it is below 1, `ERR_PKCS12_UNSUPPORTED`
 * when it exceeds `limits.maxIterations`.
 */
export function readIterations(node: Asn1Node | undefined, what: string, limits: DecodeLimits): number {
  const n = smallInteger(node, what, limits.maxIterations);
  if (n < 1) throw invalid(`${what} must be at least 1`);
  if (n > limits.maxIterations) {
    throw new PkiError(
      'ERR_PKCS12_UNSUPPORTED',
      `${what} exceeds the limit of ${limits.maxIterations} iterations (raise maxIterations to open this file)`,
    );
  }
  return n;
}
