/**
 * Signature verification for everything this package checks: certificates in chains and at
 * issuance, CSRs, CRLs, OCSP responses and their delegated responders, and signatures the apps
 * receive (logins, approvals, proofs of possession). One function, {@link verifySignature}, for every
 * algorithm of `algorithms.ts`: RSASSA-PKCS1-v1_5 and RSASSA-PSS (RFC 4055) with SHA-1/256/384/512,
 * ECDSA on P-256/P-384/P-521 with SHA-1/256/384/512, and the KZ GOST algorithms (GOST R 34.10-2015
 * 512/256 with Streebog, GOST 34.310-2004 with GOST R 34.11-94; src/gost).
 *
 * Public keys go through `validatePublicKey` first (validity always, sizes per policy). Imported
 * WebCrypto keys are cached per SubjectPublicKeyInfo (bounded), since relying parties verify many
 * signatures of the same few CA and responder keys.
 */
import { getCrypto } from '../crypto-provider.js';
import { toBase64 } from '../der/encoding.js';
import { contextTag, DER_TAG, DerReader } from '../der/reader.js';
import { derBitString, derNull, derOid, derSequence } from '../der/writer.js';
import { PkiError } from '../errors.js';
import { verifyGostAsync } from '../gost/keys.js';
import { EC_CURVES, KEY_ALGORITHM_OIDS } from '../keys/key-algorithm.js';
import {
  inspectPublicKey,
  type PublicKeyInfo,
  type PublicKeyPolicy,
  VERIFICATION_KEY_POLICY,
  validatePublicKey,
} from '../keys/public-key.js';
import {
  findSignatureAlgorithm,
  type HashName,
  hashNameOfOid,
  readAlgorithmIdentifier,
  type SignatureAlgorithm,
} from './algorithms.js';
import { ecdsaDerToRaw } from './ecdsa.js';

/** Input of {@link verifySignature}. */
export interface VerifySignatureInput {
  /** The signed bytes (e.g. a TBSCertificate). */
  data: Uint8Array;
  /** The signature algorithm: its AlgorithmIdentifier DER (parameters checked), or its OID. */
  algorithm: Uint8Array | string;
  /** The signature value as X.509 carries it (ECDSA: DER Ecdsa-Sig-Value). */
  signature: Uint8Array;
  /** The signer's public key, SubjectPublicKeyInfo DER. */
  publicKeyInfo: Uint8Array;
  /** Which keys are acceptable (default {@link VERIFICATION_KEY_POLICY}). */
  keyPolicy?: PublicKeyPolicy;
}

/** id-mgf1, RFC 8017 §B.2.1. */
const MGF1_OID = '1.2.840.113549.1.1.8';

/** How an RSASSA-PSS signature was made (RFC 4055 §3.1 RSASSA-PSS-params). */
interface PssParams {
  hash: HashName;
  saltLength: number;
}

/** The hash of a HashAlgorithm AlgorithmIdentifier (NULL or absent parameters). */
function pssHash(der: Uint8Array): HashName {
  const { oid, parameters } = readAlgorithmIdentifier(der);
  const hash = hashNameOfOid(oid);
  if (!hash) throw new PkiError('ERR_UNSUPPORTED_ALGORITHM', `Unsupported RSASSA-PSS hash ${oid}`);
  if (parameters && !(parameters.length === 2 && parameters[0] === DER_TAG.NULL)) {
    throw new PkiError('ERR_ASN1_INVALID', 'Hash parameters must be NULL or absent');
  }
  return hash;
}

/**
 * ```asn1
 * RSASSA-PSS-params  ::=  SEQUENCE  {                      -- RFC 4055 §3.1
 *    hashAlgorithm      [0] HashAlgorithm DEFAULT sha1Identifier,
 *    maskGenAlgorithm   [1] MaskGenAlgorithm DEFAULT mgf1SHA1Identifier,
 *    saltLength         [2] INTEGER DEFAULT 20,
 *    trailerField       [3] INTEGER DEFAULT 1  }
 * ```
 * WebCrypto's RSA-PSS uses MGF1 with the message hash, so other mask hashes are unsupported.
 */
