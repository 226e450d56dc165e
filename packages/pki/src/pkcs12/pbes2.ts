/**
 * PBES2 with PBKDF2 (RFC 8018 §6.2 and §5.2), the scheme of modern PKCS #12 files (OpenSSL 3's
 * default: PBKDF2-HMAC-SHA256, 2048 iterations, AES-256-CBC). PBKDF2 and AES run in WebCrypto;
 * des-ede3-cbc (allowed by RFC 8018 §B.2.2 and produced by `openssl pkcs12 -keypbe DES-EDE3-CBC`)
 * uses this package's own 3DES.
 *
 * ```asn1
 * PBES2-params ::= SEQUENCE {
 *     keyDerivationFunc AlgorithmIdentifier {{PBES2-KDFs}},
 *     encryptionScheme  AlgorithmIdentifier {{PBES2-Encs}} }
 *
 * PBKDF2-params ::= SEQUENCE {
 *     salt CHOICE {
 *         specified   OCTET STRING,
 *         otherSource AlgorithmIdentifier {{PBKDF2-SaltSources}} },
 *     iterationCount INTEGER (1..MAX),
 *     keyLength      INTEGER (1..MAX) OPTIONAL,
 *     prf            AlgorithmIdentifier {{PBKDF2-PRFs}} DEFAULT algid-hmacWithSHA1 }
 *
 * AES-IV ::= OCTET STRING (SIZE(16))        -- RFC 3565 / NIST CSOR
 * des-EDE3-CBC parameters: IV OCTET STRING (SIZE(8))
 * ```
 */
import * as asn1js from 'asn1js';
import { getCrypto, randomBytes } from '../crypto-provider.js';
import { derNull, derOctetString, derOid, derSequence, derSmallInteger } from '../der/writer.js';
import { PkiError } from '../errors.js';
import type { HashName } from '../signature/algorithms.js';
import { type Asn1Node, invalid, octets, oid, sequence, smallInteger } from './asn1.js';
import { cbcDecrypt, cbcEncrypt } from './cbc.js';
import { createTripleDes } from './des.js';
import { type DecodeLimits, readIterations } from './limits.js';
import { PKCS12_OIDS } from './oids.js';

/** PBKDF2 pseudo-random functions (HMAC with these hashes). */
export type Pbkdf2Prf = HashName;

/** Ciphers this module can use as the PBES2 encryption scheme. */
export type Pbes2Cipher = 'AES-128-CBC' | 'AES-192-CBC' | 'AES-256-CBC' | 'DES-EDE3-CBC';

const PRF_BY_OID: Readonly<Record<string, Pbkdf2Prf>> = {
  [PKCS12_OIDS.hmacWithSHA1]: 'SHA-1',
  [PKCS12_OIDS.hmacWithSHA256]: 'SHA-256',
  [PKCS12_OIDS.hmacWithSHA384]: 'SHA-384',
  [PKCS12_OIDS.hmacWithSHA512]: 'SHA-512',
};
const PRF_OID: Readonly<Record<Pbkdf2Prf, string>> = {
  'SHA-1': PKCS12_OIDS.hmacWithSHA1,
  'SHA-256': PKCS12_OIDS.hmacWithSHA256,
  'SHA-384': PKCS12_OIDS.hmacWithSHA384,
  'SHA-512': PKCS12_OIDS.hmacWithSHA512,
};

const CIPHERS: Readonly<Record<string, { name: Pbes2Cipher; keyLength: number; ivLength: number }>> = {
  [PKCS12_OIDS.aes128Cbc]: { name: 'AES-128-CBC', keyLength: 16, ivLength: 16 },
  [PKCS12_OIDS.aes192Cbc]: { name: 'AES-192-CBC', keyLength: 24, ivLength: 16 },
  [PKCS12_OIDS.aes256Cbc]: { name: 'AES-256-CBC', keyLength: 32, ivLength: 16 },
  [PKCS12_OIDS.desEde3Cbc]: { name: 'DES-EDE3-CBC', keyLength: 24, ivLength: 8 },
};
const CIPHER_OID: Readonly<Record<Pbes2Cipher, string>> = {
  'AES-128-CBC': PKCS12_OIDS.aes128Cbc,
  'AES-192-CBC': PKCS12_OIDS.aes192Cbc,
  'AES-256-CBC': PKCS12_OIDS.aes256Cbc,
  'DES-EDE3-CBC': PKCS12_OIDS.desEde3Cbc,
};

