import { readdirSync } from 'node:fs';
import { hasNcaFixtures, hasTool, ncaFixturePath, readNcaFixture, runTool } from '@kzpki/test-fixtures';
import * as asn1js from 'asn1js';
import fc from 'fast-check';
import * as pkijs from 'pkijs';
import { describe, expect, it } from 'vitest';
import { getCrypto, getPkijsEngine } from '../../src/crypto-provider.js';
import { fromHex, toBase64, toDer, toHex } from '../../src/der/encoding.js';
import { isPkiError } from '../../src/errors.js';
import { parseCertificate } from '../../src/x509/certificate.js';
import { type CertificateInfo, certificateFingerprint, inspectCertificate } from '../../src/x509/inspect.js';
import { encodeName } from '../../src/x509/name.js';

const fixtures = hasNcaFixtures();
const read = (file: string) => readNcaFixture(file);

const TEST_RSA_LINKS = {
  ocspUrls: ['http://test.pki.gov.kz/ocsp/'],
  crlUrls: ['http://test.pki.gov.kz/crl/nca_rsa_test.crl'],
  deltaCrlUrls: ['http://test.pki.gov.kz/crl/nca_d_rsa_test.crl'],
  caIssuerUrls: ['http://test.pki.gov.kz/cert/nca_rsa_test.cer'],
};
const TEST_GOST2022_LINKS = {
  ocspUrls: ['http://test.pki.gov.kz/ocsp/'],
  crlUrls: ['http://test.pki.gov.kz/crl/nca_gost2022_test.crl'],
  deltaCrlUrls: ['http://test.pki.gov.kz/crl/nca_gost2022_d_test.crl'],
  caIssuerUrls: ['http://test.pki.gov.kz/cert/nca_gost2022_test.cer'],
};
const TEST_GOST2022_ISSUER = 'C=KZ,CN=ҰЛТТЫҚ КУӘЛАНДЫРУШЫ ОРТАЛЫҚ (GOST) TEST 2022';
const GOST2015_EE: Partial<CertificateInfo> = {
  keyPurpose: 'auth+sign',
  policies: ['1.2.398.3.3.2'],
  cpsUris: ['http://pki.gov.kz/cps'],
  keyAlgorithm: 'GOST-2015-512',
  keyAlgorithmOid: '1.2.398.3.10.1.1.2.2',
  keySize: 512,
  signatureAlgorithm: 'gost34310-2015-512-with-streebog512',
  signatureAlgorithmOid: '1.2.398.3.10.1.1.2.3.2',
  keyUsage: ['digitalSignature', 'nonRepudiation', 'keyAgreement'],
  isCa: false,
  authorityKeyId: 'fad24b1ba3a0c961fe1ca8503e6aa2bb450db8a3',
  ...TEST_GOST2022_LINKS,
};
const TESTOV_011 = {
  iin: '123456789011',
  commonName: 'ТЕСТОВ ТЕСТ',
  surname: 'ТЕСТОВ',
  givenName: 'ТЕСТ',
  patronymic: 'ТЕСТОВИЧ',
} as const;
const TESTTOV_012 = {
  iin: '123456789012',
  commonName: 'ТЕСТТОВ ТЕСТТ',
  surname: 'ТЕСТТОВ',
  givenName: 'ТЕСТТ',
  patronymic: 'ТЕСТТОВИЧ',
} as const;
const ORG = { bin: '123456789021', organization: 'АО "ТЕСТ"' } as const;

