/**
 * Reading PKCS #12 key stores (RFC 7292): the NCA RK legacy files (SHA-1 MAC, 3DES-shrouded key,
 * RC2-40-encrypted certificates) and modern ones (PBES2 AES-CBC + PBKDF2, SHA-2 MAC, RFC 9579
 * PBMAC1), including unencrypted bags and files without a MAC.
 */
import type * as pkijs from 'pkijs';
import { type BytesLike, bytesEqual, toBytes, toHex } from '../der/encoding.js';
import { isPkiError, PkiError } from '../errors.js';
import { VERIFICATION_KEY_POLICY, validatePublicKey } from '../keys/public-key.js';
import type { SigningKey } from '../signature/sign.js';
import { parseCertificate } from '../x509/certificate.js';
import { certificatePublicKeyInfo } from '../x509/certificate-fields.js';
import { type DecodeLimits, decodeLimits } from './limits.js';
import { parseMacData, verifyMac } from './mac.js';
import { type PasswordEncodings, passwordCandidates } from './password.js';
import { decryptWithPassword } from './pbe.js';
import { parseAuthenticatedSafe, parsePfx } from './pfx.js';
import { importPkcs8ForSigning, inspectPkcs8, keyMatchesCertificate, type Pkcs8Info } from './private-key.js';
import { type BagAttributes, parseSafeContents, type SafeBag } from './safe-bags.js';

/** What {@link openPkcs12} found in a key store. */
export interface Pkcs12Contents {
  /**
   * The private key as a WebCrypto key for signing (RSASSA-PKCS1-v1_5 with SHA-256 for RSA, ECDSA
   * for EC keys); absent for keys WebCrypto cannot import (NCA GOST keys: see `signingKey`).
   */
  privateKey?: CryptoKey;
  /**
   * The private key ready for this package's signing functions (`issueCertificate`, `buildCrl`,
   * OCSP responders, `createCsr`, `signData`): `privateKey` for RSA and EC keys, a
   * `GostPrivateKey` for the NCA's GOST key files (GOST512_…, GOSTKNCA_…). Absent for other keys.
   */
  signingKey?: SigningKey;
  /** The private key as PKCS #8 PrivateKeyInfo DER. */
  pkcs8: Uint8Array;
  /** DER of the certificate that belongs to the private key. */
  certificate: Uint8Array;
  /** DER of the other certificates, issuer of `certificate` first where the chain can be followed. */
  chain: Uint8Array[];
  /** friendlyName of the key bag (or of the certificate bag). */
  friendlyName?: string;
  /** localKeyID of the key bag (or of the certificate bag) as lower-case hex. */
  localKeyId?: string;
}

/** Options of {@link openPkcs12}. */
export interface OpenPkcs12Options {
  /** Whether `privateKey` may be exported again (default `true`: the PKCS #8 is returned anyway). */
  extractable?: boolean;
  /**
   * Largest iteration count accepted from the file, for either KDF. Default: 100,000 for the
   * PKCS #12 KDF and 1,000,000 for PBKDF2 (`DEFAULT_MAX_PKCS12_KDF_ITERATIONS`,
   * `DEFAULT_MAX_PBKDF2_ITERATIONS`: just above what NCA, OpenSSL, Windows and Java files use).
   * Larger counts, or more than six times the cap summed over the file, give
   * `ERR_PKCS12_UNSUPPORTED` instead of seconds of CPU time.
   */
  maxIterations?: number;
}

interface KeyEntry {
  pkcs8: Uint8Array;
  info: Pkcs8Info;
  attributes: BagAttributes;
}
interface CertEntry {
  der: Uint8Array;
  cert: pkijs.Certificate;
  attributes: BagAttributes;
}

const badPassword = (): PkiError =>
  new PkiError('ERR_PKCS12_BAD_PASSWORD', 'Wrong password for the PKCS#12 key store');

