/**
 * The express application for the JSON endpoints, health, readiness and metrics (`/ocsp`, CRL
 * and CA certificate downloads are answered before express by `ocsp-handler.ts` and
 * `download-handler.ts`). Requests are validated against `openapi/status.yaml`; errors are
 * problem+json with stable codes.
 */
import express, { type NextFunction, type Request, type Response } from 'express';
import { StatusError } from '../errors.js';
import type { KeyChecker } from '../key-check.js';
import { PROMETHEUS_CONTENT_TYPE } from '../metrics/registry.js';
import type { RouteLabel, StatusMetrics } from '../metrics/status-metrics.js';
import type { StatusSource } from '../source/status-source.js';
import type { OpenApiValidator } from './openapi.js';
import { PROBLEM_CONTENT_TYPE, problemFromError } from './problem.js';
import type { RateLimiter } from './rate-limiter.js';

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
  applicationLimiter: RateLimiter;
  /** Largest key-check upload (bytes). */
  maxUploadBytes: number;
  /** Use `X-Forwarded-For` for the client address (only behind a trusted proxy). */
  trustProxy: boolean;
  /** Readiness checks. */
  readiness: () => Promise<Record<string, { ok: boolean; detail?: string }>>;
  /** Process start (ms since epoch). */
  startedAt: number;
}

/** Extra cost of a lookup of a number that does not exist (enumeration attempts are mostly misses). */
const MISS_COST = 2;

/** Builds the express application. */
export function createStatusApp(deps: StatusAppDeps): express.Express {
  const { validator, metrics } = deps;
  const app = express();
  app.disable('x-powered-by');
  app.disable('etag'); // entity tags are set explicitly where they mean something
  app.set('trust proxy', deps.trustProxy);

  const route = (label: RouteLabel) => (req: Request, res: Response, next: NextFunction) => {
    const started = performance.now();
    res.on('finish', () => {
      metrics.httpRequests.inc({ route: label, method: req.method, code: String(res.statusCode) });
      metrics.httpDuration.observe((performance.now() - started) / 1000, { route: label });
    });
    next();
  };

  const checkParams = (operationId: string, path: Record<string, unknown>, req: Request): void => {
    const issues = validator.checkParameters(operationId, {
      path,
      header: req.headers as Record<string, unknown>,
    });
    if (issues.length) {
      throw new StatusError('ERR_VALIDATION', 'Request parameters are invalid', {
        details: { errors: issues },
      });
    }
  };

  app.get('/api/v1/applications/:number', route('application_status'), async (req, res) => {
    checkParams('getApplicationStatus', req.params, req);
    const client = req.ip ?? req.socket.remoteAddress ?? 'unknown';
    const decision = deps.applicationLimiter.take(client);
    if (!decision.allowed) {
      res.set('retry-after', String(decision.retryAfterSeconds));
      throw new StatusError('ERR_RATE_LIMITED', 'Too many application lookups; retry later');
    }
    const view = await deps.source.applicationStatus(String(req.params.number));
    if (!view) {
      deps.applicationLimiter.take(client, MISS_COST);
      throw new StatusError('ERR_APPLICATION_NOT_FOUND', 'No application with this number');
    }
    res.set('ratelimit-remaining', String(decision.remaining));
    res.set('cache-control', 'no-store');
    res.json(view);
  });

  const limit = deps.maxUploadBytes;
  app.post(
    '/api/v1/key-check',
    route('key_check'),
    express.json({ limit, type: ['application/json'] }),
    express.raw({ limit, type: ['application/pkix-cert', 'application/octet-stream'] }),
    express.text({ limit, type: ['application/x-pem-file', 'text/plain'] }),
    async (req, res) => {
      const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
      let input: string | Uint8Array;
      if (type === 'application/json') {
        const issues = validator.checkBody('checkKey', 'application/json', req.body);
        if (issues?.length) {
          throw new StatusError('ERR_VALIDATION', 'The request body is invalid', {
            details: { errors: issues },
          });
        }
        input = (req.body as { certificate: string }).certificate;
      } else if (type === 'application/pkix-cert' || type === 'application/octet-stream') {
        if (!Buffer.isBuffer(req.body) || req.body.length === 0) {
          throw new StatusError('ERR_VALIDATION', 'Empty certificate upload');
        }
        input = new Uint8Array(req.body);
      } else if (type === 'application/x-pem-file' || type === 'text/plain') {
        if (typeof req.body !== 'string' || req.body.trim() === '') {
          throw new StatusError('ERR_VALIDATION', 'Empty certificate upload');
        }
        input = req.body;
      } else {
        throw new StatusError(
          'ERR_UNSUPPORTED_MEDIA_TYPE',
          'Send application/json, application/pkix-cert, application/x-pem-file or text/plain',
        );
      }
      const result = await deps.keyChecker.check(input);
      res.set('cache-control', 'no-store');
      res.json(result);
    },
  );

  app.get('/health', route('health'), (_req, res) => {
    res.set('cache-control', 'no-store');
    res.json({ status: 'ok', uptimeSeconds: Math.max(0, (Date.now() - deps.startedAt) / 1000) });
  });

  app.get('/ready', route('ready'), async (_req, res) => {
    const checks = await deps.readiness();
    const ready = Object.values(checks).every((c) => c.ok);
    res.set('cache-control', 'no-store');
    res.status(ready ? 200 : 503).json({ ready, checks });
  });

  app.get('/metrics', route('metrics'), (_req, res) => {
    res.set('content-type', PROMETHEUS_CONTENT_TYPE);
    res.set('cache-control', 'no-store');
    res.send(metrics.registry.render());
  });

  app.use(route('other'), (req, _res, next) => {
    next(new StatusError('ERR_NOT_FOUND', `No route ${req.method} ${req.path}`));
  });

  // Express error handler (four parameters): body-parser errors carry `status`/`type`.
  app.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    const e = fromExpressError(err);
    const p = problemFromError(e);
    if (p.code === 'ERR_INTERNAL') console.error('[kzpki-status] internal error:', err);
    res.status(p.status).set('content-type', PROBLEM_CONTENT_TYPE).set('cache-control', 'no-store');
    res.end(JSON.stringify(p));
  });

  return app;
}

function fromExpressError(err: unknown): unknown {
  if (err instanceof StatusError) return err;
  const e = err as { type?: string; status?: number };
  if (e?.type === 'entity.too.large' || e?.status === 413) {
    return new StatusError('ERR_PAYLOAD_TOO_LARGE', 'Upload too large', { cause: err });
  }
  if (e?.type === 'entity.parse.failed' || e?.type === 'encoding.unsupported' || e?.status === 400) {
    return new StatusError('ERR_VALIDATION', 'The request body cannot be parsed', { cause: err });
  }
  if (e?.status === 415)
    return new StatusError('ERR_UNSUPPORTED_MEDIA_TYPE', 'Unsupported media type', { cause: err });
  return err;
}
