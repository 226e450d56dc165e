import { hasNcaFixtures, readNcaFixture } from '@kzpki/test-fixtures';
import * as asn1js from 'asn1js';
import type * as pkijs from 'pkijs';
import { beforeAll, describe, expect, it } from 'vitest';
import { getCrypto, getPkijsEngine } from '../../src/crypto-provider.js';
import { createCsr, verifyCsr } from '../../src/csr/csr.js';
import { fromHex, toDer, toHex } from '../../src/der/encoding.js';
import { isPkiError, type PkiErrorCode } from '../../src/errors.js';
import { exportSpki, generateKeyPair } from '../../src/keys/keys.js';
import type { CertificateProfile, KeyPurpose } from '../../src/profiles/profile.js';
import {
  issuingCaProfile,
  ncaOperatorProfile,
  ocspResponderProfile,
  rootCaProfile,
  TEMPLATE_NAMES,
  type TemplateName,
  templateProfile,
} from '../../src/profiles/templates.js';
import { SIGNATURE_OIDS } from '../../src/signature/algorithms.js';
import { parseCertificate } from '../../src/x509/certificate.js';
import { keyUsageNames } from '../../src/x509/extensions.js';
import {
  type IssueCertificateOptions,
  type IssuedCertificate,
  issueCertificate,
  prepareIssuer,
} from '../../src/x509/issue.js';
import { type DistinguishedName, nameToDer } from '../../src/x509/name.js';
import { subjectKeyIdentifier } from '../../src/x509/ski.js';
import { buildNcaSubject } from '../../src/x509/subject.js';

async function codeOf(p: Promise<unknown>): Promise<PkiErrorCode | 'OK'> {
  try {
    await p;
    return 'OK';
  } catch (e) {
    if (isPkiError(e)) return e.code;
    throw e;
  }
}

const DAY = 86_400_000;
const URLS = {
  crl: ['http://ca.kzpki.test/crl/nca_rsa.crl'],
  deltaCrl: ['http://ca.kzpki.test/crl/nca_d_rsa.crl'],
  ocsp: ['http://ocsp.kzpki.test/'],
  caIssuers: ['http://ca.kzpki.test/cert/nca_rsa.cer'],
};
const ROOT_URLS = {
  crl: ['http://ca.kzpki.test/crl/root.crl'],
  caIssuers: ['http://ca.kzpki.test/cert/root.cer'],
};
const ROOT_DN: DistinguishedName = [
  { type: '2.5.4.3', value: 'KZPKI TEST ROOT (P-256)' },
  { type: '2.5.4.10', value: 'kzpki' },
  { type: '2.5.4.6', value: 'KZ' },
];
const CA_DN: DistinguishedName = [
  { type: '2.5.4.6', value: 'KZ' },
  { type: '2.5.4.3', value: 'ҰКО TEST (RSA)' },
];

function ext(cert: pkijs.Certificate, oid: string): pkijs.Extension | undefined {
  return cert.extensions?.find((e) => e.extnID === oid);
}

