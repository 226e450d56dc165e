import { readFileSync } from 'node:fs';
import {
  hasNcaFixtures,
  hasTool,
  ncaFixturePath,
  readNcaFixture,
  runTool,
  tempDir,
} from '@kzpki/test-fixtures';
import { describe, expect, it } from 'vitest';
import { toPem } from '../../src/der/encoding.js';
import { certificateKeyId, ncaKeyFileName } from '../../src/pkcs12/naming.js';
import { parseCertificate } from '../../src/x509/certificate.js';
import { makeIdentity } from '../support/pkcs12-test-keys.js';

/** The SKI extension value as OpenSSL prints it, lower-case hex without colons. */
function opensslSki(path: string): string {
  const r = runTool('openssl', ['x509', '-in', path, '-noout', '-ext', 'subjectKeyIdentifier']);
  expect(r.status, r.stderr).toBe(0);
  return r.stdout.split('\n')[1]!.trim().replace(/:/g, '').toLowerCase();
}

describe.skipIf(!hasNcaFixtures())('ncaKeyFileName on NCA certificates', () => {
  it.each([
    ['ee-test/rsa_individual_auth_2022.pem', 'AUTH_RSA256_'],
    ['ee-test/rsa_individual_auth_2018_prodchain.pem', 'AUTH_RSA256_'],
    ['ee-test/rsa_individual_sign_2022.pem', 'RSA256_'],
    ['ee-test/gost2004_ceo_sign_2022.pem', 'GOSTKNCA_'],
    ['ee-test/gost2015_individual_2026.pem', 'GOST512_'],
    ['ee-test/gost2015_ceo_2026.pem', 'GOST512_'],
  ])('%s → %s<ski>.p12', (file, prefix) => {
    const name = ncaKeyFileName(readNcaFixture(file));
    expect(name).toMatch(new RegExp(`^${prefix}[0-9a-f]{40}\\.p12$`));
    if (hasTool('openssl')) expect(name).toBe(`${prefix}${opensslSki(ncaFixturePath(file))}.p12`);
  });
});

describe('ncaKeyFileName on generated certificates', () => {
  it('AUTH by keyEncipherment/clientAuth, SIGN otherwise; ECDSA keys get this package’s ECDSA256 name', async () => {
    const auth = await makeIdentity({ subject: 'CN=A', algorithm: 'EC', purpose: 'auth' });
    const sign = await makeIdentity({ subject: 'CN=S', algorithm: 'EC', purpose: 'sign' });
    expect(ncaKeyFileName(auth.der)).toBe(`AUTH_ECDSA256_${auth.ski}.p12`);
    expect(ncaKeyFileName(sign.der)).toBe(`ECDSA256_${sign.ski}.p12`);
  });

  it('without an SKI extension the name uses SHA-1 of the public key (RFC 5280 method 1)', async () => {
    const bare = await makeIdentity({ subject: 'CN=B', purpose: 'sign', noSki: true });
    expect(ncaKeyFileName(bare.der)).toBe(`RSA256_${bare.ski}.p12`);
  });

  it('reads the certificate at the DER level: every input form names it alike, the SKI as pkijs reads it', async () => {
    const auth = await makeIdentity({ subject: 'CN=A', purpose: 'auth' });
    const sign = await makeIdentity({ subject: 'CN=S', purpose: 'sign' });
    for (const id of [auth, sign]) {
      const name = ncaKeyFileName(id.der);
      expect(name).toBe(`${id === auth ? 'AUTH_' : ''}RSA256_${certificateKeyId(id.der)}.p12`);
      expect(ncaKeyFileName(toPem(id.der, 'CERTIFICATE'))).toBe(name);
      expect(ncaKeyFileName(parseCertificate(id.der))).toBe(name);
    }
  });

  it('rejects malformed certificates', () => {
    expect(() => ncaKeyFileName(new Uint8Array([0x30, 0x00]))).toThrow(
      expect.objectContaining({ code: 'ERR_CERTIFICATE_INVALID' }),
    );
    expect(() => ncaKeyFileName('not a certificate')).toThrow(
      expect.objectContaining({ code: 'ERR_CERTIFICATE_INVALID' }),
    );
  });

  it.skipIf(!hasTool('openssl'))('an Ed25519 certificate has no NCA name: ERR_UNSUPPORTED_ALGORITHM', () => {
    const tmp = tempDir();
    try {
      const r = runTool(
        'openssl',
        [
          'req',
          '-x509',
          '-newkey',
          'ed25519',
          '-nodes',
          '-keyout',
          'k.pem',
          '-out',
          'c.pem',
          '-subj',
          '/CN=Ed',
          '-days',
          '1',
        ],
        { cwd: tmp.dir },
      );
      expect(r.status, r.stderr).toBe(0);
      expect(() => ncaKeyFileName(readFileSync(`${tmp.dir}/c.pem`, 'utf8'))).toThrow(
        expect.objectContaining({ code: 'ERR_UNSUPPORTED_ALGORITHM' }),
      );
    } finally {
      tmp.dispose();
    }
  });
});
