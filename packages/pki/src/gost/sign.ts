/**
 * GOST R 34.10-2012 signature generation and verification (RFC 7091 §6.1, §6.2), the KZ
 * GOST R 34.10-2015 and, on the CryptoPro-A curve, GOST 34.310-2004. Point arithmetic and modular
 * helpers are @noble/curves'; this file only states the GOST equations.
 *
 * Sign (d private key, P base point, q its order, α the hash as an integer):
 *   e = α mod q (1 if 0); k random in [1, q-1]; C = kP; r = x_C mod q (r ≠ 0);
 *   s = (r·d + k·e) mod q (s ≠ 0). Signature (r, s).
 * Verify (Q public key): 0 < r, s < q; v = e^-1 mod q; z1 = s·v, z2 = -r·v mod q;
 *   C = z1·P + z2·Q; valid when x_C mod q = r.
 *
 * Integers from bytes: the hash is read little-endian (docs/domain.md, "GOST generations and the KZ
 * byte order": the KZ and CryptoPro convention, also the standard's own reading of a byte vector as
 * a number).
 */

import { invert, mod } from '@noble/curves/abstract/modular';
import { bytesToNumberLE } from '@noble/curves/utils';
import type { GostCurve, GostPoint } from './curves.js';
import { mulAddBaseUnsafe, mulAddTablesUnsafe } from './multiply.js';

/** A signature as integers. */
export interface GostSignatureValue {
  readonly r: bigint;
  readonly s: bigint;
}

/** e = α mod q, with e = 1 when that is 0 (RFC 7091 §6.1 step 2); α is the hash read little-endian. */
export function digestToE(q: bigint, digest: Uint8Array): bigint {
  const e = mod(bytesToNumberLE(digest), q);
  return e === 0n ? 1n : e;
}

/** A uniformly random integer in [1, q-1] from the platform CSPRNG (rejection sampling). */
export function randomScalar(q: bigint): bigint {
  const bits = q.toString(2).length;
  const bytes = Math.ceil(bits / 8);
  const topMask = (1 << (bits - 8 * (bytes - 1))) - 1;
  const buf = new Uint8Array(bytes);
  for (;;) {
    crypto.getRandomValues(buf);
    buf[bytes - 1]! &= topMask; // the top byte of the little-endian number
    const k = bytesToNumberLE(buf);
    if (k > 0n && k < q) {
      buf.fill(0);
      return k;
    }
  }
}

/**
 * Signs a digest with private scalar `d`. `nonce` is for the standard's worked examples only:
 * a repeated or predictable k reveals the private key; leave it out to draw k from the CSPRNG.
 */
export function gostSignDigest(
  curve: GostCurve,
  d: bigint,
  digest: Uint8Array,
  nonce?: bigint,
): GostSignatureValue {
  const { q } = curve.params;
  if (d <= 0n || d >= q) throw new RangeError('private key out of range');
  const e = digestToE(q, digest);
  for (;;) {
    const k = nonce ?? randomScalar(q);
    if (k <= 0n || k >= q) throw new RangeError('nonce out of range');
    // Constant-time multiplication (noble's multiply): k is secret.
    const C = curve.Point.BASE.multiply(k).toAffine();
    const r = mod(C.x, q);
    const s = mod(r * d + k * e, q);
    if (r !== 0n && s !== 0n) return { r, s };
    if (nonce !== undefined) throw new RangeError('this nonce gives r = 0 or s = 0');
  }
}

/**
 * Verifies (r, s) over a digest with public point `Q`, which the caller has validated (on the
 * curve, in the prime-order subgroup, not the identity: see `decodeGostPublicKey`).
 * `qHasTable`: true when `Q.precompute()` has given Q noble's window table (the key cache of
 * keys.ts does so for a key's second use); then both products use noble's tables, otherwise
 * Shamir's trick over wNAF digits (multiply.ts), faster for a point without a table.
 */
export function gostVerifyDigest(
  curve: GostCurve,
  Q: GostPoint,
  digest: Uint8Array,
  sig: GostSignatureValue,
  qHasTable = false,
): boolean {
  const { q } = curve.params;
  const { r, s } = sig;
  if (r <= 0n || r >= q || s <= 0n || s >= q) return false;
  const e = digestToE(q, digest);
  const v = invert(e, q);
  const z1 = mod(s * v, q);
  const z2 = mod(-r * v, q);
  // Public values only: variable-time multiplication is fine here. With tables (noble's, made
  // for BASE and, by `Q.precompute()`, for Q) no doubling is left; without one for Q, a single
  // chain of doublings serves both products.
  const C = qHasTable ? mulAddTablesUnsafe(curve, z1, Q, z2) : mulAddBaseUnsafe(curve, z1, Q, z2);
  if (C.is0()) return false;
  // x_C mod q = r, where x_C = X/Z in [0, p), holds when x_C = r + j·q for some j >= 0 with
  // r + j·q < p: compare X with (r + j·q)·Z in the field instead of inverting Z (toAffine), which
  // cost about as much as 15 point additions. One candidate on the NCA curves except in a 2^-256
  // case, four at most on tc26-256-paramSetA (cofactor 4).
  const { Fp } = curve.Point;
  for (let x = r; x < curve.params.p; x += q) if (Fp.eql(C.X, Fp.mul(x, C.Z))) return true;
  return false;
}

/** Q = d·P, the public point of private scalar `d`. */
export function gostPublicPoint(curve: GostCurve, d: bigint): GostPoint {
  const { q } = curve.params;
  if (d <= 0n || d >= q) throw new RangeError('private key out of range');
  return curve.Point.BASE.multiply(d);
}
