/**
 * Streebog: the GOST R 34.11-2012 hash function (RFC 6986), 256- and 512-bit, the hash of the
 * NCA's GOST R 34.10-2015 signatures (docs/domain.md, "GOST generations and the KZ byte order").
 *
 * Hand-written because no maintained npm library implements it: @noble/hashes has no Streebog,
 * and the GOST packages on npm are unmaintained webpack bundles of one 2014 code base without
 * types. The hashers below follow @noble/hashes' `Hash` contract (`create`, `update`, `digest`,
 * `blockLen`, `outputLen`), so `hmac` and `pbkdf2` from @noble/hashes accept them as they are.
 *
 * Speed: the S (substitution), P (byte transposition) and L (linear map) steps of each round are
 * fused into 8 tables of 256 64-bit words, the method of the standard's reference code; each
 * 64-bit word is kept as two 32-bit halves (two `Int32Array` tables) so the hot loop stays in
 * small-integer arithmetic: the same LPS step on BigUint64Array lanes measured about 20x slower on
 * V8 (BigInt operations allocate). The 16 KiB of tables are built from the standard's Pi and A on
 * first use, not at import. `pnpm bench gost` prints MB/s next to crypto-gost-js.
 *
 * Byte order: RFC 6986 prints its vectors as big-endian numbers whose least significant byte is
 * the first byte of the message; the functions here take and return byte strings in memory order,
 * like every implementation (so the RFC's 512-bit hash of M1, printed `486f64c1…1b`, is the bytes
 * `1b54d01a…48` here).
 */

import { Hash, type Input, toBytes } from '@noble/hashes/utils';
import type { Gostr341194Hash } from './gostr3411-94.js';

/** Pi, the byte substitution of GOST R 34.11-2012 §5.1 (the same table as GOST R 34.12-2015). */
// biome-ignore format: a 16 x 16 table reads better than one value per line
const PI = [
  252, 238, 221, 17, 207, 110, 49, 22, 251, 196, 250, 218, 35, 197, 4, 77,
  233, 119, 240, 219, 147, 46, 153, 186, 23, 54, 241, 187, 20, 205, 95, 193,
  249, 24, 101, 90, 226, 92, 239, 33, 129, 28, 60, 66, 139, 1, 142, 79,
  5, 132, 2, 174, 227, 106, 143, 160, 6, 11, 237, 152, 127, 212, 211, 31,
  235, 52, 44, 81, 234, 200, 72, 171, 242, 42, 104, 162, 253, 58, 206, 204,
  181, 112, 14, 86, 8, 12, 118, 18, 191, 114, 19, 71, 156, 183, 93, 135,
  21, 161, 150, 41, 16, 123, 154, 199, 243, 145, 120, 111, 157, 158, 178, 177,
  50, 117, 25, 61, 255, 53, 138, 126, 109, 84, 198, 128, 195, 189, 13, 87,
  223, 245, 36, 169, 62, 168, 67, 201, 215, 121, 214, 246, 124, 34, 185, 3,
  224, 15, 236, 222, 122, 148, 176, 188, 220, 232, 40, 80, 78, 51, 10, 74,
  167, 151, 96, 115, 30, 0, 98, 68, 26, 184, 56, 130, 100, 159, 38, 65,
  173, 69, 70, 146, 39, 94, 85, 47, 140, 163, 165, 125, 105, 213, 149, 59,
  7, 88, 179, 64, 134, 172, 29, 247, 48, 55, 107, 228, 136, 217, 231, 137,
  225, 27, 131, 73, 76, 63, 248, 254, 141, 83, 170, 144, 202, 216, 133, 97,
  32, 113, 103, 164, 45, 43, 9, 91, 203, 155, 37, 208, 190, 229, 108, 82,
  89, 166, 116, 210, 230, 244, 180, 192, 209, 102, 175, 194, 57, 75, 99, 182,
];

