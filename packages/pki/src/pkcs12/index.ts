/**
 * PKCS #12 key stores (RFC 7292): open NCA RK and OpenSSL files, create modern or NCA-style legacy
 * files, and name them the NCA way.
 */
export {
  type CreateKeyPkcs12Options,
  type CreatePkcs12Options,
  createKeyPkcs12,
  createPkcs12,
} from './create.js';
export {
  DEFAULT_MAX_PBKDF2_ITERATIONS,
  DEFAULT_MAX_PKCS12_KDF_ITERATIONS,
} from './limits.js';
export { ncaKeyFileName } from './naming.js';
export {
  type OpenPkcs12Options,
  openKeyPkcs12,
  openPkcs12,
  type Pkcs12Contents,
  type Pkcs12KeyContents,
} from './open.js';
export { privateKeyMatchesPublicKey } from './private-key.js';
