/**
 * Reading and validating public keys: the one place every SubjectPublicKeyInfo that enters the
 * package goes through (CSRs, certificates being issued and their issuers, chains, CRL and OCSP
 * signers, PKCS #12 files, signatures checked for the apps).
 *
 * ```asn1
 * SubjectPublicKeyInfo  ::=  SEQUENCE  {                 -- RFC 5280 §4.1
 *      algorithm            AlgorithmIdentifier,
 *      subjectPublicKey     BIT STRING  }
 * RSAPublicKey ::= SEQUENCE {                             -- RFC 8017 §A.1.1
 *      modulus           INTEGER,  -- n
 *      publicExponent    INTEGER   -- e
 * }
 * ECParameters ::= CHOICE { namedCurve OBJECT IDENTIFIER, ... }   -- RFC 5480 §2.1.1
 * ECPoint ::= OCTET STRING  -- SEC 1 §2.3.3: 04||X||Y, or 02/03||X compressed
 * ```
 *
 * Two layers:
 * - validity ({@link inspectPublicKey}, also inside {@link parseSpki}): the key is a key at all. RSA
 *   (RFC 8017 §3.1, NIST SP 800-89 §5.3.3): the modulus is a positive odd integer and the public
 *   exponent an odd integer with 3 ≤ e < n (with e = 1 the "signature" is the padded hash itself and
 *   anybody can sign). ECDSA (SEC 1 §3.2.2.1): the point has the exact encoding length of its curve,
 *   is not the point at infinity, has coordinates in the field and lies on the curve. GOST (KZ
 *   encoding, src/gost): the same for x || y little-endian, plus the prime-order subgroup.
 * - policy ({@link validatePublicKey}): sizes, the RSA public exponent, the curves a caller accepts
 *   ({@link ISSUANCE_KEY_POLICY} for certifying a key, {@link VERIFICATION_KEY_POLICY} for checking
 *   signatures of keys certified elsewhere).
 */
import { p256, p384, p521 } from '@noble/curves/nist';
import { type BytesLike, toBytes, toDer } from '../der/encoding.js';
import { DER_TAG, type DerElement, DerReader } from '../der/reader.js';
import { PkiError } from '../errors.js';
import { decodeGostSpki } from '../gost/encoding.js';
import {
  type EcCurveName,
  ecCurveFromOid,
  isCryptoKey,
  KEY_ALGORITHM_OIDS,
  type KeyAlgorithmLabel,
  type KeyFamily,
  keyFamilyOf,
  type NamedCurve,
} from './key-algorithm.js';

/** The outer layer of a SubjectPublicKeyInfo, for any algorithm. Byte fields are views into `der`. */
export interface SpkiEnvelope {
  /** The SubjectPublicKeyInfo DER. */
  der: Uint8Array;
  /** AlgorithmIdentifier OID. */
  algorithmOid: string;
  /** AlgorithmIdentifier parameters TLV, when present. */
  parameters?: Uint8Array;
  /** The contents of the subjectPublicKey BIT STRING (without the unused-bits octet). */
  subjectPublicKey: Uint8Array;
}

/** What {@link inspectPublicKey} learns from a valid public key. */
export interface PublicKeyInfo extends SpkiEnvelope {
  /** The key family (which signature algorithms it verifies). */
  family: KeyFamily;
  /** Key size: RSA modulus bits, or the curve's field size (256, 384, 521). */
  bits: number;
  /** The curve of an ECDSA key. */
  curve?: EcCurveName;
  /** Algorithm label, e.g. `RSA-2048`, `ECDSA-P256`, `ECDSA-P521`. */
  algorithm: KeyAlgorithmLabel;
  /** The RSA modulus (no leading zero octet) and public exponent. */
  rsa?: { modulus: Uint8Array; publicExponent: bigint };
}

/** What {@link parseSpki} learns from a SubjectPublicKeyInfo. */
export interface SpkiInfo {
  /** The SubjectPublicKeyInfo DER as given. */
  der: Uint8Array;
  /** `RSA` or `EC`. */
  type: 'RSA' | 'EC';
  /** AlgorithmIdentifier OID (rsaEncryption or id-ecPublicKey). */
  algorithmOid: string;
  /** Key size: RSA modulus bits, or the curve's field size (256, 384). */
  bits: number;
  /** The curve of an EC key. */
  namedCurve?: NamedCurve;
  /** Algorithm label, e.g. `RSA-2048`, `ECDSA-P256`. */
  algorithm: KeyAlgorithmLabel;
  /** The contents of the subjectPublicKey BIT STRING (without the unused-bits octet). */
  subjectPublicKey: Uint8Array;
}

