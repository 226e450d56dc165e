/**
 * GOST R 34.11-94 hash with the test parameter set (the "test S-box" of GOST R 34.11-94's
 * appendix, `id-GostR3411-94-TestParamSet`, and a zero starting vector): the hash of the NCA's
 * GOST 34.310-2004 signatures (docs/domain.md, "GOST generations and the KZ byte order"; the
 * CryptoPro S-box does not verify them).
 *
 * Hand-written because no maintained npm library implements it (@noble/hashes has no GOST hash;
 * the GOST packages on npm are unmaintained bundles). The hasher follows @noble/hashes' `Hash`
 * contract, like {@link streebog256}.
 *
 * The step function (GOST R 34.11-94 §6-7) encrypts the four 64-bit quarters of H with
 * GOST 28147-89 under keys derived from H and the message block, then mixes with the ψ
 * shift register. All values are byte strings in memory order (little-endian numbers), as in
 * every implementation; the standard prints them as big-endian numbers.
 */

import { Hash, type Input, toBytes } from '@noble/hashes/utils';
import type { GostHashFunction } from './streebog.js';

/** The test S-box K1..K8 (K1 substitutes the least significant nibble). */
// biome-ignore format: one S-box per line
const TEST_SBOX = [
  [4, 10, 9, 2, 13, 8, 0, 14, 6, 11, 1, 12, 7, 15, 5, 3],
  [14, 11, 4, 12, 6, 13, 15, 10, 2, 3, 8, 1, 0, 7, 5, 9],
  [5, 8, 1, 13, 10, 3, 4, 2, 14, 15, 12, 7, 6, 0, 9, 11],
  [7, 13, 10, 1, 0, 8, 9, 15, 14, 4, 6, 12, 11, 2, 5, 3],
  [6, 12, 7, 1, 5, 15, 13, 8, 4, 10, 9, 14, 0, 3, 11, 2],
  [4, 11, 10, 0, 7, 2, 1, 13, 3, 6, 8, 5, 9, 12, 15, 14],
  [13, 11, 4, 1, 3, 15, 5, 9, 0, 10, 14, 7, 6, 8, 2, 12],
  [1, 15, 13, 0, 5, 7, 10, 4, 9, 2, 3, 14, 6, 11, 8, 12],
];

/** C3 of the key generation (C2 = C4 = 0), printed big-endian in the standard. */
const C3_HEX = 'ff00ffff000000ffff0000ff00ffff0000ff00ff00ff00ffff00ff00ff00ff00';

interface Tables {
  /** f(x) = T0[x & 255] ^ T1[(x >>> 8) & 255] ^ T2[(x >>> 16) & 255] ^ T3[x >>> 24] (S-box, <<< 11). */
  t0: Int32Array;
  t1: Int32Array;
  t2: Int32Array;
  t3: Int32Array;
  /** C3 in memory order. */
  c3: Uint8Array;
}

let cached: Tables | undefined;

function tables(): Tables {
  if (cached) return cached;
  const t = [0, 1, 2, 3].map((i) => {
    const out = new Int32Array(256);
    const lo = TEST_SBOX[2 * i]!;
    const hi = TEST_SBOX[2 * i + 1]!;
    for (let b = 0; b < 256; b++) {
      const v = ((hi[b >>> 4]! << 4) | lo[b & 15]!) << (8 * i);
      out[b] = (v << 11) | (v >>> 21);
    }
    return out;
  }) as [Int32Array, Int32Array, Int32Array, Int32Array];
  const c3 = new Uint8Array(32);
  for (let i = 0; i < 32; i++) c3[31 - i] = Number.parseInt(C3_HEX.slice(2 * i, 2 * i + 2), 16);
  cached = { t0: t[0], t1: t[1], t2: t[2], t3: t[3], c3 };
  return cached;
}

function word(b: Uint8Array, o: number): number {
  return b[o]! | (b[o + 1]! << 8) | (b[o + 2]! << 16) | (b[o + 3]! << 24);
}