/** The 64 rows of the matrix A of the linear map l (RFC 6986 §6.4), row 0 first. */
// biome-ignore format: four rows per line, as printed in the RFC
const A = [
  '8e20faa72ba0b470', '47107ddd9b505a38', 'ad08b0e0c3282d1c', 'd8045870ef14980e',
  '6c022c38f90a4c07', '3601161cf205268d', '1b8e0b0e798c13c8', '83478b07b2468764',
  'a011d380818e8f40', '5086e740ce47c920', '2843fd2067adea10', '14aff010bdd87508',
  '0ad97808d06cb404', '05e23c0468365a02', '8c711e02341b2d01', '46b60f011a83988e',
  '90dab52a387ae76f', '486dd4151c3dfdb9', '24b86a840e90f0d2', '125c354207487869',
  '092e94218d243cba', '8a174a9ec8121e5d', '4585254f64090fa0', 'accc9ca9328a8950',
  '9d4df05d5f661451', 'c0a878a0a1330aa6', '60543c50de970553', '302a1e286fc58ca7',
  '18150f14b9ec46dd', '0c84890ad27623e0', '0642ca05693b9f70', '0321658cba93c138',
  '86275df09ce8aaa8', '439da0784e745554', 'afc0503c273aa42a', 'd960281e9d1d5215',
  'e230140fc0802984', '71180a8960409a42', 'b60c05ca30204d21', '5b068c651810a89e',
  '456c34887a3805b9', 'ac361a443d1c8cd2', '561b0d22900e4669', '2b838811480723ba',
  '9bcf4486248d9f5d', 'c3e9224312c8c1a0', 'effa11af0964ee50', 'f97d86d98a327728',
  'e4fa2054a80b329c', '727d102a548b194e', '39b008152acb8227', '9258048415eb419d',
  '492c024284fbaec0', 'aa16012142f35760', '550b8e9e21f7a530', 'a48b474f9ef5dc18',
  '70a6a56e2440598e', '3853dc371220a247', '1ca76e95091051ad', '0edd37c48a08a6d8',
  '07e095624504536c', '8d70c431ac02a736', 'c83862965601dd1b', '641c314b2b8ee083',
];

/** The 12 round constants C1..C12 (RFC 6986 §6.5), printed as big-endian 512-bit numbers. */
const C = [
  'b1085bda1ecadae9ebcb2f81c0657c1f2f6a76432e45d016714eb88d7585c4fc4b7ce09192676901a2422a08a460d31505767436cc744d23dd806559f2a64507',
  '6fa3b58aa99d2f1a4fe39d460f70b5d7f3feea720a232b9861d55e0f16b501319ab5176b12d699585cb561c2db0aa7ca55dda21bd7cbcd56e679047021b19bb7',
  'f574dcac2bce2fc70a39fc286a3d843506f15e5f529c1f8bf2ea7514b1297b7bd3e20fe490359eb1c1c93a376062db09c2b6f443867adb31991e96f50aba0ab2',
  'ef1fdfb3e81566d2f948e1a05d71e4dd488e857e335c3c7d9d721cad685e353fa9d72c82ed03d675d8b71333935203be3453eaa193e837f1220cbebc84e3d12e',
  '4bea6bacad4747999a3f410c6ca923637f151c1f1686104a359e35d7800fffbdbfcd1747253af5a3dfff00b723271a167a56a27ea9ea63f5601758fd7c6cfe57',
  'ae4faeae1d3ad3d96fa4c33b7a3039c02d66c4f95142a46c187f9ab49af08ec6cffaa6b71c9ab7b40af21f66c2bec6b6bf71c57236904f35fa68407a46647d6e',
  'f4c70e16eeaac5ec51ac86febf240954399ec6c7e6bf87c9d3473e33197a93c90992abc52d822c3706476983284a05043517454ca23c4af38886564d3a14d493',
  '9b1f5b424d93c9a703e7aa020c6e41414eb7f8719c36de1e89b4443b4ddbc49af4892bcb929b069069d18d2bd1a5c42f36acc2355951a8d9a47f0dd4bf02e71e',
  '378f5a541631229b944c9ad8ec165fde3a7d3a1b258942243cd955b7e00d0984800a440bdbb2ceb17b2b8a9aa6079c540e38dc92cb1f2a607261445183235adb',
  'abbedea680056f52382ae548b2e4f3f38941e71cff8a78db1fffe18a1b3361039fe76702af69334b7a1e6c303b7652f43698fad1153bb6c374b4c7fb98459ced',
  '7bcd9ed0efc889fb3002c6cd635afe94d8fa6bbbebab076120018021148466798a1d71efea48b9caefbacd1d7d476e98dea2594ac06fd85d6bcaa4cd81f32d1b',
  '378ee767f11631bad21380b00449b17acda43c32bcdf1d77f82012d430219f9b5d80ef9d1891cc86e71da4aa88e12852faf417d5d9b21b9948bc924af11bd720',
];

