/**
 * Synchronous SHA-1 (FIPS 180-4 §6.1), SHA-256 (§6.2), SHA-384 and SHA-512 (§6.4-6.5) digests.
 *
 * Why not WebCrypto: the PKCS#12 key derivation (RFC 7292 Appendix B.2) hashes a 20-64 byte value
 * thousands of times in a row. `crypto.subtle.digest` is asynchronous and costs ~50 µs a call in
 * Node (a thread-pool round trip), so opening one legacy file took ~200 ms; these in-process
 * functions do the same work in a few milliseconds. They hash public or per-file data sizes only
 * (no secret-dependent branches or table lookups), so they add no timing side channel.
 */

/** Digest names understood by {@link hashFunction} (WebCrypto spelling). */
export type HashName = 'SHA-1' | 'SHA-256' | 'SHA-384' | 'SHA-512';

/** A synchronous hash function with the sizes the PKCS#12 KDF needs. */
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

/**
 * Merkle-Damgård strengthening: the message, 0x80, zeros and the bit length as a big-endian
 * integer of `lengthBytes` bytes, padded to a multiple of `blockLength`.
 */
function padMessage(data: Uint8Array, blockLength: number, lengthBytes: number): Uint8Array {
  const total = Math.ceil((data.length + 1 + lengthBytes) / blockLength) * blockLength;
  const out = new Uint8Array(total);
  out.set(data);
  out[data.length] = 0x80;
  // Bit length: data.length * 8 may exceed 2^32, so split into high and low 32-bit words.
  const bitsHigh = Math.floor(data.length / 0x20000000);
  const bitsLow = (data.length * 8) >>> 0;
  const view = new DataView(out.buffer);
  view.setUint32(total - 8, bitsHigh);
  view.setUint32(total - 4, bitsLow);
  return out;
}

const rotl = (x: number, n: number): number => (x << n) | (x >>> (32 - n));
const rotr = (x: number, n: number): number => (x >>> n) | (x << (32 - n));

function wordsToBytes(words: Int32Array | Uint32Array, outputLength: number): Uint8Array {
  const out = new Uint8Array(outputLength);
  const view = new DataView(out.buffer);
  for (let i = 0; i < outputLength / 4; i++) view.setUint32(i * 4, words[i]! >>> 0);
  return out;
}

/** Big-endian 32-bit word of `m` at `o`. */
const word = (m: Uint8Array, o: number): number =>
  (m[o]! << 24) | (m[o + 1]! << 16) | (m[o + 2]! << 8) | m[o + 3]!;

/** A 32-bit-word compression function: folds the block in `w[0..15]` into `h` (`w` is scratch). */
type Compress32 = (h: Int32Array, w: Int32Array) => void;

/** SHA-1 compression (FIPS 180-4 §6.1.2). `w` needs room for 80 words. */
function sha1Compress(h: Int32Array, w: Int32Array): void {
  for (let t = 16; t < 80; t++) w[t] = rotl(w[t - 3]! ^ w[t - 8]! ^ w[t - 14]! ^ w[t - 16]!, 1);
  let a = h[0]!;
  let b = h[1]!;
  let c = h[2]!;
  let d = h[3]!;
  let e = h[4]!;
  for (let t = 0; t < 80; t++) {
    let f: number;
    let k: number;
    if (t < 20) {
      f = (b & c) | (~b & d);
      k = 0x5a827999;
    } else if (t < 40) {
      f = b ^ c ^ d;
      k = 0x6ed9eba1;
    } else if (t < 60) {
      f = (b & c) | (b & d) | (c & d);
      k = 0x8f1bbcdc;
    } else {
      f = b ^ c ^ d;
      k = 0xca62c1d6;
    }
    const temp = (rotl(a, 5) + f + e + k + w[t]!) | 0;
    e = d;
    d = c;
    c = rotl(b, 30);
    b = a;
    a = temp;
  }
  h[0] = (h[0]! + a) | 0;
  h[1] = (h[1]! + b) | 0;
  h[2] = (h[2]! + c) | 0;
  h[3] = (h[3]! + d) | 0;
  h[4] = (h[4]! + e) | 0;
}

