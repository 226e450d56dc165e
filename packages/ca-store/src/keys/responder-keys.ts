/**
 * The OCSP responder keys: the only private keys the status service ever holds.
 *
 * How keys are separated:
 * - The CA's own keys (root, issuing CA, operator) are encrypted under the CA's KEK, derived from
 *   `KZPKI_CA_PASSPHRASE` (table `ca_keys`, KDF parameters in the CA's settings). The status service
 *   never reads that table or those settings, and is never given that passphrase.
 * - For each CA it publishes status for (the issuing CA and the root), the CA issues a delegated
 *   OCSP responder certificate (RFC 6960 §4.2.2.2: extKeyUsage id-kp-OCSPSigning,
 *   id-pkix-ocsp-nocheck) and stores its private key encrypted under the status KEK, derived from a
 *   separate passphrase, `KZPKI_STATUS_PASSPHRASE` (table `ocsp_responders`). The derivation mixes
 *   the label {@link STATUS_KEK_LABEL} into the scrypt salt and uses its own random salt, so the
 *   status KEK and the CA KEK differ even if someone gave both services the same passphrase (which
 *   the CA refuses anyway).
 * - Each envelope carries its KDF parameters, so the status service opens it with nothing but the
 *   record and its passphrase. The CA keeps a check value of the status KEK in its settings: when the
 *   status passphrase changes, the next CA start issues new responder keys under the new one.
 *
 * Why in the store and not in key files in the status service's data directory: several status
 * nodes share one database (PostgreSQL, issue 16) and no file system; a renewed responder
 * certificate reaches every node with the next reload, with nothing to copy.
 */
import { createHmac } from 'node:crypto';
import { decodeGostPkcs8, importPkcs8, isGostPkcs8, type SigningKey } from '@kzpki/pki';
import { CaStoreError } from '../errors.js';
import type { OcspResponderRecord, TimestampSignerRecord } from '../types.js';
import {
  decryptPrivateKey,
  deriveKek,
  encryptPrivateKey,
  type KekParams,
  newKekParams,
  parseKeyEnvelope,
} from './key-envelope.js';

/**
 * Passphrase of the OCSP responder keys when `KZPKI_STATUS_PASSPHRASE` is not set. It is public, so
 * responder keys stored under it are protected by nothing but the database's permissions: fine for
 * a local test setup, never for anything else. It differs from the CA's development passphrase.
 */
export const DEV_STATUS_PASSPHRASE = 'kzpki-dev-status-passphrase-NOT-SECRET';

/** Label mixed into the scrypt salt of the status KEK (domain separation from the CA's KEK). */
export const STATUS_KEK_LABEL = 'kzpki-status-kek/v1';

/** A derived status KEK with its parameters. */
export interface StatusKek {
  params: KekParams;
  key: Uint8Array;
  /** Check value (HMAC-SHA256 of a fixed text under the KEK, hex): tells whether a passphrase changed. */
  check: string;
}

/**
 * Derives the status KEK (new parameters unless given).
 * @example
 * ```ts
 * const kek = await deriveStatusKek(process.env.KZPKI_STATUS_PASSPHRASE ?? DEV_STATUS_PASSPHRASE);
 * ```
 */
export async function deriveStatusKek(
  passphrase: string,
  params: KekParams = newKekParams(),
): Promise<StatusKek> {
  const key = await deriveKek(passphrase, params, STATUS_KEK_LABEL);
  return { params, key, check: createHmac('sha256', key).update('kzpki-status-kek-check').digest('hex') };
}

/** Additional data binding an encrypted responder key to its issuer and its own key id. */
export function responderKeyAad(issuerSkiHex: string, responderSkiHex: string): string {
  return `kzpki-ocsp-responder-key\n${issuerSkiHex.toLowerCase()}\n${responderSkiHex.toLowerCase()}`;
}

/**
 * Encrypts a responder's PKCS#8 key under the status KEK (the CA calls this when it issues a
 * responder certificate; it keeps no copy of the key).
 * @example
 * ```ts
 * const encryptedKey = sealResponderKey(kek, pkcs8, issuing.skiHex, responder.subjectKeyId);
 * ```
 */