/**
 * A 512-bit value as 8 little-endian 64-bit words, each as [low 32 bits, high 32 bits]:
 * index 2i is the low half of word i (bytes 8i..8i+3 in memory), 2i+1 its high half.
 */
type Block = Int32Array;

interface Tables {
  /** LPS table, low halves: entry (j << 8) | b = low 32 bits of l(Pi[b] placed at byte j). */
  lo: Int32Array;
  /** LPS table, high halves. */
  hi: Int32Array;
  /** The 12 round constants as blocks. */
  c: Block[];
  /** The zero block (N for the two final compressions). */
  zero: Block;
}

let cached: Tables | undefined;

function tables(): Tables {
  if (cached) return cached;
  const aLo = new Int32Array(64);
  const aHi = new Int32Array(64);
  for (let i = 0; i < 64; i++) {
    const row = A[i]!;
    aHi[i] = Number.parseInt(row.slice(0, 8), 16) | 0;
    aLo[i] = Number.parseInt(row.slice(8), 16) | 0;
  }
  const tLo = new Int32Array(8 * 256);
  const tHi = new Int32Array(8 * 256);
  for (let j = 0; j < 8; j++) {
    for (let b = 0; b < 256; b++) {
      const v = PI[b]!;
      let lo = 0;
      let hi = 0;
      // l(a63..a0) = XOR of A[63 - k] over the set bits a_k (RFC 6986 §6.4); Pi[b] sits at bits 8j..8j+7.
      for (let bit = 0; bit < 8; bit++) {
        if ((v >>> bit) & 1) {
          const row = 63 - (8 * j + bit);
          lo ^= aLo[row]!;
          hi ^= aHi[row]!;
        }
      }
      tLo[(j << 8) | b] = lo;
      tHi[(j << 8) | b] = hi;
    }
  }
  const c = C.map((hex) => {
    const block = new Int32Array(16);
    // Word i of a big-endian printed number is its (i+1)-th 64-bit group from the right.
    for (let i = 0; i < 8; i++) {
      const word = hex.slice(128 - 16 * (i + 1), 128 - 16 * i);
      block[2 * i + 1] = Number.parseInt(word.slice(0, 8), 16) | 0;
      block[2 * i] = Number.parseInt(word.slice(8), 16) | 0;
    }
    return block;
  });
  cached = { lo: tLo, hi: tHi, c, zero: new Int32Array(16) };
  return cached;
}

/**
 * out = LPS(a XOR b). Word i of the result is XOR over j of T[j][byte i of word j]: P moves byte i
 * of word j to byte j of word i, S and L are in the table. `out` may be `a` or `b`.
 */
