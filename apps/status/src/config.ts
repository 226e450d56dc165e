/**
 * Configuration of the status service from the environment (what `src/main.ts` uses).
 *
 * | variable | meaning | default |
 * |---|---|---|
 * | `KZPKI_STATUS_HOST` / `KZPKI_STATUS_PORT` | listen address | `127.0.0.1` / `8081` |
 * | `KZPKI_STATUS_PUBLIC_URL` | base URL the CA writes into certificates | `http://<host>:<port>` |
 * | `KZPKI_STATUS_SOURCE` | `ca` (the reference CA's store) or `offline` (an external CA) | `ca` |
 * | `KZPKI_DATA_DIR` | directory of the CA's `ca.sqlite` (`ca` source) | `./var` |
 * | `KZPKI_DATABASE_URL` | `ca` source: the store instead, `postgres://...` (several status processes; revocations arrive by notification) or `sqlite:<path>` | the SQLite file in `KZPKI_DATA_DIR` |
 * | `KZPKI_STATUS_PASSPHRASE` | passphrase of the OCSP responder and TSA keys (`ca` source; the CA must use the same value) | the public dev value `DEV_STATUS_PASSPHRASE`, with a warning on loopback; refused on a network address |
 * | `KZPKI_INSECURE_PUBLIC_PASSPHRASE` | `1`: accept the public passphrase on a network address (as the CA does) | refused |
 * | `KZPKI_STATUS_CA_CERT` | `offline`: the external CA's certificate (PEM or DER file) | required |
 * | `KZPKI_STATUS_RESPONDER_CERT` / `_KEY` | `offline`: the delegated OCSP responder certificate and PKCS#8 key | no OCSP (`unauthorized`) |
 * | `KZPKI_STATUS_CRL` / `KZPKI_STATUS_DELTA_CRL` | `offline`: the full and delta CRLs the CA signed (PEM or DER files), re-read when they change | no CRLs |
 * | `KZPKI_STATUS_INDEX` | `offline`: OpenSSL `index.txt` of the CA, re-read when it changes | none |
 * | `KZPKI_STATUS_ISSUER_ID` | `offline`: URL name of the CA (`/crl/<id>.crl`) | `ca` |
 * | `KZPKI_STATUS_TRUST_ANCHOR` | `offline`: root certificate for the key check | the CA certificate |
 * | `KZPKI_STATUS_TSA_CERT` / `_KEY` | `offline`: a TSA certificate the CA issued (extKeyUsage id-kp-timeStamping, critical) and its PKCS#8 key, for `POST /tsp` | no TSA (404) |
 * | `KZPKI_STATUS_TSA_POLICY` | `offline`: the TSA's policy OID | `1.2.398.3.3.2.6.2` (NCA, RSA) |
 *
 * The status service never holds a CA key: `KZPKI_CA_PASSPHRASE` is not read, and the former
 * `KZPKI_STATUS_CA_KEY` (a CA key for signing CRLs offline) is refused.
 */
import { readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { DEV_STATUS_PASSPHRASE } from '@kzpki/ca-store';
import { importPkcs8, NCA_TSA_POLICY_OIDS, toDer } from '@kzpki/pki';
import { isLoopbackHost } from '@kzpki/server-kit';
import { StatusError } from './errors.js';
import { CaStoreStatusSource } from './source/ca-store-source.js';
import { MemoryStatusSource } from './source/memory-source.js';
import type { IssuerMaterial, StatusSource } from './source/status-source.js';

/** What `main.ts` needs to start. */
export interface StatusConfig {
  host: string;
  port: number;
  publicUrl: string;
  /** Opens the configured source. */
  openSource(): Promise<StatusSource>;
  /**
   * Offline mode: re-reads the index file and the CRL files when they changed; returns how many
   * certificate changes and new CRLs it applied. `undefined` without such files.
   */
  refresh?: () => Promise<number>;
}

/**
 * Reads the configuration.
 * @throws {StatusError} `ERR_CONFIG` for missing or invalid values.
 */
export function statusConfigFromEnv(
  env: NodeJS.ProcessEnv = process.env,
  warn: (m: string) => void = console.warn,
): StatusConfig {
  const host = env.KZPKI_STATUS_HOST || '127.0.0.1';
  const port = Number(env.KZPKI_STATUS_PORT || 8081);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new StatusError(
      'ERR_CONFIG',
      `KZPKI_STATUS_PORT must be a port number, got ${env.KZPKI_STATUS_PORT}`,
    );
  }
  const publicUrl = (
    env.KZPKI_STATUS_PUBLIC_URL || `http://${host.includes(':') ? `[${host}]` : host}:${port}`
  ).replace(/\/+$/, '');
  if (!/^https?:\/\/\S+$/.test(publicUrl)) {
    throw new StatusError('ERR_CONFIG', `KZPKI_STATUS_PUBLIC_URL must be an http(s) URL, got ${publicUrl}`);
  }
  const mode = env.KZPKI_STATUS_SOURCE || 'ca';
  if (mode === 'ca') {
    const dataDir = resolve(env.KZPKI_DATA_DIR || './var');
    const given = env.KZPKI_STATUS_PASSPHRASE;
    if (!given && !isLoopbackHost(host) && env.KZPKI_INSECURE_PUBLIC_PASSPHRASE !== '1') {
      // The responder keys sealed under a passphrase published in this repository are as good as
      // public: anyone with a copy of the data could sign OCSP answers for this CA.
      throw new StatusError(
        'ERR_CONFIG',
        `KZPKI_STATUS_HOST=${host} is a network address and KZPKI_STATUS_PASSPHRASE is not set: set it (the CA's value), or accept the public development passphrase with KZPKI_INSECURE_PUBLIC_PASSPHRASE=1`,
      );
    }
    if (!given) {
      warn(
        '[kzpki-status] KZPKI_STATUS_PASSPHRASE is not set: the OCSP responder and TSA keys are opened with the public development passphrase. Never do this outside a local test setup.',
      );
    }
    const passphrase: string = given || DEV_STATUS_PASSPHRASE;
    const database = env.KZPKI_DATABASE_URL || undefined;
    return {
      host,
      port,
      publicUrl,
      openSource: () =>
        CaStoreStatusSource.open(database ? { database, passphrase } : { dataDir, passphrase }),
    };
  }
  if (mode === 'offline') return offlineConfig(env, host, port, publicUrl);
  throw new StatusError('ERR_CONFIG', `KZPKI_STATUS_SOURCE must be ca or offline, got ${mode}`);
}

