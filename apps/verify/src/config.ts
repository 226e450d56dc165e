/**
 * Configuration of the verification service from the environment (what `src/main.ts` uses).
 *
 * | variable | meaning | default |
 * |---|---|---|
 * | `KZPKI_VERIFY_HOST` / `KZPKI_VERIFY_PORT` | listen address | `127.0.0.1` / `8083` |
 * | `KZPKI_VERIFY_TRUST_ANCHORS` | trusted root certificates: files (PEM bundles or DER) separated by the path delimiter (`:`) | none |
 * | `KZPKI_VERIFY_INTERMEDIATES` | intermediate CA certificates, same form | none |
 * | `KZPKI_DATA_DIR` | also trust the roots (and use the issuing CAs) the reference CA published in `<dir>/ca.sqlite`, when that file exists | `./var` |
 * | `KZPKI_VERIFY_TSA_POLICIES` | accepted TSA policy OIDs, comma-separated | any |
 * | `KZPKI_VERIFY_REVOCATION_TIMEOUT_MS` | time limit of each OCSP/CRL request | `5000` |
 * | `KZPKI_VERIFY_MAX_BODY_BYTES` | largest request body (larger: 413) | 16 MiB |
 * | `KZPKI_TRUSTED_PROXIES` | comma-separated reverse proxies whose `X-Forwarded-For` names the client (addresses, CIDRs, `loopback`), as for the CA | none |
 * | `KZPKI_VERIFY_TRUST_PROXY` | `1`: same as `KZPKI_TRUSTED_PROXIES=loopback` (a proxy on this machine) | off |
 */
import { existsSync } from 'node:fs';
import { delimiter, join, resolve } from 'node:path';
import { compileTrustedProxies } from '@kzpki/server-kit';
import { VerifyError } from './errors.js';
import type { VerifyServerOptions } from './server.js';
import { readCertificateFile, storeCaCertificates } from './trust.js';

/**
 * Reads the configuration and loads the trust anchors.
 * @throws {VerifyError} `ERR_CONFIG` for invalid values, unreadable files, or no trust anchor at all.
 * @example
 * ```ts
 * const options = await verifyConfigFromEnv({ KZPKI_VERIFY_TRUST_ANCHORS: 'nca_rsa.pem:nca_gost.pem' });
 * ```
 */
export async function verifyConfigFromEnv(
  env: NodeJS.ProcessEnv = process.env,
): Promise<VerifyServerOptions & { host: string; port: number }> {
  const int = (name: string, fallback: number, min: number, max: number): number => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min || n > max) {
      throw new VerifyError('ERR_CONFIG', `${name} must be an integer from ${min} to ${max}, got ${raw}`);
    }
    return n;
  };
  const files = (name: string): Uint8Array[] =>
    (env[name] ?? '')
      .split(delimiter)
      .filter((p) => p.trim() !== '')
      .flatMap((p) => readCertificateFile(p));
  const trustAnchors = files('KZPKI_VERIFY_TRUST_ANCHORS');
  const intermediates = files('KZPKI_VERIFY_INTERMEDIATES');
  const database = join(resolve(env.KZPKI_DATA_DIR || './var'), 'ca.sqlite');
  if (existsSync(database)) {
    const published = await storeCaCertificates(database);
    trustAnchors.push(...published.roots);
    intermediates.push(...published.intermediates);
  }
  if (trustAnchors.length === 0) {
    throw new VerifyError(
      'ERR_CONFIG',
      `No trust anchors: set KZPKI_VERIFY_TRUST_ANCHORS to root certificate files, or KZPKI_DATA_DIR to the reference CA's data directory (no ${database})`,
    );
  }
  const policies = (env.KZPKI_VERIFY_TSA_POLICIES ?? '')
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean);
  for (const p of policies) {
    if (!/^[0-2](\.\d+)+$/.test(p))
      throw new VerifyError('ERR_CONFIG', `Not an OID in KZPKI_VERIFY_TSA_POLICIES: ${p}`);
  }
  return {
    host: env.KZPKI_VERIFY_HOST || '127.0.0.1',
    port: int('KZPKI_VERIFY_PORT', 8083, 0, 65_535),
    trustAnchors,
    intermediates,
    ...(policies.length ? { timestampPolicies: policies } : {}),
    revocationTimeoutMs: int('KZPKI_VERIFY_REVOCATION_TIMEOUT_MS', 5000, 100, 120_000),
    maxBodyBytes: int('KZPKI_VERIFY_MAX_BODY_BYTES', 16 * 1024 * 1024, 1024, 1024 * 1024 * 1024),
    trustedProxies: trustedProxies(env),
  };
}

/** `KZPKI_TRUSTED_PROXIES`, or `loopback` for the older `KZPKI_VERIFY_TRUST_PROXY=1`. */
function trustedProxies(env: NodeJS.ProcessEnv): string[] {
  const list = (env.KZPKI_TRUSTED_PROXIES ?? '')
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean);
  if (list.length === 0 && env.KZPKI_VERIFY_TRUST_PROXY === '1') list.push('loopback');
  try {
    compileTrustedProxies(list);
  } catch (cause) {
    throw new VerifyError('ERR_CONFIG', `KZPKI_TRUSTED_PROXIES: ${(cause as Error).message}`, { cause });
  }
  return list;
}