function readPssParams(parameters: Uint8Array | undefined): PssParams {
  let hash: HashName = 'SHA-1';
  let mgfHash: HashName = 'SHA-1';
  let saltLength = 20;
  if (parameters) {
    const r: DerReader = new DerReader(parameters, 'ERR_ASN1_INVALID', 'RSASSA-PSS-params');
    let last = -1;
    for (const el of r.children(r.root(DER_TAG.SEQUENCE, 'RSASSA-PSS-params'))) {
      const n = el.tag - contextTag(0);
      if (n < 0 || n > 3 || n <= last) r.fail('unexpected field', el.start);
      last = n;
      const inner = r.read(el.contentStart, el.end);
      if (inner.end !== el.end) r.fail('trailing bytes in a field', el.start);
      if (n === 0) hash = pssHash(r.tlv(inner));
      else if (n === 1) {
        const mgf = readAlgorithmIdentifier(r.tlv(inner));
        if (mgf.oid !== MGF1_OID || !mgf.parameters) {
          throw new PkiError(
            'ERR_UNSUPPORTED_ALGORITHM',
            `Unsupported RSASSA-PSS mask generation ${mgf.oid}`,
          );
        }
        mgfHash = pssHash(mgf.parameters);
      } else if (n === 2) {
        if (inner.tag !== DER_TAG.INTEGER) r.fail('saltLength must be an INTEGER', inner.start);
        saltLength = r.smallInteger(inner, 'saltLength');
      } else if (inner.tag !== DER_TAG.INTEGER || r.smallInteger(inner, 'trailerField') !== 1) {
        throw new PkiError('ERR_UNSUPPORTED_ALGORITHM', 'RSASSA-PSS trailerField must be 1 (RFC 4055 §3.1)');
      }
    }
  }
  if (mgfHash !== hash) {
    throw new PkiError(
      'ERR_UNSUPPORTED_ALGORITHM',
      `RSASSA-PSS with ${hash} and MGF1-${mgfHash} is not supported`,
    );
  }
  return { hash, saltLength };
}

/** The parameters of an AlgorithmIdentifier fit the table row (else the signature is malformed). */
function parametersFit(alg: SignatureAlgorithm, parameters: Uint8Array | undefined): boolean {
  if (alg.parameters === 'absent') return parameters === undefined;
  if (alg.parameters === 'null') {
    return parameters === undefined || (parameters.length === 2 && parameters[0] === DER_TAG.NULL);
  }
  return true; // RSASSA-PSS: read by readPssParams
}

/** Bounded cache of valid public keys and their WebCrypto imports, per SubjectPublicKeyInfo. */
interface KeyEntry {
  info: PublicKeyInfo;
  imported: Map<string, Promise<CryptoKey>>;
}
const KEY_CACHE_MAX = 64;
const keyCache = new Map<string, KeyEntry>();
let keyCacheProvider: Crypto | undefined;

function keyEntry(spki: Uint8Array): KeyEntry {
  const crypto = getCrypto();
  if (crypto !== keyCacheProvider) {
    keyCache.clear();
    keyCacheProvider = crypto;
  }
  const id = toBase64(spki);
  let entry = keyCache.get(id);
  if (entry) {
    keyCache.delete(id); // most recently used last
  } else {
    entry = { info: inspectPublicKey(spki.slice()), imported: new Map() };
    if (keyCache.size >= KEY_CACHE_MAX) keyCache.delete(keyCache.keys().next().value!);
  }
  keyCache.set(id, entry);
  return entry;
}

/** The SubjectPublicKeyInfo WebCrypto imports for `info` (an id-RSASSA-PSS key as rsaEncryption). */
function webCryptoSpki(info: PublicKeyInfo): Uint8Array {
  if (info.algorithmOid !== KEY_ALGORITHM_OIDS.rsassaPss) return info.der;
  return derSequence(
    derSequence(derOid(KEY_ALGORITHM_OIDS.rsaEncryption), derNull()),
    derBitString(info.subjectPublicKey),
  );
}

/**
 * The WebCrypto public key for `info` with import parameters `params`, imported once per key and
 * parameters while the key stays in the cache.
 * @throws {PkiError} `ERR_KEY_INVALID` when the provider rejects the key.
 */
export function importVerificationKey(
  info: PublicKeyInfo,
  params: RsaHashedImportParams | EcKeyImportParams,
): Promise<CryptoKey> {
  return importFromEntry(keyEntry(info.der), params);
}

function importFromEntry(
  entry: KeyEntry,
  params: RsaHashedImportParams | EcKeyImportParams,
): Promise<CryptoKey> {
  const id = JSON.stringify(params);
  let key = entry.imported.get(id);
  if (!key) {
    key = getCrypto()
      .subtle.importKey('spki', webCryptoSpki(entry.info) as BufferSource, params, true, ['verify'])
      .catch((cause: unknown) => {
        entry.imported.delete(id);
        throw new PkiError('ERR_KEY_INVALID', 'The crypto provider rejected the public key', { cause });
      });
    entry.imported.set(id, key);
  }
  return key;
}

