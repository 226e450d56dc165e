/**
 * An implementation of GOST R 34.10-2012 that nobody here wrote, for cross-checking our GOST
 * signatures in tests: `@wavesenterprise/crypto-gost-js`, which works in the KZ byte order
 * (little-endian x || y keys, r || s signatures as the NCA writes them).
 */
import { createRequire } from 'node:module';

/** Verifies one GOST signature: `publicKey` is x || y (little-endian), `data` the signed bytes. */
export interface IndependentGostVerifier {
  verify(publicKey: Uint8Array, signature: Uint8Array, data: Uint8Array): boolean;
}

let gost512: IndependentGostVerifier | undefined;

/**
 * GOST R 34.10-2012 512-bit on tc26-512-paramSetA with Streebog-512 (the NCA's GOST-2015), from
 * crypto-gost-js; loaded on first use.
 * @example
 * ```ts
 * independentGost512().verify(issuerKeyXY, cert.signatureValue, cert.tbs); // true
 * ```
 */
export function independentGost512(): IndependentGostVerifier {
  if (!gost512) {
    const lib = createRequire(import.meta.url)('@wavesenterprise/crypto-gost-js') as {
      GostEngine: { getGostSign(alg: object): IndependentGostVerifier };
    };
    gost512 = lib.GostEngine.getGostSign({
      name: 'GOST R 34.10',
      version: 2012,
      mode: 'SIGN',
      length: 512,
      namedCurve: 'T-512-A',
      hash: { name: 'GOST R 34.11', version: 2012, length: 512 },
    });
  }
  return gost512;
}
