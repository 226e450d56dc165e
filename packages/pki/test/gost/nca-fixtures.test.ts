/**
 * Every GOST signature of the NCA fixture corpus verifies with verifyGost, and a flipped bit in the
 * signed bytes or in the signature makes each one fail. The structures are taken apart here with
 * asn1js (a DER walk local to this test), so only the GOST code is under test:
 *
 * - GOST R 34.10-2015 (512): the TEST 2022 root (self-signed), the TEST 2022 issuing CA (by the
 *   root), the six end-entity certificates (by the issuing CA), the issuing CA's CRL, the OCSP
 *   response (by the responder certificate it carries) and that responder certificate (by the CA);
 * - GOST 34.310-2004: the TEST root (self-signed), the TEST issuing CA, the first-head certificate
 *   and the CRL, plus the expired 2015-2018 production root and issuing CA.
 */
import { hasNcaFixtures, readNcaFixture } from '@kzpki/test-fixtures';
import * as asn1js from 'asn1js';
import { describe, expect, it } from 'vitest';
import { toDer } from '../../src/der/encoding.js';
import { decodeGostSpki } from '../../src/gost/encoding.js';
import { verifyGost } from '../../src/gost/keys.js';

const fixtures = hasNcaFixtures();

function decode(bytes: Uint8Array): asn1js.AsnType {
  const r = asn1js.fromBER(bytes);
  if (r.offset === -1) throw new Error(r.result.error);
  return r.result;
}

const children = (b: asn1js.AsnType) => (b as asn1js.Sequence).valueBlock.value;
const raw = (b: asn1js.AsnType) => new Uint8Array(b.valueBeforeDecodeView);

/** A signed structure: { tbs, AlgorithmIdentifier, BIT STRING } (certificate, CRL, BasicOCSPResponse). */
interface Signed {
  tbs: Uint8Array;
  oid: string;
  signature: Uint8Array;
  node: asn1js.AsnType[];
}

function signedParts(bytes: Uint8Array): Signed {
  const node = children(decode(bytes));
  const [tbs, alg, sig] = node;
  const oid = (children(alg!)[0] as asn1js.ObjectIdentifier).valueBlock.toString();
  const bits = sig as asn1js.BitString;
  expect(bits.valueBlock.unusedBits).toBe(0);
  return { tbs: raw(tbs!), oid, signature: bits.valueBlock.valueHexView.slice(), node };
}

/** SubjectPublicKeyInfo of a certificate (the element after subject in TBSCertificate). */
function spkiOf(cert: Uint8Array): Uint8Array {
  const tbs = children(children(decode(cert))[0]!);
  const offset = tbs[0]!.idBlock.tagClass === 3 ? 1 : 0; // [0] version present
  return raw(tbs[offset + 5]!);
}

/** The BasicOCSPResponse DER and the certificates it carries. */
function basicOcsp(bytes: Uint8Array): { basic: Uint8Array; certs: Uint8Array[] } {
  const [, responseBytes] = children(decode(bytes));
  const [, response] = children(children(responseBytes!)[0]!);
  const basic = (response as asn1js.OctetString).valueBlock.valueHexView.slice();
  const parts = children(decode(basic));
  const certsTagged = parts.find((p) => p.idBlock.tagClass === 3 && p.idBlock.tagNumber === 0);
  const certs = certsTagged ? children(children(certsTagged)[0]!).map(raw) : [];
  return { basic, certs };
}

const file = (path: string) => toDer(readNcaFixture(path));

function flipped(bytes: Uint8Array, bit: number): Uint8Array {
  const out = bytes.slice();
  out[(bit >> 3) % out.length]! ^= 1 << (bit & 7);
  return out;
}

/** Verifies, then checks that three flipped bits in the signed bytes and three in the signature each fail. */
function expectVerifies(signed: Signed, issuerSpki: Uint8Array): void {
  expect(verifyGost(signed.oid, issuerSpki, signed.tbs, signed.signature)).toBe(true);
  for (const bit of [0, 8 * 37 + 3, 8 * signed.tbs.length - 1]) {
    expect(verifyGost(signed.oid, issuerSpki, flipped(signed.tbs, bit), signed.signature)).toBe(false);
  }
  for (const bit of [0, 8 * 63 + 7, 8 * signed.signature.length - 1]) {
    expect(verifyGost(signed.oid, issuerSpki, signed.tbs, flipped(signed.signature, bit))).toBe(false);
  }
}