/** Field-by-field view of a certificate through pkijs (an independent decoder). */
function view(der: Uint8Array) {
  const cert = parseCertificate(der);
  const ku = ext(cert, '2.5.29.15');
  const eku = ext(cert, '2.5.29.37');
  const bc = ext(cert, '2.5.29.19');
  const policies = ext(cert, '2.5.29.32')?.parsedValue as pkijs.CertificatePolicies | undefined;
  const aki = ext(cert, '2.5.29.35')?.parsedValue as pkijs.AuthorityKeyIdentifier | undefined;
  const ski = ext(cert, '2.5.29.14')?.parsedValue as asn1js.OctetString | undefined;
  const uris = (oid: string) =>
    (
      (ext(cert, oid)?.parsedValue as pkijs.CRLDistributionPoints | undefined)?.distributionPoints ?? []
    ).flatMap((dp) => (dp.distributionPoint as pkijs.GeneralName[]).map((g) => g.value as string));
  const aia =
    (ext(cert, '1.3.6.1.5.5.7.1.1')?.parsedValue as pkijs.InfoAccess | undefined)?.accessDescriptions ?? [];
  return {
    cert,
    version: cert.version,
    serialHex: toHex(cert.serialNumber.valueBlock.valueHexView),
    signatureOid: cert.signatureAlgorithm.algorithmId,
    keyUsage: ku
      ? keyUsageNames(new Uint8Array((ku.parsedValue as asn1js.BitString).valueBlock.valueHexView))
      : [],
    keyUsageCritical: ku?.critical,
    extKeyUsage: (eku?.parsedValue as pkijs.ExtKeyUsage | undefined)?.keyPurposes ?? [],
    extKeyUsageCritical: eku?.critical,
    basicConstraints: bc && {
      ca: (bc.parsedValue as pkijs.BasicConstraints).cA,
      pathLength: (bc.parsedValue as pkijs.BasicConstraints).pathLenConstraint,
      critical: bc.critical,
    },
    policies: policies?.certificatePolicies.map((p) => p.policyIdentifier) ?? [],
    akiHex: aki?.keyIdentifier && toHex(aki.keyIdentifier.valueBlock.valueHexView),
    skiHex: ski && toHex(ski.valueBlock.valueHexView),
    crl: uris('2.5.29.31'),
    deltaCrl: uris('2.5.29.46'),
    ocsp: aia
      .filter((a) => a.accessMethod === '1.3.6.1.5.5.7.48.1')
      .map((a) => a.accessLocation.value as string),
    caIssuers: aia
      .filter((a) => a.accessMethod === '1.3.6.1.5.5.7.48.2')
      .map((a) => a.accessLocation.value as string),
    ocspNoCheck: ext(cert, '1.3.6.1.5.5.7.48.1.5'),
    extensionOids: cert.extensions?.map((e) => e.extnID) ?? [],
    notBefore: cert.notBefore.value,
    notAfter: cert.notAfter.value,
    issuerDer: new Uint8Array(cert.issuer.valueBeforeDecode),
    subjectDer: new Uint8Array(cert.subject.valueBeforeDecode),
  };
}

let rootKeys: CryptoKeyPair;
let caKeys: CryptoKeyPair;
let leafKeys: CryptoKeyPair;
let root: IssuedCertificate;
let ca: IssuedCertificate;

beforeAll(async () => {
  [rootKeys, caKeys, leafKeys] = await Promise.all([
    generateKeyPair('ECDSA-P256'),
    generateKeyPair('RSA-2048'),
    generateKeyPair('RSA-2048'),
  ]);
  root = await issueCertificate({
    publicKey: rootKeys.publicKey,
    subject: ROOT_DN,
    profile: rootCaProfile(),
    issuerKey: rootKeys.privateKey,
  });
  ca = await issueCertificate({
    publicKey: await exportSpki(caKeys.publicKey),
    subject: CA_DN,
    profile: issuingCaProfile(),
    issuer: root.der,
    issuerKey: rootKeys.privateKey,
    urls: ROOT_URLS,
  });
});

describe('the test CA chain', () => {
  it('root: self-signed, CA, keyCertSign+cRLSign critical, AKI = own SKI, ECDSA P-256', async () => {
    const v = view(root.der);
    expect(v.version).toBe(2);
    expect(v.signatureOid).toBe(SIGNATURE_OIDS.ecdsaWithSHA256);
    expect(v.cert.signatureAlgorithm.algorithmParams).toBeUndefined(); // RFC 5758: no parameters
    expect(v.issuerDer).toEqual(v.subjectDer);
    expect(v.subjectDer).toEqual(nameToDer(ROOT_DN));
    expect(v.basicConstraints).toEqual({ ca: true, pathLength: undefined, critical: true });
    expect(v.keyUsage).toEqual(['keyCertSign', 'cRLSign']);
    expect(v.keyUsageCritical).toBe(true);
    expect(v.extKeyUsage).toEqual([]);
    expect(v.policies).toEqual(rootCaProfile().policies);
    expect(v.skiHex).toBe(toHex(await subjectKeyIdentifier(rootKeys.publicKey)));
    expect(v.akiHex).toBe(v.skiHex);
    expect(v.crl).toEqual([]);
    expect(v.caIssuers).toEqual([]);
    expect(await v.cert.verify(v.cert, getPkijsEngine())).toBe(true);
    expect(v.notAfter.getTime() - v.notBefore.getTime()).toBe(rootCaProfile().validityDays * DAY); // exactly, backdate included (as the NCA)
  });

  it('issuing CA: pathLen 0, issuer Name copied exactly, AKI = root SKI, root URLs, signed by the root', async () => {
    const v = view(ca.der);
    const r = view(root.der);
    expect(v.signatureOid).toBe(SIGNATURE_OIDS.ecdsaWithSHA256);
    expect(v.issuerDer).toEqual(r.subjectDer);
    expect(v.basicConstraints).toEqual({ ca: true, pathLength: 0, critical: true });
    expect(v.akiHex).toBe(r.skiHex);
    expect(v.skiHex).toBe(toHex(await subjectKeyIdentifier(caKeys.publicKey)));
    expect(v.crl).toEqual(ROOT_URLS.crl);
    expect(v.caIssuers).toEqual(ROOT_URLS.caIssuers);
    expect(v.ocsp).toEqual([]);
    expect(v.policies).toEqual(issuingCaProfile().policies);
    expect(await v.cert.verify(r.cert, getPkijsEngine())).toBe(true);
  });
});

