/**
 * The verification service on loopback without the rest of the stack: a CA made here signs a CMS;
 * the service trusts that CA (valid signature, chain to the anchor; revocation `none` is reported
 * as unknown, never as valid) or not (`untrusted-ca`); operations answers (health, metrics, 404,
 * 405) and the start-up refusal without anchors. The full flows against the stack's CA (OCSP,
 * revocation through the CA API) are in `apps/stack/test/verify.e2e.test.ts`.
 */
import { createVerifyClient } from '@kzpki/client';
import {
  generateKeyPair,
  issueCertificate,
  NCA_OIDS,
  rootCaProfile,
  signCms,
  templateProfile,
} from '@kzpki/pki';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createVerifyServer, isVerifyError, type RunningVerifyServer, startVerify } from '../src/index.js';

const name = (cn: string) => [
  { type: NCA_OIDS.attribute.commonName, value: cn },
  { type: NCA_OIDS.attribute.country, value: 'KZ' },
];
const b64 = (b: Uint8Array): string => Buffer.from(b).toString('base64');

let root: Uint8Array;
let cms: Uint8Array;
let service: RunningVerifyServer;

beforeAll(async () => {
  const rootKeys = await generateKeyPair('RSA-2048');
  root = (
    await issueCertificate({
      publicKey: rootKeys.publicKey,
      issuerKey: rootKeys.privateKey,
      subject: name('VERIFY TEST ROOT'),
      profile: rootCaProfile(),
    })
  ).der;
  const keys = await generateKeyPair('RSA-2048');
  const signer = await issueCertificate({
    publicKey: keys.publicKey,
    issuer: root,
    issuerKey: rootKeys.privateKey,
    subject: name('ТЕСТОВ ТЕСТ'),
    profile: templateProfile('individual', 'sign'),
  });
  cms = await signCms({ content: 'hello', signers: { key: keys.privateKey, certificate: signer.der } });
  service = await startVerify({ trustAnchors: [root], port: 0 });
}, 60_000);

afterAll(async () => {
  await service?.close();
});

describe('verification service', () => {
  it('verifies the signature and the chain; without revocation checking the answer is unknown, not valid', async () => {
    const client = createVerifyClient({ baseUrl: service.url });
    const { data } = await client.POST('/api/v1/cms/verify', { body: { cms: b64(cms), revocation: 'none' } });
    expect(data).toMatchObject({ valid: false, reason: 'revocation-unknown' });
    expect(data?.signers[0]).toMatchObject({ signatureValid: true, chain: { valid: true } });
  });

  it('says untrusted-ca when the signer chains to no anchor', async () => {
    const other = await generateKeyPair('RSA-2048');
    const otherRoot = await issueCertificate({
      publicKey: other.publicKey,
      issuerKey: other.privateKey,
      subject: name('ANOTHER ROOT'),
      profile: rootCaProfile(),
    });
    const strict = await startVerify({ trustAnchors: [otherRoot.der], port: 0 });
    try {
      const { data } = await createVerifyClient({ baseUrl: strict.url }).POST('/api/v1/cms/verify', {
        body: { cms: b64(cms), revocation: 'none' },
      });
      expect(data).toMatchObject({ valid: false, reason: 'untrusted-ca' });
    } finally {
      await strict.close();
    }
  });

  it('answers health, metrics, unknown routes and wrong methods', async () => {
    expect(await (await fetch(`${service.url}/health`)).json()).toEqual({ status: 'ok', trustAnchors: 1 });
    const metrics = await fetch(`${service.url}/metrics`);
    expect(metrics.status).toBe(200);
    expect(await metrics.text()).toMatch(/kzpki_verify_http_requests_total\{/);
    const missing = await fetch(`${service.url}/api/v1/nothing`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ code: 'ERR_NOT_FOUND' });
    const wrong = await fetch(`${service.url}/api/v1/cms/verify`);
    expect([404, 405]).toContain(wrong.status);
  });

  it('keys its rate limit on the socket address unless a proxy is trusted: a forged X-Forwarded-For gets no fresh bucket', async () => {
    const rule = { capacity: 2, refillPerSecond: 0.001 };
    const post = (url: string, forwarded: string) =>
      fetch(`${url}/api/v1/cms/verify`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-forwarded-for': forwarded },
        body: JSON.stringify({ cms: b64(cms), revocation: 'none' }),
      }).then((r) => r.status);
    const direct = await startVerify({ trustAnchors: [root], port: 0, rateLimit: rule });
    const proxied = await startVerify({
      trustAnchors: [root],
      port: 0,
      rateLimit: rule,
      trustedProxies: ['loopback'],
    });
    try {
      const codes = [];
      for (let i = 0; i < 4; i++) codes.push(await post(direct.url, `198.51.100.${i}`));
      expect(codes).toEqual([200, 200, 429, 429]);
      // Behind a trusted local proxy, each forwarded client has its own bucket; the rightmost
      // untrusted entry counts, so prepending a fake address changes nothing.
      const behind = [];
      for (let i = 0; i < 3; i++) behind.push(await post(proxied.url, `203.0.113.9, 198.51.100.${i}`));
      expect(behind).toEqual([200, 200, 200]);
      const same = [];
      for (let i = 0; i < 3; i++) same.push(await post(proxied.url, `10.9.9.${i}, 198.51.100.7`));
      expect(same).toEqual([200, 200, 429]);
    } finally {
      await direct.close();
      await proxied.close();
    }
  });

  it('refuses to start without a trust anchor', () => {
    let thrown: unknown;
    try {
      createVerifyServer({ trustAnchors: [] });
    } catch (e) {
      thrown = e;
    }
    expect(isVerifyError(thrown, 'ERR_CONFIG')).toBe(true);
  });
});
