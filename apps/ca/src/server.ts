/**
 * The CA HTTP server: express 5, routes generated from `openapi/ca.yaml` (every operation of the
 * spec has a handler, requests are validated against the spec before any handler runs), errors as
 * problem+json, the CA initialised (or loaded) from the store on start, and its CRLs signed and
 * published in the store for the status service (`crl/crl-publisher.ts`).
 */
import type { RequestListener } from 'node:http';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  type CaRepository,
  caStorePath,
  createDataDirectory,
  openCaRepository,
  openCaStore,
  parseStoreLocation,
} from '@kzpki/ca-store';
import {
  createOperationDispatcher,
  listen,
  notFoundHandler,
  problemErrorHandler,
  RateLimiter,
  type RunningHttpServer,
} from '@kzpki/server-kit';
import express from 'express';
import { createAuditCheckpoint } from './audit/checkpoints.js';
import { CA_FILE_NAMES } from './ca/hierarchy.js';
import { type InitCaOptions, initCa } from './ca/init-ca.js';
import type { CaMaterial } from './ca/material.js';
import { type CaConfig, type CaConfigOverrides, resolveConfig } from './config.js';
import { type CrlIssuer, CrlPublisher, type CrlScheduleOptions } from './crl/crl-publisher.js';
import { docsSite } from './http/docs-site.js';
import type { CaContext } from './issuance/context.js';
import { sweepExpired } from './issuance/expiry.js';
import { authenticateRequest } from './issuance/sessions.js';
import { loadDemoData } from './providers/demo-data.js';
import { createSimulatedProviders } from './providers/simulated.js';
import type { CaProviders } from './providers/types.js';
import { applicantHandlers } from './routes/applicant-routes.js';
import { cabinetHandlers } from './routes/cabinet-routes.js';
import { devHandlers } from './routes/dev-routes.js';
import { operatorHandlers } from './routes/operator-routes.js';
import { publicHandlers } from './routes/public-routes.js';
import type { CaRouteTable } from './routes/types.js';
import { loadCaSpec } from './spec/ca-spec.js';

/**
 * The CAs whose CRLs the CA signs: the issuing CA and the root of each hierarchy (RSA, GOST), under
 * their URL names; each CRL is signed with its CA's own algorithm.
 */
export function crlIssuers(material: CaMaterial): CrlIssuer[] {
  return [
    { id: CA_FILE_NAMES.issuing, ...material.issuing },
    { id: CA_FILE_NAMES.root, ...material.root },
    { id: CA_FILE_NAMES['gost-issuing'], ...material.gostIssuing },
    { id: CA_FILE_NAMES['gost-root'], ...material.gostRoot },
  ].map(({ id, skiHex, certificate, privateKey }) => ({ id, skiHex, certificate, privateKey }));
}

/** Options of {@link createCaServer}. */
export interface CaServerOptions {
  /** Passphrase of the CA keys at rest. */
  passphrase: string;
  /**
   * Passphrase under which the OCSP responder keys are sealed for the status service
   * (`KZPKI_STATUS_PASSPHRASE`; default the public development value `DEV_STATUS_PASSPHRASE`).
   */
  statusPassphrase?: string;
  /** Data directory (the store is `<dataDir>/ca.sqlite`); ignored when `store` or `database` is given. */
  dataDir?: string;
  /**
   * Where the store is (`KZPKI_DATABASE_URL`): `postgres://...` for several CA processes on one
   * PostgreSQL database, or `sqlite:<path>`. Takes precedence over `dataDir`; ignored when `store`
   * is given.
   */
  database?: string;
  /** A store to use instead (the caller closes it). */
  store?: CaRepository;
  config?: CaConfigOverrides;
  /** External systems (default: simulations seeded from the demo data). */
  providers?: CaProviders;
  /** Demo data file for the default simulations. */
  demoDataPath?: string;
  /** CA initialisation options (e.g. faster `keyAlgorithms` in tests). */
  init?: Partial<Omit<InitCaOptions, 'passphrase' | 'statusPassphrase' | 'statusBaseUrl'>>;
  /** CRL schedule (full daily, delta hourly, and shortly after every revocation by default). */
  crl?: CrlScheduleOptions;
  /** Clock (tests move it forward to expire codes and applications). */
  now?: () => Date;
  /** Check every response against the spec and record violations in `specViolations` (tests). */
  validateResponses?: boolean;
  /** Path of `ca.yaml` (default: the repository's `openapi/ca.yaml`). */
  specPath?: string;
  /** Where unexpected errors are reported (default `console.error`). */
  logError?: (message: string, error: unknown) => void;
  /**
   * Folder of the built documentation site (`pnpm run docs` writes it to `docs/site`), served read-only
   * at `/docs` as soon as it exists (checked per request). Default: the repository's `docs/site`.
   */
  docsDir?: string;
  /**
   * File the simulated SMS gateway also writes every message to (JSON lines, 0600). Default: without
   * dev mode, `<dataDir>/sms-outbox.log` (the one-time codes reach the server's own user there,
   * since no HTTP endpoint shows them); with dev mode, none.
   */
  smsSpool?: string;
  /**
   * File the signed audit checkpoints are also appended to (JSON lines, 0600), outside the
   * database: `kzpki audit verify --anchors` catches checkpoints deleted from the store with it.
   * Default: `<dataDir>/audit-checkpoints.jsonl` when `dataDir` is given; keep a copy elsewhere too.
   */
  auditAnchorFile?: string;
}

