import { webcrypto } from 'node:crypto';
import {
  hasNcaFixtures,
  hasTool,
  NCA_TEST_PASSWORD,
  ncaFixturePath,
  readNcaFixture,
  runTool,
  tempDir,
} from '@kzpki/test-fixtures';
import * as asn1js from 'asn1js';
import { describe, expect, it } from 'vitest';
import { parsePem, toHex } from '../../src/der/encoding.js';
import { createPkcs12 } from '../../src/pkcs12/create.js';
import { ncaKeyFileName } from '../../src/pkcs12/naming.js';
import { openPkcs12 } from '../../src/pkcs12/open.js';
import { parseCertificate } from '../../src/x509/certificate.js';

const FILES = [
  'AUTH_RSA256_6b361b864c679601b652fe387f61fcd9303c0327.p12',
  'RSA256_8426360556902ce4ac33977836f873e1dc190976.p12',
  'GOSTKNCA_f8a422238209b6e753116431b69b09178f14e9d7.p12',
  'GOST512_ec425659bd2fc6dc587b871aede1857727cf8451.p12',
] as const;
const skiOf = (file: string) => /_([0-9a-f]{40})\.p12$/.exec(file)![1]!;

function keyAlgorithmOid(pkcs8: Uint8Array): string {
  const seq = asn1js.fromBER(pkcs8).result as asn1js.Sequence;
  const alg = seq.valueBlock.value[1] as asn1js.Sequence;
  return (alg.valueBlock.value[0] as asn1js.ObjectIdentifier).valueBlock.toString();
}

