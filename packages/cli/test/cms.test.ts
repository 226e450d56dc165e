/**
 * `kzpki cms sign|verify|add-signer|extract` and `kzpki tsp request|inspect`, in-process, on a
 * hierarchy made here with @kzpki/pki and a TSA (the SDK's) on 127.0.0.1; the real NCA GOST key
 * file where the fixtures are present.
 */
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  buildNcaSubject,
  type CmsVerificationReport,
  createPkcs12,
  generateKeyPair,
  type IssuedCertificate,
  issueCertificate,
  NCA_OIDS,
  NCA_TSA_POLICY_OIDS,
  parseCms,
  prepareTimestampAuthority,
  rootCaProfile,
  templateProfile,
  tsaCertificateProfile,
} from '@kzpki/pki';
import { hasNcaFixtures, NCA_TEST_PASSWORD, ncaFixturePath, tempDir } from '@kzpki/test-fixtures';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from './io.js';

const PASSWORD = 'Qwerty12';
let dir: ReturnType<typeof tempDir>;
let root: IssuedCertificate;
let server: Server;
let tsaUrl: string;
let files: Record<'sign' | 'auth' | 'manager' | 'root' | 'data' | 'other', string>;

beforeAll(async () => {
  dir = tempDir('kzpki-cli-cms-');
  const caKeys = await generateKeyPair('RSA-2048');
  root = await issueCertificate({
    publicKey: caKeys.publicKey,
    subject: [
      { type: NCA_OIDS.attribute.country, value: 'KZ' },
      { type: NCA_OIDS.attribute.commonName, value: 'CLI CMS ROOT' },
    ],
    profile: rootCaProfile(),
    issuerKey: caKeys.privateKey,
  });
  const keyFile = async (
    name: string,
    template: 'individual' | 'first-manager',
    purpose: 'auth' | 'sign',
  ) => {
    const keys = await generateKeyPair('RSA-2048');
    const cert = await issueCertificate({
      publicKey: keys.publicKey,
      subject: buildNcaSubject({
        surname: 'Тестов',
        givenName: 'Тест',
        iin: '871008401427',
        ...(template === 'first-manager' ? { bin: '940140000385', organization: 'АО "ТЕСТ"' } : {}),
      }),
      profile: templateProfile(template, purpose),
      issuer: root.der,
      issuerKey: caKeys.privateKey,
    });
    const p12 = await createPkcs12({
      privateKey: keys.privateKey,
      certificate: cert.der,
      chain: [root.der],
      password: PASSWORD,
    });
    return dir.write(`${name}.p12`, p12);
  };
  const tsaKeys = await generateKeyPair('RSA-2048');
  const tsaCert = await issueCertificate({
    publicKey: tsaKeys.publicKey,
    subject: [{ type: NCA_OIDS.attribute.commonName, value: 'CLI TSA' }],
    profile: tsaCertificateProfile(),
    issuer: root.der,
    issuerKey: caKeys.privateKey,
  });
  const tsa = await prepareTimestampAuthority({
    key: tsaKeys.privateKey,
    certificate: tsaCert.der,
    policy: NCA_TSA_POLICY_OIDS.rsa,
  });
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void tsa
        .respond(new Uint8Array(Buffer.concat(chunks)))
        .then((der) => res.writeHead(200, { 'content-type': 'application/timestamp-reply' }).end(der));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  tsaUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/tsa`;
  files = {
    sign: await keyFile('sign', 'individual', 'sign'),
    auth: await keyFile('auth', 'individual', 'auth'),
    manager: await keyFile('manager', 'first-manager', 'sign'),
    root: dir.write('root.pem', root.pem),
    data: dir.write('data.txt', 'Келісім шарт №1\n'),
    other: dir.write('other.txt', 'Келісім шарт №2\n'),
  };
}, 60_000);

afterAll(async () => {
  dir?.dispose();
  await new Promise<void>((r) => server?.close(() => r()));
});

const out = (name: string) => `${dir.dir}/${name}`;
const verifyJson = async (args: string[]) => {
  const r = await run(['cms', 'verify', '--ca', files.root, '--no-revocation', ...args, '--json']);
  return { code: r.code, report: JSON.parse(r.stdout) as CmsVerificationReport, stderr: r.stderr };
};

describe('kzpki cms', () => {
  it('sign (attached, timestamped) then verify: exit 0 and the report', async () => {
    const signed = await run([
      'cms',
      'sign',
      '--key',
      files.manager,
      '--password',
      PASSWORD,
      '--in',
      files.data,
      '--out',
      out('a.p7s'),
      '--tsa',
      tsaUrl,
    ]);
    expect(signed.code).toBe(0);
    expect(signed.stdout).toContain('a.p7s');
    const { code, report } = await verifyJson([
      '--in',
      out('a.p7s'),
      '--require-first-manager',
      '940140000385',
      '--require-timestamp',
      '--require-sign-key',
    ]);
    expect(code).toBe(0);
    expect(report.valid).toBe(true);
    const s = report.signers[0]!;
    expect(s.signatureValid).toBe(true);
    expect(s.certificate?.bin).toBe('940140000385');
    expect(s.timestamp?.valid).toBe(true);
    expect(s.validationTimeSource).toBe('timestamp');
    expect(s.revocation.status).toBe('not-checked');
    const text = await run(['cms', 'verify', '--ca', files.root, '--no-revocation', '--in', out('a.p7s')]);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('VALID');
    expect(text.stdout).toContain('IIN');
  });

  it('detached: verifies with --content, exit 1 with other content (digest-mismatch)', async () => {
    expect(
      (
        await run(
          [
            'cms',
            'sign',
            '--key',
            files.sign,
            '--password',
            '-',
            '--in',
            files.data,
            '--out',
            out('d.p7s'),
            '--detached',
          ],
          `${PASSWORD}\n`,
        )
      ).code,
    ).toBe(0);
    expect((await verifyJson(['--in', out('d.p7s'), '--content', files.data])).code).toBe(0);
    const bad = await verifyJson(['--in', out('d.p7s'), '--content', files.other]);
    expect(bad.code).toBe(1);
    expect(bad.report.reason).toBe('digest-mismatch');
    expect(bad.report.signers[0]!.signatureValid).toBe(false);
    const missing = await verifyJson(['--in', out('d.p7s')]);
    expect(missing.report.reason).toBe('content-missing');
  });

  it('AUTH key: valid, but exit 1 with --require-sign-key', async () => {
    await run([
      'cms',
      'sign',
      '--key',
      files.auth,
      '--password',
      PASSWORD,
      '--in',
      files.data,
      '--out',
      out('auth.p7s'),
      '--pem',
    ]);
    expect(readFileSync(out('auth.p7s'), 'utf8')).toContain('-----BEGIN CMS-----');
    expect((await verifyJson(['--in', out('auth.p7s')])).code).toBe(0);
    const strict = await verifyJson(['--in', out('auth.p7s'), '--require-sign-key']);
    expect(strict.code).toBe(1);
    expect(strict.report.reason).toBe('policy-failed');
  });

  it('revocation unknown when nothing can tell: exit 1, never a silent valid', async () => {
    const r = await run([
      'cms',
      'verify',
      '--ca',
      files.root,
      '--in',
      out('a.p7s'),
      '--timeout',
      '2000',
      '--json',
    ]);
    expect(r.code).toBe(1);
    expect((JSON.parse(r.stdout) as CmsVerificationReport).reason).toBe('revocation-unknown');
  });

  it('--at verifies an archive as of a past time (before the certificate: not yet valid)', async () => {
    const { code, report } = await verifyJson([
      '--in',
      out('d.p7s'),
      '--content',
      files.data,
      '--at',
      '2001-01-01',
    ]);
    expect(code).toBe(1);
    expect(report.reason).toBe('certificate-not-yet-valid');
    expect(report.signers[0]!.validationTimeSource).toBe('at');
  });

  it('add-signer keeps the first signer and its timestamp; extract returns the data', async () => {
    const added = await run([
      'cms',
      'add-signer',
      '--in',
      out('a.p7s'),
      '--key',
      files.sign,
      '--password',
      PASSWORD,
      '--out',
      out('two.p7s'),
    ]);
    expect(added.code).toBe(0);
    const before = parseCms(readFileSync(out('a.p7s')));
    const after = parseCms(readFileSync(out('two.p7s')));
    expect(after.signers).toHaveLength(2);
    expect(Buffer.from(after.raw.signerInfos[0]!).equals(Buffer.from(before.raw.signerInfos[0]!))).toBe(true);
    const { code, report } = await verifyJson(['--in', out('two.p7s')]);
    expect(code).toBe(0);
    expect(report.signers[0]!.timestamp?.valid).toBe(true);
    expect((await run(['cms', 'extract', '--in', out('two.p7s'), '--out', out('back.txt')])).code).toBe(0);
    expect(readFileSync(out('back.txt'), 'utf8')).toBe('Келісім шарт №1\n');
    const detached = await run(['cms', 'extract', '--in', out('d.p7s'), '--out', out('none.txt')]);
    expect(detached.code).toBe(1);
    expect(detached.stderr).toContain('ERR_CMS_CONTENT_MISSING');
  });

  it('usage errors exit 2: no --ca, a bad date, a wrong password is exit 1', async () => {
    expect((await run(['cms', 'verify', '--in', out('a.p7s')])).code).toBe(2);
    expect(
      (await run(['cms', 'verify', '--ca', files.root, '--in', out('a.p7s'), '--at', 'yesterday'])).code,
    ).toBe(2);
    expect(
      (await run(['cms', 'sign', '--key', files.sign, '--in', files.data, '--out', out('x.p7s')])).code,
    ).toBe(2);
    const wrong = await run([
      'cms',
      'sign',
      '--key',
      files.sign,
      '--password',
      'nope',
      '--in',
      files.data,
      '--out',
      out('x.p7s'),
    ]);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain('ERR_PKCS12_BAD_PASSWORD');
  });

  const gostP12 = 'p12/GOST512_ec425659bd2fc6dc587b871aede1857727cf8451.p12';
  it.skipIf(!hasNcaFixtures())('signs with the NCA test GOST-2015 key file', async () => {
    const r = await run([
      'cms',
      'sign',
      '--key',
      ncaFixturePath(gostP12),
      '--password',
      NCA_TEST_PASSWORD,
      '--in',
      files.data,
      '--out',
      out('gost.p7s'),
      '--json',
    ]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).signer).toContain('GOST-2015-512');
    const v = await run([
      'cms',
      'verify',
      '--ca',
      ncaFixturePath('ca-test/root_test_gost_2022.cer'),
      '--intermediate',
      ncaFixturePath('ca-test/nca_gost2022_test.cer'),
      '--no-revocation',
      '--in',
      out('gost.p7s'),
      '--at',
      '2026-11-01',
      '--json',
    ]);
    const report = JSON.parse(v.stdout) as CmsVerificationReport;
    expect(report.signers[0]!.signatureValid).toBe(true);
    expect(report.signers[0]!.digestAlgorithm.name).toBe('STREEBOG-512');
  });
});

describe('kzpki tsp', () => {
  it('request writes a .tsq that inspect reads back', async () => {
    const r = await run([
      'tsp',
      'request',
      '--in',
      files.data,
      '--hash',
      'SHA-512',
      '--policy',
      NCA_TSA_POLICY_OIDS.rsa,
      '--out',
      out('q.tsq'),
      '--json',
    ]);
    expect(r.code).toBe(0);
    const req = JSON.parse(r.stdout) as { digest: string; nonce: string };
    const i = await run(['tsp', 'inspect', out('q.tsq'), '--json']);
    expect(i.code).toBe(0);
    expect(JSON.parse(i.stdout)).toMatchObject({
      type: 'request',
      hash: 'SHA-512',
      digest: req.digest,
      nonce: req.nonce,
      certReq: true,
    });
  });

  it('request --url saves a token; inspect verifies it against the data and the root', async () => {
    const r = await run(['tsp', 'request', '--in', files.data, '--url', tsaUrl, '--out', out('t.tst')]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(NCA_TSA_POLICY_OIDS.rsa);
    const ok = await run([
      'tsp',
      'inspect',
      out('t.tst'),
      '--data',
      files.data,
      '--ca',
      files.root,
      '--json',
    ]);
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout).verification).toEqual({ valid: true, failures: [] });
    const bad = await run(['tsp', 'inspect', out('t.tst'), '--data', files.other, '--json']);
    expect(bad.code).toBe(1);
    expect(JSON.parse(bad.stdout).verification.failures).toEqual(['imprint-mismatch']);
  });

  it('a refused request is exit 1 with ERR_TSP_REJECTED; usage errors exit 2', async () => {
    const r = await run([
      'tsp',
      'request',
      '--in',
      files.data,
      '--url',
      tsaUrl,
      '--policy',
      '1.2.3',
      '--out',
      out('no.tst'),
    ]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('ERR_TSP_REJECTED');
    expect((await run(['tsp', 'request', '--out', out('x.tsq')])).code).toBe(2);
    expect((await run(['tsp', 'request', '--digest', 'zz', '--out', out('x.tsq')])).code).toBe(2);
    const garbage = dir.write('garbage.bin', new Uint8Array([1, 2, 3]));
    expect((await run(['tsp', 'inspect', garbage])).code).toBe(1);
  });
});