/**
 * Opens a PKCS #12 key store. The MAC (when present) is checked first, so a wrong password is
 * reported as such before any decryption; without a MAC, a decryption that yields bad padding or
 * garbage is taken as a wrong password. A file with several keys yields the first one.
 *
 * @example
 * ```ts
 * const p12 = await openPkcs12(readFileSync('AUTH_RSA256_6b36….p12'), 'Qwerty12');
 * const signature = await crypto.subtle.sign('RSASSA-PKCS1-v1_5', p12.privateKey!, data);
 * ```
 * @throws {PkiError} `ERR_PKCS12_BAD_PASSWORD` when the password is wrong,
 *   `ERR_PKCS12_INVALID` when the bytes are not a well-formed key store (or hold no key and
 *   certificate), `ERR_PKCS12_UNSUPPORTED` for algorithms or modes this package does not implement
 *   and for iteration counts above `maxIterations`, `ERR_KEY_INVALID` / `ERR_KEY_TOO_WEAK` when the
 *   certificate's public key is invalid or below `VERIFICATION_KEY_POLICY`.
 */
export async function openPkcs12(
  bytes: BytesLike,
  password: string,
  options: OpenPkcs12Options = {},
): Promise<Pkcs12Contents> {
  if (typeof password !== 'string') throw new PkiError('ERR_INVALID_ARGUMENT', 'password must be a string');
  const limits: DecodeLimits = decodeLimits(options.maxIterations);
  let contents: Pkcs12Contents;
  try {
    contents = await open(toBytes(bytes), password, limits, options.extractable ?? true);
  } catch (cause) {
    throw asPkcs12Error(cause);
  }
  checkPublicKey(contents.certificate);
  return contents;
}

/** What {@link openKeyPkcs12} found: a key store's private key, with its certificate if it has one. */
export interface Pkcs12KeyContents {
  /** As `Pkcs12Contents.privateKey`. */
  privateKey?: CryptoKey;
  /** As `Pkcs12Contents.signingKey`. */
  signingKey?: SigningKey;
  /** The private key as PKCS #8 PrivateKeyInfo DER. */
  pkcs8: Uint8Array;
  /** DER of the key's certificate, when the store holds one. */
  certificate?: Uint8Array;
  friendlyName?: string;
  /** localKeyID of the key bag as lower-case hex. */
  localKeyId?: string;
}

/**
 * Opens a PKCS #12 key store that may hold a private key without its certificate (what
 * `createKeyPkcs12` writes for a key whose certificate is not issued yet); a store with the
 * certificate opens too. Same checks and errors as `openPkcs12` (MAC first, then decryption).
 *
 * @example
 * ```ts
 * const pending = await openKeyPkcs12(readFileSync('GOST512_….p12'), 'Qwerty12');
 * privateKeyMatchesPublicKey(pending.pkcs8, spki); // true for the certificate issued for it
 * ```
 * @throws {PkiError} `ERR_PKCS12_BAD_PASSWORD`, `ERR_PKCS12_INVALID` (also: no private key),
 *   `ERR_PKCS12_UNSUPPORTED`.
 */
export async function openKeyPkcs12(
  bytes: BytesLike,
  password: string,
  options: OpenPkcs12Options = {},
): Promise<Pkcs12KeyContents> {
  if (typeof password !== 'string') throw new PkiError('ERR_INVALID_ARGUMENT', 'password must be a string');
  const limits: DecodeLimits = decodeLimits(options.maxIterations);
  try {
    const { keys, certs } = await readStore(toBytes(bytes), password, limits);
    const key = keys[0];
    if (!key) throw new PkiError('ERR_PKCS12_INVALID', 'The PKCS#12 file holds no private key');
    const own = certs.length > 0 ? certificateFor(key, certs) : undefined;
    const privateKey = await importPkcs8ForSigning(key.pkcs8, key.info, options.extractable ?? true);
    const signingKey: SigningKey | undefined = privateKey ?? key.info.gost;
    const friendlyName = key.attributes.friendlyName ?? own?.attributes.friendlyName;
    const localKeyId = key.attributes.localKeyId ?? own?.attributes.localKeyId;
    return {
      ...(privateKey ? { privateKey } : {}),
      ...(signingKey ? { signingKey } : {}),
      pkcs8: key.pkcs8,
      ...(own ? { certificate: own.der } : {}),
      ...(friendlyName !== undefined ? { friendlyName } : {}),
      ...(localKeyId !== undefined ? { localKeyId: toHex(localKeyId) } : {}),
    };
  } catch (cause) {
    throw asPkcs12Error(cause);
  }
}

