/**
 * DES (FIPS 46-3) and Triple-DES EDE (NIST SP 800-67), needed to open and write legacy PKCS#12
 * files (pbeWithSHAAnd3-KeyTripleDES-CBC, RFC 7292 Appendix C). WebCrypto has no DES, so this is a
 * small, table-driven implementation: the S-boxes and the P permutation are merged into eight
 * 64-entry "SP" tables and IP/FP use byte-indexed lookup tables, all built on first use from the
 * standard's tables below (nothing runs at import time).
 *
 * Bit numbering follows FIPS 46-3: bit 1 is the most significant bit of the first byte.
 *
 * DES is obsolete. It is here only for reading and producing files that old clients (NCA
 * keystores, Java < 8u301, Windows < 2019) understand. Like every table-driven software DES, its
 * lookups are indexed by key-dependent data: fine for opening a local file, not for serving as a
 * remote decryption oracle.
 */
import { PkiError } from '../errors.js';
import type { BlockCipher } from './block-cipher.js';

// FIPS 46-3 tables (1-based bit positions).
const IP = [
  58, 50, 42, 34, 26, 18, 10, 2, 60, 52, 44, 36, 28, 20, 12, 4, 62, 54, 46, 38, 30, 22, 14, 6, 64, 56, 48, 40,
  32, 24, 16, 8, 57, 49, 41, 33, 25, 17, 9, 1, 59, 51, 43, 35, 27, 19, 11, 3, 61, 53, 45, 37, 29, 21, 13, 5,
  63, 55, 47, 39, 31, 23, 15, 7,
];
const P = [
  16, 7, 20, 21, 29, 12, 28, 17, 1, 15, 23, 26, 5, 18, 31, 10, 2, 8, 24, 14, 32, 27, 3, 9, 19, 13, 30, 6, 22,
  11, 4, 25,
];
const PC1 = [
  57, 49, 41, 33, 25, 17, 9, 1, 58, 50, 42, 34, 26, 18, 10, 2, 59, 51, 43, 35, 27, 19, 11, 3, 60, 52, 44, 36,
  63, 55, 47, 39, 31, 23, 15, 7, 62, 54, 46, 38, 30, 22, 14, 6, 61, 53, 45, 37, 29, 21, 13, 5, 28, 20, 12, 4,
];
const PC2 = [
  14, 17, 11, 24, 1, 5, 3, 28, 15, 6, 21, 10, 23, 19, 12, 4, 26, 8, 16, 7, 27, 20, 13, 2, 41, 52, 31, 37, 47,
  55, 30, 40, 51, 45, 33, 48, 44, 49, 39, 56, 34, 53, 46, 42, 50, 36, 29, 32,
];
const SHIFTS = [1, 1, 2, 2, 2, 2, 2, 2, 1, 2, 2, 2, 2, 2, 2, 1];
// S1..S8, each 4 rows of 16.
const S = [
  [
    14, 4, 13, 1, 2, 15, 11, 8, 3, 10, 6, 12, 5, 9, 0, 7, 0, 15, 7, 4, 14, 2, 13, 1, 10, 6, 12, 11, 9, 5, 3,
    8, 4, 1, 14, 8, 13, 6, 2, 11, 15, 12, 9, 7, 3, 10, 5, 0, 15, 12, 8, 2, 4, 9, 1, 7, 5, 11, 3, 14, 10, 0, 6,
    13,
  ],
  [
    15, 1, 8, 14, 6, 11, 3, 4, 9, 7, 2, 13, 12, 0, 5, 10, 3, 13, 4, 7, 15, 2, 8, 14, 12, 0, 1, 10, 6, 9, 11,
    5, 0, 14, 7, 11, 10, 4, 13, 1, 5, 8, 12, 6, 9, 3, 2, 15, 13, 8, 10, 1, 3, 15, 4, 2, 11, 6, 7, 12, 0, 5,
    14, 9,
  ],
  [
    10, 0, 9, 14, 6, 3, 15, 5, 1, 13, 12, 7, 11, 4, 2, 8, 13, 7, 0, 9, 3, 4, 6, 10, 2, 8, 5, 14, 12, 11, 15,
    1, 13, 6, 4, 9, 8, 15, 3, 0, 11, 1, 2, 12, 5, 10, 14, 7, 1, 10, 13, 0, 6, 9, 8, 7, 4, 15, 14, 3, 11, 5, 2,
    12,
  ],
  [
    7, 13, 14, 3, 0, 6, 9, 10, 1, 2, 8, 5, 11, 12, 4, 15, 13, 8, 11, 5, 6, 15, 0, 3, 4, 7, 2, 12, 1, 10, 14,
    9, 10, 6, 9, 0, 12, 11, 7, 13, 15, 1, 3, 14, 5, 2, 8, 4, 3, 15, 0, 6, 10, 1, 13, 8, 9, 4, 5, 11, 12, 7, 2,
    14,
  ],
  [
    2, 12, 4, 1, 7, 10, 11, 6, 8, 5, 3, 15, 13, 0, 14, 9, 14, 11, 2, 12, 4, 7, 13, 1, 5, 0, 15, 10, 3, 9, 8,
    6, 4, 2, 1, 11, 10, 13, 7, 8, 15, 9, 12, 5, 6, 3, 0, 14, 11, 8, 12, 7, 1, 14, 2, 13, 6, 15, 0, 9, 10, 4,
    5, 3,
  ],
  [
    12, 1, 10, 15, 9, 2, 6, 8, 0, 13, 3, 4, 14, 7, 5, 11, 10, 15, 4, 2, 7, 12, 9, 5, 6, 1, 13, 14, 0, 11, 3,
    8, 9, 14, 15, 5, 2, 8, 12, 3, 7, 0, 4, 10, 1, 13, 11, 6, 4, 3, 2, 12, 9, 5, 15, 10, 11, 14, 1, 7, 6, 0, 8,
    13,
  ],
  [
    4, 11, 2, 14, 15, 0, 8, 13, 3, 12, 9, 7, 5, 10, 6, 1, 13, 0, 11, 7, 4, 9, 1, 10, 14, 3, 5, 12, 2, 15, 8,
    6, 1, 4, 11, 13, 12, 3, 7, 14, 10, 15, 6, 8, 0, 5, 9, 2, 6, 11, 13, 8, 1, 4, 10, 7, 9, 5, 0, 15, 14, 2, 3,
    12,
  ],
  [
    13, 2, 8, 4, 6, 15, 11, 1, 10, 9, 3, 14, 5, 0, 12, 7, 1, 15, 13, 8, 10, 3, 7, 4, 12, 5, 6, 11, 0, 14, 9,
    2, 7, 11, 4, 1, 9, 12, 14, 2, 0, 6, 10, 13, 15, 3, 5, 8, 2, 1, 14, 7, 4, 10, 8, 13, 15, 12, 9, 0, 3, 5, 6,
    11,
  ],
];

