/**
 * Elliptic curves of GOST R 34.10-2012 / GOST 34.310-2004 as the NCA uses them, on
 * @noble/curves' Weierstrass arithmetic (projective points, wNAF multiplication with precomputed
 * tables for the base point). No curve arithmetic is written here.
 *
 * | name | standard | KZ parameter-set OID |
 * |---|---|---|
 * | `tc26-512-paramSetA` | RFC 7836 §A.1 id-tc26-gost-3410-12-512-paramSetA | 1.2.398.3.10.1.1.2.2.1 |
 * | `tc26-256-paramSetA` | RFC 7836 §A.2 id-tc26-gost-3410-2012-256-paramSetA (cofactor 4) | 1.2.398.3.10.1.1.2.1.1 |
 * | `cryptopro-A` | RFC 4357 §11.4 id-GostR3410-2001-CryptoPro-A-ParamSet | 1.2.398.3.10.1.1.1.1.1 |
 *
 * The KZ 256-bit parameter set: the NCA's provider (Kalkan, a BouncyCastle fork) names
 * 1.2.398.3.10.1.1.2.1.1 "Gost3410-2015-256-ParamSetA" and maps it to the TC26 256-bit set A of
 * RFC 7836 (not to CryptoPro-A, which TC26 re-registered as 256 paramSetB); no NCA certificate
 * with a 256-bit GOST R 34.10-2015 key has been seen (docs/domain.md, "GOST generations and the KZ
 * byte order"), so this choice is
 * backed by that provider's table and by the name, not by a real certificate.
 */

import { Field, type IField, mod } from '@noble/curves/abstract/modular';
import {
  type WeierstrassPoint,
  type WeierstrassPointCons,
  weierstrassN,
} from '@noble/curves/abstract/weierstrass';

/** Domain parameters of a GOST curve y^2 = x^3 + ax + b over GF(p), base point (x, y) of prime order q. */
export interface GostCurveParams {
  /** Name used by this package (see the module table). */
  readonly name: string;
  readonly p: bigint;
  readonly a: bigint;
  readonly b: bigint;
  /** Prime order of the base point (the subgroup order, "q" in GOST, "n" in noble). */
  readonly q: bigint;
  /** Cofactor: the curve has h * q points. */
  readonly h: bigint;
  readonly x: bigint;
  readonly y: bigint;
  /** Bytes of a coordinate, a scalar and a signature half: 32 or 64 (GOST key length / 8). */
  readonly size: 32 | 64;
}

/** A curve ready for use: its parameters and noble's point class for it. */
export interface GostCurve {
  readonly params: GostCurveParams;
  readonly Point: WeierstrassPointCons<bigint>;
}

/** A point of a GOST curve (noble's projective point). */
export type GostPoint = WeierstrassPoint<bigint>;

/** Names of the curves this package knows. */
export type GostCurveName = 'tc26-512-paramSetA' | 'tc26-256-paramSetA' | 'cryptopro-A';

const PARAMS: Record<GostCurveName, GostCurveParams> = {
  // RFC 7836 §A.1
  'tc26-512-paramSetA': {
    name: 'tc26-512-paramSetA',
    p: 0xfffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffdc7n,
    a: 0xfffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffdc4n,
    b: 0xe8c2505dedfc86ddc1bd0b2b6667f1da34b82574761cb0e879bd081cfd0b6265ee3cb090f30d27614cb4574010da90dd862ef9d4ebee4761503190785a71c760n,
    q: 0xffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff27e69532f48d89116ff22b8d4e0560609b4b38abfad2b85dcacdb1411f10b275n,
    h: 1n,
    x: 3n,
    y: 0x7503cfe87a836ae3a61b8816e25450e6ce5e1c93acf1abc1778064fdcbefa921df1626be4fd036e93d75e6a50e3a41e98028fe5fc235f5b889a589cb5215f2a4n,
    size: 64,
  },
  // RFC 7836 §A.2 (the twisted Edwards curve's Weierstrass form)
  'tc26-256-paramSetA': {
    name: 'tc26-256-paramSetA',
    p: 0xfffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffd97n,
    a: 0xc2173f1513981673af4892c23035a27ce25e2013bf95aa33b22c656f277e7335n,
    b: 0x295f9bae7428ed9ccc20e7c359a9d41a22fccd9108e17bf7ba9337a6f8ae9513n,
    q: 0x400000000000000000000000000000000fd8cddfc87b6635c115af556c360c67n,
    h: 4n,
    x: 0x91e38443a5e82c0d880923425712b2bb658b9196932e02c78b2582fe742daa28n,
    y: 0x32879423ab1a0375895786c4bb46e9565fde0b5344766740af268adb32322e5cn,
    size: 32,
  },
  // RFC 4357 §11.4
  'cryptopro-A': {
    name: 'cryptopro-A',
    p: 0xfffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffd97n,
    a: 0xfffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffd94n,
    b: 166n,
    q: 0xffffffffffffffffffffffffffffffff6c611070995ad10045841b09b761b893n,
    h: 1n,
    x: 1n,
    y: 0x8d91e471e0989cda27df505a453f2b7635294f2ddf23e3b122acc99c9e9f1e14n,
    size: 32,
  },
};

