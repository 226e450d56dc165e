/**
 * The GOST-2015 legal-entity profiles against the NCA's TEST-2022 certificates, field by field.
 *
 * A GOST root and issuing CA made here (issuing CA DN = the NCA's: CN, C) issue a certificate for
 * each template with the NCA's URLs and the fixture's subject data; each is then compared with the
 * NCA's certificate of that template: version, signature and key AlgorithmIdentifiers, issuer and
 * subject Name DER (attribute set, order and string types), validity length, the extensions present
 * and their order and criticality, the exact DER of keyUsage, extKeyUsage, certificatePolicies,
 * cRLDistributionPoints, freshestCRL, authorityInfoAccess and the private extension 1.2.398.3.3.5,
 * and the serial/SKI relation (serial = SKI with the top bit cleared, SKI = RFC 5280 method 1),
 * which is checked on the NCA's certificate as well. Skipped without the fixtures.
 */
import { FIXTURES_MISSING_REASON, hasNcaFixtures, readNcaFixture } from '@kzpki/test-fixtures';
import * as asn1js from 'asn1js';
import { beforeAll, describe, expect, it } from 'vitest';
import { toDer, toHex } from '../../src/der/encoding.js';
import { GostPrivateKey } from '../../src/gost/keys.js';
import {
  gostTemplateProfile,
  informationSystemProfile,
  issuingCaProfile,
  rootCaProfile,
  type TemplateName,
} from '../../src/profiles/templates.js';
import { verifyChain } from '../../src/x509/chain.js';
import { type IssuedCertificate, issueCertificate, serialFromKeyId } from '../../src/x509/issue.js';
import { serialMagnitude } from '../../src/x509/serial.js';
import { keyIdHash } from '../../src/x509/ski.js';
import { buildInformationSystemSubject, buildNcaSubject } from '../../src/x509/subject.js';

const fixtures = hasNcaFixtures();
if (!fixtures) console.warn(`nca-gost-profiles: skipped: ${FIXTURES_MISSING_REASON}`);

/** The NCA's TEST-2022 URLs, as its certificates carry them. */
const URLS = {
  crl: ['http://test.pki.gov.kz/crl/nca_gost2022_test.crl'],
  deltaCrl: ['http://test.pki.gov.kz/crl/nca_gost2022_d_test.crl'],
  ocsp: ['http://test.pki.gov.kz/ocsp/'],
  caIssuers: ['http://test.pki.gov.kz/cert/nca_gost2022_test.cer'],
  cps: 'http://pki.gov.kz/cps',
};
const CA_CN = 'ҰЛТТЫҚ КУӘЛАНДЫРУШЫ ОРТАЛЫҚ (GOST) TEST 2022';
const DAY_MS = 86_400_000;

interface Extension {
  oid: string;
  critical: boolean;
  der: Uint8Array;
  value: Uint8Array;
}

interface CertView {
  version: number;
  serial: Uint8Array;
  signatureAlgorithm: Uint8Array;
  issuer: Uint8Array;
  days: number;
  subject: Uint8Array;
  keyAlgorithm: Uint8Array;
  subjectPublicKey: Uint8Array;
  extensions: Extension[];
}

const kids = (n: asn1js.AsnType) => (n as asn1js.Sequence).valueBlock.value;
const raw = (n: asn1js.AsnType) => new Uint8Array(n.valueBeforeDecodeView);

/** A certificate taken apart with asn1js (not this package's parser). */
function view(der: Uint8Array): CertView {
  const cert = asn1js.fromBER(der).result;
  const tbs = kids(kids(cert)[0]!);
  const [version, serial, sigAlg, issuer, validity, subject, spki, exts] = tbs as asn1js.AsnType[];
  const [notBefore, notAfter] = kids(validity!) as asn1js.UTCTime[];
  const [keyAlg, keyBits] = kids(spki!);
  return {
    version: (kids(version!)[0] as asn1js.Integer).valueBlock.valueDec,
    serial: new Uint8Array((serial as asn1js.Integer).valueBlock.valueHexView),
    signatureAlgorithm: raw(sigAlg!),
    issuer: raw(issuer!),
    days: (notAfter!.toDate().getTime() - notBefore!.toDate().getTime()) / DAY_MS,
    subject: raw(subject!),
    keyAlgorithm: raw(keyAlg!),
    subjectPublicKey: new Uint8Array((keyBits as asn1js.BitString).valueBlock.valueHexView),
    extensions: kids(kids(exts!)[0]!).map((e) => {
      const parts = kids(e);
      const critical = parts.length === 3 && (parts[1] as asn1js.Boolean).getValue();
      return {
        oid: (parts[0] as asn1js.ObjectIdentifier).valueBlock.toString(),
        critical,
        der: raw(e),
        value: new Uint8Array((parts.at(-1) as asn1js.OctetString).valueBlock.valueHexView),
      };
    }),
  };
}