describe.skipIf(!hasNcaFixtures())('NCA RK key stores (fixtures, password Qwerty12)', () => {
  it.each(FILES)('opens %s with friendlyName = localKeyID = the SKI of the file name', async (file) => {
    const p12 = await openPkcs12(readNcaFixture(`p12/${file}`), NCA_TEST_PASSWORD);
    const ski = skiOf(file);
    expect(p12.friendlyName).toBe(ski);
    expect(p12.localKeyId).toBe(ski);
    expect(p12.chain).toEqual([]);
    // The certificate is the key's: its SKI is the one in the file name, and the NCA name matches.
    expect(ncaKeyFileName(p12.certificate)).toBe(file);
    expect(parseCertificate(p12.certificate).serialNumber.valueBlock.valueHexView.length).toBeGreaterThan(0);
  });

  it.each(FILES.slice(0, 2))(
    '%s yields an RSA key that signs for its certificate (RSASSA-PKCS1-v1_5 SHA-256)',
    async (file) => {
      const p12 = await openPkcs12(readNcaFixture(`p12/${file}`), NCA_TEST_PASSWORD);
      expect(p12.privateKey).toBeDefined();
      expect(p12.privateKey!.algorithm).toMatchObject({
        name: 'RSASSA-PKCS1-v1_5',
        hash: { name: 'SHA-256' },
      });
      expect(keyAlgorithmOid(p12.pkcs8)).toBe('1.2.840.113549.1.1.1');
      const spki = parseCertificate(p12.certificate).subjectPublicKeyInfo.toSchema().toBER(false);
      const publicKey = await webcrypto.subtle.importKey(
        'spki',
        spki,
        { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' },
        false,
        ['verify'],
      );
      const data = new TextEncoder().encode('kzpki');
      const signature = await webcrypto.subtle.sign('RSASSA-PKCS1-v1_5', p12.privateKey!, data);
      expect(await webcrypto.subtle.verify('RSASSA-PKCS1-v1_5', publicKey, signature, data)).toBe(true);
    },
  );

  it.each([
    [FILES[2], '1.2.398.3.10.1.1.1.1'],
    [FILES[3], '1.2.398.3.10.1.1.2.2'],
  ])('%s yields the GOST key as PKCS#8 only (no WebCrypto key)', async (file, keyOid) => {
    const p12 = await openPkcs12(readNcaFixture(`p12/${file}`), NCA_TEST_PASSWORD);
    expect(p12.privateKey).toBeUndefined();
    expect(keyAlgorithmOid(p12.pkcs8)).toBe(keyOid);
    expect(parseCertificate(p12.certificate).subjectPublicKeyInfo.algorithm.algorithmId).toBe(keyOid);
  });

  it('returns the certificate the fixtures README says was extracted from the AUTH file', async () => {
    const p12 = await openPkcs12(readNcaFixture(`p12/${FILES[0]}`), NCA_TEST_PASSWORD);
    const pem = new TextDecoder().decode(readNcaFixture('ee-test/rsa_individual_auth_2018_prodchain.pem'));
    expect(toHex(p12.certificate)).toBe(toHex(parsePem(pem)[0]!.der));
  });

  it.each(FILES)('%s: a wrong password is ERR_PKCS12_BAD_PASSWORD', async (file) => {
    await expect(openPkcs12(readNcaFixture(`p12/${file}`), 'Qwerty13')).rejects.toMatchObject({
      code: 'ERR_PKCS12_BAD_PASSWORD',
    });
  });

  it.each(FILES)('%s: open → create legacy → open gives back the same key store content', async (file) => {
    const original = await openPkcs12(readNcaFixture(`p12/${file}`), NCA_TEST_PASSWORD);
    for (const format of ['legacy', 'modern'] as const) {
      const recreated = await createPkcs12({
        privateKey: original.pkcs8,
        certificate: original.certificate,
        password: NCA_TEST_PASSWORD,
        format,
        skipPasswordPolicy: true,
      });
      const again = await openPkcs12(recreated, NCA_TEST_PASSWORD);
      expect(again.pkcs8).toEqual(original.pkcs8);
      expect(again.certificate).toEqual(original.certificate);
      expect(again.friendlyName).toBe(original.friendlyName);
      expect(again.localKeyId).toBe(original.localKeyId);
      expect(again.privateKey === undefined).toBe(original.privateKey === undefined);
    }
  });
});

describe.skipIf(!hasNcaFixtures() || !hasTool('openssl'))('NCA key stores against OpenSSL', () => {
  it('the PKCS#8 we extract equals what `openssl pkcs12 -legacy -nocerts -nodes` extracts (RSA)', async () => {
    for (const file of FILES.slice(0, 2)) {
      const r = runTool('openssl', [
        'pkcs12',
        '-in',
        ncaFixturePath(`p12/${file}`),
        '-legacy',
        '-nocerts',
        '-nodes',
        '-passin',
        `pass:${NCA_TEST_PASSWORD}`,
      ]);
      expect(r.status, r.stderr).toBe(0);
      const p12 = await openPkcs12(readNcaFixture(`p12/${file}`), NCA_TEST_PASSWORD);
      expect(toHex(p12.pkcs8)).toBe(toHex(parsePem(r.stdout).find((b) => b.label === 'PRIVATE KEY')!.der));
    }
  });

  it('our legacy file has the same `openssl pkcs12 -info` structure as the NCA file it was made from', async () => {
    const tmp = tempDir();
    try {
      const info = (path: string) => {
        const r = runTool('openssl', [
          'pkcs12',
          '-info',
          '-noout',
          '-legacy',
          '-in',
          path,
          '-passin',
          `pass:${NCA_TEST_PASSWORD}`,
        ]);
        expect(r.status, r.stderr).toBe(0);
        return r.stderr.split('\n').filter((l) => l.trim() !== '');
      };
      const original = await openPkcs12(readNcaFixture(`p12/${FILES[0]}`), NCA_TEST_PASSWORD);
      const ours = await createPkcs12({
        privateKey: original.pkcs8,
        certificate: original.certificate,
        password: NCA_TEST_PASSWORD,
        format: 'legacy',
        skipPasswordPolicy: true,
      });
      const lines = info(tmp.write('ours.p12', ours));
      expect(lines).toEqual(info(ncaFixturePath(`p12/${FILES[0]}`)));
      expect(lines).toContain('MAC: sha1, Iteration 1024');
      expect(lines).toContain('Shrouded Keybag: pbeWithSHA1And3-KeyTripleDES-CBC, Iteration 1024');
      expect(lines).toContain('PKCS7 Encrypted data: pbeWithSHA1And40BitRC2-CBC, Iteration 1024');
    } finally {
      tmp.dispose();
    }
  });
});