describe('end-entity certificates for every template and purpose', () => {
  const cases = TEMPLATE_NAMES.flatMap((t) => (['auth', 'sign'] as KeyPurpose[]).map((p) => [t, p] as const));

  function subjectFor(template: TemplateName): DistinguishedName {
    const person = { surname: 'Тестов', givenName: 'Тест', patronymic: 'Тестович', iin: '871008401427' };
    const legal = { ...person, bin: '940140000385', organization: 'АО "ТЕСТ"' };
    if (template === 'individual') return buildNcaSubject({ ...person, template });
    if (template === 'treasury')
      return buildNcaSubject({ ...legal, roleCode: 'ROLE02', businessCategory: 'KS1234', template });
    return buildNcaSubject({ ...legal, template });
  }

  it.each(cases)('%s/%s from a CSR: re-parsed field by field', async (template, purpose) => {
    const csr = await verifyCsr(
      await createCsr({ keys: leafKeys, subject: subjectFor(template), template, purpose }),
    );
    const profile = templateProfile(template, purpose);
    const before = Date.now();
    const issued = await issueCertificate({
      csr,
      profile,
      issuer: ca.der,
      issuerKey: caKeys.privateKey,
      urls: URLS,
    });
    const after = Date.now();
    const v = view(issued.der);
    const c = view(ca.der);

    expect(v.version).toBe(2);
    expect(v.serialHex).toBe(issued.serialHex);
    // 20-byte serials, as the NCA's RSA certificates (the template profile asks for them).
    expect(issued.serialHex).toMatch(/^[4-7][0-9a-f]{39}$/);
    expect(v.signatureOid).toBe(SIGNATURE_OIDS.sha256WithRSAEncryption);
    expect(v.issuerDer).toEqual(c.subjectDer);
    expect(v.subjectDer).toEqual(csr.subjectDer);
    expect(new Uint8Array(v.cert.subjectPublicKeyInfo.toSchema().toBER(false))).toEqual(csr.spki);

    expect(v.keyUsage).toEqual(profile.keyUsage);
    expect(v.keyUsageCritical).toBe(true);
    expect(v.extKeyUsage).toEqual(profile.extKeyUsage);
    expect(v.extKeyUsageCritical).toBe(false);
    expect(v.policies).toEqual(profile.policies);
    expect(v.basicConstraints).toBeUndefined();
    expect(v.ocspNoCheck).toBeUndefined();
    expect(v.akiHex).toBe(c.skiHex);
    // The NCA's RSA end-entity SKI: SHA-1 of the whole SubjectPublicKeyInfo.
    expect(v.skiHex).toBe(toHex(await subjectKeyIdentifier(csr.spki, 'spki-sha1')));
    expect(v.skiHex).toBe(issued.subjectKeyId);
    expect(v.crl).toEqual(URLS.crl);
    expect(v.deltaCrl).toEqual(URLS.deltaCrl);
    expect(v.ocsp).toEqual(URLS.ocsp);
    expect(v.caIssuers).toEqual(URLS.caIssuers);
    expect(v.extensionOids).toEqual([
      '2.5.29.15',
      '2.5.29.37',
      '2.5.29.35',
      '2.5.29.14',
      '2.5.29.32',
      '2.5.29.31',
      '2.5.29.46',
      '1.3.6.1.5.5.7.1.1',
    ]);

    // Default validity: now minus 60 s to now plus the profile's days, whole seconds.
    expect(v.notBefore).toEqual(issued.notBefore);
    expect(v.notAfter).toEqual(issued.notAfter);
    expect(issued.notBefore.getTime()).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000 - 60_000);
    expect(issued.notBefore.getTime()).toBeLessThanOrEqual(after - 60_000);
    expect(issued.notAfter.getTime() - issued.notBefore.getTime()).toBe(profile.validityDays * DAY); // exactly 365 days, as the NCA
    expect(await v.cert.verify(c.cert, getPkijsEngine())).toBe(true);
  });
});