// FIPS 180-4 §4.2.2: first 32 bits of the fractional parts of the cube roots of the first 64 primes.
const K256 = new Int32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98,
  0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
  0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8,
  0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
  0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819,
  0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
  0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
  0xc67178f2,
]);

/** SHA-256 compression (FIPS 180-4 §6.2.2). `w` needs room for 64 words. */
function sha256Compress(h: Int32Array, w: Int32Array): void {
  for (let t = 16; t < 64; t++) {
    const x = w[t - 15]!;
    const y = w[t - 2]!;
    const s0 = rotr(x, 7) ^ rotr(x, 18) ^ (x >>> 3);
    const s1 = rotr(y, 17) ^ rotr(y, 19) ^ (y >>> 10);
    w[t] = (w[t - 16]! + s0 + w[t - 7]! + s1) | 0;
  }
  let a = h[0]!;
  let b = h[1]!;
  let c = h[2]!;
  let d = h[3]!;
  let e = h[4]!;
  let f = h[5]!;
  let g = h[6]!;
  let hh = h[7]!;
  for (let t = 0; t < 64; t++) {
    const S1 = rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25);
    const ch = (e & f) ^ (~e & g);
    const t1 = (hh + S1 + ch + K256[t]! + w[t]!) | 0;
    const S0 = rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22);
    const maj = (a & b) ^ (a & c) ^ (b & c);
    const t2 = (S0 + maj) | 0;
    hh = g;
    g = f;
    f = e;
    e = (d + t1) | 0;
    d = c;
    c = b;
    b = a;
    a = (t1 + t2) | 0;
  }
  h[0] = (h[0]! + a) | 0;
  h[1] = (h[1]! + b) | 0;
  h[2] = (h[2]! + c) | 0;
  h[3] = (h[3]! + d) | 0;
  h[4] = (h[4]! + e) | 0;
  h[5] = (h[5]! + f) | 0;
  h[6] = (h[6]! + g) | 0;
  h[7] = (h[7]! + hh) | 0;
}

/** Message schedule scratch, shared: the functions are synchronous and never re-entered. */
const W = new Int32Array(80);

function md32State(data: Uint8Array, init: readonly number[], compress: Compress32): Int32Array {
  const m = padMessage(data, 64, 8);
  const h = Int32Array.from(init);
  for (let off = 0; off < m.length; off += 64) {
    for (let t = 0; t < 16; t++) W[t] = word(m, off + t * 4);
    compress(h, W);
  }
  return h;
}

/**
 * H^count(data) for SHA-1/SHA-256: after the first digest every input is the previous output,
 * which with its padding fills exactly one block, so the loop feeds words straight back into
 * the compression function without byte conversions or allocations.
 */
function md32Iterate(
  data: Uint8Array,
  count: number,
  init: readonly number[],
  compress: Compress32,
  outWords: number,
): Uint8Array {
  const h = md32State(data, init, compress);
  for (let r = 1; r < count; r++) {
    for (let i = 0; i < outWords; i++) W[i] = h[i]!;
    W[outWords] = 0x80000000 | 0;
    W.fill(0, outWords + 1, 15);
    W[15] = outWords * 32;
    for (let i = 0; i < init.length; i++) h[i] = init[i]!;
    compress(h, W);
  }
  return wordsToBytes(h, outWords * 4);
}

const H1 = [0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476, 0xc3d2e1f0];
const H256 = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19];

/** SHA-1 (FIPS 180-4 §6.1). */
export function sha1(data: Uint8Array): Uint8Array {
  return wordsToBytes(md32State(data, H1, sha1Compress), 20);
}

/** SHA-256 (FIPS 180-4 §6.2). */
export function sha256(data: Uint8Array): Uint8Array {
  return wordsToBytes(md32State(data, H256, sha256Compress), 32);
}