/**
 * What public keys a caller accepts. Fields left out take the {@link ISSUANCE_KEY_POLICY} value.
 * Failures: a size below `minRsaBits` or another exponent than `rsaPublicExponent` is
 * `ERR_KEY_TOO_WEAK`; a size above `maxRsaBits` (it bounds the cost of verification) or a curve not
 * in `curves` is `ERR_UNSUPPORTED_ALGORITHM`.
 */
export interface PublicKeyPolicy {
  /** Smallest RSA modulus in bits. */
  minRsaBits?: number;
  /** Largest RSA modulus in bits. */
  maxRsaBits?: number;
  /** The RSA public exponent required, or `any` for any valid (odd, at least 3) exponent. */
  rsaPublicExponent?: number | 'any';
  /** Curves accepted for ECDSA keys. */
  curves?: readonly EcCurveName[];
}

/**
 * The policy for keys this package certifies (CSRs, issued certificates and their issuers):
 * RSA 2048 to 8192 bits with e = 65537 (as the NCA and every common generator make them), ECDSA
 * on P-256 or P-384.
 */
export const ISSUANCE_KEY_POLICY: Readonly<Required<PublicKeyPolicy>> = Object.freeze({
  minRsaBits: 2048,
  maxRsaBits: 8192,
  rsaPublicExponent: 65537,
  curves: Object.freeze(['P-256', 'P-384'] as const),
});

/**
 * The policy for keys whose signatures this package checks but did not certify (foreign chains,
 * CRL and OCSP signers, login certificates): any valid RSA key of 1024 to 16384 bits with any
 * valid exponent, ECDSA on P-256, P-384 or P-521.
 */
export const VERIFICATION_KEY_POLICY: Readonly<Required<PublicKeyPolicy>> = Object.freeze({
  minRsaBits: 1024,
  maxRsaBits: 16384,
  rsaPublicExponent: 'any',
  curves: Object.freeze(['P-256', 'P-384', 'P-521'] as const),
});

function keyInvalid(message: string, cause?: unknown): PkiError {
  return new PkiError('ERR_KEY_INVALID', message, cause === undefined ? {} : { cause });
}

function inputDer(input: BytesLike | string): Uint8Array {
  try {
    return typeof input === 'string' ? toDer(input, 'PUBLIC KEY') : toBytes(input);
  } catch (cause) {
    throw keyInvalid('Public key is not DER or PEM', cause);
  }
}

/**
 * Reads the outer layer of a SubjectPublicKeyInfo (DER, or PEM `PUBLIC KEY`) of any algorithm,
 * without looking at the key itself.
 * @throws {PkiError} `ERR_KEY_INVALID` when it is not a SubjectPublicKeyInfo.
 */
export function readSpki(input: BytesLike | string): SpkiEnvelope {
  const der = inputDer(input);
  const r: DerReader = new DerReader(der, 'ERR_KEY_INVALID', 'SubjectPublicKeyInfo');
  const [algId, bits, ...extra] = r.childList(r.root(DER_TAG.SEQUENCE, 'SubjectPublicKeyInfo'));
  if (!algId || !bits || extra.length > 0 || algId.tag !== DER_TAG.SEQUENCE) {
    r.fail('expected SEQUENCE { algorithm, subjectPublicKey }');
  }
  const [oidEl, params, ...moreParams] = r.childList(algId);
  if (!oidEl || moreParams.length > 0) r.fail('malformed AlgorithmIdentifier');
  return {
    der,
    algorithmOid: r.oid(oidEl),
    ...(params ? { parameters: r.tlv(params) } : {}),
    subjectPublicKey: r.bitStringBytes(bits, 'subjectPublicKey'),
  };
}

/**
 * The subjectPublicKey BIT STRING contents of any SubjectPublicKeyInfo, whatever its algorithm
 * (GOST keys included): all RFC 5280 key identifiers need.
 * @throws {PkiError} `ERR_KEY_INVALID` when it is not a SubjectPublicKeyInfo.
 */
export function spkiSubjectPublicKey(input: BytesLike | string): Uint8Array {
  return readSpki(input).subjectPublicKey;
}

/** Bit length of an unsigned big-endian integer. */
function bitLength(magnitude: Uint8Array): number {
  let i = 0;
  while (i < magnitude.length && magnitude[i] === 0) i++;
  if (i === magnitude.length) return 0;
  return (magnitude.length - i - 1) * 8 + (32 - Math.clz32(magnitude[i]!));
}

