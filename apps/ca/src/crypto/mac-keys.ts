/**
 * The CA's MAC keys for one-time codes and PINs. One random 256-bit master key is stored in the
 * settings sealed under the CA's key-encryption key (AES-256-GCM, the envelope of the CA keys), so
 * a copy of the database alone cannot recompute or test a code or a PIN offline; the two purpose
 * keys are derived from it with HKDF-SHA256 (RFC 5869), so a MAC of one kind never verifies as the
 * other.
 *
 * Earlier versions kept the OTP key in plaintext (`otp-hmac-key`); that value is blanked on the
 * first start of this version (its codes expire within minutes anyway).
 */
import { hkdfSync, randomBytes } from 'node:crypto';
import { type CaRepository, decryptPrivateKey, encryptPrivateKey, isCaStoreError } from '@kzpki/ca-store';
import { CaError } from '../errors.js';

/** Setting that holds the sealed MAC master key. */
export const MAC_KEY_SETTING = 'mac-key';

/** The plaintext OTP key of earlier versions, blanked on start. */
export const LEGACY_OTP_KEY_SETTING = 'otp-hmac-key';

/** Additional data binding the sealed master key to its slot. */
const MAC_KEY_AAD = 'kzpki-mac-key\nv1';

/** The purpose keys of the CA's MACs. */
export interface MacKeys {
  /** HMAC key of one-time SMS codes. */
  otp: Uint8Array;
  /** HMAC key of Digital ID PINs. */
  pin: Uint8Array;
}

/** Derives the purpose keys from the master key (HKDF-SHA256, no salt, info names the purpose). */
export function deriveMacKeys(master: Uint8Array): MacKeys {
  const derive = (info: string) => new Uint8Array(hkdfSync('sha256', master, new Uint8Array(0), info, 32));
  return { otp: derive('kzpki mac otp v1'), pin: derive('kzpki mac pin v1') };
}

/**
 * Loads the MAC keys, creating the master key on first start (first writer wins when several
 * processes start at once), and blanks the plaintext OTP key of earlier versions.
 * @throws {CaError} `ERR_UNAUTHORIZED` when the master key does not open under `kek` (wrong passphrase).
 * @example
 * ```ts
 * const keys = await loadMacKeys(store, kek);
 * otpMac(keys.otp, applicationId, code);
 * ```
 */
export async function loadMacKeys(store: CaRepository, kek: Uint8Array): Promise<MacKeys> {
  const fresh = randomBytes(32);
  const sealed = await store.initSetting(MAC_KEY_SETTING, encryptPrivateKey(kek, fresh, MAC_KEY_AAD));
  fresh.fill(0);
  let master: Uint8Array;
  try {
    master = decryptPrivateKey(kek, sealed, MAC_KEY_AAD);
  } catch (cause) {
    if (isCaStoreError(cause, 'ERR_KEY_DECRYPT')) {
      throw new CaError(
        'ERR_UNAUTHORIZED',
        'Cannot open the MAC key: wrong passphrase (KZPKI_CA_PASSPHRASE)',
        {
          cause,
        },
      );
    }
    throw new CaError('ERR_INTERNAL', 'The sealed MAC key is corrupt', { cause });
  }
  const legacy = await store.getSetting(LEGACY_OTP_KEY_SETTING);
  if (legacy !== undefined && legacy !== '') await store.putSetting(LEGACY_OTP_KEY_SETTING, '');
  try {
    return deriveMacKeys(master);
  } finally {
    master.fill(0);
  }
}
