/**
 * The TSA beside the OCSP responder (`POST /tsp`, RFC 3161 over HTTP) on loopback: a TSA
 * certificate issued by the test hierarchy's issuing CA (extKeyUsage id-kp-timeStamping only,
 * critical) under the NCA's RSA TSA policy. Checked with our client (`requestTimestamp`,
 * `verifyTimestampToken` to the root), with OpenSSL (`openssl ts -query`, then `openssl ts -verify`
 * of the reply: an implementation we did not write; skipped where OpenSSL is absent), as CAdES-T
 * through `addSignatureTimestamp` and `verifyCms`, and at the HTTP level (media type, method, size,
 * rate limit, metrics).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  addSignatureTimestamp,
  exportPkcs8,
  GostPrivateKey,
  generateKeyPair,
  issueCertificate,
  NCA_OIDS,
  NCA_TSA_POLICY_OIDS,
  parseTimestampResponse,
  requestTimestamp,
  rootCaProfile,
  signCms,
  TIME_STAMPING_EKU,
  toPem,
  tsaCertificateProfile,
  verifyCms,
  verifyTimestampToken,
} from '@kzpki/pki';
import { hasTool, runTool, tempDir } from '@kzpki/test-fixtures';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { statusConfigFromEnv } from '../src/config.js';
import { type RunningStatusServer, startStatus } from '../src/server.js';
import { MemoryStatusSource } from '../src/source/memory-source.js';
import { makeHierarchy, type TestHierarchy } from './support/hierarchy.js';

let h: TestHierarchy;
let server: RunningStatusServer & { server: { metrics: { registry: { render(): Promise<string> } } } };
let tsaCert: Uint8Array;
let tsaKeys: CryptoKeyPair;
let dir: ReturnType<typeof tempDir>;

beforeAll(async () => {
  h = await makeHierarchy();
  const keys = await generateKeyPair('RSA-2048', { extractable: true });
  tsaKeys = keys;
  tsaCert = (
    await issueCertificate({
      publicKey: keys.publicKey,
      issuer: h.issuing.cert.der,
      issuerKey: h.issuing.keys.privateKey,
      subject: [
        { type: NCA_OIDS.attribute.country, value: 'KZ' },
        { type: NCA_OIDS.attribute.commonName, value: 'KZPKI TEST TSA' },
      ],
      profile: tsaCertificateProfile(),
    })
  ).der;
  const source = new MemoryStatusSource({
    ...h.material,
    timestampSigners: [
      {
        certificate: tsaCert,
        privateKey: keys.privateKey,
        chain: [h.issuing.cert.der, h.root.cert.der],
        policy: NCA_TSA_POLICY_OIDS.rsa,
      },
    ],
  });
  server = await startStatus({
    source,
    port: 0,
    materialRefreshMs: 0,
    timestampRateLimit: { capacity: 1000, refillPerSecond: 1000 },
  });
  dir = tempDir('kzpki-status-tsp-');
}, 60_000);

afterAll(async () => {
  await server?.close();
  dir?.dispose();
});

describe('POST /tsp', () => {
  it('grants a token under the NCA RSA TSA policy that verifies to the root', async () => {
    const data = new TextEncoder().encode('signature value to timestamp');
    const { token, info, response } = await requestTimestamp({
      url: `${server.url}/tsp`,
      data,
      hash: 'SHA-256',
      certReq: true,
    });
    expect(response.status).toBe('granted');
    expect(info.policy).toBe(NCA_TSA_POLICY_OIDS.rsa);
    const v = await verifyTimestampToken(token, {
      data,
      trustAnchors: [h.root.cert.der],
      policies: [NCA_TSA_POLICY_OIDS.rsa],
    });
    expect(v.failures).toEqual([]);
    expect(v.valid).toBe(true);
    // Another data: the imprint no longer matches.
    const other = await verifyTimestampToken(token, { data: new TextEncoder().encode('x') });
    expect(other.valid).toBe(false);
  });

  it('rejects a request for a policy it does not serve (RFC 3161 rejection, HTTP 200)', async () => {
    await expect(
      requestTimestamp({
        url: `${server.url}/tsp`,
        data: new Uint8Array([1, 2, 3]),
        hash: 'SHA-256',
        policy: NCA_TSA_POLICY_OIDS.gost2015,
      }),
    ).rejects.toMatchObject({ code: 'ERR_TSP_REJECTED' });
    const garbage = await fetch(`${server.url}/tsp`, {
      method: 'POST',
      headers: { 'content-type': 'application/timestamp-query' },
      body: new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x07]),
    });
    expect(garbage.status).toBe(200);
    expect(garbage.headers.get('content-type')).toBe('application/timestamp-reply');
    expect(parseTimestampResponse(new Uint8Array(await garbage.arrayBuffer())).status).toBe('rejection');
  });

  it('timestamps a CMS signature (CAdES-T) that verifyCms then validates at the timestamp time', async () => {
    const ee = await h.issue();
    const cms = await signCms({
      content: 'document',
      signers: { key: h.subjectKeys.privateKey, certificate: ee.der },
    });
    const stamped = await addSignatureTimestamp(cms, { timestamp: { url: `${server.url}/tsp` } });
    const report = await verifyCms(stamped, {
      trustAnchors: [h.root.cert.der],
      intermediates: [h.issuing.cert.der],
      timestampPolicies: [NCA_TSA_POLICY_OIDS.rsa],
      revocation: false,
    });
    const signer = report.signers[0]!;
    expect(signer.signatureValid).toBe(true);
    expect(signer.timestamp).toMatchObject({
      valid: true,
      imprintMatches: true,
      policy: NCA_TSA_POLICY_OIDS.rsa,
    });
    expect(signer.validationTimeSource).toBe('timestamp');
  });

  it.skipIf(!hasTool('openssl'))(
    'answers `openssl ts -query`, and `openssl ts -verify` accepts the reply',
    async () => {
      const data = join(dir.dir, 'data.txt');
      const query = join(dir.dir, 'req.tsq');
      const reply = join(dir.dir, 'resp.tsr');
      const ca = join(dir.dir, 'ca.pem');
      writeFileSync(data, 'a document to timestamp\n');
      writeFileSync(ca, toPem(h.root.cert.der, 'CERTIFICATE') + toPem(h.issuing.cert.der, 'CERTIFICATE'));
      const q = runTool('openssl', ['ts', '-query', '-data', data, '-sha256', '-cert', '-out', query]);
      expect(q.status, q.stderr).toBe(0);
      const { readFileSync } = await import('node:fs');
      const res = await fetch(`${server.url}/tsp`, {
        method: 'POST',
        headers: { 'content-type': 'application/timestamp-query' },
        body: readFileSync(query),
      });
      expect(res.status).toBe(200);
      writeFileSync(reply, new Uint8Array(await res.arrayBuffer()));
      const text = runTool('openssl', ['ts', '-reply', '-in', reply, '-text']);
      expect(text.stdout).toMatch(/Status: Granted/);
      expect(text.stdout).toContain(`Policy OID: ${NCA_TSA_POLICY_OIDS.rsa}`);
      const v = runTool('openssl', ['ts', '-verify', '-queryfile', query, '-in', reply, '-CAfile', ca]);
      expect(`${v.stdout}${v.stderr}`).toMatch(/Verification: OK/);
      // The TSA certificate: id-kp-timeStamping only, critical.
      const x = runTool('openssl', ['x509', '-inform', 'DER', '-noout', '-text'], { input: tsaCert });
      expect(x.stdout).toMatch(/X509v3 Extended Key Usage: critical\s+Time Stamping/);
      expect(TIME_STAMPING_EKU).toBe('1.3.6.1.5.5.7.3.8');
    },
  );

  it('refuses other media types, methods and oversized bodies; counts answers in /metrics', async () => {
    const wrongType = await fetch(`${server.url}/tsp`, {
      method: 'POST',
      headers: { 'content-type': 'application/octet-stream' },
      body: new Uint8Array([0x30, 0x00]),
    });
    expect(wrongType.status).toBe(415);
    expect(await wrongType.json()).toMatchObject({ code: 'ERR_UNSUPPORTED_MEDIA_TYPE' });
    const get = await fetch(`${server.url}/tsp`);
    expect(get.status).toBe(405);
    const big = await fetch(`${server.url}/tsp`, {
      method: 'POST',
      headers: { 'content-type': 'application/timestamp-query' },
      body: new Uint8Array(64 * 1024),
    });
    expect(big.status).toBe(413);
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    expect(metrics).toMatch(
      new RegExp(
        `kzpki_status_tsp_responses_total\\{status="granted",policy="${NCA_TSA_POLICY_OIDS.rsa.replace(/\./g, '\\.')}"\\} [1-9]`,
      ),
    );
    expect(metrics).toMatch(/kzpki_status_tsp_responses_total\{status="rejection"/);
  });

  it('serves RSA and GOST-2015 TSAs side by side, chosen by the request policy or a GOST imprint hash', async () => {
    // A GOST R 34.10-2015 (512-bit) root and TSA, as the NCA's GOST hierarchy.
    const gostName = (cn: string) => [
      { type: NCA_OIDS.attribute.country, value: 'KZ' },
      { type: NCA_OIDS.attribute.commonName, value: cn },
    ];
    const rootKey = GostPrivateKey.generate('gost2015-512');
    const gostRoot = await issueCertificate({
      publicKey: rootKey.publicKeyInfo,
      subject: gostName('KZPKI TEST ROOT (GOST)'),
      profile: rootCaProfile(),
      issuerKey: rootKey,
    });
    const tsaKey = GostPrivateKey.generate('gost2015-512');
    const gostTsa = await issueCertificate({
      publicKey: tsaKey.publicKeyInfo,
      subject: gostName('KZPKI TEST TSA (GOST)'),
      profile: tsaCertificateProfile(),
      issuer: gostRoot.der,
      issuerKey: rootKey,
    });
    const source = new MemoryStatusSource({
      ...h.material,
      timestampSigners: [
        { certificate: tsaCert, privateKey: tsaKeys.privateKey, chain: [], policy: NCA_TSA_POLICY_OIDS.rsa },
        {
          certificate: gostTsa.der,
          privateKey: tsaKey,
          chain: [gostRoot.der],
          policy: NCA_TSA_POLICY_OIDS.gost2015,
        },
      ],
    });
    const both = await startStatus({ source, port: 0, materialRefreshMs: 0 });
    try {
      const data = new TextEncoder().encode('GOST signature value');
      const gost = await requestTimestamp({
        url: `${both.url}/tsp`,
        data,
        hash: 'STREEBOG-512',
        policy: NCA_TSA_POLICY_OIDS.gost2015,
        certReq: true,
      });
      expect(gost.info.policy).toBe(NCA_TSA_POLICY_OIDS.gost2015);
      const v = await verifyTimestampToken(gost.token, {
        data,
        trustAnchors: [gostRoot.der],
        policies: [NCA_TSA_POLICY_OIDS.gost2015],
      });
      expect(v.failures).toEqual([]);
      expect(v.valid).toBe(true);
      // No policy named: the first TSA (RSA) answers, unless the imprint is a GOST hash.
      const rsa = await requestTimestamp({ url: `${both.url}/tsp`, data, hash: 'SHA-256' });
      expect(rsa.info.policy).toBe(NCA_TSA_POLICY_OIDS.rsa);
      const byHash = await requestTimestamp({ url: `${both.url}/tsp`, data, hash: 'STREEBOG-512' });
      expect(byHash.info.policy).toBe(NCA_TSA_POLICY_OIDS.gost2015);
      const byHashOnly = await verifyTimestampToken(byHash.token, {
        data,
        trustAnchors: [gostRoot.der],
        certificates: [gostTsa.der],
      });
      expect(byHashOnly.valid).toBe(true);
    } finally {
      await both.close();
    }
  });

  it('runs from files in offline mode (KZPKI_STATUS_TSA_CERT / _KEY / _POLICY)', async () => {
    const env = {
      KZPKI_STATUS_SOURCE: 'offline',
      KZPKI_STATUS_CA_CERT: join(dir.dir, 'issuing.pem'),
      KZPKI_STATUS_TSA_CERT: join(dir.dir, 'tsa.der'),
      KZPKI_STATUS_TSA_KEY: join(dir.dir, 'tsa.key'),
    };
    writeFileSync(env.KZPKI_STATUS_CA_CERT, toPem(h.issuing.cert.der, 'CERTIFICATE'));
    writeFileSync(env.KZPKI_STATUS_TSA_CERT, tsaCert);
    writeFileSync(env.KZPKI_STATUS_TSA_KEY, toPem(await exportPkcs8(tsaKeys.privateKey), 'PRIVATE KEY'), {
      mode: 0o600,
    });
    expect(() => statusConfigFromEnv({ ...env, KZPKI_STATUS_TSA_KEY: '' }, () => {})).toThrow(
      /KZPKI_STATUS_TSA_CERT and KZPKI_STATUS_TSA_KEY/,
    );
    expect(() => statusConfigFromEnv({ ...env, KZPKI_STATUS_TSA_POLICY: 'rsa' }, () => {})).toThrow(/OID/);
    const source = await statusConfigFromEnv(env, () => {}).openSource();
    const offline = await startStatus({ source, port: 0, materialRefreshMs: 0 });
    try {
      const data = new Uint8Array([7, 7, 7]);
      const { token, info } = await requestTimestamp({ url: `${offline.url}/tsp`, data, hash: 'SHA-256' });
      expect(info.policy).toBe(NCA_TSA_POLICY_OIDS.rsa);
      const v = await verifyTimestampToken(token, {
        data,
        trustAnchors: [h.root.cert.der],
        certificates: [h.issuing.cert.der],
      });
      expect(v.valid).toBe(true);
    } finally {
      await offline.close();
    }
  });

  it('limits requests per client (429) and answers 404 where no TSA is configured', async () => {
    const source = new MemoryStatusSource({
      ...h.material,
      timestampSigners: [
        {
          certificate: tsaCert,
          privateKey: (await generateKeyPair('RSA-2048')).privateKey,
          chain: [],
          policy: NCA_TSA_POLICY_OIDS.rsa,
        },
      ],
    });
    const limited = await startStatus({
      source,
      port: 0,
      materialRefreshMs: 0,
      timestampRateLimit: { capacity: 1, refillPerSecond: 0.001 },
    });
    const none = await startStatus({
      source: new MemoryStatusSource(h.material),
      port: 0,
      materialRefreshMs: 0,
    });
    try {
      const post = (url: string) =>
        fetch(`${url}/tsp`, {
          method: 'POST',
          headers: { 'content-type': 'application/timestamp-query' },
          body: new Uint8Array([0x30, 0x00]),
        });
      expect((await post(limited.url)).status).toBe(200);
      const second = await post(limited.url);
      expect(second.status).toBe(429);
      expect(Number(second.headers.get('retry-after'))).toBeGreaterThan(0);
      expect((await post(none.url)).status).toBe(404);
    } finally {
      await limited.close();
      await none.close();
    }
  });
});