describe.skipIf(!fixtures)('NCA GOST R 34.10-2015 (512) corpus', () => {
  const root = () => file('ca-test/root_test_gost_2022.cer');
  const ca = () => file('ca-test/nca_gost2022_test.cer');

  it('keys decode as GOST-2015-512 with points on tc26-512-paramSetA', () => {
    for (const cert of [root(), ca(), file('ee-test/gost2015_individual_2026.pem')]) {
      const info = decodeGostSpki(spkiOf(cert));
      expect(info.algorithm.id).toBe('gost2015-512');
      expect(info.publicKey).toHaveLength(128);
    }
  });

  it('the TEST 2022 root is self-signed (1.2.398.3.10.1.1.2.3.2)', () => {
    const s = signedParts(root());
    expect(s.oid).toBe('1.2.398.3.10.1.1.2.3.2');
    expectVerifies(s, spkiOf(root()));
  });

  it('the TEST 2022 issuing CA is signed by the root, not by itself', () => {
    const s = signedParts(ca());
    expectVerifies(s, spkiOf(root()));
    expect(verifyGost(s.oid, spkiOf(ca()), s.tbs, s.signature)).toBe(false);
  });

  it.each([
    'gost2015_individual_2026',
    'gost2015_ceo_2026',
    'gost2015_employee_2026',
    'gost2015_can_sign_2026',
    'gost2015_treasury_client_2026',
    'gost2015_infosystem_2026',
  ])('end-entity %s is signed by the issuing CA', (name) => {
    const s = signedParts(file(`ee-test/${name}.pem`));
    expectVerifies(s, spkiOf(ca()));
    expect(verifyGost(s.oid, spkiOf(root()), s.tbs, s.signature)).toBe(false);
  });

  it('the issuing CA CRL (nca_gost2022_test.crl) is signed by the issuing CA', () => {
    const s = signedParts(readNcaFixture('crl/nca_gost2022_test.crl'));
    expect(s.oid).toBe('1.2.398.3.10.1.1.2.3.2');
    expectVerifies(s, spkiOf(ca()));
  });

  it('the OCSP response is signed by the responder certificate it carries, which the issuing CA signed', () => {
    const { basic, certs } = basicOcsp(readNcaFixture('ocsp/ocsp__ocsp_response_ceo_2015_revoked.bin'));
    expect(certs).toHaveLength(1);
    const responder = certs[0]!;
    const s = signedParts(basic);
    expect(s.oid).toBe('1.2.398.3.10.1.1.2.3.2');
    expectVerifies(s, spkiOf(responder));
    expectVerifies(signedParts(responder), spkiOf(ca()));
  });
});

describe.skipIf(!fixtures)(
  'NCA GOST 34.310-2004 corpus (CryptoPro-A curve, GOST R 34.11-94 test S-box)',
  () => {
    const root = () => file('ca-test/root_gost_test.crt');
    const ca = () => file('ca-test/nca_gost_test.crt');

    it('keys decode as GOST 34.310-2004', () => {
      for (const cert of [root(), ca(), file('ee-test/gost2004_ceo_sign_2022.pem')]) {
        expect(decodeGostSpki(spkiOf(cert)).algorithm.id).toBe('gost2004');
      }
    });

    it('the TEST root is self-signed (1.2.398.3.10.1.1.1.2)', () => {
      const s = signedParts(root());
      expect(s.oid).toBe('1.2.398.3.10.1.1.1.2');
      expectVerifies(s, spkiOf(root()));
    });

    it('the TEST issuing CA is signed by the root', () => {
      expectVerifies(signedParts(ca()), spkiOf(root()));
    });

    it('the first-head certificate is signed by the issuing CA', () => {
      expectVerifies(signedParts(file('ee-test/gost2004_ceo_sign_2022.pem')), spkiOf(ca()));
    });

    it('the issuing CA CRL (nca_gost_test.crl) is signed by the issuing CA', () => {
      expectVerifies(signedParts(readNcaFixture('crl/nca_gost_test.crl')), spkiOf(ca()));
    });

    it('the 2015-2018 production root is self-signed and signed the production issuing CA', () => {
      const prodRoot = file('ca-prod-2015-2018/root_gost.crt');
      expectVerifies(signedParts(prodRoot), spkiOf(prodRoot));
      expectVerifies(signedParts(file('ca-prod-2015-2018/nca_gost.crt')), spkiOf(prodRoot));
    });
  },
);
