/**
 * The portal over HTTP: the built SPA, its runtime `config.json`, security headers, and (when the
 * service URLs are given) the same-origin proxy to the CA (`/v1`) and the status service
 * (`/status`). Usable as a plain Node request listener, as express/connect middleware (`next` is
 * called for what the portal does not serve), or started on its own port.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { proxyRequest } from './proxy.js';
import {
  CA_PROXY_ROUTES,
  type ProxyAllowList,
  type ProxyRefusal,
  proxyAllowList,
  STATUS_PROXY_ROUTES,
} from './proxy-routes.js';
import { serveStatic } from './static-files.js';

/**
 * The folder with the built SPA (`apps/portal/dist`, made by `vite build`).
 * @example
 * ```ts
 * import express from 'express';
 * import { portalStaticDir } from '@kzpki/portal';
 * app.use('/portal', express.static(portalStaticDir()));
 * ```
 */
export function portalStaticDir(): string {
  // Both src/server/ and dist-server/server/ sit two levels below the package root.
  return fileURLToPath(new URL('../../dist/', import.meta.url));
}

/** What the SPA reads from `config.json`. */
export interface PortalRuntimeConfig {
  /** Base URL of the CA API; `''` = the page's origin (API at `/v1`). */
  caBaseUrl: string;
  /** Base URL of the status service; `/status` = through this server's proxy. */
  statusBaseUrl: string;
  /**
   * Where the pages look for NCALayer (default `wss://127.0.0.1:13579`, where the real one
   * listens; an emulator started with `--no-tls --port N` is `ws://127.0.0.1:N`); `''`: never.
   */
  ncalayerUrl: string;
}

/** Where NCALayer listens on the user's computer. */
export const NCALAYER_DEFAULT_URL = 'wss://127.0.0.1:13579';

/** Options of {@link createPortalHandler}. */
export interface PortalHandlerOptions {
  /** Proxy `/v1/*` to this CA (omit when the portal is mounted in the CA server itself). */
  caUrl?: string;
  /** Proxy `/status/*` to this status service. */
  statusUrl?: string;
  /** Folder to serve (default {@link portalStaticDir}). */
  staticDir?: string;
  /** Override what `config.json` says (default: `''`, `/status` and NCALayer's own address). */
  config?: Partial<PortalRuntimeConfig>;
  /** URL path prefix the portal is mounted under (e.g. `/portal`); default none. */
  basePath?: string;
}

/** A request listener that may pass requests on. */
export type PortalHandler = (
  req: IncomingMessage,
  res: ServerResponse,
  next?: (err?: unknown) => void,
) => void;

