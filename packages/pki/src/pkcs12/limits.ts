/**
 * Bounds on the work an untrusted PKCS #12 file can demand. The iteration counts come from the
 * file itself, so without a cap a crafted file could make `openPkcs12` spin for seconds or hours
 * (10,000,000 iterations of the PKCS #12 KDF take about 17 s here).
 *
 * The caps are per KDF, because the two cost very different amounts per iteration, and are set
 * just above what real writers use:
 *
 * | KDF | cap | what real files use |
 * | --- | --- | --- |
 * | PKCS #12 KDF (RFC 7292 App. B: legacy PBE, classic MacData) | 100,000 | NCA key files 1,024–2,048; OpenSSL 2,048; Windows 2,000; Java 10,000 (JDK 12+) and up to 100,000 (JDK 8 MacData) |
 * | PBKDF2 (PBES2, PBMAC1) | 1,000,000 | OpenSSL 3 2,048; Java 10,000; the most careful writers follow OWASP's 600,000 for PBKDF2-HMAC-SHA256 |
 *
 * The PKCS #12 KDF runs in JavaScript here (3–4 µs per iteration), PBKDF2 natively through
 * WebCrypto (under 1 µs), so either cap costs well under a second. A file also gets a total budget
 * of six times each cap, summed over every derivation it asks for (the MAC, each encrypted bag,
 * key and IV of the legacy PBE: a legacy file at the cap needs five), so that many bags cannot
 * multiply the work.
 */
import { PkiError } from '../errors.js';
import { type Asn1Node, invalid, smallInteger } from './asn1.js';

/** The two password-based KDFs a PKCS #12 file can ask for. */
export type Pkcs12KdfKind = 'pkcs12-kdf' | 'pbkdf2';

/** Default cap on one PKCS #12 KDF iteration count (RFC 7292 App. B; see the table above). */
export const DEFAULT_MAX_PKCS12_KDF_ITERATIONS = 100_000;

/** Default cap on one PBKDF2 iteration count (PBES2, PBMAC1; see the table above). */
export const DEFAULT_MAX_PBKDF2_ITERATIONS = 1_000_000;

/**
 * The largest iteration count `createPkcs12` writes and `openPkcs12` opens by default for any
 * KDF (the PKCS #12 KDF's cap, the lower of the two).
 */
export const DEFAULT_MAX_ITERATIONS = DEFAULT_MAX_PKCS12_KDF_ITERATIONS;

/** How many times each cap a whole file may spend. */
export const FILE_BUDGET_FACTOR = 6;

/** What real files use, quoted in the error so that the refusal explains itself. */
const REAL_FILES: Record<Pkcs12KdfKind, string> = {
  'pkcs12-kdf': 'NCA key files use 1024-2048, OpenSSL 2048, Java 10000-100000',
  pbkdf2: 'OpenSSL 3 uses 2048, Java 10000, OWASP advises 600000',
};

/** Limits applied while decoding one file; `spent` counts the work asked for so far. */
export interface DecodeLimits {
  /** Largest accepted iteration count of each KDF. */
  maxIterations: Record<Pkcs12KdfKind, number>;
  /** Iterations charged so far, per KDF (against `FILE_BUDGET_FACTOR` × the cap). */
  spent: Record<Pkcs12KdfKind, number>;
}

/**
 * The limits of one `openPkcs12` call.
 * @param override a single cap for both KDFs (the `maxIterations` option); absent: the defaults.
 * @example
 * ```ts
 * decodeLimits().maxIterations.pbkdf2; // 1000000
 * decodeLimits(5000).maxIterations['pkcs12-kdf']; // 5000
 * ```
 */
export function decodeLimits(
  override?: number,
  perKdf: Partial<Record<Pkcs12KdfKind, number>> = {},
): DecodeLimits {
  return {
    maxIterations: {
      'pkcs12-kdf': perKdf['pkcs12-kdf'] ?? override ?? DEFAULT_MAX_PKCS12_KDF_ITERATIONS,
      pbkdf2: perKdf.pbkdf2 ?? override ?? DEFAULT_MAX_PBKDF2_ITERATIONS,
    },
    spent: { 'pkcs12-kdf': 0, pbkdf2: 0 },
  };
}

/**
 * Reads an iteration count of `kdf` and charges `derivations` runs of it to the file's budget:
 * `ERR_PKCS12_INVALID` when it is below 1, `ERR_PKCS12_UNSUPPORTED` when it exceeds the cap or the
 * budget (the message says what real files use).
 */
export function readIterations(
  node: Asn1Node | undefined,
  what: string,
  limits: DecodeLimits,
  kdf: Pkcs12KdfKind,
  derivations = 1,
): number {
  const max = limits.maxIterations[kdf];
  const n = smallInteger(node, what, Number.MAX_SAFE_INTEGER);
  if (n < 1) throw invalid(`${what} must be at least 1`);
  if (n > max) {
    throw new PkiError(
      'ERR_PKCS12_UNSUPPORTED',
      `${what} asks for ${Number.isFinite(n) ? n : 'more than 2^53'} iterations of ${kdf === 'pbkdf2' ? 'PBKDF2' : 'the PKCS#12 KDF'}, more than the limit of ${max} (${REAL_FILES[kdf]}); raise maxIterations to open this file`,
      { details: { kdf, iterations: Number.isFinite(n) ? n : null, limit: max } },
    );
  }
  chargeIterations(limits, kdf, n, derivations);
  return n;
}

/**
 * Charges `derivations` runs of `iterations` iterations of `kdf` to the file's budget, before
 * they run.
 * @throws {PkiError} `ERR_PKCS12_UNSUPPORTED` when the file would exceed the budget.
 */
export function chargeIterations(
  limits: DecodeLimits,
  kdf: Pkcs12KdfKind,
  iterations: number,
  derivations = 1,
): void {
  const budget = FILE_BUDGET_FACTOR * limits.maxIterations[kdf];
  const spent = limits.spent[kdf] + iterations * derivations;
  if (spent > budget) {
    throw new PkiError(
      'ERR_PKCS12_UNSUPPORTED',
      `The file asks for more than ${budget} iterations of ${kdf === 'pbkdf2' ? 'PBKDF2' : 'the PKCS#12 KDF'} in total (${REAL_FILES[kdf]} per derivation, a few derivations per file); raise maxIterations to open it`,
      { details: { kdf, budget } },
    );
  }
  limits.spent[kdf] = spent;
}
