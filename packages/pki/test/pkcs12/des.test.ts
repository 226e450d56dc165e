import { hasTool, runTool, tempDir } from '@kzpki/test-fixtures';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fromBase64, fromHex, toHex } from '../../src/der/encoding.js';
import { cbcDecrypt, cbcEncrypt } from '../../src/pkcs12/cbc.js';
import { createDes, createTripleDes } from '../../src/pkcs12/des.js';

function ecb(cipher: ReturnType<typeof createDes>, hex: string, decrypt = false): string {
  const block = fromHex(hex);
  for (let off = 0; off < block.length; off += 8) {
    if (decrypt) cipher.decryptBlock(block, off);
    else cipher.encryptBlock(block, off);
  }
  return toHex(block);
}

// NIST SP 800-20 Table A.1 (variable plaintext known answer test): key 01..01, plaintext = one set bit.
const TABLE_A1 = [
  '95f8a5e5dd31d900',
  'dd7f121ca5015619',
  '2e8653104f3834ea',
  '4bd388ff6cd81d4f',
  '20b9e767b2fb1456',
  '55579380d77138ef',
  '6cc5defaaf04512f',
  '0d9f279ba5d87260',
  'd9031b0271bd5a0a',
  '424250b37c3dd951',
  'b8061b7ecd9a21e5',
  'f15d0f286b65bd28',
  'add0cc8d6e5deba1',
  'e6d5f82752ad63d1',
  'ecbfe3bd3f591a5e',
  'f356834379d165cd',
  '2b9f982f20037fa9',
  '889de068a16f0be6',
  'e19e275d846a1298',
  '329a8ed523d71aec',
  'e7fce22557d23c97',
  '12a9f5817ff2d65d',
  'a484c3ad38dc9c19',
  'fbe00a8a1ef8ad72',
  '750d079407521363',
  '64feed9c724c2faf',
  'f02b263b328e2b60',
  '9d64555a9a10b852',
  'd106ff0bed5255d7',
  'e1652c6b138c64a5',
  'e428581186ec8f46',
  'aeb5f5ede22d1a36',
  'e943d7568aec0c5c',
  'df98c8276f54b04b',
  'b160e4680f6c696f',
  'fa0752b07d9c4ab8',
  'ca3a2b036dbc8502',
  '5e0905517bb59bcf',
  '814eeb3b91d90726',
  '4d49db1532919c9f',
  '25eb5fc3f8cf0621',
  'ab6a20c0620d1c6f',
  '79e90dbc98f92cca',
  '866ecedd8072bb0e',
  '8b54536f2f3e64a8',
  'ea51d3975595b86b',
  'caffc6ac4542de31',
  '8dd45a2ddf90796c',
  '1029d55e880ec2d0',
  '5d86cb23639dbea9',
  '1d1ca853ae7c0c5f',
  'ce332329248f3228',
  '8405d1abe24fb942',
  'e643d78090ca4207',
  '48221b9937748a23',
  'dd7c0bbd61fafd54',
  '2fbc291a570db5c4',
  'e07c30d7e4e26e12',
  '0953e2258e8e90a1',
  '5b711bc4ceebf2ee',
  'cc083f1e6d9e85f6',
  'd2fd8867d50d2dfe',
  '06e7ea22ce92708f',
  '166b40b44aba4bd6',
];

describe('DES (FIPS 46-3) known answers', () => {
  it('NIST SP 800-20 Table A.1: all 64 variable-plaintext vectors, both directions', () => {
    const des = createDes(fromHex('0101010101010101'));
    TABLE_A1.forEach((expected, bit) => {
      const plain = new Uint8Array(8);
      plain[bit >> 3] = 0x80 >> (bit & 7);
      expect(ecb(des, toHex(plain))).toBe(expected);
      expect(ecb(des, expected, true)).toBe(toHex(plain));
    });
  });

  it('SP 800-20 Table A.2 (variable key) first entries and the FIPS 46 worked example', () => {
    expect(ecb(createDes(fromHex('8001010101010101')), '0000000000000000')).toBe('95a8d72813daa94d');
    expect(ecb(createDes(fromHex('4001010101010101')), '0000000000000000')).toBe('0eec1487dd8c26d5');
    expect(ecb(createDes(fromHex('133457799bbcdff1')), '0123456789abcdef')).toBe('85e813540f0ab405');
  });

  it('ignores the parity bits of the key (FIPS 46-3 §2)', () => {
    expect(ecb(createDes(fromHex('0000000000000000')), '8000000000000000')).toBe(TABLE_A1[0]);
  });

  it('FIPS 81 Appendix C CBC example ("Now is the time for all ")', () => {
    const des = createDes(fromHex('0123456789abcdef'));
    const plain = new TextEncoder().encode('Now is the time for all ');
    const ct = cbcEncrypt(des, fromHex('1234567890abcdef'), plain);
    // The example has no padding: its 24 bytes are followed here by one block of PKCS #7 padding.
    expect(toHex(ct.subarray(0, 24))).toBe('e5c7cdde872bf27c43e934008c389c0f683788499a7c05f6');
    expect(cbcDecrypt(des, fromHex('1234567890abcdef'), ct)).toEqual(plain);
  });
});

