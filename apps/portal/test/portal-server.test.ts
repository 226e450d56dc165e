/**
 * The portal server: static files confined to their folder, runtime config, security headers,
 * the same-origin proxy to the CA and the status service, mounting under a path and as
 * middleware.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, sep } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPortalHandler, type RunningPortal, resolveStaticPath, startPortal } from '../src/index.js';

let root: string;
let upstream: Server;
let upstreamUrl: string;
let portal: RunningPortal;

/** Echoes what it received. */
function echoServer(): Promise<Server> {
  const s = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      res.setHeader('content-type', 'application/json');
      res.setHeader('x-upstream', 'yes');
      res.statusCode = req.url?.includes('missing') ? 404 : 200;
      res.end(
        JSON.stringify({
          method: req.method,
          url: req.url,
          host: req.headers.host,
          proxyAuthorization: req.headers['proxy-authorization'] ?? null,
          authorization: req.headers.authorization ?? null,
          body: Buffer.concat(chunks).toString('utf8'),
        }),
      );
    });
  });
  return new Promise((resolve) => s.listen(0, '127.0.0.1', () => resolve(s)));
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'kzpki-portal-static-'));
  mkdirSync(join(root, 'assets'));
  writeFileSync(join(root, 'index.html'), '<!doctype html><title>portal</title>');
  writeFileSync(join(root, 'assets', 'index-abc123.js'), 'console.log(1)');
  writeFileSync(join(tmpdir(), 'kzpki-portal-secret.txt'), 'secret');
  upstream = await echoServer();
  upstreamUrl = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
  portal = await startPortal({ caUrl: upstreamUrl, statusUrl: `${upstreamUrl}/`, staticDir: root });
});

afterAll(async () => {
  await portal.close();
  await new Promise((r) => upstream.close(r));
  rmSync(root, { recursive: true, force: true });
});