// FIPS 180-4 §4.2.3: 80 64-bit constants as (high, low) 32-bit pairs.
const K512 = new Uint32Array([
  0x428a2f98, 0xd728ae22, 0x71374491, 0x23ef65cd, 0xb5c0fbcf, 0xec4d3b2f, 0xe9b5dba5, 0x8189dbbc, 0x3956c25b,
  0xf348b538, 0x59f111f1, 0xb605d019, 0x923f82a4, 0xaf194f9b, 0xab1c5ed5, 0xda6d8118, 0xd807aa98, 0xa3030242,
  0x12835b01, 0x45706fbe, 0x243185be, 0x4ee4b28c, 0x550c7dc3, 0xd5ffb4e2, 0x72be5d74, 0xf27b896f, 0x80deb1fe,
  0x3b1696b1, 0x9bdc06a7, 0x25c71235, 0xc19bf174, 0xcf692694, 0xe49b69c1, 0x9ef14ad2, 0xefbe4786, 0x384f25e3,
  0x0fc19dc6, 0x8b8cd5b5, 0x240ca1cc, 0x77ac9c65, 0x2de92c6f, 0x592b0275, 0x4a7484aa, 0x6ea6e483, 0x5cb0a9dc,
  0xbd41fbd4, 0x76f988da, 0x831153b5, 0x983e5152, 0xee66dfab, 0xa831c66d, 0x2db43210, 0xb00327c8, 0x98fb213f,
  0xbf597fc7, 0xbeef0ee4, 0xc6e00bf3, 0x3da88fc2, 0xd5a79147, 0x930aa725, 0x06ca6351, 0xe003826f, 0x14292967,
  0x0a0e6e70, 0x27b70a85, 0x46d22ffc, 0x2e1b2138, 0x5c26c926, 0x4d2c6dfc, 0x5ac42aed, 0x53380d13, 0x9d95b3df,
  0x650a7354, 0x8baf63de, 0x766a0abb, 0x3c77b2a8, 0x81c2c92e, 0x47edaee6, 0x92722c85, 0x1482353b, 0xa2bfe8a1,
  0x4cf10364, 0xa81a664b, 0xbc423001, 0xc24b8b70, 0xd0f89791, 0xc76c51a3, 0x0654be30, 0xd192e819, 0xd6ef5218,
  0xd6990624, 0x5565a910, 0xf40e3585, 0x5771202a, 0x106aa070, 0x32bbd1b8, 0x19a4c116, 0xb8d2d0c8, 0x1e376c08,
  0x5141ab53, 0x2748774c, 0xdf8eeb99, 0x34b0bcb5, 0xe19b48a8, 0x391c0cb3, 0xc5c95a63, 0x4ed8aa4a, 0xe3418acb,
  0x5b9cca4f, 0x7763e373, 0x682e6ff3, 0xd6b2b8a3, 0x748f82ee, 0x5defb2fc, 0x78a5636f, 0x43172f60, 0x84c87814,
  0xa1f0ab72, 0x8cc70208, 0x1a6439ec, 0x90befffa, 0x23631e28, 0xa4506ceb, 0xde82bde9, 0xbef9a3f7, 0xb2c67915,
  0xc67178f2, 0xe372532b, 0xca273ece, 0xea26619c, 0xd186b8c7, 0x21c0c207, 0xeada7dd6, 0xcde0eb1e, 0xf57d4f7f,
  0xee6ed178, 0x06f067aa, 0x72176fba, 0x0a637dc5, 0xa2c898a6, 0x113f9804, 0xbef90dae, 0x1b710b35, 0x131c471b,
  0x28db77f5, 0x23047d84, 0x32caab7b, 0x40c72493, 0x3c9ebe0a, 0x15c9bebc, 0x431d67c4, 0x9c100d4c, 0x4cc5d4be,
  0xcb3e42b6, 0x597f299c, 0xfc657e2a, 0x5fcb6fab, 0x3ad6faec, 0x6c44198c, 0x4a475817,
]);