/** Expected values, read off `openssl x509 -text` of each fixture. */
const END_ENTITIES: Record<string, Partial<CertificateInfo>> = {
  'ee-test/rsa_individual_auth_2022.pem': {
    ...TESTOV_011,
    serialNumber: '247c3fda89fa641ea226987393cdaf3f5baf24b3',
    subject: {
      dn: 'GIVENNAME=ТЕСТОВИЧ,C=KZ,SERIALNUMBER=IIN123456789011,SURNAME=ТЕСТОВ,CN=ТЕСТОВ ТЕСТ',
      fields: {
        CN: 'ТЕСТОВ ТЕСТ',
        SURNAME: 'ТЕСТОВ',
        SERIALNUMBER: 'IIN123456789011',
        C: 'KZ',
        GIVENNAME: 'ТЕСТОВИЧ',
      },
      attributes: [
        { type: '2.5.4.3', value: 'ТЕСТОВ ТЕСТ', encoding: 'utf8' },
        { type: '2.5.4.4', value: 'ТЕСТОВ', encoding: 'utf8' },
        { type: '2.5.4.5', value: 'IIN123456789011', encoding: 'printable' },
        { type: '2.5.4.6', value: 'KZ', encoding: 'printable' },
        { type: '2.5.4.42', value: 'ТЕСТОВИЧ', encoding: 'utf8' },
      ],
    },
    keyPurpose: 'auth',
    roles: ['individual'],
    roleOids: ['1.2.398.3.3.4.1.1'],
    template: 'individual',
    policies: ['1.2.398.3.3.2.4'],
    keyAlgorithm: 'RSA-2048',
    keySize: 2048,
    signatureAlgorithm: 'sha256WithRSAEncryption',
    notBefore: '2022-01-18T04:38:49.000Z',
    notAfter: '2023-01-18T04:38:49.000Z',
    keyUsage: ['digitalSignature', 'keyEncipherment'],
    keyUsageCritical: true,
    extKeyUsage: ['1.3.6.1.5.5.7.3.2', '1.2.398.3.3.4.1.1'],
    subjectKeyId: 'c99077290eef78982ca84634fcdf44766cc7269a',
    authorityKeyId: 'a68c16337cb8e83567063e5e415755a2af345068',
    isCa: false,
    ...TEST_RSA_LINKS,
  },
  'ee-test/rsa_individual_sign_2022.pem': {
    ...TESTOV_011,
    serialNumber: '41e45cc8a04c705963e5cd6769848a934d8eaef5',
    keyPurpose: 'sign',
    roles: ['individual'],
    template: 'individual',
    policies: ['1.2.398.3.3.2.3'],
    keyAlgorithm: 'RSA-2048',
    keyUsage: ['digitalSignature', 'nonRepudiation'],
    extKeyUsage: ['1.3.6.1.5.5.7.3.4', '1.2.398.3.3.4.1.1'],
    subjectKeyId: 'a4f5a1ff8f55aba59bb244a255d4a5a980dd068b',
    ...TEST_RSA_LINKS,
  },
  'ee-test/rsa_individual_auth_2018_prodchain.pem': {
    ...TESTOV_011,
    serialNumber: '157d5c497a54fd2757b38afbe0f4bc605b956c0a',
    issuer: {
      dn: 'CN=ҰЛТТЫҚ КУӘЛАНДЫРУШЫ ОРТАЛЫҚ (RSA),C=KZ',
      fields: { C: 'KZ', CN: 'ҰЛТТЫҚ КУӘЛАНДЫРУШЫ ОРТАЛЫҚ (RSA)' },
      attributes: [
        { type: '2.5.4.6', value: 'KZ', encoding: 'printable' },
        { type: '2.5.4.3', value: 'ҰЛТТЫҚ КУӘЛАНДЫРУШЫ ОРТАЛЫҚ (RSA)', encoding: 'utf8' },
      ],
    },
    keyPurpose: 'auth',
    roles: ['individual'],
    policies: ['1.2.398.3.3.2.4'],
    keyAlgorithm: 'RSA-2048',
    notBefore: '2018-08-22T12:11:36.000Z',
    notAfter: '2019-08-22T12:11:36.000Z',
    ocspUrls: ['http://ocsp.pki.gov.kz'],
    crlUrls: ['http://crl.pki.gov.kz/nca_rsa.crl', 'http://crl1.pki.gov.kz/nca_rsa.crl'],
    deltaCrlUrls: ['http://crl.pki.gov.kz/nca_d_rsa.crl', 'http://crl1.pki.gov.kz/nca_d_rsa.crl'],
    caIssuerUrls: ['http://pki.gov.kz/cert/nca_rsa.cer'],
    subjectKeyId: '6b361b864c679601b652fe387f61fcd9303c0327',
    authorityKeyId: '5b6a7411',
  },
  'ee-test/gost2004_ceo_sign_2022.pem': {
    ...TESTOV_011,
    ...ORG,
    serialNumber: '6cbd4560a33a58c0b07c3363c9ae0674a0838e58',
    keyPurpose: 'sign',
    roles: ['legal-entity', 'first-manager'],
    roleOids: ['1.2.398.3.3.4.1.2', '1.2.398.3.3.4.1.2.1'],
    template: 'first-manager',
    policies: ['1.2.398.3.3.2.1'],
    keyAlgorithm: 'GOST-2004',
    keyAlgorithmOid: '1.2.398.3.10.1.1.1.1',
    signatureAlgorithm: 'gost34310-2004-with-gost34311-95',
    signatureAlgorithmOid: '1.2.398.3.10.1.1.1.2',
    notBefore: '2022-01-18T04:45:35.000Z',
    notAfter: '2023-01-18T04:45:35.000Z',
    subjectKeyId: '316f6c63a629bbad2247be0e24e2a694565d5051',
    authorityKeyId: '07bed21c60084456b02715e857374347bbd75450',
    ...TEST_RSA_LINKS, // a quirk of the NCA test data: its links point at the RSA test CA
  },
  'ee-test/gost2015_individual_2026.pem': {
    ...GOST2015_EE,
    ...TESTOV_011,
    serialNumber: '6c425659bd2fc6dc587b871aede1857727cf8451',
    roles: ['individual'],
    roleOids: ['1.2.398.3.3.4.1.1'],
    template: 'individual',
    extKeyUsage: ['1.3.6.1.5.5.7.3.4', '1.2.398.3.3.4.1.1'],
    notBefore: '2026-05-08T06:45:13.000Z',
    notAfter: '2027-05-08T06:45:13.000Z',
    subjectKeyId: 'ec425659bd2fc6dc587b871aede1857727cf8451',
  },
  'ee-test/gost2015_ceo_2026.pem': {
    ...GOST2015_EE,
    ...TESTOV_011,
    ...ORG,
    roles: ['legal-entity', 'first-manager'],
    template: 'first-manager',
    subjectKeyId: '303eebdf17969f3edede9bd9828fb1355aabbe4e',
  },
  'ee-test/gost2015_employee_2026.pem': {
    ...GOST2015_EE,
    ...TESTTOV_012,
    ...ORG,
    roles: ['legal-entity', 'employee'],
    roleOids: ['1.2.398.3.3.4.1.2', '1.2.398.3.3.4.1.2.5'],
    template: 'employee',
  },
  'ee-test/gost2015_can_sign_2026.pem': {
    ...GOST2015_EE,
    ...TESTTOV_012,
    ...ORG,
    roles: ['legal-entity', 'signer'],
    template: 'signer',
    keyUsageCritical: false, // this one marks EKU critical instead
    notBefore: '2026-06-16T05:02:43.000Z',
  },
  'ee-test/gost2015_treasury_client_2026.pem': {
    ...GOST2015_EE,
    ...TESTTOV_012,
    ...ORG,
    roleCode: 'ROLE02',
    businessCategory: 'KS1234',
    roles: ['legal-entity', 'treasury'],
    roleOids: ['1.2.398.3.3.4.1.2', '1.2.398.5.19.1.2.2.1'],
    template: 'treasury',
    extKeyUsage: ['1.3.6.1.5.5.7.3.4', '1.2.398.3.3.4.1.2', '1.2.398.5.19.1.2.2.1'],
    serialNumber: '60954f23d41db3f42fb04db6f538609d98978d32',
  },
  'ee-test/gost2015_infosystem_2026.pem': {
    ...GOST2015_EE,
    ...ORG,
    commonName: 'ИС "Тест"',
    roles: ['legal-entity', 'information-system'],
    roleOids: ['1.2.398.3.3.4.1.2', '1.2.398.3.3.4.1.2.6'],
    extKeyUsage: ['1.2.398.3.3.4.1.2', '1.2.398.3.3.4.1.2.6'],
    notBefore: '2026-05-08T11:27:43.000Z',
    notAfter: '2029-05-07T11:27:43.000Z',
  },
};

