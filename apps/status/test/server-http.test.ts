import {
  createOcspRequest,
  type IssuedCertificate,
  parseCrl,
  parseOcspResponse,
  toBase64,
  toBase64Url,
} from '@kzpki/pki';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OpenApiValidator } from '../src/http/openapi.js';
import { type RunningStatusServer, startStatus } from '../src/server.js';
import { MemoryStatusSource } from '../src/source/memory-source.js';
import type { ApplicationStatusView } from '../src/source/status-source.js';
import { ISSUING_ID, makeHierarchy, ROOT_ID, type TestHierarchy } from './support/hierarchy.js';

const APPLICATION: ApplicationStatusView = {
  user: { kind: 'individual', iin: '********1427', fullName: 'Т. Т. Т.' },
  application: {
    number: '27888601100404',
    createdAt: '2026-01-10T10:00:00.000Z',
    template: 'individual',
    templateTitle: { ru: 'Физическое лицо', kk: 'Жеке тұлға', en: 'Individual' },
    kind: 'individual',
    status: 'issued',
    statusText: {
      ru: 'Выпущенные регистрационные свидетельства (сертификаты) по заявке',
      kk: 'Өтінім бойынша шығарылған тіркеу куәліктері (сертификаттар)',
      en: 'Registration certificates issued for the application',
    },
  },
  history: [
    {
      status: 'issued',
      at: '2026-01-10T10:07:00.000Z',
      text: {
        ru: 'Выпущенные регистрационные свидетельства (сертификаты) по заявке',
        kk: 'Өтінім бойынша шығарылған тіркеу куәліктері (сертификаттар)',
        en: 'Registration certificates issued for the application',
      },
    },
  ],
};