function putWord(b: Uint8Array, o: number, v: number): void {
  b[o] = v & 255;
  b[o + 1] = (v >>> 8) & 255;
  b[o + 2] = (v >>> 16) & 255;
  b[o + 3] = (v >>> 24) & 255;
}

/** GOST 28147-89 encryption (simple substitution mode) of the 8 bytes at `src[so]` into `dst[do_]`. */
function encrypt(
  t: Tables,
  key: Uint8Array,
  src: Uint8Array,
  so: number,
  dst: Uint8Array,
  dstOff: number,
): void {
  const { t0, t1, t2, t3 } = t;
  const k0 = word(key, 0);
  const k1 = word(key, 4);
  const k2 = word(key, 8);
  const k3 = word(key, 12);
  const k4 = word(key, 16);
  const k5 = word(key, 20);
  const k6 = word(key, 24);
  const k7 = word(key, 28);
  let r = word(src, so); // N1
  let l = word(src, so + 4); // N2
  let x: number;
  // Rounds use k0..k7 three times, then k7..k0 (GOST 28147-89 §2); two rounds per line.
  for (let i = 0; i < 3; i++) {
    x = (r + k0) | 0;
    l ^= t0[x & 255]! ^ t1[(x >>> 8) & 255]! ^ t2[(x >>> 16) & 255]! ^ t3[x >>> 24]!;
    x = (l + k1) | 0;
    r ^= t0[x & 255]! ^ t1[(x >>> 8) & 255]! ^ t2[(x >>> 16) & 255]! ^ t3[x >>> 24]!;
    x = (r + k2) | 0;
    l ^= t0[x & 255]! ^ t1[(x >>> 8) & 255]! ^ t2[(x >>> 16) & 255]! ^ t3[x >>> 24]!;
    x = (l + k3) | 0;
    r ^= t0[x & 255]! ^ t1[(x >>> 8) & 255]! ^ t2[(x >>> 16) & 255]! ^ t3[x >>> 24]!;
    x = (r + k4) | 0;
    l ^= t0[x & 255]! ^ t1[(x >>> 8) & 255]! ^ t2[(x >>> 16) & 255]! ^ t3[x >>> 24]!;
    x = (l + k5) | 0;
    r ^= t0[x & 255]! ^ t1[(x >>> 8) & 255]! ^ t2[(x >>> 16) & 255]! ^ t3[x >>> 24]!;
    x = (r + k6) | 0;
    l ^= t0[x & 255]! ^ t1[(x >>> 8) & 255]! ^ t2[(x >>> 16) & 255]! ^ t3[x >>> 24]!;
    x = (l + k7) | 0;
    r ^= t0[x & 255]! ^ t1[(x >>> 8) & 255]! ^ t2[(x >>> 16) & 255]! ^ t3[x >>> 24]!;
  }
  x = (r + k7) | 0;
  l ^= t0[x & 255]! ^ t1[(x >>> 8) & 255]! ^ t2[(x >>> 16) & 255]! ^ t3[x >>> 24]!;
  x = (l + k6) | 0;
  r ^= t0[x & 255]! ^ t1[(x >>> 8) & 255]! ^ t2[(x >>> 16) & 255]! ^ t3[x >>> 24]!;
  x = (r + k5) | 0;
  l ^= t0[x & 255]! ^ t1[(x >>> 8) & 255]! ^ t2[(x >>> 16) & 255]! ^ t3[x >>> 24]!;
  x = (l + k4) | 0;
  r ^= t0[x & 255]! ^ t1[(x >>> 8) & 255]! ^ t2[(x >>> 16) & 255]! ^ t3[x >>> 24]!;
  x = (r + k3) | 0;
  l ^= t0[x & 255]! ^ t1[(x >>> 8) & 255]! ^ t2[(x >>> 16) & 255]! ^ t3[x >>> 24]!;
  x = (l + k2) | 0;
  r ^= t0[x & 255]! ^ t1[(x >>> 8) & 255]! ^ t2[(x >>> 16) & 255]! ^ t3[x >>> 24]!;
  x = (r + k1) | 0;
  l ^= t0[x & 255]! ^ t1[(x >>> 8) & 255]! ^ t2[(x >>> 16) & 255]! ^ t3[x >>> 24]!;
  x = (l + k0) | 0;
  r ^= t0[x & 255]! ^ t1[(x >>> 8) & 255]! ^ t2[(x >>> 16) & 255]! ^ t3[x >>> 24]!;
  // The last round does not swap: the result is (N2, N1) of the loop above.
  putWord(dst, dstOff, l);
  putWord(dst, dstOff + 4, r);
}

