import { hasTool, runTool } from '@kzpki/test-fixtures';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../../src/der/encoding.js';
import { bmpPassword, type Pkcs12KdfPurpose, pkcs12Kdf } from '../../src/pkcs12/pkcs12-kdf.js';
import type { HashName } from '../../src/signature/algorithms.js';

// The PKCS #12 KDF test vectors published with Dr Stephen Henson's "OpenSSL PKCS#12 Program FAQ"
// (sets 1 and 2, SHA-1), reproduced by OpenSSL, Bouncy Castle and Crypto++ test suites.
const HENSON_VECTORS: ReadonlyArray<readonly [Pkcs12KdfPurpose, number, string, string, string]> = [
  [1, 1, 'smeg', '0a58cf64530d823f', '8aaae6297b6cb04642ab5b077851284eb7128f1a2a7fbca3'],
  [2, 1, 'smeg', '0a58cf64530d823f', '79993dfe048d3b76'],
  [1, 1, 'smeg', '642b99ab44fb4b1f', 'f3a95fec48d7711e985cfe67908c5ab79fa3d7c5caa5d966'],
  [2, 1, 'smeg', '642b99ab44fb4b1f', 'c0a38d64a79bea1d'],
  [3, 1, 'smeg', '3d83c0e4546ac140', '8d967d88f6caa9d714800ab3d48051d63f73a312'],
  [1, 1000, 'queeg', '05dec959acff72f7', 'ed2034e36328830ff09df1e1a07dd357185dac0d4f9eb3d4'],
  [2, 1000, 'queeg', '05dec959acff72f7', '11dedad7758d4860'],
  [1, 1000, 'queeg', '1682c0fc5b3f7ec5', '483dd6e919d7de2e8e648ba8f862f3fbfbdc2bcb2c02957f'],
  [2, 1000, 'queeg', '1682c0fc5b3f7ec5', '9d461d1b00355c50'],
  [3, 1000, 'queeg', '263216fcc2fab31c', '5ec4c7a80df652294c3925b6489a7ab857c83476'],
];

describe('BMPString password encoding (RFC 7292 B.1)', () => {
  it('is big-endian UTF-16 with a two-byte zero terminator', () => {
    expect(toHex(bmpPassword('smeg'))).toBe('0073006d006500670000');
    expect(toHex(bmpPassword('Qwerty12'))).toBe('005100770065007200740079003100320000');
    expect(toHex(bmpPassword(''))).toBe('0000');
    expect(toHex(bmpPassword('Пароль€'))).toBe('041f04300440043e043b044c20ac0000');
    // Outside the BMP: the UTF-16 surrogate pair, as OpenSSL and Java encode it.
    expect(toHex(bmpPassword('\u{1F511}'))).toBe('d83ddd110000');
  });
});

describe('PKCS #12 KDF (RFC 7292 B.2)', () => {
  it.each(HENSON_VECTORS)('ID %i, %i iterations, password %s, salt %s', (id, iterations, pw, salt, out) => {
    const key = pkcs12Kdf({
      hash: 'SHA-1',
      password: bmpPassword(pw),
      salt: fromHex(salt),
      iterations,
      id,
      length: out.length / 2,
    });
    expect(toHex(key)).toBe(out);
  });

  it('longer outputs extend shorter ones (A_1 || A_2 || …) (property)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom<HashName>('SHA-1', 'SHA-256', 'SHA-512'),
        fc.uint8Array({ maxLength: 70 }),
        fc.uint8Array({ maxLength: 70 }),
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 1, max: 150 }),
        fc.integer({ min: 1, max: 150 }),
        (hash, password, salt, iterations, a, b) => {
          const kdf = (length: number) => pkcs12Kdf({ hash, password, salt, iterations, id: 1, length });
          const [short, long] = a < b ? [a, b] : [b, a];
          expect(kdf(long).subarray(0, short)).toEqual(kdf(short));
        },
      ),
      { numRuns: 50 },
    );
  });

  it('rejects non-positive iteration counts and lengths', () => {
    const base = {
      hash: 'SHA-1' as const,
      password: bmpPassword('x'),
      salt: new Uint8Array(8),
      id: 1 as const,
    };
    const code = expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT' });
    expect(() => pkcs12Kdf({ ...base, iterations: 0, length: 8 })).toThrow(code);
    expect(() => pkcs12Kdf({ ...base, iterations: 1, length: 0 })).toThrow(code);
    expect(() => pkcs12Kdf({ ...base, iterations: 1.5, length: 8 })).toThrow(code);
  });
});

describe.skipIf(!hasTool('openssl'))('cross-check against OpenSSL PKCS12KDF', () => {
  it('SHA-1, SHA-256, SHA-384 and SHA-512 agree for random inputs (all IDs, multi-block outputs)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom<HashName>('SHA-1', 'SHA-256', 'SHA-384', 'SHA-512'),
        fc.string({ minLength: 0, maxLength: 40 }),
        fc.uint8Array({ minLength: 1, maxLength: 40 }),
        fc.integer({ min: 1, max: 3000 }),
        fc.constantFrom<Pkcs12KdfPurpose>(1, 2, 3),
        fc.integer({ min: 1, max: 130 }),
        (hash, pw, salt, iterations, id, length) => {
          const password = bmpPassword(pw);
          const r = runTool('openssl', [
            'kdf',
            '-keylen',
            String(length),
            '-kdfopt',
            `digest:${hash.replace('-', '')}`,
            '-kdfopt',
            `hexpass:${toHex(password)}`,
            '-kdfopt',
            `hexsalt:${toHex(salt)}`,
            '-kdfopt',
            `iter:${iterations}`,
            '-kdfopt',
            `id:${id}`,
            'PKCS12KDF',
          ]);
          expect(r.status, r.stderr).toBe(0);
          const expected = r.stdout.trim().replace(/:/g, '').toLowerCase();
          expect(toHex(pkcs12Kdf({ hash, password, salt, iterations, id, length }))).toBe(expected);
        },
      ),
      { numRuns: 12 },
    );
  });
});
