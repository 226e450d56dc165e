/**
 * The GOST private key of a legal entity's application, kept in the browser's key storage like the
 * RSA keys are. WebCrypto cannot hold a GOST key as a `CryptoKey`, so its PKCS#8 is encrypted with
 * AES-256-GCM under a non-extractable `CryptoKey` made for it and stored beside it: like the RSA
 * `CryptoKey` objects, the key is usable by this origin's scripts and never stored as plain bytes.
 */
import type { GostPrivateKey } from '@kzpki/pki';
import { PortalError } from '../errors.js';
import { loadPki } from './pki.js';

/** A GOST private key as kept in IndexedDB. */
export interface SealedGostKey {
  /** AES-256-GCM, non-extractable, used for this key only. */
  wrappingKey: CryptoKey;
  /** The 12-byte GCM nonce. */
  iv: Uint8Array;
  /** The encrypted PKCS#8 of the key. */
  sealed: Uint8Array;
  /** Key algorithm label, e.g. `GOST-2015-512`. */
  algorithm: string;
}

/**
 * Seals a GOST private key for the key storage.
 * @example
 * ```ts
 * const stored = await sealGostKey(GostPrivateKey.generate('gost2015-512'));
 * ```
 */
export async function sealGostKey(key: GostPrivateKey): Promise<SealedGostKey> {
  const pki = await loadPki();
  const subtle = globalThis.crypto.subtle;
  const wrappingKey = await subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, [
    'encrypt',
    'decrypt',
  ]);
  const iv = globalThis.crypto.getRandomValues(new Uint8Array(12));
  const pkcs8 = pki.encodeGostPkcs8(key);
  try {
    const sealed = new Uint8Array(
      await subtle.encrypt({ name: 'AES-GCM', iv: iv as BufferSource }, wrappingKey, pkcs8 as BufferSource),
    );
    return { wrappingKey, iv, sealed, algorithm: pki.GOST_END_ENTITY_KEY_ALGORITHM };
  } finally {
    pkcs8.fill(0);
  }
}

/**
 * The GOST private key of a sealed entry.
 * @throws {PortalError} `ERR_STORAGE` when the entry cannot be decrypted or is not a GOST key.
 */
export async function unsealGostKey(stored: SealedGostKey): Promise<GostPrivateKey> {
  const pki = await loadPki();
  let pkcs8: Uint8Array;
  try {
    pkcs8 = new Uint8Array(
      await globalThis.crypto.subtle.decrypt(
        { name: 'AES-GCM', iv: stored.iv as BufferSource },
        stored.wrappingKey,
        stored.sealed as BufferSource,
      ),
    );
  } catch (cause) {
    throw new PortalError('ERR_STORAGE', 'The GOST key kept in this browser cannot be opened', { cause });
  }
  try {
    return pki.decodeGostPkcs8(pkcs8);
  } catch (cause) {
    throw new PortalError('ERR_STORAGE', 'The key kept in this browser is not a GOST key', { cause });
  } finally {
    pkcs8.fill(0);
  }
}
