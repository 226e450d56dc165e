/**
 * CRL interop with independent implementations: OpenSSL reads and verifies our CRLs (also in
 * certificate path validation, with delta CRLs), GnuTLS prints and verifies them, we read the NCA
 * fixtures exactly as OpenSSL does, and we read and verify CRLs OpenSSL's `ca` makes.
 */
import {
  hasNcaFixtures,
  hasTool,
  ncaFixturePath,
  readNcaFixture,
  runTool,
  tempDir,
} from '@kzpki/test-fixtures';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCrl } from '../../src/crl/build.js';
import { parseCrl } from '../../src/crl/parse.js';
import { verifyCrl } from '../../src/crl/verify.js';
import { getCrypto } from '../../src/crypto-provider.js';
import { toPem } from '../../src/der/encoding.js';
import { makeTestPki, type TestPki } from '../support/crl-ocsp-test-pki.js';

const REASON_TEXT: Record<string, string> = {
  'Key Compromise': 'keyCompromise',
  'CA Compromise': 'cACompromise',
  'Affiliation Changed': 'affiliationChanged',
  Superseded: 'superseded',
  'Cessation Of Operation': 'cessationOfOperation',
  'Certificate Hold': 'certificateHold',
  'Remove From CRL': 'removeFromCRL',
  'Privilege Withdrawn': 'privilegeWithdrawn',
  'AA Compromise': 'aACompromise',
  Unspecified: 'unspecified',
};

/** Entries as `openssl crl -text` prints them: serial (lower hex) and reason name. */
function opensslEntries(text: string): Array<{ serialHex: string; reason?: string }> {
  const out: Array<{ serialHex: string; reason?: string }> = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const m = /^\s+Serial Number: ([0-9A-F]+)$/.exec(lines[i]!);
    if (m) out.push({ serialHex: m[1]!.toLowerCase() });
    if (/X509v3 CRL Reason Code:/.test(lines[i]!)) {
      const reason = REASON_TEXT[lines[i + 1]!.trim()];
      out[out.length - 1]!.reason = reason;
    }
  }
  return out;
}

describe.skipIf(!hasTool('openssl') || !hasNcaFixtures())(
  'NCA fixture CRLs read exactly as OpenSSL reads them',
  () => {
    for (const [file, number] of [
      ['crl/nca_rsa_test.crl', 9n],
      ['crl/nca_gost_test.crl', 7n],
      ['crl/nca_gost2022_test.crl', 4n],
    ] as const) {
      it(file, () => {
        const r = runTool('openssl', [
          'crl',
          '-inform',
          'DER',
          '-in',
          ncaFixturePath(file),
          '-text',
          '-noout',
        ]);
        expect(r.status).toBe(0);
        const crl = parseCrl(readNcaFixture(file));
        expect(crl.crlNumber).toBe(number);
        expect(r.stdout).toContain(`X509v3 CRL Number: \n                ${number}`);
        const ours = crl.entries.map((e) =>
          e.reason ? { serialHex: e.serialHex, reason: e.reason } : { serialHex: e.serialHex },
        );
        expect(ours).toEqual(opensslEntries(r.stdout));
      });
    }
  },
);