function offlineConfig(env: NodeJS.ProcessEnv, host: string, port: number, publicUrl: string): StatusConfig {
  const file = (name: string, required: boolean): Uint8Array | undefined => {
    const path = env[name];
    if (!path) {
      if (required)
        throw new StatusError('ERR_CONFIG', `${name} is required with KZPKI_STATUS_SOURCE=offline`);
      return undefined;
    }
    try {
      return new Uint8Array(readFileSync(path));
    } catch (cause) {
      throw new StatusError('ERR_CONFIG', `Cannot read ${name} (${path})`, { cause });
    }
  };
  if (env.KZPKI_STATUS_CA_KEY) {
    throw new StatusError(
      'ERR_CONFIG',
      'KZPKI_STATUS_CA_KEY is no longer supported: the status service never holds a CA key. Let the CA sign its CRLs and give them as KZPKI_STATUS_CRL / KZPKI_STATUS_DELTA_CRL, and a delegated OCSP responder as KZPKI_STATUS_RESPONDER_CERT / _KEY',
    );
  }
  const id = env.KZPKI_STATUS_ISSUER_ID || 'ca';
  const caCert = toDer(file('KZPKI_STATUS_CA_CERT', true)!, 'CERTIFICATE');
  const responderCert = file('KZPKI_STATUS_RESPONDER_CERT', false);
  const responderKeyFile = file('KZPKI_STATUS_RESPONDER_KEY', false);
  if (!!responderCert !== !!responderKeyFile) {
    throw new StatusError(
      'ERR_CONFIG',
      'Give both KZPKI_STATUS_RESPONDER_CERT and KZPKI_STATUS_RESPONDER_KEY, or neither',
    );
  }
  const anchor = file('KZPKI_STATUS_TRUST_ANCHOR', false);
  const tsaCert = file('KZPKI_STATUS_TSA_CERT', false);
  const tsaKeyFile = file('KZPKI_STATUS_TSA_KEY', false);
  if (!!tsaCert !== !!tsaKeyFile) {
    throw new StatusError(
      'ERR_CONFIG',
      'Give both KZPKI_STATUS_TSA_CERT and KZPKI_STATUS_TSA_KEY, or neither',
    );
  }
  const tsaPolicy = env.KZPKI_STATUS_TSA_POLICY || NCA_TSA_POLICY_OIDS.rsa;
  if (!/^[0-2](\.\d+)+$/.test(tsaPolicy)) {
    throw new StatusError('ERR_CONFIG', `KZPKI_STATUS_TSA_POLICY must be an OID, got ${tsaPolicy}`);
  }
  const indexPath = env.KZPKI_STATUS_INDEX;
  if (env.KZPKI_STATUS_DELTA_CRL && !env.KZPKI_STATUS_CRL) {
    throw new StatusError(
      'ERR_CONFIG',
      'KZPKI_STATUS_DELTA_CRL needs KZPKI_STATUS_CRL (the full CRL it updates)',
    );
  }
  const crlPaths = [env.KZPKI_STATUS_CRL, env.KZPKI_STATUS_DELTA_CRL].filter((p): p is string => !!p);
  let source: MemoryStatusSource | undefined;
  const mtimes = new Map<string, number>();
  /** `true` (and remembered) when the file changed since it was last read. */
  const changed = (path: string): boolean => {
    const mtime = statSync(path).mtimeMs;
    if (mtimes.get(path) === mtime) return false;
    mtimes.set(path, mtime);
    return true;
  };

  const refresh = async (): Promise<number> => {
    if (!source) return 0;
    let n = 0;
    if (indexPath && changed(indexPath)) n += source.importOpensslIndex(id, readFileSync(indexPath, 'utf8'));
    for (const path of crlPaths) {
      if (!changed(path)) continue;
      try {
        if (await source.publishCrl(id, new Uint8Array(readFileSync(path)))) n++;
      } catch (cause) {
        mtimes.delete(path); // retried on the next refresh
        throw new StatusError('ERR_CONFIG', `Cannot serve the CRL ${path}`, { cause });
      }
    }
    return n;
  };

  return {
    host,
    port,
    publicUrl,
    async openSource() {
      const responderKey = responderKeyFile
        ? await importPkcs8(toDer(responderKeyFile, 'PRIVATE KEY'), undefined, { extractable: false })
        : undefined;
      const issuer: IssuerMaterial = {
        id,
        certificate: caCert,
        crls: crlPaths.length > 0,
        ...(responderCert && responderKey
          ? { ocspSigner: { certificate: toDer(responderCert, 'CERTIFICATE'), privateKey: responderKey } }
          : {}),
      };
      const tsaKey = tsaKeyFile
        ? await importPkcs8(toDer(tsaKeyFile, 'PRIVATE KEY'), undefined, { extractable: false })
        : undefined;
      source = new MemoryStatusSource({
        issuers: [issuer],
        trustAnchors: [anchor ? toDer(anchor, 'CERTIFICATE') : caCert],
        ...(tsaCert && tsaKey
          ? {
              timestampSigners: [
                {
                  certificate: toDer(tsaCert, 'CERTIFICATE'),
                  privateKey: tsaKey,
                  chain: [caCert],
                  policy: tsaPolicy,
                },
              ],
            }
          : {}),
      });
      await refresh();
      return source;
    },
    ...(indexPath || crlPaths.length > 0 ? { refresh } : {}),
  };
}
