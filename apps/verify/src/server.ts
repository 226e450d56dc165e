/**
 * The verification service: `openapi/verify.yaml` served by `@kzpki/server-kit` with handlers typed
 * from the generated operations. Every verification goes through `verifyCms` of `@kzpki/pki`, with
 * the configured trust anchors, revocation by OCSP then CRL (time-limited, cached in one
 * `RevocationCache` shared by all requests), body size limits (413) and a per-client rate limit.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { fileURLToPath } from 'node:url';
import type { operations } from '@kzpki/client/api-types/verify';
import {
  type CmsPolicy,
  type CmsVerificationReport,
  extractCmsContent,
  fromBase64,
  inspectCertificate,
  isPkiError,
  openPkcs12,
  parseCms,
  RevocationCache,
  type RevocationOptions,
  requireFirstManagerOf,
  requireIndividual,
  requireSignKey,
  requireTimestamp,
  toDer,
  verifyChain,
  verifyCms,
} from '@kzpki/pki';
import {
  createOperationRouter,
  LATENCY_BUCKETS,
  listen,
  MetricsRegistry,
  notFoundHandler,
  OpenApiValidator,
  problemErrorHandler,
  RateLimiter,
  type RateLimitRule,
  type RouteTable,
  registerProcessMetrics,
  trustProxySetting,
} from '@kzpki/server-kit';
import express from 'express';
import { VerifyError } from './errors.js';

/** Default requests per client: 60 at once, then 10 a second. */
export const DEFAULT_VERIFY_RATE_LIMIT: RateLimitRule = { capacity: 60, refillPerSecond: 10 };

/** Default largest request body: 16 MiB of JSON (a CMS or content of about 12 MB in base64). */
export const DEFAULT_MAX_BODY_BYTES = 16 * 1024 * 1024;

/** Options of {@link createVerifyServer}. */
export interface VerifyServerOptions {
  /** Trusted CA certificates (DER): the NCA roots, the reference CA's test roots. */
  trustAnchors: Uint8Array[];
  /** Intermediate CA certificates that may complete paths (DER). */
  intermediates?: Uint8Array[];
  /** Accepted TSA policies (default: any). */
  timestampPolicies?: readonly string[];
  /** Time limit of each OCSP or CRL request in ms (default 5 000). */
  revocationTimeoutMs?: number;
  /** The fetch used for OCSP and CRLs (default `globalThis.fetch`). */
  fetch?: RevocationOptions['fetch'];
  /** Largest request body in bytes (default {@link DEFAULT_MAX_BODY_BYTES}). */
  maxBodyBytes?: number;
  /** Requests per client (default {@link DEFAULT_VERIFY_RATE_LIMIT}). */
  rateLimit?: RateLimitRule;
  /**
   * Reverse proxies whose `X-Forwarded-For` names the client (addresses, CIDRs, `loopback`,
   * `uniquelocal`; express `trust proxy` syntax), read from the right as server-kit's
   * `clientAddress` does. Default none: the socket address keys the rate limit, and a forged
   * header cannot pick a fresh bucket.
   */
  trustedProxies?: readonly string[];
  /** Path of `openapi/verify.yaml` (default: the repository's). */
  specPath?: string;
  /** Where unexpected errors are reported (default `console.error`). */
  logError?: (message: string, error: unknown) => void;
}

/** A listening verification service. */
export interface RunningVerifyServer {
  /** Base URL, e.g. `http://127.0.0.1:8083`. */
  url: string;
  /** Stops listening and closes connections. */
  close(): Promise<void>;
}

/** Default location of the spec: `openapi/verify.yaml` at the repository root. */
export function defaultVerifySpecPath(): string {
  // src/server.ts and dist/server.js are both three levels below the repository root.
  return fileURLToPath(new URL('../../../openapi/verify.yaml', import.meta.url));
}

interface Ctx {
  verify(
    body: operations['verifyCms']['requestBody']['content']['application/json'],
  ): Promise<CmsVerificationReport>;
  anchors: Uint8Array[];
  intermediates: Uint8Array[];
  verifications: { inc(labels: { result: string }): void };
  renderMetrics(): Promise<string>;
}

/** Decodes a base64 member, or refuses the request with `code`. */
function base64Member(
  value: string,
  name: string,
  code: 'ERR_CMS_INVALID' | 'ERR_KEY_FILE_INVALID',
): Uint8Array {
  try {
    return fromBase64(value);
  } catch (cause) {
    throw new VerifyError(code, `${name} is not base64`, { cause });
  }
}

