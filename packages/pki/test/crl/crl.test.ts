import { hasNcaFixtures, readNcaFixture } from '@kzpki/test-fixtures';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildCrl, type CrlEntryInput } from '../../src/crl/build.js';
import { parseCrl } from '../../src/crl/parse.js';
import { CRL_REASON_CODES, type CrlReason, crlReasonFromCode, isCrlReason } from '../../src/crl/reason.js';
import { verifyCrl } from '../../src/crl/verify.js';
import { fromHex, toHex, toPem } from '../../src/der/encoding.js';
import { normalizeSerialHex } from '../../src/der/serial.js';
import { makeTestCert, makeTestPki, type TestCert, type TestPki } from '../support/crl-ocsp-test-pki.js';

const utf8 = new TextDecoder();
const cn = (crl: ReturnType<typeof parseCrl>) =>
  crl.issuer.typesAndValues.find((t) => t.type === '2.5.4.3')?.value.valueBlock.value as string | undefined;
const iso = (d: Date | undefined) => d?.toISOString();

describe.skipIf(!hasNcaFixtures())('NCA fixture CRLs', () => {
  it('nca_rsa_test.crl: issuer, CRL number 9, 126 entries, exact entries as openssl prints them', () => {
    const crl = parseCrl(readNcaFixture('crl/nca_rsa_test.crl'));
    expect(crl.version).toBe(2);
    expect(cn(crl)).toBe('ҰКО 3.0 (RSA TEST)');
    expect(crl.crlNumber).toBe(9n);
    expect(crl.isDelta).toBe(false);
    expect(crl.baseCrlNumber).toBeUndefined();
    expect(crl.entryCount).toBe(126);
    expect(crl.entries).toHaveLength(126);
    expect(iso(crl.thisUpdate)).toBe('2022-03-29T04:18:29.000Z');
    expect(iso(crl.nextUpdate)).toBe('2022-09-25T04:18:29.000Z');
    expect(crl.authorityKeyId).toBe('a68c16337cb8e83567063e5e415755a2af345068');
    expect(crl.signatureAlgorithm).toBe('1.2.840.113549.1.1.11');
    expect(crl.unsupportedCriticalExtensions).toEqual([]);
    expect(crl.entries[0]).toEqual({
      serialHex: '474c38696d8677a2c8b6e40345a8b04168c0905c',
      revocationDate: new Date('2021-04-01T06:56:52Z'),
      reason: 'certificateHold',
    });
    expect(crl.find('4B779CB5647C4DA7B07327C503EAB1656D716ED8')).toEqual({
      serialHex: '4b779cb5647c4da7b07327c503eab1656d716ed8',
      revocationDate: new Date('2021-03-30T18:10:21Z'),
      reason: 'keyCompromise',
    });
    // An entry without reasonCode (unspecified).
    expect(crl.find('1f6de34f4f4bb353dd57ef15e4e6ddb8363f6d00')).toEqual({
      serialHex: '1f6de34f4f4bb353dd57ef15e4e6ddb8363f6d00',
      revocationDate: new Date('2021-05-31T05:45:26Z'),
    });
    expect(crl.entries[125]?.serialHex).toBe('2389610faaf1b348e041b4b258ef3fd449af775d');
    expect(crl.entries[125]?.reason).toBe('affiliationChanged');
    expect(crl.find('5ff71ae1eeb9bceff3705115c5e9e8f4243ba8d5')?.reason).toBe('superseded');
    expect(crl.find('00474c38696d8677a2c8b6e40345a8b04168c0905c')?.reason).toBe('certificateHold');
    expect(crl.find('474c38696d8677a2c8b6e40345a8b04168c0905d')).toBeUndefined();
    // Every entry is found by its own serial.
    for (const e of crl.entries) expect(crl.find(e.serialHex)).toEqual(e);
  });

  it('nca_gost_test.crl (GOST 2004): CRL number 7, 31 entries', () => {
    const crl = parseCrl(readNcaFixture('crl/nca_gost_test.crl'));
    expect(cn(crl)).toBe('ҰКО 3.0 (GOST TEST)');
    expect(crl.crlNumber).toBe(7n);
    expect(crl.entryCount).toBe(31);
    expect(crl.signatureAlgorithm).toBe('1.2.398.3.10.1.1.1.2');
    expect(crl.authorityKeyId).toBe('07bed21c60084456b02715e857374347bbd75450');
    expect(crl.find('5E5D1C4849CBF6F9EFB9BCCE9178BAF65C660D8F')).toEqual({
      serialHex: '5e5d1c4849cbf6f9efb9bcce9178baf65c660d8f',
      revocationDate: new Date('2021-06-03T11:35:43Z'),
      reason: 'affiliationChanged',
    });
    expect(crl.find('51BDF4262FA7FF0E71E5BFABF25C5586DFDF2FF9')?.reason).toBeUndefined();
    expect(crl.find('44E78DEA1FB3A06B29004E53F17F77606C6B08AA')?.reason).toBe('cessationOfOperation');
    expect(crl.find('603F1A3FD58DBA417046E02FD8139CD0E78B2637')?.reason).toBe('keyCompromise');
    expect(crl.find('3D7B4A043C2C5F0331E7B7AE43D49FCF321003F1')?.reason).toBe('superseded');
  });

  it('nca_gost2022_test.crl (GOST 2015): CRL number 4, 6 entries, a serial with a leading zero nibble', () => {
    const crl = parseCrl(readNcaFixture('crl/nca_gost2022_test.crl'));
    expect(cn(crl)).toBe('ҰЛТТЫҚ КУӘЛАНДЫРУШЫ ОРТАЛЫҚ (GOST) TEST 2022');
    expect(crl.crlNumber).toBe(4n);
    expect(crl.entryCount).toBe(6);
    expect(iso(crl.thisUpdate)).toBe('2022-07-27T11:26:06.000Z');
    expect(crl.find('0FD51BA7059261AE60CC621F316DB4EF0EF4BA14')).toEqual({
      serialHex: '0fd51ba7059261ae60cc621f316db4ef0ef4ba14',
      revocationDate: new Date('2022-07-27T10:13:19Z'),
      reason: 'keyCompromise',
    });
    expect(crl.find('fd51ba7059261ae60cc621f316db4ef0ef4ba14')?.reason).toBe('keyCompromise');
    expect(crl.entries.filter((e) => e.reason === 'certificateHold')).toHaveLength(5);
  });

  it('verifies nca_rsa_test.crl against its CA, and rejects other issuers and any tampering', async () => {
    const der = readNcaFixture('crl/nca_rsa_test.crl');
    const ca = utf8.decode(readNcaFixture('ca-test/nca_rsa_test.crt'));
    expect(await verifyCrl(der, ca)).toBe(true);
    expect(await verifyCrl(parseCrl(der), ca)).toBe(true);
    // Another CA (production NCA RSA, a different name and key).
    expect(await verifyCrl(der, readNcaFixture('ca-prod-2015-2018/nca_rsa.crt'))).toBe(false);
    // One flipped bit inside a revocation date.
    const tampered = der.slice();
    tampered[140] = tampered[140]! ^ 0x01;
    expect(parseCrl(tampered).entryCount).toBe(126);
    expect(await verifyCrl(tampered, ca)).toBe(false);
  });

  it('GOST CRLs verify (GOST R 34.10-2015 through src/gost)', async () => {
    const der = readNcaFixture('crl/nca_gost2022_test.crl');
    expect(await verifyCrl(der, readNcaFixture('ca-test/nca_gost2022_test.cer'))).toBe(true);
    expect(await verifyCrl(der, readNcaFixture('ca-test/root_test_gost_2022.cer'))).toBe(false);
  });
});

