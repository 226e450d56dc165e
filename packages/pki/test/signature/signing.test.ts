import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ecdsaDerToRaw,
  ecdsaRawToDer,
  generateKeyPair,
  getCrypto,
  SIGNATURE_OIDS,
  signatureSchemeFor,
  signData,
} from '../../src/index.js';

describe('signatureSchemeFor', () => {
  it('chooses sha256WithRSAEncryption for NCA-style RSA keys and ECDSA by curve', async () => {
    const rsa = await generateKeyPair('RSA-2048');
    const p256 = await generateKeyPair('ECDSA-P256');
    const p384 = await generateKeyPair('ECDSA-P384');
    expect(signatureSchemeFor(rsa.privateKey).oid).toBe(SIGNATURE_OIDS.sha256WithRSAEncryption);
    expect(signatureSchemeFor(p256.privateKey).oid).toBe(SIGNATURE_OIDS.ecdsaWithSHA256);
    expect(signatureSchemeFor(p384.privateKey).oid).toBe(SIGNATURE_OIDS.ecdsaWithSHA384);
  });

  it('refuses keys it cannot sign X.509 with', async () => {
    const hmac = await getCrypto().subtle.generateKey({ name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
    expect(() => signatureSchemeFor(hmac as CryptoKey)).toThrow(
      expect.objectContaining({ code: 'ERR_UNSUPPORTED_ALGORITHM' }),
    );
  });
});

describe('signData', () => {
  it('produces DER ECDSA signatures that verify after conversion back to r||s', async () => {
    const { privateKey, publicKey } = await generateKeyPair('ECDSA-P256');
    const data = new TextEncoder().encode('kzpki');
    const der = await signData(privateKey, data);
    expect(der[0]).toBe(0x30);
    const ok = await getCrypto().subtle.verify(
      { name: 'ECDSA', hash: 'SHA-256' },
      publicKey,
      ecdsaDerToRaw(der, 32) as BufferSource,
      data,
    );
    expect(ok).toBe(true);
  });
});

describe('ECDSA signature encoding (RFC 3279 §2.2.3 Ecdsa-Sig-Value)', () => {
  it('round-trips raw r||s through DER for every size, including leading zeros and high bits', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(32, 48, 66),
        fc.uint8Array({ minLength: 132, maxLength: 132 }),
        (size, pool) => {
          const raw = pool.slice(0, size * 2);
          raw[0] = 0; // a leading zero byte in r must be stripped and restored
          expect(ecdsaDerToRaw(ecdsaRawToDer(raw), size)).toEqual(raw);
        },
      ),
    );
  });

  it('keeps INTEGERs positive (0x00 prefix when the top bit is set)', () => {
    const raw = new Uint8Array(64).fill(0xff);
    const der = ecdsaRawToDer(raw);
    // SEQUENCE { INTEGER 00 ff.., INTEGER 00 ff.. }: 2 + 2 * (2 + 33)
    expect(der.length).toBe(72);
    expect(der[3]).toBe(33);
    expect(der[4]).toBe(0);
  });

  it('rejects garbage with ERR_SIGNATURE_INVALID', () => {
    expect(() => ecdsaDerToRaw(Uint8Array.of(1, 2, 3), 32)).toThrow(
      expect.objectContaining({ code: 'ERR_SIGNATURE_INVALID' }),
    );
  });
});