describe('CA-side profiles', () => {
  it('OCSP responder: digitalSignature, OCSPSigning, id-pkix-ocsp-nocheck (NULL), no policies', async () => {
    const keys = await generateKeyPair('ECDSA-P256');
    const issued = await issueCertificate({
      publicKey: keys.publicKey,
      subject: [{ type: '2.5.4.3', value: 'OCSP RESPONDER' }],
      profile: ocspResponderProfile(),
      issuer: ca.der,
      issuerKey: caKeys.privateKey,
    });
    const v = view(issued.der);
    expect(v.keyUsage).toEqual(['digitalSignature']);
    expect(v.keyUsageCritical).toBe(true);
    expect(v.extKeyUsage).toEqual(['1.3.6.1.5.5.7.3.9']);
    expect(v.ocspNoCheck?.critical).toBe(false);
    expect(toHex(v.ocspNoCheck!.extnValue.valueBlock.valueHexView)).toBe('0500');
    expect(v.policies).toEqual([]);
    expect(v.extensionOids).not.toContain('2.5.29.32');
    expect(v.notAfter.getTime() - v.notBefore.getTime()).toBe(ocspResponderProfile().validityDays * DAY);
  });

  it('NCA operator: AUTH usages with the operator role', async () => {
    const issued = await issueCertificate({
      publicKey: leafKeys.publicKey,
      subject: [{ type: '2.5.4.3', value: 'OPERATOR' }],
      profile: ncaOperatorProfile(),
      issuer: ca.der,
      issuerKey: caKeys.privateKey,
      urls: URLS,
    });
    const v = view(issued.der);
    expect(v.keyUsage).toEqual(['digitalSignature', 'keyEncipherment']);
    expect(v.extKeyUsage).toEqual(['1.3.6.1.5.5.7.3.2', '1.2.398.3.3.4.2.3']);
  });
});

