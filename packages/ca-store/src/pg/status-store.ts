/**
 * The status service's view of the PostgreSQL store: {@link StatusStore} only, on connections that
 * are read-only (`default_transaction_read_only`; give the service a role with SELECT rights on
 * the tables it reads, see docs/guides/scale-out.md).
 *
 * The revocation sequence is asked on every OCSP request. A query per request would cost a round
 * trip, so the store keeps the value: it LISTENs on `kzpki_revocation` (every revocation, hold and
 * release notifies the new sequence number at its commit) and also polls the head row every
 * `pollIntervalMs` (default 500 ms) in case a notification is lost. While the listening connection
 * is down, {@link PgStatusStore.revocationSeqNow} says "unknown" and {@link
 * PgStatusStore.revocationSeq} reads the database on every call, until it is back.
 */
import pg from 'pg';
import { CaStoreError } from '../errors.js';
import type { StatusStore } from '../repository.js';
import { buildStatusView } from '../status-view.js';
import type {
  ApplicationStatusView,
  CertificateStatusRecord,
  CrlKind,
  IssuerRecord,
  OcspResponderRecord,
  PublishedCrlHeader,
  PublishedCrlRecord,
  RevocationChange,
  TimestampSignerRecord,
} from '../types.js';
import { selectApplicationByNumber, selectHistory } from './applications.js';
import { selectChangesSince, selectRevocationSeq, selectStatusBySerial } from './certificates.js';
import { PgDatabase, REVOCATION_CHANNEL, redactUrl } from './database.js';
import { checkPgSchema } from './migrations.js';
import {
  readCrl,
  selectCrlHeader,
  selectIssuers,
  selectResponder,
  selectTimestampSigners,
} from './published.js';

/** Options of {@link openPgStatusStore}. */
export interface OpenPgStatusStoreOptions {
  /** Clock for the status page's "expired on read" rule (tests inject one). */
  now?: () => Date;
  /** Poll of the revocation head beside the notifications (default 500 ms; 0: notifications only). */
  pollIntervalMs?: number;
  /** Connections in the pool (default 4). */
  poolSize?: number;
  /** `application_name` of the connections (default `kzpki-status`). */
  applicationName?: string;
  /** Where background connection errors go (default `console.error`, without the URL). */
  onError?: (error: Error) => void;
}

/** The status service's read-only view of the PostgreSQL store. */
export class PgStatusStore implements StatusStore {
  private seq: number | undefined;
  private listener: pg.Client | undefined;
  private poll: NodeJS.Timeout | undefined;
  private closed = false;
  private reconnecting: Promise<void> | undefined;
  private readonly now: () => Date;
  private readonly listeners = new Set<(seq: number) => void>();

  private constructor(
    /** The read-only pool (for diagnostics and tests). */
    readonly db: PgDatabase,
    private readonly options: OpenPgStatusStoreOptions,
  ) {
    this.now = options.now ?? (() => new Date());
  }

  /** Connects read-only, checks the schema, starts listening and polling. */
  static async open(url: string, options: OpenPgStatusStoreOptions = {}): Promise<PgStatusStore> {
    const db = new PgDatabase(url, {
      max: options.poolSize ?? 4,
      applicationName: options.applicationName ?? 'kzpki-status',
      readOnly: true,
      ...(options.onError ? { onError: options.onError } : {}),
    });
    const store = new PgStatusStore(db, options);
    try {
      const client = await db.pool.connect();
      try {
        await checkPgSchema(client);
      } finally {
        client.release();
      }
      await store.listen();
    } catch (cause) {
      await db.close().catch(() => {});
      if (cause instanceof CaStoreError) throw cause;
      throw new CaStoreError('ERR_STORE_OPEN', `Cannot open the CA store ${redactUrl(url)}`, { cause });
    }
    const every = options.pollIntervalMs ?? 500;
    if (every > 0) {
      store.poll = setInterval(() => {
        store.refresh().catch((e: Error) => store.db.reportError(e));
      }, every);
      store.poll.unref();
    }
    return store;
  }