function xlps(L: Int32Array, H: Int32Array, a: Block, b: Block, out: Block): void {
  const r0 = a[0]! ^ b[0]!;
  const r1 = a[1]! ^ b[1]!;
  const r2 = a[2]! ^ b[2]!;
  const r3 = a[3]! ^ b[3]!;
  const r4 = a[4]! ^ b[4]!;
  const r5 = a[5]! ^ b[5]!;
  const r6 = a[6]! ^ b[6]!;
  const r7 = a[7]! ^ b[7]!;
  const r8 = a[8]! ^ b[8]!;
  const r9 = a[9]! ^ b[9]!;
  const r10 = a[10]! ^ b[10]!;
  const r11 = a[11]! ^ b[11]!;
  const r12 = a[12]! ^ b[12]!;
  const r13 = a[13]! ^ b[13]!;
  const r14 = a[14]! ^ b[14]!;
  const r15 = a[15]! ^ b[15]!;
  // Bytes 0..3 of each word come from the low halves, bytes 4..7 from the high halves (unrolled so
  // that every shift is a constant).
  {
    const k0 = r0 & 255;
    const k1 = 256 | (r2 & 255);
    const k2 = 512 | (r4 & 255);
    const k3 = 768 | (r6 & 255);
    const k4 = 1024 | (r8 & 255);
    const k5 = 1280 | (r10 & 255);
    const k6 = 1536 | (r12 & 255);
    const k7 = 1792 | (r14 & 255);
    out[0] = L[k0]! ^ L[k1]! ^ L[k2]! ^ L[k3]! ^ L[k4]! ^ L[k5]! ^ L[k6]! ^ L[k7]!;
    out[1] = H[k0]! ^ H[k1]! ^ H[k2]! ^ H[k3]! ^ H[k4]! ^ H[k5]! ^ H[k6]! ^ H[k7]!;
  }
  {
    const k0 = (r0 >>> 8) & 255;
    const k1 = 256 | ((r2 >>> 8) & 255);
    const k2 = 512 | ((r4 >>> 8) & 255);
    const k3 = 768 | ((r6 >>> 8) & 255);
    const k4 = 1024 | ((r8 >>> 8) & 255);
    const k5 = 1280 | ((r10 >>> 8) & 255);
    const k6 = 1536 | ((r12 >>> 8) & 255);
    const k7 = 1792 | ((r14 >>> 8) & 255);
    out[2] = L[k0]! ^ L[k1]! ^ L[k2]! ^ L[k3]! ^ L[k4]! ^ L[k5]! ^ L[k6]! ^ L[k7]!;
    out[3] = H[k0]! ^ H[k1]! ^ H[k2]! ^ H[k3]! ^ H[k4]! ^ H[k5]! ^ H[k6]! ^ H[k7]!;
  }
  {
    const k0 = (r0 >>> 16) & 255;
    const k1 = 256 | ((r2 >>> 16) & 255);
    const k2 = 512 | ((r4 >>> 16) & 255);
    const k3 = 768 | ((r6 >>> 16) & 255);
    const k4 = 1024 | ((r8 >>> 16) & 255);
    const k5 = 1280 | ((r10 >>> 16) & 255);
    const k6 = 1536 | ((r12 >>> 16) & 255);
    const k7 = 1792 | ((r14 >>> 16) & 255);
    out[4] = L[k0]! ^ L[k1]! ^ L[k2]! ^ L[k3]! ^ L[k4]! ^ L[k5]! ^ L[k6]! ^ L[k7]!;
    out[5] = H[k0]! ^ H[k1]! ^ H[k2]! ^ H[k3]! ^ H[k4]! ^ H[k5]! ^ H[k6]! ^ H[k7]!;
  }
  {
    const k0 = r0 >>> 24;
    const k1 = 256 | (r2 >>> 24);
    const k2 = 512 | (r4 >>> 24);
    const k3 = 768 | (r6 >>> 24);
    const k4 = 1024 | (r8 >>> 24);
    const k5 = 1280 | (r10 >>> 24);
    const k6 = 1536 | (r12 >>> 24);
    const k7 = 1792 | (r14 >>> 24);
    out[6] = L[k0]! ^ L[k1]! ^ L[k2]! ^ L[k3]! ^ L[k4]! ^ L[k5]! ^ L[k6]! ^ L[k7]!;
    out[7] = H[k0]! ^ H[k1]! ^ H[k2]! ^ H[k3]! ^ H[k4]! ^ H[k5]! ^ H[k6]! ^ H[k7]!;
  }
  {
    const k0 = r1 & 255;
    const k1 = 256 | (r3 & 255);
    const k2 = 512 | (r5 & 255);
    const k3 = 768 | (r7 & 255);
    const k4 = 1024 | (r9 & 255);
    const k5 = 1280 | (r11 & 255);
    const k6 = 1536 | (r13 & 255);
    const k7 = 1792 | (r15 & 255);
    out[8] = L[k0]! ^ L[k1]! ^ L[k2]! ^ L[k3]! ^ L[k4]! ^ L[k5]! ^ L[k6]! ^ L[k7]!;
    out[9] = H[k0]! ^ H[k1]! ^ H[k2]! ^ H[k3]! ^ H[k4]! ^ H[k5]! ^ H[k6]! ^ H[k7]!;
  }
  {
    const k0 = (r1 >>> 8) & 255;
    const k1 = 256 | ((r3 >>> 8) & 255);
    const k2 = 512 | ((r5 >>> 8) & 255);
    const k3 = 768 | ((r7 >>> 8) & 255);
    const k4 = 1024 | ((r9 >>> 8) & 255);
    const k5 = 1280 | ((r11 >>> 8) & 255);
    const k6 = 1536 | ((r13 >>> 8) & 255);
    const k7 = 1792 | ((r15 >>> 8) & 255);
    out[10] = L[k0]! ^ L[k1]! ^ L[k2]! ^ L[k3]! ^ L[k4]! ^ L[k5]! ^ L[k6]! ^ L[k7]!;
    out[11] = H[k0]! ^ H[k1]! ^ H[k2]! ^ H[k3]! ^ H[k4]! ^ H[k5]! ^ H[k6]! ^ H[k7]!;
  }
  {
    const k0 = (r1 >>> 16) & 255;
    const k1 = 256 | ((r3 >>> 16) & 255);
    const k2 = 512 | ((r5 >>> 16) & 255);
    const k3 = 768 | ((r7 >>> 16) & 255);
    const k4 = 1024 | ((r9 >>> 16) & 255);
    const k5 = 1280 | ((r11 >>> 16) & 255);
    const k6 = 1536 | ((r13 >>> 16) & 255);
    const k7 = 1792 | ((r15 >>> 16) & 255);
    out[12] = L[k0]! ^ L[k1]! ^ L[k2]! ^ L[k3]! ^ L[k4]! ^ L[k5]! ^ L[k6]! ^ L[k7]!;
    out[13] = H[k0]! ^ H[k1]! ^ H[k2]! ^ H[k3]! ^ H[k4]! ^ H[k5]! ^ H[k6]! ^ H[k7]!;
  }
  {
    const k0 = r1 >>> 24;
    const k1 = 256 | (r3 >>> 24);
    const k2 = 512 | (r5 >>> 24);
    const k3 = 768 | (r7 >>> 24);
    const k4 = 1024 | (r9 >>> 24);
    const k5 = 1280 | (r11 >>> 24);
    const k6 = 1536 | (r13 >>> 24);
    const k7 = 1792 | (r15 >>> 24);
    out[14] = L[k0]! ^ L[k1]! ^ L[k2]! ^ L[k3]! ^ L[k4]! ^ L[k5]! ^ L[k6]! ^ L[k7]!;
    out[15] = H[k0]! ^ H[k1]! ^ H[k2]! ^ H[k3]! ^ H[k4]! ^ H[k5]! ^ H[k6]! ^ H[k7]!;
  }
}