describe.skipIf(!hasTool('openssl'))('our CRLs in OpenSSL', () => {
  let pki: TestPki;
  let tmp: ReturnType<typeof tempDir>;
  let basePem: string;
  let deltaPem: string;
  const now = Date.now();
  const thisUpdate = new Date(Math.floor(now / 1000) * 1000 - 60_000);
  const nextUpdate = new Date(thisUpdate.getTime() + 86_400_000);

  beforeAll(async () => {
    pki = await makeTestPki();
    tmp = tempDir('kzpki-crl-');
    tmp.write('ca.pem', pki.ca.pem);
    tmp.write('leaf.pem', pki.leaf.pem);
    tmp.write('leaf2.pem', pki.leaf2.pem);
    tmp.write('responder.pem', pki.responder.pem);
    const base = await buildCrl({
      issuer: pki.ca.der,
      issuerKey: pki.ca.keys.privateKey,
      crlNumber: 10n,
      thisUpdate,
      nextUpdate,
      entries: [
        {
          serial: pki.leaf.serialHex,
          revocationDate: thisUpdate,
          reason: 'keyCompromise',
          invalidityDate: new Date(thisUpdate.getTime() - 3_600_000),
        },
        { serial: pki.leaf2.serialHex, revocationDate: thisUpdate, reason: 'certificateHold' },
      ],
      freshestCrlUrls: ['http://crl.example.kz/nca_d_rsa.crl'],
    });
    const delta = await buildCrl({
      issuer: pki.ca.der,
      issuerKey: pki.ca.keys.privateKey,
      crlNumber: 11n,
      deltaOf: 10n,
      thisUpdate,
      nextUpdate,
      entries: [{ serial: pki.leaf2.serialHex, revocationDate: thisUpdate, reason: 'removeFromCRL' }],
    });
    basePem = toPem(base, 'X509 CRL');
    deltaPem = toPem(delta, 'X509 CRL');
    tmp.write('base.der', base);
    tmp.write('delta.der', delta);
    tmp.write('base.pem', basePem);
    tmp.write('both.pem', basePem + deltaPem);
  });
  afterAll(() => tmp?.dispose());

  it('openssl crl -text prints every field we wrote', () => {
    const r = runTool(
      'openssl',
      ['crl', '-inform', 'DER', '-in', `${tmp.dir}/base.der`, '-text', '-noout'],
      {},
    );
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('Version 2 (0x1)');
    expect(r.stdout).toContain('Issuer: C = KZ, O = kzpki test, CN = Test CA RSA-2048');
    expect(r.stdout).toContain('X509v3 CRL Number: \n                10');
    expect(r.stdout).toContain('X509v3 Freshest CRL:');
    expect(r.stdout).toContain('URI:http://crl.example.kz/nca_d_rsa.crl');
    expect(r.stdout).toContain('Invalidity Date:');
    expect(opensslEntries(r.stdout)).toEqual([
      { serialHex: pki.leaf.serialHex, reason: 'keyCompromise' },
      { serialHex: pki.leaf2.serialHex, reason: 'certificateHold' },
    ]);
    const d = runTool('openssl', ['crl', '-inform', 'DER', '-in', `${tmp.dir}/delta.der`, '-text', '-noout']);
    expect(d.stdout).toContain('X509v3 Delta CRL Indicator: critical\n                10');
    expect(d.stdout).toContain('Remove From CRL');
  });

  it('openssl crl -verify accepts the signature', () => {
    for (const f of ['base.der', 'delta.der']) {
      const r = runTool('openssl', [
        'crl',
        '-inform',
        'DER',
        '-in',
        `${tmp.dir}/${f}`,
        '-noout',
        '-verify',
        '-CAfile',
        `${tmp.dir}/ca.pem`,
      ]);
      expect(`${r.stdout}${r.stderr}`).toContain('verify OK');
    }
  });

  it('openssl verify -crl_check: revoked and held certificates fail, others pass', () => {
    const verify = (leaf: string, ...extra: string[]) =>
      runTool('openssl', [
        'verify',
        '-crl_check',
        ...extra,
        '-CAfile',
        `${tmp.dir}/ca.pem`,
        `${tmp.dir}/${leaf}`,
      ]);
    const revoked = verify('leaf.pem', '-CRLfile', `${tmp.dir}/base.pem`);
    expect(revoked.status).not.toBe(0);
    expect(`${revoked.stdout}${revoked.stderr}`).toContain('certificate revoked');
    const held = verify('leaf2.pem', '-CRLfile', `${tmp.dir}/base.pem`);
    expect(`${held.stdout}${held.stderr}`).toContain('certificate revoked');
    const good = verify('responder.pem', '-CRLfile', `${tmp.dir}/base.pem`);
    expect(good.status).toBe(0);
    expect(good.stdout).toContain('responder.pem: OK');
  });

  it('openssl verify -use_deltas: removeFromCRL in the delta releases the hold', () => {
    const verify = (leaf: string) =>
      runTool('openssl', [
        'verify',
        '-crl_check',
        '-use_deltas',
        '-CRLfile',
        `${tmp.dir}/both.pem`,
        '-CAfile',
        `${tmp.dir}/ca.pem`,
        `${tmp.dir}/${leaf}`,
      ]);
    expect(verify('leaf2.pem').stdout).toContain('leaf2.pem: OK');
    const stillRevoked = verify('leaf.pem');
    expect(stillRevoked.status).not.toBe(0);
    expect(`${stillRevoked.stdout}${stillRevoked.stderr}`).toContain('certificate revoked');
  });

  it('we read and verify a CRL made by openssl ca -gencrl', async () => {
    const pkcs8 = new Uint8Array(await getCrypto().subtle.exportKey('pkcs8', pki.ca.keys.privateKey));
    tmp.write('ca.key', toPem(pkcs8, 'PRIVATE KEY'));
    tmp.write(
      'index.txt',
      `R\t301231000000Z\t260101120000Z,keyCompromise\t${pki.leaf.serialHex.toUpperCase()}\tunknown\t/CN=Leaf One\n` +
        'R\t301231000000Z\t260102120000Z,certificateHold\t0A0B0C\tunknown\t/CN=Held\n' +
        'R\t301231000000Z\t260103120000Z\t8A0B0C\tunknown\t/CN=No reason\n',
    );
    tmp.write('crlnumber', '2A\n');
    tmp.write(
      'ca.cnf',
      '[ ca ]\ndefault_ca = CA_default\n[ CA_default ]\ndatabase = index.txt\ncrlnumber = crlnumber\n' +
        'default_md = sha256\ndefault_crl_days = 7\ncrl_extensions = crl_ext\n[ crl_ext ]\nauthorityKeyIdentifier = keyid:always\n',
    );
    const r = runTool(
      'openssl',
      ['ca', '-config', 'ca.cnf', '-gencrl', '-keyfile', 'ca.key', '-cert', 'ca.pem', '-out', 'ossl.crl'],
      { cwd: tmp.dir },
    );
    expect(r.status).toBe(0);
    const crl = parseCrl(runTool('openssl', ['crl', '-in', `${tmp.dir}/ossl.crl`]).stdout);
    expect(crl.crlNumber).toBe(0x2an);
    expect(crl.entryCount).toBe(3);
    expect(crl.find(pki.leaf.serialHex)).toEqual({
      serialHex: pki.leaf.serialHex,
      revocationDate: new Date('2026-01-01T12:00:00Z'),
      reason: 'keyCompromise',
    });
    expect(crl.find('0a0b0c')?.reason).toBe('certificateHold');
    expect(crl.find('8a0b0c')).toEqual({
      serialHex: '8a0b0c',
      revocationDate: new Date('2026-01-03T12:00:00Z'),
    });
    expect(await verifyCrl(crl, pki.ca.pem)).toBe(true);
  });
});