describe('Triple-DES EDE (SP 800-67) known answers', () => {
  it('SP 800-67 example: three keys, three blocks of "The qufck brown fox jump"', () => {
    const tdes = createTripleDes(fromHex('0123456789abcdef23456789abcdef01456789abcdef0123'));
    const plain = toHex(new TextEncoder().encode('The qufck brown fox jump'));
    expect(ecb(tdes, plain)).toBe('a826fd8ce53b855fcce21c8112256fe668d5c05dd9b6b900');
    expect(ecb(tdes, 'a826fd8ce53b855fcce21c8112256fe668d5c05dd9b6b900', true)).toBe(plain);
  });

  it('NIST CAVP TCBC multi-block message tests (keying option 1)', () => {
    const cases = [
      [
        '627f460e08104a1043cd265d5840eaf1313edf97df2a8a8c',
        '8e29f75ea77e5475',
        '326a494cd33fe756',
        'b22b8d66de970692',
      ],
      [
        '37ae5ebf46dff2dc0754b94f31cbb3855e7fd36dc870bfae',
        '3d1de3cc132e3b65',
        '84401f78fe6c10876d8ea23094ea5309',
        '7b1f7c7e3b1c948ebd04a75ffba7d2f5',
      ],
    ] as const;
    for (const [key, iv, plain, cipher] of cases) {
      const ct = cbcEncrypt(createTripleDes(fromHex(key)), fromHex(iv), fromHex(plain));
      expect(toHex(ct.subarray(0, plain.length / 2))).toBe(cipher);
    }
  });

  it('with K1 = K2 = K3 reduces to single DES, and a 16-byte key means K3 = K1', () => {
    const k = '0101010101010101';
    expect(ecb(createTripleDes(fromHex(k.repeat(3))), '8000000000000000')).toBe(TABLE_A1[0]);
    const k1 = '0123456789abcdef';
    const k2 = 'fedcba9876543210';
    expect(ecb(createTripleDes(fromHex(k1 + k2)), '0011223344556677')).toBe(
      ecb(createTripleDes(fromHex(k1 + k2 + k1)), '0011223344556677'),
    );
  });

  it('rejects keys of the wrong length', () => {
    expect(() => createDes(new Uint8Array(7))).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT' }),
    );
    expect(() => createTripleDes(new Uint8Array(8))).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT' }),
    );
  });
});

describe('CBC with PKCS #7 padding', () => {
  it('decrypt(encrypt(x)) = x for any key, IV and length (property)', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 24, maxLength: 24 }),
        fc.uint8Array({ minLength: 8, maxLength: 8 }),
        fc.uint8Array({ maxLength: 100 }),
        (key, iv, data) => {
          const tdes = createTripleDes(key);
          const ct = cbcEncrypt(tdes, iv, data);
          expect(ct.length % 8).toBe(0);
          expect(ct.length).toBeGreaterThan(data.length);
          expect(cbcDecrypt(tdes, iv, ct)).toEqual(data);
        },
      ),
      { numRuns: 100 },
    );
  });

  it('reports bad padding and partial blocks as undefined, not as an exception', () => {
    const tdes = createTripleDes(fromHex('0123456789abcdef23456789abcdef01456789abcdef0123'));
    const iv = new Uint8Array(8);
    const ct = cbcEncrypt(tdes, iv, new TextEncoder().encode('hello'));
    expect(cbcDecrypt(tdes, iv, ct.subarray(0, 7))).toBeUndefined();
    expect(cbcDecrypt(tdes, iv, new Uint8Array(0))).toBeUndefined();
    // Flipping the last byte of the IV-equivalent block changes the padding byte.
    const tampered = ct.slice();
    const ivTampered = iv.slice();
    ivTampered[7]! ^= 0x10;
    expect(cbcDecrypt(tdes, ivTampered, tampered)).toBeUndefined();
    // A block that decrypts to zero padding.
    const zero = cbcEncrypt(tdes, iv, new Uint8Array(8)).subarray(0, 8);
    expect(cbcDecrypt(tdes, iv, zero)).toBeUndefined();
  });
});

describe.skipIf(!hasTool('openssl'))('cross-check against OpenSSL', () => {
  it('3-key and 2-key 3DES-CBC and single DES-CBC match `openssl enc` for random inputs', () => {
    const tmp = tempDir();
    try {
      fc.assert(
        fc.property(
          fc.uint8Array({ minLength: 24, maxLength: 24 }),
          fc.uint8Array({ minLength: 8, maxLength: 8 }),
          fc.uint8Array({ maxLength: 70 }),
          (key, iv, data) => {
            const input = tmp.write('in.bin', data);
            const run = (cipher: string, k: Uint8Array, legacy = false): string => {
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
                ...(legacy ? ['-provider', 'legacy', '-provider', 'default'] : []),
              ]);
              expect(r.status, r.stderr).toBe(0);
              return toHex(fromBase64(r.stdout.trim()));
            };
            const enc = (c: ReturnType<typeof createDes>) => toHex(cbcEncrypt(c, iv, data));
            expect(enc(createTripleDes(key))).toBe(run('des-ede3-cbc', key));
            expect(enc(createTripleDes(key.subarray(0, 16)))).toBe(run('des-ede-cbc', key.subarray(0, 16)));
            expect(enc(createDes(key.subarray(0, 8)))).toBe(run('des-cbc', key.subarray(0, 8), true));
          },
        ),
        { numRuns: 6 },
      );
    } finally {
      tmp.dispose();
    }
  });
});