/**
 * The error a failed opening reports: the three PKCS #12 codes as they are; anything else (a
 * certificate or key that does not parse, an exception inside asn1js) means the file content is
 * malformed.
 */
function asPkcs12Error(cause: unknown): PkiError {
  if (
    isPkiError(cause, 'ERR_PKCS12_BAD_PASSWORD') ||
    isPkiError(cause, 'ERR_PKCS12_INVALID') ||
    isPkiError(cause, 'ERR_PKCS12_UNSUPPORTED')
  ) {
    return cause;
  }
  return new PkiError('ERR_PKCS12_INVALID', 'Malformed PKCS#12 key store', { cause });
}

/**
 * The key store's certificate must hold a valid public key (`VERIFICATION_KEY_POLICY`): a file for
 * an RSA key with e = 1 or a point off the curve is refused. Keys of algorithms `validatePublicKey`
 * does not know yet are left as they are (they stay PKCS #8 bytes without a CryptoKey).
 */
function checkPublicKey(certificate: Uint8Array): void {
  try {
    validatePublicKey(certificatePublicKeyInfo(certificate), VERIFICATION_KEY_POLICY);
  } catch (e) {
    if (isPkiError(e, 'ERR_UNSUPPORTED_ALGORITHM')) return;
    if (isPkiError(e, 'ERR_KEY_INVALID') || isPkiError(e, 'ERR_KEY_TOO_WEAK')) throw e;
    // A certificate that does not parse (a damaged date, say) is a malformed key store.
    throw new PkiError('ERR_PKCS12_INVALID', 'Malformed PKCS#12 key store: its certificate does not parse', {
      cause: e,
    });
  }
}

/** The private keys and certificates of a key store, the MAC checked and everything decrypted. */
async function readStore(
  bytes: Uint8Array,
  password: string,
  limits: DecodeLimits,
): Promise<{ keys: KeyEntry[]; certs: CertEntry[] }> {
  const pfx = parsePfx(bytes);
  let candidates = passwordCandidates(password);
  const macVerified = pfx.macData !== undefined;
  if (pfx.macData) {
    const mac = parseMacData(pfx.macData, limits);
    let matched: PasswordEncodings | undefined;
    for (const c of candidates) {
      if (await verifyMac(mac, c, pfx.authSafeContent)) {
        matched = c;
        break;
      }
    }
    if (!matched) throw badPassword();
    candidates = [matched];
  }

  /**
   * Decrypts and decodes with the first password form that works. A failure is a wrong password
   * when no MAC vouched for it, and corruption when one did.
   */
  async function decryptAnd<T>(
    algorithm: Parameters<typeof decryptWithPassword>[0],
    ciphertext: Uint8Array,
    decode: (plain: Uint8Array) => T,
  ): Promise<T> {
    let lastError: unknown;
    for (const c of candidates) {
      const plain = await decryptWithPassword(algorithm, ciphertext, c, limits);
      if (plain === undefined) continue;
      try {
        return decode(plain);
      } catch (e) {
        lastError = e;
      }
    }
    if (!macVerified) throw badPassword();
    throw new PkiError(
      'ERR_PKCS12_INVALID',
      'Decryption failed although the MAC matched: the file is corrupt',
      {
        cause: lastError,
      },
    );
  }

  const bags: SafeBag[] = [];
  for (const entry of parseAuthenticatedSafe(pfx.authSafeContent)) {
    if (entry.kind === 'data') bags.push(...parseSafeContents(entry.safeContents));
    else bags.push(...(await decryptAnd(entry.algorithm, entry.ciphertext, parseSafeContents)));
  }

  const keys: KeyEntry[] = [];
  const certs: CertEntry[] = [];
  for (const bag of bags) {
    if (bag.type === 'key') {
      keys.push({ pkcs8: bag.pkcs8, info: inspectPkcs8(bag.pkcs8), attributes: bag.attributes });
    } else if (bag.type === 'shroudedKey') {
      const { pkcs8, info } = await decryptAnd(bag.algorithm, bag.encrypted, (plain) => ({
        pkcs8: plain,
        info: inspectPkcs8(plain),
      }));
      keys.push({ pkcs8, info, attributes: bag.attributes });
    } else if (bag.type === 'cert') {
      certs.push({ der: bag.der, cert: parseCertificate(bag.der), attributes: bag.attributes });
    }
  }

  return { keys, certs };
}

