/**
 * The CLI with GOST: `cert verify` on the NCA chains (GOST R 34.10-2015, GOST 34.310-2004, RSA),
 * `crl inspect --issuer` on the NCA GOST CRL, `p12 inspect` on the NCA GOST key file, and
 * `ocsp check` against a local responder that signs with a GOST key made by @kzpki/pki.
 */
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  buildOcspResponse,
  GostPrivateKey,
  type IssuedCertificate,
  issueCertificate,
  NCA_OIDS,
  ocspResponderProfile,
  parseOcspRequest,
  rootCaProfile,
  templateProfile,
  toPem,
} from '@kzpki/pki';
import {
  hasNcaFixtures,
  NCA_TEST_PASSWORD,
  ncaFixturePath,
  readNcaFixture,
  tempDir,
} from '@kzpki/test-fixtures';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from './io.js';

const fixtures = hasNcaFixtures();
const f = (p: string) => (fixtures ? ncaFixturePath(p) : p);
const dir = tempDir('kzpki-cli-gost-');
afterAll(() => dir.dispose());

describe.skipIf(!fixtures)('kzpki cert verify', () => {
  const gost2015 = [
    '--ca',
    f('ca-test/nca_gost2022_test.cer'),
    f('ca-test/root_test_gost_2022.cer'),
    '--at',
    '2026-07-01',
  ];

  it('a GOST R 34.10-2015 end-entity certificate: valid (exit 0), the path printed', async () => {
    const r = await run(['cert', 'verify', f('ee-test/gost2015_ceo_2026.pem'), ...gost2015]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^valid at 2026-07-01T00:00:00.000Z/);
    expect(r.stdout).toContain('(GOST) TEST 2022');
    const json = await run(['cert', 'verify', f('ee-test/gost2015_ceo_2026.pem'), ...gost2015, '--json']);
    const report = JSON.parse(json.stdout);
    expect(report).toMatchObject({ valid: true, at: '2026-07-01T00:00:00.000Z' });
    expect(report.chain).toHaveLength(3);
  });

  it('a flipped bit in the signature: invalid with the reason (exit 1)', async () => {
    const der = Buffer.from(
      new TextDecoder()
        .decode(readNcaFixture('ee-test/gost2015_ceo_2026.pem'))
        .replace(/-----[^-]+-----/g, '')
        .replace(/\s+/g, ''),
      'base64',
    );
    der[der.length - 5]! ^= 0x01;
    const path = dir.write('flipped.der', der);
    const r = await run(['cert', 'verify', path, ...gost2015]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^invalid: signature: /);
    const json = JSON.parse((await run(['cert', 'verify', path, ...gost2015, '--json'])).stdout);
    expect(json).toMatchObject({ valid: false, reason: 'signature', index: 0 });
  });

  it('outside the validity: expired (exit 1)', async () => {
    const r = await run([
      'cert',
      'verify',
      f('ee-test/gost2015_ceo_2026.pem'),
      '--ca',
      f('ca-test/nca_gost2022_test.cer'),
      f('ca-test/root_test_gost_2022.cer'),
      '--at',
      '2031-01-01',
    ]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^invalid: expired: /);
  });

  it('untrusted: the issuing CA alone is trusted directly, another root is not', async () => {
    const direct = await run([
      'cert',
      'verify',
      f('ee-test/gost2015_individual_2026.pem'),
      '--ca',
      f('ca-test/nca_gost2022_test.cer'),
      '--at',
      '2026-07-01',
    ]);
    expect(direct.code, direct.stdout).toBe(0);
    const other = await run([
      'cert',
      'verify',
      f('ee-test/gost2015_individual_2026.pem'),
      '--ca',
      f('ca-test/root_rsa_test.pem'),
      '--at',
      '2026-07-01',
    ]);
    expect(other.code).toBe(1);
  });

  it('GOST 34.310-2004 and RSA chains', async () => {
    const g2004 = await run([
      'cert',
      'verify',
      f('ee-test/gost2004_ceo_sign_2022.pem'),
      '--ca',
      f('ca-test/nca_gost_test.crt'),
      f('ca-test/root_gost_test.crt'),
      '--at',
      '2022-06-01',
    ]);
    expect(g2004.code, g2004.stdout).toBe(0);
    const rsa = await run([
      'cert',
      'verify',
      f('ee-test/rsa_individual_sign_2022.pem'),
      '--ca',
      f('ca-test/nca_rsa_test.crt'),
      f('ca-test/root_rsa_test.pem'),
      '--at',
      '2022-06-01',
    ]);
    expect(rsa.code, rsa.stdout).toBe(0);
  });

  it('usage errors: no --ca, a bad --at (exit 2)', async () => {
    expect((await run(['cert', 'verify', f('ee-test/gost2015_ceo_2026.pem')])).code).toBe(2);
    const badAt = await run([
      'cert',
      'verify',
      f('ee-test/gost2015_ceo_2026.pem'),
      '--ca',
      f('ca-test/root_test_gost_2022.cer'),
      '--at',
      'yesterday',
    ]);
    expect(badAt.code).toBe(2);
  });
});

