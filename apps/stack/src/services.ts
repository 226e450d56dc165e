import { join, resolve } from 'node:path';
import type { CaConfigOverrides, RunningCa } from '@kzpki/ca';
import { inspectCertificate, type KeyAlgorithmName } from '@kzpki/pki';
import { type PortReservation, reservePort } from '@kzpki/server-kit';

/** Options of {@link startServices}. */
export interface ServicesOptions {
  /** Directory of the CA database (`ca.sqlite`). */
  dataDir: string;
  /**
   * The store instead of `<dataDir>/ca.sqlite` (`kzpki start --database`, `KZPKI_DATABASE_URL`):
   * `postgres://...` (where more CA and status processes may join, see docs/guides/scale-out.md)
   * or `sqlite:<path>`.
   */
  database?: string;
  /** Passphrase of the CA keys at rest (default: the public development passphrase). */
  passphrase?: string;
  /**
   * Passphrase of the OCSP responder and TSA keys, the status service's only secret
   * (`KZPKI_STATUS_PASSPHRASE`; default: the public development status passphrase).
   */
  statusPassphrase?: string;
  /** Listen address of both services (default 127.0.0.1). */
  host?: string;
  /** CA API port (default 8080; 0 = any free port). */
  caPort?: number;
  /** Status service port (default 8081; 0 = any free port). */
  statusPort?: number;
  /** Browser portal port (default 8082; 0 = any free port; `false` = no portal). */
  portalPort?: number | false;
  /**
   * Verification service port (default 8083; 0 = any free port; `false` = no verification
   * service). It trusts the CA's RSA and GOST roots (and any `verifyTrustAnchors`).
   */
  verifyPort?: number | false;
  /** More trust anchors of the verification service (DER; e.g. the NCA's roots). */
  verifyTrustAnchors?: Uint8Array[];
  /** Status URL written into certificates (default: `http://<host>:<statusPort>`). */
  statusPublicUrl?: string;
  /** Dev endpoints: SMS outbox, phone registration (default true). */
  devMode?: boolean;
  /** NCA test identifiers and backdated validity (default true: this is a tester's CA). */
  testMode?: boolean;
  /**
   * Reverse proxies whose `X-Forwarded-For` the CA and the status service believe for the client
   * address of rate limits (addresses, CIDRs, `loopback`). Default: `loopback` when the portal runs
   * here (it proxies from this host and overwrites the header with its caller's address), else none.
   */
  trustedProxies?: string[];
  /** Key algorithm of new root and issuing CA keys (default RSA-4096, as the NCA's). */
  caKeyAlgorithm?: KeyAlgorithmName;
  /** Further CA settings (tests relax rate limits and PIN hashing). */
  caConfig?: CaConfigOverrides;
  /** Where unexpected server errors are reported. */
  logError?: (message: string, error: unknown) => void;
}

/** The running services. */
export interface RunningServices {
  caUrl: string;
  statusUrl: string;
  /** The browser portal (wizard, status and key checks, cabinet), when started. */
  portalUrl?: string;
  /** The verification service (`openapi/verify.yaml`), when started. */
  verifyUrl?: string;
  /** Absolute data directory. */
  dataDir: string;
  /** Where the store is, for people (a URL's password hidden). */
  store: string;
  ca: RunningCa;
  /** Without dev mode: the file the simulated SMS gateway writes one-time codes to (0600). */
  smsSpool?: string;
  /** Things worth telling the user at start (dev passphrase, a CA made for another status URL). */
  warnings: string[];
  /** Stops the status service, then the CA (which closes the store). */
  close(): Promise<void>;
}

/** A free TCP port on `host` (the OS picks it; a tiny race with other processes remains). */
export async function freePort(host: string): Promise<number> {
  const reservation = await reservePort(host);
  await reservation.release();
  return reservation.port;
}

function hostInUrl(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}

/**
 * Starts the CA (initialising it on first start) and the status service over the same store.
 *
 * @example
 * ```ts
 * const services = await startServices({ dataDir: './var' });
 * console.log(services.caUrl, services.statusUrl);
 * await services.close();
 * ```
 */
