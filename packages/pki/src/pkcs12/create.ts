/**
 * Writing PKCS #12 key stores in two profiles:
 * - `modern` (default): what OpenSSL 3 writes by default, PBES2 (PBKDF2-HMAC-SHA256,
 *   AES-256-CBC) for the certificates and the key, HMAC-SHA256 MAC, 2048 iterations;
 * - `legacy`: the structure of the key stores the NCA RK issues, for old clients: a
 *   pbeWithSHAAnd3-KeyTripleDES-CBC shrouded key bag in plain data, the certificates in
 *   pbeWithSHAAnd40BitRC2-CBC EncryptedData, a SHA-1 MAC, 1024 iterations, 20-byte salts.
 */
import { checkPassword } from '@kzpki/password-policy';
import { getCrypto } from '../crypto-provider.js';
import { fromHex } from '../der/encoding.js';
import { PkiError } from '../errors.js';
import { GostPrivateKey } from '../gost/keys.js';
import { encodeGostPkcs8 } from '../gost/pkcs8.js';
import { type CertificateInput, certificateToDer, parseCertificate } from '../x509/certificate.js';
import { DEFAULT_MAX_PKCS12_KDF_ITERATIONS } from './limits.js';
import { createMacData, type MacOptions } from './mac.js';
import { certificateKeyId } from './naming.js';
import { PKCS12_OIDS } from './oids.js';
import { passwordCandidates } from './password.js';
import { encryptWithPassword, type PbeChoice } from './pbe.js';
import { dataContentInfo, encodeAuthenticatedSafe, encodePfx, encryptedDataContentInfo } from './pfx.js';
import { inspectPkcs8, keyMatchesCertificate } from './private-key.js';
import { type BagAttributes, certBag, encodeSafeContents, shroudedKeyBag } from './safe-bags.js';

/** Options of {@link createPkcs12}. */
export interface CreatePkcs12Options {
  /**
   * The private key: an extractable CryptoKey, a `GostPrivateKey` (written in the NCA's PKCS #8
   * form, src/gost/pkcs8.ts), or PKCS #8 PrivateKeyInfo DER.
   */
  privateKey: CryptoKey | GostPrivateKey | Uint8Array;
  /** The certificate of the key. */
  certificate: CertificateInput;
  /** Further certificates to include (issuing CA, root), in any order. */
  chain?: CertificateInput[];
  /** The key store password. */
  password: string;
  /** friendlyName of the key and its certificate; default: the certificate's SKI as lower-case hex. */
  friendlyName?: string;
  /** localKeyID as hex; default: the certificate's SubjectKeyIdentifier. */
  localKeyId?: string;
  /** `modern` (default) or `legacy` (NCA-style, for old clients). */
  format?: 'modern' | 'legacy';
  /**
   * Iteration count for key derivation and the MAC; default 2048 (`modern`) or 1024 (`legacy`), at
   * most 100,000 (what `openPkcs12` opens by default).
   */
  iterations?: number;
  /** Skip the `@kzpki/password-policy` check (tests, migrations of existing stores). */
  skipPasswordPolicy?: boolean;
}

interface Profile {
  keyEncryption: PbeChoice;
  certEncryption: PbeChoice;
  mac: MacOptions;
  /** Key bag before (NCA) or after (OpenSSL) the certificates. */
  keyFirst: boolean;
}

function profile(format: 'modern' | 'legacy', iterations: number): Profile {
  if (format === 'legacy') {
    return {
      keyEncryption: {
        scheme: 'pkcs12',
        algorithm: PKCS12_OIDS.pbeWithSHAAnd3KeyTripleDESCBC,
        iterations,
        saltLength: 20,
      },
      certEncryption: {
        scheme: 'pkcs12',
        algorithm: PKCS12_OIDS.pbeWithSHAAnd40BitRC2CBC,
        iterations,
        saltLength: 20,
      },
      mac: { hash: 'SHA-1', iterations, saltLength: 20 },
      keyFirst: true,
    };
  }
  const pbes2: PbeChoice = {
    scheme: 'pbes2',
    iterations,
    prf: 'SHA-256',
    cipher: 'AES-256-CBC',
    saltLength: 16,
  };
  return {
    keyEncryption: pbes2,
    certEncryption: pbes2,
    mac: { hash: 'SHA-256', iterations, saltLength: 16 },
    keyFirst: false,
  };
}