interface Tables {
  /** SP[i * 64 + x]: P(S_{i+1}(x) placed in nibble i), 32-bit. */
  sp: Int32Array;
  /** Byte-indexed lookup for IP: [(byteIndex * 256 + value) * 2] = high word, +1 = low word. */
  ip: Int32Array;
  /** The same for FP = IP⁻¹. */
  fp: Int32Array;
}
let tables: Tables | undefined;

/** Lookup tables that apply a 64-bit permutation (`perm[j-1]` = input bit for output bit j) per byte. */
function permutationTable(perm: readonly number[]): Int32Array {
  const outPosOf = new Array<number>(65);
  perm.forEach((inBit, j) => {
    outPosOf[inBit] = j + 1;
  });
  const t = new Int32Array(8 * 256 * 2);
  for (let byte = 0; byte < 8; byte++) {
    for (let value = 0; value < 256; value++) {
      let hi = 0;
      let lo = 0;
      for (let bit = 0; bit < 8; bit++) {
        if (!(value & (0x80 >> bit))) continue;
        const out = outPosOf[byte * 8 + bit + 1]!; // 1..64
        if (out <= 32) hi |= 1 << (32 - out);
        else lo |= 1 << (64 - out);
      }
      t[(byte * 256 + value) * 2] = hi;
      t[(byte * 256 + value) * 2 + 1] = lo;
    }
  }
  return t;
}