/** Decoded PBKDF2-params. */
export interface Pbkdf2Params {
  salt: Uint8Array;
  iterations: number;
  /** Derived key length, when the parameters state it. */
  keyLength?: number;
  prf: Pbkdf2Prf;
}

function unsupported(message: string): PkiError {
  return new PkiError('ERR_PKCS12_UNSUPPORTED', message);
}

/**
 * Decodes an AlgorithmIdentifier that must be id-PBKDF2 with PBKDF2-params.
 * @throws {PkiError} `ERR_PKCS12_INVALID` / `ERR_PKCS12_UNSUPPORTED`.
 */
export function parsePbkdf2(node: Asn1Node | undefined, what: string, limits: DecodeLimits): Pbkdf2Params {
  const [kdfOid, paramsNode] = sequence(node, what, 1, 2);
  const kdf = oid(kdfOid, `${what}.algorithm`);
  if (kdf !== PKCS12_OIDS.pbkdf2) throw unsupported(`Unsupported key derivation function ${kdf}`);
  const fields = sequence(paramsNode, 'PBKDF2-params', 2, 4);
  if (!(fields[0] instanceof asn1js.OctetString)) {
    throw unsupported('PBKDF2 salt from another source (otherSource) is not supported');
  }
  const salt = octets(fields[0], 'PBKDF2-params.salt');
  const iterations = readIterations(fields[1], 'PBKDF2-params.iterationCount', limits, 'pbkdf2');
  let keyLength: number | undefined;
  let prf: Pbkdf2Prf = 'SHA-1';
  let i = 2;
  if (fields[i] instanceof asn1js.Integer) {
    keyLength = smallInteger(fields[i], 'PBKDF2-params.keyLength', 1024);
    if (keyLength < 1 || keyLength > 1024) throw invalid('PBKDF2-params.keyLength is out of range');
    i++;
  }
  if (i < fields.length) {
    const [prfOid, prfParams] = sequence(fields[i], 'PBKDF2-params.prf', 1, 2);
    const prfName = PRF_BY_OID[oid(prfOid, 'PBKDF2-params.prf.algorithm')];
    if (!prfName) throw unsupported(`Unsupported PBKDF2 PRF ${oid(prfOid, 'prf')}`);
    if (prfParams !== undefined && !(prfParams instanceof asn1js.Null)) {
      throw invalid('PBKDF2 PRF parameters must be NULL or absent');
    }
    prf = prfName;
    i++;
  }
  if (i !== fields.length) throw invalid('PBKDF2-params has unexpected fields');
  return { salt, iterations, ...(keyLength === undefined ? {} : { keyLength }), prf };
}

/** Encodes id-PBKDF2 with its parameters; the PRF is left out when it is the DEFAULT hmacWithSHA1 (DER). */
export function pbkdf2AlgorithmIdentifier(p: Pbkdf2Params): Uint8Array {
  const fields = [derOctetString(p.salt), derSmallInteger(p.iterations)];
  if (p.keyLength !== undefined) fields.push(derSmallInteger(p.keyLength));
  if (p.prf !== 'SHA-1') fields.push(derSequence(derOid(PRF_OID[p.prf]), derNull()));
  return derSequence(derOid(PKCS12_OIDS.pbkdf2), derSequence(...fields));
}

/** PBKDF2 (RFC 8018 §5.2) through WebCrypto. */
export async function pbkdf2(
  password: Uint8Array,
  p: Pick<Pbkdf2Params, 'salt' | 'iterations' | 'prf'>,
  length: number,
): Promise<Uint8Array> {
  const subtle = getCrypto().subtle;
  const key = await subtle.importKey('raw', password as BufferSource, 'PBKDF2', false, ['deriveBits']);
  const bits = await subtle.deriveBits(
    { name: 'PBKDF2', salt: p.salt as BufferSource, iterations: p.iterations, hash: p.prf },
    key,
    length * 8,
  );
  return new Uint8Array(bits);
}