function toBigInt(magnitude: Uint8Array): bigint {
  let v = 0n;
  for (const b of magnitude) v = (v << 8n) | BigInt(b);
  return v;
}

/** The magnitude of a DER INTEGER that must be positive and minimally encoded. */
function positiveInteger(r: DerReader, el: DerElement, name: string): Uint8Array {
  const c = r.content(el);
  if (c.length === 0 || c[0]! & 0x80) throw keyInvalid(`RSA ${name} is not a positive integer`);
  if (c.length > 1 && c[0] === 0 && !(c[1]! & 0x80)) throw keyInvalid(`RSA ${name} is not minimally encoded`);
  return c[0] === 0 ? c.subarray(1) : c;
}

function inspectRsa(spki: SpkiEnvelope): PublicKeyInfo {
  // RFC 3279 §2.3.1: rsaEncryption parameters MUST be NULL (absent is tolerated). RFC 4055 §1.2:
  // id-RSASSA-PSS keys may carry RSASSA-PSS-params, which only restrict how the key signs.
  const p = spki.parameters;
  if (spki.algorithmOid === KEY_ALGORITHM_OIDS.rsaEncryption && p && !(p.length === 2 && p[0] === 0x05)) {
    throw keyInvalid('rsaEncryption parameters must be NULL');
  }
  const k: DerReader = new DerReader(spki.subjectPublicKey, 'ERR_KEY_INVALID', 'RSAPublicKey');
  const [n, e, ...rest] = k.childList(k.root(DER_TAG.SEQUENCE, 'RSAPublicKey'));
  if (!n || !e || rest.length > 0 || n.tag !== DER_TAG.INTEGER || e.tag !== DER_TAG.INTEGER) {
    k.fail('expected SEQUENCE { modulus, publicExponent }');
  }
  const modulus = positiveInteger(k, n, 'modulus');
  const exponent = positiveInteger(k, e, 'public exponent');
  const bits = bitLength(modulus);
  if (bits < 2 || !(modulus[modulus.length - 1]! & 1)) {
    throw keyInvalid('RSA modulus is even: not a product of two odd primes');
  }
  const publicExponent = toBigInt(exponent);
  if (publicExponent < 3n || !(publicExponent & 1n)) {
    throw keyInvalid(`RSA public exponent ${publicExponent} is invalid: it must be odd and at least 3`);
  }
  if (bitLength(exponent) >= bits && publicExponent >= toBigInt(modulus)) {
    throw keyInvalid('RSA public exponent is not smaller than the modulus');
  }
  return { ...spki, family: 'rsa', bits, algorithm: `RSA-${bits}`, rsa: { modulus, publicExponent } };
}

const NOBLE_POINTS = { 'P-256': p256.Point, 'P-384': p384.Point, 'P-521': p521.Point } as const;

function inspectEc(spki: SpkiEnvelope): PublicKeyInfo {
  const p = spki.parameters;
  if (!p || p[0] !== DER_TAG.OID) {
    throw new PkiError('ERR_UNSUPPORTED_ALGORITHM', 'EC keys must name their curve (RFC 5480 §2.1.1)');
  }
  const pr: DerReader = new DerReader(p, 'ERR_KEY_INVALID', 'ECParameters');
  const curveOid = pr.oid(pr.root(DER_TAG.OID, 'namedCurve'));
  const curve = ecCurveFromOid(curveOid);
  if (!curve) throw new PkiError('ERR_UNSUPPORTED_ALGORITHM', `Unsupported elliptic curve ${curveOid}`);
  const point = spki.subjectPublicKey;
  if (point.length === 1 && point[0] === 0)
    throw keyInvalid(`The ${curve.name} public key is the point at infinity`);
  const exact =
    (point.length === 1 + 2 * curve.size && point[0] === 4) ||
    (point.length === 1 + curve.size && (point[0] === 2 || point[0] === 3));
  if (!exact) throw keyInvalid(`Malformed ${curve.name} public point (SEC 1 §2.3.3)`);
  try {
    // Decoding checks that the coordinates are field elements and that the point is on the curve.
    NOBLE_POINTS[curve.name].fromBytes(point).assertValidity();
  } catch (cause) {
    throw keyInvalid(`The ${curve.name} public point is not on the curve`, cause);
  }
  return {
    ...spki,
    family: 'ec',
    bits: curve.bits,
    curve: curve.name,
    algorithm: curve.name === 'P-256' ? 'ECDSA-P256' : curve.name === 'P-384' ? 'ECDSA-P384' : 'ECDSA-P521',
  };
}

