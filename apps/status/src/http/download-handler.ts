/**
 * `/crl/<issuer>.crl`, `/crl/<issuer>-delta.crl` and `/ca/<issuer>.crt` on plain `node:http`,
 * ahead of express: every relying party downloads CRLs and CA certificates, and they are served
 * from memory, so they skip the middleware stack like OCSP does. Responses are DER with the
 * caching headers of `caching.ts`; `If-None-Match` gives 304.
 */
import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { CrlKind, CrlPublisher } from '../crl/crl-publisher.js';
import type { RouteLabel, StatusMetrics } from '../metrics/status-metrics.js';
import type { IssuerMaterial } from '../source/status-source.js';
import { cachingHeaders, matchesIfNoneMatch } from './caching.js';
import type { OpenApiValidator } from './openapi.js';
import { problem, sendProblem } from './problem.js';

/** Options of {@link createDownloadHandler}. */
export interface DownloadHandlerOptions {
  /** The CRLs being served. */
  crls: CrlPublisher;
  /** The CAs whose certificates are served. */
  issuers: readonly IssuerMaterial[];
  /** Checks the issuer name against `openapi/status.yaml`. */
  validator: OpenApiValidator;
  /** Request counts and latencies. */
  metrics?: StatusMetrics;
  /** Cap of `Cache-Control: max-age` for CRLs (never beyond nextUpdate). */
  crlMaxAgeSeconds: number;
  /** `Cache-Control: max-age` of CA certificates. */
  caCertificateMaxAgeSeconds: number;
}

/**
 * A request listener for the download routes: returns `false` (without touching the response)
 * for every other path.
 */
export function createDownloadHandler(
  options: DownloadHandlerOptions,
): (req: IncomingMessage, res: ServerResponse) => boolean {
  const { crls, validator, metrics } = options;
  const issuers = new Map(options.issuers.map((i) => [i.id, i]));
  const caEtags = new Map(
    options.issuers.map((i) => [
      i.id,
      `"${createHash('sha256').update(i.certificate).digest('base64url').slice(0, 27)}"`,
    ]),
  );

  const finish = (route: RouteLabel, method: string, code: number, started: number): void => {
    metrics?.httpRequests.inc({ route, method, code: String(code) });
    metrics?.httpDuration.observe({ route }, (performance.now() - started) / 1000);
  };

  const fail = (
    res: ServerResponse,
    route: RouteLabel,
    method: string,
    started: number,
    p: ReturnType<typeof problem>,
  ): void => {
    sendProblem(res, p);
    finish(route, method, p.status, started);
  };

  return (req, res) => {
    const url = req.url ?? '';
    const isCrl = url.startsWith('/crl/');
    if (!isCrl && !url.startsWith('/ca/')) return false;
    const started = performance.now();
    const method = req.method ?? 'GET';
    const route: RouteLabel = isCrl ? 'crl' : 'ca_certificate';
    req.resume();
    if (method !== 'GET' && method !== 'HEAD') {
      sendProblem(res, problem('ERR_METHOD_NOT_ALLOWED', 'Downloads are GET only'), { allow: 'GET, HEAD' });
      finish(route, method, 405, started);
      return true;
    }
    const q = url.indexOf('?');
    const file = (q < 0 ? url : url.slice(0, q)).slice(isCrl ? 5 : 4);
    const m = isCrl ? /^(.+?)(-delta)?\.crl$/.exec(file) : /^(.+)\.crt$/.exec(file);
    if (!m || file.includes('/')) {
      fail(res, route, method, started, problem('ERR_NOT_FOUND', `No such file: ${url}`));
      return true;
    }
    const issuerId = m[1]!;
    const kind: CrlKind = m[2] ? 'delta' : 'full';
    const operationId = isCrl ? (kind === 'delta' ? 'getDeltaCrl' : 'getFullCrl') : 'getCaCertificate';
    const issues = validator.checkParameters(operationId, { path: { issuer: issuerId } });
    if (issues.length) {
      fail(res, route, method, started, problem('ERR_VALIDATION', 'Invalid issuer name', issues));
      return true;
    }
    const issuer = issuers.get(issuerId);
    if (!issuer || (isCrl && !crls.issuerIds.includes(issuerId))) {
      const what = isCrl ? 'publishes CRLs here' : 'is served here';
      fail(res, route, method, started, problem('ERR_ISSUER_UNKNOWN', `No CA named ${issuerId} ${what}`));
      return true;
    }

    let body: Uint8Array;
    let headers: Record<string, string>;
    let etag: string;
    if (isCrl) {
      const crl = crls.get(issuerId, kind);
      if (!crl) {
        fail(
          res,
          route,
          method,
          started,
          problem('ERR_CRL_NOT_AVAILABLE', 'The CRL is being generated; retry shortly'),
        );
        return true;
      }
      etag = crl.etag;
      body = crl.der;
      headers = {
        ...cachingHeaders(
          { etag, lastModified: crl.thisUpdate, nextUpdate: crl.nextUpdate },
          options.crlMaxAgeSeconds,
        ),
        'content-type': 'application/pkix-crl',
      };
    } else {
      etag = caEtags.get(issuerId)!;
      body = issuer.certificate;
      headers = {
        'cache-control': `public, max-age=${options.caCertificateMaxAgeSeconds}, no-transform`,
        etag,
        'content-type': 'application/pkix-cert',
      };
    }
    if (matchesIfNoneMatch(req.headers['if-none-match'], etag)) {
      const { 'content-type': _type, ...rest } = headers;
      res.writeHead(304, rest);
      res.end();
      finish(route, method, 304, started);
      return true;
    }
    res.writeHead(200, { ...headers, 'content-length': String(body.length) });
    res.end(method === 'HEAD' ? undefined : body);
    finish(route, method, 200, started);
    return true;
  };
}
