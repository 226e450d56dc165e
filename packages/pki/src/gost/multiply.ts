/**
 * u1·P + u2·Q for GOST verification with a public key seen for the first time: Shamir's trick
 * (one chain of doublings for both products) over width-w NAF digits (Hankerson, Menezes,
 * Vanstone, "Guide to Elliptic Curve Cryptography", algorithms 3.35 and 3.51). Public scalars
 * only: this is variable-time, like noble's `multiplyUnsafe`.
 *
 * Why this is written here: @noble/curves 1.9.7 multiplies a point that has no precomputed table
 * (`multiplyUnsafe`) with a plain double-and-add ladder (its wNAF with window 1), about 512
 * doublings and 256 additions on the 512-bit curve. Its other tools cost more than they save for
 * one multiplication: `point.precompute(W)` builds (bits/W + 1)·2^(W-1) points, `Point.msm`
 * (Pippenger) measured 2x slower than the ladder for two points, and `multiplyAndAddUnsafe` is
 * the two products added. Here the digits are recoded so that about bits/(w+1) additions remain:
 * Q's odd multiples (2^(w-2) points) are made per call, P's (the base point's, 2^(w-2) for a larger
 * w) once per curve. Measured on tc26-512-paramSetA: about 1.8x faster than noble's ladder for
 * u2·Q, and about 12% faster than noble's fixed-base table for u1·P plus the NAF product for u2·Q
 * (bench/gost.bench.ts, commit messages). The point arithmetic (addition, doubling, negation: the
 * complete Renes-Costello-Batina formulas, so no case of equal or opposite points needs care)
 * stays noble's; only the order of operations is chosen here.
 *
 * For a key with noble's window table (`point.precompute(W)`, made by the key cache of keys.ts on
 * a key's second use) {@link mulAddTablesUnsafe} uses noble's own `wNAF.unsafe` on the tables of
 * both points, one accumulator: `multiplyUnsafe` on a point with a table takes the constant-time
 * path instead (an addition in every window, real or not, and a field inversion to normalise each
 * product), measured about 20% slower for u1·G + u2·Q than this.
 */

import { wNAF } from '@noble/curves/abstract/curve';
import type { GostCurve, GostPoint } from './curves.js';

/** Window of the per-call table (the public key): 8 odd multiples. */
const Q_WINDOW = 5;
/** Window of the base point's table, made once per curve: 64 odd multiples. */
const BASE_WINDOW = 8;

const baseTables = new WeakMap<GostCurve['Point'], GostPoint[]>();

/**
 * The width-w NAF of `k >= 0`, least significant digit first: every non-zero digit is odd,
 * |digit| < 2^(w-1), and any w consecutive digits hold at most one non-zero.
 */
export function wnafDigits(k: bigint, w: number): Int8Array {
  if (k < 0n) throw new RangeError('scalar must not be negative');
  if (w < 2 || w > 8) throw new RangeError('window must be 2..8');
  const full = 1 << w;
  const half = full >> 1;
  const mask = BigInt(full - 1);
  const digits = new Int8Array(k.toString(2).length + 1);
  let i = 0;
  while (k > 0n) {
    if (k & 1n) {
      let d = Number(k & mask);
      if (d >= half) d -= full;
      digits[i] = d;
      k -= BigInt(d);
    }
    k >>= 1n;
    i++;
  }
  return digits.subarray(0, i);
}

/** P, 3P, 5P, …, (2^(w-1) - 1)P. */
function oddMultiples(P: GostPoint, w: number): GostPoint[] {
  const table = [P];
  const twice = P.double();
  for (let i = 1; i < 1 << (w - 2); i++) table.push(table[i - 1]!.add(twice));
  return table;
}

function baseTable(curve: GostCurve): GostPoint[] {
  let table = baseTables.get(curve.Point);
  if (!table) {
    table = oddMultiples(curve.Point.BASE, BASE_WINDOW);
    baseTables.set(curve.Point, table);
  }
  return table;
}

/** acc + d·T where T holds odd multiples (d odd, or 0 for acc itself). */
function addDigit(acc: GostPoint, table: GostPoint[], d: number): GostPoint {
  if (d > 0) return acc.add(table[(d - 1) >> 1]!);
  if (d < 0) return acc.add(table[(-d - 1) >> 1]!.negate());
  return acc;
}

/**
 * u1·BASE + u2·Q, variable-time (public values only), for scalars in [0, q). The result may be
 * the identity.
 * @example
 * ```ts
 * const curve = gostCurve('tc26-512-paramSetA');
 * const C = mulAddBaseUnsafe(curve, z1, publicPoint, z2);
 * ```
 */
export function mulAddBaseUnsafe(curve: GostCurve, u1: bigint, Q: GostPoint, u2: bigint): GostPoint {
  const { q } = curve.params;
  if (u1 < 0n || u1 >= q || u2 < 0n || u2 >= q) throw new RangeError('scalar out of range');
  const d1 = wnafDigits(u1, BASE_WINDOW);
  const d2 = wnafDigits(u2, Q_WINDOW);
  const t1 = baseTable(curve);
  const t2 = d2.length > 0 ? oddMultiples(Q, Q_WINDOW) : [];
  let acc = curve.Point.ZERO;
  let started = false;
  for (let i = Math.max(d1.length, d2.length) - 1; i >= 0; i--) {
    if (started) acc = acc.double();
    const a = d1[i] ?? 0;
    const b = d2[i] ?? 0;
    if (a !== 0 || b !== 0) {
      acc = addDigit(addDigit(acc, t1, a), t2, b);
      started = true;
    }
  }
  return acc;
}

const tableMultipliers = new WeakMap<GostCurve['Point'], wNAF<GostCurve['Point']>>();

/**
 * u1·BASE + u2·Q, variable-time, for a Q given a window table by `Q.precompute(W)` (without one,
 * noble's wNAF falls back to its double-and-add ladder: use {@link mulAddBaseUnsafe}). Scalars in
 * [0, q); the result may be the identity.
 * @example
 * ```ts
 * const curve = gostCurve('tc26-512-paramSetA');
 * const issuerKey = publicPoint.precompute(4, false);
 * const C = mulAddTablesUnsafe(curve, z1, issuerKey, z2);
 * ```
 */
export function mulAddTablesUnsafe(curve: GostCurve, u1: bigint, Q: GostPoint, u2: bigint): GostPoint {
  const { q } = curve.params;
  if (u1 < 0n || u1 >= q || u2 < 0n || u2 >= q) throw new RangeError('scalar out of range');
  let w = tableMultipliers.get(curve.Point);
  if (!w) {
    // The tables are noble's (shared by every wNAF instance of the module); their layout depends
    // on the scalar bit length, which must therefore be the one noble's Point uses: Fn.BITS.
    w = new wNAF(curve.Point, curve.Point.Fn.BITS);
    tableMultipliers.set(curve.Point, w);
  }
  return w.unsafe(Q, u2, undefined, w.unsafe(curve.Point.BASE, u1));
}
