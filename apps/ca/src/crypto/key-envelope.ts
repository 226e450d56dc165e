/**
 * CA private keys at rest: PKCS#8 encrypted with AES-256-GCM under a key-encryption key (KEK)
 * derived from the operator's passphrase with scrypt. The KEK is derived once per store (salt and
 * cost stored in the settings); each key has its own random 96-bit IV, and the key's name and SKI
 * are authenticated as additional data, so a ciphertext cannot be moved to another slot.
 *
 * Envelope (JSON text): `{ "v": 1, "alg": "A256GCM", "iv": b64url, "ct": b64url, "tag": b64url }`.
 */
import { createCipheriv, createDecipheriv, randomBytes, scrypt } from 'node:crypto';
import { CaError } from '../errors.js';
import type { ScryptParams } from './pin.js';

/** KDF settings stored beside the keys. */
export interface KekParams extends ScryptParams {
  /** base64url salt. */
  salt: string;
}

/** Default KEK cost: N=2^15, r=8, p=1 (32 MiB); derived once at start-up. */
export function newKekParams(): KekParams {
  return { N: 1 << 15, r: 8, p: 1, salt: randomBytes(16).toString('base64url') };
}

/** Derives the 256-bit KEK from the passphrase. */
export function deriveKek(passphrase: string, params: KekParams): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    scrypt(
      passphrase.normalize('NFKC'),
      Buffer.from(params.salt, 'base64url'),
      32,
      { N: params.N, r: params.r, p: params.p, maxmem: 128 * 1024 * 1024 },
      (err, key) => (err ? reject(err) : resolve(new Uint8Array(key))),
    );
  });
}

/** Encrypts a PKCS#8 key; `aad` names the slot (e.g. `ca-key:issuing:<ski>`). */
export function encryptPrivateKey(kek: Uint8Array, pkcs8: Uint8Array, aad: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', kek, iv);
  cipher.setAAD(Buffer.from(aad, 'utf8'));
  const ct = Buffer.concat([cipher.update(pkcs8), cipher.final()]);
  return JSON.stringify({
    v: 1,
    alg: 'A256GCM',
    iv: iv.toString('base64url'),
    ct: ct.toString('base64url'),
    tag: cipher.getAuthTag().toString('base64url'),
  });
}

/**
 * Decrypts an envelope.
 * @throws {CaError} `ERR_UNAUTHORIZED` when the passphrase (KEK) is wrong or the envelope was altered;
 * the message never contains key material.
 */
export function decryptPrivateKey(kek: Uint8Array, envelope: string, aad: string): Uint8Array {
  let env: { v?: number; alg?: string; iv?: string; ct?: string; tag?: string };
  try {
    env = JSON.parse(envelope) as typeof env;
  } catch (cause) {
    throw new CaError('ERR_INTERNAL', 'Encrypted CA key is corrupt', { cause });
  }
  if (env.v !== 1 || env.alg !== 'A256GCM' || !env.iv || !env.ct || !env.tag) {
    throw new CaError('ERR_INTERNAL', 'Encrypted CA key has an unknown format');
  }
  try {
    const decipher = createDecipheriv('aes-256-gcm', kek, Buffer.from(env.iv, 'base64url'));
    decipher.setAAD(Buffer.from(aad, 'utf8'));
    decipher.setAuthTag(Buffer.from(env.tag, 'base64url'));
    return new Uint8Array(
      Buffer.concat([decipher.update(Buffer.from(env.ct, 'base64url')), decipher.final()]),
    );
  } catch (cause) {
    throw new CaError(
      'ERR_UNAUTHORIZED',
      'Cannot decrypt the CA keys: wrong passphrase (KZPKI_CA_PASSPHRASE)',
      {
        cause,
      },
    );
  }
}