const built = new Map<string, GostCurve>();

/**
 * noble's prime field, with multiplication and squaring reduced by the pseudo-Mersenne method when
 * p = 2^k - c for a small c (true of all three NCA curves: c = 569 for 512 bits, 617 for 256 bits):
 * x mod p = (x mod 2^k) + c * floor(x / 2^k), applied twice, then at most one subtraction. Measured
 * about 1.7x faster than BigInt `%` for 512-bit products on V8. Addition, subtraction and negation
 * of reduced operands correct by one comparison instead of noble's `%` (about 3x faster addition,
 * 10-20% faster point doubling and addition); multiplication by the curve's a, when a = -3, is
 * 3p - 3y. Everything else is noble's Field.
 */
function gostField(p: bigint, a: bigint): IField<bigint> {
  const base = Field(p);
  const k = BigInt(p.toString(2).length);
  const c = (1n << k) - p;
  if (c <= 0n || c >= 1n << 16n) return base;
  const mask = (1n << k) - 1n;
  const reduce = (x: bigint): bigint => {
    if (x < 0n) return mod(x, p);
    let r = (x & mask) + c * (x >> k);
    r = (r & mask) + c * (r >> k);
    return r >= p ? r - p : r;
  };
  // a = p - 3 (tc26-512-paramSetA and CryptoPro-A): noble's formulas multiply by a 3 times per
  // point doubling and per addition, always as the first operand; a·y = 3p - 3y then needs no
  // 1024-bit product (measured 7-11% faster u1·G + u2·Q on the 512-bit curve).
  const p2 = 2n * p;
  const p3 = 3n * p;
  const mulMinus3 = (y: bigint): bigint => {
    if (y <= 0n || y >= p) return mod(a * y, p);
    const r = p3 - 3n * y; // in (0, 3p)
    return r >= p2 ? r - p2 : r >= p ? r - p : r;
  };
  const mul =
    p - a === 3n
      ? (x: bigint, y: bigint) => (x === a ? mulMinus3(y) : reduce(x * y))
      : (x: bigint, y: bigint) => reduce(x * y);
  return Object.freeze({
    ...base,
    mul,
    sqr: (a: bigint) => reduce(a * a),
    // For field elements (0 <= a, b < p, all that noble's point formulas pass) one conditional
    // correction instead of a BigInt division; anything else still goes through `mod`.
    add: (a: bigint, b: bigint) => {
      const r = a + b;
      if (r < p) return r >= 0n ? r : mod(r, p);
      const t = r - p;
      return t < p ? t : mod(t, p);
    },
    sub: (a: bigint, b: bigint) => {
      const r = a - b;
      if (r >= 0n) return r < p ? r : mod(r, p);
      const t = r + p;
      return t >= 0n ? t : mod(t, p);
    },
    neg: (a: bigint) => (a > 0n && a < p ? p - a : mod(-a, p)),
  });
}

/**
 * Builds (once) the curve for `params`: noble checks the parameters (a, b in the field, the base
 * point on the curve). Also used by tests for the example curves of RFC 7091.
 */
export function gostCurveFrom(params: GostCurveParams): GostCurve {
  const known = built.get(params.name);
  if (known && known.params === params) return known;
  const Point = weierstrassN(
    { p: params.p, n: params.q, h: params.h, a: params.a, b: params.b, Gx: params.x, Gy: params.y },
    { Fp: gostField(params.p, params.a) },
  );
  const curve: GostCurve = { params, Point };
  built.set(params.name, curve);
  return curve;
}

/**
 * The named curve (built on first use): its parameters and @noble/curves point class.
 * @example
 * ```ts
 * const { params, Point } = gostCurve('tc26-512-paramSetA');
 * Point.BASE.multiply(2n).toAffine();
 * ```
 */
export function gostCurve(name: GostCurveName): GostCurve {
  return gostCurveFrom(PARAMS[name]);
}