describe('status server over HTTP', () => {
  const spec = OpenApiValidator.load();
  let h: TestHierarchy;
  let source: MemoryStatusSource;
  let server: RunningStatusServer;
  let good: IssuedCertificate;
  let revoked: IssuedCertificate;

  /** Fetches, checks the response against openapi/status.yaml, returns status, headers and body. */
  async function call(operationId: string, path: string, init: RequestInit = {}) {
    const res = await fetch(server.url + path, init);
    const type = res.headers.get('content-type') ?? undefined;
    const raw = new Uint8Array(await res.arrayBuffer());
    const body = type?.includes('json') ? JSON.parse(new TextDecoder().decode(raw)) : raw;
    expect(spec.checkResponse(operationId, res.status, type, body)).toEqual([]);
    return { status: res.status, headers: res.headers, body };
  }

  beforeAll(async () => {
    h = await makeHierarchy();
    source = new MemoryStatusSource(h.material);
    good = await h.issue();
    revoked = await h.issue();
    source.addCertificate(ISSUING_ID, good.serialHex);
    source.revoke(ISSUING_ID, revoked.serialHex, {
      reason: 'affiliationChanged',
      revokedAt: new Date('2026-01-02T03:04:05Z'),
    });
    source.putApplication(APPLICATION);
    // The CA signs and hands over its CRLs; the service serves them.
    await h.publishCrls(source, 1n, [
      {
        serial: revoked.serialHex,
        revocationDate: new Date('2026-01-02T03:04:05Z'),
        reason: 'affiliationChanged',
      },
    ]);
    server = await startStatus({
      source,
      port: 0,
      publicUrl: 'http://127.0.0.1:8081',
      applicationRateLimit: { capacity: 4, refillPerSecond: 1 / 60 },
      maxUploadBytes: 8192,
    });
  });
  afterAll(() => server?.close());

  it('serves OCSP by GET in every URL encoding, with RFC 5019 caching headers and 304', async () => {
    const req = await createOcspRequest({ certificate: good.der, issuer: h.issuing.cert.der, nonce: false });
    const b64 = toBase64(req.der);
    const encodings = [encodeURIComponent(b64), b64, toBase64Url(req.der)];
    let etag = '';
    for (const e of encodings) {
      const r = await call('ocspGet', `/ocsp/${e}`);
      expect(r.status).toBe(200);
      expect(parseOcspResponse(r.body).responses[0]!.status).toEqual({ type: 'good' });
      const cc = r.headers.get('cache-control')!;
      expect(cc).toMatch(/^public, max-age=\d+, no-transform, must-revalidate$/);
      const maxAge = Number(/max-age=(\d+)/.exec(cc)![1]);
      const expires = Date.parse(r.headers.get('expires')!);
      expect(maxAge).toBeGreaterThan(0);
      expect(Date.now() + maxAge * 1000).toBeLessThanOrEqual(expires + 1000); // never beyond nextUpdate
      expect(Date.parse(r.headers.get('last-modified')!)).toBeLessThanOrEqual(Date.now());
      etag = r.headers.get('etag')!;
    }
    const again = await call('ocspGet', `/ocsp/${encodings[0]}`, { headers: { 'if-none-match': etag } });
    expect(again.status).toBe(304);
  });

  it('serves OCSP by POST; errors stay OCSP responses; HTTP errors only for HTTP problems', async () => {
    const req = await createOcspRequest({ certificate: revoked.der, issuer: h.issuing.cert.der });
    const r = await call('ocspPost', '/ocsp', {
      method: 'POST',
      headers: { 'content-type': 'application/ocsp-request' },
      body: req.der as Uint8Array<ArrayBuffer>,
    });
    expect(r.status).toBe(200);
    expect(r.headers.get('cache-control')).toBe('no-store');
    const parsed = parseOcspResponse(r.body);
    expect(parsed.nonce).toEqual(req.nonce);
    expect(parsed.responses[0]!.status).toEqual({
      type: 'revoked',
      revocationTime: new Date('2026-01-02T03:04:05Z'),
      reason: 'affiliationChanged',
    });

    const garbage = await call('ocspPost', '/ocsp', {
      method: 'POST',
      headers: { 'content-type': 'application/ocsp-request' },
      body: new Uint8Array([0x30, 0x03, 0x01, 0x02]),
    });
    expect(parseOcspResponse(garbage.body).status).toBe('malformedRequest');
    const notBase64 = await call('ocspGet', '/ocsp/%%%not-base64');
    expect(parseOcspResponse(notBase64.body).status).toBe('malformedRequest');

    const wrongType = await call('ocspPost', '/ocsp', {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: 'x',
    });
    expect(wrongType).toMatchObject({ status: 415, body: { code: 'ERR_UNSUPPORTED_MEDIA_TYPE' } });
    const huge = await call('ocspPost', '/ocsp', {
      method: 'POST',
      headers: { 'content-type': 'application/ocsp-request' },
      body: new Uint8Array(100_000),
    });
    expect(huge).toMatchObject({ status: 413, body: { code: 'ERR_PAYLOAD_TOO_LARGE' } });
    const del = await fetch(`${server.url}/ocsp`, { method: 'DELETE' });
    expect(del.status).toBe(405);
    expect(del.headers.get('allow')).toBe('POST');
  });

  it('serves full and delta CRLs and CA certificates as DER with caching headers', async () => {
    const full = await call('getFullCrl', `/crl/${ISSUING_ID}.crl`);
    expect(full.status).toBe(200);
    const crl = parseCrl(full.body);
    expect(crl.find(revoked.serialHex)?.reason).toBe('affiliationChanged');
    expect(crl.freshestCrlUrls).toEqual([`http://127.0.0.1:8081/crl/${ISSUING_ID}-delta.crl`]);
    expect(full.headers.get('etag')).toBeTruthy();
    expect(Date.parse(full.headers.get('expires')!)).toBe(crl.nextUpdate!.getTime());
    expect(Date.parse(full.headers.get('last-modified')!)).toBe(crl.thisUpdate.getTime());
    const cached = await call('getFullCrl', `/crl/${ISSUING_ID}.crl`, {
      headers: { 'if-none-match': full.headers.get('etag')! },
    });
    expect(cached.status).toBe(304);

    const delta = await call('getDeltaCrl', `/crl/${ISSUING_ID}-delta.crl`);
    expect(parseCrl(delta.body).baseCrlNumber).toBe(crl.crlNumber);
    expect((await call('getFullCrl', `/crl/${ROOT_ID}.crl`)).status).toBe(200);

    // A newer CRL from the CA is served from the next download on, under a new entity tag.
    await source.publishCrl(ISSUING_ID, await h.signCrl('issuing', { crlNumber: 5n }));
    const newer = await call('getFullCrl', `/crl/${ISSUING_ID}.crl`, {
      headers: { 'if-none-match': full.headers.get('etag')! },
    });
    expect(newer.status).toBe(200);
    expect(parseCrl(newer.body).crlNumber).toBe(5n);
    expect(newer.headers.get('etag')).not.toBe(full.headers.get('etag'));

    const ca = await call('getCaCertificate', `/ca/${ISSUING_ID}.crt`);
    expect(ca.status).toBe(200);
    expect(ca.body).toEqual(h.issuing.cert.der);
    expect(ca.headers.get('content-type')).toBe('application/pkix-cert');

    expect((await call('getFullCrl', '/crl/nobody.crl')).body.code).toBe('ERR_ISSUER_UNKNOWN');
    expect((await call('getCaCertificate', '/ca/nobody.crt')).body.code).toBe('ERR_ISSUER_UNKNOWN');
  });

  it('shows the application status page, and rate-limits lookups (misses cost more)', async () => {
    const r = await call('getApplicationStatus', '/api/v1/applications/27888601100404');
    expect(r.status).toBe(200);
    expect(r.body).toEqual(APPLICATION);
    const bad = await call('getApplicationStatus', '/api/v1/applications/123');
    expect(bad).toMatchObject({ status: 400, body: { code: 'ERR_VALIDATION' } });
    expect(bad.body.errors[0]).toMatchObject({ location: 'path', path: '/number' });
    const miss = await call('getApplicationStatus', '/api/v1/applications/11111111111111');
    expect(miss).toMatchObject({ status: 404, body: { code: 'ERR_APPLICATION_NOT_FOUND' } });
    // burst 4: one hit, one miss (1 + 2) = 4 tokens used by now
    const limited = await call('getApplicationStatus', '/api/v1/applications/27888601100404');
    expect(limited).toMatchObject({ status: 429, body: { code: 'ERR_RATE_LIMITED' } });
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('checks a key: NCA reading, chain and revocation status', async () => {
    const ok = await call('checkKey', '/api/v1/key-check', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ certificate: good.pem }),
    });
    expect(ok.status).toBe(200);
    expect(ok.body.certificate).toMatchObject({
      serialNumber: good.serialHex,
      iin: '871008401427',
      keyPurpose: 'auth',
    });
    expect(ok.body.chain).toMatchObject({ valid: true, issuedByThisCa: true });
    expect(ok.body.chain.path).toHaveLength(3);
    expect(ok.body.revocation).toEqual({ status: 'good' });

    const rev = await call('checkKey', '/api/v1/key-check', {
      method: 'POST',
      headers: { 'content-type': 'application/pkix-cert' },
      body: revoked.der as Uint8Array<ArrayBuffer>,
    });
    expect(rev.body.revocation).toEqual({
      status: 'revoked',
      revokedAt: '2026-01-02T03:04:05.000Z',
      reason: 'affiliationChanged',
    });
    const pem = await call('checkKey', '/api/v1/key-check', {
      method: 'POST',
      headers: { 'content-type': 'application/x-pem-file' },
      body: good.pem,
    });
    expect(pem.body.revocation.status).toBe('good');
    // What generic HTTP clients send for a file (declared in the spec beside application/pkix-cert).
    const octets = await call('checkKey', '/api/v1/key-check', {
      method: 'POST',
      headers: { 'content-type': 'application/octet-stream' },
      body: revoked.der as Uint8Array<ArrayBuffer>,
    });
    expect(octets.body.revocation.status).toBe('revoked');
    const blank = await call('checkKey', '/api/v1/key-check', {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: '  \n',
    });
    expect(blank).toMatchObject({ status: 400, body: { code: 'ERR_VALIDATION' } });

    const garbage = await call('checkKey', '/api/v1/key-check', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ certificate: 'bm90IGEgY2VydGlmaWNhdGU=' }),
    });
    expect(garbage).toMatchObject({ status: 422, body: { code: 'ERR_CERTIFICATE_INVALID' } });
    const invalid = await call('checkKey', '/api/v1/key-check', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ cert: good.pem }),
    });
    expect(invalid).toMatchObject({ status: 400, body: { code: 'ERR_VALIDATION' } });
    const broken = await call('checkKey', '/api/v1/key-check', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"certificate": ',
    });
    expect(broken).toMatchObject({ status: 400, body: { code: 'ERR_VALIDATION' } });
    const tooBig = await call('checkKey', '/api/v1/key-check', {
      method: 'POST',
      headers: { 'content-type': 'application/x-pem-file' },
      body: 'A'.repeat(20_000),
    });
    expect(tooBig).toMatchObject({ status: 413, body: { code: 'ERR_PAYLOAD_TOO_LARGE' } });
    const xml = await call('checkKey', '/api/v1/key-check', {
      method: 'POST',
      headers: { 'content-type': 'application/xml' },
      body: '<x/>',
    });
    expect(xml).toMatchObject({ status: 415, body: { code: 'ERR_UNSUPPORTED_MEDIA_TYPE' } });
  });

  it('reports health, readiness and Prometheus metrics', async () => {
    expect((await call('health', '/health')).body.status).toBe('ok');
    const ready = await call('ready', '/ready');
    expect(ready.status).toBe(200);
    expect(ready.body.ready).toBe(true);
    const metrics = await fetch(`${server.url}/metrics`);
    expect(metrics.headers.get('content-type')).toContain('text/plain; version=0.0.4');
    const text = await metrics.text();
    // prom-client writes labels in the order they were given (the text format does not order them).
    expect(text).toMatch(/kzpki_status_http_requests_total\{route="ocsp_get",method="GET",code="200"\} \d+/);
    expect(text).toMatch(/kzpki_status_ocsp_cache_total\{result="hit"\} [1-9]/);
    expect(text).toMatch(/kzpki_status_http_request_duration_seconds_bucket\{le="\+Inf",route="crl"\} [1-9]/);
    expect(text).toMatch(/^process_resident_memory_bytes \d+$/m);
    expect(text).toContain('kzpki_status_ocsp_responses_total{status="malformedRequest"}');
    const missing = await fetch(`${server.url}/nowhere`);
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toContain('application/problem+json');
  });
});