/** x += y mod 2^512. */
function add512(x: Block, y: Block): void {
  let carry = 0;
  for (let i = 0; i < 16; i++) {
    const s = (x[i]! >>> 0) + (y[i]! >>> 0) + carry;
    x[i] = s | 0;
    carry = s > 0xffffffff ? 1 : 0;
  }
}

/** x += n mod 2^512, for a small non-negative n (a bit count below 2^32). */
function addSmall(x: Block, n: number): void {
  let carry = n;
  for (let i = 0; i < 16 && carry !== 0; i++) {
    const s = (x[i]! >>> 0) + carry;
    x[i] = s | 0;
    carry = s > 0xffffffff ? 1 : 0;
  }
}

/** Reads 64 bytes at `offset` as a block (little-endian words). */
function loadBlock(bytes: Uint8Array, offset: number, out: Block): void {
  for (let i = 0; i < 16; i++) {
    const o = offset + 4 * i;
    out[i] = bytes[o]! | (bytes[o + 1]! << 8) | (bytes[o + 2]! << 16) | (bytes[o + 3]! << 24);
  }
}

/**
 * The compression function g_N(h, m) = E(LPS(h ^ N), m) ^ h ^ m (RFC 6986 §7), where E runs 12
 * rounds X[K_i] then LPS, with round keys K_{i+1} = LPS(K_i ^ C_i), and a final X[K_13].
 */
