/**
 * A small reverse proxy so the browser talks to one origin: `/v1/*` goes to the CA, `/status/*`
 * to the status service (neither sends CORS headers). Bodies are streamed both ways; hop-by-hop
 * headers are dropped; an unreachable upstream is a 502 problem+json.
 */
import {
  request as httpRequest,
  type IncomingMessage,
  type OutgoingHttpHeaders,
  type ServerResponse,
} from 'node:http';
import { request as httpsRequest } from 'node:https';

/** RFC 9110 §7.6.1 connection-specific fields (and `host`, which is set for the upstream). */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'host',
]);

function forwardable(headers: IncomingMessage['headers']): OutgoingHttpHeaders {
  const out: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined && !HOP_BY_HOP.has(name.toLowerCase())) out[name] = value;
  }
  return out;
}

/**
 * The upstream URL for a checked origin-form `target` (see `proxy-routes.ts`): the configured
 * upstream's origin and base path, then `target`, assembled as text so that no `target` can name
 * another host (`new URL(target, upstream)` would let `//host/...` do exactly that).
 */
export function upstreamUrl(upstream: URL, target: string): URL {
  if (!target.startsWith('/') || target.startsWith('//') || target.includes('\\')) {
    throw new TypeError(`Not an origin-form request target: ${JSON.stringify(target)}`);
  }
  const url = new URL(`${upstream.origin}${upstream.pathname.replace(/\/+$/, '')}${target}`);
  if (url.origin !== upstream.origin) throw new TypeError('The request target names another origin');
  return url;
}

/**
 * Forwards `req` to `upstream` + `path` (path and query of the upstream request, already checked
 * against the allow-list) and streams the answer back.
 */
export function proxyRequest(
  upstream: URL,
  path: string,
  req: IncomingMessage,
  res: ServerResponse,
  timeoutMs = 60_000,
): Promise<void> {
  return new Promise((resolve) => {
    const target = upstreamUrl(upstream, path);
    const request = target.protocol === 'https:' ? httpsRequest : httpRequest;
    const headers = forwardable(req.headers);
    headers.host = target.host;
    // The portal is the client's first hop: what the client claims about earlier hops is dropped.
    delete headers['x-forwarded-for'];
    delete headers.forwarded;
    const forwarded = req.socket.remoteAddress;
    if (forwarded) headers['x-forwarded-for'] = forwarded;
    const out = request(target, { method: req.method ?? 'GET', headers, timeout: timeoutMs }, (answer) => {
      res.statusCode = answer.statusCode ?? 502;
      for (const [name, value] of Object.entries(answer.headers)) {
        if (value !== undefined && !HOP_BY_HOP.has(name.toLowerCase())) res.setHeader(name, value);
      }
      answer.pipe(res);
      answer.on('end', () => resolve());
      answer.on('error', () => {
        res.destroy();
        resolve();
      });
    });
    out.on('timeout', () => out.destroy(new Error('upstream timeout')));
    out.on('error', () => {
      if (!res.headersSent) {
        res.statusCode = 502;
        res.setHeader('Content-Type', 'application/problem+json');
        res.end(
          JSON.stringify({
            type: 'https://kzpki.dev/problems/bad-gateway',
            title: 'Upstream service unavailable',
            status: 502,
            code: 'ERR_BAD_GATEWAY',
            detail: `${upstream.origin} did not answer`,
          }),
        );
      } else {
        res.destroy();
      }
      resolve();
    });
    req.pipe(out);
  });
}
