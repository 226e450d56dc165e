/**
 * PKCS #12 password integrity (RFC 7292 §4 and Appendix B): an HMAC over the AuthenticatedSafe
 * content, keyed from the password. Two key derivations exist:
 * - classic MacData: the PKCS #12 KDF with ID 3 over the BMPString password, HMAC with the same
 *   hash (SHA-1 in NCA and `-legacy` files, SHA-256 in OpenSSL 3's default);
 * - PBMAC1 (RFC 9579, OpenSSL ≥ 3.4 `-pbmac1_pbkdf2`): PBKDF2 over the UTF-8 password, then HMAC;
 *   `macSalt` and `iterations` of MacData are then ignored.
 *
 * ```asn1
 * MacData ::= SEQUENCE {
 *     mac        DigestInfo,
 *     macSalt    OCTET STRING,
 *     iterations INTEGER DEFAULT 1 }
 * DigestInfo ::= SEQUENCE {
 *     digestAlgorithm DigestAlgorithmIdentifier,
 *     digest          OCTET STRING }
 * PBMAC1-params ::= SEQUENCE {                                   -- RFC 8018 §A.5
 *     keyDerivationFunc AlgorithmIdentifier {{PBMAC1-KDFs}},
 *     messageAuthScheme AlgorithmIdentifier {{PBMAC1-MACs}} }
 * ```
 */
import { getCrypto, randomBytes } from '../crypto-provider.js';
import { bytesEqual } from '../der/encoding.js';
import { derNull, derOctetString, derOid, derSequence, derSmallInteger } from '../der/writer.js';
import { PkiError } from '../errors.js';
import { HASH_LENGTHS, type HashName } from '../signature/algorithms.js';
import { type Asn1Node, invalid, octets, oid, sequence } from './asn1.js';
import { type DecodeLimits, readIterations } from './limits.js';
import { PKCS12_OIDS } from './oids.js';
import type { PasswordEncodings } from './password.js';
import { type Pbkdf2Params, parsePbkdf2, pbkdf2 } from './pbes2.js';
import { KDF_ID_MAC, pkcs12Kdf } from './pkcs12-kdf.js';

/** Hashes usable for the PKCS #12 MAC (every {@link HashName}). */
export type MacHash = HashName;

const HASH_BY_OID: Readonly<Record<string, MacHash>> = {
  [PKCS12_OIDS.sha1]: 'SHA-1',
  [PKCS12_OIDS.sha256]: 'SHA-256',
  [PKCS12_OIDS.sha384]: 'SHA-384',
  [PKCS12_OIDS.sha512]: 'SHA-512',
};
const HASH_OID: Readonly<Record<MacHash, string>> = {
  'SHA-1': PKCS12_OIDS.sha1,
  'SHA-256': PKCS12_OIDS.sha256,
  'SHA-384': PKCS12_OIDS.sha384,
  'SHA-512': PKCS12_OIDS.sha512,
};
const HMAC_BY_OID: Readonly<Record<string, MacHash>> = {
  [PKCS12_OIDS.hmacWithSHA1]: 'SHA-1',
  [PKCS12_OIDS.hmacWithSHA256]: 'SHA-256',
  [PKCS12_OIDS.hmacWithSHA384]: 'SHA-384',
  [PKCS12_OIDS.hmacWithSHA512]: 'SHA-512',
};
const OUTPUT_LENGTH: Readonly<Record<MacHash, number>> = HASH_LENGTHS;

/** A decoded MacData. */
export type MacInfo =
  | { kind: 'pkcs12'; hash: MacHash; salt: Uint8Array; iterations: number; digest: Uint8Array }
  | { kind: 'pbmac1'; kdf: Pbkdf2Params & { keyLength: number }; hmac: MacHash; digest: Uint8Array };

/**
 * Decodes MacData.
 * @throws {PkiError} `ERR_PKCS12_INVALID` on malformed data, `ERR_PKCS12_UNSUPPORTED` on unknown
 *   digests or an iteration count above the limit.
 */