/** The DER of a CMS given as base64 or PEM, checked to parse (a 400 rather than a report). */
function cmsInput(value: string): Uint8Array {
  let der: Uint8Array;
  try {
    der = toDer(value);
  } catch (cause) {
    throw new VerifyError('ERR_CMS_INVALID', 'cms is neither base64 nor PEM', { cause });
  }
  try {
    parseCms(der);
  } catch (cause) {
    throw new VerifyError('ERR_CMS_INVALID', isPkiError(cause) ? cause.message : 'The CMS cannot be read', {
      cause,
    });
  }
  return der;
}

function certificateInput(value: string): Uint8Array {
  try {
    const der = toDer(value, value.includes('-----BEGIN') ? 'CERTIFICATE' : undefined);
    inspectCertificate(der);
    return der;
  } catch (cause) {
    throw new VerifyError(
      'ERR_CERTIFICATE_INVALID',
      'certificate is not an X.509 certificate (base64 DER or PEM)',
      {
        cause,
      },
    );
  }
}

async function chainOf(ctx: Ctx, der: Uint8Array, extra: Uint8Array[] = []) {
  const result = await verifyChain({
    certificate: der,
    trustAnchors: ctx.anchors,
    intermediates: [...ctx.intermediates, ...extra],
  });
  const certificates = result.chain.map((c) => {
    const info = inspectCertificate(c.der);
    return {
      subject: c.subject,
      serialNumber: c.serialNumber,
      notBefore: info.notBefore,
      notAfter: info.notAfter,
    };
  });
  return result.valid
    ? { valid: true, certificates }
    : { valid: false, reason: result.reason, message: result.message, certificates };
}

const HANDLERS: RouteTable<operations, Ctx> = {
  async verifyCms(ctx, req) {
    const report = await ctx.verify(req.body);
    ctx.verifications.inc({ result: report.valid ? 'valid' : (report.reason ?? 'invalid') });
    return { status: 200, body: report };
  },

  async extractCmsContent(_ctx, req) {
    const der = cmsInput(req.body.cms);
    const cms = parseCms(der);
    if (cms.detached) {
      throw new VerifyError('ERR_CMS_INVALID', 'The CMS is detached: it does not carry the content');
    }
    const content = extractCmsContent(cms);
    return {
      status: 200,
      body: {
        content: Buffer.from(content).toString('base64'),
        contentType: cms.contentType,
        size: content.length,
      },
    };
  },

  async inspectCertificate(ctx, req) {
    const der = certificateInput(req.body.certificate);
    const certificate = inspectCertificate(der);
    const body =
      req.body.verifyChain === false ? { certificate } : { certificate, chain: await chainOf(ctx, der) };
    return { status: 200, body };
  },

  async inspectKeyFile(ctx, req) {
    const bytes = base64Member(req.body.keyFile, 'keyFile', 'ERR_KEY_FILE_INVALID');
    let opened: Awaited<ReturnType<typeof openPkcs12>>;
    try {
      opened = await openPkcs12(bytes, req.body.password, { extractable: false });
    } catch (cause) {
      if (isPkiError(cause, 'ERR_PKCS12_BAD_PASSWORD')) {
        throw new VerifyError('ERR_KEY_FILE_PASSWORD', 'Wrong password for the key file');
      }
      throw new VerifyError(
        'ERR_KEY_FILE_INVALID',
        isPkiError(cause) ? cause.message : 'The key file cannot be opened',
        { cause },
      );
    }
    // Only certificates leave this function: the key material is wiped and dropped here.
    const { certificate, chain } = opened;
    opened.pkcs8.fill(0);
    const certificates = [];
    for (const der of [certificate, ...chain]) {
      certificates.push({ certificate: inspectCertificate(der), chain: await chainOf(ctx, der, chain) });
    }
    return {
      status: 200,
      body: { keyAlgorithm: inspectCertificate(certificate).keyAlgorithm, certificates },
    };
  },

  async health(ctx) {
    return { status: 200, body: { status: 'ok' as const, trustAnchors: ctx.anchors.length } };
  },

  async metrics(ctx) {
    return { status: 200, body: await ctx.renderMetrics(), contentType: 'text/plain' };
  },
};

/**
 * Builds the verification service's request listener (not listening yet).
 * @throws {VerifyError} `ERR_CONFIG` without trust anchors; `ServerKitError` `ERR_SPEC_INVALID` for an unusable spec.
 * @example
 * ```ts
 * const { requestListener } = createVerifyServer({ trustAnchors: [ncaRsaRoot, ncaGostRoot] });
 * ```
 */