/** Fields an information system or CA certificate does not have. */
const PERSON_FIELDS = ['iin', 'surname', 'givenName', 'patronymic', 'template', 'email', 'roleCode'] as const;

const CAS: Record<string, Partial<CertificateInfo>> = {
  'ca-test/root_rsa_test.pem': {
    keyAlgorithm: 'RSA-4096',
    policies: ['1.2.398.3.1.2'],
    selfIssued: true,
    subjectKeyId: 'd3c77dffaca2f50ec163195baffe727757b23ce2',
    authorityKeyId: 'd3c77dffaca2f50ec163195baffe727757b23ce2',
    crlUrls: [],
    notAfter: '2038-06-30T05:16:05.000Z',
  },
  'ca-test/root_gost_test.crt': { keyAlgorithm: 'GOST-2004', selfIssued: true, policies: ['1.2.398.3.1.2'] },
  'ca-test/root_test_gost_2022.cer': { keyAlgorithm: 'GOST-2015-512', selfIssued: true },
  'ca-test/nca_rsa_test.crt': {
    keyAlgorithm: 'RSA-4096',
    selfIssued: false,
    subject: {
      dn: 'CN=ҰКО 3.0 (RSA TEST),C=KZ',
      fields: { C: 'KZ', CN: 'ҰКО 3.0 (RSA TEST)' },
      attributes: [
        { type: '2.5.4.6', value: 'KZ', encoding: 'printable' },
        { type: '2.5.4.3', value: 'ҰКО 3.0 (RSA TEST)', encoding: 'utf8' },
      ],
    },
    policies: ['1.2.398.3.3.1.1'],
    crlUrls: ['http://test.pki.gov.kz/crl/root_rsa.crl'],
    caIssuerUrls: ['http://test.pki.gov.kz/cert/root_rsa_test.cer'],
    subjectKeyId: 'a68c16337cb8e83567063e5e415755a2af345068',
  },
  'ca-test/nca_gost_test.crt': {
    keyAlgorithm: 'GOST-2004',
    subjectKeyId: '07bed21c60084456b02715e857374347bbd75450',
  },
  'ca-test/nca_gost2022_test.cer': {
    keyAlgorithm: 'GOST-2015-512',
    policies: ['1.2.398.3.3.2'],
    cpsUris: ['http://pki.gov.kz/cps'], // the certificate has a leading space in the URI
    crlUrls: ['http://crl.root.gov.kz/gost_test_2022.crl'],
    caIssuerUrls: ['http://root.gov.kz/cert/root_test_gost_2022.cer'],
    subjectKeyId: 'fad24b1ba3a0c961fe1ca8503e6aa2bb450db8a3',
    authorityKeyId: 'a7d3ab7790372e5b698170dde60ccca38bc3a4b2',
  },
  'ca-prod-2015-2018/root_rsa.crt': {
    keyAlgorithm: 'RSA-4096',
    selfIssued: true,
    organization: 'РМК «МЕМЛЕКЕТТІК ТЕХНИКАЛЫҚ ҚЫЗМЕТ»',
    notBefore: '2015-07-27T05:22:53.000Z',
    notAfter: '2025-07-27T05:22:53.000Z',
  },
  'ca-prod-2015-2018/root_gost.crt': { keyAlgorithm: 'GOST-2004', selfIssued: true },
  'ca-prod-2015-2018/nca_rsa.crt': {
    keyAlgorithm: 'RSA-4096',
    // One URI holding two URLs separated by a line break and "URL=" in the certificate.
    crlUrls: ['http://crl.root.gov.kz/rsa.crl', 'http://crl1.root.gov.kz/rsa.crl'],
    caIssuerUrls: ['http://root.gov.kz/cert/root_rsa.cer'],
    subjectKeyId: '5b6a7411',
    authorityKeyId: 'd4a51869ef8b3f15fdeaadbd47e094816b066a3b',
  },
  'ca-prod-2015-2018/nca_gost.crt': {
    keyAlgorithm: 'GOST-2004',
    crlUrls: ['http://crl.root.gov.kz/gost.crl', 'http://crl1.root.gov.kz/gost.crl'],
  },
};