async function pkcs8Of(privateKey: CryptoKey | GostPrivateKey | Uint8Array): Promise<Uint8Array> {
  if (privateKey instanceof Uint8Array) return privateKey;
  if (privateKey instanceof GostPrivateKey) return encodeGostPkcs8(privateKey);
  if (privateKey?.type !== 'private')
    throw new PkiError('ERR_KEY_INVALID', 'privateKey must be a private CryptoKey or PKCS#8 bytes');
  try {
    return new Uint8Array(await getCrypto().subtle.exportKey('pkcs8', privateKey));
  } catch (cause) {
    throw new PkiError(
      'ERR_KEY_INVALID',
      'The private CryptoKey cannot be exported (create it extractable)',
      { cause },
    );
  }
}

/**
 * Creates a password-protected PKCS #12 key store holding one private key, its certificate and
 * optionally the rest of the chain. Both bags carry friendlyName and localKeyID (the SKI by
 * default, as NCA key stores do), so Java keytool, OpenSSL, NSS and Windows pair them.
 *
 * @example
 * ```ts
 * const p12 = await createPkcs12({ privateKey: keys.privateKey, certificate: issued.der, password });
 * writeFileSync(ncaKeyFileName(issued.der), p12, { mode: 0o600 }); // a private key: owner only
 * ```
 * @throws {PkiError} `ERR_PASSWORD_POLICY` when the password fails the policy, with
 *   `details.violations: Array<{ code, message }>` (the policy's own codes and messages);
 *   `ERR_KEY_INVALID` for an unusable key; `ERR_CERTIFICATE_INVALID` for a malformed certificate;
 *   `ERR_INVALID_ARGUMENT` when the key does not belong to the certificate or an option is out
 *   of range.
 */
export async function createPkcs12(options: CreatePkcs12Options): Promise<Uint8Array> {
  const { format, iterations } = checkStoreOptions(options);

  const pkcs8 = await pkcs8Of(options.privateKey);
  const keyInfo = inspectPkcs8(pkcs8);
  const certificate = certificateToDer(options.certificate);
  if (keyMatchesCertificate(keyInfo, parseCertificate(certificate)) === false) {
    throw new PkiError('ERR_INVALID_ARGUMENT', 'The private key does not belong to the certificate');
  }
  const chain = (options.chain ?? []).map((c) => certificateToDer(c));
  const ski = certificateKeyId(certificate);
  const attributes = bagAttributes(options.friendlyName ?? ski, options.localKeyId ?? ski);

  const p = profile(format, iterations);
  const password = passwordCandidates(options.password)[0]!;
  const key = await encryptWithPassword(pkcs8, password, p.keyEncryption);
  const keyContent = dataContentInfo(
    encodeSafeContents([shroudedKeyBag(key.algorithm, key.ciphertext, attributes)]),
  );
  const certs = await encryptWithPassword(
    encodeSafeContents([certBag(certificate, attributes), ...chain.map((der) => certBag(der))]),
    password,
    p.certEncryption,
  );
  const certsContent = encryptedDataContentInfo(certs.algorithm, certs.ciphertext);
  const authSafe = encodeAuthenticatedSafe(
    p.keyFirst ? [keyContent, certsContent] : [certsContent, keyContent],
  );
  return encodePfx(authSafe, await createMacData(p.mac, password, authSafe));
}

/** Options of {@link createKeyPkcs12}: those of `createPkcs12` without the certificates. */
export interface CreateKeyPkcs12Options extends Omit<CreatePkcs12Options, 'certificate' | 'chain'> {
  /** friendlyName of the key; required here, as there is no certificate to take the SKI from. */
  friendlyName: string;
  /** localKeyID as hex (default: none); the SKI the certificate will carry, where known. */
  localKeyId?: string;
}

