/**
 * A GOST PKI made with this package's own issuance API: a GOST R 34.10-2015 512-bit root and
 * issuing CA, end-entity certificates from GOST CSRs (and mixed RSA/GOST issuer and subject), a CRL
 * and an OCSP response signed by a GOST delegated responder. Everything verifies with our verifiers
 * and, signature by signature, with @wavesenterprise/crypto-gost-js; the encodings are the NCA's
 * (NULL signature parameters, r || s little-endian, SPKI x || y little-endian).
 */

import { independentGost512 } from '@kzpki/test-fixtures';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildCrl } from '../../src/crl/build.js';
import { verifyCrl } from '../../src/crl/verify.js';
import { createCsr, verifyCsr } from '../../src/csr/csr.js';
import { DerReader } from '../../src/der/reader.js';
import { GostPrivateKey } from '../../src/gost/keys.js';
import { exportSpki, generateKeyPair } from '../../src/keys/keys.js';
import { computeCertId } from '../../src/ocsp/cert-id.js';
import { buildOcspResponse } from '../../src/ocsp/response.js';
import { verifyOcspResponse } from '../../src/ocsp/verify.js';
import {
  issuingCaProfile,
  ocspResponderProfile,
  rootCaProfile,
  templateProfile,
} from '../../src/profiles/templates.js';
import { verifyChain } from '../../src/x509/chain.js';
import { inspectCertificate } from '../../src/x509/inspect.js';
import { type IssuedCertificate, issueCertificate } from '../../src/x509/issue.js';
import type { DistinguishedName } from '../../src/x509/name.js';
import { buildNcaSubject } from '../../src/x509/subject.js';

/** GOST R 34.10-2012 512 (tc26-512-paramSetA, Streebog-512) in the KZ byte order, by another implementation. */
const lib512 = independentGost512();

/** { tbs, AlgorithmIdentifier DER, signature } of a certificate, CRL or BasicOCSPResponse. */
function signedParts(der: Uint8Array) {
  const r = new DerReader(der, 'ERR_ASN1_INVALID', 'signed');
  const [tbs, alg, sig] = r.childList(r.root(0x30, 'signed'));
  return { tbs: r.tlv(tbs!), algorithm: r.tlv(alg!), signature: r.bitStringBytes(sig!, 'signature') };
}

function basicOcsp(der: Uint8Array): Uint8Array {
  const r = new DerReader(der, 'ERR_ASN1_INVALID', 'OCSPResponse');
  const [, bytes] = r.childList(r.root(0x30, 'OCSPResponse'));
  const [, octets] = r.childList(r.childList(bytes!)[0]!);
  return r.content(octets!).slice();
}

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const dn = (cn: string): DistinguishedName => [
  { type: '2.5.4.6', value: 'KZ' },
  { type: '2.5.4.3', value: cn },
];
const ROOT_DN = dn('ҰКО GOST TEST ROOT');
const CA_DN = dn('ҰКО 3.0 (GOST TEST)');