const H512 = [
  0x6a09e667, 0xf3bcc908, 0xbb67ae85, 0x84caa73b, 0x3c6ef372, 0xfe94f82b, 0xa54ff53a, 0x5f1d36f1, 0x510e527f,
  0xade682d1, 0x9b05688c, 0x2b3e6c1f, 0x1f83d9ab, 0xfb41bd6b, 0x5be0cd19, 0x137e2179,
];
const H384 = [
  0xcbbb9d5d, 0xc1059ed8, 0x629a292a, 0x367cd507, 0x9159015a, 0x3070dd17, 0x152fecd8, 0xf70e5939, 0x67332667,
  0xffc00b31, 0x8eb44a87, 0x68581511, 0xdb0c2e0d, 0x64f98fa7, 0x47b5481d, 0xbefa4fa4,
];

/**
 * SHA-512 family core. 64-bit words are (high, low) pairs of 32-bit integers; additions carry
 * from the low word through `>>> 0` comparisons.
 */
function sha512Core(data: Uint8Array, init: readonly number[], outputLength: number): Uint8Array {
  const m = padMessage(data, 128, 16);
  const view = new DataView(m.buffer);
  const h = new Uint32Array(init);
  const wh = new Uint32Array(80);
  const wl = new Uint32Array(80);
  // 64-bit rotate right by n (0 < n < 64) of (hi, lo); returns [hi, lo] through two helpers.
  const rrHi = (hi: number, lo: number, n: number): number =>
    n < 32 ? (hi >>> n) | (lo << (32 - n)) : (lo >>> (n - 32)) | (hi << (64 - n));
  const rrLo = (hi: number, lo: number, n: number): number =>
    n < 32 ? (lo >>> n) | (hi << (32 - n)) : (hi >>> (n - 32)) | (lo << (64 - n));
  for (let off = 0; off < m.length; off += 128) {
    for (let t = 0; t < 16; t++) {
      wh[t] = view.getUint32(off + t * 8);
      wl[t] = view.getUint32(off + t * 8 + 4);
    }
    for (let t = 16; t < 80; t++) {
      // σ0 = rotr1 ^ rotr8 ^ shr7; σ1 = rotr19 ^ rotr61 ^ shr6
      const xh = wh[t - 15]!;
      const xl = wl[t - 15]!;
      const s0h = rrHi(xh, xl, 1) ^ rrHi(xh, xl, 8) ^ (xh >>> 7);
      const s0l = rrLo(xh, xl, 1) ^ rrLo(xh, xl, 8) ^ ((xl >>> 7) | (xh << 25));
      const yh = wh[t - 2]!;
      const yl = wl[t - 2]!;
      const s1h = rrHi(yh, yl, 19) ^ rrHi(yh, yl, 61) ^ (yh >>> 6);
      const s1l = rrLo(yh, yl, 19) ^ rrLo(yh, yl, 61) ^ ((yl >>> 6) | (yh << 26));
      let lo = (wl[t - 16]! >>> 0) + (s0l >>> 0) + wl[t - 7]! + (s1l >>> 0);
      const hi = wh[t - 16]! + s0h + wh[t - 7]! + s1h + Math.floor(lo / 0x100000000);
      lo >>>= 0;
      wh[t] = hi >>> 0;
      wl[t] = lo;
    }
    let ah = h[0]!;
    let al = h[1]!;
    let bh = h[2]!;
    let bl = h[3]!;
    let ch = h[4]!;
    let cl = h[5]!;
    let dh = h[6]!;
    let dl = h[7]!;
    let eh = h[8]!;
    let el = h[9]!;
    let fh = h[10]!;
    let fl = h[11]!;
    let gh = h[12]!;
    let gl = h[13]!;
    let hh = h[14]!;
    let hl = h[15]!;
    for (let t = 0; t < 80; t++) {
      // Σ1(e) = rotr14 ^ rotr18 ^ rotr41; Ch(e,f,g) = (e & f) ^ (~e & g)
      const S1h = rrHi(eh, el, 14) ^ rrHi(eh, el, 18) ^ rrHi(eh, el, 41);
      const S1l = rrLo(eh, el, 14) ^ rrLo(eh, el, 18) ^ rrLo(eh, el, 41);
      const chh = (eh & fh) ^ (~eh & gh);
      const chl = (el & fl) ^ (~el & gl);
      const t1l = (hl >>> 0) + (S1l >>> 0) + (chl >>> 0) + K512[t * 2 + 1]! + wl[t]!;
      const t1h = hh + S1h + chh + K512[t * 2]! + wh[t]! + Math.floor(t1l / 0x100000000);
      // Σ0(a) = rotr28 ^ rotr34 ^ rotr39; Maj(a,b,c)
      const S0h = rrHi(ah, al, 28) ^ rrHi(ah, al, 34) ^ rrHi(ah, al, 39);
      const S0l = rrLo(ah, al, 28) ^ rrLo(ah, al, 34) ^ rrLo(ah, al, 39);
      const majh = (ah & bh) ^ (ah & ch) ^ (bh & ch);
      const majl = (al & bl) ^ (al & cl) ^ (bl & cl);
      const t2l = (S0l >>> 0) + (majl >>> 0);
      const t2h = S0h + majh + Math.floor(t2l / 0x100000000);
      hh = gh;
      hl = gl;
      gh = fh;
      gl = fl;
      fh = eh;
      fl = el;
      const el2 = (dl >>> 0) + (t1l >>> 0);
      eh = (dh + t1h + Math.floor(el2 / 0x100000000)) >>> 0;
      el = el2 >>> 0;
      dh = ch;
      dl = cl;
      ch = bh;
      cl = bl;
      bh = ah;
      bl = al;
      const al2 = (t1l >>> 0) + (t2l >>> 0);
      ah = (t1h + t2h + Math.floor(al2 / 0x100000000)) >>> 0;
      al = al2 >>> 0;
    }
    const add = (i: number, xh: number, xl: number): void => {
      const lo = h[i + 1]! + (xl >>> 0);
      h[i] = (h[i]! + xh + Math.floor(lo / 0x100000000)) >>> 0;
      h[i + 1] = lo >>> 0;
    };
    add(0, ah, al);
    add(2, bh, bl);
    add(4, ch, cl);
    add(6, dh, dl);
    add(8, eh, el);
    add(10, fh, fl);
    add(12, gh, gl);
    add(14, hh, hl);
  }
  return wordsToBytes(h, outputLength);
}

