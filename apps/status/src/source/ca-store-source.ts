/**
 * {@link StatusSource} over the reference CA's store (`@kzpki/ca`): the normal deployment, where
 * the status service opens the CA's SQLite database (WAL: the CA writes, the status service reads,
 * each in its own process) and loads the CA keys with the CA passphrase.
 *
 * Issuers are published under the names the CA writes into its certificates
 * (`CA_FILE_NAMES`: `/crl/<name>.crl`, `/crl/<name>-delta.crl`, `/ca/<name>.crt`):
 * - the issuing CA: CRLs signed with its key, OCSP answered by the delegated responder;
 * - the root CA: its CRL (the ARL that lists revoked CA certificates), OCSP signed by the root itself.
 */
import { CA_FILE_NAMES, type CaRepository, caStorePath, loadCaMaterial, openCaStore } from '@kzpki/ca';
import { normalizeSerialHex } from '@kzpki/pki';
import Database from 'better-sqlite3';
import { StatusError } from '../errors.js';
import type {
  ApplicationStatusView,
  CertificateStatusRecord,
  RevocationChange,
  RevokedEntry,
  StatusMaterial,
  StatusSource,
} from './status-source.js';

/** Entries per page of {@link CaStoreStatusSource.listRevoked}. */
const PAGE_SIZE = 10_000;

/** Options of {@link CaStoreStatusSource.open}. */
export interface OpenCaStoreSourceOptions {
  /** Directory holding the CA's `ca.sqlite` (`KZPKI_DATA_DIR`). */
  dataDir?: string;
  /** Or the database path itself. */
  databasePath?: string;
  /** Passphrase of the CA keys at rest (`KZPKI_CA_PASSPHRASE`). */
  passphrase: string;
}

/** Reads statuses, CRL data, applications and keys from the CA store. */
export class CaStoreStatusSource implements StatusSource {
  /** Issuer URL name → SubjectKeyIdentifier hex (the store's issuer key). */
  private readonly skiById = new Map<string, string>();
  /** Watches the database file for commits by other connections (see {@link changeSeq}). */
  private readonly watcher:
    | { db: Database.Database; dataVersion: Database.Statement; last: number }
    | undefined;
  private lastSeq: number | undefined;

  /**
   * @param store an opened CA store (the caller may share it with an in-process CA)
   * @param passphrase passphrase of the CA keys at rest
   * @param ownsStore close the store with {@link CaStoreStatusSource.close}
   * @param databasePath the store's file, when known: lets {@link changeSeq} skip the store query
   *   while nothing was committed (only valid when no revocation is written through `store` itself)
   * @example
   * ```ts
   * const source = await CaStoreStatusSource.open({ dataDir: './var', passphrase: process.env.KZPKI_CA_PASSPHRASE! });
   * const status = await startStatus({ source, closeSource: true });
   * ```
   */
  constructor(
    private readonly store: CaRepository,
    private readonly passphrase: string,
    private readonly ownsStore = false,
    databasePath?: string,
  ) {
    if (databasePath) {
      const db = new Database(databasePath, { readonly: true, fileMustExist: true });
      this.watcher = { db, dataVersion: db.prepare('PRAGMA data_version').pluck(), last: Number.NaN };
    }
  }

  /**
   * Opens the CA database beside a running CA (or one initialised earlier). Not read-only: CRL
   * numbers are allocated in the store, so that every process publishing CRLs shares one sequence.
   * @throws {StatusError} `ERR_CONFIG` without a path, `ERR_SOURCE` when the database cannot be opened.
   */
  static async open(options: OpenCaStoreSourceOptions): Promise<CaStoreStatusSource> {
    const path = options.databasePath ?? (options.dataDir ? caStorePath(options.dataDir) : undefined);
    if (!path) throw new StatusError('ERR_CONFIG', 'Give the CA data directory or database path');
    let store: CaRepository;
    try {
      store = openCaStore(path);
    } catch (cause) {
      throw new StatusError('ERR_SOURCE', `Cannot open the CA database ${path}`, { cause });
    }
    return new CaStoreStatusSource(store, options.passphrase, true, path);
  }