const GOST_LABELS = {
  'gost-2004': 'GOST-2004',
  'gost-2015-256': 'GOST-2015-256',
  'gost-2015-512': 'GOST-2015-512',
} as const;

/**
 * KZ GOST keys: parameters naming the family's parameter set (and digest), the point x || y
 * little-endian in an OCTET STRING, on the curve, in the prime-order subgroup, not the identity
 * (`decodeGostSpki`, src/gost).
 */
function inspectGost(
  spki: SpkiEnvelope,
  family: 'gost-2004' | 'gost-2015-256' | 'gost-2015-512',
): PublicKeyInfo {
  const { algorithm } = decodeGostSpki(spki.der);
  return { ...spki, family, bits: algorithm.size * 8, algorithm: GOST_LABELS[family] };
}

/**
 * Reads a SubjectPublicKeyInfo (DER, or PEM `PUBLIC KEY`) and checks that it holds a valid key of
 * a family this package knows (see the module comment); no size or curve policy.
 *
 * @throws {PkiError} `ERR_KEY_INVALID` for a malformed or mathematically invalid key;
 *   `ERR_UNSUPPORTED_ALGORITHM` for other algorithms and curves.
 * @example
 * ```ts
 * const key = inspectPublicKey(spkiDer);
 * if (key.family === 'rsa') console.log(key.bits, key.rsa?.publicExponent);
 * ```
 */
export function inspectPublicKey(input: BytesLike | string): PublicKeyInfo {
  const spki = readSpki(input);
  const family = keyFamilyOf(spki.algorithmOid);
  switch (family) {
    case 'rsa':
      return inspectRsa(spki);
    case 'ec':
      return inspectEc(spki);
    case 'gost-2004':
    case 'gost-2015-256':
    case 'gost-2015-512':
      return inspectGost(spki, family);
    case undefined:
      throw new PkiError(
        'ERR_UNSUPPORTED_ALGORITHM',
        `Unsupported public key algorithm ${spki.algorithmOid}`,
      );
  }
}

/** `policy` with every field it leaves out (or sets to `undefined`) taken from {@link ISSUANCE_KEY_POLICY}. */
export function resolvePolicy(policy: PublicKeyPolicy = {}): Required<PublicKeyPolicy> {
  return {
    minRsaBits: policy.minRsaBits ?? ISSUANCE_KEY_POLICY.minRsaBits,
    maxRsaBits: policy.maxRsaBits ?? ISSUANCE_KEY_POLICY.maxRsaBits,
    rsaPublicExponent: policy.rsaPublicExponent ?? ISSUANCE_KEY_POLICY.rsaPublicExponent,
    curves: policy.curves ?? ISSUANCE_KEY_POLICY.curves,
  };
}

function isPublicKeyInfo(value: unknown): value is PublicKeyInfo {
  return (
    typeof value === 'object' &&
    value !== null &&
    'family' in value &&
    'der' in value &&
    'subjectPublicKey' in value
  );
}

/**
 * Checks a public key against a policy, after {@link inspectPublicKey}'s validity checks (skipped
 * when given a {@link PublicKeyInfo} it returned).
 *
 * @param policy default {@link ISSUANCE_KEY_POLICY}; pass {@link VERIFICATION_KEY_POLICY} for keys
 *   certified elsewhere
 * @throws {PkiError} `ERR_KEY_INVALID` for an invalid key (even modulus, exponent 1 or even, a
 *   point off the curve or at infinity, wrong lengths); `ERR_KEY_TOO_WEAK` for an RSA key below
 *   `minRsaBits` or with another exponent than the policy's; `ERR_UNSUPPORTED_ALGORITHM` for keys
 *   above `maxRsaBits`, curves outside `curves` and unknown algorithms.
 * @example
 * ```ts
 * validatePublicKey(csrSpki); // RSA ≥ 2048 with e = 65537, or P-256/P-384
 * validatePublicKey(loginCertSpki, VERIFICATION_KEY_POLICY);
 * validatePublicKey(spki, { minRsaBits: 3072 }); // other fields as ISSUANCE_KEY_POLICY
 * ```
 */
