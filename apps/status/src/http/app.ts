/**
 * The express application for the JSON endpoints, health, readiness and metrics (`/ocsp`, CRL
 * and CA certificate downloads and `/tsp` are answered before express by `ocsp-handler.ts`,
 * `download-handler.ts` and `tsp-handler.ts`). The routes are the server kit's, built from
 * `openapi/status.yaml` with a route table typed from its generated types: requests are
 * validated against the spec before a handler runs; errors are problem+json with stable codes.
 */
import type { operations } from '@kzpki/client/api-types/status';
import {
  createOperationRouter,
  notFoundHandler,
  type OperationResult,
  problemErrorHandler,
  type RateLimiter,
  type RateLimitRule,
  type RouteTable,
  type TrustedProxies,
  trustProxySetting,
} from '@kzpki/server-kit';
import express, { type NextFunction, type Request, type Response } from 'express';
import { StatusError } from '../errors.js';
import type { KeyChecker } from '../key-check.js';
import type { RouteLabel, StatusMetrics } from '../metrics/status-metrics.js';
import type { StatusSource } from '../source/status-source.js';
import type { OpenApiValidator } from './openapi.js';
import { problemFromError } from './problem.js';

/** The rate limits of the status service. */
export type StatusRateLimit = 'applicationLookupPerIp';

/** Default application-status lookups per client: 10 at once, then 20 a minute. */
export const DEFAULT_APPLICATION_RATE_LIMIT: RateLimitRule = { capacity: 10, refillPerSecond: 20 / 60 };

/** What the application serves from. */
export interface StatusAppDeps {
  /** Application statuses come from here. */
  source: StatusSource;
  /** Answers the key check. */
  keyChecker: KeyChecker;
  /** Request validation against `openapi/status.yaml`. */
  validator: OpenApiValidator;
  /** Request counts and latencies; rendered on `/metrics`. */
  metrics: StatusMetrics;
  /** Limits application-status lookups per client. */
  applicationLimiter: RateLimiter<StatusRateLimit>;
  /** Largest key-check upload (bytes). */
  maxUploadBytes: number;
  /** Proxies whose `X-Forwarded-For` gives the client address (none: the socket address). */
  trustedProxies: TrustedProxies;
  /** Readiness checks. */
  readiness: () => Promise<Record<string, { ok: boolean; detail?: string }>>;
  /** Process start (ms since epoch). */
  startedAt: number;
}

/** Extra cost of a lookup of a number that does not exist (enumeration attempts are mostly misses). */
const MISS_COST = 2;

/** The operations answered before express (`ocsp-handler.ts`, `download-handler.ts`, `tsp-handler.ts`). */
const FAST_PATH_OPERATIONS = [
  'ocspPost',
  'ocspGet',
  'getFullCrl',
  'getDeltaCrl',
  'getCaCertificate',
  'timestamp',
] as const;

/** The operations of `openapi/status.yaml` that this express application answers. */
type AppOperations = Omit<operations, (typeof FAST_PATH_OPERATIONS)[number]>;

/** The handlers of {@link AppOperations}, typed by the spec. */
type StatusRoutes = RouteTable<AppOperations, StatusAppDeps>;

/** `application/x-pem-file` and `text/plain` uploads are PEM text; the others DER (or JSON). */
const TEXT_UPLOADS = new Set(['application/x-pem-file', 'text/plain']);

const HANDLERS: StatusRoutes = {
  async getApplicationStatus(deps, req) {
    const decision = await deps.applicationLimiter.take('applicationLookupPerIp', req.ip);
    if (!decision.allowed) {
      throw new StatusError('ERR_RATE_LIMITED', 'Too many application lookups; retry later', {
        details: { retryAfter: decision.retryAfterSeconds },
      });
    }
    const view = await deps.source.applicationStatus(req.params.number);
    if (!view) {
      await deps.applicationLimiter.take('applicationLookupPerIp', req.ip, MISS_COST);
      throw new StatusError('ERR_APPLICATION_NOT_FOUND', 'No application with this number');
    }
    return {
      status: 200,
      body: view as StatusBody<'getApplicationStatus'>,
      headers: { 'ratelimit-remaining': String(decision.remaining) },
    };
  },

  async checkKey(deps, req) {
    const body = req.body;
    let input: string | Uint8Array;
    if ('certificate' in body) input = body.certificate;
    else if (body.bytes.length === 0) throw new StatusError('ERR_VALIDATION', 'Empty certificate upload');
    else if (TEXT_UPLOADS.has(body.mediaType)) input = new TextDecoder().decode(body.bytes);
    else input = body.bytes;
    if (typeof input === 'string' && input.trim() === '') {
      throw new StatusError('ERR_VALIDATION', 'Empty certificate upload');
    }
    return { status: 200, body: (await deps.keyChecker.check(input)) as StatusBody<'checkKey'> };
  },

  async health(deps) {
    return {
      status: 200,
      body: { status: 'ok', uptimeSeconds: Math.max(0, (Date.now() - deps.startedAt) / 1000) },
    };
  },

  async ready(deps) {
    const checks = await deps.readiness();
    const ready = Object.values(checks).every((c) => c.ok);
    return ready ? { status: 200, body: { ready, checks } } : { status: 503, body: { ready, checks } };
  },

  async metrics(deps) {
    const text = await deps.metrics.registry.render();
    return {
      status: 200,
      body: text,
      contentType: 'text/plain',
      headers: { 'content-type': deps.metrics.registry.contentType },
    };
  },
};

/** The JSON body of an operation's 200 answer. */
type StatusBody<K extends keyof AppOperations> = Extract<
  OperationResult<AppOperations[K]>,
  { status: 200 }
>['body'];

/** Builds the express application. */
export function createStatusApp(deps: StatusAppDeps): express.Express {
  const { validator, metrics } = deps;
  const app = express();
  app.disable('x-powered-by');
  app.disable('etag'); // entity tags are set explicitly where they mean something
  app.set('trust proxy', trustProxySetting(deps.trustedProxies));

  const route = (label: RouteLabel) => (req: Request, res: Response, next: NextFunction) => {
    const started = performance.now();
    res.on('finish', () => {
      metrics.httpRequests.inc({ route: label, method: req.method, code: String(res.statusCode) });
      metrics.httpDuration.observe({ route: label }, (performance.now() - started) / 1000);
    });
    next();
  };
  // Metric labels first; the routes themselves come from the spec.
  app.get('/api/v1/applications/:number', route('application_status'));
  app.post('/api/v1/key-check', route('key_check'));
  app.get('/health', route('health'));
  app.get('/ready', route('ready'));
  app.get('/metrics', route('metrics'));

  app.use(
    createOperationRouter<AppOperations, StatusAppDeps>({
      spec: validator,
      handlers: HANDLERS,
      context: deps,
      servedElsewhere: FAST_PATH_OPERATIONS,
      problemOf: problemFromError,
      onInternalError: (id, e) => console.error(`[kzpki-status] ${id} failed:`, e),
      jsonLimit: deps.maxUploadBytes,
    }),
  );

  app.use(route('other'), notFoundHandler(problemFromError));

  // Body-parser failures (too large, unreadable, bad encoding) map to the kit's codes.
  app.use(
    problemErrorHandler({
      problemOf: problemFromError,
      onInternalError: (e) => console.error('[kzpki-status] internal error:', e),
    }),
  );

  return app;
}
