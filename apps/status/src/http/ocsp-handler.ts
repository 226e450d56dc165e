/**
 * `/ocsp` on plain `node:http`, ahead of express: the OCSP path is the one answered thousands of
 * times a second, so it skips the middleware stack (routing, body parsers) that the JSON
 * endpoints need. RFC 6960 Appendix A: POST with `application/ocsp-request`, GET with the
 * base64 request in the path; answers are `application/ocsp-response` with HTTP 200, including
 * OCSP-level errors.
 *
 * The fast path: a GET (or a nonce-less POST) asked before, whose pre-produced response is
 * current, is answered synchronously from the responder's cache (`OcspResponder.cached`): no
 * promise, no decoding, and the response head (status, content type and length, caching headers)
 * built once per response and second, as a flat header list. What it sends is exactly what the
 * asynchronous path sends for the same request.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RouteLabel, StatusMetrics } from '../metrics/status-metrics.js';
import { decodeOcspGetPath } from '../ocsp/get-request.js';
import type { OcspAnswer, OcspResponder } from '../ocsp/responder.js';
import type { CachedResponse } from '../ocsp/response-cache.js';
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
 * The If-None-Match header(s), joined as Node joins them, read from `rawHeaders`: `req.headers`
 * builds an object of every header on first access, which the fast path does not need.
 */
function ifNoneMatch(req: IncomingMessage): string | undefined {
  const raw = req.rawHeaders;
  let found: string | undefined;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!;
    if (name.length === 13 && name.toLowerCase() === 'if-none-match') {
      found = found === undefined ? raw[i + 1]! : `${found}, ${raw[i + 1]!}`;
    }
  }
  return found;
}

/** The head of a cacheable GET answer, kept per response for the second it was built in. */
interface CachedHead {
  second: number;
  /** 200: content type and length, then the caching headers (flat name, value list). */
  ok: string[];
  /** 304: the caching headers only. */
  notModified: string[];
}

/**
 * The response heads of pre-produced answers. `max-age` counts down to nextUpdate in whole
 * seconds (producedAt and nextUpdate are whole seconds), so a head holds from one whole second
 * to the next; entries go with their response (a WeakMap: the cache decides how long it lives).
 */
function headBuilder(
  maxAge: number,
): (r: Pick<CachedResponse, 'etag' | 'producedAt' | 'nextUpdate' | 'der'>) => CachedHead {
  const heads = new WeakMap<object, CachedHead>();
  return (r) => {
    // The next whole second: max-age = floor(nextUpdate - now) is the same for all of it.
    const second = Math.ceil(Date.now() / 1000);
    const held = heads.get(r);
    if (held?.second === second) return held;
    const caching = Object.entries(
      cachingHeaders(
        { etag: r.etag, lastModified: r.producedAt, nextUpdate: r.nextUpdate },
        maxAge,
        second * 1000,
      ),
    ).flat();
    const head: CachedHead = {
      second,
      ok: ['content-type', OCSP_RESPONSE, 'content-length', String(r.der.length), ...caching],
      notModified: caching,
    };
    heads.set(r, head);
    return head;
  };
}

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
  const head = headBuilder(maxAge);

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

  /** A cacheable GET answer: 304 when the client holds it, else 200 with the bytes. */
  const sendCacheable = (
    res: ServerResponse,
    req: IncomingMessage,
    r: Pick<CachedResponse, 'etag' | 'producedAt' | 'nextUpdate' | 'der'>,
    started: number,
  ): void => {
    const h = head(r);
    const inm = ifNoneMatch(req);
    if (inm !== undefined && matchesIfNoneMatch(inm, r.etag)) {
      res.writeHead(304, h.notModified);
      res.end();
      finish('ocsp_get', 'GET', 304, started);
      return;
    }
    res.writeHead(200, h.ok);
    res.end(r.der);
    finish('ocsp_get', 'GET', 200, started);
  };

  /** A nonce-less POST answered from the cache: never cached by HTTP (RFC 5019 §5: GET is). */
  const sendPost = (res: ServerResponse, der: Uint8Array, started: number): void => {
    res.writeHead(200, [
      'content-type',
      OCSP_RESPONSE,
      'content-length',
      String(der.length),
      'cache-control',
      'no-store',
    ]);
    res.end(der);
    finish('ocsp_post', 'POST', 200, started);
  };

  const send = (
    res: ServerResponse,
    answer: OcspAnswer,
    get: boolean,
    req: IncomingMessage,
    started: number,
  ): void => {
    if (get && answer.cache) {
      const { etag, producedAt, nextUpdate } = answer.cache;
      sendCacheable(res, req, { etag, producedAt, nextUpdate, der: answer.der }, started);
      return;
    }
    res.writeHead(200, {
      'content-type': OCSP_RESPONSE,
      'content-length': answer.der.length,
      'cache-control': 'no-store',
    });
    res.end(answer.der);
    finish(get ? 'ocsp_get' : 'ocsp_post', get ? 'GET' : 'POST', 200, started);
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
      const hit = responder.cached(encoded);
      if (hit !== undefined) {
        sendCacheable(res, req, hit, started);
        return true;
      }
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
        const memoKey = body.length <= 512 ? body.toString('latin1') : undefined;
        const hit = memoKey === undefined ? undefined : responder.cached(memoKey);
        if (hit !== undefined) {
          sendPost(res, hit.der, started);
          return;
        }
        responder.respond(body, memoKey).then(
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
