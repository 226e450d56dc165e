/**
 * Configuration of the status service from the environment (what `src/main.ts` and `kzpki start`
 * use).
 *
 * | variable | meaning | default |
 * |---|---|---|
 * | `KZPKI_STATUS_HOST` / `KZPKI_STATUS_PORT` | listen address | `127.0.0.1` / `8081` |
 * | `KZPKI_STATUS_PUBLIC_URL` | base URL the CA writes into certificates | `http://<host>:<port>` |
 * | `KZPKI_STATUS_SOURCE` | `ca` (the reference CA's store) or `offline` (an external CA) | `ca` |
 * | `KZPKI_DATA_DIR` | directory of the CA's `ca.sqlite` (`ca` source) | `./var` |
 * | `KZPKI_CA_PASSPHRASE` | passphrase of the CA keys at rest (`ca` source) | the CA's public dev passphrase, with a warning |
 * | `KZPKI_STATUS_CA_CERT` | `offline`: the external CA's certificate (PEM or DER file) | required |
 * | `KZPKI_STATUS_CA_KEY` | `offline`: its PKCS#8 key (PEM or DER file) for signing CRLs | no CRLs |
 * | `KZPKI_STATUS_RESPONDER_CERT` / `_KEY` | `offline`: the delegated OCSP responder certificate and PKCS#8 key | the CA key signs |
 * | `KZPKI_STATUS_INDEX` | `offline`: OpenSSL `index.txt` of the CA, re-read when it changes | none |
 * | `KZPKI_STATUS_ISSUER_ID` | `offline`: URL name of the CA (`/crl/<id>.crl`) | `ca` |
 * | `KZPKI_STATUS_TRUST_ANCHOR` | `offline`: root certificate for the key check | the CA certificate |
 */
import { readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { DEV_CA_PASSPHRASE } from '@kzpki/ca';
import { importPkcs8, toDer } from '@kzpki/pki';
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
  /** Offline mode: re-reads the index file when it changed; `undefined` otherwise. */
  refreshIndex?: () => number;
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
    const given = env.KZPKI_CA_PASSPHRASE;
    if (!given) {
      warn(
        '[kzpki-status] KZPKI_CA_PASSPHRASE is not set: using the public development passphrase. Never do this outside a local test setup.',
      );
    }
    const passphrase: string = given || DEV_CA_PASSPHRASE;
    return { host, port, publicUrl, openSource: () => CaStoreStatusSource.open({ dataDir, passphrase }) };
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
  const id = env.KZPKI_STATUS_ISSUER_ID || 'ca';
  const caCert = toDer(file('KZPKI_STATUS_CA_CERT', true)!, 'CERTIFICATE');
  const caKeyFile = file('KZPKI_STATUS_CA_KEY', false);
  const responderCert = file('KZPKI_STATUS_RESPONDER_CERT', false);
  const responderKeyFile = file('KZPKI_STATUS_RESPONDER_KEY', false);
  if (!!responderCert !== !!responderKeyFile) {
    throw new StatusError(
      'ERR_CONFIG',
      'Give both KZPKI_STATUS_RESPONDER_CERT and KZPKI_STATUS_RESPONDER_KEY, or neither',
    );
  }
  const anchor = file('KZPKI_STATUS_TRUST_ANCHOR', false);
  const indexPath = env.KZPKI_STATUS_INDEX;
  let source: MemoryStatusSource | undefined;
  let indexMtime = -1;

  const refreshIndex = (): number => {
    if (!source || !indexPath) return 0;
    const mtime = statSync(indexPath).mtimeMs;
    if (mtime === indexMtime) return 0;
    indexMtime = mtime;
    return source.importOpensslIndex(id, readFileSync(indexPath, 'utf8'));
  };

  return {
    host,
    port,
    publicUrl,
    async openSource() {
      const caKey = caKeyFile
        ? await importPkcs8(toDer(caKeyFile, 'PRIVATE KEY'), undefined, { extractable: false })
        : undefined;
      const responderKey = responderKeyFile
        ? await importPkcs8(toDer(responderKeyFile, 'PRIVATE KEY'), undefined, { extractable: false })
        : undefined;
      const signer =
        responderCert && responderKey
          ? { certificate: toDer(responderCert, 'CERTIFICATE'), privateKey: responderKey }
          : caKey
            ? { certificate: caCert, privateKey: caKey }
            : undefined;
      const issuer: IssuerMaterial = {
        id,
        certificate: caCert,
        ...(caKey ? { crlSigner: caKey } : {}),
        ...(signer ? { ocspSigner: signer } : {}),
      };
      source = new MemoryStatusSource({
        issuers: [issuer],
        trustAnchors: [anchor ? toDer(anchor, 'CERTIFICATE') : caCert],
      });
      refreshIndex();
      return source;
    },
    ...(indexPath ? { refreshIndex } : {}),
  };
}
