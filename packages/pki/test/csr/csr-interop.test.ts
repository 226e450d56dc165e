/**
 * PKCS#10 against OpenSSL: requests made by `openssl req -new` are parsed and verified by us, ours
 * pass `openssl req -verify`.
 */
import { hasTool, runTool, tempDir } from '@kzpki/test-fixtures';
import { afterAll, describe, expect, it } from 'vitest';
import { createCsr, verifyCsr } from '../../src/csr/csr.js';
import { toDer, toPem } from '../../src/der/encoding.js';
import { isPkiError } from '../../src/errors.js';
import type { KeyAlgorithmName } from '../../src/keys/key-algorithm.js';
import { generateKeyPair } from '../../src/keys/keys.js';
import { buildNcaSubject } from '../../src/x509/subject.js';

describe.skipIf(!hasTool('openssl'))('CSRs vs OpenSSL', () => {
  const tmp = tempDir('kzpki-csr-');
  afterAll(() => tmp.dispose());

  const subject = buildNcaSubject({
    surname: 'Тестов',
    givenName: 'Тест',
    patronymic: 'Тестович',
    iin: '871008401427',
    bin: '940140000385',
    organization: 'АО "ТЕСТ"',
    template: 'first-manager',
  });

  it.each(['RSA-2048', 'ECDSA-P256', 'ECDSA-P384'] as KeyAlgorithmName[])(
    'ours (%s) passes `openssl req -verify` and shows the requested NCA extensions',
    async (alg) => {
      const der = await createCsr({
        keys: await generateKeyPair(alg),
        subject,
        template: 'first-manager',
        purpose: 'sign',
      });
      const path = tmp.write(`ours-${alg}.csr`, toPem(der, 'CERTIFICATE REQUEST'));
      const r = runTool('openssl', [
        'req',
        '-in',
        path,
        '-verify',
        '-noout',
        '-text',
        '-nameopt',
        'utf8,sep_comma_plus',
      ]);
      expect(r.status).toBe(0);
      expect(r.stderr + r.stdout).toMatch(/verify OK/);
      expect(r.stdout).toContain('Requested Extensions');
      expect(r.stdout).toMatch(/Key Usage: critical\s+Digital Signature, Non Repudiation/);
      expect(r.stdout).toContain('E-mail Protection, 1.2.398.3.3.4.1.2, 1.2.398.3.3.4.1.2.1');
      expect(r.stdout).toContain('serialNumber=IIN871008401427');
      expect(r.stdout).toContain('CN=ТЕСТОВ ТЕСТ');
    },
  );

  const genpkey: [string, string[]][] = [
    ['RSA', ['-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048']],
    ['EC', ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256']],
  ];
  it.each(genpkey)(
    '`openssl req -new` with a %s key: verified, subject and AUTH request read',
    async (kind, args) => {
      const key = `${tmp.dir}/${kind}.key`;
      expect(runTool('openssl', ['genpkey', ...args, '-out', key]).status).toBe(0);
      const req = runTool('openssl', [
        'req',
        '-new',
        '-key',
        key,
        '-utf8',
        '-subj',
        '/CN=ТЕСТОВ ТЕСТ/SN=ТЕСТОВ/serialNumber=IIN871008401427/C=KZ/O=АО ТЕСТ/OU=BIN940140000385/GN=ТЕСТОВИЧ',
        '-addext',
        'keyUsage=critical,digitalSignature,keyEncipherment',
        '-addext',
        'extendedKeyUsage=clientAuth,1.2.398.3.3.4.1.2,1.2.398.3.3.4.1.2.5',
        '-addext',
        'subjectAltName=email:user@example.kz',
      ]);
      expect(req.status).toBe(0);
      const info = await verifyCsr(req.stdout);
      expect(info.keyAlgorithm).toBe(kind === 'RSA' ? 'RSA-2048' : 'ECDSA-P256');
      expect(info.iin).toBe('871008401427');
      expect(info.bin).toBe('940140000385');
      expect(info.email).toBe('user@example.kz');
      expect(info.purpose).toBe('auth');
      expect(info.template).toBe('employee');
      expect(info.requestedKeyUsage).toEqual(['digitalSignature', 'keyEncipherment']);
      expect(info.subject.map((a) => [a.type, a.value])).toEqual([
        ['2.5.4.3', 'ТЕСТОВ ТЕСТ'],
        ['2.5.4.4', 'ТЕСТОВ'],
        ['2.5.4.5', 'IIN871008401427'],
        ['2.5.4.6', 'KZ'],
        ['2.5.4.10', 'АО ТЕСТ'],
        ['2.5.4.11', 'BIN940140000385'],
        ['2.5.4.42', 'ТЕСТОВИЧ'],
      ]);
      const pub = runTool('openssl', ['pkey', '-in', key, '-pubout']).stdout;
      expect(info.spki).toEqual(toDer(pub, 'PUBLIC KEY'));
    },
  );

  it('`openssl req` requests with RSA-1024 or P-521 keys are refused with typed errors', async () => {
    const cases: [string[], string][] = [
      [['-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:1024'], 'ERR_KEY_TOO_WEAK'],
      [['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-521'], 'ERR_UNSUPPORTED_ALGORITHM'],
    ];
    for (const [args, code] of cases) {
      const key = `${tmp.dir}/weak.key`;
      runTool('openssl', ['genpkey', ...args, '-out', key]);
      const req = runTool('openssl', ['req', '-new', '-key', key, '-subj', '/CN=x']).stdout;
      const err = await verifyCsr(req).catch((e: unknown) => e);
      expect(isPkiError(err) && err.code).toBe(code);
    }
  });
});
