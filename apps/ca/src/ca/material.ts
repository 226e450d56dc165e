/**
 * The CA's keys in use: certificates with their decrypted private keys, loaded from the store
 * with the CA passphrase, and the public certificates of the delegated OCSP responders (whose keys
 * the CA sealed for the status service under the status passphrase and does not keep). Private keys
 * are imported non-extractable.
 */
import {
  type CaKeyName,
  type CaKeyRecord,
  type CaRepository,
  decryptPrivateKey,
  deriveKek,
  isCaStoreError,
  type KekParams,
} from '@kzpki/ca-store';
import {
  certificateToPem,
  decodeGostPkcs8,
  formatName,
  GostPrivateKey,
  importPkcs8,
  inspectCertificate,
  isGostPkcs8,
  type SigningKey,
} from '@kzpki/pki';
import { loadMacKeys, type MacKeys } from '../crypto/mac-keys.js';
import { CaError } from '../errors.js';

/** Setting that holds the CA KEK derivation parameters. */
export const KEK_SETTING = 'ca-kek-params';

/** The delegated OCSP responders: of the issuing CA and of the root, in each hierarchy (RSA, GOST). */
export type ResponderName =
  | 'ocsp-responder'
  | 'root-ocsp-responder'
  | 'gost-ocsp-responder'
  | 'gost-root-ocsp-responder';

/** Every member of the hierarchy that {@link initCa} creates or renews. */
export type HierarchyName = CaKeyName | ResponderName;

/** A certificate of the hierarchy (public). */
export interface CaCertificateInfo {
  name: HierarchyName;
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
}

/**
 * One CA key with its certificate; `K` narrows the key's type where the hierarchy is known (RSA
 * members hold a WebCrypto `CryptoKey`, GOST members a `GostPrivateKey`).
 */
export interface CaKeyMaterial<K extends SigningKey = SigningKey> extends CaCertificateInfo {
  name: CaKeyName;
  /**
   * The private key: a non-extractable WebCrypto key (RSA), or the GOST R 34.10-2015 software key
   * (`GostPrivateKey`, which WebCrypto does not know) of the GOST hierarchy.
   */
  privateKey: K;
}

/**
 * The whole hierarchy: root, issuing CA and NCA operator with their keys, the GOST R 34.10-2015
 * root and issuing CA beside them; the delegated OCSP responders as certificates only (their keys
 * belong to the status service).
 */
export interface CaMaterial {
  root: CaKeyMaterial<CryptoKey>;
  issuing: CaKeyMaterial<CryptoKey>;
  operator: CaKeyMaterial<CryptoKey>;
  /** OCSP responder of the issuing CA (answers for end-entity certificates). */
  ocspResponder: CaCertificateInfo;
  /** OCSP responder of the root (answers for the issuing CA certificate). */
  rootOcspResponder: CaCertificateInfo;
  /** The GOST-2015-512 root (as the NCA's TEST-2022 GOST root). */
  gostRoot: CaKeyMaterial<GostPrivateKey>;
  /** The GOST-2015-512 issuing CA: issues the legal entities' single GOST certificates. */
  gostIssuing: CaKeyMaterial<GostPrivateKey>;
  /** OCSP responder of the GOST issuing CA (a GOST key). */
  gostOcspResponder: CaCertificateInfo;
  /** OCSP responder of the GOST root (a GOST key). */
  gostRootOcspResponder: CaCertificateInfo;
  /** MAC keys of one-time codes and PINs (their master key is sealed under the CA KEK). */
  macKeys: MacKeys;
}

/**
 * The material of an RSA member (its key a WebCrypto key).
 * @throws {CaError} `ERR_INTERNAL` when the slot holds another kind of key.
 */
export function rsaMaterial(m: CaKeyMaterial): CaKeyMaterial<CryptoKey> {
  if (m.privateKey instanceof GostPrivateKey) {
    throw new CaError('ERR_INTERNAL', `The CA key ${m.name} is a GOST key where a WebCrypto key belongs`);
  }
  return m as CaKeyMaterial<CryptoKey>;
}

/**
 * The material of a GOST member (its key a `GostPrivateKey`).
 * @throws {CaError} `ERR_INTERNAL` when the slot holds another kind of key.
 */
export function gostMaterial(m: CaKeyMaterial): CaKeyMaterial<GostPrivateKey> {
  if (!(m.privateKey instanceof GostPrivateKey)) {
    throw new CaError('ERR_INTERNAL', `The CA key ${m.name} is not a GOST key`);
  }
  return m as CaKeyMaterial<GostPrivateKey>;
}

