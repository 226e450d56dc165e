/**
 * GOST through the package's public verification API (the one signature module): verifyChain with
 * the NCA TEST roots as anchors, verifyCrl, verifyOcspResponse, verifySignature. Every GOST
 * signature of the fixture corpus verifies; a flipped bit in a signature makes each check fail.
 */
import { hasNcaFixtures, readNcaFixture } from '@kzpki/test-fixtures';
import { describe, expect, it } from 'vitest';
import { verifyCrl } from '../../src/crl/verify.js';
import { toDer } from '../../src/der/encoding.js';
import { DerReader } from '../../src/der/reader.js';
import * as pki from '../../src/index.js';
import { inspectPublicKey } from '../../src/keys/public-key.js';
import { verifyOcspResponse } from '../../src/ocsp/verify.js';
import { verifySignature } from '../../src/signature/verify.js';
import { verifyChain } from '../../src/x509/chain.js';
import { inspectCertificate } from '../../src/x509/inspect.js';

const fixtures = hasNcaFixtures();
const cert = (path: string) => toDer(readNcaFixture(path));

/** A copy of a signed structure (certificate, CRL) with one bit of its signature value flipped. */
function withFlippedSignature(der: Uint8Array): Uint8Array {
  const r = new DerReader(der, 'ERR_ASN1_INVALID', 'signed');
  const [, , sig] = r.childList(r.root(0x30, 'signed'));
  const out = der.slice();
  out[sig!.end - 10]! ^= 0x04;
  return out;
}

/** The OCSP response with one bit flipped in its BasicOCSPResponse signature (before `certs`). */
function ocspWithFlippedSignature(der: Uint8Array): Uint8Array {
  const r = new DerReader(der, 'ERR_ASN1_INVALID', 'OCSPResponse');
  const [, bytes] = r.childList(r.root(0x30, 'OCSPResponse'));
  const [, octets] = r.childList(r.childList(bytes!)[0]!);
  const basic = r.read(octets!.contentStart, octets!.end);
  const [, , sig] = r.childList(basic);
  const out = der.slice();
  out[sig!.end - 3]! ^= 0x80;
  return out;
}