describe.skipIf(!hasTool('certtool'))('our CRLs in GnuTLS certtool', () => {
  it('certtool --crl-info prints them and --verify-crl verifies them', async () => {
    const pki = await makeTestPki('ECDSA-P256');
    const tmp = tempDir('kzpki-crl-gnutls-');
    try {
      const der = await buildCrl({
        issuer: pki.ca.pem,
        issuerKey: pki.ca.keys.privateKey,
        crlNumber: 77n,
        thisUpdate: new Date(Date.now() - 60_000),
        nextUpdate: new Date(Date.now() + 86_400_000),
        entries: [{ serial: pki.leaf.serialHex, revocationDate: new Date(), reason: 'superseded' }],
      });
      tmp.write('crl.der', der);
      tmp.write('crl.pem', toPem(der, 'X509 CRL'));
      tmp.write('ca.pem', pki.ca.pem);
      const info = runTool('certtool', ['--crl-info', '--inder', '--infile', `${tmp.dir}/crl.der`]);
      expect(info.status).toBe(0);
      expect(info.stdout).toContain('Version: 2');
      expect(info.stdout).toContain('CRL Number (not critical): 4d');
      expect(info.stdout).toContain(`Serial Number (hex): ${pki.leaf.serialHex}`);
      expect(info.stdout).toContain('Signature Algorithm: ECDSA-SHA256');
      const v = runTool('certtool', [
        '--verify-crl',
        '--load-ca-certificate',
        `${tmp.dir}/ca.pem`,
        '--infile',
        `${tmp.dir}/crl.pem`,
      ]);
      expect(v.status).toBe(0);
      expect(v.stdout).toContain('Verified');
    } finally {
      tmp.dispose();
    }
  });
});
