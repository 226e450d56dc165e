/**
 * The portal's proxy is not an open proxy: an SSRF payload list sent as raw request lines (fetch
 * would normalise them) never reaches another host, never reaches an upstream path outside the
 * specs' operations, and gets a 4xx problem; the allow-lists equal the OpenAPI specs.
 */
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { type AddressInfo, connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { type RunningPortal, startPortal } from '../src/index.js';
import { CA_PROXY_ROUTES, proxyAllowList, STATUS_PROXY_ROUTES } from '../src/server/proxy-routes.js';

interface Recorder {
  server: Server;
  port: number;
  seen: string[];
}

async function recorder(): Promise<Recorder> {
  const seen: string[] = [];
  const server = createServer((req: IncomingMessage, res) => {
    seen.push(`${req.method} ${req.url}`);
    req.resume();
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ url: req.url, method: req.method }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return { server, port: (server.address() as AddressInfo).port, seen };
}

/** Sends one raw HTTP/1.1 request and returns the status code and body. */
function raw(port: number, requestLine: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => {
      socket.write(
        `${requestLine}\r\nHost: 127.0.0.1:${port}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`,
      );
    });
    let text = '';
    socket.on('data', (c: Buffer) => {
      text += c.toString('latin1');
    });
    socket.on('end', () => {
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0);
      resolve({ status, body: text.slice(text.indexOf('\r\n\r\n') + 4) });
    });
    socket.on('error', reject);
  });
}

let ca: Recorder;
let status: Recorder;
let victim: Recorder;
let portal: RunningPortal;
let portalPort: number;

beforeAll(async () => {
  [ca, status, victim] = await Promise.all([recorder(), recorder(), recorder()]);
  portal = await startPortal({
    caUrl: `http://127.0.0.1:${ca.port}`,
    statusUrl: `http://127.0.0.1:${status.port}`,
    staticDir: '/nonexistent-kzpki-portal-static',
  });
  portalPort = Number(new URL(portal.url).port);
});

afterAll(async () => {
  await portal.close();
  for (const r of [ca, status, victim]) await new Promise((done) => r.server.close(done));
});

describe('SSRF payloads', () => {
  const payloads = (v: number): string[] => [
    `GET /status//127.0.0.1:${v}/x HTTP/1.1`,
    `GET /status/\\\\127.0.0.1:${v}/x HTTP/1.1`,
    `GET /status/\\127.0.0.1:${v}/x HTTP/1.1`,
    `GET /status/%5C%5C127.0.0.1:${v}/x HTTP/1.1`,
    `GET /status/%2F%2F127.0.0.1:${v}/x HTTP/1.1`,
    `GET /status/%2f%2f127.0.0.1:${v}/ HTTP/1.1`,
    `GET /status/http://127.0.0.1:${v}/ HTTP/1.1`,
    `GET /status/@127.0.0.1:${v}/ HTTP/1.1`,
    `GET /v1//127.0.0.1:${v}/x HTTP/1.1`,
    `GET /v1/\\\\127.0.0.1:${v}/x HTTP/1.1`,
    `GET /v1/health@127.0.0.1:${v} HTTP/1.1`,
    `GET /v1/../../127.0.0.1:${v} HTTP/1.1`,
    `GET /v1/%2e%2e/%2e%2e/metrics HTTP/1.1`,
    `GET /v1/applications/%2E%2E HTTP/1.1`,
    `GET /status/ocsp/..%2F..%2Fmetrics HTTP/1.1`,
    `GET /status/ocsp/%2e%2e/metrics HTTP/1.1`,
    `GET /status/metrics HTTP/1.1`,
    `GET /status/ready HTTP/1.1`,
    `GET /status/crl/x.crl%00.txt HTTP/1.1`,
    `GET /status/ca/%0d%0aX-Injected:%201.crt HTTP/1.1`,
    `TRACE /status/health HTTP/1.1`,
    `DELETE /v1/applications HTTP/1.1`,
    `PUT /v1/applications/abc HTTP/1.1`,
    `GET http://127.0.0.1:${v}/v1/health HTTP/1.1`,
  ];

  it('reach neither another host nor an unlisted upstream path, and get a 4xx', async () => {
    for (const line of payloads(victim.port)) {
      const r = await raw(portalPort, line);
      expect(r.status, line).toBeGreaterThanOrEqual(400);
      expect(r.status, line).toBeLessThan(500);
    }
    // CONNECT is not served at all: the connection is closed without an answer.
    expect((await raw(portalPort, `CONNECT 127.0.0.1:${victim.port} HTTP/1.1`)).status).toBe(0);
    expect(victim.seen).toEqual([]);
    expect(ca.seen).toEqual([]);
    expect(status.seen).toEqual([]);
  });

  it('refuse with the kind of error that says why', async () => {
    expect((await raw(portalPort, `GET /status//127.0.0.1:${victim.port}/x HTTP/1.1`)).status).toBe(400);
    expect((await raw(portalPort, 'GET /v1/%2e%2e/x HTTP/1.1')).status).toBe(400);
    expect((await raw(portalPort, 'GET /status/metrics HTTP/1.1')).status).toBe(404);
    const r = await raw(portalPort, 'TRACE /status/health HTTP/1.1');
    expect(r.status).toBe(405);
    expect(JSON.parse(r.body)).toMatchObject({ code: 'ERR_METHOD_NOT_ALLOWED', status: 405 });
  });

  it('still forwards what the specs describe, to the configured upstream only', async () => {
    const before = { ca: ca.seen.length, status: status.seen.length };
    expect((await raw(portalPort, 'GET /v1/health HTTP/1.1')).status).toBe(200);
    expect((await raw(portalPort, 'POST /v1/applications/7a1f/otp/verification HTTP/1.1')).status).toBe(200);
    // RFC 5019 GET: base64 with %2F and %2B escapes (and a decoded `//`).
    const ocsp = 'GET /status/ocsp/MEIwQDA%2BMDwwOjAJBgUrDgMCGgUABBT%2F%2Fw%3D%3D HTTP/1.1';
    expect((await raw(portalPort, ocsp)).status).toBe(200);
    expect((await raw(portalPort, 'GET /status/crl/kzpki-test-issuing-rsa-delta.crl HTTP/1.1')).status).toBe(
      200,
    );
    expect(ca.seen.slice(before.ca)).toEqual([
      'GET /v1/health',
      'POST /v1/applications/7a1f/otp/verification',
    ]);
    expect(status.seen.slice(before.status)).toEqual([
      'GET /ocsp/MEIwQDA%2BMDwwOjAJBgUrDgMCGgUABBT%2F%2Fw%3D%3D',
      'GET /crl/kzpki-test-issuing-rsa-delta.crl',
    ]);
    expect(victim.seen).toEqual([]);
  });
});