describe('a GOST R 34.10-2015 PKI issued with this package', () => {
  const rootKey = GostPrivateKey.generate('gost2015-512');
  const caKey = GostPrivateKey.generate('gost2015-512');
  const eeKey = GostPrivateKey.generate('gost2015-512');
  const ocspKey = GostPrivateKey.generate('gost2015-512');
  let root: IssuedCertificate;
  let ca: IssuedCertificate;
  let ee: IssuedCertificate;
  let ocsp: IssuedCertificate;
  const subject = buildNcaSubject({
    surname: 'Тестов',
    givenName: 'Тест',
    patronymic: 'Тестович',
    iin: '871008401427',
    template: 'individual',
  });

  beforeAll(async () => {
    root = await issueCertificate({
      publicKey: rootKey.publicKeyInfo,
      subject: ROOT_DN,
      profile: rootCaProfile(),
      issuerKey: rootKey,
    });
    ca = await issueCertificate({
      publicKey: caKey.publicKeyInfo,
      subject: CA_DN,
      profile: issuingCaProfile(),
      issuer: root.der,
      issuerKey: rootKey,
    });
    const csr = await createCsr({
      keys: { privateKey: eeKey },
      subject,
      template: 'individual',
      purpose: 'sign',
    });
    ee = await issueCertificate({
      csr,
      profile: templateProfile('individual', 'sign'),
      issuer: ca.der,
      issuerKey: caKey,
    });
    ocsp = await issueCertificate({
      publicKey: ocspKey.publicKeyInfo,
      subject: dn('OCSP RESPONDER'),
      profile: ocspResponderProfile(),
      issuer: ca.der,
      issuerKey: caKey,
    });
  });

  it('the certificates carry the NCA GOST-2015 encodings', () => {
    for (const cert of [root, ca, ee, ocsp]) {
      const { algorithm } = signedParts(cert.der);
      expect(hex(algorithm)).toBe('300e060a2a830e030a01010203020500'); // { 1.2.398.3.10.1.1.2.3.2, NULL }
      const info = inspectCertificate(cert.der);
      expect(info.keyAlgorithm).toBe('GOST-2015-512');
      expect(info.signatureAlgorithmOid).toBe('1.2.398.3.10.1.1.2.3.2');
    }
  });

  it('the CSR verifies and names the GOST key', async () => {
    const csr = await createCsr({
      keys: { privateKey: eeKey },
      subject,
      template: 'individual',
      purpose: 'sign',
    });
    const info = await verifyCsr(csr);
    expect(info.spki).toEqual(eeKey.publicKeyInfo);
    expect(info.keyAlgorithm).toBe('GOST-2015-512');
    const r = new DerReader(csr, 'ERR_ASN1_INVALID', 'csr');
    const [, , sig] = r.childList(r.root(0x30, 'csr'));
    const bad = csr.slice();
    bad[sig!.end - 5]! ^= 1;
    await expect(verifyCsr(bad)).rejects.toMatchObject({ code: 'ERR_CSR_SIGNATURE_INVALID' });
  });

  it('verifyChain: end entity → CA → root; and each signature verifies with crypto-gost-js', async () => {
    const res = await verifyChain({ certificate: ee.der, intermediates: [ca.der], trustAnchors: [root.der] });
    expect(res.valid, res.valid ? '' : `${res.reason}: ${res.message}`).toBe(true);
    for (const [cert, issuerKey] of [
      [root, rootKey],
      [ca, rootKey],
      [ee, caKey],
      [ocsp, caKey],
    ] as const) {
      const { tbs, signature } = signedParts(cert.der);
      expect(lib512.verify(issuerKey.publicKey, signature, tbs)).toBe(true);
    }
  });

  it('a CRL signed by the GOST CA verifies with ours and with crypto-gost-js', async () => {
    const now = new Date();
    const crl = await buildCrl({
      issuer: ca.der,
      issuerKey: caKey,
      crlNumber: 7n,
      thisUpdate: now,
      nextUpdate: new Date(now.getTime() + 86_400_000),
      entries: [{ serial: ee.serialHex, revocationDate: now, reason: 'keyCompromise' }],
    });
    expect(await verifyCrl(crl, ca.der)).toBe(true);
    expect(await verifyCrl(crl, root.der)).toBe(false);
    const { tbs, signature } = signedParts(crl);
    expect(lib512.verify(caKey.publicKey, signature, tbs)).toBe(true);
  });

  it('an OCSP response signed by a GOST delegated responder verifies with ours and with crypto-gost-js', async () => {
    const certId = await computeCertId(ca.der, ee.serialHex, 'SHA-256');
    const nonce = Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8);
    const der = await buildOcspResponse({
      responderCertificate: ocsp.der,
      responderKey: ocspKey,
      responses: [{ certId, status: { type: 'good' }, thisUpdate: new Date() }],
      nonce,
    });
    const result = await verifyOcspResponse(der, { issuer: ca.der, nonce, certIds: [certId] });
    expect(result.failures).toEqual([]);
    expect(result).toMatchObject({ valid: true, signer: 'delegated' });
    const { tbs, signature } = signedParts(basicOcsp(der));
    expect(lib512.verify(ocspKey.publicKey, signature, tbs)).toBe(true);
  });

  it('mixed: an RSA CA certifies a GOST key, and the GOST CA certifies an RSA key', async () => {
    const rsa = await generateKeyPair('RSA-2048');
    const rsaRoot = await issueCertificate({
      publicKey: rsa.publicKey,
      subject: dn('kzpki RSA root'),
      profile: rootCaProfile(),
      issuerKey: rsa.privateKey,
    });
    const gostLeaf = await issueCertificate({
      publicKey: eeKey.publicKeyInfo,
      subject,
      profile: templateProfile('individual', 'sign'),
      issuer: rsaRoot.der,
      issuerKey: rsa.privateKey,
    });
    const r1 = await verifyChain({ certificate: gostLeaf.der, trustAnchors: [rsaRoot.der] });
    expect(r1.valid).toBe(true);
    const rsaLeafKeys = await generateKeyPair('RSA-2048');
    const rsaLeaf = await issueCertificate({
      publicKey: await exportSpki(rsaLeafKeys.publicKey),
      subject,
      profile: templateProfile('individual', 'auth'),
      issuer: ca.der,
      issuerKey: caKey,
    });
    const r2 = await verifyChain({
      certificate: rsaLeaf.der,
      intermediates: [ca.der],
      trustAnchors: [root.der],
    });
    expect(r2.valid).toBe(true);
  });

  it('a GOST 34.310-2004 and a GOST R 34.10-2015 256-bit CA issue and verify too', async () => {
    for (const id of ['gost2004', 'gost2015-256'] as const) {
      const key = GostPrivateKey.generate(id);
      const self = await issueCertificate({
        publicKey: key.publicKeyInfo,
        subject: dn(`kzpki ${id} root`),
        profile: rootCaProfile(),
        issuerKey: key,
      });
      const leaf = await issueCertificate({
        publicKey: eeKey.publicKeyInfo,
        subject,
        profile: templateProfile('individual', 'sign'),
        issuer: self.der,
        issuerKey: key,
      });
      const res = await verifyChain({ certificate: leaf.der, trustAnchors: [self.der] });
      expect(res.valid, `${id}: ${res.valid ? '' : res.message}`).toBe(true);
      expect(signedParts(leaf.der).algorithm).toEqual(signedParts(self.der).algorithm);
    }
  });
});
