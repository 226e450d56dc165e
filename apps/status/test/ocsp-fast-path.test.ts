/**
 * The OCSP fast path: a GET (or nonce-less POST) asked before is answered from the cache without
 * `OcspResponder.respond` (no promise, no decoding), with the same bytes and headers as the
 * asynchronous path, 304 for a matching If-None-Match; a revocation takes it off the fast path
 * until the cache caught up (then `revoked`); a source that cannot say its change sequence
 * synchronously never takes it.
 */
import { createOcspRequest, type IssuedCertificate, parseOcspResponse, toBase64 } from '@kzpki/pki';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type RunningStatusServer, type StatusServer, startStatus } from '../src/server.js';
import { MemoryStatusSource } from '../src/source/memory-source.js';
import { ISSUING_ID, makeHierarchy, type TestHierarchy } from './support/hierarchy.js';

let h: TestHierarchy;
let source: MemoryStatusSource;
let running: RunningStatusServer & { server: StatusServer };
let cert: IssuedCertificate;

beforeAll(async () => {
  h = await makeHierarchy();
  source = new MemoryStatusSource(h.material);
  cert = await h.issue();
  source.addCertificate(ISSUING_ID, cert.serialHex);
  await h.publishCrls(source, 1n, []);
  running = await startStatus({ source, port: 0 });
});
afterAll(() => running?.close());

async function getPath(c: IssuedCertificate): Promise<string> {
  const req = await createOcspRequest({ certificate: c.der, issuer: h.issuing.cert.der, nonce: false });
  return `/ocsp/${encodeURIComponent(toBase64(req.der))}`;
}

const CACHING = ['content-type', 'content-length', 'cache-control', 'etag', 'last-modified', 'expires'];

describe('the OCSP fast path', () => {
  it('answers a repeated GET without the asynchronous path, with the same bytes and headers', async () => {
    const respond = vi.spyOn(running.server.responder, 'respond');
    const path = await getPath(cert);
    const first = await fetch(running.url + path);
    const firstBody = new Uint8Array(await first.arrayBuffer());
    expect(respond).toHaveBeenCalledTimes(1);
    const second = await fetch(running.url + path);
    const secondBody = new Uint8Array(await second.arrayBuffer());
    expect(respond).toHaveBeenCalledTimes(1); // served from the cache, synchronously
    expect(second.status).toBe(200);
    expect(Buffer.from(secondBody).equals(Buffer.from(firstBody))).toBe(true);
    for (const name of CACHING.filter((n) => n !== 'cache-control')) {
      expect(second.headers.get(name), name).toBe(first.headers.get(name));
    }
    // max-age counts down to nextUpdate, so it may be a second less; the rest is the same.
    const maxAge = (r: Response) => Number(/max-age=(\d+)/.exec(r.headers.get('cache-control') ?? '')?.[1]);
    expect(Math.abs(maxAge(second) - maxAge(first))).toBeLessThanOrEqual(1);
    expect(second.headers.get('cache-control')?.replace(/max-age=\d+/, '')).toBe(
      first.headers.get('cache-control')?.replace(/max-age=\d+/, ''),
    );
    expect(parseOcspResponse(secondBody).responses[0]?.status.type).toBe('good');

    // If-None-Match with the entity tag: 304 with the caching headers and no body.
    const cached = await fetch(running.url + path, {
      headers: { 'if-none-match': second.headers.get('etag')! },
    });
    expect(cached.status).toBe(304);
    expect(cached.headers.get('etag')).toBe(second.headers.get('etag'));
    expect((await cached.arrayBuffer()).byteLength).toBe(0);
    expect(respond).toHaveBeenCalledTimes(1);
    respond.mockRestore();
  });

  it('answers a repeated nonce-less POST from the cache too, never cacheable by HTTP', async () => {
    const other = await h.issue();
    source.addCertificate(ISSUING_ID, other.serialHex);
    const respond = vi.spyOn(running.server.responder, 'respond');
    const req = await createOcspRequest({ certificate: other.der, issuer: h.issuing.cert.der, nonce: false });
    const post = () =>
      fetch(`${running.url}/ocsp`, {
        method: 'POST',
        headers: { 'content-type': 'application/ocsp-request' },
        body: Buffer.from(req.der),
      });
    const a = await post();
    const aBody = new Uint8Array(await a.arrayBuffer());
    const b = await post();
    const bBody = new Uint8Array(await b.arrayBuffer());
    expect(respond).toHaveBeenCalledTimes(1);
    expect(Buffer.from(bBody).equals(Buffer.from(aBody))).toBe(true);
    expect(b.headers.get('cache-control')).toBe('no-store');
    expect(b.headers.get('content-type')).toBe('application/ocsp-response');
    respond.mockRestore();
  });

  it('leaves the fast path when the revocation sequence moved, and answers revoked', async () => {
    const path = await getPath(cert);
    await fetch(running.url + path); // cached (good)
    const respond = vi.spyOn(running.server.responder, 'respond');
    source.revoke(ISSUING_ID, cert.serialHex, { reason: 'keyCompromise', revokedAt: new Date() });
    const after = new Uint8Array(await (await fetch(running.url + path)).arrayBuffer());
    expect(respond).toHaveBeenCalledTimes(1);
    expect(parseOcspResponse(after).responses[0]?.status.type).toBe('revoked');
    // The new answer is on the fast path again.
    const again = new Uint8Array(await (await fetch(running.url + path)).arrayBuffer());
    expect(respond).toHaveBeenCalledTimes(1);
    expect(Buffer.from(again).equals(Buffer.from(after))).toBe(true);
    respond.mockRestore();
  });

  it('is never taken with a source that cannot say its change sequence at once', async () => {
    const slow = new MemoryStatusSource(h.material);
    slow.addCertificate(ISSUING_ID, cert.serialHex);
    await h.publishCrls(slow, 1n, []);
    Object.defineProperty(slow, 'changeSeqNow', { value: undefined });
    const server = await startStatus({ source: slow, port: 0 });
    try {
      const respond = vi.spyOn(server.server.responder, 'respond');
      const path = await getPath(cert);
      for (let i = 0; i < 3; i++) expect((await fetch(server.url + path)).status).toBe(200);
      expect(respond).toHaveBeenCalledTimes(3);
    } finally {
      await server.close();
    }
  });
});
