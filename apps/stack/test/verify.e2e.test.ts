/**
 * End to end: the verification service as `kzpki start` runs it (trusting the stack's CA root), over
 * real HTTP on loopback with the typed client generated from `openapi/verify.yaml`. Key files come
 * from the stack's CA through the real issuance flow (`kzpki testpack`, which also revokes a pair
 * through the CA API); the signatures are made with `signCms`. Every answer is checked against the
 * spec's response schemas by the generated types and by status/code assertions.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PackIndex } from '@kzpki/cli';
import { createVerifyClient, KzpkiApiError, type VerifyClient, type VerifyOperations } from '@kzpki/client';
import {
  generateKeyPair,
  issueCertificate,
  NCA_OIDS,
  openSignerKeyFile,
  rootCaProfile,
  signCms,
  templateProfile,
} from '@kzpki/pki';
import { tempDir } from '@kzpki/test-fixtures';
import { startVerify } from '@kzpki/verify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServices, type TestServices } from '../src/testing.js';
import { run } from './io.js';

const PASSWORD = 'Qwerty12';
const CONTENT = new TextEncoder().encode('Акт сверки №42 / reconciliation statement 42');
let services: TestServices;
let pack: ReturnType<typeof tempDir>;
let index: PackIndex;
let client: VerifyClient;

const b64 = (b: Uint8Array): string => Buffer.from(b).toString('base64');

function signKeyFile(state: 'valid' | 'revoked'): Uint8Array {
  const e = index.entries.find(
    (x) => x.role === 'subject' && x.template === 'individual' && x.state === state,
  );
  const f = e?.files.find((x) => x.purpose === 'sign');
  if (!f) throw new Error(`no individual/${state} SIGN key file`);
  return new Uint8Array(readFileSync(join(pack.dir, f.file)));
}

async function sign(state: 'valid' | 'revoked', detached = false): Promise<Uint8Array> {
  const signer = await openSignerKeyFile(signKeyFile(state), PASSWORD);
  return signCms({ content: CONTENT, detached, signers: signer });
}

type VerifyBody = VerifyOperations['verifyCms']['requestBody']['content']['application/json'];

async function verify(body: VerifyBody) {
  const { data, response } = await client.POST('/api/v1/cms/verify', { body });
  expect(response.status).toBe(200);
  return data!;
}

beforeAll(async () => {
  services = await startTestServices();
  pack = tempDir('kzpki-verify-e2e-');
  const r = await run([
    'testpack',
    '--ca-url',
    services.caUrl,
    '--out',
    pack.dir,
    '--templates',
    'individual,first-manager',
    '--states',
    'valid,revoked',
    '--json',
  ]);
  expect(r.code).toBe(0);
  index = JSON.parse(r.stdout) as PackIndex;
  expect(services.verifyUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  client = createVerifyClient({ baseUrl: services.verifyUrl! });
}, 150_000);

afterAll(async () => {
  await services?.stop();
  pack?.dispose();
});

describe('the verification service of kzpki start', () => {
  it('accepts an RSA CMS signed with a SIGN key from the stack CA, revocation good by OCSP', async () => {
    const report = await verify({ cms: b64(await sign('valid')), requireSignKey: true });
    expect(report.valid).toBe(true);
    expect(report.detached).toBe(false);
    expect(report.signers).toHaveLength(1);
    const s = report.signers[0]!;
    expect(s).toMatchObject({
      valid: true,
      signatureValid: true,
      signKey: true,
      validationTimeSource: 'now',
    });
    expect(s.certificate?.iin).toMatch(/^\d{12}$/);
    expect(s.chain.valid).toBe(true);
    expect(s.chain.certificates.length).toBeGreaterThanOrEqual(3); // EE, issuing CA, root
    expect(s.revocation.status).toBe('good');
    expect(s.revocation.certificates[0]?.source).toBe('ocsp');
    expect(report.evidence.ocspResponses.length).toBeGreaterThan(0);
    expect(report.policies).toEqual([expect.objectContaining({ satisfied: true })]);
  });

  it("accepts a GOST-2015 CMS of a first manager's GOST512 key file (GOST hierarchy trusted), and checks the role", async () => {
    const e = index.entries.find((x) => x.template === 'first-manager' && x.state === 'valid');
    const f = e?.files.find((x) => /^GOST512_[0-9a-f]+\.p12$/.test(x.file.split('/').pop() ?? ''));
    expect(f, 'a GOST512 key file for the first manager').toBeDefined();
    const signer = await openSignerKeyFile(new Uint8Array(readFileSync(join(pack.dir, f!.file))), PASSWORD);
    const cms = await signCms({ content: CONTENT, signers: signer });
    const bin = e?.bin ?? '';
    expect(bin).toMatch(/^\d{12}$/);
    const report = await verify({ cms: b64(cms), requireSignKey: true, requireFirstManagerOf: bin });
    expect(report).toMatchObject({ valid: true });
    const s = report.signers[0]!;
    expect(s).toMatchObject({ valid: true, signatureValid: true, signKey: true });
    expect(s.certificate?.bin).toBe(bin);
    expect(s.revocation.status).toBe('good');
    const other = await verify({ cms: b64(cms), requireFirstManagerOf: '000000000000' });
    expect(other).toMatchObject({ valid: false, reason: 'policy-failed' });
  });

  it('extracts the content of an attached CMS', async () => {
    const { data } = await client.POST('/api/v1/cms/extract', { body: { cms: b64(await sign('valid')) } });
    expect(Buffer.from(data!.content, 'base64')).toEqual(Buffer.from(CONTENT));
    expect(data).toMatchObject({ contentType: '1.2.840.113549.1.7.1', size: CONTENT.length });
  });

  it('finds tampered content (digest-mismatch)', async () => {
    const cms = await sign('valid');
    const at = Buffer.from(cms).indexOf(Buffer.from(CONTENT));
    expect(at).toBeGreaterThan(0);
    const tampered = Uint8Array.from(cms);
    tampered[at] = tampered[at]! ^ 0x01;
    const report = await verify({ cms: b64(tampered) });
    expect(report).toMatchObject({ valid: false, reason: 'digest-mismatch' });
    expect(report.signers[0]?.signatureValid).toBe(false);
  });

  it('checks a detached CMS against its content, and refuses other content', async () => {
    const cms = b64(await sign('valid', true));
    const good = await verify({ cms, content: b64(CONTENT) });
    expect(good).toMatchObject({ valid: true, detached: true });
    const wrong = await verify({ cms, content: b64(new TextEncoder().encode('another document')) });
    expect(wrong).toMatchObject({ valid: false, reason: 'digest-mismatch' });
    const none = await verify({ cms });
    expect(none).toMatchObject({ valid: false, reason: 'content-missing' });
  });

  it('reports a signer revoked through the CA API as revoked', async () => {
    const report = await verify({ cms: b64(await sign('revoked')) });
    expect(report).toMatchObject({ valid: false, reason: 'revoked' });
    expect(report.signers[0]?.revocation.status).toBe('revoked');
    expect(report.signers[0]?.signatureValid).toBe(true);
  });

  it('applies the policies it is asked for (IIN, timestamp)', async () => {
    const cms = b64(await sign('valid'));
    const other = await verify({ cms, requireIin: '000000000000' });
    expect(other).toMatchObject({ valid: false, reason: 'policy-failed' });
    const ts = await verify({ cms, requireTimestamp: true });
    expect(ts).toMatchObject({ valid: false, reason: 'policy-failed' });
  });

  it('says untrusted-ca for a CA it does not trust', async () => {
    // A service that trusts only another root: the stack CA is unknown to it.
    const keys = await generateKeyPair('RSA-2048');
    const otherRoot = await issueCertificate({
      publicKey: keys.publicKey,
      issuerKey: keys.privateKey,
      subject: [
        { type: NCA_OIDS.attribute.country, value: 'KZ' },
        { type: NCA_OIDS.attribute.commonName, value: 'OTHER TEST ROOT' },
      ],
      profile: rootCaProfile(),
    });
    const other = await startVerify({ trustAnchors: [otherRoot.der], port: 0 });
    try {
      const { data } = await createVerifyClient({ baseUrl: other.url }).POST('/api/v1/cms/verify', {
        body: { cms: b64(await sign('valid')) },
      });
      expect(data).toMatchObject({ valid: false, reason: 'untrusted-ca' });
    } finally {
      await other.close();
    }
    // And a signer certified by that other root is unknown to the stack's service.
    const ee = await generateKeyPair('RSA-2048');
    const cert = await issueCertificate({
      publicKey: ee.publicKey,
      issuer: otherRoot.der,
      issuerKey: keys.privateKey,
      subject: [
        { type: NCA_OIDS.attribute.commonName, value: 'ТЕСТОВ ТЕСТ' },
        { type: NCA_OIDS.attribute.country, value: 'KZ' },
      ],
      profile: templateProfile('individual', 'sign'),
    });
    const cms = await signCms({ content: CONTENT, signers: { certificate: cert.der, key: ee.privateKey } });
    const report = await verify({ cms: b64(cms) });
    expect(report).toMatchObject({ valid: false, reason: 'untrusted-ca' });
    expect(report.signers[0]?.signatureValid).toBe(true);
  });

  it('inspects a key file without returning key material, and refuses a wrong password', async () => {
    const keyFile = b64(signKeyFile('valid'));
    const { data, response } = await client.POST('/api/v1/key-files/inspect', {
      body: { keyFile, password: PASSWORD },
    });
    expect(response.status).toBe(200);
    expect(data?.keyAlgorithm).toBe('RSA-2048');
    expect(data?.certificates[0]?.certificate.keyPurpose).toBe('sign');
    expect(data?.certificates[0]?.chain?.valid).toBe(true);
    expect(JSON.stringify(data)).not.toMatch(/pkcs8|privateKey|BEGIN PRIVATE/i);
    const bad = await fetch(`${services.verifyUrl}/api/v1/key-files/inspect`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ keyFile, password: 'Wrong123' }),
    });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ code: 'ERR_KEY_FILE_PASSWORD' });
  });

  it('inspects a certificate and its path', async () => {
    const signer = await openSignerKeyFile(signKeyFile('valid'), PASSWORD);
    const { data } = await client.POST('/api/v1/certificates/inspect', {
      body: { certificate: b64(signer.certificate as Uint8Array) },
    });
    expect(data?.certificate.template).toBe('individual');
    expect(data?.chain).toMatchObject({ valid: true });
  });

  it('answers malformed input with 400 problem+json and a stable code', async () => {
    for (const [body, code] of [
      [{ cms: 'not base64 at all!' }, 'ERR_CMS_INVALID'],
      [{ cms: b64(new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x01])) }, 'ERR_CMS_INVALID'],
      [{ cms: 'MAA=', unexpected: true }, 'ERR_VALIDATION'],
      [{}, 'ERR_VALIDATION'],
    ] as const) {
      const r = await fetch(`${services.verifyUrl}/api/v1/cms/verify`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(r.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(await r.json()).toMatchObject({ code, status: 400 });
    }
    const thrown = await client.POST('/api/v1/cms/verify', { body: { cms: '!!' } }).catch((e: unknown) => e);
    expect(thrown).toBeInstanceOf(KzpkiApiError);
    expect(thrown).toMatchObject({ code: 'ERR_CMS_INVALID', status: 400 });
  });

  it('refuses a body over the limit with 413', async () => {
    const small = await startVerify({
      trustAnchors: [services.ca.context.material.root.certificate],
      port: 0,
      maxBodyBytes: 64 * 1024,
    });
    try {
      const r = await fetch(`${small.url}/api/v1/cms/verify`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ cms: 'A'.repeat(100 * 1024) }),
      });
      expect(r.status).toBe(413);
      expect(await r.json()).toMatchObject({ code: 'ERR_PAYLOAD_TOO_LARGE' });
    } finally {
      await small.close();
    }
  });

  it('limits requests per client (429 with Retry-After) and counts verifications in /metrics', async () => {
    const limited = await startVerify({
      trustAnchors: [services.ca.context.material.root.certificate],
      port: 0,
      rateLimit: { capacity: 2, refillPerSecond: 0.001 },
    });
    try {
      const post = () =>
        fetch(`${limited.url}/api/v1/cms/extract`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ cms: 'MAA=' }),
        });
      expect((await post()).status).toBe(400);
      expect((await post()).status).toBe(400);
      const third = await post();
      expect(third.status).toBe(429);
      expect(Number(third.headers.get('retry-after'))).toBeGreaterThan(0);
    } finally {
      await limited.close();
    }
    const metrics = await (await fetch(`${services.verifyUrl}/metrics`)).text();
    expect(metrics).toMatch(/kzpki_verify_cms_verifications_total\{result="valid"\} [1-9]/);
    expect(metrics).toMatch(/kzpki_verify_cms_verifications_total\{result="revoked"\} [1-9]/);
  });
});
