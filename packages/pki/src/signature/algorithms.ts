/**
 * The one table of signature algorithms this package knows: for each, its OID, name, the key
 * family that verifies it, its hash, and how its AlgorithmIdentifier carries parameters. Signing
 * ({@link ./sign.ts}), verification ({@link ./verify.ts}), CSR and certificate checks all read it;
 * no other file lists signature OIDs.
 *
 * ```asn1
 * AlgorithmIdentifier  ::=  SEQUENCE  {                  -- RFC 5280 §4.1.1.2
 *      algorithm               OBJECT IDENTIFIER,
 *      parameters              ANY DEFINED BY algorithm OPTIONAL  }
 * ```
 * RFC 4055 §5: the RSA PKCS #1 v1.5 identifiers carry NULL parameters. RFC 5758 §3.2: the ECDSA
 * identifiers MUST omit them. RFC 4055 §3.1: RSASSA-PSS carries RSASSA-PSS-params. The NCA's GOST
 * identifiers carry NULL (as in every NCA certificate; docs/domain.md §6).
 */
import { DER_TAG, DerReader } from '../der/reader.js';
import { derNull, derOid, derSequence } from '../der/writer.js';
import { PkiError } from '../errors.js';
import type { KeyFamily } from '../keys/key-algorithm.js';

/** The SHA hashes this package computes and names (the WebCrypto names). */
export type HashName = 'SHA-1' | 'SHA-256' | 'SHA-384' | 'SHA-512';

/** Every {@link HashName}, shortest first. */
export const HASH_NAMES: readonly HashName[] = Object.freeze(['SHA-1', 'SHA-256', 'SHA-384', 'SHA-512']);

/** OIDs of the hashes (RFC 3279 §2.1, RFC 5754 §2). */
export const HASH_OIDS = Object.freeze({
  'SHA-1': '1.3.14.3.2.26',
  'SHA-256': '2.16.840.1.101.3.4.2.1',
  'SHA-384': '2.16.840.1.101.3.4.2.2',
  'SHA-512': '2.16.840.1.101.3.4.2.3',
} as const) satisfies Readonly<Record<HashName, string>>;

/** Output length in bytes of each hash. */
export const HASH_LENGTHS: Readonly<Record<HashName, number>> = Object.freeze({
  'SHA-1': 20,
  'SHA-256': 32,
  'SHA-384': 48,
  'SHA-512': 64,
});

/** `true` for one of the {@link HashName}s. */
export function isHashName(value: unknown): value is HashName {
  return typeof value === 'string' && (HASH_NAMES as readonly string[]).includes(value);
}

/** The hash a hash OID names, or `undefined`. */
export function hashNameOfOid(oid: string): HashName | undefined {
  return HASH_NAMES.find((h) => HASH_OIDS[h] === oid);
}

/** OIDs of the signature algorithms this package names. */
export const SIGNATURE_OIDS = {
  /** RFC 8017 §A.2.4 / RFC 3279 §2.2.1 */
  sha1WithRSAEncryption: '1.2.840.113549.1.1.5',
  /** RFC 4055 §5 */
  sha256WithRSAEncryption: '1.2.840.113549.1.1.11',
  sha384WithRSAEncryption: '1.2.840.113549.1.1.12',
  sha512WithRSAEncryption: '1.2.840.113549.1.1.13',
  /** id-RSASSA-PSS, RFC 4055 §3.1 */
  rsassaPss: '1.2.840.113549.1.1.10',
  /** RFC 3279 §2.2.3 */
  ecdsaWithSHA1: '1.2.840.10045.4.1',
  /** RFC 5758 §3.2 */
  ecdsaWithSHA256: '1.2.840.10045.4.3.2',
  ecdsaWithSHA384: '1.2.840.10045.4.3.3',
  ecdsaWithSHA512: '1.2.840.10045.4.3.4',
  /** RFC 8410 §3 (named, not supported). */
  ed25519: '1.3.101.112',
  /** GOST 34.310-2004 with GOST 34.311-95 (Kazakhstan; docs/domain.md §6). */
  gost2004: '1.2.398.3.10.1.1.1.2',
  /** GOST R 34.10-2015 256-bit with Streebog-256 (Kazakhstan profile). */
  gost2015_256: '1.2.398.3.10.1.1.2.3.1',
  /** GOST R 34.10-2015 512-bit with Streebog-512 (Kazakhstan profile; byte order reversed vs RFC 4491). */
  gost2015_512: '1.2.398.3.10.1.1.2.3.2',
} as const;

/** How a signature is computed, as far as a verifier needs to know. */
export type SignatureMethod = 'RSASSA-PKCS1-v1_5' | 'RSASSA-PSS' | 'ECDSA' | 'GOST';

/** One row of {@link SIGNATURE_ALGORITHMS}. */
export interface SignatureAlgorithm {
  /** The algorithm OID. */
  readonly oid: string;
  /** Its ASN.1 name, e.g. `sha256WithRSAEncryption`. */
  readonly name: keyof typeof SIGNATURE_OIDS;
  /** The key family whose public keys verify it. */
  readonly family: KeyFamily;
  /** How the signature is made. */
  readonly method: SignatureMethod;
  /**
   * The SHA hash; `undefined` where the hash is in the parameters (RSASSA-PSS) or is the GOST
   * family's own (GOST 34.311-95, Streebog).
   */
  readonly hash: HashName | undefined;
  /**
   * AlgorithmIdentifier parameters: `null` (NULL, or absent as tolerated by verifiers), `absent`
   * (must be left out), `rsassa-pss` (RSASSA-PSS-params, RFC 4055 §3.1).
   */
  readonly parameters: 'null' | 'absent' | 'rsassa-pss';
}