  /** LISTEN first, then read the head: no change can fall between the two. */
  private async listen(): Promise<void> {
    const client = new pg.Client({
      connectionString: this.db.url,
      application_name: `${this.options.applicationName ?? 'kzpki-status'}-listen`,
    });
    await client.connect();
    client.on('notification', (n) => {
      if (n.channel !== REVOCATION_CHANNEL || n.payload === undefined) return;
      const seq = Number(n.payload);
      if (Number.isSafeInteger(seq)) this.advance(seq);
    });
    client.on('error', (e) => {
      this.db.reportError(e);
      if (this.listener === client) {
        this.listener = undefined;
        this.seq = undefined; // unknown until listening again: read on every call meanwhile
      }
      if (!this.closed) this.relisten();
    });
    await client.query(`LISTEN ${REVOCATION_CHANNEL}`);
    this.listener = client;
    this.advance(await selectRevocationSeq(this.db.pool));
  }

  private relisten(): void {
    if (this.reconnecting) return;
    this.reconnecting = (async () => {
      for (let delay = 200; !this.closed && !this.listener; delay = Math.min(delay * 2, 5000)) {
        try {
          await this.listen();
        } catch {
          await new Promise((r) => setTimeout(r, delay).unref());
        }
      }
    })().finally(() => {
      this.reconnecting = undefined;
    });
  }

  private advance(seq: number): void {
    if (!this.listener) return;
    if (this.seq === undefined || seq > this.seq) {
      this.seq = seq;
      for (const l of this.listeners) l(seq);
    }
  }

  /** Reads the head row (the poll); the value only moves forward. */
  private async refresh(): Promise<number> {
    const seq = await selectRevocationSeq(this.db.pool);
    this.advance(seq);
    return seq;
  }

  /**
   * Calls `listener` with every new revocation sequence number this store learns (notification or
   * poll); returns the function that stops it.
   */
  onRevocation(listener: (seq: number) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The last notified or polled sequence, or `undefined` while not listening. */
  revocationSeqNow(): number | undefined {
    return this.listener ? this.seq : undefined;
  }

  async revocationSeq(): Promise<number> {
    return this.revocationSeqNow() ?? this.refresh();
  }

  listIssuers(): Promise<IssuerRecord[]> {
    return selectIssuers(this.db.pool);
  }

  getOcspResponder(issuerSkiHex: string): Promise<OcspResponderRecord | undefined> {
    return selectResponder(this.db.pool, issuerSkiHex);
  }

  listTimestampSigners(): Promise<TimestampSignerRecord[]> {
    return selectTimestampSigners(this.db.pool);
  }

  getCertificateStatus(
    issuerSkiHex: string,
    serialHex: string,
  ): Promise<CertificateStatusRecord | undefined> {
    return selectStatusBySerial(this.db.pool, issuerSkiHex, serialHex);
  }

  listRevocationChangesSince(issuerSkiHex: string, sinceSeq: number): Promise<RevocationChange[]> {
    return selectChangesSince(this.db.pool, issuerSkiHex, sinceSeq);
  }

  getPublishedCrl(issuerSkiHex: string, kind: CrlKind): Promise<PublishedCrlRecord | undefined> {
    return readCrl(this.db, issuerSkiHex, kind);
  }

  getPublishedCrlHeader(issuerSkiHex: string, kind: CrlKind): Promise<PublishedCrlHeader | undefined> {
    return selectCrlHeader(this.db.pool, issuerSkiHex, kind);
  }

  async getApplicationStatus(number: string): Promise<ApplicationStatusView | undefined> {
    const app = await selectApplicationByNumber(this.db.pool, number);
    return app && buildStatusView(app, await selectHistory(this.db.pool, app.id), this.now());
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.poll) clearInterval(this.poll);
    const l = this.listener;
    this.listener = undefined;
    await l?.end().catch(() => {});
    await this.db.close();
  }
}

/**
 * Opens the store read-only for the status service (the CA must have created and migrated it).
 * @throws {CaStoreError} `ERR_STORE_OPEN` (unreachable, not migrated by the CA yet),
 *   `ERR_SCHEMA_TOO_NEW`.
 * @example
 * ```ts
 * const status = await openPgStatusStore(process.env.KZPKI_DATABASE_URL!);
 * await status.getCertificateStatus(issuerSkiHex, serialHex);
 * ```
 */
export function openPgStatusStore(
  url: string,
  options: OpenPgStatusStoreOptions = {},
): Promise<PgStatusStore> {
  return PgStatusStore.open(url, options);
}
