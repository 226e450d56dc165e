/**
 * The CA HTTP server: express 5, routes generated from `openapi/ca.yaml` (every operation of the
 * spec has a handler, requests are validated against the spec before any handler runs), errors as
 * problem+json, the CA initialised (or loaded) from the store on start, and its CRLs signed and
 * published in the store for the status service (`crl/crl-publisher.ts`).
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type CaRepository, caStorePath, openCaStore } from '@kzpki/ca-store';
import express from 'express';
import { CA_FILE_NAMES } from './ca/hierarchy.js';
import { type InitCaOptions, initCa } from './ca/init-ca.js';
import type { CaMaterial } from './ca/material.js';
import { type CaConfig, type CaConfigOverrides, resolveConfig } from './config.js';
import { type CrlIssuer, CrlPublisher, type CrlScheduleOptions } from './crl/crl-publisher.js';
import { CaError } from './errors.js';
import { docsSite } from './http/docs-site.js';
import type { ApiResponse } from './http/idempotency.js';
import { PROBLEM_JSON, problemOf, toCaError } from './http/problem.js';
import { RateLimiter } from './http/rate-limiter.js';
import { bearerToken, hasBody } from './http/request.js';
import type { CaContext } from './issuance/context.js';
import { sweepExpired } from './issuance/expiry.js';
import { loadDemoData } from './providers/demo-data.js';
import { createSimulatedProviders } from './providers/simulated.js';
import type { CaProviders } from './providers/types.js';
import { applicantHandlers } from './routes/applicant-routes.js';
import { cabinetHandlers } from './routes/cabinet-routes.js';
import { devHandlers } from './routes/dev-routes.js';
import { operatorHandlers } from './routes/operator-routes.js';
import { publicHandlers } from './routes/public-routes.js';
import type { OperationHandlers } from './routes/types.js';
import { loadSpec } from './spec/load-spec.js';
import { SpecValidator } from './spec/validator.js';

/** The CAs whose CRLs the CA signs: the issuing CA and the root, under their URL names. */
export function crlIssuers(material: CaMaterial): CrlIssuer[] {
  return [
    { id: CA_FILE_NAMES.issuing, ...material.issuing },
    { id: CA_FILE_NAMES.root, ...material.root },
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
  /** Data directory (the store is `<dataDir>/ca.sqlite`); ignored when `store` is given. */
  dataDir?: string;
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
}

/** The repository's built docs site, relative to this module (`apps/ca/dist` or `apps/ca/src`). */
function defaultDocsDir(): string {
  return join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'docs', 'site');
}

/** A CA server, not yet listening. */
export interface CaServer {
  /** The express application. */
  app: express.Express;
  context: CaContext;
  /** The CRL publisher (its first CRLs are published when the server is created). */
  crls: CrlPublisher;
  /** Responses that did not match the spec (only with `validateResponses`). */
  specViolations: string[];
  /** Stops the expiry timer and the CRL schedule, and closes the store if the server opened it. */
  close(): Promise<void>;
}

