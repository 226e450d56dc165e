/**
 * `kzpki cert inspect`, `p12 inspect`, `crl inspect` and the offline failures of `ocsp check`:
 * on a small hierarchy made here with @kzpki/pki, and on the real NCA test files where present.
 */
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  buildCrl,
  buildNcaSubject,
  createPkcs12,
  generateKeyPair,
  type IssuedCertificate,
  inspectCertificate,
  issueCertificate,
  NCA_OIDS,
  ncaKeyFileName,
  rootCaProfile,
  templateProfile,
  toPem,
} from '@kzpki/pki';
import { hasNcaFixtures, NCA_TEST_PASSWORD, ncaFixturePath, tempDir } from '@kzpki/test-fixtures';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from './io.js';

const PASSWORD = 'Qwerty12';
let dir: ReturnType<typeof tempDir>;
let root: IssuedCertificate;
let leaf: IssuedCertificate;
let files: Record<
  | 'leafPem'
  | 'leafDer'
  | 'bundle'
  | 'p12'
  | 'renamedP12'
  | 'crl'
  | 'crlPem'
  | 'root'
  | 'otherRoot'
  | 'garbage',
  string
>;

beforeAll(async () => {
  dir = tempDir('kzpki-cli-inspect-');
  const caKeys = await generateKeyPair('ECDSA-P256');
  const caName = [
    { type: NCA_OIDS.attribute.country, value: 'KZ' },
    { type: NCA_OIDS.attribute.commonName, value: 'CLI TEST ROOT' },
  ];
  root = await issueCertificate({
    publicKey: caKeys.publicKey,
    subject: caName,
    profile: rootCaProfile(),
    issuerKey: caKeys.privateKey,
  });
  const otherKeys = await generateKeyPair('ECDSA-P256');
  const other = await issueCertificate({
    publicKey: otherKeys.publicKey,
    subject: caName,
    profile: rootCaProfile(),
    issuerKey: otherKeys.privateKey,
  });
  const keys = await generateKeyPair('RSA-2048');
  leaf = await issueCertificate({
    publicKey: keys.publicKey,
    subject: buildNcaSubject({
      surname: 'ПЕТРОВА',
      givenName: 'АННА',
      patronymic: 'СЕРГЕЕВНА',
      iin: '871008401427',
    }),
    profile: templateProfile('individual', 'auth'),
    issuer: root.der,
    issuerKey: caKeys.privateKey,
    urls: { ocsp: ['http://127.0.0.1:9/ocsp'] },
  });
  const p12 = await createPkcs12({
    privateKey: keys.privateKey,
    certificate: leaf.der,
    chain: [root.der],
    password: PASSWORD,
    format: 'legacy',
  });
  const crl = await buildCrl({
    issuer: root.der,
    issuerKey: caKeys.privateKey,
    crlNumber: 7n,
    thisUpdate: new Date('2025-03-01T00:00:00Z'),
    nextUpdate: new Date('2025-03-02T00:00:00Z'),
    entries: [
      { serial: leaf.serialHex, revocationDate: new Date('2025-03-01T00:00:00Z'), reason: 'keyCompromise' },
    ],
  });
  files = {
    leafPem: dir.write('leaf.pem', leaf.pem),
    leafDer: dir.write('leaf.cer', leaf.der),
    bundle: dir.write('bundle.pem', leaf.pem + root.pem),
    p12: dir.write(ncaKeyFileName(leaf.der), p12),
    renamedP12: dir.write('renamed.p12', p12),
    crl: dir.write('root.crl', crl),
    crlPem: dir.write('root-crl.pem', toPem(crl, 'X509 CRL')),
    root: dir.write('root.pem', root.pem),
    otherRoot: dir.write('other-root.pem', other.pem),
    garbage: dir.write('garbage.der', new Uint8Array([0x30, 0x03, 0x02, 0x01])),
  };
}, 30_000);

afterAll(() => dir?.dispose());

describe('kzpki cert inspect', () => {
  it('prints inspectCertificate() for PEM and DER, exit 0', async () => {
    const expected = JSON.parse(JSON.stringify(inspectCertificate(leaf.der)));
    for (const file of [files.leafPem, files.leafDer]) {
      const r = await run(['cert', 'inspect', file, '--json']);
      expect(r.code).toBe(0);
      expect(JSON.parse(r.stdout)).toEqual(expected);
    }
  });

  it('human output names the holder, the purpose and the template', async () => {
    const r = await run(['cert', 'inspect', files.leafPem]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/IIN:\s+871008401427/);
    expect(r.stdout).toMatch(/purpose:\s+auth/);
    expect(r.stdout).toMatch(/template:\s+individual/);
  });

  it('--all lists every certificate of a bundle', async () => {
    const r = await run(['cert', 'inspect', files.bundle, '--all', '--json']);
    const infos = JSON.parse(r.stdout);
    expect(infos.map((i: { serialNumber: string; isCa: boolean }) => [i.serialNumber, i.isCa])).toEqual([
      [leaf.serialHex, false],
      [root.serialHex, true],
    ]);
  });

  it('reads the certificate of a key file, with the password from the option or stdin', async () => {
    const a = await run(['cert', 'inspect', files.p12, '--password', PASSWORD, '--json']);
    const b = await run(['cert', 'inspect', files.p12, '--password', '-', '--json'], `${PASSWORD}\n`);
    expect(a.code).toBe(0);
    expect(JSON.parse(a.stdout).serialNumber).toBe(leaf.serialHex);
    expect(b).toEqual(a);
  });

  it('a key file without a password is a usage error (2); a wrong password a failure (1)', async () => {
    const none = await run(['cert', 'inspect', files.p12]);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/--password/);
    const wrong = await run(['cert', 'inspect', files.p12, '--password', 'Wrong123']);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/\[ERR_PKCS12_BAD_PASSWORD\]/);
    const json = await run(['cert', 'inspect', files.p12, '--password', 'Wrong123', '--json']);
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toMatchObject({ ok: false, code: 'ERR_PKCS12_BAD_PASSWORD' });
  });

  it('a missing file is an input error (2), a malformed certificate a failure (1)', async () => {
    const missing = await run(['cert', 'inspect', join(dir.dir, 'nope.pem')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/cannot read/);
    const garbage = await run(['cert', 'inspect', files.garbage, '--json']);
    expect(garbage.code).toBe(1);
    expect(JSON.parse(garbage.stdout).code).toBe('ERR_CERTIFICATE_INVALID');
  });
});