describe('CRL reasons', () => {
  it('map to the RFC 5280 ENUMERATED values (7 unused)', () => {
    expect(CRL_REASON_CODES.certificateHold).toBe(6);
    expect(CRL_REASON_CODES.removeFromCRL).toBe(8);
    expect(crlReasonFromCode(7)).toBeUndefined();
    expect(crlReasonFromCode(11)).toBeUndefined();
    for (const [name, code] of Object.entries(CRL_REASON_CODES)) expect(crlReasonFromCode(code)).toBe(name);
    expect(isCrlReason('keyCompromise')).toBe(true);
    expect(isCrlReason('toString')).toBe(false);
  });
});

describe('buildCrl', () => {
  let pki: TestPki;
  let ecCa: TestCert;
  const thisUpdate = new Date('2026-05-01T10:00:00Z');
  const nextUpdate = new Date('2026-05-02T10:00:00Z');

  beforeAll(async () => {
    pki = await makeTestPki();
    ecCa = await makeTestCert({ cn: 'EC CA', ca: true, alg: 'ECDSA-P256' });
  });

  const base = () => ({
    issuer: pki.ca.der,
    issuerKey: pki.ca.keys.privateKey,
    crlNumber: 12n,
    thisUpdate,
    nextUpdate,
  });

  it('builds a full CRL with reasons, invalidity dates, AKI, CRL number and freshestCRL', async () => {
    const der = await buildCrl({
      ...base(),
      entries: [
        {
          serial: pki.leaf.serialHex,
          revocationDate: new Date('2026-04-30T08:00:00Z'),
          reason: 'keyCompromise',
        },
        {
          serial: fromHex('00ff0102'),
          revocationDate: new Date('2026-04-30T09:00:00Z'),
          reason: 'unspecified',
          invalidityDate: new Date('2026-04-29T00:00:00Z'),
        },
        { serial: 'AB:CD:EF', revocationDate: new Date('2026-04-30T10:00:00Z'), reason: 'certificateHold' },
      ],
      freshestCrlUrls: ['http://crl.example.kz/nca_d_rsa.crl', 'http://crl1.example.kz/nca_d_rsa.crl'],
    });
    const crl = parseCrl(der);
    expect(crl.version).toBe(2);
    expect(toHex(crl.issuerDer)).toBe(toHex(pki.ca.cert.subject.toSchema().toBER(false)));
    expect(crl.crlNumber).toBe(12n);
    expect(crl.isDelta).toBe(false);
    expect(crl.thisUpdate).toEqual(thisUpdate);
    expect(crl.nextUpdate).toEqual(nextUpdate);
    const ski = pki.ca.cert.extensions?.find((e) => e.extnID === '2.5.29.14');
    expect(toHex(ski!.extnValue.valueBlock.valueHexView)).toBe(`0414${crl.authorityKeyId}`);
    expect(crl.freshestCrlUrls).toEqual([
      'http://crl.example.kz/nca_d_rsa.crl',
      'http://crl1.example.kz/nca_d_rsa.crl',
    ]);
    expect(crl.extensions.map((e) => [e.oid, e.critical])).toEqual([
      ['2.5.29.35', false],
      ['2.5.29.20', false],
      ['2.5.29.46', false],
    ]);
    expect(crl.entries).toEqual([
      {
        serialHex: pki.leaf.serialHex,
        revocationDate: new Date('2026-04-30T08:00:00Z'),
        reason: 'keyCompromise',
      },
      // unspecified is not written (RFC 5280 §5.3.1), invalidityDate is.
      {
        serialHex: 'ff0102',
        revocationDate: new Date('2026-04-30T09:00:00Z'),
        invalidityDate: new Date('2026-04-29T00:00:00Z'),
      },
      { serialHex: 'abcdef', revocationDate: new Date('2026-04-30T10:00:00Z'), reason: 'certificateHold' },
    ]);
    // The serial with the top bit set got its sign octet: INTEGER 02 04 00 ff 01 02.
    expect(toHex(der)).toContain('020400ff0102');
    expect(await verifyCrl(der, pki.ca.pem)).toBe(true);
    expect(await verifyCrl(der, pki.leaf.pem)).toBe(false); // not the issuer
  });

  it('builds a delta CRL: critical deltaCRLIndicator, certificateHold release via removeFromCRL', async () => {
    const der = await buildCrl({
      ...base(),
      crlNumber: 13n,
      deltaOf: 12n,
      entries: [
        { serial: 'abcdef', revocationDate: new Date('2026-04-30T10:00:00Z'), reason: 'removeFromCRL' },
        { serial: '0a0b', revocationDate: new Date('2026-05-01T09:00:00Z'), reason: 'superseded' },
      ],
    });
    const crl = parseCrl(der);
    expect(crl.isDelta).toBe(true);
    expect(crl.baseCrlNumber).toBe(12n);
    expect(crl.crlNumber).toBe(13n);
    expect(crl.extensions).toContainEqual({ oid: '2.5.29.27', critical: true });
    expect(crl.freshestCrlUrls).toEqual([]);
    expect(crl.find('abcdef')?.reason).toBe('removeFromCRL');
    expect(crl.find('0a0b')?.reason).toBe('superseded');
    expect(await verifyCrl(crl, pki.ca.der)).toBe(true);
  });

  it('omits revokedCertificates when there are none (RFC 5280 §5.1.2.6) and signs with ECDSA', async () => {
    const der = await buildCrl({ ...base(), issuer: ecCa.der, issuerKey: ecCa.keys.privateKey, entries: [] });
    const crl = parseCrl(der);
    expect(crl.entryCount).toBe(0);
    expect(crl.entries).toEqual([]);
    expect(crl.find('01')).toBeUndefined();
    expect(crl.signatureAlgorithm).toBe('1.2.840.10045.4.3.2');
    expect(await verifyCrl(der, ecCa.der)).toBe(true);
  });

  it('writes GeneralizedTime from 2050 and computes the AKI from the key when the CA has no SKI', async () => {
    const noSki = await makeTestCert({ cn: 'No SKI CA', ca: true, noSki: true, alg: 'ECDSA-P256' });
    const der = await buildCrl({
      issuer: noSki.der,
      issuerKey: noSki.keys.privateKey,
      crlNumber: 1n,
      thisUpdate: new Date('2050-01-01T00:00:00Z'),
      nextUpdate: new Date('2050-02-01T00:00:00Z'),
      entries: [{ serial: '01', revocationDate: new Date('2049-12-31T23:59:59Z') }],
    });
    expect(toHex(der)).toContain(toHex(new TextEncoder().encode('20500101000000Z')));
    expect(toHex(der)).toContain(`170d${toHex(new TextEncoder().encode('491231235959Z'))}`);
    const crl = parseCrl(der);
    expect(crl.thisUpdate.toISOString()).toBe('2050-01-01T00:00:00.000Z');
    const keyBits = noSki.cert.subjectPublicKeyInfo.subjectPublicKey.valueBlock.valueHexView;
    const sha1 = new Uint8Array(await crypto.subtle.digest('SHA-1', keyBits as BufferSource));
    expect(crl.authorityKeyId).toBe(toHex(sha1));
  });

  it('accepts async iterables (rows streamed from a store)', async () => {
    async function* rows(): AsyncGenerator<CrlEntryInput> {
      for (let i = 1; i <= 1000; i++) yield { serial: i.toString(16), revocationDate: thisUpdate };
    }
    const crl = parseCrl(await buildCrl({ ...base(), entries: rows(), yieldEvery: 100 }));
    expect(crl.entryCount).toBe(1000);
    expect(crl.find('3e8')?.revocationDate).toEqual(thisUpdate);
  });

  it('yields to the event loop while consuming a large entry list', async () => {
    let consumed = 0;
    function* entries(): Generator<CrlEntryInput> {
      for (let i = 0; i < 120_000; i++) {
        consumed++;
        yield { serial: (i + 1).toString(16), revocationDate: thisUpdate, reason: 'superseded' };
      }
    }
    let seenDuringBuild = -1;
    setTimeout(() => {
      seenDuringBuild = consumed;
    }, 0);
    const der = await buildCrl({ ...base(), entries: entries(), yieldEvery: 50_000 });
    // The timer ran after the first 50k entries and before the last.
    expect(seenDuringBuild).toBeGreaterThanOrEqual(50_000);
    expect(seenDuringBuild).toBeLessThan(120_000);
    const crl = parseCrl(der);
    expect(crl.entryCount).toBe(120_000);
    expect(crl.find('1d4c0')?.reason).toBe('superseded');
  });

  it('rejects inconsistent options with ERR_INVALID_ARGUMENT', async () => {
    const bad: Array<Partial<Parameters<typeof buildCrl>[0]>> = [
      { entries: [], nextUpdate: thisUpdate },
      { entries: [], crlNumber: -1n },
      { entries: [], crlNumber: 2n ** 160n },
      { entries: [], deltaOf: 12n },
      { entries: [], deltaOf: 11n, freshestCrlUrls: ['http://x.kz/d.crl'] },
      { entries: [{ serial: '01', revocationDate: thisUpdate, reason: 'removeFromCRL' }] },
      { entries: [{ serial: '01', revocationDate: new Date(Number.NaN) }] },
      { entries: [{ serial: 'zz', revocationDate: thisUpdate }] },
      { entries: [{ serial: '01', revocationDate: thisUpdate, reason: 'bogus' as CrlReason }] },
      { entries: [{ serial: 'ff'.repeat(65), revocationDate: thisUpdate }] },
      { entries: [], freshestCrlUrls: ['not a url'] },
      { entries: 5 as unknown as CrlEntryInput[] },
    ];
    for (const opts of bad) {
      await expect(buildCrl({ ...base(), ...opts } as Parameters<typeof buildCrl>[0])).rejects.toMatchObject({
        code: 'ERR_INVALID_ARGUMENT',
      });
    }
    await expect(
      buildCrl({ ...base(), issuerKey: pki.ca.keys.publicKey, entries: [] }),
    ).rejects.toMatchObject({
      code: 'ERR_INVALID_ARGUMENT',
    });
    await expect(buildCrl({ ...base(), issuer: 'garbage', entries: [] })).rejects.toMatchObject({
      code: 'ERR_CERTIFICATE_INVALID',
    });
  });

  it('round trip (property): every entry comes back with its serial, date, reason and invalidity date', async () => {
    const reasons = Object.keys(CRL_REASON_CODES).filter((r) => r !== 'removeFromCRL') as CrlReason[];
    const second = fc.integer({ min: Date.UTC(1950, 0, 1) / 1000, max: Date.UTC(2200, 0, 1) / 1000 });
    const entry = fc.record(
      {
        serial: fc.oneof(
          fc.uint8Array({ minLength: 1, maxLength: 20 }),
          fc.string({ unit: fc.constantFrom(...'0123456789abcdefABCDEF'), minLength: 1, maxLength: 40 }),
        ),
        revocationDate: second.map((s) => new Date(s * 1000)),
        reason: fc.constantFrom(...reasons),
        invalidityDate: second.map((s) => new Date(s * 1000)),
      },
      { requiredKeys: ['serial', 'revocationDate'] },
    );
    await fc.assert(
      fc.asyncProperty(fc.array(entry, { maxLength: 40 }), async (entries) => {
        const crl = parseCrl(
          await buildCrl({ ...base(), issuer: ecCa.der, issuerKey: ecCa.keys.privateKey, entries }),
        );
        expect(crl.entryCount).toBe(entries.length);
        entries.forEach((e, i) => {
          const got = crl.entryAt(i);
          expect(got.serialHex).toBe(normalizeSerialHex(e.serial));
          expect(got.revocationDate).toEqual(e.revocationDate);
          expect(got.reason).toBe(e.reason === 'unspecified' ? undefined : e.reason);
          expect(got.invalidityDate).toEqual(e.invalidityDate);
          expect(crl.find(e.serial)?.serialHex).toBe(got.serialHex);
        });
      }),
      { numRuns: 25 },
    );
  });

  it('parses its own output given as PEM text', async () => {
    const der = await buildCrl({ ...base(), entries: [{ serial: '01', revocationDate: thisUpdate }] });
    expect(parseCrl(toPem(der, 'X509 CRL')).entryCount).toBe(1);
  });
});

describe('parseCrl errors', () => {
  it('throws ERR_CRL_INVALID for things that are not CRLs', () => {
    for (const bad of [
      new Uint8Array(0),
      fromHex('3000'),
      fromHex('300a'),
      'not a crl',
      '-----BEGIN X509 CRL-----\n!!\n-----END X509 CRL-----',
    ]) {
      expect(() => parseCrl(bad)).toThrow(expect.objectContaining({ code: 'ERR_CRL_INVALID' }));
    }
  });
});