describe.skipIf(!fixtures)('inspectCertificate on the NCA fixtures', () => {
  it('covers every certificate in the fixtures', () => {
    const all = ['ca-test', 'ca-prod-2015-2018', 'ee-test'].flatMap((d) =>
      readdirSync(ncaFixturePath(d)).map((f) => `${d}/${f}`),
    );
    expect(new Set(all)).toEqual(new Set([...Object.keys(END_ENTITIES), ...Object.keys(CAS)]));
  });

  it.each(Object.entries(END_ENTITIES))('%s', (file, expected) => {
    const info = inspectCertificate(read(file));
    expect(info).toMatchObject(expected);
    expect(info.version).toBe(3);
    expect(info.isCa).toBe(false);
    expect(JSON.parse(JSON.stringify(info))).toEqual(info);
    for (const [k, v] of Object.entries(info)) expect(v, k).not.toBeUndefined();
  });

  it.each(Object.entries(CAS))('%s', (file, expected) => {
    const info = inspectCertificate(read(file));
    expect(info).toMatchObject({
      isCa: true,
      keyPurpose: 'other',
      roles: [],
      roleOids: [],
      keyUsage: ['keyCertSign', 'cRLSign'],
      keyUsageCritical: true,
      extKeyUsage: [],
      deltaCrlUrls: [],
      ocspUrls: [],
      ...expected,
    });
    for (const f of PERSON_FIELDS) expect(info).not.toHaveProperty(f);
    expect(info).not.toHaveProperty('pathLength');
    expect(info.extensions.find((e) => e.oid === '2.5.29.19')).toEqual({
      oid: '2.5.29.19',
      name: 'basicConstraints',
      critical: true,
    });
  });

  it('reads the information system: UID, no IIN, no person', () => {
    const info = inspectCertificate(read('ee-test/gost2015_infosystem_2026.pem'));
    expect(info.subject.fields.UID).toBe('1.2.398.6.10.1.1');
    for (const f of PERSON_FIELDS) expect(info).not.toHaveProperty(f);
    expect(info.subject.dn).toBe(
      'OU=BIN123456789021,O=АО \\"ТЕСТ\\",C=KZ,CN=ИС \\"Тест\\",UID=1.2.398.6.10.1.1',
    );
  });

  it('reads the Treasury-Client DN with DC and businessCategory', () => {
    const info = inspectCertificate(read('ee-test/gost2015_treasury_client_2026.pem'));
    expect(info.subject.fields).toMatchObject({
      DC: 'ROLE02',
      BUSINESSCATEGORY: 'KS1234',
      OU: 'BIN123456789021',
    });
    expect(info.issuer.dn).toBe(TEST_GOST2022_ISSUER);
  });

  it('lists extensions with criticality, unknown ones by OID', () => {
    const info = inspectCertificate(read('ee-test/gost2015_can_sign_2026.pem'));
    expect(info.extensions).toContainEqual({ oid: '2.5.29.37', name: 'extKeyUsage', critical: true });
    expect(info.extensions).toContainEqual({ oid: '2.5.29.15', name: 'keyUsage', critical: false });
    expect(info.extensions).toContainEqual({ oid: '1.2.398.3.3.5', critical: false });
  });

  it('accepts PEM text, DER bytes, base64 and parsed certificates alike', () => {
    const pem = new TextDecoder().decode(read('ee-test/rsa_individual_auth_2022.pem'));
    const der = toDer(read('ca-test/nca_rsa_test.crt'));
    expect(inspectCertificate(pem).serialNumber).toBe('247c3fda89fa641ea226987393cdaf3f5baf24b3');
    expect(inspectCertificate(toBase64(der))).toEqual(inspectCertificate(der));
    expect(inspectCertificate(parseCertificate(der))).toEqual(inspectCertificate(der));
  });

  it('never fails with anything but a PkiError on mutated certificates (fuzz)', { timeout: 30_000 }, () => {
    const files = [...Object.keys(END_ENTITIES), ...Object.keys(CAS)];
    const ders = files.map((f) => toDer(read(f)));
    fc.assert(
      fc.property(
        fc.nat({ max: ders.length - 1 }),
        fc.array(fc.tuple(fc.nat(), fc.nat({ max: 255 })), { minLength: 1, maxLength: 4 }),
        fc.option(fc.nat(), { nil: undefined }),
        (which, edits, cut) => {
          const bytes = ders[which]!.slice();
          for (const [pos, value] of edits) bytes[pos % bytes.length] = value;
          const input = cut === undefined ? bytes : bytes.subarray(0, cut % bytes.length);
          try {
            const info = inspectCertificate(input);
            JSON.stringify(info);
          } catch (e) {
            if (!isPkiError(e)) throw e;
          }
        },
      ),
      { numRuns: 400 },
    );
  });

  it.skipIf(!hasTool('openssl'))(
    'agrees with openssl on serial, dates and fingerprints',
    { timeout: 60_000 },
    async () => {
      for (const file of [...Object.keys(END_ENTITIES), ...Object.keys(CAS)]) {
        const inform = read(file)[0] === 0x30 ? 'DER' : 'PEM';
        const r = runTool('openssl', [
          'x509',
          '-inform',
          inform,
          '-in',
          ncaFixturePath(file),
          '-noout',
          '-serial',
          '-dates',
          '-fingerprint',
          '-sha256',
        ]);
        expect(r.status, r.stderr).toBe(0);
        const out = Object.fromEntries(
          r.stdout
            .trim()
            .split('\n')
            .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
        );
        const info = inspectCertificate(read(file));
        expect(info.serialNumber).toBe(out.serial!.toLowerCase());
        expect(Date.parse(info.notBefore)).toBe(Date.parse(out.notBefore!));
        expect(Date.parse(info.notAfter)).toBe(Date.parse(out.notAfter!));
        expect(await certificateFingerprint(read(file))).toBe(
          out['sha256 Fingerprint']!.replace(/:/g, '').toLowerCase(),
        );
      }
    },
  );
});