function origins(urls: Array<string | undefined>): string {
  const list = urls
    .filter((u): u is string => typeof u === 'string' && /^(?:https?|wss?):\/\//.test(u))
    .map((u) => new URL(u).origin);
  return [...new Set(list)].map((o) => ` ${o}`).join('');
}

/** The headers every portal page gets (the SPA needs nothing inline and no third parties). */
export function securityHeaders(config: PortalRuntimeConfig): Record<string, string> {
  return {
    'Content-Security-Policy':
      "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; " +
      `media-src 'self' blob: mediastream:; connect-src 'self'${origins([config.caBaseUrl, config.statusBaseUrl, config.ncalayerUrl])}; ` +
      "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'",
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Permissions-Policy': 'camera=(self), microphone=(), geolocation=()',
    'Cross-Origin-Opener-Policy': 'same-origin',
  };
}

function problem(res: ServerResponse, status: number, code: string, title: string): void {
  res.statusCode = status;
  res.setHeader('Content-Type', 'application/problem+json');
  res.end(JSON.stringify({ type: 'about:blank', title, status, code }));
}

function notFound(res: ServerResponse): void {
  problem(res, 404, 'ERR_NOT_FOUND', 'Not found');
}

const REFUSALS: Record<ProxyRefusal, [number, string, string]> = {
  malformed: [400, 'ERR_BAD_REQUEST_TARGET', 'The request path is not one the portal forwards'],
  'not-found': [404, 'ERR_NOT_FOUND', 'Not found'],
  'method-not-allowed': [405, 'ERR_METHOD_NOT_ALLOWED', 'Method not allowed'],
};

/** Forwards to `upstream` what `allow` admits; answers the refusal otherwise. */
function forward(
  allow: ProxyAllowList,
  upstream: URL,
  target: string,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const check = allow.check(req.method ?? 'GET', target);
  if (!check.ok) {
    const [status, code, title] = REFUSALS[check.refusal];
    req.resume(); // drain the body we will not forward
    problem(res, status, code, title);
    return Promise.resolve();
  }
  return proxyRequest(upstream, check.path + check.search, req, res);
}

/**
 * Builds the portal's request handler.
 * @example
 * ```ts
 * const handler = createPortalHandler({ caUrl: 'http://127.0.0.1:8080', statusUrl: 'http://127.0.0.1:8081' });
 * http.createServer(handler).listen(8082);
 * ```
 */
export function createPortalHandler(opts: PortalHandlerOptions = {}): PortalHandler {
  const root = opts.staticDir ?? portalStaticDir();
  const config: PortalRuntimeConfig = {
    caBaseUrl: '',
    statusBaseUrl: '/status',
    ncalayerUrl: NCALAYER_DEFAULT_URL,
    ...opts.config,
  };
  const headers = securityHeaders(config);
  const ca = opts.caUrl ? new URL(opts.caUrl) : undefined;
  const status = opts.statusUrl ? new URL(opts.statusUrl) : undefined;
  const base = (opts.basePath ?? '').replace(/\/+$/, '');
  const caRoutes = proxyAllowList(CA_PROXY_ROUTES);
  const statusRoutes = proxyAllowList(STATUS_PROXY_ROUTES);
  return (req, res, next) => {
    const raw = req.url ?? '/';
    const pass = (): void => (next ? next() : notFound(res));
    const run = async (): Promise<void> => {
      // Proxied targets are checked as the client sent them (raw), never after URL resolution.
      if (ca && (raw === '/v1' || raw.startsWith('/v1/') || raw.startsWith('/v1?'))) {
        return forward(caRoutes, ca, raw, req, res);
      }
      if (status && raw.startsWith('/status/')) {
        return forward(statusRoutes, status, raw.slice('/status'.length), req, res);
      }
      const url = new URL(raw.startsWith('/') ? raw : '/', 'http://portal.invalid');
      if (base && url.pathname !== base && !url.pathname.startsWith(`${base}/`)) return pass();
      const path = url.pathname.slice(base.length) || '/';
      if (base && url.pathname === base) {
        res.statusCode = 308;
        res.setHeader('Location', `${base}/${url.search}`);
        res.end();
        return;
      }
      if (path === '/config.json') {
        res.statusCode = 200;
        res.setHeader('Content-Type', 'application/json; charset=utf-8');
        res.setHeader('Cache-Control', 'no-store');
        res.end(JSON.stringify(config));
        return;
      }
      for (const [k, v] of Object.entries(headers)) res.setHeader(k, v);
      if (!(await serveStatic(root, path, req, res))) {
        for (const k of Object.keys(headers)) res.removeHeader(k);
        pass();
      }
    };
    run().catch((e: unknown) => {
      if (next) next(e);
      else if (!res.headersSent) {
        res.statusCode = 500;
        res.end();
      } else res.destroy();
    });
  };
}

/** A listening portal. */
export interface RunningPortal {
  /** Base URL, e.g. `http://127.0.0.1:8082`. */
  url: string;
  close(): Promise<void>;
}

/**
 * Starts the portal on its own port (default an ephemeral one on 127.0.0.1).
 * @example
 * ```ts
 * const portal = await startPortal({ caUrl: ca.url, statusUrl: status.url, port: 8082 });
 * console.log(`portal at ${portal.url}`);
 * ```
 */
export async function startPortal(
  opts: PortalHandlerOptions & { host?: string; port?: number } = {},
): Promise<RunningPortal> {
  const handler = createPortalHandler(opts);
  const server: Server = createServer((req, res) => handler(req, res));
  const host = opts.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