function getTables(): Tables {
  if (tables) return tables;
  const sp = new Int32Array(8 * 64);
  for (let i = 0; i < 8; i++) {
    for (let x = 0; x < 64; x++) {
      // Row from the outer bits (b1 b6), column from the inner four (b2..b5).
      const row = ((x >> 4) & 2) | (x & 1);
      const col = (x >> 1) & 0xf;
      const placed = S[i]![row * 16 + col]! << (28 - 4 * i);
      let out = 0;
      for (let j = 0; j < 32; j++) {
        if (placed & (1 << (32 - P[j]!))) out |= 1 << (31 - j);
      }
      sp[i * 64 + x] = out;
    }
  }
  const fpPerm = new Array<number>(64);
  IP.forEach((inBit, j) => {
    fpPerm[inBit - 1] = j + 1;
  });
  tables = { sp, ip: permutationTable(IP), fp: permutationTable(fpPerm) };
  return tables;
}

/** The 16 round keys of `key` (8 bytes), each as eight 6-bit groups. Parity bits are ignored. */
function keySchedule(key: Uint8Array, offset: number): Uint8Array {
  const bit = (n: number): number => (key[offset + ((n - 1) >> 3)]! >> (7 - ((n - 1) & 7))) & 1;
  const cd = PC1.map(bit); // 56 bits: C = cd[0..27], D = cd[28..55]
  const out = new Uint8Array(16 * 8);
  for (let round = 0; round < 16; round++) {
    for (let s = 0; s < SHIFTS[round]!; s++) {
      const c0 = cd[0]!;
      const d0 = cd[28]!;
      for (let i = 0; i < 27; i++) {
        cd[i] = cd[i + 1]!;
        cd[28 + i] = cd[29 + i]!;
      }
      cd[27] = c0;
      cd[55] = d0;
    }
    for (let g = 0; g < 8; g++) {
      let v = 0;
      for (let b = 0; b < 6; b++) v = (v << 1) | cd[PC2[g * 6 + b]! - 1]!;
      out[round * 8 + g] = v;
    }
  }
  return out;
}

/** Sixteen Feistel rounds over (l, r) with `keys`, forward or reversed; leaves the swapped result in `state`. */
function rounds(state: Int32Array, keys: Uint8Array, decrypt: boolean, sp: Int32Array): void {
  let l = state[0]!;
  let r = state[1]!;
  for (let n = 0; n < 16; n++) {
    const k = (decrypt ? 15 - n : n) * 8;
    // E(R) group i = rotr(R, 27 - 4i) & 0x3f (bits 4i .. 4i+5 of R, cyclically).
    const f =
      sp[(((r << 5) | (r >>> 27)) & 0x3f) ^ keys[k]!]! |
      sp[64 + (((r >>> 23) & 0x3f) ^ keys[k + 1]!)]! |
      sp[128 + (((r >>> 19) & 0x3f) ^ keys[k + 2]!)]! |
      sp[192 + (((r >>> 15) & 0x3f) ^ keys[k + 3]!)]! |
      sp[256 + (((r >>> 11) & 0x3f) ^ keys[k + 4]!)]! |
      sp[320 + (((r >>> 7) & 0x3f) ^ keys[k + 5]!)]! |
      sp[384 + (((r >>> 3) & 0x3f) ^ keys[k + 6]!)]! |
      sp[448 + ((((r << 1) | (r >>> 31)) & 0x3f) ^ keys[k + 7]!)]!;
    const t = r;
    r = l ^ f;
    l = t;
  }
  // Output of the last round is R16 L16 (no final swap).
  state[0] = r;
  state[1] = l;
}

