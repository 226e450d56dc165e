import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { hasTool, runTool, tempDir } from '@kzpki/test-fixtures';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parsePem, toHex } from '../../src/der/encoding.js';
import { createPkcs12 } from '../../src/pkcs12/create.js';
import { openPkcs12 } from '../../src/pkcs12/open.js';
import { makeIdentity, pkcs8Of, type TestIdentity } from '../support/pkcs12-test-keys.js';

const PASSWORD = 'Kz-Pki-2025-strong!';
const FORMATS = ['modern', 'legacy'] as const;

/** Key stores written by createPkcs12, read by OpenSSL, Java keytool and NSS pk12util. */
describe('our key stores in other implementations', () => {
  const tmp = tempDir('kzpki-p12-interop-');
  let id: TestIdentity;
  let ca: TestIdentity;
  const files: Record<(typeof FORMATS)[number], string> = { modern: '', legacy: '' };

  beforeAll(async () => {
    ca = await makeIdentity({ subject: 'CN=Interop CA', ca: true, algorithm: 'EC' });
    id = await makeIdentity({ subject: 'CN=Interop user, O=kzpki', purpose: 'auth', issuer: ca });
    for (const format of FORMATS) {
      const p12 = await createPkcs12({
        privateKey: id.keys.privateKey,
        certificate: id.der,
        chain: [ca.der],
        password: PASSWORD,
        format,
      });
      files[format] = tmp.write(`${format}.p12`, p12);
    }
  });
  afterAll(() => tmp.dispose());

  describe.skipIf(!hasTool('openssl'))('OpenSSL 3', () => {
    it.each(FORMATS)('%s: `openssl pkcs12 -info` verifies the MAC and decrypts every bag', (format) => {
      const r = runTool('openssl', [
        'pkcs12',
        '-info',
        '-noout',
        '-in',
        files[format],
        '-passin',
        `pass:${PASSWORD}`,
        ...(format === 'legacy' ? ['-legacy'] : []),
      ]);
      expect(r.status, r.stderr).toBe(0);
      expect(r.stderr).toContain(
        format === 'modern' ? 'MAC: sha256, Iteration 2048' : 'MAC: sha1, Iteration 1024',
      );
      expect(r.stderr).toContain(
        format === 'modern'
          ? 'Shrouded Keybag: PBES2, PBKDF2, AES-256-CBC, Iteration 2048, PRF hmacWithSHA256'
          : 'Shrouded Keybag: pbeWithSHA1And3-KeyTripleDES-CBC, Iteration 1024',
      );
    });

    it.each(FORMATS)('%s: OpenSSL extracts the same key, certificate and chain', async (format) => {
      const r = runTool('openssl', [
        'pkcs12',
        '-in',
        files[format],
        '-nodes',
        '-passin',
        `pass:${PASSWORD}`,
        ...(format === 'legacy' ? ['-legacy'] : []),
      ]);
      expect(r.status, r.stderr).toBe(0);
      const blocks = parsePem(r.stdout);
      expect(toHex(blocks.find((b) => b.label === 'PRIVATE KEY')!.der)).toBe(toHex(await pkcs8Of(id.keys)));
      expect(blocks.filter((b) => b.label === 'CERTIFICATE').map((b) => toHex(b.der))).toEqual(
        expect.arrayContaining([toHex(id.der), toHex(ca.der)]),
      );
      // Both bags carry friendlyName = localKeyID = SKI.
      expect(r.stdout).toContain(`friendlyName: ${id.ski}`);
      expect(r.stdout.toLowerCase()).toContain(`localkeyid: ${id.ski.replace(/(..)(?!$)/g, '$1 ')}`);
    });

    it.each(FORMATS)(
      '%s: a wrong password is rejected by OpenSSL and is ERR_PKCS12_BAD_PASSWORD for us',
      async (format) => {
        const r = runTool('openssl', [
          'pkcs12',
          '-info',
          '-noout',
          '-in',
          files[format],
          '-passin',
          'pass:wrong-password1',
          ...(format === 'legacy' ? ['-legacy'] : []),
        ]);
        expect(r.status).not.toBe(0);
        expect(r.stderr).toMatch(/mac verify error/i);
        await expect(openPkcs12(readFileSync(files[format]), 'wrong-password1')).rejects.toMatchObject({
          code: 'ERR_PKCS12_BAD_PASSWORD',
        });
      },
    );
  });

  describe.skipIf(!hasTool('keytool'))('Java keytool', () => {
    it.each(FORMATS)('%s: lists one PrivateKeyEntry aliased by the SKI', (format) => {
      const r = runTool('keytool', [
        '-list',
        '-storetype',
        'PKCS12',
        '-keystore',
        files[format],
        '-storepass',
        PASSWORD,
      ]);
      expect(r.status, r.stdout + r.stderr).toBe(0);
      expect(r.stdout).toContain('Your keystore contains 1 entry');
      expect(r.stdout).toMatch(new RegExp(`^${id.ski}, .*PrivateKeyEntry`, 'm'));
    });

    it.each(FORMATS)('%s: rejects a wrong password', (format) => {
      const r = runTool('keytool', [
        '-list',
        '-storetype',
        'PKCS12',
        '-keystore',
        files[format],
        '-storepass',
        'wrong-pw1',
      ]);
      expect(r.status).not.toBe(0);
      expect(r.stdout + r.stderr).toMatch(/password was incorrect/);
    });
  });

  describe.skipIf(!hasTool('pk12util') || !hasTool('certutil'))('NSS pk12util', () => {
    let db: string;
    beforeAll(() => {
      db = join(tmp.dir, 'nssdb');
      runTool('mkdir', ['-p', db]);
      const r = runTool('certutil', ['-N', '-d', `sql:${db}`, '--empty-password']);
      expect(r.status, r.stderr).toBe(0);
    });

    it.each(FORMATS)('%s: lists the shrouded key and the certificate that has it', (format) => {
      const r = runTool('pk12util', ['-l', files[format], '-W', PASSWORD, '-d', `sql:${db}`]);
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout).toContain('Key(shrouded):');
      expect(r.stdout).toContain('Certificate(has private key):');
      expect(r.stdout).toContain(`Friendly Name: ${id.ski}`);
      expect(r.stdout).toContain(
        format === 'modern' ? 'Cipher: AES-256-CBC' : 'PKCS #12 V2 PBE With SHA-1 And 3KEY Triple DES-CBC',
      );
    });

    it.each(FORMATS)('%s: rejects a wrong password', (format) => {
      const r = runTool('pk12util', ['-l', files[format], '-W', 'wrong-pw1', '-d', `sql:${db}`]);
      expect(r.status).not.toBe(0);
      expect(r.stderr).toContain('SEC_ERROR_BAD_PASSWORD');
    });
  });
});
