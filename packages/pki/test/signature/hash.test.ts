import { webcrypto } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { toHex } from '../../src/der/encoding.js';
import type { HashName } from '../../src/signature/algorithms.js';
import { hashFunction } from '../../src/signature/hash.js';

const sha1 = hashFunction('SHA-1').digest;
const sha256 = hashFunction('SHA-256').digest;
const sha384 = hashFunction('SHA-384').digest;
const sha512 = hashFunction('SHA-512').digest;

const abc = new TextEncoder().encode('abc');
const twoBlocks = new TextEncoder().encode('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq');

describe('synchronous SHA digests used by the PKCS #12 KDF', () => {
  it('FIPS 180-4 / NIST example values ("abc", 448-bit message, empty)', () => {
    expect(toHex(sha1(abc))).toBe('a9993e364706816aba3e25717850c26c9cd0d89d');
    expect(toHex(sha1(twoBlocks))).toBe('84983e441c3bd26ebaae4aa1f95129e5e54670f1');
    expect(toHex(sha1(new Uint8Array(0)))).toBe('da39a3ee5e6b4b0d3255bfef95601890afd80709');
    expect(toHex(sha256(abc))).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(toHex(sha256(twoBlocks))).toBe('248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1');
    expect(toHex(sha384(abc))).toBe(
      'cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7',
    );
    expect(toHex(sha512(abc))).toBe(
      'ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f',
    );
  });

  it('agree with WebCrypto for every length around the padding boundaries (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom<HashName>('SHA-1', 'SHA-256', 'SHA-384', 'SHA-512'),
        fc.uint8Array({ maxLength: 300 }),
        async (name, data) => {
          const expected = new Uint8Array(await webcrypto.subtle.digest(name, data));
          const h = hashFunction(name);
          expect(h.digest(data)).toEqual(expected);
          expect(h.outputLength).toBe(expected.length);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('iterate(data, n) equals n chained digests (property)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom<HashName>('SHA-1', 'SHA-256', 'SHA-384', 'SHA-512'),
        fc.uint8Array({ maxLength: 200 }),
        fc.integer({ min: 1, max: 20 }),
        (name, data, n) => {
          const h = hashFunction(name);
          let expected = h.digest(data);
          for (let i = 1; i < n; i++) expected = h.digest(expected);
          expect(h.iterate(data, n)).toEqual(expected);
        },
      ),
      { numRuns: 100 },
    );
  });
});
