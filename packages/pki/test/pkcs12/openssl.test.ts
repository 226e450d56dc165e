import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { hasTool, runTool, tempDir } from '@kzpki/test-fixtures';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parsePem, toHex } from '../../src/der/encoding.js';
import { openPkcs12 } from '../../src/pkcs12/open.js';

const PASSWORD = 'S3cure-Pkcs12!';

/**
 * Key stores made by OpenSSL 3 (`openssl req -x509` + `openssl pkcs12 -export`), opened by us:
 * the default modern profile, `-legacy`, the `NONE` and `-nomac` edge cases, an EC key and a chain.
 */
describe.skipIf(!hasTool('openssl'))('opening key stores created by OpenSSL 3', () => {
  const tmp = tempDir('kzpki-p12-openssl-');
  const path = (name: string) => join(tmp.dir, name);
  const ossl = (args: string[]) => {
    const r = runTool('openssl', args, { cwd: tmp.dir });
    if (r.status !== 0) throw new Error(`openssl ${args.join(' ')} failed: ${r.stderr}`);
    return r;
  };
  const der = (pemFile: string, label: string) =>
    parsePem(readFileSync(path(pemFile), 'utf8')).find((b) => b.label === label)!.der;

  beforeAll(() => {
    const subj = (cn: string) => ['-subj', `/C=KZ/CN=${cn}`];
    // Root CA -> intermediate CA -> RSA leaf; plus a self-signed EC P-256 certificate.
    ossl([
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      'root.key',
      '-out',
      'root.pem',
      '-days',
      '30',
      ...subj('Test Root'),
    ]);
    ossl(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.csr', ...subj('Test CA')]);
    tmp.write('ca.ext', 'basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\n');
    ossl([
      'x509',
      '-req',
      '-in',
      'ca.csr',
      '-CA',
      'root.pem',
      '-CAkey',
      'root.key',
      '-set_serial',
      '2',
      '-days',
      '30',
      '-extfile',
      'ca.ext',
      '-out',
      'ca.pem',
    ]);
    ossl([
      'req',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      'leaf.key',
      '-out',
      'leaf.csr',
      ...subj('Leaf'),
    ]);
    tmp.write('leaf.ext', 'keyUsage=critical,digitalSignature,keyEncipherment\nsubjectKeyIdentifier=hash\n');
    ossl([
      'x509',
      '-req',
      '-in',
      'leaf.csr',
      '-CA',
      'ca.pem',
      '-CAkey',
      'ca.key',
      '-set_serial',
      '3',
      '-days',
      '30',
      '-extfile',
      'leaf.ext',
      '-out',
      'leaf.pem',
    ]);
    ossl([
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-keyout',
      'ec.key',
      '-out',
      'ec.pem',
      '-days',
      '30',
      ...subj('EC'),
    ]);
    tmp.write('chain.pem', readFileSync(path('ca.pem'), 'utf8') + readFileSync(path('root.pem'), 'utf8'));
  });
  afterAll(() => tmp.dispose());

  const exportP12 = (name: string, extra: string[], key = 'leaf', password = PASSWORD) => {
    ossl([
      'pkcs12',
      '-export',
      '-in',
      `${key}.pem`,
      '-inkey',
      `${key}.key`,
      '-out',
      name,
      '-passout',
      `pass:${password}`,
      ...extra,
    ]);
    return new Uint8Array(readFileSync(path(name)));
  };

  const cases: Array<[label: string, args: string[]]> = [
    ['default (PBES2 AES-256-CBC, PBKDF2-HMAC-SHA256, SHA-256 MAC)', []],
    ['-legacy (3DES key, RC2-40 certificates, SHA-1 MAC)', ['-legacy']],
    ['-certpbe NONE', ['-certpbe', 'NONE']],
    ['-keypbe NONE (plain keyBag)', ['-keypbe', 'NONE']],
    ['-keypbe NONE -certpbe NONE (MAC only)', ['-keypbe', 'NONE', '-certpbe', 'NONE']],
    ['-nomac', ['-nomac']],
    ['-legacy -nomac', ['-legacy', '-nomac']],
    [
      'AES-128 key, AES-192 certificates, SHA-512 MAC',
      ['-keypbe', 'AES-128-CBC', '-certpbe', 'AES-192-CBC', '-macalg', 'sha512'],
    ],
    [
      'PBES2 with DES-EDE3-CBC, SHA-384 MAC',
      ['-keypbe', 'DES-EDE3-CBC', '-certpbe', 'DES-EDE3-CBC', '-macalg', 'sha384'],
    ],
    [
      'PBE-SHA1-2DES key, PBE-SHA1-RC2-128 certificates',
      ['-legacy', '-keypbe', 'PBE-SHA1-2DES', '-certpbe', 'PBE-SHA1-RC2-128'],
    ],
    ['one iteration, MAC iterations left at the DEFAULT', ['-iter', '1', '-nomaciter']],
    ['-name with Cyrillic', ['-name', 'Тестовый ключ']],
  ];

  it.each(cases.map((c, i) => [...c, i] as const))('%s', async (_label, extra, i) => {
    const bytes = exportP12(`case-${i}.p12`, extra);
    const p12 = await openPkcs12(bytes, PASSWORD);
    expect(toHex(p12.certificate)).toBe(toHex(der('leaf.pem', 'CERTIFICATE')));
    expect(toHex(p12.pkcs8)).toBe(toHex(der('leaf.key', 'PRIVATE KEY')));
    expect(p12.privateKey?.algorithm.name).toBe('RSASSA-PKCS1-v1_5');
    expect(p12.chain).toEqual([]);
    // OpenSSL sets localKeyID to SHA-1 of the certificate; friendlyName only with -name.
    expect(p12.localKeyId).toMatch(/^[0-9a-f]{40}$/);
    if (extra.includes('-name')) expect(p12.friendlyName).toBe('Тестовый ключ');
    else expect(p12.friendlyName).toBeUndefined();
    await expect(openPkcs12(bytes, `${PASSWORD}x`)).rejects.toMatchObject({
      code: 'ERR_PKCS12_BAD_PASSWORD',
    });
  });

  it('-keypbe NONE -certpbe NONE -nomac: nothing depends on the password, so any password opens it', async () => {
    const bytes = exportP12('bare.p12', ['-keypbe', 'NONE', '-certpbe', 'NONE', '-nomac']);
    const p12 = await openPkcs12(bytes, 'anything');
    expect(toHex(p12.pkcs8)).toBe(toHex(der('leaf.key', 'PRIVATE KEY')));
  });

  it('an EC P-256 key comes back as an ECDSA CryptoKey', async () => {
    const p12 = await openPkcs12(exportP12('ec.p12', [], 'ec'), PASSWORD);
    expect(p12.privateKey?.algorithm).toMatchObject({ name: 'ECDSA', namedCurve: 'P-256' });
    expect(toHex(p12.pkcs8)).toBe(toHex(der('ec.key', 'PRIVATE KEY')));
    expect(toHex(p12.certificate)).toBe(toHex(der('ec.pem', 'CERTIFICATE')));
  });

  it('a chain of two CA certificates is returned issuer first, whatever the file order', async () => {
    for (const [name, certfile] of [
      ['chain.p12', 'chain.pem'],
      ['chain-reversed.p12', 'reversed.pem'],
    ] as const) {
      tmp.write(
        'reversed.pem',
        readFileSync(path('root.pem'), 'utf8') + readFileSync(path('ca.pem'), 'utf8'),
      );
      const p12 = await openPkcs12(exportP12(name, ['-certfile', certfile]), PASSWORD);
      expect(toHex(p12.certificate)).toBe(toHex(der('leaf.pem', 'CERTIFICATE')));
      expect(p12.chain.map(toHex)).toEqual([
        toHex(der('ca.pem', 'CERTIFICATE')),
        toHex(der('root.pem', 'CERTIFICATE')),
      ]);
    }
  });

  it('the empty password (both the "" and the absent encodings OpenSSL uses)', async () => {
    const bytes = exportP12('empty.p12', [], 'leaf', '');
    const p12 = await openPkcs12(bytes, '');
    expect(toHex(p12.pkcs8)).toBe(toHex(der('leaf.key', 'PRIVATE KEY')));
    await expect(openPkcs12(bytes, 'x')).rejects.toMatchObject({ code: 'ERR_PKCS12_BAD_PASSWORD' });
  });

  it('an iteration count above maxIterations is ERR_PKCS12_UNSUPPORTED, not minutes of work', async () => {
    const bytes = exportP12('iter.p12', ['-iter', '5000']);
    await expect(openPkcs12(bytes, PASSWORD, { maxIterations: 4096 })).rejects.toMatchObject({
      code: 'ERR_PKCS12_UNSUPPORTED',
    });
    await expect(openPkcs12(bytes, PASSWORD, { maxIterations: 5000 })).resolves.toBeDefined();
  });

  it('a certificate-only file has no key: ERR_PKCS12_INVALID', async () => {
    ossl([
      'pkcs12',
      '-export',
      '-nokeys',
      '-in',
      'leaf.pem',
      '-out',
      'nokey.p12',
      '-passout',
      `pass:${PASSWORD}`,
    ]);
    await expect(openPkcs12(new Uint8Array(readFileSync(path('nokey.p12'))), PASSWORD)).rejects.toMatchObject(
      {
        code: 'ERR_PKCS12_INVALID',
      },
    );
  });
});