describe.skipIf(!fixtures)('GOST through the public API (NCA corpus)', () => {
  const root2022 = () => cert('ca-test/root_test_gost_2022.cer');
  const ca2022 = () => cert('ca-test/nca_gost2022_test.cer');
  // Inside the validity of every TEST 2022 end-entity certificate (the latest starts 2026-06-16).
  const inside2022 = new Date('2026-07-01T00:00:00Z');

  it('inspectPublicKey reports GOST keys (label, family, size) after validating the point', () => {
    const r = new DerReader(ca2022(), 'ERR_ASN1_INVALID', 'c');
    const tbs = r.childList(r.childList(r.root(0x30, 'c'))[0]!);
    const info = inspectPublicKey(r.tlv(tbs[6]!));
    expect([info.algorithm, info.family, info.bits]).toEqual(['GOST-2015-512', 'gost-2015-512', 512]);
  });

  it.each([
    'gost2015_individual_2026',
    'gost2015_ceo_2026',
    'gost2015_employee_2026',
    'gost2015_can_sign_2026',
    'gost2015_treasury_client_2026',
    'gost2015_infosystem_2026',
  ])('verifyChain: %s → TEST 2022 issuing CA → TEST 2022 root', async (name) => {
    const ok = await verifyChain({
      certificate: cert(`ee-test/${name}.pem`),
      intermediates: [ca2022()],
      trustAnchors: [root2022()],
      at: inside2022,
    });
    expect(ok.valid, ok.valid ? '' : `${ok.reason}: ${ok.message}`).toBe(true);
    const bad = await verifyChain({
      certificate: withFlippedSignature(cert(`ee-test/${name}.pem`)),
      intermediates: [ca2022()],
      trustAnchors: [root2022()],
      at: inside2022,
    });
    expect(bad.valid).toBe(false);
    if (!bad.valid) expect(bad.reason).toBe('signature');
  });

  it('verifyChain: a flipped bit in the issuing CA certificate breaks the chain', async () => {
    const bad = await verifyChain({
      certificate: cert('ee-test/gost2015_ceo_2026.pem'),
      intermediates: [withFlippedSignature(ca2022())],
      trustAnchors: [root2022()],
      at: inside2022,
    });
    expect(bad.valid).toBe(false);
  });

  it('verifySignature: the root self-signature', async () => {
    const r = new DerReader(root2022(), 'ERR_ASN1_INVALID', 'c');
    const [tbs, alg, sig] = r.childList(r.root(0x30, 'c'));
    const spki = r.tlv(r.childList(tbs!)[6]!);
    const input = {
      data: r.tlv(tbs!),
      algorithm: r.tlv(alg!),
      signature: r.bitStringBytes(sig!, 's'),
      publicKeyInfo: spki,
    };
    expect(await verifySignature(input)).toBe(true);
    const flipped = input.signature.slice();
    flipped[0]! ^= 1;
    expect(await verifySignature({ ...input, signature: flipped })).toBe(false);
  });

  it('verifyCrl: the TEST 2022 CRL by its issuing CA', async () => {
    const crl = readNcaFixture('crl/nca_gost2022_test.crl');
    expect(await verifyCrl(crl, ca2022())).toBe(true);
    expect(await verifyCrl(withFlippedSignature(crl), ca2022())).toBe(false);
    expect(await verifyCrl(crl, root2022())).toBe(false);
  });

  it('verifyOcspResponse: the GOST-signed response and its delegated responder', async () => {
    const der = readNcaFixture('ocsp/ocsp__ocsp_response_ceo_2015_revoked.bin');
    // A time inside the responder certificate's and the response's validity.
    const probe = await verifyOcspResponse(der, { issuer: ca2022() });
    const producedAt = probe.response.producedAt;
    const at = producedAt ?? inside2022;
    const result = await verifyOcspResponse(der, { issuer: ca2022(), at });
    expect(result.failures).toEqual([]);
    expect(result.valid).toBe(true);
    expect(result.signer).toBe('delegated');
    const bad = await verifyOcspResponse(ocspWithFlippedSignature(der), { issuer: ca2022(), at });
    expect(bad.valid).toBe(false);
  });

  it('inspectCertificate with { issuer } reports whether the signature verifies', async () => {
    const ee = cert('ee-test/gost2015_ceo_2026.pem');
    const good = await inspectCertificate(ee, { issuer: ca2022() });
    expect(good).toMatchObject({
      keyAlgorithm: 'GOST-2015-512',
      signatureValid: true,
      issuerNameMatches: true,
    });
    expect(await inspectCertificate(ee, { issuer: root2022() })).toMatchObject({
      signatureValid: false,
      issuerNameMatches: false,
    });
    expect((await inspectCertificate(withFlippedSignature(ee), { issuer: ca2022() })).signatureValid).toBe(
      false,
    );
    // A GOST signature and an RSA issuer key: not verified, not an error.
    expect((await inspectCertificate(ee, { issuer: cert('ca-test/nca_rsa_test.crt') })).signatureValid).toBe(
      false,
    );
    // RSA as well (WebCrypto).
    const rsa = await inspectCertificate(cert('ee-test/rsa_individual_sign_2022.pem'), {
      issuer: cert('ca-test/nca_rsa_test.crt'),
    });
    expect(rsa).toMatchObject({ signatureValid: true, issuerNameMatches: true });
    // Without options it stays synchronous and has no signature fields.
    expect('signatureValid' in inspectCertificate(ee)).toBe(false);
  });

  describe('GOST 34.310-2004', () => {
    const root = () => cert('ca-test/root_gost_test.crt');
    const ca = () => cert('ca-test/nca_gost_test.crt');
    const inside = new Date('2022-06-01T00:00:00Z');

    it('verifyChain: first-head certificate → TEST issuing CA → TEST root', async () => {
      const ok = await verifyChain({
        certificate: cert('ee-test/gost2004_ceo_sign_2022.pem'),
        intermediates: [ca()],
        trustAnchors: [root()],
        at: inside,
      });
      expect(ok.valid, ok.valid ? '' : `${ok.reason}: ${ok.message}`).toBe(true);
      const bad = await verifyChain({
        certificate: withFlippedSignature(cert('ee-test/gost2004_ceo_sign_2022.pem')),
        intermediates: [ca()],
        trustAnchors: [root()],
        at: inside,
      });
      expect(bad.valid).toBe(false);
    });

    it('verifyCrl: nca_gost_test.crl', async () => {
      const crl = readNcaFixture('crl/nca_gost_test.crl');
      expect(await verifyCrl(crl, ca())).toBe(true);
      expect(await verifyCrl(withFlippedSignature(crl), ca())).toBe(false);
    });
  });
});

describe('the package root exports the GOST API', () => {
  it('hashes, keys, signatures and PKCS #8', () => {
    const { privateKey, publicKeyInfo } = pki.generateGostKeyPair('gost2015-512');
    expect(privateKey).toBeInstanceOf(pki.GostPrivateKey);
    const data = pki.streebog256('kzpki');
    expect(pki.verifyGost(privateKey.signatureAlgorithm, publicKeyInfo, data, privateKey.sign(data))).toBe(
      true,
    );
    expect(pki.decodeGostPkcs8(pki.encodeGostPkcs8(privateKey)).publicKeyInfo).toEqual(publicKeyInfo);
    expect(pki.gostr3411_94('abc')).toHaveLength(32);
    expect(pki.streebog512.outputLen).toBe(64);
    expect(pki.isGostSignatureOid('1.2.398.3.10.1.1.2.3.2')).toBe(true);
  });
});