/**
 * Creates a password-protected PKCS #12 key store holding only a private key (a shrouded key bag
 * and the MAC, in the chosen profile): the key of a certificate that is not issued yet, kept until
 * it is, as the NCA's application page keeps the keys it generates in the folder the user chose.
 * `openKeyPkcs12` opens it; `createPkcs12` later writes the key with its certificate.
 *
 * @example
 * ```ts
 * const pending = await createKeyPkcs12({ privateKey: gostKey, password, friendlyName: skiHex, localKeyId: skiHex });
 * const { pkcs8 } = await openKeyPkcs12(pending, password);
 * ```
 * @throws {PkiError} as `createPkcs12`: `ERR_PASSWORD_POLICY`, `ERR_KEY_INVALID`,
 *   `ERR_INVALID_ARGUMENT`.
 */
export async function createKeyPkcs12(options: CreateKeyPkcs12Options): Promise<Uint8Array> {
  const { format, iterations } = checkStoreOptions(options);
  const pkcs8 = await pkcs8Of(options.privateKey);
  inspectPkcs8(pkcs8);
  const attributes = bagAttributes(options.friendlyName, options.localKeyId);
  const p = profile(format, iterations);
  const password = passwordCandidates(options.password)[0]!;
  const key = await encryptWithPassword(pkcs8, password, p.keyEncryption);
  const authSafe = encodeAuthenticatedSafe([
    dataContentInfo(encodeSafeContents([shroudedKeyBag(key.algorithm, key.ciphertext, attributes)])),
  ]);
  return encodePfx(authSafe, await createMacData(p.mac, password, authSafe));
}

/** friendlyName and localKeyID, checked. */
function bagAttributes(friendlyName: string, localKeyIdHex: string | undefined): BagAttributes {
  // PKCS #9: friendlyName ::= BMPString (SIZE(1..pkcs-9-ub-friendlyName)), ub = 255.
  if (typeof friendlyName !== 'string' || friendlyName.length < 1 || friendlyName.length > 255) {
    throw new PkiError('ERR_INVALID_ARGUMENT', 'friendlyName must be 1 to 255 characters');
  }
  if (localKeyIdHex === undefined) return { friendlyName };
  let localKeyId: Uint8Array;
  try {
    localKeyId = fromHex(localKeyIdHex);
  } catch (cause) {
    throw new PkiError('ERR_INVALID_ARGUMENT', 'localKeyId must be hex', { cause });
  }
  if (localKeyId.length === 0) throw new PkiError('ERR_INVALID_ARGUMENT', 'localKeyId must not be empty');
  return { friendlyName, localKeyId };
}

/** The format and iteration count of a new key store, after the option and password checks. */
function checkStoreOptions(
  options: Pick<CreatePkcs12Options, 'format' | 'iterations' | 'password' | 'skipPasswordPolicy'>,
): { format: 'modern' | 'legacy'; iterations: number } {
  const format = options.format ?? 'modern';
  if (format !== 'modern' && format !== 'legacy') {
    throw new PkiError('ERR_INVALID_ARGUMENT', `Unknown PKCS#12 format ${String(format)}`);
  }
  const iterations = options.iterations ?? (format === 'modern' ? 2048 : 1024);
  // What openPkcs12 opens by default, so that every file written here opens again (both formats
  // key their MAC with the PKCS #12 KDF, the lower cap).
  const maxIterations = DEFAULT_MAX_PKCS12_KDF_ITERATIONS;
  if (!Number.isSafeInteger(iterations) || iterations < 1 || iterations > maxIterations) {
    throw new PkiError(
      'ERR_INVALID_ARGUMENT',
      `iterations must be an integer in 1..${maxIterations} for the ${format} format`,
    );
  }
  if (typeof options.password !== 'string')
    throw new PkiError('ERR_INVALID_ARGUMENT', 'password must be a string');
  if (!options.skipPasswordPolicy) {
    const verdict = checkPassword(options.password);
    if (!verdict.ok) {
      // Only code and message: a violation's own details may quote password characters.
      const violations = verdict.violations.map(({ code, message }) => ({ code, message }));
      throw new PkiError('ERR_PASSWORD_POLICY', 'The password does not meet the password policy', {
        details: { violations },
      });
    }
  }
  return { format, iterations };
}
