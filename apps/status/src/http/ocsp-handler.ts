/**
 * `/ocsp` on plain `node:http`, ahead of express: the OCSP path is the one answered thousands of
 * times a second, so it skips the middleware stack (routing, body parsers) that the JSON
 * endpoints need. RFC 6960 Appendix A: POST with `application/ocsp-request`, GET with the
 * base64 request in the path; answers are `application/ocsp-response` with HTTP 200, including
 * OCSP-level errors.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RouteLabel, StatusMetrics } from '../metrics/status-metrics.js';
import { decodeOcspGetPath } from '../ocsp/get-request.js';
import type { OcspAnswer, OcspResponder } from '../ocsp/responder.js';
import { cachingHeaders, matchesIfNoneMatch } from './caching.js';
import { problem, sendProblem } from './problem.js';

/** Options of {@link createOcspHandler}. */
export interface OcspHandlerOptions {
  /** The responder. */
  responder: OcspResponder;
  /** Metrics to update. */
  metrics?: StatusMetrics;
  /** Largest request accepted, in bytes (default 16 KiB; 32 CertIDs with a nonce take under 3 KiB). */
  maxRequestBytes?: number;
  /** Upper bound of `Cache-Control: max-age` on GET responses (default 300 s; never beyond nextUpdate). */
  maxAgeSeconds?: number;
}

const OCSP_RESPONSE = 'application/ocsp-response';

/**
 * A request listener for the OCSP routes: returns `false` (without touching the response) for
 * every other path, so the caller can hand the request to the next handler.
 */
export function createOcspHandler(
  options: OcspHandlerOptions,
): (req: IncomingMessage, res: ServerResponse) => boolean {
  const { responder, metrics } = options;
  const maxBytes = options.maxRequestBytes ?? 16 * 1024;
  const maxAge = options.maxAgeSeconds ?? 300;

  // Series handles by route/method/code: label text is built once, not on every request.
  const series = new Map<string, { count: { inc(): void }; duration: { observe(v: number): void } }>();
  const finish = (route: RouteLabel, method: string, code: number, started: number): void => {
    if (!metrics) return;
    const key = `${route} ${method} ${code}`;
    let s = series.get(key);
    if (!s) {
      s = {
        count: metrics.httpRequests.labels({ route, method, code: String(code) }),
        duration: metrics.httpDuration.labels({ route }),
      };
      series.set(key, s);
    }
    s.count.inc();
    s.duration.observe((performance.now() - started) / 1000);
  };

  const send = (
    res: ServerResponse,
    answer: OcspAnswer,
    get: boolean,
    req: IncomingMessage,
    started: number,
  ): void => {
    const route: RouteLabel = get ? 'ocsp_get' : 'ocsp_post';
    if (get && answer.cache) {
      const { etag, producedAt, nextUpdate } = answer.cache;
      const headers = cachingHeaders({ etag, lastModified: producedAt, nextUpdate }, maxAge);
      if (matchesIfNoneMatch(req.headers['if-none-match'], etag)) {
        res.writeHead(304, headers);
        res.end();
        finish(route, 'GET', 304, started);
        return;
      }
      res.writeHead(200, { 'content-type': OCSP_RESPONSE, 'content-length': answer.der.length, ...headers });
    } else {
      res.writeHead(200, {
        'content-type': OCSP_RESPONSE,
        'content-length': answer.der.length,
        'cache-control': 'no-store',
      });
    }
    res.end(answer.der);
    finish(route, get ? 'GET' : 'POST', 200, started);
  };

  const fail = (
    res: ServerResponse,
    route: RouteLabel,
    method: string,
    started: number,
    e: unknown,
  ): void => {
    // respond() never rejects; this guards against a bug turning into an unanswered request.
    console.error('[kzpki-status] OCSP handler error:', e);
    if (!res.headersSent) sendProblem(res, problem('ERR_INTERNAL', 'Internal error'));
    else res.destroy();
    finish(route, method, 500, started);
  };

  return (req, res) => {
    const url = req.url ?? '';
    if (!(url === '/ocsp' || url.startsWith('/ocsp/') || url.startsWith('/ocsp?'))) return false;
    const started = performance.now();
    const method = req.method ?? 'GET';
    const q = url.indexOf('?');
    const path = q < 0 ? url : url.slice(0, q);

    if (method === 'GET' && path.length > 6) {
      const encoded = path.slice(6);
      let der: Uint8Array;
      try {
        der = decodeOcspGetPath(encoded, maxBytes);
      } catch {
        // Not base64 at all: still an OCSP answer (RFC 6960 §2.3), not an HTTP error.
        send(res, responder.malformed(), true, req, started);
        return true;
      }
      responder.respond(der, encoded).then(
        (a) => send(res, a, true, req, started),
        (e) => fail(res, 'ocsp_get', method, started, e),
      );
      return true;
    }

    if (method === 'POST' && (path === '/ocsp' || path === '/ocsp/')) {
      const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
      if (type !== 'application/ocsp-request') {
        req.resume();
        sendProblem(res, problem('ERR_UNSUPPORTED_MEDIA_TYPE', 'OCSP requests are application/ocsp-request'));
        finish('ocsp_post', method, 415, started);
        return true;
      }
      const declared = Number(req.headers['content-length'] ?? 0);
      if (declared > maxBytes) {
        tooLarge(req, res);
        finish('ocsp_post', method, 413, started);
        return true;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      let rejected = false;
      req.on('data', (chunk: Buffer) => {
        if (rejected) return;
        size += chunk.length;
        if (size > maxBytes) {
          rejected = true;
          tooLarge(req, res);
          finish('ocsp_post', method, 413, started);
          return;
        }
        chunks.push(chunk);
      });
      req.on('end', () => {
        if (rejected) return;
        const body = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
        // The body itself is the memo key: repeated nonce-less requests skip decoding.
        responder.respond(body, body.length <= 512 ? body.toString('latin1') : undefined).then(
          (a) => send(res, a, false, req, started),
          (e) => fail(res, 'ocsp_post', method, started, e),
        );
      });
      req.on('error', () => res.destroy());
      return true;
    }

    req.resume();
    const allow = path === '/ocsp' || path === '/ocsp/' ? 'POST' : 'GET';
    sendProblem(res, problem('ERR_METHOD_NOT_ALLOWED', `Use ${allow} for ${path}`), { allow });
    finish('other', method, 405, started);
    return true;
  };
}

function tooLarge(req: IncomingMessage, res: ServerResponse): void {
  sendProblem(res, problem('ERR_PAYLOAD_TOO_LARGE', 'OCSP request too large'), { connection: 'close' });
  // Stop reading; the connection closes after the answer.
  req.unpipe();
  req.resume();
}