function row(
  name: keyof typeof SIGNATURE_OIDS,
  family: KeyFamily,
  method: SignatureMethod,
  hash: HashName | undefined,
  parameters: SignatureAlgorithm['parameters'],
): SignatureAlgorithm {
  return Object.freeze({ oid: SIGNATURE_OIDS[name], name, family, method, hash, parameters });
}

/** Every signature algorithm this package signs or verifies with (GOST rows: see `verify.ts`). */
export const SIGNATURE_ALGORITHMS: readonly SignatureAlgorithm[] = Object.freeze([
  row('sha1WithRSAEncryption', 'rsa', 'RSASSA-PKCS1-v1_5', 'SHA-1', 'null'),
  row('sha256WithRSAEncryption', 'rsa', 'RSASSA-PKCS1-v1_5', 'SHA-256', 'null'),
  row('sha384WithRSAEncryption', 'rsa', 'RSASSA-PKCS1-v1_5', 'SHA-384', 'null'),
  row('sha512WithRSAEncryption', 'rsa', 'RSASSA-PKCS1-v1_5', 'SHA-512', 'null'),
  row('rsassaPss', 'rsa', 'RSASSA-PSS', undefined, 'rsassa-pss'),
  row('ecdsaWithSHA1', 'ec', 'ECDSA', 'SHA-1', 'absent'),
  row('ecdsaWithSHA256', 'ec', 'ECDSA', 'SHA-256', 'absent'),
  row('ecdsaWithSHA384', 'ec', 'ECDSA', 'SHA-384', 'absent'),
  row('ecdsaWithSHA512', 'ec', 'ECDSA', 'SHA-512', 'absent'),
  row('gost2004', 'gost-2004', 'GOST', undefined, 'null'),
  row('gost2015_256', 'gost-2015-256', 'GOST', undefined, 'null'),
  row('gost2015_512', 'gost-2015-512', 'GOST', undefined, 'null'),
]);

const BY_OID: ReadonlyMap<string, SignatureAlgorithm> = new Map(SIGNATURE_ALGORITHMS.map((a) => [a.oid, a]));

/** The table row of a signature algorithm OID, or `undefined` when this package does not know it. */
export function findSignatureAlgorithm(oid: string): SignatureAlgorithm | undefined {
  return BY_OID.get(oid);
}

/**
 * The table row of a signature algorithm OID.
 * @throws {PkiError} `ERR_UNSUPPORTED_ALGORITHM` when this package does not know it.
 */
export function signatureAlgorithm(oid: string): SignatureAlgorithm {
  const alg = BY_OID.get(oid);
  if (!alg) throw new PkiError('ERR_UNSUPPORTED_ALGORITHM', `Unsupported signature algorithm ${oid}`);
  return alg;
}

/** The RSA PKCS #1 v1.5 and ECDSA rows by hash, for choosing what to sign with. */
export function signatureAlgorithmFor(
  method: 'RSASSA-PKCS1-v1_5' | 'ECDSA',
  hash: HashName,
): SignatureAlgorithm {
  const alg = SIGNATURE_ALGORITHMS.find((a) => a.method === method && a.hash === hash);
  if (!alg) throw new PkiError('ERR_UNSUPPORTED_ALGORITHM', `No ${method} algorithm with ${hash}`);
  return alg;
}

const algIdCache = new Map<string, Uint8Array>();

/**
 * DER of the AlgorithmIdentifier this package writes for `oid` (NULL parameters or none, per the
 * table), memoised: the same bytes go into every certificate, CRL, OCSP response and request
 * signed with one key. Callers must not modify the returned array.
 * @throws {PkiError} `ERR_UNSUPPORTED_ALGORITHM` for unknown OIDs and for RSASSA-PSS (whose
 *   parameters depend on the signer; this package does not sign with it).
 * @example
 * ```ts
 * toHex(signatureAlgorithmIdentifierDer(SIGNATURE_OIDS.sha256WithRSAEncryption));
 * // '300d06092a864886f70d01010b0500'
 * ```
 */
export function signatureAlgorithmIdentifierDer(oid: string): Uint8Array {
  let der = algIdCache.get(oid);
  if (der) return der;
  const alg = signatureAlgorithm(oid);
  if (alg.parameters === 'rsassa-pss') {
    throw new PkiError('ERR_UNSUPPORTED_ALGORITHM', 'RSASSA-PSS identifiers need explicit parameters');
  }
  der = alg.parameters === 'null' ? derSequence(derOid(oid), derNull()) : derSequence(derOid(oid));
  algIdCache.set(oid, der);
  return der;
}

/**
 * The OID and parameters (TLV, when present) of an AlgorithmIdentifier.
 * @throws {PkiError} `ERR_ASN1_INVALID` when `der` is not exactly one AlgorithmIdentifier.
 */
export function readAlgorithmIdentifier(der: Uint8Array): { oid: string; parameters?: Uint8Array } {
  const r: DerReader = new DerReader(der, 'ERR_ASN1_INVALID', 'AlgorithmIdentifier');
  const [oid, parameters, ...extra] = r.childList(r.root(DER_TAG.SEQUENCE, 'AlgorithmIdentifier'));
  if (!oid || extra.length > 0) r.fail('expected SEQUENCE { algorithm, parameters OPTIONAL }');
  return { oid: r.oid(oid), ...(parameters ? { parameters: r.tlv(parameters) } : {}) };
}