/** P: byte transposition, out[i + 4k] = in[8i + k] (φ of GOST R 34.11-94 §6.2). */
function transpose(src: Uint8Array, out: Uint8Array): void {
  for (let i = 0; i < 4; i++) for (let k = 0; k < 8; k++) out[i + 4 * k] = src[8 * i + k]!;
}

/** A(y4||y3||y2||y1) = (y1 ^ y2)||y4||y3||y2 on 64-bit quarters, in place. */
function shiftA(y: Uint8Array): void {
  for (let i = 0; i < 8; i++) {
    const y1 = y[i]!;
    const y2 = y[8 + i]!;
    y[i] = y2;
    y[8 + i] = y[16 + i]!;
    y[16 + i] = y[24 + i]!;
    y[24 + i] = y1 ^ y2;
  }
}

/** ψ(y16||…||y1) = (y1 ^ y2 ^ y3 ^ y4 ^ y13 ^ y16)||y16||…||y2 on 16-bit words, `rounds` times, in place. */
function psi(y: Uint8Array, rounds: number): void {
  for (let n = 0; n < rounds; n++) {
    const lo = y[0]! ^ y[2]! ^ y[4]! ^ y[6]! ^ y[24]! ^ y[30]!;
    const hi = y[1]! ^ y[3]! ^ y[5]! ^ y[7]! ^ y[25]! ^ y[31]!;
    y.copyWithin(0, 2, 32);
    y[30] = lo;
    y[31] = hi;
  }
}

/** Scratch buffers of one hasher. */
interface Work {
  u: Uint8Array;
  v: Uint8Array;
  w: Uint8Array;
  key: Uint8Array;
  s: Uint8Array;
}

/** The step function f(H, M) of GOST R 34.11-94 §7, updating `h` in place. */
function step(t: Tables, h: Uint8Array, m: Uint8Array, mo: number, x: Work): void {
  const { u, v, w, key, s } = x;
  u.set(h);
  v.set(m.subarray(mo, mo + 32));
  for (let j = 0; j < 4; j++) {
    if (j > 0) {
      shiftA(u);
      if (j === 2) for (let i = 0; i < 32; i++) u[i] = u[i]! ^ t.c3[i]!;
      shiftA(v);
      shiftA(v);
    }
    for (let i = 0; i < 32; i++) w[i] = u[i]! ^ v[i]!;
    transpose(w, key);
    encrypt(t, key, h, 8 * j, s, 8 * j);
  }
  // H = ψ^61(H ^ ψ(M ^ ψ^12(S)))
  psi(s, 12);
  for (let i = 0; i < 32; i++) s[i] = s[i]! ^ m[mo + i]!;
  psi(s, 1);
  for (let i = 0; i < 32; i++) s[i] = s[i]! ^ h[i]!;
  psi(s, 61);
  h.set(s);
}

/** x += y mod 2^256, both little-endian byte strings. */
function add256(x: Uint8Array, y: Uint8Array, yo: number): void {
  let carry = 0;
  for (let i = 0; i < 32; i++) {
    const s = x[i]! + y[yo + i]! + carry;
    x[i] = s & 255;
    carry = s >>> 8;
  }
}

/**
 * Incremental GOST R 34.11-94 (test parameter set) hasher; use {@link gostr3411_94}.
 * @example
 * ```ts
 * const digest = gostr3411_94.create().update(part1).update(part2).digest();
 * ```
 */