describe('issuance options', () => {
  const base = (): IssueCertificateOptions => ({
    publicKey: leafKeys.publicKey,
    subject: [{ type: '2.5.4.3', value: 'OPTIONS' }],
    profile: templateProfile('individual', 'sign'),
    issuer: ca.der,
    issuerKey: caKeys.privateKey,
  });

  it('an expired certificate with past validity, and times either side of 2050', async () => {
    const expired = await issueCertificate({
      ...base(),
      validity: {
        notBefore: new Date('2020-01-01T00:00:00Z'),
        notAfter: new Date('2021-01-01T00:00:00.750Z'),
      },
    });
    expect(view(expired.der).notBefore.toISOString()).toBe('2020-01-01T00:00:00.000Z');
    expect(expired.notAfter.toISOString()).toBe('2021-01-01T00:00:00.000Z');

    const far = await issueCertificate({
      ...base(),
      validity: { notBefore: new Date('2049-12-31T23:59:59Z'), notAfter: new Date('2050-01-01T00:00:00Z') },
    });
    const tbs = (asn1js.fromBER(far.der).result as asn1js.Sequence).valueBlock.value[0] as asn1js.Sequence;
    const validity = tbs.valueBlock.value[4] as asn1js.Sequence;
    expect(validity.valueBlock.value.map((t) => t.idBlock.tagNumber)).toEqual([23, 24]); // UTCTime, GeneralizedTime
    expect(view(far.der).notAfter.toISOString()).toBe('2050-01-01T00:00:00.000Z');

    const fromStart = await issueCertificate({
      ...base(),
      validity: { notBefore: new Date('2030-06-01T00:00:00Z') },
    });
    expect(fromStart.notAfter.getTime() - fromStart.notBefore.getTime()).toBe(365 * DAY);
  });

  it('explicit serials; spki-sha1 key identifiers; the CPS qualifier; mirrored CRL URLs', async () => {
    const a = await issueCertificate({ ...base(), serial: '00:01' });
    expect(a.serialHex).toBe('01');
    const b = await issueCertificate({ ...base(), serial: Uint8Array.of(0x80, 1) });
    expect(b.serialHex).toBe('8001');
    const serialDer = (
      (asn1js.fromBER(b.der).result as asn1js.Sequence).valueBlock.value[0] as asn1js.Sequence
    ).valueBlock.value[1]!;
    expect(toHex(serialDer.toBER(false))).toBe('0203008001');

    const spki = await exportSpki(leafKeys.publicKey);
    const c = await issueCertificate({ ...base(), keyIdMethod: 'spki-sha1' });
    expect(c.subjectKeyId).toBe(toHex(await subjectKeyIdentifier(spki, 'spki-sha1')));

    const d = await issueCertificate({
      ...base(),
      urls: { crl: ['http://a.test/x.crl', 'http://b.test/x.crl'], cps: 'http://pki.gov.kz/cps' },
    });
    const v = view(d.der);
    expect(v.crl).toEqual(['http://a.test/x.crl', 'http://b.test/x.crl']);
    const qualifier = (ext(v.cert, '2.5.29.32')!.parsedValue as pkijs.CertificatePolicies)
      .certificatePolicies[0]!.policyQualifiers![0]!;
    expect(qualifier.policyQualifierId).toBe('1.3.6.1.5.5.7.2.1');
    expect((qualifier.qualifier as asn1js.IA5String).valueBlock.value).toBe('http://pki.gov.kz/cps');
  });

  it('a raw CSR is verified; a given subject overrides the request, copied CSR subjects stay byte-exact', async () => {
    const subject: DistinguishedName = [{ type: '2.5.4.3', value: 'PRINTABLE', encoding: 'printable' }];
    const csrDer = await createCsr({ keys: leafKeys, subject, template: 'individual', purpose: 'auth' });
    const fromRaw = await issueCertificate({
      ...base(),
      publicKey: undefined,
      subject: undefined,
      csr: csrDer,
    });
    expect(view(fromRaw.der).subjectDer).toEqual(nameToDer(subject));
    // Name SEQUENCE > RDN SET > ATV SEQUENCE > OID (5 bytes) > value: the value tag sits at offset 11.
    expect(view(fromRaw.der).subjectDer[11]).toBe(0x13); // PrintableString kept

    const overridden = await issueCertificate({ ...base(), publicKey: undefined, csr: csrDer });
    expect(view(overridden.der).subjectDer).toEqual(nameToDer([{ type: '2.5.4.3', value: 'OPTIONS' }]));

    const bad = csrDer.slice();
    bad[bad.length - 1]! ^= 1;
    expect(await codeOf(issueCertificate({ ...base(), publicKey: undefined, csr: bad }))).toBe(
      'ERR_CSR_SIGNATURE_INVALID',
    );
  });

  it('prepareIssuer reads the issuer once and is reused', async () => {
    const p = await prepareIssuer(ca.der);
    expect(await prepareIssuer(ca.der)).toBe(p);
    expect(await prepareIssuer(ca.pem)).toBe(p);
    expect(await prepareIssuer(ca.der.slice())).toBe(p);
    expect(await prepareIssuer(p)).toBe(p);
    expect(toHex(p.keyIdentifier)).toBe(view(ca.der).skiHex);
    expect(p.subjectDer).toEqual(view(ca.der).subjectDer);
    const issued = await issueCertificate({ ...base(), issuer: p });
    expect(await view(issued.der).cert.verify(view(ca.der).cert, getPkijsEngine())).toBe(true);
  });
});