/** AuthorityInfoAccess entries as [method, URL] with duplicates dropped (the CEO's repeats OCSP). */
function accessEntries(value: Uint8Array): string[] {
  const seen = new Set<string>();
  for (const ad of kids(asn1js.fromBER(value).result)) {
    const [method, location] = kids(ad);
    const url = new TextDecoder().decode((location as asn1js.Primitive).valueBlock.valueHexView);
    seen.add(`${(method as asn1js.ObjectIdentifier).valueBlock.toString()} ${url}`);
  }
  return [...seen];
}

const TEST_PERSON = { surname: 'ТЕСТОВ', givenName: 'ТЕСТ', patronymic: 'ТЕСТОВИЧ', iin: '123456789011' };
const TEST_PERSON_2 = {
  surname: 'ТЕСТТОВ',
  givenName: 'ТЕСТТ',
  patronymic: 'ТЕСТТОВИЧ',
  iin: '123456789012',
};
const ORG = { organization: 'АО "ТЕСТ"', bin: '123456789021' };

/** Each template with its NCA fixture and the subject data that fixture carries. */
const CASES: {
  template: TemplateName;
  fixture: string;
  subject: () => ReturnType<typeof buildNcaSubject>;
}[] = [
  {
    template: 'first-manager',
    fixture: 'ee-test/gost2015_ceo_2026.pem',
    subject: () => buildNcaSubject({ ...TEST_PERSON, ...ORG, template: 'first-manager', checksum: false }),
  },
  {
    template: 'signer',
    fixture: 'ee-test/gost2015_can_sign_2026.pem',
    subject: () => buildNcaSubject({ ...TEST_PERSON_2, ...ORG, template: 'signer', checksum: false }),
  },
  {
    template: 'employee',
    fixture: 'ee-test/gost2015_employee_2026.pem',
    subject: () => buildNcaSubject({ ...TEST_PERSON_2, ...ORG, template: 'employee', checksum: false }),
  },
  {
    template: 'treasury',
    fixture: 'ee-test/gost2015_treasury_client_2026.pem',
    subject: () =>
      buildNcaSubject({
        ...TEST_PERSON_2,
        ...ORG,
        roleCode: 'ROLE02',
        businessCategory: 'KS1234',
        template: 'treasury',
        checksum: false,
      }),
  },
  {
    template: 'individual',
    fixture: 'ee-test/gost2015_individual_2026.pem',
    subject: () => buildNcaSubject({ ...TEST_PERSON, template: 'individual', checksum: false }),
  },
];

/** Compares ours with the NCA's, field by field. */
function compare(ours: CertView, nca: CertView): void {
  expect(ours.version).toBe(nca.version);
  expect(toHex(ours.signatureAlgorithm)).toBe(toHex(nca.signatureAlgorithm));
  expect(toHex(ours.keyAlgorithm)).toBe(toHex(nca.keyAlgorithm));
  expect(toHex(ours.issuer)).toBe(toHex(nca.issuer));
  expect(toHex(ours.subject)).toBe(toHex(nca.subject));
  expect(ours.days).toBe(nca.days);
  // Extensions present, in order, with the same criticality.
  expect(ours.extensions.map((e) => [e.oid, e.critical])).toEqual(
    nca.extensions.map((e) => [e.oid, e.critical]),
  );
  for (const [i, mine] of ours.extensions.entries()) {
    const theirs = nca.extensions[i]!;
    if (mine.oid === '2.5.29.14' || mine.oid === '2.5.29.35') continue; // key identifiers differ by key
    if (mine.oid === '1.3.6.1.5.5.7.1.1') {
      expect(accessEntries(mine.value)).toEqual(accessEntries(theirs.value));
      continue;
    }
    expect([mine.oid, toHex(mine.der)]).toEqual([theirs.oid, toHex(theirs.der)]);
  }
  // serial = SKI with the top bit cleared; SKI = SHA-1 of the subjectPublicKey bits (RFC 5280 method 1).
  for (const v of [ours, nca]) {
    const skiBytes = new Uint8Array(
      (asn1js.fromBER(v.extensions.find((e) => e.oid === '2.5.29.14')!.value).result as asn1js.OctetString)
        .valueBlock.valueHexView,
    );
    expect(toHex(skiBytes)).toBe(toHex(keyIdHash(v.subjectPublicKey)));
    // Compared as integers: when the cleared top octet is 0 the DER INTEGER is a byte shorter (1 in 128).
    expect(toHex(serialMagnitude(v.serial))).toBe(toHex(serialMagnitude(serialFromKeyId(skiBytes))));
  }
}

