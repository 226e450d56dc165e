/**
 * `/crl/<issuer>.crl`, `/crl/<issuer>-delta.crl` and `/ca/<issuer>.crt` on plain `node:http`,
 * ahead of express: every relying party downloads CRLs and CA certificates, so they skip the
 * middleware stack like OCSP does. CRLs are the ones the CA signed and published (this service
 * never signs one), held in memory until a newer one is published. Responses are DER with the
 * caching headers of `caching.ts`; `If-None-Match` gives 304.
 */
import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RouteLabel, StatusMetrics } from '../metrics/status-metrics.js';
import type { CrlKind, IssuerMaterial, PublishedCrl, StatusSource } from '../source/status-source.js';
import { cachingHeaders, matchesIfNoneMatch } from './caching.js';
import type { OpenApiValidator } from './openapi.js';
import { problem, sendProblem } from './problem.js';

/**
 * The URL of an issuer's full or delta CRL under `publicUrl` (what the CA writes into the
 * cRLDistributionPoints and freshestCRL extensions).
 * @example
 * ```ts
 * crlUrl('http://127.0.0.1:8081', 'kzpki-test-issuing-rsa', 'delta'); // …/crl/kzpki-test-issuing-rsa-delta.crl
 * ```
 */
export function crlUrl(publicUrl: string, issuerId: string, kind: CrlKind): string {
  return `${publicUrl.replace(/\/+$/, '')}/crl/${issuerId}${kind === 'delta' ? '-delta' : ''}.crl`;
}

/** Options of {@link createDownloadHandler}. */
export interface DownloadHandlerOptions {
  /** Where the published CRLs come from. */
  source: StatusSource;
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
  const { source, validator, metrics } = options;
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
    if (!issuer || (isCrl && issuer.crls === false)) {
      const what = isCrl ? 'publishes CRLs here' : 'is served here';
      fail(res, route, method, started, problem('ERR_ISSUER_UNKNOWN', `No CA named ${issuerId} ${what}`));
      return true;
    }
    if (!isCrl) {
      const etag = caEtags.get(issuerId)!;
      send(req, res, method, route, started, issuer.certificate, etag, {
        'cache-control': `public, max-age=${options.caCertificateMaxAgeSeconds}, no-transform`,
        etag,
        'content-type': 'application/pkix-cert',
      });
      return true;
    }
    source.crl(issuerId, kind).then(
      (crl: PublishedCrl | undefined) => {
        if (!crl) {
          fail(
            res,
            route,
            method,
            started,
            problem('ERR_CRL_NOT_AVAILABLE', 'The CA has not published this CRL yet; retry shortly'),
          );
          return;
        }
        metrics?.crlNumber.set({ issuer: issuerId, kind }, Number(crl.crlNumber));
        metrics?.crlEntries.set({ issuer: issuerId, kind }, crl.entries);
        send(req, res, method, route, started, crl.der, crl.etag, {
          ...cachingHeaders(
            { etag: crl.etag, lastModified: crl.thisUpdate, nextUpdate: crl.nextUpdate },
            options.crlMaxAgeSeconds,
          ),
          'content-type': 'application/pkix-crl',
        });
      },
      () =>
        fail(res, route, method, started, problem('ERR_SOURCE', 'The CRL cannot be read now; retry shortly')),
    );
    return true;
  };

  function send(
    req: IncomingMessage,
    res: ServerResponse,
    method: string,
    route: RouteLabel,
    started: number,
    body: Uint8Array,
    etag: string,
    headers: Record<string, string>,
  ): void {
    if (matchesIfNoneMatch(req.headers['if-none-match'], etag)) {
      const { 'content-type': _type, ...rest } = headers;
      res.writeHead(304, rest);
      res.end();
      finish(route, method, 304, started);
      return;
    }
    res.writeHead(200, { ...headers, 'content-length': String(body.length) });
    res.end(method === 'HEAD' ? undefined : body);
    finish(route, method, 200, started);
  }
}