describe('refusals', () => {
  const base = (): IssueCertificateOptions => ({
    publicKey: leafKeys.publicKey,
    subject: [{ type: '2.5.4.3', value: 'REFUSED' }],
    profile: templateProfile('individual', 'auth'),
    issuer: ca.der,
    issuerKey: caKeys.privateKey,
  });

  it('an issuer that is not a CA, or a key that is not the issuer’s', async () => {
    const leaf = await issueCertificate(base());
    expect(
      await codeOf(issueCertificate({ ...base(), issuer: leaf.der, issuerKey: leafKeys.privateKey })),
    ).toBe('ERR_INVALID_ARGUMENT');
    expect(await codeOf(issueCertificate({ ...base(), issuerKey: rootKeys.privateKey }))).toBe(
      'ERR_KEY_INVALID',
    );
    expect(await codeOf(issueCertificate({ ...base(), issuerKey: leafKeys.publicKey }))).toBe(
      'ERR_INVALID_ARGUMENT',
    );
    // Self-signed: the signing key must belong to the certified key.
    expect(
      await codeOf(
        issueCertificate({
          ...base(),
          issuer: undefined,
          profile: rootCaProfile(),
          issuerKey: caKeys.privateKey,
        }),
      ),
    ).toBe('ERR_KEY_INVALID');
    expect(await codeOf(issueCertificate({ ...base(), issuer: 'garbage' }))).toBe('ERR_CERTIFICATE_INVALID');
  });

  it('bad validity, serial, subject, key source and URLs', async () => {
    const t = new Date('2030-01-01T00:00:00Z');
    expect(await codeOf(issueCertificate({ ...base(), validity: { notBefore: t, notAfter: t } }))).toBe(
      'ERR_INVALID_ARGUMENT',
    );
    expect(await codeOf(issueCertificate({ ...base(), validity: { notBefore: new Date('x') } }))).toBe(
      'ERR_INVALID_ARGUMENT',
    );
    expect(await codeOf(issueCertificate({ ...base(), serial: '0000' }))).toBe('ERR_INVALID_ARGUMENT');
    expect(await codeOf(issueCertificate({ ...base(), subject: [] }))).toBe('ERR_SUBJECT_INVALID');
    expect(await codeOf(issueCertificate({ ...base(), subject: undefined }))).toBe('ERR_SUBJECT_INVALID');
    expect(await codeOf(issueCertificate({ ...base(), publicKey: undefined }))).toBe('ERR_INVALID_ARGUMENT');
    const csr = await createCsr({ keys: leafKeys, subject: [{ type: '2.5.4.3', value: 'x' }] });
    expect(await codeOf(issueCertificate({ ...base(), csr }))).toBe('ERR_INVALID_ARGUMENT');
    expect(await codeOf(issueCertificate({ ...base(), urls: { ocsp: ['http://ocsp.тест/'] } }))).toBe(
      'ERR_INVALID_ARGUMENT',
    );
    expect(await codeOf(issueCertificate({ ...base(), publicKey: fromHex('3000') }))).toBe('ERR_KEY_INVALID');
  });

  it('weak keys and inconsistent profiles', async () => {
    const weak = await getCrypto().subtle.generateKey(
      {
        name: 'RSASSA-PKCS1-v1_5',
        modulusLength: 1024,
        publicExponent: new Uint8Array([1, 0, 1]),
        hash: 'SHA-256',
      },
      true,
      ['sign', 'verify'],
    );
    expect(await codeOf(issueCertificate({ ...base(), publicKey: weak.publicKey }))).toBe('ERR_KEY_TOO_WEAK');
    const p = templateProfile('individual', 'auth');
    const bad: CertificateProfile[] = [
      { ...p, keyUsage: [...p.keyUsage, 'keyCertSign'] },
      { ...p, validityDays: 0 },
      { ...p, extKeyUsage: ['clientAuth'] },
      { ...rootCaProfile(), keyUsage: ['cRLSign'] },
    ];
    for (const profile of bad)
      expect(await codeOf(issueCertificate({ ...base(), profile }))).toBe('ERR_PROFILE_INVALID');
  });
});

describe.skipIf(!hasNcaFixtures())('a real NCA issuer certificate', () => {
  it('prepareIssuer yields the Name and key identifier the NCA put into the certificates it issued', async () => {
    const p = await prepareIssuer(readNcaFixture('ca-test/nca_rsa_test.crt'));
    const ee = view(toDer(new TextDecoder().decode(readNcaFixture('ee-test/rsa_individual_auth_2022.pem'))));
    expect(p.subjectDer).toEqual(ee.issuerDer);
    expect(toHex(p.keyIdentifier)).toBe(ee.akiHex);
    expect(p.spki.algorithm).toBe('RSA-4096'); // NCA CA keys are RSA-4096 (docs/domain.md, Certificate profiles)
  });

  it('the NCA production root is a CA; an NCA end-entity certificate is not', async () => {
    expect((await prepareIssuer(readNcaFixture('ca-prod-2015-2018/root_rsa.crt'))).spki.algorithm).toBe(
      'RSA-4096',
    );
    expect(await codeOf(prepareIssuer(readNcaFixture('ee-test/rsa_individual_sign_2022.pem')))).toBe(
      'ERR_INVALID_ARGUMENT',
    );
  });
});
