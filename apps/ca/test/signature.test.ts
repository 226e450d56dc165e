/**
 * verifyWithCertificate (certificate logins, approvals, proofs of possession) through the one
 * signature module of @kzpki/pki: signatures by RSA and ECDSA keys verify, anything else is
 * `false`, and a certificate for an RSA key with e = 1 — whose "signature" is just the padded hash,
 * which anybody can compute — never verifies (issue 10 #1).
 */
import {
  certificatePublicKeyInfo,
  generateKeyPair,
  type IssuedCertificate,
  issueCertificate,
  readSpki,
  rootCaProfile,
  signData,
} from '@kzpki/pki';
import { derChildren, derTlv, pkcs1v15PaddedSha256, rsaSpkiWithExponentOne } from '@kzpki/test-fixtures';
import { beforeAll, describe, expect, it } from 'vitest';
import { verifyWithCertificate } from '../src/crypto/signature.js';

const data = new TextEncoder().encode('kzpki login challenge');

async function selfSigned(alg: 'RSA-2048' | 'ECDSA-P256' | 'ECDSA-P384') {
  const keys = await generateKeyPair(alg);
  const cert = await issueCertificate({
    publicKey: keys.publicKey,
    subject: [{ type: '2.5.4.3', value: alg }],
    profile: rootCaProfile(),
    issuerKey: keys.privateKey,
  });
  return { keys, cert };
}

describe('verifyWithCertificate', () => {
  const certs: Record<string, { keys: CryptoKeyPair; cert: IssuedCertificate }> = {};
  beforeAll(async () => {
    for (const alg of ['RSA-2048', 'ECDSA-P256', 'ECDSA-P384'] as const) certs[alg] = await selfSigned(alg);
  });

  it('accepts what the certificate key signs with the default algorithm, refuses anything else', async () => {
    for (const { keys, cert } of Object.values(certs)) {
      const signature = await signData(keys.privateKey, data);
      expect(await verifyWithCertificate(cert.der, data, signature)).toBe(true);
      expect(await verifyWithCertificate(cert.der, new TextEncoder().encode('other'), signature)).toBe(false);
      expect(await verifyWithCertificate(cert.der, data, signature.subarray(1))).toBe(false);
      expect(await verifyWithCertificate(Uint8Array.of(0x30, 0x00), data, signature)).toBe(false);
    }
    // A signature by another key.
    const rsa = certs['RSA-2048']!;
    const other = await signData((await generateKeyPair('RSA-2048')).privateKey, data);
    expect(await verifyWithCertificate(rsa.cert.der, data, other)).toBe(false);
  });

  it('a certificate for an RSA key with e = 1 never verifies, not even the padded hash', async () => {
    const { cert } = certs['RSA-2048']!;
    const [tbs, sigAlg, sigValue] = derChildren(cert.der);
    const fields = derChildren(tbs!);
    // TBSCertificate: version [0], serialNumber, signature, issuer, validity, subject, subjectPublicKeyInfo.
    const spkiIndex = 6;
    const spki = rsaSpkiWithExponentOne(fields[spkiIndex]!);
    fields[spkiIndex] = spki;
    const forged = derTlv(0x30, derTlv(0x30, ...fields), sigAlg!, sigValue!);
    expect(certificatePublicKeyInfo(forged)).toEqual(spki); // a well-formed certificate for that key
    expect(derChildren(readSpki(spki).subjectPublicKey)[1]).toEqual(Uint8Array.of(2, 1, 1)); // e = 1

    // EMSA-PKCS1-v1_5 of SHA-256(data): with e = 1 a "valid" RSA signature for the key.
    const em = pkcs1v15PaddedSha256(data, 256);
    expect(await verifyWithCertificate(forged, data, em)).toBe(false);
  });
});
