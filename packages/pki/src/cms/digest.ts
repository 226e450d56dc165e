/**
 * The message digests of CMS and RFC 3161 (the `DigestAlgorithmIdentifier` of a SignerInfo, the
 * hash of a timestamp's MessageImprint and of an ESSCertIDv2): the SHA family through WebCrypto,
 * and the Kazakh GOST hashes (Streebog-256/512, GOST 34.311-95) through `src/gost`.
 *
 * ```asn1
 * DigestAlgorithmIdentifier ::= AlgorithmIdentifier          -- RFC 5652 §10.1.1
 * ```
 * RFC 5754 §2 lets SHA-2 identifiers carry NULL parameters or none; this package writes NULL, as
 * the NCA's own software does (so do the GOST identifiers), and reads both.
 */
import { getCrypto } from '../crypto-provider.js';
import type { BytesLike } from '../der/encoding.js';
import { derNull, derOid, derSequence } from '../der/writer.js';
import { PkiError } from '../errors.js';
import { gostr3411_94, streebog256, streebog512 } from '../gost/index.js';
import { HASH_OIDS, type HashName, hashNameOfOid, type SignatureAlgorithm } from '../signature/algorithms.js';
import { bytesOf } from './input.js';

/** A digest this package computes for CMS and timestamps. */
export type DigestName = HashName | 'STREEBOG-256' | 'STREEBOG-512' | 'GOST34311-95';

/** Every {@link DigestName}. */
export const DIGEST_NAMES: readonly DigestName[] = Object.freeze([
  'SHA-1',
  'SHA-256',
  'SHA-384',
  'SHA-512',
  'STREEBOG-256',
  'STREEBOG-512',
  'GOST34311-95',
]);

/** The OID each digest is written with (the KZ GOST arcs, docs/domain.md §GOST). */
export const DIGEST_OIDS: Readonly<Record<DigestName, string>> = Object.freeze({
  ...HASH_OIDS,
  'STREEBOG-256': '1.2.398.3.10.1.3.2',
  'STREEBOG-512': '1.2.398.3.10.1.3.3',
  'GOST34311-95': '1.2.398.3.10.1.3.1',
});

/** Output length of each digest in bytes. */
export const DIGEST_LENGTHS: Readonly<Record<DigestName, number>> = Object.freeze({
  'SHA-1': 20,
  'SHA-256': 32,
  'SHA-384': 48,
  'SHA-512': 64,
  'STREEBOG-256': 32,
  'STREEBOG-512': 64,
  'GOST34311-95': 32,
});

/**
 * Other OIDs read as one of the digests: the GOST 34.311-95 parameter-set arc that appears as a
 * digest OID in some KZ material, and the TC26 (RFC 7836) Streebog OIDs.
 */
const ALIASES: Readonly<Record<string, DigestName>> = Object.freeze({
  '1.2.398.3.10.1.3.1.1.0': 'GOST34311-95',
  '1.2.643.7.1.1.2.2': 'STREEBOG-256',
  '1.2.643.7.1.1.2.3': 'STREEBOG-512',
});

/**
 * `true` for a {@link DigestName}.
 * @example
 * ```ts
 * isDigestName('STREEBOG-512'); // true
 * ```
 */
export function isDigestName(value: unknown): value is DigestName {
  return typeof value === 'string' && (DIGEST_NAMES as readonly string[]).includes(value);
}

/**
 * The digest an OID names, or `undefined` when this package does not compute it.
 * @example
 * ```ts
 * digestNameOfOid('1.2.398.3.10.1.3.3'); // 'STREEBOG-512'
 * ```
 */
export function digestNameOfOid(oid: string): DigestName | undefined {
  return hashNameOfOid(oid) ?? (DIGEST_NAMES.find((d) => DIGEST_OIDS[d] === oid) || ALIASES[oid]);
}

const algIdCache = new Map<DigestName, Uint8Array>();

/**
 * DER of the AlgorithmIdentifier this package writes for a digest (NULL parameters), memoised;
 * callers must not modify it.
 * @example
 * ```ts
 * toHex(digestAlgorithmIdentifier('SHA-256')); // '300d06096086480165030402010500'
 * ```
 */
export function digestAlgorithmIdentifier(name: DigestName): Uint8Array {
  let der = algIdCache.get(name);
  if (!der) {
    if (!isDigestName(name))
      throw new PkiError('ERR_UNSUPPORTED_ALGORITHM', `Unknown digest ${String(name)}`);
    der = derSequence(derOid(DIGEST_OIDS[name]), derNull());
    algIdCache.set(name, der);
  }
  return der;
}

/**
 * Hashes `data` with the named digest (SHA through the WebCrypto provider, GOST in software).
 * @throws {PkiError} `ERR_UNSUPPORTED_ALGORITHM` for an unknown name.
 * @example
 * ```ts
 * const imprint = await computeDigest('STREEBOG-512', signatureValue);
 * ```
 */
export async function computeDigest(name: DigestName, data: BytesLike): Promise<Uint8Array> {
  const bytes = bytesOf(data, 'data', false);
  switch (name) {
    case 'SHA-1':
    case 'SHA-256':
    case 'SHA-384':
    case 'SHA-512':
      return new Uint8Array(await getCrypto().subtle.digest(name, bytes as BufferSource));
    case 'STREEBOG-256':
      return streebog256(bytes);
    case 'STREEBOG-512':
      return streebog512(bytes);
    case 'GOST34311-95':
      return gostr3411_94(bytes);
    default:
      throw new PkiError('ERR_UNSUPPORTED_ALGORITHM', `Unknown digest ${String(name)}`);
  }
}

/**
 * The digest a signer uses with a signature algorithm: the algorithm's own SHA hash, or the GOST
 * family's hash (Streebog-512 for GOST R 34.10-2015 512, Streebog-256 for 256, GOST 34.311-95
 * for GOST 34.310-2004). RSASSA-PSS names its hash in its parameters: SHA-256 is assumed.
 */
export function digestForSignatureAlgorithm(alg: SignatureAlgorithm): DigestName {
  if (alg.hash) return alg.hash;
  switch (alg.family) {
    case 'gost-2015-512':
      return 'STREEBOG-512';
    case 'gost-2015-256':
      return 'STREEBOG-256';
    case 'gost-2004':
      return 'GOST34311-95';
    default:
      return 'SHA-256';
  }
}
