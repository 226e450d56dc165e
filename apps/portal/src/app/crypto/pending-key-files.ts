/**
 * Key files on disk for the keys of a submitted application, as the NCA's application page writes
 * the private keys into the folder the user chooses (seeds 000/001, steps 24 and 27): at
 * submission each key is saved as a password-protected key-only PKCS #12 file
 * (`createKeyPkcs12` of `@kzpki/pki`) named as its final key file will be (`AUTH_RSA256_<ski>.p12`,
 * `RSA256_<ski>.p12`, `GOST512_<ski>.p12`: the SKI the CA computes for the template comes from the
 * public key alone). On the status page the user points at those files, in any browser: each is
 * opened with the password, matched by public key to a certificate of the application, signs the
 * CA's installation message, and becomes the final key file with its certificate (the chain is offered
 * apart, as the NCA's key files hold one certificate).
 */
import type { GostPrivateKey, SigningKey } from '@kzpki/pki';
import type { CertificateBundle, CertificatePurpose, KeyFileInstallationChallenge } from '../api/types.js';
import { type InstallKeys, type KeyFile, keyFileOf } from './key-files.js';
import { loadPki } from './pki.js';

/** A user's file: its name (or relative path in a chosen folder) and bytes. */
export interface PickedFile {
  name: string;
  bytes: Uint8Array;
}

/** The keys of an application, as the form made them (the keys the installation uses). */
export type PendingKeys = InstallKeys;

/** A pending key file: a key file without a certificate yet, so without a serial number. */
export type PendingKeyFile = Omit<KeyFile, 'serialHex'>;

/**
 * The key files of an application's keys before its certificates exist: one key-only PKCS #12 per
 * key, protected by `password` (the NCA rule is checked), named as the final file will be.
 * @example
 * ```ts
 * const files = await buildPendingKeyFiles({ keys, password: 'Qwerty12', format: 'legacy' });
 * files.map((f) => f.fileName); // ['AUTH_RSA256_<ski>.p12', 'RSA256_<ski>.p12']
 * ```
 */
export async function buildPendingKeyFiles(opts: {
  keys: PendingKeys;
  password: string;
  format: 'modern' | 'legacy';
}): Promise<PendingKeyFile[]> {
  const pki = await loadPki();
  const make = async (
    purpose: CertificatePurpose,
    privateKey: CryptoKey | GostPrivateKey,
    spki: Uint8Array,
  ): Promise<PendingKeyFile> => {
    // As the CA computes the SKI: SHA-1 of the whole SubjectPublicKeyInfo for the NCA's RSA
    // profiles, RFC 5280 method 1 for its GOST-2015 ones (so the names are the final files').
    const ski = pki.toHex(
      await pki.subjectKeyIdentifier(spki, purpose === 'auth+sign' ? 'rfc5280' : 'spki-sha1'),
    );
    const prefix = purpose === 'auth+sign' ? 'GOST512' : purpose === 'auth' ? 'AUTH_RSA256' : 'RSA256';
    const bytes = await pki.createKeyPkcs12({
      privateKey,
      password: opts.password,
      friendlyName: ski,
      localKeyId: ski,
      format: opts.format,
    });
    return { purpose, fileName: `${prefix}_${ski}.p12`, bytes };
  };
  if (opts.keys.kind === 'gost') return [await make('auth+sign', opts.keys.key, opts.keys.key.publicKeyInfo)];
  const { auth, sign } = opts.keys;
  return [
    await make('auth', auth.privateKey, await pki.exportSpki(auth.publicKey)),
    await make('sign', sign.privateKey, await pki.exportSpki(sign.publicKey)),
  ];
}

/** A picked file opened with the password. */
export interface OpenedPendingKey {
  file: string;
  pkcs8: Uint8Array;
  signingKey: SigningKey;
}

/** Why a picked file could not be used. */
export type KeyFileProblem =
  | { file: string; problem: 'password' }
  | { file: string; problem: 'damaged' }
  | { file: string; problem: 'no-match' }
  | { purpose: CertificatePurpose; problem: 'missing' };

