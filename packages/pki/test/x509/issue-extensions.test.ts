import { hasNcaFixtures, readNcaFixture } from '@kzpki/test-fixtures';
import * as asn1js from 'asn1js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fromHex, toDer, toHex } from '../../src/der/encoding.js';
import { isPkiError } from '../../src/errors.js';
import type { KeyUsageName } from '../../src/profiles/profile.js';
import { EXTENSION_OIDS } from '../../src/x509/extension-oids.js';
import {
  authorityInfoAccessExtension,
  authorityKeyIdentifierExtension,
  basicConstraintsExtension,
  certificatePoliciesExtension,
  distributionPointsExtension,
  extKeyUsageExtension,
  KEY_USAGE_BITS,
  keyUsageBits,
  keyUsageExtension,
  keyUsageNames,
  ocspNoCheckExtension,
  subjectAltNameExtension,
  subjectKeyIdentifierExtension,
} from '../../src/x509/extensions.js';

function code(f: () => unknown): string {
  try {
    f();
    return 'OK';
  } catch (e) {
    if (isPkiError(e)) return e.code;
    throw e;
  }
}

/** The exact DER of every extension of a certificate, by OID. */
function extensionsOf(certDer: Uint8Array): Map<string, Uint8Array> {
  const cert = asn1js.fromBER(certDer).result as asn1js.Sequence;
  const tbs = cert.valueBlock.value[0] as asn1js.Sequence;
  const tagged = tbs.valueBlock.value.at(-1) as asn1js.Constructed;
  const exts = tagged.valueBlock.value[0] as asn1js.Sequence;
  const out = new Map<string, Uint8Array>();
  for (const ext of exts.valueBlock.value as asn1js.Sequence[]) {
    const oid = (ext.valueBlock.value[0] as asn1js.ObjectIdentifier).valueBlock.toString();
    out.set(oid, new Uint8Array(ext.valueBeforeDecodeView));
  }
  return out;
}

describe('keyUsage named bits', () => {
  it('drops trailing zero bits (X.690 §11.2.2): NCA AUTH, SIGN and CA vectors', () => {
    expect(toHex(keyUsageExtension(['digitalSignature', 'keyEncipherment'], true))).toBe(
      '300e0603551d0f0101ff0404030205a0',
    );
    const sign = keyUsageBits(['digitalSignature', 'nonRepudiation']);
    expect([toHex(sign.bytes), sign.unusedBits]).toEqual(['c0', 6]);
    const ca = keyUsageBits(['keyCertSign', 'cRLSign']);
    expect([toHex(ca.bytes), ca.unusedBits]).toEqual(['06', 1]);
    const decipher = keyUsageBits(['decipherOnly']);
    expect([toHex(decipher.bytes), decipher.unusedBits]).toEqual(['0080', 7]);
  });

  it('round-trips any set of usages', () => {
    const all = Object.keys(KEY_USAGE_BITS) as KeyUsageName[];
    fc.assert(
      fc.property(fc.subarray(all, { minLength: 1 }), (set) => {
        const { bytes } = keyUsageBits(set);
        expect(keyUsageNames(bytes)).toEqual(all.filter((u) => set.includes(u)));
      }),
    );
  });

  it('refuses empty and unknown usages', () => {
    expect(code(() => keyUsageBits([]))).toBe('ERR_PROFILE_INVALID');
    expect(code(() => keyUsageBits(['signEverything' as KeyUsageName]))).toBe('ERR_PROFILE_INVALID');
  });
});