async function aesCbc(
  mode: 'encrypt' | 'decrypt',
  key: Uint8Array,
  iv: Uint8Array,
  data: Uint8Array,
): Promise<Uint8Array> {
  const subtle = getCrypto().subtle;
  const k = await subtle.importKey('raw', key as BufferSource, 'AES-CBC', false, [mode]);
  const params = { name: 'AES-CBC', iv: iv as BufferSource };
  const out =
    mode === 'encrypt'
      ? await subtle.encrypt(params, k, data as BufferSource)
      : await subtle.decrypt(params, k, data as BufferSource);
  return new Uint8Array(out);
}

/**
 * Decrypts PBES2-protected data.
 * @param params the PBES2-params node.
 * @param password the UTF-8 password bytes.
 * @returns the plaintext, or `undefined` when the padding is wrong (wrong password or corrupt data).
 * @throws {PkiError} `ERR_PKCS12_INVALID` on malformed parameters, `ERR_PKCS12_UNSUPPORTED` on
 *   algorithms outside this module or an iteration count above the limit.
 */
export async function decryptPbes2(
  params: Asn1Node | undefined,
  ciphertext: Uint8Array,
  password: Uint8Array,
  limits: DecodeLimits,
): Promise<Uint8Array | undefined> {
  const [kdfNode, encNode] = sequence(params, 'PBES2-params', 2, 2);
  const kdf = parsePbkdf2(kdfNode, 'PBES2-params.keyDerivationFunc', limits);
  const [encOid, ivNode] = sequence(encNode, 'PBES2-params.encryptionScheme', 1, 2);
  const cipherOid = oid(encOid, 'PBES2-params.encryptionScheme.algorithm');
  const cipher = CIPHERS[cipherOid];
  if (!cipher) throw unsupported(`Unsupported PBES2 encryption scheme ${cipherOid}`);
  const iv = octets(ivNode, `${cipher.name} IV`);
  if (iv.length !== cipher.ivLength) throw invalid(`${cipher.name} IV must be ${cipher.ivLength} bytes`);
  if (kdf.keyLength !== undefined && kdf.keyLength !== cipher.keyLength) {
    throw invalid(`PBKDF2 keyLength ${kdf.keyLength} does not fit ${cipher.name}`);
  }
  const key = await pbkdf2(password, kdf, cipher.keyLength);
  if (cipher.name === 'DES-EDE3-CBC') return cbcDecrypt(createTripleDes(key), iv, ciphertext);
  if (ciphertext.length === 0 || ciphertext.length % 16 !== 0) return undefined;
  try {
    return await aesCbc('decrypt', key, iv, ciphertext);
  } catch (cause) {
    // WebCrypto reports bad padding as OperationError; anything else is a provider limitation.
    if (cause instanceof Error && cause.name === 'OperationError') return undefined;
    throw new PkiError('ERR_PKCS12_UNSUPPORTED', `${cipher.name} is not available in this WebCrypto`, {
      cause,
    });
  }
}

/** Choices for {@link encryptPbes2}. */
export interface Pbes2Options {
  iterations: number;
  prf: Pbkdf2Prf;
  cipher: Pbes2Cipher;
  /** Salt length in bytes (RFC 8018 §4.1: at least 8; NIST SP 800-132: at least 16). */
  saltLength: number;
}

/** Encrypts `plaintext` with PBES2; returns the AlgorithmIdentifier and the ciphertext. */
export async function encryptPbes2(
  plaintext: Uint8Array,
  password: Uint8Array,
  options: Pbes2Options,
): Promise<{ algorithm: Uint8Array; ciphertext: Uint8Array }> {
  const cipherOid = CIPHER_OID[options.cipher];
  const cipher = CIPHERS[cipherOid]!;
  const kdf: Pbkdf2Params = {
    salt: randomBytes(options.saltLength),
    iterations: options.iterations,
    prf: options.prf,
  };
  const iv = randomBytes(cipher.ivLength);
  const key = await pbkdf2(password, kdf, cipher.keyLength);
  const ciphertext =
    cipher.name === 'DES-EDE3-CBC'
      ? cbcEncrypt(createTripleDes(key), iv, plaintext)
      : await aesCbc('encrypt', key, iv, plaintext);
  // PBES2-params ::= SEQUENCE { keyDerivationFunc AlgorithmIdentifier, encryptionScheme AlgorithmIdentifier }
  const params = derSequence(
    pbkdf2AlgorithmIdentifier(kdf),
    derSequence(derOid(cipherOid), derOctetString(iv)),
  );
  return { algorithm: derSequence(derOid(PKCS12_OIDS.pbes2), params), ciphertext };
}
