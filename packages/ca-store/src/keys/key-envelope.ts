/**
 * Private keys at rest in the store: PKCS#8 encrypted with AES-256-GCM under a key-encryption key
 * (KEK) derived from a passphrase with scrypt. Each key has its own random 96-bit IV, and the key's
 * slot (e.g. its name and SKI) is authenticated as additional data, so a ciphertext cannot be moved
 * to another slot. Two KEKs use this format: the CA's (its own keys, parameters in the CA's settings)
 * and the status service's (the OCSP responder keys, `responder-keys.ts`); a `label` mixed into the
 * scrypt salt keeps the two derivations apart even for equal passphrases and salts.
 *
 * Envelope (JSON text): `{ "v": 1, "alg": "A256GCM", "iv": b64url, "ct": b64url, "tag": b64url }`,
 * optionally with the KDF parameters (`"kdf"`) when the envelope is to be opened without access to
 * the settings.
 *
 * Node's `crypto` (scrypt, AES-GCM) does all the cryptography; nothing is hand-written here.
 */
import { createCipheriv, createDecipheriv, randomBytes, scrypt } from 'node:crypto';
import { CaStoreError } from '../errors.js';

/** scrypt parameters of a KEK, stored beside the keys (not secret). */
export interface KekParams {
  /** CPU/memory cost (a power of two). */
  N: number;
  /** Block size. */
  r: number;
  /** Parallelism. */
  p: number;
  /** base64url salt (16 random octets). */
  salt: string;
}

/**
 * Fresh KEK parameters: N=2^15, r=8, p=1 (32 MiB), a random salt. A KEK is derived once at start-up.
 * @example
 * ```ts
 * const params = newKekParams();
 * const kek = await deriveKek(passphrase, params);
 * ```
 */
export function newKekParams(): KekParams {
  return { N: 1 << 15, r: 8, p: 1, salt: randomBytes(16).toString('base64url') };
}

/**
 * Derives the 256-bit KEK from a passphrase. With a `label`, the scrypt salt is
 * `UTF-8(label) || 0x00 || salt`: KEKs of different labels never coincide.
 * @example
 * ```ts
 * const kek = await deriveKek('correct horse', params, 'kzpki-status-kek/v1');
 * ```
 */
export function deriveKek(passphrase: string, params: KekParams, label = ''): Promise<Uint8Array> {
  const salt = Buffer.from(params.salt, 'base64url');
  const fullSalt = label === '' ? salt : Buffer.concat([Buffer.from(`${label}\0`, 'utf8'), salt]);
  return new Promise((resolve, reject) => {
    scrypt(
      passphrase.normalize('NFKC'),
      fullSalt,
      32,
      { N: params.N, r: params.r, p: params.p, maxmem: 128 * 1024 * 1024 },
      (err, key) => (err ? reject(err) : resolve(new Uint8Array(key))),
    );
  });
}

/**
 * Encrypts a PKCS#8 key; `aad` names the slot (e.g. `kzpki-ca-key\nissuing\n<ski>`); `extra`
 * members (such as the KDF parameters) are stored in the envelope as they are.
 * @example
 * ```ts
 * const envelope = encryptPrivateKey(kek, pkcs8, 'kzpki-ca-key\nroot\n' + skiHex);
 * ```
 */
export function encryptPrivateKey(
  kek: Uint8Array,
  pkcs8: Uint8Array,
  aad: string,
  extra: Record<string, unknown> = {},
): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', kek, iv);
  cipher.setAAD(Buffer.from(aad, 'utf8'));
  const ct = Buffer.concat([cipher.update(pkcs8), cipher.final()]);
  return JSON.stringify({
    ...extra,
    v: 1,
    alg: 'A256GCM',
    iv: iv.toString('base64url'),
    ct: ct.toString('base64url'),
    tag: cipher.getAuthTag().toString('base64url'),
  });
}

/** The members of an envelope, checked for shape (not yet decrypted). */
export interface KeyEnvelope {
  v: 1;
  alg: 'A256GCM';
  iv: string;
  ct: string;
  tag: string;
  /** KDF parameters, when the envelope carries them. */
  kdf?: KekParams & { name: 'scrypt'; label: string };
}

/**
 * Parses an envelope without decrypting it.
 * @throws {CaStoreError} `ERR_KEY_ENVELOPE` for anything but a version-1 AES-256-GCM envelope.
 */
export function parseKeyEnvelope(envelope: string): KeyEnvelope {
  let env: Partial<KeyEnvelope> & { kdf?: Partial<NonNullable<KeyEnvelope['kdf']>> };
  try {
    env = JSON.parse(envelope) as typeof env;
  } catch (cause) {
    throw new CaStoreError('ERR_KEY_ENVELOPE', 'The encrypted key is corrupt', { cause });
  }
  const b64 = (s: unknown): s is string => typeof s === 'string' && /^[A-Za-z0-9_-]+$/.test(s);
  if (env === null || typeof env !== 'object' || env.v !== 1 || env.alg !== 'A256GCM') {
    throw new CaStoreError('ERR_KEY_ENVELOPE', 'The encrypted key has an unknown format');
  }
  if (!b64(env.iv) || !b64(env.ct) || !b64(env.tag)) {
    throw new CaStoreError('ERR_KEY_ENVELOPE', 'The encrypted key has an unknown format');
  }
  const k = env.kdf;
  if (
    k !== undefined &&
    (k === null ||
      k.name !== 'scrypt' ||
      typeof k.label !== 'string' ||
      !b64(k.salt) ||
      !Number.isInteger(k.N) ||
      !Number.isInteger(k.r) ||
      !Number.isInteger(k.p))
  ) {
    throw new CaStoreError('ERR_KEY_ENVELOPE', 'The encrypted key has unknown KDF parameters');
  }
  return env as KeyEnvelope;
}

/**
 * Decrypts an envelope (the caller zeroes the returned bytes once imported).
 * @throws {CaStoreError} `ERR_KEY_ENVELOPE` for a corrupt envelope; `ERR_KEY_DECRYPT` when the KEK is
 *   wrong, the slot (`aad`) differs or the ciphertext was altered. Messages never contain key material.
 * @example
 * ```ts
 * const pkcs8 = decryptPrivateKey(kek, record.encryptedKey, aad);
 * ```
 */
export function decryptPrivateKey(kek: Uint8Array, envelope: string, aad: string): Uint8Array {
  const env = parseKeyEnvelope(envelope);
  try {
    const decipher = createDecipheriv('aes-256-gcm', kek, Buffer.from(env.iv, 'base64url'));
    decipher.setAAD(Buffer.from(aad, 'utf8'));
    decipher.setAuthTag(Buffer.from(env.tag, 'base64url'));
    return new Uint8Array(
      Buffer.concat([decipher.update(Buffer.from(env.ct, 'base64url')), decipher.final()]),
    );
  } catch (cause) {
    throw new CaStoreError('ERR_KEY_DECRYPT', 'The key does not open under this passphrase', { cause });
  }
}