function compress(t: Tables, h: Block, n: Block, m: Block, k: Block, s: Block): void {
  const L = t.lo;
  const H = t.hi;
  const c = t.c;
  xlps(L, H, h, n, k); // K1
  xlps(L, H, k, m, s); // round 1
  for (let i = 0; i < 11; i++) {
    xlps(L, H, k, c[i]!, k);
    xlps(L, H, s, k, s);
  }
  xlps(L, H, k, c[11]!, k); // K13
  for (let i = 0; i < 16; i++) h[i] = h[i]! ^ s[i]! ^ k[i]! ^ m[i]!;
}

/**
 * Incremental Streebog hasher (a @noble/hashes `Hash`). Use {@link streebog256} or
 * {@link streebog512} (`.create()` for streaming) rather than the class.
 * @example
 * ```ts
 * const h = new StreebogHash(64); // = streebog512.create()
 * h.update(chunk1).update(chunk2);
 * const digest = h.digest();
 * ```
 */
export class StreebogHash extends Hash<StreebogHash> {
  readonly blockLen = 64;
  readonly outputLen: number;
  private readonly h: Block = new Int32Array(16);
  private readonly n: Block = new Int32Array(16);
  private readonly sigma: Block = new Int32Array(16);
  private readonly m: Block = new Int32Array(16);
  private readonly k: Block = new Int32Array(16);
  private readonly s: Block = new Int32Array(16);
  private readonly buffer = new Uint8Array(64);
  private pos = 0;
  private finished = false;
  private destroyed = false;

  /** @param outputLen 32 (Streebog-256, IV = 0x01 bytes) or 64 (Streebog-512, IV = 0). */
  constructor(outputLen: 32 | 64) {
    super();
    if (outputLen !== 32 && outputLen !== 64) throw new RangeError('Streebog output is 32 or 64 bytes');
    this.outputLen = outputLen;
    if (outputLen === 32) this.h.fill(0x01010101);
  }

  private block(bytes: Uint8Array, offset: number): void {
    const t = tables();
    loadBlock(bytes, offset, this.m);
    compress(t, this.h, this.n, this.m, this.k, this.s);
    addSmall(this.n, 512);
    add512(this.sigma, this.m);
  }

  update(data: Input): this {
    if (this.destroyed) throw new Error('Hash instance has been destroyed');
    if (this.finished) throw new Error('Hash#digest() has already been called');
    const bytes = toBytes(data);
    const len = bytes.length;
    let off = 0;
    if (this.pos > 0) {
      const take = Math.min(64 - this.pos, len);
      this.buffer.set(bytes.subarray(0, take), this.pos);
      this.pos += take;
      off = take;
      if (this.pos < 64) return this;
      this.block(this.buffer, 0);
      this.pos = 0;
    }
    while (len - off >= 64) {
      this.block(bytes, off);
      off += 64;
    }
    if (off < len) {
      this.buffer.set(bytes.subarray(off), 0);
      this.pos = len - off;
    }
    return this;
  }

