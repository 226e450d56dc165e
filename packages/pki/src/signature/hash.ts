/**
 * Synchronous SHA-1 and SHA-2 digests, by @noble/hashes, for the code that hashes many small
 * inputs in a row and cannot await WebCrypto: the PKCS #12 key derivation (RFC 7292 Appendix B.2
 * applies H thousands of times to 20-64 bytes) and key identifiers (SHA-1 on every issuance).
 * `crypto.subtle.digest` is asynchronous and costs a thread-pool round trip (~50 µs in Node) a
 * call; everything else hashes with WebCrypto.
 */
import { sha1 } from '@noble/hashes/legacy';
import { sha256, sha384, sha512 } from '@noble/hashes/sha2';
import type { HashName } from './algorithms.js';

/** A synchronous hash function with the sizes the PKCS #12 KDF needs. */
export interface SyncHash {
  /** WebCrypto name of the digest. */
  readonly name: HashName;
  /** Output length `u` in bytes. */
  readonly outputLength: number;
  /** Input block length `v` in bytes (64 for SHA-1/256, 128 for SHA-384/512). */
  readonly blockLength: number;
  /** Hashes `data` in one call. */
  digest(data: Uint8Array): Uint8Array;
  /** H applied `count` (≥ 1) times: H(H(…H(data))). */
  iterate(data: Uint8Array, count: number): Uint8Array;
}

const NOBLE = { 'SHA-1': sha1, 'SHA-256': sha256, 'SHA-384': sha384, 'SHA-512': sha512 } as const;

function syncHash(name: HashName): SyncHash {
  const fn = NOBLE[name];
  return Object.freeze({
    name,
    outputLength: fn.outputLen,
    blockLength: fn.blockLen,
    digest: (data: Uint8Array) => fn(data),
    iterate(data: Uint8Array, count: number): Uint8Array {
      // One hasher reset from a pristine copy each round: no allocation per iteration.
      const pristine = fn.create();
      const work = fn.create();
      const out = new Uint8Array(fn.outputLen);
      let input = data;
      for (let i = 0; i < count; i++) {
        pristine._cloneInto(work);
        work.update(input);
        work.digestInto(out);
        input = out;
      }
      return out;
    },
  });
}

const HASHES: Readonly<Record<HashName, SyncHash>> = {
  'SHA-1': syncHash('SHA-1'),
  'SHA-256': syncHash('SHA-256'),
  'SHA-384': syncHash('SHA-384'),
  'SHA-512': syncHash('SHA-512'),
};

/**
 * The synchronous implementation of `name`.
 * @example
 * ```ts
 * toHex(hashFunction('SHA-1').digest(spkiBits)); // an RFC 5280 method 1 key identifier
 * ```
 */
export function hashFunction(name: HashName): SyncHash {
  return HASHES[name];
}