async function verifyWebCrypto(
  entry: KeyEntry,
  key: PublicKeyInfo,
  alg: SignatureAlgorithm,
  parameters: Uint8Array | undefined,
  signature: Uint8Array,
  data: Uint8Array,
): Promise<boolean> {
  let importParams: RsaHashedImportParams | EcKeyImportParams;
  let verifyParams: Algorithm | RsaPssParams | EcdsaParams;
  let sig = signature;
  if (alg.method === 'RSASSA-PSS') {
    let pss: PssParams;
    try {
      pss = readPssParams(parameters);
    } catch (e) {
      if (e instanceof PkiError && e.code === 'ERR_UNSUPPORTED_ALGORITHM') throw e;
      return false; // malformed parameters cannot carry a valid signature
    }
    importParams = { name: 'RSA-PSS', hash: pss.hash };
    verifyParams = { name: 'RSA-PSS', saltLength: pss.saltLength } as RsaPssParams;
  } else if (alg.method === 'RSASSA-PKCS1-v1_5') {
    importParams = { name: 'RSASSA-PKCS1-v1_5', hash: alg.hash! };
    verifyParams = { name: 'RSASSA-PKCS1-v1_5' };
  } else {
    const curve = EC_CURVES[key.curve!];
    importParams = { name: 'ECDSA', namedCurve: curve.name };
    verifyParams = { name: 'ECDSA', hash: alg.hash! } as EcdsaParams;
    try {
      sig = ecdsaDerToRaw(signature, curve.size);
    } catch {
      return false;
    }
  }
  const cryptoKey = await importFromEntry(entry, importParams);
  try {
    return await getCrypto().subtle.verify(
      verifyParams,
      cryptoKey,
      sig as BufferSource,
      data as BufferSource,
    );
  } catch {
    return false; // e.g. an RSA signature longer than the modulus
  }
}

/**
 * Checks `signature` over `data` with the key in `publicKeyInfo`.
 *
 * @returns `true` when it verifies; `false` when it does not, or when the signature or the
 *   AlgorithmIdentifier is malformed (wrong parameters included).
 * @throws {PkiError} `ERR_UNSUPPORTED_ALGORITHM` for signature algorithms this package does not
 *   know (e.g. Ed25519) and keys on other curves; `ERR_KEY_INVALID` for a malformed or invalid public
 *   key or one of another family than the algorithm; `ERR_KEY_TOO_WEAK` for a key below the policy.
 * @example
 * ```ts
 * const ok = await verifySignature({
 *   data: tbsCertificate,
 *   algorithm: signatureAlgorithmDer, // or an OID such as SIGNATURE_OIDS.sha256WithRSAEncryption
 *   signature: signatureValue,
 *   publicKeyInfo: issuerSpki,
 * });
 * ```
 */
export async function verifySignature(input: VerifySignatureInput): Promise<boolean> {
  const { data, algorithm, signature, publicKeyInfo } = input ?? ({} as VerifySignatureInput);
  if (!(data instanceof Uint8Array) || !(signature instanceof Uint8Array)) {
    throw new PkiError('ERR_INVALID_ARGUMENT', 'data and signature must be bytes');
  }
  if (!(publicKeyInfo instanceof Uint8Array)) {
    throw new PkiError('ERR_INVALID_ARGUMENT', 'publicKeyInfo must be SubjectPublicKeyInfo DER bytes');
  }
  let oid: string;
  let parameters: Uint8Array | undefined;
  if (typeof algorithm === 'string') oid = algorithm;
  else if (algorithm instanceof Uint8Array) {
    try {
      ({ oid, parameters } = readAlgorithmIdentifier(algorithm));
    } catch {
      return false; // a malformed AlgorithmIdentifier cannot carry a valid signature
    }
  } else throw new PkiError('ERR_INVALID_ARGUMENT', 'algorithm must be AlgorithmIdentifier DER or an OID');
  const alg = findSignatureAlgorithm(oid);
  if (!alg) {
    throw new PkiError(
      'ERR_UNSUPPORTED_ALGORITHM',
      `Signature algorithm ${oid} is not supported for verification`,
    );
  }
  const entry = keyEntry(publicKeyInfo);
  const key = validatePublicKey(entry.info, input.keyPolicy ?? VERIFICATION_KEY_POLICY);
  if (key.family !== alg.family) {
    throw new PkiError('ERR_KEY_INVALID', `A ${key.algorithm} key cannot verify ${alg.name} signatures`);
  }
  if (!parametersFit(alg, parameters)) return false;
  switch (alg.family) {
    case 'rsa':
    case 'ec':
      return verifyWebCrypto(entry, key, alg, parameters, signature, data);
    case 'gost-2004':
    case 'gost-2015-256':
    case 'gost-2015-512':
      // Pure TypeScript (src/gost): KZ encodings, r || s little-endian; large inputs hashed in slices.
      return verifyGostAsync(alg.oid, publicKeyInfo, data, signature);
  }
}