export function sealResponderKey(
  kek: StatusKek,
  pkcs8: Uint8Array,
  issuerSkiHex: string,
  responderSkiHex: string,
): string {
  return encryptPrivateKey(kek.key, pkcs8, responderKeyAad(issuerSkiHex, responderSkiHex), {
    kdf: { name: 'scrypt', label: STATUS_KEK_LABEL, ...kek.params },
  });
}

/**
 * Additional data binding an encrypted TSA key to its issuer, its policy and its own key id (a TSA
 * key can be moved neither to an OCSP responder slot nor to another policy).
 */
export function timestampSignerKeyAad(issuerSkiHex: string, policy: string, tsaSkiHex: string): string {
  return `kzpki-tsa-key\n${issuerSkiHex.toLowerCase()}\n${policy}\n${tsaSkiHex.toLowerCase()}`;
}

/**
 * Encrypts a TSA's PKCS#8 key under the status KEK (the CA calls this when it issues a TSA
 * certificate; it keeps no copy of the key).
 * @example
 * ```ts
 * const encryptedKey = sealTimestampSignerKey(kek, pkcs8, issuing.skiHex, NCA_TSA_POLICY_OIDS.rsa, tsa.subjectKeyId);
 * ```
 */
export function sealTimestampSignerKey(
  kek: StatusKek,
  pkcs8: Uint8Array,
  issuerSkiHex: string,
  policy: string,
  tsaSkiHex: string,
): string {
  return encryptPrivateKey(kek.key, pkcs8, timestampSignerKeyAad(issuerSkiHex, policy, tsaSkiHex), {
    kdf: { name: 'scrypt', label: STATUS_KEK_LABEL, ...kek.params },
  });
}

/**
 * Opens responder and TSA keys with the status passphrase; derives each distinct KEK once (scrypt costs
 * tens of milliseconds and 32 MiB) and keeps it for later reloads.
 * @example
 * ```ts
 * const keyring = new ResponderKeyring(passphrase);
 * const key = await keyring.open(await store.getOcspResponder(issuerSkiHex));
 * ```
 */
export class ResponderKeyring {
  private readonly keks = new Map<string, Promise<Uint8Array>>();

  constructor(private readonly passphrase: string) {}

  /**
   * The responder's private key, imported non-extractable (a GOST R 34.10-2015 key, which WebCrypto
   * does not know, as the package's software `GostPrivateKey`).
   * @throws {CaStoreError} `ERR_KEY_ENVELOPE` (corrupt or without KDF parameters), `ERR_KEY_DECRYPT`
   *   (wrong status passphrase, or a key moved to another responder).
   */
  async open(record: OcspResponderRecord): Promise<SigningKey> {
    return this.openEnvelope(record.encryptedKey, responderKeyAad(record.issuerSkiHex, record.skiHex));
  }

  /**
   * The TSA's private key, imported non-extractable.
   * @throws {CaStoreError} `ERR_KEY_ENVELOPE`, `ERR_KEY_DECRYPT` as {@link ResponderKeyring.open}.
   * @example
   * ```ts
   * const keys = await Promise.all((await store.listTimestampSigners()).map((s) => keyring.openTimestampSigner(s)));
   * ```
   */
  openTimestampSigner(record: TimestampSignerRecord): Promise<SigningKey> {
    return this.openEnvelope(
      record.encryptedKey,
      timestampSignerKeyAad(record.issuerSkiHex, record.policy, record.skiHex),
    );
  }

  private async openEnvelope(encryptedKey: string, aad: string): Promise<SigningKey> {
    const { kdf } = parseKeyEnvelope(encryptedKey);
    if (!kdf || kdf.label !== STATUS_KEK_LABEL) {
      throw new CaStoreError('ERR_KEY_ENVELOPE', 'The key does not name the status KEK');
    }
    const params: KekParams = { N: kdf.N, r: kdf.r, p: kdf.p, salt: kdf.salt };
    const id = JSON.stringify(params);
    let kek = this.keks.get(id);
    if (!kek) {
      kek = deriveKek(this.passphrase, params, STATUS_KEK_LABEL);
      this.keks.set(id, kek);
      kek.catch(() => this.keks.delete(id));
    }
    const pkcs8 = decryptPrivateKey(await kek, encryptedKey, aad);
    try {
      if (isGostPkcs8(pkcs8)) return decodeGostPkcs8(pkcs8);
      return await importPkcs8(pkcs8, undefined, { extractable: false });
    } finally {
      pkcs8.fill(0);
    }
  }
}
