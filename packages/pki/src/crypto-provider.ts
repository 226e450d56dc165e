/**
 * The WebCrypto implementation the package uses. Defaults to `globalThis.crypto` (Node 20+ and
 * browsers); {@link setCryptoProvider} swaps it (e.g. for `@peculiar/webcrypto` or a hardware-backed
 * provider). Nothing is configured at import time: the pkijs engine is created on first use.
 */
import * as pkijs from 'pkijs';
import { PkiError } from './errors.js';

let provider: Crypto | undefined;
let engine: pkijs.CryptoEngine | undefined;

/** Uses `crypto` for every operation of this package from now on. */
export function setCryptoProvider(crypto: Crypto): void {
  provider = crypto;
  engine = undefined;
}

/** The WebCrypto object in use. @throws {PkiError} `ERR_UNSUPPORTED_ALGORITHM` where none exists. */
export function getCrypto(): Crypto {
  const c = provider ?? (globalThis as { crypto?: Crypto }).crypto;
  if (!c?.subtle) throw new PkiError('ERR_UNSUPPORTED_ALGORITHM', 'No WebCrypto implementation available');
  return c;
}

/** The pkijs crypto engine bound to {@link getCrypto}; pass it to pkijs calls instead of the global one. */
export function getPkijsEngine(): pkijs.CryptoEngine {
  if (!engine) engine = new pkijs.CryptoEngine({ name: 'kzpki', crypto: getCrypto() });
  return engine;
}

/** Cryptographically secure random bytes from the provider. */
export function randomBytes(length: number): Uint8Array {
  const out = new Uint8Array(length);
  // getRandomValues is limited to 65536 bytes a call.
  for (let i = 0; i < length; i += 65536)
    getCrypto().getRandomValues(out.subarray(i, Math.min(length, i + 65536)));
  return out;
}