describe('kzpki p12 inspect', () => {
  it('reports the key, the certificate, the chain and the NCA conventions', async () => {
    const r = await run(['p12', 'inspect', files.p12, '--password', PASSWORD, '--json']);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    const ski = inspectCertificate(leaf.der).subjectKeyId;
    expect(report).toMatchObject({
      ncaFileName: `AUTH_RSA256_${ski}.p12`,
      friendlyName: ski,
      localKeyId: ski,
      conventions: { fileName: true, friendlyName: true, localKeyId: true },
      signingKey: true,
    });
    expect(report.certificate.serialNumber).toBe(leaf.serialHex);
    expect(report.chain).toEqual([
      expect.objectContaining({ serialNumber: root.serialHex, isCa: true, subject: 'CN=CLI TEST ROOT,C=KZ' }),
    ]);
  });

  it('notices a file not named after its certificate', async () => {
    const r = await run(['p12', 'inspect', files.renamedP12, '--password', PASSWORD, '--json']);
    expect(JSON.parse(r.stdout).conventions).toEqual({
      fileName: false,
      friendlyName: true,
      localKeyId: true,
    });
    const text = await run(['p12', 'inspect', files.renamedP12, '--password', PASSWORD]);
    expect(text.stdout).toMatch(/the file is named otherwise/);
  });

  it('--password is required', async () => {
    expect((await run(['p12', 'inspect', files.p12])).code).toBe(2);
  });
});

describe('kzpki crl inspect', () => {
  it('valid signature: exit 0 and the entries', async () => {
    for (const file of [files.crl, files.crlPem]) {
      const r = await run(['crl', 'inspect', file, '--issuer', files.root, '--json']);
      expect(r.code).toBe(0);
      expect(JSON.parse(r.stdout)).toMatchObject({
        kind: 'full',
        crlNumber: '7',
        thisUpdate: '2025-03-01T00:00:00.000Z',
        stale: true,
        signatureValid: true,
        entryCount: 1,
        entries: [{ serialHex: leaf.serialHex, reason: 'keyCompromise' }],
      });
    }
  });

  it('another CA with the same name: signature invalid, exit 1', async () => {
    const r = await run(['crl', 'inspect', files.crl, '--issuer', files.otherRoot, '--json']);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).signatureValid).toBe(false);
  });

  it('without --issuer only parses; a malformed CRL is exit 1', async () => {
    const ok = await run(['crl', 'inspect', files.crl]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/CRL number:\s+7/);
    expect(ok.stdout).toContain(leaf.serialHex);
    const bad = await run(['crl', 'inspect', files.garbage, '--json']);
    expect(bad.code).toBe(1);
    expect(JSON.parse(bad.stdout).code).toBe('ERR_CRL_INVALID');
  });
});

describe('kzpki ocsp check (offline failures)', () => {
  it('an unreachable responder is a failure with ERR_NETWORK (exit 1)', async () => {
    const r = await run(['ocsp', 'check', files.leafPem, '--issuer', files.root, '--json']);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: false, code: 'ERR_NETWORK' });
  });

  it('no issuer known and no AIA caIssuers URL: usage error', async () => {
    const r = await run(['ocsp', 'check', files.leafPem]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--issuer/);
  });
});

describe.skipIf(!hasNcaFixtures())('the real NCA test files', () => {
  it('cert inspect reads an NCA AUTH certificate', async () => {
    const r = await run([
      'cert',
      'inspect',
      ncaFixturePath('ee-test/rsa_individual_auth_2022.pem'),
      '--json',
    ]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({
      iin: '123456789011',
      keyPurpose: 'auth',
      template: 'individual',
    });
  });

  it('p12 inspect: an NCA key file follows its own conventions', async () => {
    const path = ncaFixturePath('p12/AUTH_RSA256_6b361b864c679601b652fe387f61fcd9303c0327.p12');
    const copy = join(dir.dir, 'AUTH_RSA256_6b361b864c679601b652fe387f61fcd9303c0327.p12');
    copyFileSync(path, copy);
    const r = await run(['p12', 'inspect', copy, '--password', NCA_TEST_PASSWORD, '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({
      ncaFileName: 'AUTH_RSA256_6b361b864c679601b652fe387f61fcd9303c0327.p12',
      conventions: { fileName: true, friendlyName: true, localKeyId: true },
    });
  });

  it('crl inspect: the NCA RSA test CRL, signed by its CA', async () => {
    const r = await run([
      'crl',
      'inspect',
      ncaFixturePath('crl/nca_rsa_test.crl'),
      '--issuer',
      ncaFixturePath('ca-test/nca_rsa_test.crt'),
      '--json',
    ]);
    expect(r.code).toBe(0);
    const summary = JSON.parse(r.stdout);
    expect(summary).toMatchObject({ crlNumber: '9', entryCount: 126, signatureValid: true });
    expect(summary.entries).toHaveLength(126);
  });
});