export async function startServices(options: ServicesOptions): Promise<RunningServices> {
  // Loaded here, not at import: the other commands need neither express nor SQLite.
  const {
    caStorePath,
    createDataDirectory,
    DEV_CA_PASSPHRASE,
    DEV_STATUS_PASSPHRASE,
    describeStoreLocation,
    parseStoreLocation,
    SMS_SPOOL_FILE,
    startCa,
  } = await import('@kzpki/ca');
  const { CaStoreStatusSource, startStatus } = await import('@kzpki/status');
  const host = options.host ?? '127.0.0.1';
  const dataDir = resolve(options.dataDir);
  const passphrase = options.passphrase ?? DEV_CA_PASSPHRASE;
  const warnings: string[] = [];
  // `--database` wins over the data directory; a SQLite store in its own place keeps 0700/0600 too.
  const location = parseStoreLocation(options.database ?? `sqlite:${caStorePath(dataDir)}`);
  if (location.kind === 'sqlite') {
    const directory = createDataDirectory(
      location.path === caStorePath(dataDir) ? dataDir : resolve(location.path, '..'),
    );
    if (directory.warning) warnings.push(directory.warning);
  }
  const database = location.kind === 'postgres' ? location.url : `sqlite:${location.path}`;
  if (passphrase === DEV_CA_PASSPHRASE) {
    warnings.push(
      'KZPKI_CA_PASSPHRASE is not set: the CA keys are encrypted with the public development passphrase (fine for a local test CA only).',
    );
  }
  const statusPassphrase = options.statusPassphrase ?? DEV_STATUS_PASSPHRASE;
  if (statusPassphrase === DEV_STATUS_PASSPHRASE) {
    warnings.push(
      'KZPKI_STATUS_PASSPHRASE is not set: the OCSP responder and TSA keys are sealed with the public development status passphrase (fine for a local test CA only).',
    );
  }
  let statusPort = options.statusPort ?? 8081;
  // An ephemeral status port stays reserved until the status service listens on it.
  let reservation: PortReservation | undefined;
  if (statusPort === 0 && options.statusPublicUrl === undefined) {
    reservation = await reservePort(host);
    statusPort = reservation.port;
  }
  const statusBaseUrl = (options.statusPublicUrl ?? `http://${hostInUrl(host)}:${statusPort}`).replace(
    /\/+$/,
    '',
  );
  const algorithm = options.caKeyAlgorithm ?? 'RSA-4096';
  const trustedProxies = options.trustedProxies ?? (options.portalPort !== false ? ['loopback'] : []);
  const ca = await startCa({
    passphrase,
    statusPassphrase,
    dataDir,
    database,
    host,
    port: options.caPort ?? 8080,
    config: {
      devMode: options.devMode ?? true,
      testMode: options.testMode ?? true,
      trustedProxies,
      ...options.caConfig,
      statusBaseUrl,
    },
    init: { keyAlgorithms: { root: algorithm, issuing: algorithm } },
    ...(options.logError ? { logError: options.logError } : {}),
  }).catch(async (e: unknown) => {
    await reservation?.release();
    throw e;
  });
  const rootCrl = inspectCertificate(ca.context.material.issuing.certificate).crlUrls[0];
  if (rootCrl !== undefined && !rootCrl.startsWith(`${statusBaseUrl}/`)) {
    warnings.push(
      `The CA in ${describeStoreLocation(database)} was created for another status URL (${rootCrl}); its CA certificates keep pointing there.`,
    );
  }
  let status: { close(): Promise<void> };
  try {
    const source = await CaStoreStatusSource.open({ database, passphrase: statusPassphrase });
    await reservation?.release();
    status = await startStatus({ source, host, port: statusPort, closeSource: true, trustedProxies });
  } catch (e) {
    await reservation?.release();
    await ca.close();
    throw e;
  }
  let verify: { url: string; close(): Promise<void> } | undefined;
  if (options.verifyPort !== false) {
    try {
      const { startVerify } = await import('@kzpki/verify');
      verify = await startVerify({
        // Both hierarchies: RSA (individuals) and GOST-2015 (legal entities, the GOST TSA).
        trustAnchors: [
          ca.context.material.root.certificate,
          ca.context.material.gostRoot.certificate,
          ...(options.verifyTrustAnchors ?? []),
        ],
        intermediates: [ca.context.material.issuing.certificate, ca.context.material.gostIssuing.certificate],
        host,
        port: options.verifyPort ?? 8083,
        ...(options.logError ? { logError: options.logError } : {}),
      });
    } catch (e) {
      await status.close();
      await ca.close();
      throw e;
    }
  }
  let portal: { url: string; close(): Promise<void> } | undefined;
  if (options.portalPort !== false) {
    try {
      const { startPortal } = await import('@kzpki/portal');
      // The portal proxies /v1 to the CA and /status to the status service (same origin for the SPA).
      portal = await startPortal({
        caUrl: ca.url,
        statusUrl: statusBaseUrl,
        host,
        port: options.portalPort ?? 8082,
      });
    } catch (e) {
      await verify?.close();
      await status.close();
      await ca.close();
      throw e;
    }
  }
  return {
    caUrl: ca.url,
    statusUrl: statusBaseUrl,
    ...(portal ? { portalUrl: portal.url } : {}),
    ...(verify ? { verifyUrl: verify.url } : {}),
    dataDir,
    store: describeStoreLocation(database),
    ca,
    ...(ca.context.config.devMode ? {} : { smsSpool: join(dataDir, SMS_SPOOL_FILE) }),
    warnings,
    async close() {
      await portal?.close();
      await verify?.close();
      await status.close();
      await ca.close();
    },
  };
}
