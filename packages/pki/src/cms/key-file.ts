/**
 * A signer from an NCA key file (PKCS #12): the key as a {@link SigningKey} whatever its family —
 * the WebCrypto key for RSA and ECDSA, a `GostPrivateKey` for the NCA's GOST keys (which WebCrypto
 * cannot import) — with its certificate and the file's other certificates, ready for `signCms`.
 */
import type { BytesLike } from '../der/encoding.js';
import { PkiError } from '../errors.js';
import { decodeGostPkcs8, isGostPkcs8 } from '../gost/pkcs8.js';
import { openPkcs12 } from '../pkcs12/open.js';
import type { SigningKey } from '../signature/sign.js';
import type { CmsSignerOptions } from './sign.js';

/** What {@link openSignerKeyFile} returns: options for one `signCms` signer. */
export interface KeyFileSigner extends CmsSignerOptions {
  key: SigningKey;
  /** The key's certificate (DER). */
  certificate: Uint8Array;
  /** The file's other certificates (DER), issuer first where the chain can be followed. */
  certificates: Uint8Array[];
}

/**
 * Opens a PKCS #12 key file and returns a CMS signer for it (RSA, ECDSA or GOST).
 * @throws {PkiError} `ERR_PKCS12_BAD_PASSWORD`, `ERR_PKCS12_INVALID`, `ERR_PKCS12_UNSUPPORTED` from
 *   `openPkcs12`; `ERR_UNSUPPORTED_ALGORITHM` for a key this package cannot sign with.
 * @example
 * ```ts
 * const signer = await openSignerKeyFile(await readFile('GOST512_ec42….p12'), 'Qwerty12');
 * const p7s = await signCms({ content, signers: signer });
 * ```
 */
export async function openSignerKeyFile(bytes: BytesLike, password: string): Promise<KeyFileSigner> {
  const contents = await openPkcs12(bytes, password, { extractable: false });
  let key: SigningKey;
  if (contents.privateKey) key = contents.privateKey;
  else if (isGostPkcs8(contents.pkcs8)) key = decodeGostPkcs8(contents.pkcs8);
  else
    throw new PkiError('ERR_UNSUPPORTED_ALGORITHM', 'The key file holds a key this package cannot sign with');
  return { key, certificate: contents.certificate, certificates: contents.chain };
}