/** SHA-512 (FIPS 180-4 §6.4). */
export function sha512(data: Uint8Array): Uint8Array {
  return sha512Core(data, H512, 64);
}

/** SHA-384 (FIPS 180-4 §6.5). */
export function sha384(data: Uint8Array): Uint8Array {
  return sha512Core(data, H384, 48);
}

function iterateByDigest(digest: (data: Uint8Array) => Uint8Array): SyncHash['iterate'] {
  return (data, count) => {
    let out = digest(data);
    for (let r = 1; r < count; r++) out = digest(out);
    return out;
  };
}

const HASHES: Record<HashName, SyncHash> = {
  'SHA-1': {
    name: 'SHA-1',
    outputLength: 20,
    blockLength: 64,
    digest: sha1,
    iterate: (data, count) => md32Iterate(data, count, H1, sha1Compress, 5),
  },
  'SHA-256': {
    name: 'SHA-256',
    outputLength: 32,
    blockLength: 64,
    digest: sha256,
    iterate: (data, count) => md32Iterate(data, count, H256, sha256Compress, 8),
  },
  'SHA-384': {
    name: 'SHA-384',
    outputLength: 48,
    blockLength: 128,
    digest: sha384,
    iterate: iterateByDigest(sha384),
  },
  'SHA-512': {
    name: 'SHA-512',
    outputLength: 64,
    blockLength: 128,
    digest: sha512,
    iterate: iterateByDigest(sha512),
  },
};

/** The synchronous implementation of `name`. */
export function hashFunction(name: HashName): SyncHash {
  return HASHES[name];
}
