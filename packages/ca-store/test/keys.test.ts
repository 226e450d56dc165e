/**
 * Keys at rest: the scrypt KEK (RFC 7914 vector), the AES-256-GCM envelope and its slot binding,
 * and the OCSP responder keys under the status KEK, which never equals the CA's KEK.
 */
import { scryptSync, webcrypto } from 'node:crypto';
import { encodeGostPkcs8, exportPkcs8, GostPrivateKey, generateKeyPair, verifyGost } from '@kzpki/pki';
import { describe, expect, it } from 'vitest';
import {
  type CaStoreErrorCode,
  decryptPrivateKey,
  deriveKek,
  deriveStatusKek,
  encryptPrivateKey,
  isCaStoreError,
  newKekParams,
  type OcspResponderRecord,
  ResponderKeyring,
  STATUS_KEK_LABEL,
  sealResponderKey,
} from '../src/index.js';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const b64url = (s: string) => Buffer.from(s, 'utf8').toString('base64url');

function failsWith(code: CaStoreErrorCode, fn: () => unknown): void {
  let error: unknown;
  try {
    fn();
  } catch (e) {
    error = e;
  }
  expect(isCaStoreError(error, code), String(error)).toBe(true);
}

async function rejectsWith(code: CaStoreErrorCode, p: Promise<unknown>): Promise<void> {
  await expect(p).rejects.toSatisfy((e) => isCaStoreError(e, code));
}

describe('KEK derivation', () => {
  it('is scrypt (RFC 7914 §12 vector: "password", "NaCl", N=1024, r=8, p=16)', async () => {
    const kek = await deriveKek('password', { N: 1024, r: 8, p: 16, salt: b64url('NaCl') });
    // The first 32 of the vector's 64 octets (PBKDF2 output blocks do not depend on the length).
    expect(hex(kek)).toBe('fdbabe1c9d3472007856e7190d01e9fe7c6ad7cbc8237830e77376634b373162');
  });

  it('mixes a label into the salt, so the status KEK differs from the CA KEK for equal inputs', async () => {
    const params = { N: 1024, r: 8, p: 1, salt: b64url('same salt') };
    const ca = await deriveKek('same passphrase', params);
    const status = await deriveKek('same passphrase', params, STATUS_KEK_LABEL);
    expect(hex(status)).not.toBe(hex(ca));
    const expected = scryptSync('same passphrase', Buffer.from(`${STATUS_KEK_LABEL}\0same salt`), 32, {
      N: 1024,
      r: 8,
      p: 1,
    });
    expect(hex(status)).toBe(expected.toString('hex'));
    expect(hex((await deriveStatusKek('same passphrase', params)).key)).toBe(hex(status));
  });

  it('gives new parameters a fresh salt every time', () => {
    expect(newKekParams().salt).not.toBe(newKekParams().salt);
    expect(newKekParams()).toMatchObject({ N: 32768, r: 8, p: 1 });
  });
});

describe('the key envelope', () => {
  const kek = new Uint8Array(32).fill(7);
  const pkcs8 = new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x00]);

  it('round-trips, and is bound to its slot', () => {
    const env = encryptPrivateKey(kek, pkcs8, 'slot-a');
    expect(JSON.parse(env)).toMatchObject({ v: 1, alg: 'A256GCM' });
    expect(env).not.toContain(Buffer.from(pkcs8).toString('base64url'));
    expect(decryptPrivateKey(kek, env, 'slot-a')).toEqual(pkcs8);
    failsWith('ERR_KEY_DECRYPT', () => decryptPrivateKey(kek, env, 'slot-b'));
    failsWith('ERR_KEY_DECRYPT', () => decryptPrivateKey(new Uint8Array(32), env, 'slot-a'));
  });

  it('refuses an altered or malformed envelope', () => {
    const env = JSON.parse(encryptPrivateKey(kek, pkcs8, 'slot')) as Record<string, string>;
    const ct = Buffer.from(env.ct!, 'base64url');
    ct[0]! ^= 1;
    failsWith('ERR_KEY_DECRYPT', () =>
      decryptPrivateKey(kek, JSON.stringify({ ...env, ct: ct.toString('base64url') }), 'slot'),
    );
    failsWith('ERR_KEY_ENVELOPE', () => decryptPrivateKey(kek, 'not json', 'slot'));
    failsWith('ERR_KEY_ENVELOPE', () => decryptPrivateKey(kek, JSON.stringify({ ...env, v: 2 }), 'slot'));
    failsWith('ERR_KEY_ENVELOPE', () => decryptPrivateKey(kek, JSON.stringify({ ...env, iv: '' }), 'slot'));
    failsWith('ERR_KEY_ENVELOPE', () => decryptPrivateKey(kek, 'null', 'slot'));
  });
});

