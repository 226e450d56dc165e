/**
 * Streebog (GOST R 34.11-2012) and GOST R 34.11-94 (test parameter set): published vectors, the
 * streaming API against one-shot hashing, and three implementations we did not write: the npm
 * package @wavesenterprise/crypto-gost-js, libgcrypt (a C program compiled here when `cc` and
 * gcrypt.h exist), and HMAC vectors through @noble/hashes' generic HMAC.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { runTool, tempDir } from '@kzpki/test-fixtures';
import { hmac } from '@noble/hashes/hmac';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gostr3411_94 } from '../../src/gost/gostr3411-94.js';
import { streebog256, streebog512 } from '../../src/gost/streebog.js';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const unhex = (s: string) => new Uint8Array(Buffer.from(s, 'hex'));
/** RFC 6986 prints messages and hashes as big-endian numbers: reverse to get memory order. */
const rfc = (s: string) => unhex(s).reverse();
const utf8 = (s: string) => new TextEncoder().encode(s);

describe('Streebog: RFC 6986 §10 examples', () => {
  const M1 = rfc(
    '323130393837363534333231303938373635343332313039383736353433323130393837363534333231303938373635343332313039383736353433323130',
  );
  const M2 = rfc(
    'fbe2e5f0eee3c820fbeafaebef20fffbf0e1e0f0f520e0ed20e8ece0ebe5f0f2f120fff0eeec20f120faf2fee5e2202ce8f6f3ede220e8e6eee1e8f0f2d1202ce8f0f2e5e220e5d1',
  );

  it('M1 is the ASCII digits "0123…012" (63 bytes)', () => {
    expect(new TextDecoder().decode(M1)).toBe(
      '012345678901234567890123456789012345678901234567890123456789012',
    );
  });

  it('512-bit hash of M1 (§10.1.1)', () => {
    expect(streebog512(M1)).toEqual(
      rfc(
        '486f64c1917879417fef082b3381a4e211c324f074654c38823a7b76f830ad00fa1fbae42b1285c0352f227524bc9ab16254288dd6863dccd5b9f54a1ad0541b',
      ),
    );
  });

  it('256-bit hash of M1 (§10.1.2)', () => {
    expect(streebog256(M1)).toEqual(rfc('00557be5e584fd52a449b16b0251d05d27f94ab76cbaa6da890b59d8ef1e159d'));
  });

  it('512-bit hash of M2 (§10.2.1, 72 bytes: two blocks)', () => {
    expect(streebog512(M2)).toEqual(
      rfc(
        '28fbc9bada033b1460642bdcddb90c3fb3e56c497ccd0f62b8a2ad4935e85f037613966de4ee00531ae60f3b5a47f8dae06915d5f2f194996fcabf2622e6881e',
      ),
    );
  });

  it('256-bit hash of M2 (§10.2.2)', () => {
    expect(streebog256(M2)).toEqual(rfc('508f7e553c06501d749a66fc28c6cac0b005746d97537fa85d9e40904efed29d'));
  });

  it('the empty message', () => {
    expect(hex(streebog256(new Uint8Array(0)))).toBe(
      '3f539a213e97c802cc229d474c6aa32a825a360b2a933a949fd925208d9ce1bb',
    );
  });

  it('a string is hashed as UTF-8', () => {
    expect(streebog512('0123456789012345678901234567890123456789012345678901234567890123')).toEqual(
      streebog512(utf8('0123456789012345678901234567890123456789012345678901234567890123')),
    );
  });
});

describe('GOST R 34.11-94, test parameter set', () => {
  // GOST R 34.11-94 appendix A (the two examples) and the published test-paramset vectors.
  const vectors: [string, string][] = [
    ['This is message, length=32 bytes', 'b1c466d37519b82e8319819ff32595e047a28cb6f83eff1c6916a815a637fffa'],
    [
      'Suppose the original message has length = 50 bytes',
      '471aba57a60a770d3a76130635c1fbea4ef14de51f78b4ae57dd893b62f55208',
    ],
    ['', 'ce85b99cc46752fffee35cab9a7b0278abb4c2d2055cff685af4912c49490f8d'],
    ['a', 'd42c539e367c66e9c88a801f6649349c21871b4344c6a573f849fdce62f314dd'],
    ['abc', 'f3134348c44fb1b2a277729e2285ebb5cb5e0f29c975bc753b70497c06a4d51d'],
    ['message digest', 'ad4434ecb18f2c99b60cbe59ec3d2469582b65273f48de72db2fde16a4889a4d'],
    ['U'.repeat(128), '53a3a3ed25180cef0c1d85a074273e551c25660a87062a52d926a9e8fe5733a4'],
    [
      'The quick brown fox jumps over the lazy dog',
      '77b7fa410c9ac58a25f49bca7d0468c9296529315eaca76bd1a10f376d1f4294',
    ],
    [
      'The quick brown fox jumps over the lazy cog',
      'a3ebc4daaab78b0be131dab5737a7f67e602670d543521319150d2e14eeec445',
    ],
  ];
  it.each(vectors)('%j', (message, digest) => {
    expect(hex(gostr3411_94(utf8(message)))).toBe(digest);
  });

  it('one million "a"', () => {
    expect(hex(gostr3411_94(new Uint8Array(1_000_000).fill(0x61)))).toBe(
      '5c00ccc2734cdd3332d3d4749576e3c1a7dbaf0e7ea74e9fa602413c90a129fa',
    );
  });
});

