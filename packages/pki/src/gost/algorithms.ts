/**
 * The GOST algorithm sets of Kazakhstan's PKI: which key OID goes with which parameter set,
 * digest, signature OID, curve and hash (docs/domain.md, "GOST generations and the KZ byte order").
 * One table, read by every GOST function of this package.
 */

import { type GostCurve, type GostCurveName, gostCurve } from './curves.js';
import { gostr3411_94 } from './gostr3411-94.js';
import { type GostHashFunction, streebog256, streebog512 } from './streebog.js';

/** Identifier of a KZ GOST algorithm set. */
export type GostAlgorithmId = 'gost2015-512' | 'gost2015-256' | 'gost2004';

/** One KZ GOST algorithm set. */
export interface GostAlgorithm {
  readonly id: GostAlgorithmId;
  /** SubjectPublicKeyInfo algorithm OID. */
  readonly keyOid: string;
  /** publicKeyParamSet inside the SPKI parameters. */
  readonly paramSetOid: string;
  /** digestParamSet inside the SPKI parameters (also the CMS digest algorithm). */
  readonly digestOid: string;
  /** Signature algorithm OID of certificates, CRLs, OCSP responses and CSRs. */
  readonly signatureOid: string;
  readonly curveName: GostCurveName;
  readonly hash: GostHashFunction;
  /** Bytes of a coordinate, scalar and signature half. */
  readonly size: 32 | 64;
}

/**
 * The three KZ GOST algorithm sets.
 * @example
 * ```ts
 * for (const a of GOST_ALGORITHMS) console.log(a.id, a.signatureOid, a.curveName);
 * // gost2015-512 1.2.398.3.10.1.1.2.3.2 tc26-512-paramSetA ...
 * ```
 */
export const GOST_ALGORITHMS: readonly GostAlgorithm[] = [
  {
    id: 'gost2015-512',
    keyOid: '1.2.398.3.10.1.1.2.2',
    paramSetOid: '1.2.398.3.10.1.1.2.2.1',
    digestOid: '1.2.398.3.10.1.3.3',
    signatureOid: '1.2.398.3.10.1.1.2.3.2',
    curveName: 'tc26-512-paramSetA',
    hash: streebog512,
    size: 64,
  },
  {
    id: 'gost2015-256',
    keyOid: '1.2.398.3.10.1.1.2.1',
    paramSetOid: '1.2.398.3.10.1.1.2.1.1',
    digestOid: '1.2.398.3.10.1.3.2',
    signatureOid: '1.2.398.3.10.1.1.2.3.1',
    curveName: 'tc26-256-paramSetA',
    hash: streebog256,
    size: 32,
  },
  {
    id: 'gost2004',
    keyOid: '1.2.398.3.10.1.1.1.1',
    paramSetOid: '1.2.398.3.10.1.1.1.1.1',
    digestOid: '1.2.398.3.10.1.3.1.1.0',
    signatureOid: '1.2.398.3.10.1.1.1.2',
    curveName: 'cryptopro-A',
    hash: gostr3411_94,
    size: 32,
  },
];

/**
 * The algorithm set with this id.
 * @example
 * ```ts
 * gostAlgorithm('gost2015-512').hash(tbs); // Streebog-512
 * ```
 */
export function gostAlgorithm(id: GostAlgorithmId): GostAlgorithm {
  const alg = GOST_ALGORITHMS.find((a) => a.id === id);
  if (!alg) throw new RangeError(`unknown GOST algorithm ${String(id)}`);
  return alg;
}

/**
 * The algorithm set whose signature OID is `oid`, or `undefined`.
 * @example
 * ```ts
 * gostAlgorithmBySignatureOid('1.2.398.3.10.1.1.1.2')?.id; // 'gost2004'
 * ```
 */
export function gostAlgorithmBySignatureOid(oid: string): GostAlgorithm | undefined {
  return GOST_ALGORITHMS.find((a) => a.signatureOid === oid);
}

/**
 * The algorithm set whose SPKI key OID is `oid`, or `undefined`.
 * @example
 * ```ts
 * gostAlgorithmByKeyOid('1.2.398.3.10.1.1.2.2')?.size; // 64
 * ```
 */
export function gostAlgorithmByKeyOid(oid: string): GostAlgorithm | undefined {
  return GOST_ALGORITHMS.find((a) => a.keyOid === oid);
}

/**
 * `true` for the signature OIDs `verifyGost` handles.
 * @example
 * ```ts
 * isGostSignatureOid('1.2.398.3.10.1.1.2.3.2'); // true
 * ```
 */
export function isGostSignatureOid(oid: string): boolean {
  return gostAlgorithmBySignatureOid(oid) !== undefined;
}

/**
 * `true` for the SPKI key OIDs of GOST keys.
 * @example
 * ```ts
 * isGostKeyOid('1.2.840.113549.1.1.1'); // false (RSA)
 * ```
 */
export function isGostKeyOid(oid: string): boolean {
  return gostAlgorithmByKeyOid(oid) !== undefined;
}

/** The curve of an algorithm set. */
export function curveOf(alg: GostAlgorithm): GostCurve {
  return gostCurve(alg.curveName);
}
