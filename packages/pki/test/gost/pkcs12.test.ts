/**
 * GOST key files: the NCA's GOST512_*.p12 and GOSTKNCA_*.p12 open to a usable signing key
 * (`signingKey`, a GostPrivateKey), and this package writes GOST key files the way the NCA does
 * (legacy algorithms: SHA-1 MAC, 3DES key bag, RC2-40 certificate bag, 1024 iterations;
 * friendlyName = localKeyID = hex SKI; file name GOST512_<ski>.p12), which OpenSSL reads with the
 * same structure as the NCA's file and which open again to the same key.
 */
import {
  hasNcaFixtures,
  hasTool,
  NCA_TEST_PASSWORD,
  ncaFixturePath,
  readNcaFixture,
  runTool,
  tempDir,
} from '@kzpki/test-fixtures';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toHex } from '../../src/der/encoding.js';
import { DerReader } from '../../src/der/reader.js';
import { GostPrivateKey, verifyGost } from '../../src/gost/keys.js';
import { createPkcs12 } from '../../src/pkcs12/create.js';
import { ncaKeyFileName } from '../../src/pkcs12/naming.js';
import { openPkcs12 } from '../../src/pkcs12/open.js';
import { rootCaProfile, templateProfile } from '../../src/profiles/templates.js';
import { type IssuedCertificate, issueCertificate } from '../../src/x509/issue.js';
import { buildNcaSubject } from '../../src/x509/subject.js';

const fixtures = hasNcaFixtures();

function spkiOf(cert: Uint8Array): Uint8Array {
  const r = new DerReader(cert, 'ERR_ASN1_INVALID', 'certificate');
  const parts = r.childList(r.childList(r.root(0x30, 'Certificate'))[0]!);
  return r.tlv(parts[parts[0]!.tag === 0xa0 ? 6 : 5]!).slice();
}

describe.skipIf(!fixtures)('opening the NCA GOST key files', () => {
  it.each([
    [
      'p12/GOST512_ec425659bd2fc6dc587b871aede1857727cf8451.p12',
      'gost2015-512',
      'ec425659bd2fc6dc587b871aede1857727cf8451',
    ],
    [
      'p12/GOSTKNCA_f8a422238209b6e753116431b69b09178f14e9d7.p12',
      'gost2004',
      'f8a422238209b6e753116431b69b09178f14e9d7',
    ],
  ] as const)('%s gives a usable %s signing key', async (file, id, ski) => {
    const p12 = await openPkcs12(readNcaFixture(file), NCA_TEST_PASSWORD);
    expect(p12.privateKey).toBeUndefined(); // WebCrypto has no GOST
    expect(p12.signingKey).toBeInstanceOf(GostPrivateKey);
    const key = p12.signingKey as GostPrivateKey;
    expect(key.algorithm.id).toBe(id);
    expect(key.publicKeyInfo).toEqual(spkiOf(p12.certificate));
    expect(p12.friendlyName).toBe(ski);
    expect(p12.localKeyId).toBe(ski);
    const data = new TextEncoder().encode('kzpki');
    expect(verifyGost(key.signatureAlgorithm, spkiOf(p12.certificate), data, key.sign(data))).toBe(true);
  });
});

describe('writing GOST key files as the NCA does', () => {
  const tmp = tempDir('kzpki-gost-p12-');
  afterAll(() => tmp.dispose());
  const caKey = GostPrivateKey.generate('gost2015-512');
  const key = GostPrivateKey.generate('gost2015-512');
  let ca: IssuedCertificate;
  let cert: IssuedCertificate;

  beforeAll(async () => {
    ca = await issueCertificate({
      publicKey: caKey.publicKeyInfo,
      subject: [
        { type: '2.5.4.6', value: 'KZ' },
        { type: '2.5.4.3', value: 'kzpki GOST CA' },
      ],
      profile: rootCaProfile(),
      issuerKey: caKey,
    });
    cert = await issueCertificate({
      publicKey: key.publicKeyInfo,
      subject: buildNcaSubject({
        surname: 'ТЕСТОВ',
        givenName: 'ТЕСТ',
        iin: '871008401427',
        template: 'individual',
      }),
      profile: templateProfile('individual', 'sign'),
      issuer: ca.der,
      issuerKey: caKey,
    });
  });

  it('legacy format: names, attributes and the key round trip', async () => {
    const p12 = await createPkcs12({
      privateKey: key,
      certificate: cert.der,
      password: NCA_TEST_PASSWORD,
      format: 'legacy',
    });
    expect(ncaKeyFileName(cert.der)).toBe(`GOST512_${cert.subjectKeyId}.p12`);
    const opened = await openPkcs12(p12, NCA_TEST_PASSWORD);
    expect(opened.friendlyName).toBe(cert.subjectKeyId);
    expect(opened.localKeyId).toBe(cert.subjectKeyId);
    expect(opened.certificate).toEqual(cert.der);
    const again = opened.signingKey as GostPrivateKey;
    expect(again).toBeInstanceOf(GostPrivateKey);
    expect(toHex(again.exportScalar())).toBe(toHex(key.exportScalar()));
  });

  it('a GOST key with a certificate for another key is refused', async () => {
    await expect(
      createPkcs12({
        privateKey: caKey,
        certificate: cert.der,
        password: NCA_TEST_PASSWORD,
        format: 'legacy',
      }),
    ).rejects.toMatchObject({ code: 'ERR_INVALID_ARGUMENT' });
  });

  it.skipIf(!hasTool('openssl') || !fixtures)(
    'OpenSSL sees the same structure as in the NCA file',
    async () => {
      const p12 = await createPkcs12({
        privateKey: key,
        certificate: cert.der,
        password: NCA_TEST_PASSWORD,
        format: 'legacy',
      });
      const ours = tmp.write(ncaKeyFileName(cert.der), p12);
      const info = (path: string) => {
        const r = runTool('openssl', [
          'pkcs12',
          '-legacy',
          '-info',
          '-noout',
          '-in',
          path,
          '-passin',
          `pass:${NCA_TEST_PASSWORD}`,
        ]);
        expect(r.status, r.stderr).toBe(0);
        return r.stderr
          .split('\n')
          .filter((l) => /MAC|Bag|PKCS7|Iteration/.test(l))
          .map((l) => l.trim());
      };
      const nca = info(ncaFixturePath('p12/GOST512_ec425659bd2fc6dc587b871aede1857727cf8451.p12'));
      expect(nca).toContain('Shrouded Keybag: pbeWithSHA1And3-KeyTripleDES-CBC, Iteration 1024');
      expect(info(ours)).toEqual(nca);
    },
  );
});
