/**
 * The browser's "key storage folder": the keys of submitted applications are kept in IndexedDB
 * (RSA CryptoKey objects are stored as they are, never exported; a legal entity's GOST key is
 * sealed under a non-extractable AES key, `crypto/sealed-key.ts`) together with the
 * applicant session, until the certificates are installed into key files. This is what lets a
 * legal-entity employee come back after the first manager's approval and install the
 * certificates on the status page, as the NCA flow does with the folder chosen at submission.
 */
import type { TemplateName } from '../api/types.js';
import type { SealedGostKey } from '../crypto/sealed-key.js';
import { PortalError } from '../errors.js';

/** One application's keys. */
export interface VaultEntry {
  /** Application id (opaque, from the CA). */
  applicationId: string;
  /** Application number, once submitted. */
  number?: string;
  template: TemplateName;
  /** Applicant session token (authorises download and installation). */
  token: string;
  tokenExpiresAt: string;
  /** An individual's AUTH key pair (RSA). */
  auth?: CryptoKeyPair;
  /** An individual's SIGN key pair (RSA). */
  sign?: CryptoKeyPair;
  /** A legal entity's one GOST-2015-512 key (AUTH and SIGN). */
  gost?: SealedGostKey;
  createdAt: string;
}

const DB_NAME = 'kzpki-portal';
const STORE = 'pending-keys';

function request<T>(r: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error);
  });
}

async function open(): Promise<IDBDatabase> {
  if (typeof indexedDB === 'undefined') throw new PortalError('ERR_STORAGE', 'IndexedDB is not available');
  try {
    const r = indexedDB.open(DB_NAME, 1);
    r.onupgradeneeded = () => {
      const store = r.result.createObjectStore(STORE, { keyPath: 'applicationId' });
      store.createIndex('number', 'number', { unique: false });
    };
    return await request(r);
  } catch (cause) {
    throw new PortalError('ERR_STORAGE', 'Cannot open the browser key storage', { cause });
  }
}

async function withStore<T>(
  mode: IDBTransactionMode,
  fn: (store: IDBObjectStore) => IDBRequest<T>,
): Promise<T> {
  const db = await open();
  try {
    const tx = db.transaction(STORE, mode);
    const result = await request(fn(tx.objectStore(STORE)));
    await new Promise<void>((resolve, reject) => {
      tx.oncomplete = () => resolve();
      tx.onerror = () => reject(tx.error);
      tx.onabort = () => reject(tx.error);
    });
    return result;
  } catch (cause) {
    throw new PortalError('ERR_STORAGE', 'The browser key storage failed', { cause });
  } finally {
    db.close();
  }
}

/** Stores (or replaces) an application's keys. */
export async function saveKeys(entry: VaultEntry): Promise<void> {
  await withStore('readwrite', (s) => s.put(entry));
}

/** The keys of an application id, if this browser holds them. */
export async function keysById(applicationId: string): Promise<VaultEntry | undefined> {
  return (await withStore('readonly', (s) => s.get(applicationId))) as VaultEntry | undefined;
}

/** The keys of an application number, if this browser holds them. */
export async function keysByNumber(number: string): Promise<VaultEntry | undefined> {
  const all = (await withStore('readonly', (s) => s.index('number').getAll(number))) as VaultEntry[];
  return all[0];
}

/** Forgets an application's keys (after the key files were made and installation confirmed). */
export async function deleteKeys(applicationId: string): Promise<void> {
  await withStore('readwrite', (s) => s.delete(applicationId));
}