describe('inspectCertificate on a certificate built here', () => {
  async function build(): Promise<Uint8Array> {
    const keys = (await getCrypto().subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, [
      'sign',
      'verify',
    ])) as CryptoKeyPair;
    const cert = new pkijs.Certificate();
    cert.version = 2;
    cert.serialNumber = new asn1js.Integer({ valueHex: new Uint8Array([0x00, 0x80, 0x01]).buffer });
    cert.subject = encodeName([
      { type: '2.5.4.3', value: 'John Smith' },
      { type: '2.5.4.4', value: 'Smith' },
      { type: '2.5.4.42', value: 'John' },
    ]);
    cert.issuer = encodeName([{ type: '2.5.4.3', value: 'Test CA' }]);
    cert.notBefore.value = new Date('2030-01-01T00:00:00Z');
    cert.notAfter.value = new Date('2031-01-01T00:00:00Z');
    const ext = (extnID: string, critical: boolean, value: asn1js.AsnType) =>
      new pkijs.Extension({ extnID, critical, extnValue: value.toBER(false) });
    cert.extensions = [
      ext('2.5.29.19', true, new pkijs.BasicConstraints({ cA: true, pathLenConstraint: 2 }).toSchema()),
      ext(
        '2.5.29.37',
        false,
        new pkijs.ExtKeyUsage({
          keyPurposes: ['1.3.6.1.5.5.7.3.2', '1.3.6.1.5.5.7.3.4', '1.2.398.3.3.4.3.2.1'],
        }).toSchema(),
      ),
      ext(
        '2.5.29.17',
        false,
        new pkijs.AltName({
          altNames: [new pkijs.GeneralName({ type: 1, value: 'john@example.kz' })],
        }).toSchema(),
      ),
      ext('1.3.6.1.5.5.7.48.1.5', false, new asn1js.Null()),
    ];
    await cert.subjectPublicKeyInfo.importKey(keys.publicKey, getPkijsEngine());
    await cert.sign(keys.privateKey, 'SHA-256', getPkijsEngine());
    return new Uint8Array(cert.toSchema(true).toBER(false));
  }

  it('reads an ECDSA certificate with SAN e-mail, both purposes, pathLen and ocspNoCheck', async () => {
    const info = inspectCertificate(await build());
    expect(info).toMatchObject({
      serialNumber: '8001',
      keyAlgorithm: 'ECDSA-P256',
      keySize: 256,
      signatureAlgorithm: 'ecdsa-with-SHA256',
      keyPurpose: 'other', // a CA
      isCa: true,
      pathLength: 2,
      email: 'john@example.kz',
      ocspNoCheck: true,
      identificationMethod: 'remote-digital-id',
      // Not NCA style (CN is not "SURNAME NAME"): GIVENNAME is the given name.
      commonName: 'John Smith',
      surname: 'Smith',
      givenName: 'John',
      subject: { dn: 'GIVENNAME=John,SURNAME=Smith,CN=John Smith' },
    });
    expect(info).not.toHaveProperty('patronymic');
    expect(info).not.toHaveProperty('subjectKeyId');
  });

  it('computes SHA-1 and SHA-256 fingerprints', async () => {
    const der = await build();
    const sha1 = await certificateFingerprint(der, 'SHA-1');
    expect(sha1).toMatch(/^[0-9a-f]{40}$/);
    const digest = new Uint8Array(await getCrypto().subtle.digest('SHA-256', der as BufferSource));
    expect(await certificateFingerprint(der)).toBe(
      [...digest].map((b) => b.toString(16).padStart(2, '0')).join(''),
    );
    await expect(certificateFingerprint(der, 'MD5' as never)).rejects.toMatchObject({
      code: 'ERR_INVALID_ARGUMENT',
    });
  });

  it('rejects a malformed UniversalString with ERR_CERTIFICATE_INVALID (asn1js would throw a RangeError)', async () => {
    const der = await build();
    const hex = toHex(der);
    const cn = toHex(new TextEncoder().encode('Test CA'));
    const at = hex.indexOf(`0c07${cn}`);
    expect(at).toBeGreaterThan(0);
    const bad = fromHex(`${hex.slice(0, at)}1c07${hex.slice(at + 4)}`); // 7 bytes: not a multiple of 4
    expect(() => inspectCertificate(bad)).toThrow(
      expect.objectContaining({ code: 'ERR_CERTIFICATE_INVALID' }),
    );
  });

  it('rejects what is not a certificate with ERR_CERTIFICATE_INVALID', () => {
    for (const bad of ['', 'hello', new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x01]), new Uint8Array(0)]) {
      expect(() => inspectCertificate(bad)).toThrow(
        expect.objectContaining({ code: 'ERR_CERTIFICATE_INVALID' }),
      );
    }
  });
});