describe('static files', () => {
  it('serves index.html with the security headers and revalidation', async () => {
    const r = await fetch(`${portal.url}/`);
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(r.headers.get('cache-control')).toBe('no-cache');
    const csp = r.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain('media-src');
    expect(r.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await r.text()).toContain('<title>portal</title>');
  });

  it('caches hashed assets for good and answers HEAD without a body', async () => {
    const r = await fetch(`${portal.url}/assets/index-abc123.js`);
    expect(r.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(r.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(await r.text()).toBe('console.log(1)');
    const h = await fetch(`${portal.url}/assets/index-abc123.js`, { method: 'HEAD' });
    expect(h.headers.get('content-length')).toBe('14');
    expect(await h.text()).toBe('');
  });

  it('never leaves the static folder', async () => {
    for (const path of [
      '/../kzpki-portal-secret.txt',
      '/%2e%2e/kzpki-portal-secret.txt',
      '/assets/%2e%2e/%2e%2e/kzpki-portal-secret.txt',
      '/..%2fkzpki-portal-secret.txt',
      '/..%5ckzpki-portal-secret.txt',
      '/%00index.html',
      '/%E0%A4%A',
    ]) {
      const r = await fetch(`${portal.url}${path}`);
      expect(r.status, path).toBe(404);
      expect(await r.text(), path).not.toContain('secret');
    }
  });

  it('resolveStaticPath keeps every decoded path inside the root', () => {
    const base = join(tmpdir(), 'portal-root');
    const alphabet = ['.', '..', '/', '%2e', '%2f', '%5c', 'a', 'assets', '%', '%00', '\\', '~'];
    for (let n = 0; n < 2000; n++) {
      const parts = Array.from(randomBytes(1 + (n % 8)), (b) => alphabet[b % alphabet.length]);
      const p = `/${parts.join('')}`;
      const resolved = resolveStaticPath(base, p);
      if (resolved !== undefined) expect(resolved.startsWith(base + sep), p).toBe(true);
    }
    expect(resolveStaticPath(base, '/')).toBe(join(base, 'index.html'));
    expect(resolveStaticPath(base, '/a/../b.js')).toBe(join(base, 'b.js'));
  });

  it('rejects other methods and unknown files', async () => {
    expect((await fetch(`${portal.url}/index.html`, { method: 'POST' })).status).toBe(404);
    const r = await fetch(`${portal.url}/nope.js`);
    expect(r.status).toBe(404);
    expect(r.headers.get('content-type')).toBe('application/problem+json');
    expect(r.headers.get('content-security-policy')).toBeNull();
  });

  it('serves the runtime config', async () => {
    const r = await fetch(`${portal.url}/config.json`);
    expect(r.headers.get('cache-control')).toBe('no-store');
    expect(await r.json()).toEqual({
      caBaseUrl: '',
      statusBaseUrl: '/status',
      ncalayerUrl: 'wss://127.0.0.1:13579',
    });
  });

  it('lets the pages reach NCALayer where it listens (the CSP names it), or where the config says', async () => {
    const index = await fetch(`${portal.url}/`);
    expect(index.headers.get('content-security-policy')).toContain(
      "connect-src 'self' wss://127.0.0.1:13579;",
    );
    const other = createPortalHandler({ staticDir: root, config: { ncalayerUrl: 'ws://127.0.0.1:13580' } });
    const server = createServer((req, res) => other(req, res));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      expect((await fetch(`${base}/`)).headers.get('content-security-policy')).toContain(
        "connect-src 'self' ws://127.0.0.1:13580;",
      );
      expect(
        ((await (await fetch(`${base}/config.json`)).json()) as { ncalayerUrl: string }).ncalayerUrl,
      ).toBe('ws://127.0.0.1:13580');
    } finally {
      await new Promise((r) => server.close(r));
    }
  });
});

describe('proxy', () => {
  it('forwards /v1 to the CA with method, query, body and credentials; drops hop-by-hop headers', async () => {
    const { status, headers, body } = await new Promise<{
      status: number;
      headers: Record<string, unknown>;
      body: string;
    }>((resolve, reject) => {
      const req = request(
        `${portal.url}/v1/applications?x=1`,
        {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            authorization: 'Bearer t0k',
            'proxy-authorization': 'Basic c2VjcmV0',
          },
        },
        (res) => {
          let text = '';
          res.on('data', (c: Buffer) => {
            text += c.toString('utf8');
          });
          res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
        },
      );
      req.on('error', reject);
      req.end(JSON.stringify({ iin: '850315300128' }));
    });
    expect(status).toBe(200);
    expect(headers['x-upstream']).toBe('yes');
    const echo = JSON.parse(body) as Record<string, string | null>;
    expect(echo).toMatchObject({
      method: 'POST',
      url: '/v1/applications?x=1',
      host: new URL(upstreamUrl).host,
      authorization: 'Bearer t0k',
      body: '{"iin":"850315300128"}',
    });
    expect(echo.proxyAuthorization).toBeNull();
  });

  it('forwards /status/* to the status service without the prefix, and passes statuses through', async () => {
    const r = await fetch(`${portal.url}/status/api/v1/key-check`, { method: 'POST', body: 'x' });
    expect(((await r.json()) as { url: string }).url).toBe('/api/v1/key-check');
    expect((await fetch(`${portal.url}/v1/missing`)).status).toBe(404);
  });

  it('answers 502 problem+json when the upstream is down', async () => {
    const dead = createServer();
    await new Promise<void>((r) => dead.listen(0, '127.0.0.1', () => r()));
    const deadUrl = `http://127.0.0.1:${(dead.address() as AddressInfo).port}`;
    await new Promise((r) => dead.close(r));
    const p = await startPortal({ caUrl: deadUrl, staticDir: root });
    try {
      const r = await fetch(`${p.url}/v1/health`);
      expect(r.status).toBe(502);
      expect(r.headers.get('content-type')).toBe('application/problem+json');
      expect(((await r.json()) as { code: string }).code).toBe('ERR_BAD_GATEWAY');
    } finally {
      await p.close();
    }
  });
});

describe('mounting', () => {
  it('under a base path, and as middleware that passes on what it does not serve', async () => {
    const handler = createPortalHandler({
      staticDir: root,
      basePath: '/portal',
      config: { statusBaseUrl: 'http://127.0.0.1:8081', ncalayerUrl: '' },
    });
    const passed: string[] = [];
    const server = createServer((req, res) =>
      handler(req, res, () => {
        passed.push(req.url ?? '');
        res.statusCode = 418;
        res.end();
      }),
    );
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const redirect = await fetch(`${base}/portal`, { redirect: 'manual' });
      expect(redirect.status).toBe(308);
      expect(redirect.headers.get('location')).toBe('/portal/');
      const index = await fetch(`${base}/portal/`);
      expect(index.status).toBe(200);
      expect(index.headers.get('content-security-policy')).toContain(
        "connect-src 'self' http://127.0.0.1:8081",
      );
      expect(await (await fetch(`${base}/portal/config.json`)).json()).toEqual({
        caBaseUrl: '',
        statusBaseUrl: 'http://127.0.0.1:8081',
        ncalayerUrl: '',
      });
      // Without caUrl, /v1 belongs to the host application.
      expect((await fetch(`${base}/v1/health`)).status).toBe(418);
      expect((await fetch(`${base}/portal/missing.js`)).status).toBe(418);
      expect(passed).toEqual(['/v1/health', '/portal/missing.js']);
    } finally {
      await new Promise((r) => server.close(r));
    }
  });
});
