/**
 * The express application for the JSON endpoints, health, readiness and metrics (`/ocsp`, CRL
 * and CA certificate downloads are answered before express by `ocsp-handler.ts` and
 * `download-handler.ts`). Requests are validated against `openapi/status.yaml`; errors are
 * problem+json with stable codes.
 */
import {
  notFoundHandler,
  problemErrorHandler,
  type RateLimiter,
  type RateLimitRule,
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
    const decision = await deps.applicationLimiter.take('applicationLookupPerIp', client);
    if (!decision.allowed) {
      throw new StatusError('ERR_RATE_LIMITED', 'Too many application lookups; retry later', {
        details: { retryAfter: decision.retryAfterSeconds },
      });
    }
    const view = await deps.source.applicationStatus(String(req.params.number));
    if (!view) {
      await deps.applicationLimiter.take('applicationLookupPerIp', client, MISS_COST);
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

  app.get('/metrics', route('metrics'), async (_req, res) => {
    res.set('content-type', metrics.registry.contentType);
    res.set('cache-control', 'no-store');
    res.send(await metrics.registry.render());
  });

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
