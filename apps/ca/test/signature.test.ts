/**
 * verifyWithCertificate (certificate logins, approvals, proofs of possession) through the one
 * signature module of @kzpki/pki: signatures by RSA and ECDSA keys verify, anything else is
 * `false`, and a certificate for an RSA key with e = 1 — whose "signature" is just the padded hash,
 * which anybody can compute — never verifies (issue 10 #1).
 */
import { createHash } from 'node:crypto';
import {
  certificatePublicKeyInfo,
  fromBase64,
  generateKeyPair,
  type IssuedCertificate,
  issueCertificate,
  readSpki,
  rootCaProfile,
  signData,
} from '@kzpki/pki';
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

/** DER TLV (definite length). */
function tlv(tag: number, ...parts: Uint8Array[]): Uint8Array {
  const body = Buffer.concat(parts);
  const len =
    body.length < 128
      ? [body.length]
      : body.length < 256
        ? [0x81, body.length]
        : [0x82, body.length >> 8, body.length & 0xff];
  return Uint8Array.from([tag, ...len, ...body]);
}

/** Children of the DER SEQUENCE at the start of `der` (short SEQUENCEs, lengths up to 2 octets). */
function children(der: Uint8Array): Uint8Array[] {
  const header = (at: number): [number, number] => {
    const l = der[at + 1]!;
    if (l < 128) return [2, l];
    const n = l & 0x7f;
    let v = 0;
    for (let i = 0; i < n; i++) v = v * 256 + der[at + 2 + i]!;
    return [2 + n, v];
  };
  const [h, len] = header(0);
  const out: Uint8Array[] = [];
  for (let p = h; p < h + len; ) {
    const [ch, cl] = header(p);
    out.push(der.subarray(p, p + ch + cl));
    p += ch + cl;
  }
  return out;
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
    const [tbs, sigAlg, sigValue] = children(cert.der);
    const fields = children(tbs!);
    // TBSCertificate: version [0], serialNumber, signature, issuer, validity, subject, subjectPublicKeyInfo.
    const spkiIndex = 6;
    const modulusTlv = children(readSpki(fields[spkiIndex]!).subjectPublicKey)[0]!;
    // SubjectPublicKeyInfo { rsaEncryption NULL, BIT STRING { RSAPublicKey { n, e = 1 } } }
    const algId = children(fields[spkiIndex]!)[0]!;
    const spki = tlv(0x30, algId, tlv(0x03, Uint8Array.of(0), tlv(0x30, modulusTlv, Uint8Array.of(2, 1, 1))));
    fields[spkiIndex] = spki;
    const forged = tlv(0x30, tlv(0x30, ...fields), sigAlg!, sigValue!);
    expect(certificatePublicKeyInfo(forged)).toEqual(spki); // a well-formed certificate for that key

    // EMSA-PKCS1-v1_5 (RFC 8017 §9.2): 00 01 FF..FF 00 || DigestInfo(SHA-256(data)); with e = 1
    // this is a "valid" RSA signature for the key.
    const k = 256; // RSA-2048 modulus octets
    const digestInfo = Buffer.concat([
      fromBase64('MDEwDQYJYIZIAWUDBAIBBQAEIA=='),
      createHash('sha256').update(data).digest(),
    ]);
    const em = new Uint8Array(k);
    em[1] = 1;
    em.fill(0xff, 2, k - digestInfo.length - 1);
    em.set(digestInfo, k - digestInfo.length);
    expect(await verifyWithCertificate(forged, data, em)).toBe(false);
  });
});