function permute(table: Int32Array, data: Uint8Array, offset: number, state: Int32Array): void {
  let hi = 0;
  let lo = 0;
  for (let b = 0; b < 8; b++) {
    const i = (b * 256 + data[offset + b]!) * 2;
    hi |= table[i]!;
    lo |= table[i + 1]!;
  }
  state[0] = hi;
  state[1] = lo;
}

function permuteWords(table: Int32Array, state: Int32Array, data: Uint8Array, offset: number): void {
  const bytes = new Uint8Array(8);
  for (let i = 0; i < 4; i++) {
    bytes[i] = state[0]! >>> (24 - 8 * i);
    bytes[4 + i] = state[1]! >>> (24 - 8 * i);
  }
  permute(table, bytes, 0, state);
  for (let i = 0; i < 4; i++) {
    data[offset + i] = state[0]! >>> (24 - 8 * i);
    data[offset + 4 + i] = state[1]! >>> (24 - 8 * i);
  }
}

/**
 * Runs IP, then each (key schedule, decrypt?) stage's 16 rounds, then FP. Between stages FP and IP
 * cancel, which is why 3DES needs only one IP/FP pair.
 */
function process(stages: ReadonlyArray<[Uint8Array, boolean]>, data: Uint8Array, offset: number): void {
  const t = getTables();
  const state = new Int32Array(2);
  permute(t.ip, data, offset, state);
  for (const [keys, decrypt] of stages) rounds(state, keys, decrypt, t.sp);
  permuteWords(t.fp, state, data, offset);
}

/**
 * Single DES with an 8-byte key.
 * @throws {PkiError} `ERR_INVALID_ARGUMENT` when the key is not 8 bytes.
 */
export function createDes(key: Uint8Array): BlockCipher {
  if (key.length !== 8) throw new PkiError('ERR_INVALID_ARGUMENT', 'DES key must be 8 bytes');
  const k = keySchedule(key, 0);
  const enc: Array<[Uint8Array, boolean]> = [[k, false]];
  const dec: Array<[Uint8Array, boolean]> = [[k, true]];
  return {
    blockSize: 8,
    encryptBlock: (data, offset) => process(enc, data, offset),
    decryptBlock: (data, offset) => process(dec, data, offset),
  };
}

/**
 * Triple-DES EDE (SP 800-67): C = E_K3(D_K2(E_K1(P))). A 24-byte key is K1‖K2‖K3 (keying
 * option 1); a 16-byte key is K1‖K2 with K3 = K1 (keying option 2, used by
 * pbeWithSHAAnd2-KeyTripleDES-CBC).
 * @throws {PkiError} `ERR_INVALID_ARGUMENT` when the key is neither 16 nor 24 bytes.
 */
export function createTripleDes(key: Uint8Array): BlockCipher {
  if (key.length !== 24 && key.length !== 16) {
    throw new PkiError('ERR_INVALID_ARGUMENT', 'Triple-DES key must be 16 or 24 bytes');
  }
  const k1 = keySchedule(key, 0);
  const k2 = keySchedule(key, 8);
  const k3 = key.length === 24 ? keySchedule(key, 16) : k1;
  const enc: Array<[Uint8Array, boolean]> = [
    [k1, false],
    [k2, true],
    [k3, false],
  ];
  const dec: Array<[Uint8Array, boolean]> = [
    [k3, true],
    [k2, false],
    [k1, true],
  ];
  return {
    blockSize: 8,
    encryptBlock: (data, offset) => process(enc, data, offset),
    decryptBlock: (data, offset) => process(dec, data, offset),
  };
}
