/**
 * Key files made and opened by the client: NCA naming and attributes, both PKCS#12 profiles, the
 * password rule, wrong passwords and wrong purposes; and a real NCA key file.
 */
import {
  buildNcaSubject,
  encodeGostPkcs8,
  GostPrivateKey,
  generateKeyPair,
  gostTemplateProfile,
  type IssuedCertificate,
  inspectCertificate,
  issueCertificate,
  NCA_OIDS,
  openPkcs12,
  rootCaProfile,
  signData,
  templateProfile,
  verifySignature,
} from '@kzpki/pki';
import { hasNcaFixtures, NCA_TEST_PASSWORD, readNcaFixture } from '@kzpki/test-fixtures';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildKeyFile, KzpkiApiError, openKeyFile } from '../src/index.js';

let root: IssuedCertificate;
const pairs: Record<'auth' | 'sign', { keys: CryptoKeyPair; cert: IssuedCertificate }> = {} as never;

beforeAll(async () => {
  const caKeys = await generateKeyPair('ECDSA-P256');
  root = await issueCertificate({
    publicKey: caKeys.publicKey,
    subject: [{ type: NCA_OIDS.attribute.commonName, value: 'CLIENT TEST ROOT' }],
    profile: rootCaProfile(),
    issuerKey: caKeys.privateKey,
  });
  const subject = buildNcaSubject({ surname: 'АХМЕТОВ', givenName: 'АЙДАР', iin: '850315300128' });
  for (const purpose of ['auth', 'sign'] as const) {
    const keys = await generateKeyPair('RSA-2048');
    const cert = await issueCertificate({
      publicKey: keys.publicKey,
      subject,
      profile: templateProfile('individual', purpose),
      issuer: root.der,
      issuerKey: caKeys.privateKey,
    });
    pairs[purpose] = { keys, cert };
  }
}, 30_000);

async function rejection(p: Promise<unknown>): Promise<KzpkiApiError> {
  const e = await p.then(
    () => undefined,
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(KzpkiApiError);
  return e as KzpkiApiError;
}

describe('buildKeyFile', () => {
  it.each(['legacy', 'modern'] as const)(
    '%s: NCA name, SKI as friendlyName and localKeyID, chain included',
    async (format) => {
      for (const purpose of ['auth', 'sign'] as const) {
        const { keys, cert } = pairs[purpose];
        const built = await buildKeyFile({
          privateKey: keys.privateKey,
          certificate: cert.der,
          chain: [root.der],
          password: 'Qwerty12',
          format,
        });
        const ski = inspectCertificate(cert.der).subjectKeyId;
        expect(built.fileName).toBe(`${purpose === 'auth' ? 'AUTH_' : ''}RSA256_${ski}.p12`);
        const opened = await openPkcs12(built.bytes, 'Qwerty12');
        expect({ friendlyName: opened.friendlyName, localKeyId: opened.localKeyId }).toEqual({
          friendlyName: ski,
          localKeyId: ski,
        });
        expect(opened.chain).toHaveLength(1);
      }
    },
  );

  it('refuses a password the NCA rule rejects, listing the violations', async () => {
    const e = await rejection(
      buildKeyFile({
        privateKey: pairs.auth.keys.privateKey,
        certificate: pairs.auth.cert.der,
        password: 'пароль',
      }),
    );
    expect(e.code).toBe('ERR_PASSWORD_POLICY');
    expect((e.details.violations as unknown[]).length).toBeGreaterThan(0);
  });

  it('refuses a certificate of another key', async () => {
    const e = await rejection(
      buildKeyFile({
        privateKey: pairs.auth.keys.privateKey,
        certificate: pairs.sign.cert.der,
        password: 'Qwerty12',
      }),
    );
    expect(e.code).toBe('ERR_INVALID_RESPONSE');
  });
});

describe('openKeyFile', () => {
  it('opens a key file for signing and checks the purpose', async () => {
    const built = await buildKeyFile({
      privateKey: pairs.auth.keys.privateKey,
      certificate: pairs.auth.cert.der,
      password: 'Qwerty12',
    });
    const opened = await openKeyFile(built.bytes, 'Qwerty12', 'auth');
    expect(opened.info.keyPurpose).toBe('auth');
    expect(opened.certificatePem).toMatch(/^-----BEGIN CERTIFICATE-----/);
    expect(opened.privateKey.type).toBe('private');
    expect((await rejection(openKeyFile(built.bytes, 'Qwerty12', 'sign'))).code).toBe('ERR_KEY_FILE_INVALID');
    expect((await rejection(openKeyFile(built.bytes, 'Wrong1234'))).code).toBe('ERR_KEY_FILE_BAD_PASSWORD');
    expect((await rejection(openKeyFile(new Uint8Array([1, 2, 3]), 'Qwerty12'))).code).toBe(
      'ERR_KEY_FILE_INVALID',
    );
  });

  it("opens a legal entity's GOST512 key file for logging in and signing alike", async () => {
    const caKey = GostPrivateKey.generate('gost2015-512');
    const ca = await issueCertificate({
      publicKey: caKey.publicKeyInfo,
      subject: [{ type: NCA_OIDS.attribute.commonName, value: 'CLIENT TEST GOST ROOT' }],
      profile: rootCaProfile({ nca: 'gost-2015' }),
      issuerKey: caKey,
    });
    const key = GostPrivateKey.generate('gost2015-512');
    const cert = await issueCertificate({
      publicKey: key.publicKeyInfo,
      subject: buildNcaSubject({
        surname: 'САРСЕНОВА',
        givenName: 'ДИНАРА',
        iin: '780203403451',
        bin: '150440000013',
        organization: 'ТОО «KZPKI ДЕМО»',
        template: 'first-manager',
        checksum: false,
      }),
      profile: gostTemplateProfile('first-manager'),
      issuer: ca.der,
      issuerKey: caKey,
    });
    const built = await buildKeyFile({
      privateKey: encodeGostPkcs8(key),
      certificate: cert.der,
      password: 'Qwerty12',
    });
    expect(built.fileName).toBe(`GOST512_${cert.subjectKeyId}.p12`);
    for (const purpose of ['auth', 'sign', undefined] as const) {
      const opened = await openKeyFile(built.bytes, 'Qwerty12', purpose);
      expect(opened.info.keyPurpose).toBe('auth+sign');
      expect(opened.privateKey).toBeInstanceOf(GostPrivateKey);
      const data = new TextEncoder().encode('challenge');
      expect(
        await verifySignature({
          data,
          algorithm: key.signatureAlgorithm,
          signature: await signData(opened.privateKey, data),
          publicKeyInfo: key.publicKeyInfo,
        }),
      ).toBe(true);
    }
  });

  it.skipIf(!hasNcaFixtures())('opens a real NCA AUTH key file', async () => {
    const opened = await openKeyFile(
      readNcaFixture('p12/AUTH_RSA256_6b361b864c679601b652fe387f61fcd9303c0327.p12'),
      NCA_TEST_PASSWORD,
      'auth',
    );
    expect(opened.info.iin).toBe('123456789011');
    expect(opened.info.subjectKeyId).toBe('6b361b864c679601b652fe387f61fcd9303c0327');
  });
});
