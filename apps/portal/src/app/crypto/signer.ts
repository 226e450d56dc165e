/**
 * A key that signs for the cabinet and the operator view, wherever it is held: a key file opened
 * in this browser, or a key held by NCALayer (`ncalayer.ts`). The CA's login and decision checks
 * take the certificate and a signature over the text it sent (`toBeSigned`, the decision
 * document), so both kinds give exactly that.
 */
import { type OpenedKey, signBytes } from './key-files.js';

/** A key that signs, with its certificate. */
export interface KeySigner {
  /** Where the key is: a file opened here, or NCALayer. */
  via: 'file' | 'ncalayer';
  /** PEM of the key's certificate. */
  certificatePem: string;
  /** The NCA file name of the key. */
  fileName: string;
  /** Serial number (lower-case hex). */
  serialHex: string;
  /** AUTH, SIGN (or both) by the certificate. */
  purpose: OpenedKey['purpose'];
  /** A signature over `data` with the certificate's algorithm (RSASSA-PKCS1-v1_5/SHA-256 for RSA keys). */
  sign(data: Uint8Array): Promise<Uint8Array>;
}

/** The signer of a key file opened in this browser. */
export function fileSigner(key: OpenedKey): KeySigner {
  return {
    via: 'file',
    certificatePem: key.certificatePem,
    fileName: key.fileName,
    serialHex: key.serialHex,
    purpose: key.purpose,
    sign: (data) => signBytes(key.privateKey, data),
  };
}