  /** Loads (again) the CA certificates and keys: a renewed OCSP responder certificate shows up here. */
  async material(): Promise<StatusMaterial> {
    let ca: Awaited<ReturnType<typeof loadCaMaterial>>;
    try {
      ca = await loadCaMaterial(this.store, { passphrase: this.passphrase });
    } catch (cause) {
      throw new StatusError(
        'ERR_SOURCE',
        'Cannot load the CA keys (is the CA initialised, is the passphrase right?)',
        {
          cause,
        },
      );
    }
    this.skiById.set(CA_FILE_NAMES.root, ca.root.skiHex.toLowerCase());
    this.skiById.set(CA_FILE_NAMES.issuing, ca.issuing.skiHex.toLowerCase());
    return {
      issuers: [
        {
          id: CA_FILE_NAMES.root,
          certificate: ca.root.certificate,
          crlSigner: ca.root.privateKey,
          // Certificates of the root are CA certificates: the root answers for them itself.
          ocspSigner: { certificate: ca.root.certificate, privateKey: ca.root.privateKey },
        },
        {
          id: CA_FILE_NAMES.issuing,
          certificate: ca.issuing.certificate,
          crlSigner: ca.issuing.privateKey,
          ocspSigner: { certificate: ca.ocspResponder.certificate, privateKey: ca.ocspResponder.privateKey },
        },
      ],
      trustAnchors: [ca.root.certificate],
    };
  }

  /**
   * The store's revocation sequence. Asked on every OCSP request, so when this source opened the
   * database itself it first reads SQLite's `PRAGMA data_version` on a connection of its own (a
   * prepared statement, a microsecond): the value changes whenever another connection (the CA,
   * in this or another process) committed anything, and only then is the store asked again.
   * Revocations are written by the CA's connection, never by this one, so none can be missed.
   */
  async changeSeq(): Promise<number> {
    const w = this.watcher;
    if (!w) return this.store.revocationSeq();
    const version = w.dataVersion.get() as number;
    if (version === w.last && this.lastSeq !== undefined) return this.lastSeq;
    // Noted before the read: a commit landing between the two makes the next call read again.
    w.last = version;
    this.lastSeq = await this.store.revocationSeq();
    return this.lastSeq;
  }

  async lookup(issuerId: string, serialHex: string): Promise<CertificateStatusRecord | undefined> {
    const r = await this.store.getCertificateBySerial(this.ski(issuerId), normalizeSerialHex(serialHex));
    if (!r) return undefined;
    return {
      serialHex: normalizeSerialHex(r.serialHex),
      state: r.status,
      ...(r.revokedAt ? { revokedAt: r.revokedAt } : {}),
      ...(r.reason ? { reason: r.reason } : {}),
      ...(r.invalidityDate ? { invalidityDate: r.invalidityDate } : {}),
      notBefore: r.notBefore,
      notAfter: r.notAfter,
    };
  }

  async *listRevoked(issuerId: string): AsyncIterable<readonly RevokedEntry[]> {
    // The store pages through its table (the connection is free between pages); rows are
    // regrouped into pages here.
    let page: RevokedEntry[] = [];
    for await (const r of this.store.listRevoked(this.ski(issuerId))) {
      page.push({
        serialHex: r.serialHex,
        revokedAt: r.revokedAt,
        ...(r.reason ? { reason: r.reason } : {}),
        ...(r.invalidityDate ? { invalidityDate: r.invalidityDate } : {}),
      });
      if (page.length === PAGE_SIZE) {
        yield page;
        page = [];
      }
    }
    if (page.length) yield page;
  }

  async *changesSince(issuerId: string, sinceSeq: number): AsyncIterable<RevocationChange> {
    for (const c of await this.store.listRevocationChangesSince(this.ski(issuerId), sinceSeq)) {
      yield {
        serialHex: c.serialHex,
        state: c.change === 'released' ? 'good' : c.status,
        revokedAt: c.revokedAt,
        ...(c.reason ? { reason: c.reason } : {}),
        ...(c.invalidityDate ? { invalidityDate: c.invalidityDate } : {}),
      };
    }
  }

  nextCrlNumber(issuerId: string): Promise<bigint> {
    return this.store.nextCrlNumber(this.ski(issuerId));
  }

  applicationStatus(number: string): Promise<ApplicationStatusView | undefined> {
    return this.store.getApplicationStatus(number);
  }

  async close(): Promise<void> {
    this.watcher?.db.close();
    if (this.ownsStore) await this.store.close();
  }

  private ski(issuerId: string): string {
    const ski = this.skiById.get(issuerId);
    if (!ski) throw new StatusError('ERR_ISSUER_UNKNOWN', `No issuer ${issuerId} (material not loaded?)`);
    return ski;
  }
}