/**
 * Opens every picked `.p12` file with `password`. Other files (a folder's other contents) are
 * left out; a file that does not open is reported, never skipped silently.
 */
export async function openPendingKeys(
  files: readonly PickedFile[],
  password: string,
): Promise<{ keys: OpenedPendingKey[]; problems: KeyFileProblem[] }> {
  const pki = await loadPki();
  const keys: OpenedPendingKey[] = [];
  const problems: KeyFileProblem[] = [];
  for (const f of files.filter((x) => /\.p12$/i.test(x.name))) {
    try {
      const opened = await pki.openKeyPkcs12(f.bytes, password);
      if (!opened.signingKey) throw new Error('no usable key');
      keys.push({ file: f.name, pkcs8: opened.pkcs8, signingKey: opened.signingKey });
    } catch (e) {
      problems.push({
        file: f.name,
        problem: pki.isPkiError(e, 'ERR_PKCS12_BAD_PASSWORD') ? 'password' : 'damaged',
      });
    }
  }
  return { keys, problems };
}

/** An installation item with the key that signs it. */
export interface MatchedKey<K> {
  item: KeyFileInstallationChallenge['items'][number];
  key: K;
}

/**
 * Pairs each certificate of the challenge with the key whose public half it certifies.
 * `matches(key, spki)` compares one key with a public key (`privateKeyMatchesPublicKey`). Keys
 * that certify nothing are `no-match` problems; certificates without a key are `missing`. The same
 * key picked twice (a file and its copy) counts once.
 * @example
 * ```ts
 * const { pairs, problems } = matchKeys(opened.keys, challenge.items, await keyMatcher());
 * ```
 */
export function matchKeys<K extends { file: string }>(
  keys: readonly K[],
  items: KeyFileInstallationChallenge['items'],
  matches: (key: K, spki: string) => boolean,
): { pairs: Array<MatchedKey<K>>; problems: KeyFileProblem[] } {
  const pairs: Array<MatchedKey<K>> = [];
  const used = new Set<K>();
  for (const item of items) {
    const key = keys.find((k) => matches(k, item.publicKey));
    if (key) {
      pairs.push({ item, key });
      for (const k of keys) if (matches(k, item.publicKey)) used.add(k);
    }
  }
  const problems: KeyFileProblem[] = [
    ...keys.filter((k) => !used.has(k)).map((k) => ({ file: k.file, problem: 'no-match' as const })),
    ...items
      .filter((i) => !pairs.some((p) => p.item === i))
      .map((i) => ({ purpose: i.purpose, problem: 'missing' as const })),
  ];
  return { pairs, problems };
}

/** `true` when the opened key is the private half of the base64 SubjectPublicKeyInfo. */
export async function keyMatcher(): Promise<(key: OpenedPendingKey, spkiBase64: string) => boolean> {
  const pki = await loadPki();
  return (key, spki) => pki.privateKeyMatchesPublicKey(key.pkcs8, pki.fromBase64(spki)) === true;
}

/**
 * The final key files: each matched key with its certificate only, as the NCA's (the chain is
 * offered apart), protected by
 * `password`, named by the certificate (`ncaKeyFileName`), in the CA's order of certificates.
 */
export async function buildInstalledKeyFiles(opts: {
  pairs: ReadonlyArray<MatchedKey<OpenedPendingKey>>;
  bundle: CertificateBundle;
  password: string;
  format: 'modern' | 'legacy';
}): Promise<KeyFile[]> {
  const pki = await loadPki();
  const certificates = [...opts.bundle.certificates, ...(opts.bundle.gostCertificates ?? [])];
  const files: KeyFile[] = [];
  for (const cert of certificates) {
    const pair = opts.pairs.find(
      (p) => pki.normalizeSerialHex(p.item.serialHex) === pki.normalizeSerialHex(cert.serialHex),
    );
    if (!pair) continue;
    files.push(await keyFileOf(cert, pair.key.pkcs8, opts.password, opts.format));
  }
  return files;
}