export function createVerifyServer(options: VerifyServerOptions): {
  requestListener: (req: IncomingMessage, res: ServerResponse) => void;
  metrics: MetricsRegistry;
} {
  if (options.trustAnchors.length === 0) {
    throw new VerifyError('ERR_CONFIG', 'Give at least one trust anchor (a root CA certificate)');
  }
  const logError = options.logError ?? ((m: string, e: unknown) => console.error(m, e));
  const metrics = new MetricsRegistry();
  registerProcessMetrics(metrics);
  const requests = metrics.counter<'route' | 'method' | 'code'>({
    name: 'kzpki_verify_http_requests_total',
    help: 'HTTP requests by route, method and status code',
    labelNames: ['route', 'method', 'code'],
  });
  const duration = metrics.histogram<'route'>({
    name: 'kzpki_verify_http_request_duration_seconds',
    help: 'HTTP request duration by route',
    labelNames: ['route'],
    buckets: LATENCY_BUCKETS,
  });
  const verifications = metrics.counter<'result'>({
    name: 'kzpki_verify_cms_verifications_total',
    help: 'CMS verifications by result (valid, or the failure reason)',
    labelNames: ['result'],
  });

  const cache = new RevocationCache();
  const anchors = options.trustAnchors;
  const intermediates = options.intermediates ?? [];
  const ctx: Ctx = {
    anchors,
    intermediates,
    verifications,
    renderMetrics: () => metrics.render(),
    async verify(body) {
      const cms = cmsInput(body.cms);
      const policies: CmsPolicy[] = [];
      if (body.requireTimestamp) policies.push(requireTimestamp());
      if (body.requireSignKey) policies.push(requireSignKey());
      if (body.requireIin) policies.push(requireIndividual(body.requireIin));
      if (body.requireFirstManagerOf) policies.push(requireFirstManagerOf(body.requireFirstManagerOf));
      const content =
        body.content === undefined ? undefined : base64Member(body.content, 'content', 'ERR_CMS_INVALID');
      return verifyCms(cms, {
        trustAnchors: anchors,
        intermediates,
        ...(content ? { content } : {}),
        ...(body.at ? { at: new Date(body.at) } : {}),
        ...(options.timestampPolicies ? { timestampPolicies: options.timestampPolicies } : {}),
        ...(policies.length ? { policies } : {}),
        revocation: {
          mode: body.revocation ?? 'ocsp-then-crl',
          cache,
          timeoutMs: options.revocationTimeoutMs ?? 5000,
          ...(options.fetch ? { fetch: options.fetch } : {}),
        },
      });
    },
  };

  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', trustProxySetting(options.trustedProxies ?? []));
  app.use((req, res, next) => {
    const started = performance.now();
    res.on('finish', () => {
      const route = req.route?.path ?? (res.statusCode === 404 ? 'other' : req.path);
      requests.inc({ route: String(route), method: req.method, code: String(res.statusCode) });
      duration.observe({ route: String(route) }, (performance.now() - started) / 1000);
    });
    next();
  });
  const limiter = new RateLimiter({ verifyPerIp: options.rateLimit ?? DEFAULT_VERIFY_RATE_LIMIT });
  const perIp = limiter.keyedBy('verifyPerIp', (req: { ip: string }) => req.ip);
  app.use(
    createOperationRouter<operations, Ctx>({
      spec: OpenApiValidator.load(options.specPath ?? defaultVerifySpecPath()),
      handlers: HANDLERS,
      context: ctx,
      jsonLimit: options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
      guards: {
        verifyCms: perIp,
        extractCmsContent: perIp,
        inspectCertificate: perIp,
        inspectKeyFile: perIp,
      },
      onInternalError: (operationId, e) => logError(`[kzpki-verify] ${operationId} failed`, e),
    }),
  );
  app.use(notFoundHandler());
  app.use(problemErrorHandler({ onInternalError: (e) => logError('[kzpki-verify] request failed', e) }));
  return { requestListener: app, metrics };
}

/**
 * Starts the verification service: what `kzpki start` and `src/main.ts` call.
 * @example
 * ```ts
 * const verify = await startVerify({ trustAnchors: roots, port: 8083 });
 * console.log(`POST ${verify.url}/api/v1/cms/verify`);
 * await verify.close();
 * ```
 */
export async function startVerify(
  options: VerifyServerOptions & { port?: number; host?: string },
): Promise<RunningVerifyServer> {
  const { requestListener } = createVerifyServer(options);
  const http = await listen(requestListener, {
    host: options.host ?? '127.0.0.1',
    port: options.port ?? 8083,
    server: { keepAliveTimeout: 5000, requestTimeout: 60_000 },
  });
  return { url: http.url, close: () => http.close() };
}