export function parseMacData(node: Asn1Node, limits: DecodeLimits): MacInfo {
  const [digestInfo, saltNode, iterNode] = sequence(node, 'MacData', 2, 3);
  const [algNode, digestNode] = sequence(digestInfo, 'MacData.mac', 2, 2);
  const [algOid, params] = sequence(algNode, 'MacData.mac.digestAlgorithm', 1, 2);
  const algorithm = oid(algOid, 'MacData digest algorithm');
  const digest = octets(digestNode, 'MacData.mac.digest');
  if (algorithm === PKCS12_OIDS.pbmac1) {
    const [kdfNode, macNode] = sequence(params, 'PBMAC1-params', 2, 2);
    const kdf = parsePbkdf2(kdfNode, 'PBMAC1-params.keyDerivationFunc', limits);
    // RFC 9579 §3: keyLength MUST be present, because HMAC keys have no inherent length.
    if (kdf.keyLength === undefined) throw invalid('PBMAC1 PBKDF2-params lack the required keyLength');
    const [macOid] = sequence(macNode, 'PBMAC1-params.messageAuthScheme', 1, 2);
    const hmacOid = oid(macOid, 'PBMAC1 messageAuthScheme');
    const hmac = HMAC_BY_OID[hmacOid];
    if (!hmac) throw new PkiError('ERR_PKCS12_UNSUPPORTED', `Unsupported PBMAC1 MAC ${hmacOid}`);
    if (digest.length !== OUTPUT_LENGTH[hmac]) throw invalid('PBMAC1 MAC value has the wrong length');
    return { kind: 'pbmac1', kdf: { ...kdf, keyLength: kdf.keyLength }, hmac, digest };
  }
  const hash = HASH_BY_OID[algorithm];
  if (!hash) throw new PkiError('ERR_PKCS12_UNSUPPORTED', `Unsupported PKCS#12 MAC digest ${algorithm}`);
  if (digest.length !== OUTPUT_LENGTH[hash]) throw invalid('MAC value has the wrong length');
  const salt = octets(saltNode, 'MacData.macSalt');
  const iterations =
    iterNode === undefined ? 1 : readIterations(iterNode, 'MacData.iterations', limits, 'pkcs12-kdf');
  return { kind: 'pkcs12', hash, salt, iterations, digest };
}

async function hmac(hash: MacHash, key: Uint8Array, data: Uint8Array): Promise<Uint8Array> {
  const subtle = getCrypto().subtle;
  const k = await subtle.importKey('raw', key as BufferSource, { name: 'HMAC', hash }, false, ['sign']);
  return new Uint8Array(await subtle.sign('HMAC', k, data as BufferSource));
}

/** The MAC value `mac` describes, recomputed over `content` with `password`. */
async function computeMac(
  mac: MacInfo,
  password: PasswordEncodings,
  content: Uint8Array,
): Promise<Uint8Array> {
  if (mac.kind === 'pbmac1') {
    const key = await pbkdf2(password.utf8, mac.kdf, mac.kdf.keyLength);
    return hmac(mac.hmac, key, content);
  }
  const key = pkcs12Kdf({
    hash: mac.hash,
    password: password.bmp,
    salt: mac.salt,
    iterations: mac.iterations,
    id: KDF_ID_MAC,
    length: OUTPUT_LENGTH[mac.hash],
  });
  return hmac(mac.hash, key, content);
}

/** `true` when the MAC over `content` matches with `password` (constant-time comparison). */
export async function verifyMac(
  mac: MacInfo,
  password: PasswordEncodings,
  content: Uint8Array,
): Promise<boolean> {
  return bytesEqual(await computeMac(mac, password, content), mac.digest);
}

/** Choices for {@link createMacData}. */
export interface MacOptions {
  hash: MacHash;
  iterations: number;
  saltLength: number;
}

/** Builds a classic MacData (PKCS #12 KDF ID 3 + HMAC) over `content`. */
export async function createMacData(
  options: MacOptions,
  password: PasswordEncodings,
  content: Uint8Array,
): Promise<Uint8Array> {
  const salt = randomBytes(options.saltLength);
  const info: MacInfo = {
    kind: 'pkcs12',
    hash: options.hash,
    salt,
    iterations: options.iterations,
    digest: new Uint8Array(0),
  };
  const digest = await computeMac(info, password, content);
  // DigestAlgorithmIdentifier with NULL parameters, as OpenSSL, Java and the NCA files write it.
  // MacData ::= SEQUENCE { mac DigestInfo, macSalt OCTET STRING, iterations INTEGER DEFAULT 1 }
  return derSequence(
    derSequence(derSequence(derOid(HASH_OID[options.hash]), derNull()), derOctetString(digest)),
    derOctetString(salt),
    // DER leaves out a value equal to the DEFAULT (1).
    ...(options.iterations === 1 ? [] : [derSmallInteger(options.iterations)]),
  );
}
