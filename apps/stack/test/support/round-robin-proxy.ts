/**
 * A small round-robin HTTP proxy on loopback for the multi-node test, behaving as a plain load
 * balancer would: each request goes to the next upstream; an upstream that refuses the connection
 * is marked down and the request tries the next one (nothing was sent yet, so that is safe); an
 * upstream that fails after the request was sent makes the proxy close the client's connection
 * (the client sees a network error and retries idempotently, or not). A `route` hook may pin a
 * request to one upstream (the test pins the issuance it interrupts).
 */
import {
  createServer,
  request as httpRequest,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';

/** A running proxy. */
export interface RoundRobinProxy {
  url: string;
  /** Requests forwarded per upstream index. */
  readonly forwarded: number[];
  /** Upstreams seen refusing connections. */
  readonly down: Set<number>;
  /** Returns an upstream index for a request, or `undefined` for round robin. */
  route?: (req: IncomingMessage) => number | undefined;
  close(): Promise<void>;
}

/** Request headers without the hop-by-hop ones (RFC 9110 §7.6.1). */
function withoutHopByHop(headers: IncomingMessage['headers']): IncomingMessage['headers'] {
  const { connection: _c, 'keep-alive': _k, ...rest } = headers;
  return rest;
}

/** Starts a proxy in front of `upstreams` (base URLs). */
export async function startRoundRobinProxy(upstreams: readonly string[]): Promise<RoundRobinProxy> {
  const targets = upstreams.map((u) => new URL(u));
  let next = 0;
  const proxy: RoundRobinProxy = {
    url: '',
    forwarded: upstreams.map(() => 0),
    down: new Set(),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };

  const forward = (req: IncomingMessage, res: ServerResponse, body: Buffer, tried: Set<number>): void => {
    const pinned = proxy.route?.(req);
    let index = pinned;
    if (index === undefined) {
      for (let k = 0; k < targets.length; k++) {
        const i = (next + k) % targets.length;
        if (!proxy.down.has(i) && !tried.has(i)) {
          index = i;
          next = i + 1;
          break;
        }
      }
    }
    if (index === undefined || tried.has(index)) {
      res.writeHead(502, { 'content-type': 'text/plain' });
      res.end('no upstream');
      return;
    }
    tried.add(index);
    const target = targets[index]!;
    let sent = false;
    const upstream = httpRequest(
      {
        host: target.hostname,
        port: target.port,
        // A connection per request: "connected" then means this request reached the upstream.
        agent: false,
        method: req.method,
        path: req.url,
        headers: {
          ...withoutHopByHop(req.headers),
          host: target.host,
          'x-forwarded-for': req.socket.remoteAddress ?? '',
        },
      },
      (up) => {
        // Connection management is hop by hop (RFC 9110 §7.6.1): the upstream's `Keep-Alive:
        // timeout=5` passed on would let the client reuse a connection this proxy closes after 1 s,
        // and a request sent on it as it closes fails ("fetch failed").
        const { connection: _c, 'keep-alive': _k, ...headers } = up.headers;
        res.writeHead(up.statusCode ?? 502, headers);
        up.pipe(res);
        up.on('error', () => res.destroy());
      },
    );
    upstream.on('socket', (socket) => {
      socket.once('connect', () => {
        sent = true;
        proxy.forwarded[index]! += 1;
      });
    });
    upstream.on('error', (e: NodeJS.ErrnoException) => {
      if (!sent && (e.code === 'ECONNREFUSED' || e.code === 'ECONNRESET')) {
        proxy.down.add(index);
        forward(req, res, body, tried);
        return;
      }
      // The request may have reached the upstream: only the client may decide to retry.
      res.destroy();
    });
    upstream.end(body);
  };

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => forward(req, res, Buffer.concat(chunks), new Set()));
  });
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  proxy.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return proxy;
}