describe.skipIf(!fixtures)('crl inspect --issuer and p12 inspect with GOST', () => {
  it('the NCA GOST 2022 CRL verifies with its issuing CA (exit 0), not with the root (exit 1)', async () => {
    const ok = await run([
      'crl',
      'inspect',
      f('crl/nca_gost2022_test.crl'),
      '--issuer',
      f('ca-test/nca_gost2022_test.cer'),
      '--json',
    ]);
    expect(ok.code, ok.stderr).toBe(0);
    expect(JSON.parse(ok.stdout).signatureValid).toBe(true);
    const bad = await run([
      'crl',
      'inspect',
      f('crl/nca_gost2022_test.crl'),
      '--issuer',
      f('ca-test/root_test_gost_2022.cer'),
    ]);
    expect(bad.code).toBe(1);
  });

  it('the NCA GOST512 key file shows a usable GOST key', async () => {
    const file = f('p12/GOST512_ec425659bd2fc6dc587b871aede1857727cf8451.p12');
    const json = await run(['p12', 'inspect', file, '--password', NCA_TEST_PASSWORD, '--json']);
    expect(json.code, json.stderr).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({ signingKey: true, conventions: { fileName: true } });
    const text = await run(['p12', 'inspect', file, '--password', NCA_TEST_PASSWORD]);
    expect(text.stdout).toContain('usable (GOST-2015-512)');
  });
});

describe('ocsp check against a GOST-signing responder', () => {
  let server: Server;
  let ca: IssuedCertificate;
  let ee: IssuedCertificate;
  let responder: IssuedCertificate;
  let files: { ee: string; ca: string };
  const caKey = GostPrivateKey.generate('gost2015-512');
  const responderKey = GostPrivateKey.generate('gost2015-512');
  let revoked = false;

  beforeAll(async () => {
    const name = (cn: string) => [
      { type: NCA_OIDS.attribute.country, value: 'KZ' },
      { type: NCA_OIDS.attribute.commonName, value: cn },
    ];
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', async () => {
        const request = parseOcspRequest(new Uint8Array(Buffer.concat(chunks)));
        const now = new Date();
        const der = await buildOcspResponse({
          responderCertificate: responder.der,
          responderKey,
          responses: request.certIds.map((certId) => ({
            certId,
            status: revoked
              ? { type: 'revoked' as const, revocationTime: now, reason: 'keyCompromise' as const }
              : { type: 'good' as const },
            thisUpdate: now,
          })),
          ...(request.nonce ? { nonce: request.nonce, nonceEncoding: request.nonceEncoding } : {}),
        });
        res.writeHead(200, { 'content-type': 'application/ocsp-response' }).end(Buffer.from(der));
      });
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/ocsp`;
    ca = await issueCertificate({
      publicKey: caKey.publicKeyInfo,
      subject: name('kzpki GOST OCSP test CA'),
      profile: rootCaProfile(),
      issuerKey: caKey,
    });
    responder = await issueCertificate({
      publicKey: responderKey.publicKeyInfo,
      subject: name('OCSP RESPONDER'),
      profile: ocspResponderProfile(),
      issuer: ca.der,
      issuerKey: caKey,
    });
    const eeKey = GostPrivateKey.generate('gost2015-512');
    ee = await issueCertificate({
      publicKey: eeKey.publicKeyInfo,
      subject: name('ТЕСТОВ ТЕСТ'),
      profile: templateProfile('individual', 'sign'),
      issuer: ca.der,
      issuerKey: caKey,
      urls: { ocsp: [url] },
    });
    files = {
      ee: dir.write('ee.pem', toPem(ee.der, 'CERTIFICATE')),
      ca: dir.write('ca.pem', toPem(ca.der, 'CERTIFICATE')),
    };
  });
  afterAll(() => server?.close());

  it('good, verified, signed by the delegated responder (exit 0); revoked (exit 1)', async () => {
    const r = await run(['ocsp', 'check', files.ee, '--issuer', files.ca, '--json']);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({
      status: 'good',
      verified: true,
      signer: 'delegated',
      nonce: true,
    });
    revoked = true;
    const rev = await run(['ocsp', 'check', files.ee, '--issuer', files.ca, '--json']);
    expect(rev.code).toBe(1);
    expect(JSON.parse(rev.stdout)).toMatchObject({
      status: 'revoked',
      verified: true,
      reason: 'keyCompromise',
    });
  });
});