describe('OCSP responder keys', () => {
  const issuer = 'aa'.repeat(20);

  async function sealed(passphrase: string) {
    const keys = await generateKeyPair('ECDSA-P256', { extractable: true });
    const pkcs8 = await exportPkcs8(keys.privateKey);
    const kek = await deriveStatusKek(passphrase, { ...newKekParams(), N: 1024 });
    const record: OcspResponderRecord = {
      issuerSkiHex: issuer,
      certificate: new Uint8Array([0x30, 0]),
      serialHex: '01',
      skiHex: 'bb'.repeat(20),
      notAfter: new Date('2030-01-01T00:00:00Z'),
      encryptedKey: sealResponderKey(kek, pkcs8, issuer, 'bb'.repeat(20)),
      createdAt: new Date(),
    };
    return { keys, record, kek };
  }

  it('open with the status passphrase alone (the envelope names its KDF), as non-extractable keys', async () => {
    const { keys, record } = await sealed('status secret');
    expect(JSON.parse(record.encryptedKey).kdf).toMatchObject({
      name: 'scrypt',
      label: STATUS_KEK_LABEL,
      N: 1024,
    });
    const key = (await new ResponderKeyring('status secret').open(record)) as CryptoKey;
    expect(key.extractable).toBe(false);
    const data = new TextEncoder().encode('tbsResponseData');
    const alg = { name: 'ECDSA', hash: 'SHA-256' };
    const sig = await webcrypto.subtle.sign(alg, key, data);
    expect(await webcrypto.subtle.verify(alg, keys.publicKey, sig, data)).toBe(true);
  });

  it('open a GOST R 34.10-2015 responder key (the GOST hierarchy) as a GostPrivateKey that signs', async () => {
    const gost = GostPrivateKey.generate('gost2015-512');
    const kek = await deriveStatusKek('status secret', { ...newKekParams(), N: 1024 });
    const pkcs8 = encodeGostPkcs8(gost);
    const record: OcspResponderRecord = {
      issuerSkiHex: issuer,
      certificate: new Uint8Array([0x30, 0]),
      serialHex: '02',
      skiHex: 'cc'.repeat(20),
      notAfter: new Date('2030-01-01T00:00:00Z'),
      encryptedKey: sealResponderKey(kek, pkcs8, issuer, 'cc'.repeat(20)),
      createdAt: new Date(),
    };
    const key = await new ResponderKeyring('status secret').open(record);
    expect(key).toBeInstanceOf(GostPrivateKey);
    const opened = key as GostPrivateKey;
    expect(hex(opened.publicKeyInfo)).toBe(hex(gost.publicKeyInfo));
    const data = new TextEncoder().encode('tbsResponseData');
    expect(verifyGost(opened.signatureAlgorithm, gost.publicKeyInfo, data, opened.sign(data))).toBe(true);
    await rejectsWith('ERR_KEY_DECRYPT', new ResponderKeyring('another secret').open(record));
  });

  it('do not open with another passphrase, or when moved to another issuer or responder', async () => {
    const { record } = await sealed('status secret');
    await rejectsWith('ERR_KEY_DECRYPT', new ResponderKeyring('the CA passphrase').open(record));
    const ring = new ResponderKeyring('status secret');
    await rejectsWith('ERR_KEY_DECRYPT', ring.open({ ...record, issuerSkiHex: 'cc'.repeat(20) }));
    await rejectsWith('ERR_KEY_DECRYPT', ring.open({ ...record, skiHex: 'dd'.repeat(20) }));
  });

  it('refuse an envelope that is not under the status KEK (e.g. a CA key envelope)', async () => {
    const { record } = await sealed('status secret');
    const caStyle = encryptPrivateKey(new Uint8Array(32), new Uint8Array([1]), 'kzpki-ca-key\nroot\nab');
    await rejectsWith(
      'ERR_KEY_ENVELOPE',
      new ResponderKeyring('status secret').open({ ...record, encryptedKey: caStyle }),
    );
    const otherLabel = JSON.stringify({
      ...JSON.parse(record.encryptedKey),
      kdf: { ...JSON.parse(record.encryptedKey).kdf, label: '' },
    });
    await rejectsWith(
      'ERR_KEY_ENVELOPE',
      new ResponderKeyring('status secret').open({ ...record, encryptedKey: otherLabel }),
    );
  });
});
