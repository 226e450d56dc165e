/**
 * Keys against OpenSSL: PKCS#8 files OpenSSL generates are imported and sign what OpenSSL verifies;
 * PKCS#8/SPKI we export are valid to OpenSSL; key identifiers match OpenSSL's.
 */
import { hasTool, runTool, tempDir } from '@kzpki/test-fixtures';
import { afterAll, describe, expect, it } from 'vitest';
import { toHex } from '../../src/der/encoding.js';
import type { KeyAlgorithmName } from '../../src/keys/key-algorithm.js';
import { exportPkcs8, exportSpki, generateKeyPair, importPkcs8, importSpki } from '../../src/keys/keys.js';
import { keyAlgorithmOf } from '../../src/keys/public-key.js';
import { signData } from '../../src/signature/sign.js';
import { subjectKeyIdentifier } from '../../src/x509/ski.js';

describe.skipIf(!hasTool('openssl'))('keys vs OpenSSL', () => {
  const tmp = tempDir('kzpki-keys-');
  afterAll(() => tmp.dispose());

  const genpkey: [KeyAlgorithmName, string[]][] = [
    ['RSA-2048', ['-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048']],
    ['ECDSA-P256', ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256']],
    ['ECDSA-P384', ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-384']],
  ];

  it.each(genpkey)(
    '%s from `openssl genpkey`: imported, signs what `openssl dgst -verify` accepts',
    async (alg, args) => {
      const keyPath = `${tmp.dir}/${alg}.key`;
      expect(runTool('openssl', ['genpkey', ...args, '-out', keyPath]).status).toBe(0);
      const pem = runTool('openssl', ['pkey', '-in', keyPath]).stdout;
      const key = await importPkcs8(pem);
      expect(keyAlgorithmOf(key)).toBe(alg);
      const data = new TextEncoder().encode('NCA RK');
      tmp.write(`${alg}.data`, data);
      tmp.write(`${alg}.sig`, await signData(key, data));
      const hash = alg === 'ECDSA-P384' ? '-sha384' : '-sha256';
      runTool('openssl', ['pkey', '-in', keyPath, '-pubout', '-out', `${tmp.dir}/${alg}.pub`]);
      const v = runTool('openssl', [
        'dgst',
        hash,
        '-verify',
        `${tmp.dir}/${alg}.pub`,
        '-signature',
        `${tmp.dir}/${alg}.sig`,
        `${tmp.dir}/${alg}.data`,
      ]);
      expect(v.stdout).toContain('Verified OK');
      // The OpenSSL public key imports too, and names the same algorithm.
      expect(
        keyAlgorithmOf(
          await exportSpki(await importSpki(runTool('openssl', ['pkey', '-in', keyPath, '-pubout']).stdout)),
        ),
      ).toBe(alg);
    },
  );

  it.each(['RSA-2048', 'ECDSA-P256', 'ECDSA-P384'] as const)(
    '%s: our PKCS#8 passes `openssl pkey -check`, our SPKI is read by OpenSSL, SKI matches OpenSSL',
    async (alg) => {
      const keys = await generateKeyPair(alg);
      const p8 = tmp.write(`ours-${alg}.p8`, await exportPkcs8(keys.privateKey));
      const check = runTool('openssl', ['pkey', '-inform', 'DER', '-in', p8, '-check', '-noout']);
      expect(check.status).toBe(0);
      expect(check.stdout).toContain('Key is valid');
      const spki = await exportSpki(keys.publicKey);
      const spkiPath = tmp.write(`ours-${alg}.spki`, spki);
      expect(runTool('openssl', ['pkey', '-pubin', '-inform', 'DER', '-in', spkiPath, '-noout']).status).toBe(
        0,
      );

      // OpenSSL's default subjectKeyIdentifier=hash is RFC 5280 method 1.
      const cert = runTool('openssl', [
        'req',
        '-x509',
        '-new',
        '-key',
        p8,
        '-keyform',
        'DER',
        '-subj',
        '/CN=ski',
        '-days',
        '1',
      ]).stdout;
      const certPath = tmp.write(`ours-${alg}.crt`, cert);
      const ski = runTool('openssl', [
        'x509',
        '-in',
        certPath,
        '-noout',
        '-ext',
        'subjectKeyIdentifier',
      ]).stdout;
      const hex = ski.split('\n')[1]!.trim().replace(/:/g, '').toLowerCase();
      expect(toHex(await subjectKeyIdentifier(spki))).toBe(hex);
    },
  );
});