describe('extension builders', () => {
  it('basicConstraints: cA omitted when false (DEFAULT), pathLen only with cA', () => {
    expect(toHex(basicConstraintsExtension({ ca: true, critical: true }))).toBe(
      '300f0603551d130101ff040530030101ff',
    );
    expect(toHex(basicConstraintsExtension({ ca: true, pathLength: 0, critical: true }))).toBe(
      '30120603551d130101ff040830060101ff020100',
    );
    expect(toHex(basicConstraintsExtension({ ca: false, critical: false }))).toBe('30090603551d1304023000');
    expect(code(() => basicConstraintsExtension({ ca: false, pathLength: 1, critical: true }))).toBe(
      'ERR_PROFILE_INVALID',
    );
  });

  it('subjectAltName: dNSName [2] and iPAddress [7] (4 or 16 octets), not critical', () => {
    // 30 1a  06 03 551d11  04 13  30 11  82 09 "localhost"  87 04 7f000001
    expect(toHex(subjectAltNameExtension({ dns: ['localhost'], ip: ['127.0.0.1'] }))).toBe(
      '301a0603551d110413301182096c6f63616c686f737487047f000001',
    );
    const v6 = toHex(subjectAltNameExtension({ ip: ['::1', 'fe80::1:2'] }));
    expect(v6).toContain(`8710${'00'.repeat(15)}01`);
    expect(v6).toContain('8710fe80000000000000000000000001' + '0002');
    for (const bad of [{ ip: ['256.0.0.1'] }, { ip: ['1:2'] }, { ip: ['1::2::3'] }, { dns: ['a b'] }, {}]) {
      expect(
        code(() => subjectAltNameExtension(bad)),
        JSON.stringify(bad),
      ).toBe('ERR_PROFILE_INVALID');
    }
  });

  it('id-pkix-ocsp-nocheck carries NULL', () => {
    expect(toHex(ocspNoCheckExtension())).toBe('300f06092b060105050730010504020500');
  });

  it('several CRL URLs are one distribution point with several names', () => {
    const ext = distributionPointsExtension(['http://a.test/x.crl', 'ldap://b.test/cn=x']);
    const value = asn1js.fromBER(
      ((asn1js.fromBER(ext).result as asn1js.Sequence).valueBlock.value[1] as asn1js.OctetString).valueBlock
        .valueHexView,
    ).result as asn1js.Sequence;
    expect(value.valueBlock.value).toHaveLength(1);
    const fullName = (
      (value.valueBlock.value[0] as asn1js.Sequence).valueBlock.value[0] as asn1js.Constructed
    ).valueBlock.value[0] as asn1js.Constructed;
    expect(fullName.valueBlock.value).toHaveLength(2);
  });

  it('refuses URLs that are not absolute ASCII URLs', () => {
    for (const bad of ['', 'not a url', 'http://пример.kz/crl', 'http://a b/']) {
      expect(
        code(() => distributionPointsExtension([bad])),
        bad,
      ).toBe('ERR_INVALID_ARGUMENT');
      expect(
        code(() => authorityInfoAccessExtension({ ocsp: [bad] })),
        bad,
      ).toBe('ERR_INVALID_ARGUMENT');
    }
    expect(code(() => distributionPointsExtension([]))).toBe('ERR_INVALID_ARGUMENT');
    expect(code(() => authorityInfoAccessExtension({}))).toBe('ERR_INVALID_ARGUMENT');
    expect(code(() => extKeyUsageExtension(['not.an.oid'], false))).toBe('ERR_PROFILE_INVALID');
    expect(code(() => certificatePoliciesExtension([]))).toBe('ERR_PROFILE_INVALID');
  });

  describe.skipIf(!hasNcaFixtures())('byte for byte as in a real NCA AUTH certificate', () => {
    const exts = () =>
      extensionsOf(toDer(new TextDecoder().decode(readNcaFixture('ee-test/rsa_individual_auth_2022.pem'))));
    it('keyUsage, extKeyUsage, AKI, SKI', () => {
      const e = exts();
      expect(keyUsageExtension(['digitalSignature', 'keyEncipherment'], true)).toEqual(
        e.get(EXTENSION_OIDS.keyUsage),
      );
      expect(extKeyUsageExtension(['1.3.6.1.5.5.7.3.2', '1.2.398.3.3.4.1.1'], false)).toEqual(
        e.get(EXTENSION_OIDS.extKeyUsage),
      );
      const aki = fromHex('a68c16337cb8e83567063e5e415755a2af345068');
      expect(authorityKeyIdentifierExtension(aki)).toEqual(e.get(EXTENSION_OIDS.authorityKeyIdentifier));
      const ski = fromHex('c99077290eef78982ca84634fcdf44766cc7269a');
      expect(subjectKeyIdentifierExtension(ski)).toEqual(e.get(EXTENSION_OIDS.subjectKeyIdentifier));
    });
    it('cRLDistributionPoints, freshestCRL, authorityInfoAccess', () => {
      const e = exts();
      expect(distributionPointsExtension(['http://test.pki.gov.kz/crl/nca_rsa_test.crl'])).toEqual(
        e.get(EXTENSION_OIDS.cRLDistributionPoints),
      );
      expect(
        distributionPointsExtension(
          ['http://test.pki.gov.kz/crl/nca_d_rsa_test.crl'],
          EXTENSION_OIDS.freshestCRL,
        ),
      ).toEqual(e.get(EXTENSION_OIDS.freshestCRL));
      expect(
        authorityInfoAccessExtension({
          caIssuers: ['http://test.pki.gov.kz/cert/nca_rsa_test.cer'],
          ocsp: ['http://test.pki.gov.kz/ocsp/'],
        }),
      ).toEqual(e.get(EXTENSION_OIDS.authorityInfoAccess));
    });
  });
});