export class Gostr341194Hash extends Hash<Gostr341194Hash> {
  readonly blockLen = 32;
  readonly outputLen = 32;
  private readonly h = new Uint8Array(32);
  private readonly sigma = new Uint8Array(32);
  private readonly length = new Uint8Array(32);
  private readonly buffer = new Uint8Array(32);
  private readonly work: Work = {
    u: new Uint8Array(32),
    v: new Uint8Array(32),
    w: new Uint8Array(32),
    key: new Uint8Array(32),
    s: new Uint8Array(32),
  };
  private pos = 0;
  /** Message length in bytes (a JS number: exact up to 2^53). */
  private total = 0;
  private finished = false;
  private destroyed = false;

  private block(bytes: Uint8Array, offset: number): void {
    step(tables(), this.h, bytes, offset, this.work);
    add256(this.sigma, bytes, offset);
  }

  update(data: Input): this {
    if (this.destroyed) throw new Error('Hash instance has been destroyed');
    if (this.finished) throw new Error('Hash#digest() has already been called');
    const bytes = toBytes(data);
    const len = bytes.length;
    this.total += len;
    let off = 0;
    if (this.pos > 0) {
      const take = Math.min(32 - this.pos, len);
      this.buffer.set(bytes.subarray(0, take), this.pos);
      this.pos += take;
      off = take;
      if (this.pos < 32) return this;
      this.block(this.buffer, 0);
      this.pos = 0;
    }
    while (len - off >= 32) {
      this.block(bytes, off);
      off += 32;
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
    if (!(out instanceof Uint8Array) || out.length < 32) throw new RangeError('output too short');
    this.finished = true;
    const t = tables();
    // A last partial block is padded with zero bytes; no block is added when none is left.
    if (this.pos > 0) {
      this.buffer.fill(0, this.pos);
      this.block(this.buffer, 0);
    }
    // L = message length in bits as a 256-bit little-endian number.
    let bits = this.total * 8;
    for (let i = 0; i < 32 && bits > 0; i++) {
      this.length[i] = bits % 256;
      bits = Math.floor(bits / 256);
    }
    step(t, this.h, this.length, 0, this.work);
    step(t, this.h, this.sigma, 0, this.work);
    out.set(this.h);
    this.wipe();
  }

  digest(): Uint8Array {
    const out = new Uint8Array(32);
    this.digestInto(out);
    return out;
  }

  destroy(): void {
    this.destroyed = true;
    this.wipe();
  }

  private wipe(): void {
    for (const b of [
      this.h,
      this.sigma,
      this.buffer,
      this.work.u,
      this.work.v,
      this.work.w,
      this.work.key,
      this.work.s,
    ])
      b.fill(0);
  }

  _cloneInto(to?: Gostr341194Hash): Gostr341194Hash {
    const target = to ?? new Gostr341194Hash();
    target.h.set(this.h);
    target.sigma.set(this.sigma);
    target.buffer.set(this.buffer);
    target.pos = this.pos;
    target.total = this.total;
    target.finished = this.finished;
    target.destroyed = this.destroyed;
    return target;
  }

  clone(): Gostr341194Hash {
    return this._cloneInto();
  }
}

/**
 * GOST R 34.11-94 with the test parameter set (KZ digest OID 1.2.398.3.10.1.3.1.1.0), the hash of
 * GOST 34.310-2004 signatures. Strings are hashed as UTF-8.
 *
 * @example
 * ```ts
 * import { gostr3411_94 } from '@kzpki/pki';
 * gostr3411_94('This is message, length=32 bytes'); // b1c466d3…37fffa (GOST R 34.11-94 appendix A)
 * ```
 */
export const gostr3411_94: GostHashFunction = /* @__PURE__ */ Object.assign(
  (message: Input) => new Gostr341194Hash().update(message).digest(),
  { outputLen: 32, blockLen: 32, create: () => new Gostr341194Hash() },
);