/** File name of the audit anchor file in the data directory. */
export const AUDIT_ANCHOR_FILE = 'audit-checkpoints.jsonl';

/** File name of the SMS spool in the data directory (CA without dev mode). */
export const SMS_SPOOL_FILE = 'sms-outbox.log';

/** The repository's built docs site, relative to this module (`apps/ca/dist` or `apps/ca/src`). */
function defaultDocsDir(): string {
  return join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'docs', 'site');
}

/** A CA server, not yet listening. */
export interface CaServer {
  /** The express application (every route: the operations, the docs, the 404). */
  app: express.Express;
  /**
   * The `node:http` listener to serve it with: the spec's operations straight from `node:http`
   * (server-kit's `createOperationDispatcher`, without express's per-request work), anything else
   * through {@link app}.
   */
  requestListener: RequestListener;
  context: CaContext;
  /** The CRL publisher (its first CRLs are published when the server is created). */
  crls: CrlPublisher;
  /** Responses that did not match the spec (only with `validateResponses`). */
  specViolations: string[];
  /** Signs a checkpoint of the audit log now (when it moved since the last one). */
  checkpointAudit(): Promise<void>;
  /** Stops the expiry timer and the CRL schedule, and closes the store if the server opened it. */
  close(): Promise<void>;
}

/**
 * Every operation of `openapi/ca.yaml` and its handler. Typed from the spec: leaving an operation
 * out, adding one the spec does not have, or a handler whose request or result does not match
 * the spec does not compile.
 */
const HANDLERS: CaRouteTable = {
  ...publicHandlers,
  ...applicantHandlers,
  ...cabinetHandlers,
  ...operatorHandlers,
  ...devHandlers,
};

/**
 * Creates the CA server: opens (or uses) the store, initialises the CA on first start, and builds
 * the routes from the spec.
 * @example
 * ```ts
 * const ca = await createCaServer({ passphrase, dataDir: './var' });
 * createServer(ca.requestListener).listen(8080); // node:http
 * ```
 */