const HANDLERS: OperationHandlers = {
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
 * ca.app.listen(8080);
 * ```
 */
export async function createCaServer(opts: CaServerOptions): Promise<CaServer> {
  const now = opts.now ?? (() => new Date());
  const config: CaConfig = resolveConfig(opts.config);
  let ownedStore: CaRepository | undefined;
  let store = opts.store;
  if (!store) {
    const dir = opts.dataDir ?? './var';
    mkdirSync(dir, { recursive: true });
    ownedStore = openCaStore(caStorePath(dir), { now });
    store = ownedStore;
  }
  const { material } = await initCa(store, {
    ...opts.init,
    passphrase: opts.passphrase,
    ...(opts.statusPassphrase !== undefined ? { statusPassphrase: opts.statusPassphrase } : {}),
    statusBaseUrl: config.statusBaseUrl,
    now,
  });
  const otpKey = new Uint8Array(
    Buffer.from(await store.initSetting('otp-hmac-key', randomBytes(32).toString('base64')), 'base64'),
  );
  const providers =
    opts.providers ??
    createSimulatedProviders(loadDemoData(opts.demoDataPath), { testMode: config.testMode, now });
  const context: CaContext = {
    store,
    providers,
    material,
    config,
    otpKey,
    limiter: new RateLimiter(config.rateLimits, () => now().getTime()),
    now,
  };
  const validator = new SpecValidator(loadSpec(opts.specPath));
  const specViolations: string[] = [];
  const logError = opts.logError ?? ((m: string, e: unknown) => console.error(m, e));
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  app.use(express.json({ limit: '8mb', type: ['application/json', 'application/*+json'] }));

  const send = (
    res: express.Response,
    operationId: string,
    r: ApiResponse,
    type = 'application/json',
  ): void => {
    res.setHeader('Cache-Control', 'no-store');
    for (const [k, v] of Object.entries(r.headers ?? {})) res.setHeader(k, v);
    if (opts.validateResponses) {
      for (const v of validator.validateResponse(operationId, r.status, type, r.body)) {
        specViolations.push(`${operationId} ${r.status}: ${v}`);
      }
    }
    if (r.body === undefined) res.status(r.status).end();
    else res.status(r.status).type(type).send(JSON.stringify(r.body));
  };
  const fail = (res: express.Response, operationId: string, e: unknown): void => {
    const err = toCaError(e);
    if (err.code === 'ERR_INTERNAL') logError(`[kzpki-ca] ${operationId} failed`, err.cause ?? err);
    const headers: Record<string, string> = {};
    if (err.details.retryAfter !== undefined) headers['Retry-After'] = String(err.details.retryAfter);
    send(res, operationId, { status: err.status, body: problemOf(err), headers }, PROBLEM_JSON);
  };

  for (const op of validator.operations()) {
    const handler = HANDLERS[op.operationId];
    if (!handler) throw new CaError('ERR_INTERNAL', `No handler for operation ${op.operationId}`);
    app[op.method](op.expressPath, async (req, res) => {
      try {
        const body = hasBody(req.headers) ? req.body : undefined;
        const violations = validator.validateRequest(op.operationId, {
          params: req.params as Record<string, string>,
          query: req.query as Record<string, unknown>,
          headers: req.headers,
          body,
          hasBody: body !== undefined,
        });
        if (violations.length > 0) {
          const first = violations[0];
          throw new CaError('ERR_VALIDATION', `${first?.location}${first?.path} ${first?.message}`, {
            details: { errors: violations },
          });
        }
        const idem = req.headers['idempotency-key'];
        const r = await handler(context, {
          params: req.params as Record<string, string>,
          query: req.query as Record<string, unknown>,
          body,
          ip: req.socket.remoteAddress ?? 'unknown',
          ...(bearerToken(req.headers) !== undefined ? { bearer: bearerToken(req.headers) as string } : {}),
          ...(typeof idem === 'string' ? { idempotencyKey: idem } : {}),
        });
        send(res, op.operationId, r);
      } catch (e) {
        fail(res, op.operationId, e);
      }
    });
  }
  // Looked up per request: docs built while the CA runs are served without a restart.
  app.use('/docs', docsSite(opts.docsDir ?? defaultDocsDir()));
  app.use((_req: express.Request, res: express.Response) => {
    res.setHeader('Cache-Control', 'no-store');
    res
      .status(404)
      .type(PROBLEM_JSON)
      .send(JSON.stringify(problemOf(new CaError('ERR_NOT_FOUND', 'No such endpoint'))));
  });
  // Errors before a route ran (malformed JSON, body too large).
  app.use((e: unknown, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
    const status = (e as { status?: number }).status;
    const err =
      status !== undefined && status >= 400 && status < 500
        ? new CaError('ERR_VALIDATION', `Unreadable request body: ${(e as Error).message}`)
        : toCaError(e);
    if (err.code === 'ERR_INTERNAL') logError('[kzpki-ca] request failed', e);
    res.setHeader('Cache-Control', 'no-store');
    res
      .status(err.status)
      .type(PROBLEM_JSON)
      .send(JSON.stringify(problemOf(err)));
  });

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
    await ownedStore?.close();
    throw e;
  }

  return {
    app,
    context,
    crls,
    specViolations,
    async close() {
      if (timer) clearInterval(timer);
      await crls.stop();
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
  const host = opts.host ?? '127.0.0.1';
  const http = await new Promise<import('node:http').Server>((resolve, reject) => {
    const s = server.app.listen(opts.port ?? 0, host, (err?: Error) => (err ? reject(err) : resolve(s)));
  });
  const { port } = http.address() as AddressInfo;
  return {
    ...server,
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    async close() {
      await new Promise<void>((resolve) => {
        http.close(() => resolve());
        http.closeAllConnections();
      });
      await server.close();
    },
  };
}