export function validatePublicKey(
  input: BytesLike | string | PublicKeyInfo,
  policy: PublicKeyPolicy = ISSUANCE_KEY_POLICY,
): PublicKeyInfo {
  const key = isPublicKeyInfo(input) ? input : inspectPublicKey(input);
  const p = resolvePolicy(policy);
  if (key.rsa) {
    if (key.bits < p.minRsaBits) {
      throw new PkiError(
        'ERR_KEY_TOO_WEAK',
        `RSA key of ${key.bits} bits; at least ${p.minRsaBits} required`,
      );
    }
    if (key.bits > p.maxRsaBits) {
      throw new PkiError(
        'ERR_UNSUPPORTED_ALGORITHM',
        `RSA key of ${key.bits} bits; at most ${p.maxRsaBits} accepted`,
      );
    }
    if (p.rsaPublicExponent !== 'any' && key.rsa.publicExponent !== BigInt(p.rsaPublicExponent)) {
      throw new PkiError(
        'ERR_KEY_TOO_WEAK',
        `RSA public exponent ${key.rsa.publicExponent}; the policy requires ${p.rsaPublicExponent}`,
      );
    }
  }
  if (key.curve && !p.curves.includes(key.curve)) {
    throw new PkiError('ERR_UNSUPPORTED_ALGORITHM', `Keys on ${key.curve} are not accepted here`);
  }
  return key;
}

/**
 * Reads a SubjectPublicKeyInfo (DER, or PEM `PUBLIC KEY`) of the kinds this package issues
 * certificates for, and checks that the key is valid (see {@link inspectPublicKey}; sizes are the
 * caller's policy, see {@link validatePublicKey}). Strict DER, no object tree: this runs on every
 * issuance.
 * @throws {PkiError} `ERR_KEY_INVALID` when it is malformed or invalid; `ERR_UNSUPPORTED_ALGORITHM`
 *   for keys other than RSA and ECDSA P-256/P-384 (e.g. P-521, Ed25519, GOST).
 */
export function parseSpki(input: BytesLike | string): SpkiInfo {
  const key = inspectPublicKey(input);
  if (key.family === 'rsa' && key.algorithmOid !== KEY_ALGORITHM_OIDS.rsaEncryption) {
    throw new PkiError('ERR_UNSUPPORTED_ALGORITHM', `Unsupported public key algorithm ${key.algorithmOid}`);
  }
  const base = {
    der: key.der,
    algorithmOid: key.algorithmOid,
    bits: key.bits,
    subjectPublicKey: key.subjectPublicKey,
  };
  if (key.family === 'rsa') return { ...base, type: 'RSA', algorithm: `RSA-${key.bits}` };
  if (key.curve === 'P-256' || key.curve === 'P-384') {
    return {
      ...base,
      type: 'EC',
      namedCurve: key.curve,
      algorithm: key.curve === 'P-256' ? 'ECDSA-P256' : 'ECDSA-P384',
    };
  }
  throw new PkiError(
    'ERR_UNSUPPORTED_ALGORITHM',
    `Unsupported elliptic curve ${key.curve ?? key.algorithmOid}`,
  );
}

/**
 * The algorithm label of a key: `RSA-2048`, `RSA-3072`, `RSA-4096` (or `RSA-<bits>`),
 * `ECDSA-P256`, `ECDSA-P384`.
 *
 * @param key a WebCrypto key (public or private) or a SubjectPublicKeyInfo (DER or PEM)
 * @throws {PkiError} `ERR_UNSUPPORTED_ALGORITHM` for other algorithms; `ERR_KEY_INVALID` for a
 *   malformed SubjectPublicKeyInfo.
 * @example
 * ```ts
 * const { publicKey } = await generateKeyPair('ECDSA-P256');
 * keyAlgorithmOf(publicKey); // 'ECDSA-P256'
 * keyAlgorithmOf(await exportSpki(publicKey)); // 'ECDSA-P256'
 * ```
 */
export function keyAlgorithmOf(key: CryptoKey | BytesLike | string): KeyAlgorithmLabel {
  if (!isCryptoKey(key)) return parseSpki(key).algorithm;
  const alg = key.algorithm as Partial<RsaHashedKeyAlgorithm & EcKeyAlgorithm>;
  if (alg.name === 'RSASSA-PKCS1-v1_5' || alg.name === 'RSA-PSS' || alg.name === 'RSA-OAEP') {
    return `RSA-${alg.modulusLength ?? 0}`;
  }
  if (alg.name === 'ECDSA' || alg.name === 'ECDH') {
    if (alg.namedCurve === 'P-256') return 'ECDSA-P256';
    if (alg.namedCurve === 'P-384') return 'ECDSA-P384';
    throw new PkiError('ERR_UNSUPPORTED_ALGORITHM', `Unsupported elliptic curve ${alg.namedCurve}`);
  }
  throw new PkiError('ERR_UNSUPPORTED_ALGORITHM', `Unsupported key algorithm ${alg.name}`);
}