describe.skipIf(!fixtures)('GOST-2015 template profiles match the NCA TEST-2022 certificates', () => {
  const rootKey = GostPrivateKey.generate('gost2015-512');
  const caKey = GostPrivateKey.generate('gost2015-512');
  let root: IssuedCertificate;
  let ca: IssuedCertificate;

  beforeAll(async () => {
    root = await issueCertificate({
      publicKey: rootKey.publicKeyInfo,
      subject: [
        { type: '2.5.4.3', value: 'НЕГІЗГІ КУӘЛАНДЫРУШЫ ОРТАЛЫҚ (GOST) TEST 2022', encoding: 'utf8' },
        { type: '2.5.4.6', value: 'KZ', encoding: 'printable' },
      ],
      profile: rootCaProfile(),
      issuerKey: rootKey,
    });
    ca = await issueCertificate({
      publicKey: caKey.publicKeyInfo,
      subject: [
        { type: '2.5.4.3', value: CA_CN, encoding: 'utf8' },
        { type: '2.5.4.6', value: 'KZ', encoding: 'printable' },
      ],
      profile: issuingCaProfile(),
      issuer: root.der,
      issuerKey: rootKey,
    });
  });

  it.each(CASES)('$template ~ $fixture', async ({ template, fixture, subject }) => {
    const key = GostPrivateKey.generate('gost2015-512');
    const issued = await issueCertificate({
      publicKey: key.publicKeyInfo,
      subject: subject(),
      profile: gostTemplateProfile(template),
      issuer: ca.der,
      issuerKey: caKey,
      urls: URLS,
    });
    compare(view(issued.der), view(toDer(readNcaFixture(fixture), 'CERTIFICATE')));
    expect(issued.serialHex).toBe(
      toHex(serialMagnitude(serialFromKeyId(keyIdHash(view(issued.der).subjectPublicKey)))),
    );
    const chain = await verifyChain({
      certificate: issued.der,
      trustAnchors: [root.der],
      intermediates: [ca.der],
    });
    expect(chain.valid).toBe(true);
  });

  // The NCA published no finance or HR certificate: they must be the employee's (gost2015_employee)
  // in everything but the role OID in extKeyUsage (1.2.398.3.3.4.1.2.3 finance, .2.4 HR for .2.5).
  it.each([
    ['finance', '1.2.398.3.3.4.1.2.3'],
    ['hr', '1.2.398.3.3.4.1.2.4'],
  ] as const)('%s ~ gost2015_employee with role %s', async (template, role) => {
    const key = GostPrivateKey.generate('gost2015-512');
    const issued = await issueCertificate({
      publicKey: key.publicKeyInfo,
      subject: buildNcaSubject({ ...TEST_PERSON_2, ...ORG, template, checksum: false }),
      profile: gostTemplateProfile(template),
      issuer: ca.der,
      issuerKey: caKey,
      urls: URLS,
    });
    const ours = view(issued.der);
    const nca = view(toDer(readNcaFixture('ee-test/gost2015_employee_2026.pem'), 'CERTIFICATE'));
    const eku = (v: CertView) =>
      kids(asn1js.fromBER(v.extensions.find((e) => e.oid === '2.5.29.37')!.value).result).map((o) =>
        (o as asn1js.ObjectIdentifier).valueBlock.toString(),
      );
    expect(eku(ours)).toEqual(eku(nca).map((o) => (o === '1.2.398.3.3.4.1.2.5' ? role : o)));
    // Everything else as the employee's: compare with the EKU taken out of both.
    const withoutEku = (v: CertView): CertView => ({
      ...v,
      extensions: v.extensions.filter((e) => e.oid !== '2.5.29.37'),
    });
    expect(ours.extensions.map((e) => [e.oid, e.critical])).toEqual(
      nca.extensions.map((e) => [e.oid, e.critical]),
    );
    compare(withoutEku(ours), withoutEku(nca));
  });

  it('the information-system profile ~ gost2015_infosystem (no IIN, UID, three years)', async () => {
    const key = GostPrivateKey.generate('gost2015-512');
    const issued = await issueCertificate({
      publicKey: key.publicKeyInfo,
      subject: buildInformationSystemSubject({
        uid: '1.2.398.6.10.1.1',
        name: 'ИС "Тест"',
        ...ORG,
        checksum: false,
      }),
      profile: informationSystemProfile(),
      issuer: ca.der,
      issuerKey: caKey,
      urls: URLS,
    });
    const nca = view(toDer(readNcaFixture('ee-test/gost2015_infosystem_2026.pem'), 'CERTIFICATE'));
    compare(view(issued.der), nca);
    expect(nca.days).toBe(3 * 365);
  });

  it('a profile for GOST-2015-512 keys refuses an RSA key', async () => {
    const { generateKeyPair } = await import('../../src/keys/keys.js');
    const rsa = await generateKeyPair('RSA-2048');
    await expect(
      issueCertificate({
        publicKey: rsa.publicKey,
        subject: CASES[0]!.subject(),
        profile: gostTemplateProfile('first-manager'),
        issuer: ca.der,
        issuerKey: caKey,
        urls: URLS,
      }),
    ).rejects.toMatchObject({ code: 'ERR_KEY_INVALID' });
  });
});
