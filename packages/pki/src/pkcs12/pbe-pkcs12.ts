/**
 * The PKCS #12 password-based encryption schemes (RFC 7292 Appendix C): key and IV come from the
 * PKCS #12 KDF with SHA-1 (IDs 1 and 2), the data is 3DES-CBC or RC2-CBC with PKCS #7 padding.
 *
 * ```asn1
 * pkcs-12PbeParams ::= SEQUENCE {
 *     salt        OCTET STRING,
 *     iterations  INTEGER
 * }
 * ```
 */
import { derOctetString, derOid, derSequence, derSmallInteger } from '../der/writer.js';
import { PkiError } from '../errors.js';
import { type Asn1Node, octets, sequence } from './asn1.js';
import type { BlockCipher } from './block-cipher.js';
import { cbcDecrypt, cbcEncrypt } from './cbc.js';
import { createTripleDes } from './des.js';
import { type DecodeLimits, readIterations } from './limits.js';
import { PKCS12_OIDS } from './oids.js';
import { KDF_ID_IV, KDF_ID_KEY, pkcs12Kdf } from './pkcs12-kdf.js';
import { createRc2 } from './rc2.js';

interface Pkcs12PbeScheme {
  /** Key length in bytes. */
  keyLength: number;
  /** Builds the cipher from the derived key. */
  cipher(key: Uint8Array): BlockCipher;
}

const SCHEMES: Readonly<Record<string, Pkcs12PbeScheme>> = {
  [PKCS12_OIDS.pbeWithSHAAnd3KeyTripleDESCBC]: { keyLength: 24, cipher: createTripleDes },
  [PKCS12_OIDS.pbeWithSHAAnd2KeyTripleDESCBC]: { keyLength: 16, cipher: createTripleDes },
  [PKCS12_OIDS.pbeWithSHAAnd128BitRC2CBC]: { keyLength: 16, cipher: (k) => createRc2(k, 128) },
  [PKCS12_OIDS.pbeWithSHAAnd40BitRC2CBC]: { keyLength: 5, cipher: (k) => createRc2(k, 40) },
};

/** The PKCS #12 PBE algorithms this module implements. */
export type Pkcs12PbeOid =
  | typeof PKCS12_OIDS.pbeWithSHAAnd3KeyTripleDESCBC
  | typeof PKCS12_OIDS.pbeWithSHAAnd2KeyTripleDESCBC
  | typeof PKCS12_OIDS.pbeWithSHAAnd128BitRC2CBC
  | typeof PKCS12_OIDS.pbeWithSHAAnd40BitRC2CBC;

/** `true` for the PKCS #12 PBE OIDs this module can decrypt. */
export function isPkcs12PbeOid(oid: string): oid is Pkcs12PbeOid {
  return Object.hasOwn(SCHEMES, oid);
}

function keyAndIv(
  scheme: Pkcs12PbeScheme,
  password: Uint8Array,
  salt: Uint8Array,
  iterations: number,
): { cipher: BlockCipher; iv: Uint8Array } {
  const common = { hash: 'SHA-1' as const, password, salt, iterations };
  const key = pkcs12Kdf({ ...common, id: KDF_ID_KEY, length: scheme.keyLength });
  const iv = pkcs12Kdf({ ...common, id: KDF_ID_IV, length: 8 });
  return { cipher: scheme.cipher(key), iv };
}

/**
 * Decrypts data protected with a PKCS #12 PBE scheme.
 * @param params the AlgorithmIdentifier parameters (pkcs-12PbeParams).
 * @param password the BMPString password bytes.
 * @returns the plaintext, or `undefined` when the padding is wrong (wrong password or corrupt data).
 * @throws {PkiError} `ERR_PKCS12_INVALID` on malformed parameters, `ERR_PKCS12_UNSUPPORTED` on
 *   an iteration count above the limit.
 */
export function decryptPkcs12Pbe(
  oid: Pkcs12PbeOid,
  params: Asn1Node | undefined,
  ciphertext: Uint8Array,
  password: Uint8Array,
  limits: DecodeLimits,
): Uint8Array | undefined {
  const scheme = SCHEMES[oid]!;
  const [saltNode, iterNode] = sequence(params, 'pkcs-12PbeParams', 2, 2);
  const salt = octets(saltNode, 'pkcs-12PbeParams.salt');
  const iterations = readIterations(iterNode, 'pkcs-12PbeParams.iterations', limits, 'pkcs12-kdf', 2);
  const { cipher, iv } = keyAndIv(scheme, password, salt, iterations);
  return cbcDecrypt(cipher, iv, ciphertext);
}

/**
 * Encrypts `plaintext` with a PKCS #12 PBE scheme.
 * @returns the AlgorithmIdentifier to store beside the ciphertext, and the ciphertext.
 */
export function encryptPkcs12Pbe(
  oid: Pkcs12PbeOid,
  plaintext: Uint8Array,
  password: Uint8Array,
  salt: Uint8Array,
  iterations: number,
): { algorithm: Uint8Array; ciphertext: Uint8Array } {
  const scheme = SCHEMES[oid];
  if (!scheme) throw new PkiError('ERR_INVALID_ARGUMENT', `Not a PKCS#12 PBE algorithm: ${oid}`);
  const { cipher, iv } = keyAndIv(scheme, password, salt, iterations);
  // pkcs-12PbeParams ::= SEQUENCE { salt OCTET STRING, iterations INTEGER }
  const params = derSequence(derOctetString(salt), derSmallInteger(iterations));
  return { algorithm: derSequence(derOid(oid), params), ciphertext: cbcEncrypt(cipher, iv, plaintext) };
}