  digestInto(out: Uint8Array): void {
    if (this.destroyed) throw new Error('Hash instance has been destroyed');
    if (this.finished) throw new Error('Hash#digest() has already been called');
    if (!(out instanceof Uint8Array) || out.length < this.outputLen) throw new RangeError('output too short');
    this.finished = true;
    const t = tables();
    // Last (possibly empty) block: the remaining bytes, then 0x01, then zeros (RFC 6986 §8.3).
    const rest = this.pos;
    this.buffer.fill(0, rest);
    this.buffer[rest] = 0x01;
    loadBlock(this.buffer, 0, this.m);
    compress(t, this.h, this.n, this.m, this.k, this.s);
    addSmall(this.n, rest * 8);
    add512(this.sigma, this.m);
    compress(t, this.h, t.zero, this.n, this.k, this.s);
    compress(t, this.h, t.zero, this.sigma, this.k, this.s);
    // Streebog-256 is the most significant half of the final state: words 4..7.
    const from = this.outputLen === 32 ? 8 : 0;
    for (let i = 0; i < this.outputLen / 4; i++) {
      const w = this.h[from + i]!;
      out[4 * i] = w & 255;
      out[4 * i + 1] = (w >>> 8) & 255;
      out[4 * i + 2] = (w >>> 16) & 255;
      out[4 * i + 3] = (w >>> 24) & 255;
    }
    this.wipe();
  }

  digest(): Uint8Array {
    const out = new Uint8Array(this.outputLen);
    this.digestInto(out);
    return out;
  }

  destroy(): void {
    this.destroyed = true;
    this.wipe();
  }

  private wipe(): void {
    this.buffer.fill(0);
    this.m.fill(0);
    this.k.fill(0);
    this.s.fill(0);
    this.sigma.fill(0);
    this.h.fill(0);
  }

  _cloneInto(to?: StreebogHash): StreebogHash {
    const target = to ?? new StreebogHash(this.outputLen as 32 | 64);
    if (target.outputLen !== this.outputLen)
      throw new RangeError('cannot clone into a hasher of another size');
    target.h.set(this.h);
    target.n.set(this.n);
    target.sigma.set(this.sigma);
    target.buffer.set(this.buffer);
    target.pos = this.pos;
    target.finished = this.finished;
    target.destroyed = this.destroyed;
    return target;
  }

  clone(): StreebogHash {
    return this._cloneInto();
  }
}

/** A hash function in the shape of @noble/hashes' `CHash`: call it, or `.create()` to stream. */
export interface GostHashFunction {
  (message: Input): Uint8Array;
  readonly outputLen: number;
  readonly blockLen: number;
  /** A new incremental hasher. */
  create(): StreebogHash | Gostr341194Hash;
}

function hasher(outputLen: 32 | 64): GostHashFunction {
  const fn = (message: Input) => new StreebogHash(outputLen).update(message).digest();
  return Object.assign(fn, { outputLen, blockLen: 64, create: () => new StreebogHash(outputLen) });
}

/**
 * Streebog-256 (GOST R 34.11-2012, 256-bit output; KZ digest OID 1.2.398.3.10.1.3.2).
 * Strings are hashed as UTF-8.
 *
 * @example
 * ```ts
 * import { streebog256 } from '@kzpki/pki';
 * const m1 = new TextEncoder().encode('012345678901234567890123456789012345678901234567890123456789012');
 * const digest = streebog256(m1); // 9d151eef…5500 (RFC 6986 §10.1.2 prints it byte-reversed)
 * const h = streebog256.create();
 * h.update(part1).update(part2);
 * const same = h.digest();
 * ```
 */
export const streebog256: GostHashFunction = /* @__PURE__ */ hasher(32);

/**
 * Streebog-512 (GOST R 34.11-2012, 512-bit output; KZ digest OID 1.2.398.3.10.1.3.3), the hash of
 * the NCA's GOST R 34.10-2015 signatures. Strings are hashed as UTF-8.
 *
 * @example
 * ```ts
 * import { streebog512 } from '@kzpki/pki';
 * import { hmac } from '@noble/hashes/hmac';
 * const digest = streebog512(tbsBytes); // 64 bytes
 * const mac = hmac(streebog512, key, message); // HMAC_GOSTR3411_2012_512 (RFC 7836 §4.1.1)
 * ```
 */
export const streebog512: GostHashFunction = /* @__PURE__ */ hasher(64);
