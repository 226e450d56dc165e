import { hasTool, runTool, tempDir } from '@kzpki/test-fixtures';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fromBase64, fromHex, toHex } from '../../src/der/encoding.js';
import { cbcDecrypt, cbcEncrypt } from '../../src/pkcs12/cbc.js';
import { createRc2 } from '../../src/pkcs12/rc2.js';

// RFC 2268 §5: every test vector (key, effective key bits, plaintext, ciphertext).
const RFC2268_VECTORS = [
  ['0000000000000000', 63, '0000000000000000', 'ebb773f993278eff'],
  ['ffffffffffffffff', 64, 'ffffffffffffffff', '278b27e42e2f0d49'],
  ['3000000000000000', 64, '1000000000000001', '30649edf9be7d2c2'],
  ['88', 64, '0000000000000000', '61a8a244adacccf0'],
  ['88bca90e90875a', 64, '0000000000000000', '6ccf4308974c267f'],
  ['88bca90e90875a7f0f79c384627bafb2', 64, '0000000000000000', '1a807d272bbe5db1'],
  ['88bca90e90875a7f0f79c384627bafb2', 128, '0000000000000000', '2269552ab0f85ca6'],
  [
    '88bca90e90875a7f0f79c384627bafb216f80a6f85920584c42fceb0be255daf1e',
    129,
    '0000000000000000',
    '5b78d3a43dfff1f1',
  ],
] as const;

describe('RC2 (RFC 2268)', () => {
  it.each(RFC2268_VECTORS)('§5 vector: key %s, %i effective bits', (key, bits, plain, cipher) => {
    const rc2 = createRc2(fromHex(key), bits);
    const block = fromHex(plain);
    rc2.encryptBlock(block, 0);
    expect(toHex(block)).toBe(cipher);
    rc2.decryptBlock(block, 0);
    expect(toHex(block)).toBe(plain);
  });

  it('decrypt(encrypt(x)) = x in CBC mode for any key and effective length (property)', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 1, maxLength: 128 }),
        fc.integer({ min: 1, max: 1024 }),
        fc.uint8Array({ minLength: 8, maxLength: 8 }),
        fc.uint8Array({ maxLength: 64 }),
        (key, bits, iv, data) => {
          const rc2 = createRc2(key, bits);
          expect(cbcDecrypt(rc2, iv, cbcEncrypt(rc2, iv, data))).toEqual(data);
        },
      ),
      { numRuns: 100 },
    );
  });

  it('rejects out-of-range keys and effective lengths', () => {
    const code = expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT' });
    expect(() => createRc2(new Uint8Array(0), 40)).toThrow(code);
    expect(() => createRc2(new Uint8Array(129), 40)).toThrow(code);
    expect(() => createRc2(new Uint8Array(5), 0)).toThrow(code);
    expect(() => createRc2(new Uint8Array(5), 1025)).toThrow(code);
  });
});

describe.skipIf(!hasTool('openssl'))('cross-check against OpenSSL (legacy provider)', () => {
  it('RC2-40, RC2-64 and RC2-128 CBC match `openssl enc` for random inputs', () => {
    const tmp = tempDir();
    try {
      fc.assert(
        fc.property(
          fc.uint8Array({ minLength: 16, maxLength: 16 }),
          fc.uint8Array({ minLength: 8, maxLength: 8 }),
          fc.uint8Array({ maxLength: 70 }),
          (key, iv, data) => {
            const input = tmp.write('in.bin', data);
            for (const [cipher, keyLength, bits] of [
              ['rc2-40-cbc', 5, 40],
              ['rc2-64-cbc', 8, 64],
              ['rc2-cbc', 16, 128],
            ] as const) {
              const k = key.subarray(0, keyLength);
              const r = runTool('openssl', [
                'enc',
                `-${cipher}`,
                '-K',
                toHex(k),
                '-iv',
                toHex(iv),
                '-in',
                input,
                '-a',
                '-A',
                '-provider',
                'legacy',
                '-provider',
                'default',
              ]);
              expect(r.status, r.stderr).toBe(0);
              expect(toHex(cbcEncrypt(createRc2(k, bits), iv, data))).toBe(
                toHex(fromBase64(r.stdout.trim())),
              );
            }
          },
        ),
        { numRuns: 5 },
      );
    } finally {
      tmp.dispose();
    }
  });
});