async function open(
  bytes: Uint8Array,
  password: string,
  limits: DecodeLimits,
  extractable: boolean,
): Promise<Pkcs12Contents> {
  const { keys, certs } = await readStore(bytes, password, limits);
  const key = keys[0];
  if (!key) throw new PkiError('ERR_PKCS12_INVALID', 'The PKCS#12 file holds no private key');
  const own = certificateFor(key, certs);
  const chain = orderChain(
    own,
    certs.filter((c) => c !== own),
  );
  const privateKey = await importPkcs8ForSigning(key.pkcs8, key.info, extractable);
  const friendlyName = key.attributes.friendlyName ?? own.attributes.friendlyName;
  const localKeyId = key.attributes.localKeyId ?? own.attributes.localKeyId;
  const signingKey: SigningKey | undefined = privateKey ?? key.info.gost;
  return {
    ...(privateKey ? { privateKey } : {}),
    ...(signingKey ? { signingKey } : {}),
    pkcs8: key.pkcs8,
    certificate: own.der,
    chain: chain.map((c) => c.der),
    ...(friendlyName !== undefined ? { friendlyName } : {}),
    ...(localKeyId !== undefined ? { localKeyId: toHex(localKeyId) } : {}),
  };
}

/**
 * The certificate of `key`: the one with the same localKeyID, else the one with the same public
 * key, else (for keys whose public half cannot be compared) the end of the chain.
 */
function certificateFor(key: KeyEntry, certs: CertEntry[]): CertEntry {
  const id = key.attributes.localKeyId;
  const byId = id
    ? certs.find((c) => c.attributes.localKeyId && bytesEqual(c.attributes.localKeyId, id))
    : undefined;
  if (byId) {
    if (keyMatchesCertificate(key.info, byId.cert) === false) {
      throw new PkiError(
        'ERR_PKCS12_INVALID',
        'The certificate with the key’s localKeyID is not for that key',
      );
    }
    return byId;
  }
  const matches = certs.map((c) => keyMatchesCertificate(key.info, c.cert));
  const exact = certs.find((_, i) => matches[i] === true);
  if (exact) return exact;
  const possible = certs.filter((_, i) => matches[i] === undefined);
  // The leaf: a certificate that issued none of the others.
  const leaf = possible.find((c) => !certs.some((o) => o !== c && o.cert.issuer.isEqual(c.cert.subject)));
  const chosen = leaf ?? possible[0];
  if (!chosen)
    throw new PkiError('ERR_PKCS12_INVALID', 'The PKCS#12 file holds no certificate for its private key');
  return chosen;
}

/** Orders `rest` as the chain above `leaf` (issuer by issuer), then whatever is left in file order. */
function orderChain(leaf: CertEntry, rest: CertEntry[]): CertEntry[] {
  const remaining = [...rest];
  const ordered: CertEntry[] = [];
  let current = leaf;
  while (!current.cert.issuer.isEqual(current.cert.subject)) {
    const i = remaining.findIndex((c) => c.cert.subject.isEqual(current.cert.issuer));
    if (i < 0) break;
    current = remaining.splice(i, 1)[0]!;
    ordered.push(current);
  }
  return [...ordered, ...remaining];
}