describe('HMAC over Streebog through @noble/hashes (RFC 7836 §4.1.1 / R 50.1.113-2016 examples)', () => {
  const K = unhex('000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f');
  const T = unhex('0126bdb87800af214341456563780100');
  it('HMAC_GOSTR3411_2012_256', () => {
    expect(hex(hmac(streebog256, K, T))).toBe(
      'a1aa5f7de402d7b3d323f2991c8d4534013137010a83754fd0af6d7cd4922ed9',
    );
  });
  it('HMAC_GOSTR3411_2012_512', () => {
    expect(hex(hmac(streebog512, K, T))).toBe(
      'a59bab22ecae19c65fbde6e5f4e9f5d8549d31f037f9df9b905500e171923a773d5f1530f2ed7e964cb2eedc29e9ad2f3afe93b2814f79f5000ffc0366c251e6',
    );
  });
});

describe('streaming equals one-shot (any split of the input)', () => {
  for (const [name, fn] of [
    ['streebog256', streebog256],
    ['streebog512', streebog512],
    ['gostr3411_94', gostr3411_94],
  ] as const) {
    it(name, () => {
      fc.assert(
        fc.property(
          fc.uint8Array({ maxLength: 400 }),
          fc.array(fc.nat({ max: 400 }), { maxLength: 6 }),
          (data, cuts) => {
            const h = fn.create();
            const points = [...new Set(cuts.map((c) => c % (data.length + 1)))].sort((a, b) => a - b);
            let prev = 0;
            for (const p of [...points, data.length]) {
              h.update(data.subarray(prev, p));
              prev = p;
            }
            const clone = h.clone();
            expect(h.digest()).toEqual(fn(data));
            expect(clone.digest()).toEqual(fn(data));
          },
        ),
        { numRuns: 150 },
      );
    });
  }

  it('a finished hasher refuses more input', () => {
    const h = streebog512.create();
    h.digest();
    expect(() => h.update(new Uint8Array(1))).toThrow();
    expect(() => h.digest()).toThrow();
  });
});

describe('agreement with @wavesenterprise/crypto-gost-js', () => {
  const require = createRequire(import.meta.url);
  const gost = require('@wavesenterprise/crypto-gost-js') as {
    GostEngine: { getGostDigest(alg: object): { digest(data: Uint8Array): ArrayBuffer } };
  };
  const lib = {
    streebog256: gost.GostEngine.getGostDigest({ name: 'GOST R 34.11', version: 2012, length: 256 }),
    streebog512: gost.GostEngine.getGostDigest({ name: 'GOST R 34.11', version: 2012, length: 512 }),
    gostr3411_94: gost.GostEngine.getGostDigest({ name: 'GOST R 34.11', version: 1994, sBox: 'D-TEST' }),
  };
  const ours = { streebog256, streebog512, gostr3411_94 };
  for (const name of Object.keys(ours) as (keyof typeof ours)[]) {
    it(`${name} on random messages`, () => {
      fc.assert(
        fc.property(fc.uint8Array({ maxLength: 300 }), (data) => {
          expect(hex(ours[name](data))).toBe(hex(new Uint8Array(lib[name].digest(data.slice()))));
        }),
        { numRuns: 60 },
      );
    });
  }
});

const GCRYPT_C = `
#include <gcrypt.h>
#include <stdio.h>
#include <stdlib.h>
/* Reads messages as "<length>\\n<bytes>" from stdin; prints the three hashes of each in hex. */
static void put(int algo, const unsigned char *m, size_t n) {
  unsigned int len = gcry_md_get_algo_dlen(algo);
  unsigned char *d = malloc(len);
  gcry_md_hash_buffer(algo, d, m, n);
  for (unsigned int i = 0; i < len; i++) printf("%02x", d[i]);
  printf(" ");
  free(d);
}
int main(void) {
  if (!gcry_check_version(NULL)) return 2;
  gcry_control(GCRYCTL_INITIALIZATION_FINISHED, 0);
  size_t n;
  while (scanf("%zu", &n) == 1) {
    getchar();
    unsigned char *m = malloc(n ? n : 1);
    if (fread(m, 1, n, stdin) != n) return 3;
    put(GCRY_MD_STRIBOG256, m, n);
    put(GCRY_MD_STRIBOG512, m, n);
    put(GCRY_MD_GOSTR3411_94, m, n);
    printf("\\n");
    free(m);
  }
  return 0;
}
`;

const hasGcrypt = existsSync('/usr/include/gcrypt.h') && existsSync('/usr/bin/cc');
if (!hasGcrypt)
  console.warn('[kzpki] skipping libgcrypt hash checks: cc or gcrypt.h (libgcrypt20-dev) not installed');

describe.skipIf(!hasGcrypt)('agreement with libgcrypt (Stribog, GOSTR3411_94)', () => {
  const tmp = tempDir('kzpki-gcrypt-');
  let exe = '';
  beforeAll(() => {
    const src = tmp.write('hash.c', GCRYPT_C);
    exe = `${tmp.dir}/hash`;
    const r = runTool('cc', ['-O1', '-o', exe, src, '-lgcrypt']);
    expect(r.status, r.stderr).toBe(0);
  });
  afterAll(() => tmp.dispose());

  it('the same digests for 200 random messages of 0..1100 bytes', () => {
    const messages = fc.sample(fc.uint8Array({ maxLength: 1100 }), { numRuns: 200, seed: 12 });
    const input = Buffer.concat(messages.flatMap((m) => [Buffer.from(`${m.length}\n`), Buffer.from(m)]));
    const r = runTool(exe, [], { input });
    expect(r.status, r.stderr).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines).toHaveLength(messages.length);
    messages.forEach((m, i) => {
      expect(lines[i]!.trim().split(' ')).toEqual([
        hex(streebog256(m)),
        hex(streebog512(m)),
        hex(gostr3411_94(m)),
      ]);
    });
  });
});
