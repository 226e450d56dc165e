/**
 * The CA's keys in use: certificates with their decrypted private keys, loaded from the store
 * with the passphrase. Private keys are imported non-extractable.
 */
import { certificateToPem, formatName, importPkcs8, inspectCertificate } from '@kzpki/pki';
import { decryptPrivateKey, deriveKek, type KekParams } from '../crypto/key-envelope.js';
import { CaError } from '../errors.js';
import type { CaRepository } from '../store/repository.js';
import type { CaKeyName, CaKeyRecord } from '../store/types.js';

/** Setting that holds the KEK derivation parameters. */
export const KEK_SETTING = 'ca-kek-params';

/** One CA key with its certificate. */
export interface CaKeyMaterial {
  name: CaKeyName;
  /** Certificate DER. */
  certificate: Uint8Array;
  pem: string;
  /** RFC 4514 subject. */
  subject: string;
  serialHex: string;
  /** SubjectKeyIdentifier, lower-case hex (the issuer key id of what this key signs). */
  skiHex: string;
  notBefore: Date;
  notAfter: Date;
  /** The private key (non-extractable). */
  privateKey: CryptoKey;
}

/** The whole hierarchy: root, issuing CA, OCSP responder, NCA operator. */
export interface CaMaterial {
  root: CaKeyMaterial;
  issuing: CaKeyMaterial;
  ocspResponder: CaKeyMaterial;
  operator: CaKeyMaterial;
}

/** Additional data binding an encrypted key to its slot. */
export function keyAad(name: CaKeyName, skiHex: string): string {
  return `kzpki-ca-key\n${name}\n${skiHex}`;
}

/** Reads the KEK parameters and derives the KEK. */
export async function kekFor(store: CaRepository, passphrase: string): Promise<Uint8Array | undefined> {
  const raw = await store.getSetting(KEK_SETTING);
  return raw === undefined ? undefined : deriveKek(passphrase, JSON.parse(raw) as KekParams);
}

/** Decrypts one stored key. */
export async function openCaKey(record: CaKeyRecord, kek: Uint8Array): Promise<CaKeyMaterial> {
  const pkcs8 = decryptPrivateKey(kek, record.encryptedKey, keyAad(record.name, record.skiHex));
  try {
    const info = inspectCertificate(record.certificate);
    return {
      name: record.name,
      certificate: record.certificate,
      pem: certificateToPem(record.certificate),
      subject: formatName(info.subject.attributes),
      serialHex: record.serialHex,
      skiHex: record.skiHex,
      notBefore: new Date(info.notBefore),
      notAfter: new Date(info.notAfter),
      privateKey: await importPkcs8(pkcs8, undefined, { extractable: false }),
    };
  } finally {
    pkcs8.fill(0);
  }
}

/**
 * Loads the CA hierarchy with its private keys.
 * @throws {CaError} `ERR_INTERNAL` when the CA is not initialised (run `initCa` first);
 *   `ERR_UNAUTHORIZED` for a wrong passphrase.
 * @example
 * ```ts
 * const store = openCaStore(join(dataDir, 'ca.sqlite'));
 * const ca = await loadCaMaterial(store, { passphrase: process.env.KZPKI_CA_PASSPHRASE ?? DEV_CA_PASSPHRASE });
 * ca.ocspResponder.privateKey; // signs OCSP responses
 * ```
 */
export async function loadCaMaterial(store: CaRepository, opts: { passphrase: string }): Promise<CaMaterial> {
  const kek = await kekFor(store, opts.passphrase);
  const names: CaKeyName[] = ['root', 'issuing', 'ocsp-responder', 'operator'];
  const records = await Promise.all(names.map((n) => store.getCaKey(n)));
  if (kek === undefined || records.some((r) => r === undefined)) {
    throw new CaError('ERR_INTERNAL', 'The CA is not initialised: run `kzpki ca init` or start the CA once');
  }
  const [root, issuing, ocspResponder, operator] = await Promise.all(
    records.map((r) => openCaKey(r as CaKeyRecord, kek)),
  );
  return {
    root: root as CaKeyMaterial,
    issuing: issuing as CaKeyMaterial,
    ocspResponder: ocspResponder as CaKeyMaterial,
    operator: operator as CaKeyMaterial,
  };
}