export async function createCaServer(opts: CaServerOptions): Promise<CaServer> {
  const now = opts.now ?? (() => new Date());
  const config: CaConfig = resolveConfig(opts.config);
  let ownedStore: CaRepository | undefined;
  let store = opts.store;
  if (!store) {
    const location = opts.database !== undefined ? parseStoreLocation(opts.database) : undefined;
    if (location?.kind === 'postgres') {
      ownedStore = await openCaRepository(location, { now });
    } else {
      const path = location?.path ?? caStorePath(opts.dataDir ?? './var');
      createDataDirectory(dirname(path)); // 0700 when new; the store's files are 0600 either way
      ownedStore = openCaStore(path, {
        now,
        ...(location?.kind === 'sqlite' && location.synchronous ? { synchronous: location.synchronous } : {}),
      });
    }
    store = ownedStore;
  }
  const initStore = store;
  // One process at a time creates or renews the hierarchy (others starting meanwhile then load it).
  const init = await store
    .exclusive(
      'ca-init',
      () =>
        initCa(initStore, {
          ...opts.init,
          passphrase: opts.passphrase,
          ...(opts.statusPassphrase !== undefined ? { statusPassphrase: opts.statusPassphrase } : {}),
          statusBaseUrl: config.statusBaseUrl,
          now,
        }),
      { wait: true },
    )
    .catch(async (e: unknown) => {
      await ownedStore?.close();
      throw e;
    });
  if (!init.acquired) throw new Error('unreachable: a waiting lock is always acquired');
  const { material } = init.value;
  const smsSpool =
    opts.smsSpool ??
    (!config.devMode && opts.dataDir !== undefined ? join(opts.dataDir, SMS_SPOOL_FILE) : undefined);
  const providers =
    opts.providers ??
    createSimulatedProviders(loadDemoData(opts.demoDataPath), {
      testMode: config.testMode,
      now,
      ...(smsSpool !== undefined ? { smsSpool } : {}),
      // Dev mode: the outbox in the store, the same on every CA process (bounded on every write).
      ...(config.devMode ? { devOutboxStore: store } : {}),
    });
  const context: CaContext = {
    store,
    providers,
    material,
    config,
    // With several CA processes (PostgreSQL) the buckets are in the database, so every process counts.
    limiter: new RateLimiter(config.rateLimits, {
      now: () => now().getTime(),
      ...(store.takeRateLimit ? { store: { take: store.takeRateLimit.bind(store) } } : {}),
    }),
    now,
  };
  const specViolations: string[] = [];
  const logError = opts.logError ?? ((m: string, e: unknown) => console.error(m, e));
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  // The client address of rate limits and audit: X-Forwarded-For only from the configured proxies.
  app.set('trust proxy', config.trustedProxies.length > 0 ? config.trustedProxies : false);
  const operations = createOperationDispatcher({
    spec: loadCaSpec(opts.specPath),
    handlers: HANDLERS,
    context,
    // Who is calling, before the body is read or validated (401, never a schema error, for strangers).
    authenticate: (req) => authenticateRequest(context, req),
    // Identification uploads a selfie and document pictures as base64.
    jsonLimit: '8mb',
    // The client address of requests served outside express: the same rule as `trust proxy`.
    trustedProxies: config.trustedProxies,
    onInternalError: (operationId, e) => logError(`[kzpki-ca] ${operationId} failed`, e),
    ...(opts.validateResponses ? { onResponseViolation: (v: string) => specViolations.push(v) } : {}),
  });
  app.use(operations.router);
  const requestListener: RequestListener = (req, res) => {
    if (!operations.dispatch(req, res)) app(req, res);
  };
  // Looked up per request: docs built while the CA runs are served without a restart.
  app.use('/docs', docsSite(opts.docsDir ?? defaultDocsDir()));
  app.use(notFoundHandler());
  app.use(problemErrorHandler({ onInternalError: (e) => logError('[kzpki-ca] request failed', e) }));

  // Signed checkpoints of the audit log (issue 10 #7): periodically, and when the CA stops.
  const anchorFile =
    opts.auditAnchorFile ?? (opts.dataDir !== undefined ? join(opts.dataDir, AUDIT_ANCHOR_FILE) : undefined);
  const checkpoint = async (): Promise<void> => {
    await initStore.exclusive('audit-checkpoint', () =>
      createAuditCheckpoint(initStore, material.issuing, {
        now: now(),
        ...(anchorFile !== undefined ? { anchorFile } : {}),
      }),
    );
  };
  const checkpointTimer =
    config.auditCheckpointIntervalSeconds > 0
      ? setInterval(() => {
          checkpoint().catch((e: unknown) => logError('[kzpki-ca] audit checkpoint failed', e));
        }, config.auditCheckpointIntervalSeconds * 1000)
      : undefined;
  checkpointTimer?.unref();

  const timer =
    config.sweepIntervalSeconds > 0
      ? setInterval(() => {
          sweepExpired(context).catch((e: unknown) => logError('[kzpki-ca] expiry sweep failed', e));
        }, config.sweepIntervalSeconds * 1000)
      : undefined;
  timer?.unref();

  const crls = new CrlPublisher({
    store,
    issuers: crlIssuers(material),
    statusBaseUrl: config.statusBaseUrl,
    now,
    onError: (e, issuerId) => logError(`[kzpki-ca] CRL generation for ${issuerId} failed`, e),
    ...(opts.crl ? { schedule: opts.crl } : {}),
  });
  try {
    await crls.start();
  } catch (e) {
    await crls.stop();
    if (timer) clearInterval(timer);
    if (checkpointTimer) clearInterval(checkpointTimer);
    await ownedStore?.close();
    throw e;
  }

  return {
    app,
    requestListener,
    context,
    crls,
    specViolations,
    checkpointAudit: checkpoint,
    async close() {
      if (timer) clearInterval(timer);
      if (checkpointTimer) clearInterval(checkpointTimer);
      await crls.stop();
      if (config.auditCheckpointIntervalSeconds > 0) {
        await checkpoint().catch((e: unknown) => logError('[kzpki-ca] audit checkpoint failed', e));
      }
      await ownedStore?.close();
    },
  };
}

/** Options of {@link startCa}. */
export interface StartCaOptions extends CaServerOptions {
  /** Listen address (default 127.0.0.1). */
  host?: string;
  /** Port (default 0: an ephemeral port). */
  port?: number;
}

/** A listening CA. */
export interface RunningCa extends CaServer {
  /** Base URL, e.g. `http://127.0.0.1:8080`. */
  url: string;
}

/**
 * Creates the CA server and listens.
 * @example
 * ```ts
 * const ca = await startCa({ passphrase: DEV_CA_PASSPHRASE, dataDir: tmp, port: 0 });
 * await fetch(`${ca.url}/v1/health`);
 * await ca.close();
 * ```
 */
export async function startCa(opts: StartCaOptions): Promise<RunningCa> {
  const server = await createCaServer(opts);
  let http: RunningHttpServer;
  try {
    http = await listen(server.requestListener, { host: opts.host ?? '127.0.0.1', port: opts.port ?? 0 });
  } catch (e) {
    await server.close();
    throw e;
  }
  return {
    ...server,
    url: http.url,
    async close() {
      await http.close();
      await server.close();
    },
  };
}
