/**
 * A loopback HTTP server answering with fixed responses, to exercise the client's handling of
 * what services send (problem+json, other errors, broken bodies) over real fetch and sockets.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A response to send. */
export interface Reply {
  status: number;
  headers?: Record<string, string>;
  body?: string;
}

/** A running test server. */
export interface TestServer {
  url: string;
  /** Requests received (method, path and query, headers, body). */
  requests: Array<{ method: string; url: string; headers: IncomingMessage['headers']; body: string }>;
  close(): Promise<void>;
}

/** Starts a server on 127.0.0.1 that answers each request with `reply(request)`. */
export async function startServer(reply: (method: string, url: string) => Reply): Promise<TestServer> {
  const requests: TestServer['requests'] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let body = '';
    req.on('data', (c: Buffer) => {
      body += c.toString('utf8');
    });
    req.on('end', () => {
      requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      const r = reply(req.method ?? '', req.url ?? '');
      res.writeHead(r.status, r.headers ?? {});
      res.end(r.body ?? '');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** A problem+json reply. */
export function problem(
  status: number,
  body: Record<string, unknown>,
  headers: Record<string, string> = {},
): Reply {
  return {
    status,
    headers: { 'content-type': 'application/problem+json', ...headers },
    body: JSON.stringify(body),
  };
}

/** A JSON reply. */
export function json(status: number, body: unknown): Reply {
  return { status, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
}