/** Additional data binding an encrypted key to its slot. */
export function keyAad(name: CaKeyName, skiHex: string): string {
  return `kzpki-ca-key\n${name}\n${skiHex}`;
}

/** Reads the KEK parameters and derives the CA KEK. */
export async function kekFor(store: CaRepository, passphrase: string): Promise<Uint8Array | undefined> {
  const raw = await store.getSetting(KEK_SETTING);
  return raw === undefined ? undefined : deriveKek(passphrase, JSON.parse(raw) as KekParams);
}

/** The public description of a certificate of the hierarchy. */
export function certificateInfo(name: HierarchyName, certificate: Uint8Array): CaCertificateInfo {
  const info = inspectCertificate(certificate);
  return {
    name,
    certificate,
    pem: certificateToPem(certificate),
    subject: formatName(info.subject.attributes),
    serialHex: info.serialNumber,
    skiHex: info.subjectKeyId ?? '',
    notBefore: new Date(info.notBefore),
    notAfter: new Date(info.notAfter),
  };
}

/**
 * Decrypts one stored CA key.
 * @throws {CaError} `ERR_UNAUTHORIZED` for a wrong passphrase (or a key moved to another slot),
 *   `ERR_INTERNAL` for a corrupt envelope.
 */
export async function openCaKey(record: CaKeyRecord, kek: Uint8Array): Promise<CaKeyMaterial> {
  let pkcs8: Uint8Array;
  try {
    pkcs8 = decryptPrivateKey(kek, record.encryptedKey, keyAad(record.name, record.skiHex));
  } catch (cause) {
    if (isCaStoreError(cause, 'ERR_KEY_DECRYPT')) {
      throw new CaError(
        'ERR_UNAUTHORIZED',
        'Cannot decrypt the CA keys: wrong passphrase (KZPKI_CA_PASSPHRASE)',
        {
          cause,
        },
      );
    }
    throw new CaError('ERR_INTERNAL', 'The encrypted CA key is corrupt', { cause });
  }
  try {
    return {
      ...certificateInfo(record.name, record.certificate),
      name: record.name,
      serialHex: record.serialHex,
      skiHex: record.skiHex,
      privateKey: isGostPkcs8(pkcs8)
        ? decodeGostPkcs8(pkcs8)
        : await importPkcs8(pkcs8, undefined, { extractable: false }),
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
 * ca.issuing.privateKey; // signs certificates and CRLs
 * ```
 */
export async function loadCaMaterial(store: CaRepository, opts: { passphrase: string }): Promise<CaMaterial> {
  const kek = await kekFor(store, opts.passphrase);
  const names: CaKeyName[] = ['root', 'issuing', 'operator', 'gost-root', 'gost-issuing'];
  const records = await Promise.all(names.map((n) => store.getCaKey(n)));
  // A store made before the GOST hierarchy lacks it: `initCa` (the CA's start) adds it.
  const notInitialised = () =>
    new CaError('ERR_INTERNAL', 'The CA is not initialised: run `kzpki ca init` or start the CA once');
  if (kek === undefined || records.some((r) => r === undefined)) throw notInitialised();
  const [root, issuing, operator, gostRoot, gostIssuing] = (await Promise.all(
    records.map((r) => openCaKey(r as CaKeyRecord, kek)),
  )) as [CaKeyMaterial, CaKeyMaterial, CaKeyMaterial, CaKeyMaterial, CaKeyMaterial];
  const responders = await Promise.all(
    [issuing, root, gostIssuing, gostRoot].map((ca) => store.getOcspResponder(ca.skiHex)),
  );
  const [responder, rootResponder, gostResponder, gostRootResponder] = responders;
  if (!responder || !rootResponder || !gostResponder || !gostRootResponder) throw notInitialised();
  return {
    root: rsaMaterial(root),
    issuing: rsaMaterial(issuing),
    operator: rsaMaterial(operator),
    gostRoot: gostMaterial(gostRoot),
    gostIssuing: gostMaterial(gostIssuing),
    macKeys: await loadMacKeys(store, kek),
    ocspResponder: certificateInfo('ocsp-responder', responder.certificate),
    rootOcspResponder: certificateInfo('root-ocsp-responder', rootResponder.certificate),
    gostOcspResponder: certificateInfo('gost-ocsp-responder', gostResponder.certificate),
    gostRootOcspResponder: certificateInfo('gost-root-ocsp-responder', gostRootResponder.certificate),
  };
}
