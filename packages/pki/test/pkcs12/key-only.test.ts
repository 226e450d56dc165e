/**
 * Key stores of a key whose certificate is not issued yet (`createKeyPkcs12` / `openKeyPkcs12`):
 * they open with the password in both profiles (RSA and GOST), refuse a wrong password and damaged
 * bytes with the documented codes, are not mistaken for complete key files by `openPkcs12`, and the
 * key is matched to a public key by `privateKeyMatchesPublicKey`.
 */
import { webcrypto } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { bytesEqual } from '../../src/der/encoding.js';
import { isPkiError } from '../../src/errors.js';
import { GostPrivateKey } from '../../src/gost/keys.js';
import { encodeGostPkcs8 } from '../../src/gost/pkcs8.js';
import { createKeyPkcs12, createPkcs12 } from '../../src/pkcs12/create.js';
import { openKeyPkcs12, openPkcs12 } from '../../src/pkcs12/open.js';
import { privateKeyMatchesPublicKey } from '../../src/pkcs12/private-key.js';
import { makeIdentity } from '../support/pkcs12-test-keys.js';

const PASSWORD = 'Qwerty12';

async function rsaPair(): Promise<{ pkcs8: Uint8Array; spki: Uint8Array; keys: CryptoKeyPair }> {
  const keys = (await webcrypto.subtle.generateKey(
    {
      name: 'RSASSA-PKCS1-v1_5',
      hash: 'SHA-256',
      publicExponent: new Uint8Array([1, 0, 1]),
      modulusLength: 2048,
    },
    true,
    ['sign', 'verify'],
  )) as CryptoKeyPair;
  return {
    keys,
    pkcs8: new Uint8Array(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey)),
    spki: new Uint8Array(await webcrypto.subtle.exportKey('spki', keys.publicKey)),
  };
}

async function codeOf(p: Promise<unknown>): Promise<string | undefined> {
  return p.then(
    () => undefined,
    (e: unknown) => (isPkiError(e) ? e.code : String(e)),
  );
}

describe('key-only PKCS #12 stores', () => {
  it.each(['legacy', 'modern'] as const)(
    'an RSA key opens again (%s), signs, and matches its public key only',
    async (format) => {
      const a = await rsaPair();
      const b = await rsaPair();
      const p12 = await createKeyPkcs12({
        privateKey: a.keys.privateKey,
        password: PASSWORD,
        friendlyName: 'abc123',
        localKeyId: 'abc123',
        format,
      });
      const opened = await openKeyPkcs12(p12, PASSWORD);
      expect(bytesEqual(opened.pkcs8, a.pkcs8)).toBe(true);
      expect(opened.certificate).toBeUndefined();
      expect(opened.friendlyName).toBe('abc123');
      expect(opened.localKeyId).toBe('abc123');
      expect(opened.privateKey?.type).toBe('private');
      expect(privateKeyMatchesPublicKey(opened.pkcs8, a.spki)).toBe(true);
      expect(privateKeyMatchesPublicKey(opened.pkcs8, b.spki)).toBe(false);
      // A complete key file needs a certificate: openPkcs12 says so.
      expect(await codeOf(openPkcs12(p12, PASSWORD))).toBe('ERR_PKCS12_INVALID');
    },
  );

  it('a GOST-2015-512 key opens as a GostPrivateKey and matches its SubjectPublicKeyInfo', async () => {
    const key = GostPrivateKey.generate('gost2015-512');
    const other = GostPrivateKey.generate('gost2015-512');
    const p12 = await createKeyPkcs12({
      privateKey: key,
      password: PASSWORD,
      friendlyName: 'gost',
      format: 'legacy',
    });
    const opened = await openKeyPkcs12(p12, PASSWORD);
    expect(bytesEqual(opened.pkcs8, encodeGostPkcs8(key))).toBe(true);
    expect(opened.signingKey).toBeInstanceOf(GostPrivateKey);
    expect(opened.localKeyId).toBeUndefined();
    expect(privateKeyMatchesPublicKey(opened.pkcs8, key.publicKeyInfo)).toBe(true);
    expect(privateKeyMatchesPublicKey(opened.pkcs8, other.publicKeyInfo)).toBe(false);
    // An RSA public key is another algorithm: no match.
    expect(privateKeyMatchesPublicKey(opened.pkcs8, (await rsaPair()).spki)).toBe(false);
  });

  it('wrong password, damaged bytes, a weak password and a malformed public key are refused with their codes', async () => {
    const a = await rsaPair();
    const p12 = await createKeyPkcs12({ privateKey: a.pkcs8, password: PASSWORD, friendlyName: 'k' });
    expect(await codeOf(openKeyPkcs12(p12, 'Qwerty13'))).toBe('ERR_PKCS12_BAD_PASSWORD');
    expect(await codeOf(openKeyPkcs12(p12.slice(0, p12.length - 40), PASSWORD))).toBe('ERR_PKCS12_INVALID');
    expect(await codeOf(openKeyPkcs12(new TextEncoder().encode('not a key store'), PASSWORD))).toBe(
      'ERR_PKCS12_INVALID',
    );
    expect(
      await codeOf(createKeyPkcs12({ privateKey: a.pkcs8, password: 'qwerty', friendlyName: 'k' })),
    ).toBe('ERR_PASSWORD_POLICY');
    expect(await codeOf(createKeyPkcs12({ privateKey: a.pkcs8, password: PASSWORD, friendlyName: '' }))).toBe(
      'ERR_INVALID_ARGUMENT',
    );
    expect(() => privateKeyMatchesPublicKey(a.pkcs8, new Uint8Array([1, 2, 3]))).toThrow(
      expect.objectContaining({ code: 'ERR_KEY_INVALID' }),
    );
  });

  it('a complete key file also opens with openKeyPkcs12, with its certificate', async () => {
    const id = await makeIdentity({ subject: 'CN=key-only test', purpose: 'sign' });
    const p12 = await createPkcs12({
      privateKey: id.keys.privateKey,
      certificate: id.der,
      password: PASSWORD,
    });
    const opened = await openKeyPkcs12(p12, PASSWORD);
    expect(opened.certificate && bytesEqual(opened.certificate, id.der)).toBe(true);
    expect(opened.localKeyId).toBe(id.ski);
  });
});
