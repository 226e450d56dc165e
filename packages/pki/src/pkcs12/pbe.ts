/**
 * Password-based encryption as PKCS #12 uses it for shrouded key bags and EncryptedData: picks
 * the scheme from the AlgorithmIdentifier (PKCS #12 PBE of RFC 7292 Appendix C, or PBES2 of
 * RFC 8018) and feeds it the password in the encoding that scheme expects.
 *
 * ```asn1
 * AlgorithmIdentifier ::= SEQUENCE {
 *     algorithm   OBJECT IDENTIFIER,
 *     parameters  ANY DEFINED BY algorithm OPTIONAL }
 * ```
 */
import { randomBytes } from '../crypto-provider.js';
import { PkiError } from '../errors.js';
import { type Asn1Node, oid, sequence } from './asn1.js';
import type { DecodeLimits } from './limits.js';
import { PKCS12_OIDS } from './oids.js';
import type { PasswordEncodings } from './password.js';
import { decryptPkcs12Pbe, encryptPkcs12Pbe, isPkcs12PbeOid, type Pkcs12PbeOid } from './pbe-pkcs12.js';
import { decryptPbes2, encryptPbes2, type Pbes2Options } from './pbes2.js';

/** How {@link encryptWithPassword} protects data. */
export type PbeChoice =
  | { scheme: 'pkcs12'; algorithm: Pkcs12PbeOid; iterations: number; saltLength: number }
  | ({ scheme: 'pbes2' } & Pbes2Options);

/**
 * Decrypts `ciphertext` protected by the algorithm `algorithmNode` names.
 * @returns the plaintext, or `undefined` when decryption produced bad padding.
 * @throws {PkiError} `ERR_PKCS12_INVALID` on malformed parameters, `ERR_PKCS12_UNSUPPORTED` on
 *   schemes this package does not implement (RC4, PBES1, …).
 */
export async function decryptWithPassword(
  algorithmNode: Asn1Node | undefined,
  ciphertext: Uint8Array,
  password: PasswordEncodings,
  limits: DecodeLimits,
): Promise<Uint8Array | undefined> {
  const [algOid, params] = sequence(algorithmNode, 'encryption AlgorithmIdentifier', 1, 2);
  const algorithm = oid(algOid, 'encryption algorithm');
  if (isPkcs12PbeOid(algorithm)) return decryptPkcs12Pbe(algorithm, params, ciphertext, password.bmp, limits);
  if (algorithm === PKCS12_OIDS.pbes2) return decryptPbes2(params, ciphertext, password.utf8, limits);
  throw new PkiError('ERR_PKCS12_UNSUPPORTED', `Unsupported PKCS#12 encryption algorithm ${algorithm}`);
}

/** Encrypts `plaintext`; returns the AlgorithmIdentifier to store and the ciphertext. */
export async function encryptWithPassword(
  plaintext: Uint8Array,
  password: PasswordEncodings,
  choice: PbeChoice,
): Promise<{ algorithm: Uint8Array; ciphertext: Uint8Array }> {
  if (choice.scheme === 'pkcs12') {
    return encryptPkcs12Pbe(
      choice.algorithm,
      plaintext,
      password.bmp,
      randomBytes(choice.saltLength),
      choice.iterations,
    );
  }
  return encryptPbes2(plaintext, password.utf8, choice);
}