describe('allow-lists', () => {
  function specOperations(file: string): string[] {
    const spec = parse(readFileSync(new URL(`../../../openapi/${file}`, import.meta.url), 'utf8')) as {
      paths: Record<string, Record<string, unknown>>;
    };
    const out: string[] = [];
    for (const [path, item] of Object.entries(spec.paths)) {
      for (const method of Object.keys(item)) {
        if (['get', 'post', 'put', 'patch', 'delete'].includes(method))
          out.push(`${method.toUpperCase()} ${path}`);
      }
    }
    return out.sort();
  }

  it('the CA list is every operation of openapi/ca.yaml', () => {
    expect(CA_PROXY_ROUTES.map(([m, p]) => `${m} ${p}`).sort()).toEqual(specOperations('ca.yaml'));
  });

  it('the status list is the spec minus the internal operations', () => {
    const internal = ['GET /metrics', 'GET /ready'];
    expect(STATUS_PROXY_ROUTES.map(([m, p]) => `${m} ${p}`).sort()).toEqual(
      specOperations('status.yaml').filter((o) => !internal.includes(o)),
    );
  });

  it('matches parameters within one segment, and the OCSP request across segments', () => {
    const list = proxyAllowList(STATUS_PROXY_ROUTES);
    expect(list.check('GET', '/ocsp/MEI/w==')).toEqual({ ok: true, path: '/ocsp/MEI/w==', search: '' });
    expect(list.check('GET', '/crl/a/b.crl')).toEqual({ ok: false, refusal: 'not-found' });
    expect(list.check('GET', '/api/v1/applications/12345678901234?x=1')).toEqual({
      ok: true,
      path: '/api/v1/applications/12345678901234',
      search: '?x=1',
    });
    expect(list.check('GET', '/health#x')).toEqual({ ok: false, refusal: 'not-found' });
    expect(list.check('GET', '/health?a#b')).toEqual({ ok: false, refusal: 'malformed' });
    expect(list.check('GET', '/%E0%A4%A')).toEqual({ ok: false, refusal: 'malformed' });
  });

  it('answers at once for long parameters that almost match a route (no backtracking blow-up)', () => {
    // A serial number of 64 hex digits followed by a tail no route has: with nested quantifiers
    // the matcher would try every split of the 64 characters (2^64 ways) and never return.
    const ca = proxyAllowList(CA_PROXY_ROUTES);
    const serial = 'ab'.repeat(32);
    expect(ca.check('POST', `/v1/cabinet/certificates/${serial}/revocation`)).toMatchObject({ ok: true });
    expect(ca.check('POST', `/v1/cabinet/certificates/${serial}/revocationX`)).toEqual({
      ok: false,
      refusal: 'not-found',
    });
    expect(ca.check('POST', `/v1/cabinet/certificates/${serial}%41%42/nothing-here`)).toEqual({
      ok: false,
      refusal: 'not-found',
    });
    const status = proxyAllowList(STATUS_PROXY_ROUTES);
    const ocsp = `/ocsp/${'MEIwQDA+MDwwOjAJBgUrDgMCGgUABBQ'.repeat(8)}/x y`;
    expect(status.check('GET', ocsp)).toEqual({ ok: false, refusal: 'malformed' });
    expect(status.check('GET', `/ocsp/${'A'.repeat(80)}/${'B'.repeat(80)}/!`)).toMatchObject({ ok: true });
    expect(status.check('GET', `/crl/${'a'.repeat(80)}-delta.crlx`)).toEqual({
      ok: false,
      refusal: 'not-found',
    });
  });
});
