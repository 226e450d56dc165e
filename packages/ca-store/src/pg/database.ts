/**
 * The PostgreSQL connection of the store (node-postgres): a pool, transactions with retries, the
 * mapping of uniqueness violations to `ERR_DUPLICATE`, and the advisory-lock keys every process of
 * a deployment agrees on.
 *
 * Concurrency rules of the PostgreSQL store (several CA and status processes on one database):
 * - transactions run at READ COMMITTED and lock what they change first (`SELECT ... FOR UPDATE`
 *   on the application or certificate row), so a guarded update sees the row as it is and no
 *   other process changes it before the commit;
 * - locks are always taken in one order: application or certificate row, then the revocation
 *   head row, then the audit chain lock (taken last, just before the commit, by
 *   {@link Tx.flushAudit}); a deadlock or serialization failure that happens anyway is retried;
 * - the audit chain is appended under a transaction-level advisory lock, so entries are numbered
 *   and chained in commit order however many processes write.
 */
import pg from 'pg';
import { CaStoreError, type DuplicateConstraint } from '../errors.js';
import type { CommitStats } from '../repository.js';
import type { AuditInput } from '../types.js';

/** Anything that runs a query: the pool or one client. */
export type Queryable = Pick<pg.ClientBase, 'query'>;

/**
 * Advisory lock classes (the first key of the two-key form), "kzpk" and the next few values, so
 * that kzpki's locks never collide with another application's single-key locks on the database.
 */
export const LOCK_CLASS = {
  /** (class, 1): the audit chain (transaction-level). (class, 2): migrations (session-level). */
  store: 0x6b7a706b,
  /** (class, node key): held by every open CA store for its whole life: its liveness. */
  node: 0x6b7a706c,
  /** (class, hashtext(name)): {@link PgDatabase} users' named exclusive locks. */
  named: 0x6b7a706d,
  /** (class, hashtext(issuer/kind)): publication of one issuer's CRLs of one kind (transaction-level). */
  crl: 0x6b7a706e,
} as const;

/** Second keys of {@link LOCK_CLASS.store}. */
export const STORE_LOCK = { audit: 1, migrations: 2 } as const;

/** Channel of the revocation notifications (payload: the new revocation sequence number). */
export const REVOCATION_CHANNEL = 'kzpki_revocation';

/** The uniqueness rules of the schema, by constraint name. */
const PG_UNIQUE: Readonly<Record<string, DuplicateConstraint>> = {
  certificates_pkey: 'serial',
  certificates_serial: 'serial',
  certificates_spki: 'public-key',
  applications_number_key: 'application-number',
  ca_keys_pkey: 'ca-key',
};

/** A unique violation (SQLSTATE 23505) as `ERR_DUPLICATE`; anything else unchanged. */
export function duplicateError(e: unknown): unknown {
  const err = e as { code?: unknown; constraint?: unknown };
  if (!(e instanceof Error) || err.code !== '23505') return e;
  const constraint = (typeof err.constraint === 'string' && PG_UNIQUE[err.constraint]) || 'other';
  return new CaStoreError('ERR_DUPLICATE', `Duplicate ${constraint}: ${e.message}`, { cause: e, constraint });
}

/** SQLSTATEs after which a transaction is simply run again: serialization failure, deadlock. */
const RETRYABLE = new Set(['40001', '40P01']);

/** Options of {@link PgDatabase}. */
export interface PgDatabaseOptions {
  /** Connections in the pool (default 10). */
  max?: number;
  /** `application_name` shown in `pg_stat_activity` (default `kzpki`). */
  applicationName?: string;
  /** Every session read-only (`default_transaction_read_only`): the status service. */
  readOnly?: boolean;
  /** Where background connection errors go (default: `console.error`, without the URL). */
  onError?: (error: Error) => void;
}

/** One transaction: its client, and the audit entries to append just before the commit. */
export class Tx {
  private readonly audits: Array<{ entry: AuditInput; at: Date }> = [];

  constructor(readonly client: pg.PoolClient) {}

  /** Runs a query in the transaction and returns its rows. */
  async rows<R extends pg.QueryResultRow>(sql: string, params: unknown[] = []): Promise<R[]> {
    return (await this.client.query<R>(sql, params)).rows;
  }

  /** Runs a query and returns the number of rows it changed. */
  async run(sql: string, params: unknown[] = []): Promise<number> {
    return (await this.client.query(sql, params)).rowCount ?? 0;
  }

  /** Appends an audit entry with the transaction (written last, under the audit lock). */
  audit(entry: AuditInput, at: Date): void {
    this.audits.push({ entry, at });
  }

  /** The audit entries of this transaction, taken once (by the commit). */
  takeAudits(): Array<{ entry: AuditInput; at: Date }> {
    return this.audits.splice(0);
  }
}

/**
 * The pool and the transaction helper.
 * @example
 * ```ts
 * const db = new PgDatabase('postgres://kzpki@db.internal/kzpki');
 * const n = await db.tx(async (t) => t.run('DELETE FROM sessions WHERE expires_at < now()'));
 * ```
 */
export class PgDatabase {
  readonly pool: pg.Pool;
  /** Transactions committed through this object (and counted autocommit writes), for benchmarks. */
  readonly stats: CommitStats = { transactions: 0, durableCommits: 0 };

  constructor(
    readonly url: string,
    private readonly options: PgDatabaseOptions = {},
    /** Appends audit entries (the chain lives in `audit.ts`). */
    private readonly flushAudit?: (t: Tx, entries: Array<{ entry: AuditInput; at: Date }>) => Promise<void>,
  ) {
    this.pool = new pg.Pool({
      connectionString: url,
      max: options.max ?? 10,
      application_name: options.applicationName ?? 'kzpki',
      ...(options.readOnly ? { options: '-c default_transaction_read_only=on' } : {}),
    });
    // An idle client losing its connection must not crash the process: the pool replaces it.
    this.pool.on('error', (e) => this.reportError(e));
  }

  /** Reports a background error (never with the URL, which may hold a password). */
  reportError(e: Error): void {
    (this.options.onError ?? ((x: Error) => console.error('[kzpki-store] PostgreSQL:', x.message)))(e);
  }

  /** Runs one query on the pool and returns its rows. */
  async rows<R extends pg.QueryResultRow>(sql: string, params: unknown[] = []): Promise<R[]> {
    return (await this.pool.query<R>(sql, params)).rows;
  }

  /**
   * Runs `fn` in a transaction and commits (audit entries last); rolls back on an error. Runs it
   * again after a deadlock or a serialization failure (up to 5 times).
   * @throws {CaStoreError} `ERR_DUPLICATE` for a uniqueness violation; other errors as they are.
   */
  async tx<T>(fn: (t: Tx) => Promise<T>, options: { isolation?: 'repeatable read' } = {}): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      const client = await this.pool.connect();
      let broken: Error | undefined;
      try {
        await client.query(
          options.isolation ? `BEGIN ISOLATION LEVEL ${options.isolation.toUpperCase()}` : 'BEGIN',
        );
        const t = new Tx(client);
        const value = await fn(t);
        const audits = t.takeAudits();
        if (audits.length > 0) {
          if (!this.flushAudit) throw new Error('PgDatabase: audit entries without an audit writer');
          await this.flushAudit(t, audits);
        }
        await client.query('COMMIT');
        this.countAutocommit();
        return value;
      } catch (e) {
        await client.query('ROLLBACK').catch((rollbackError: Error) => {
          broken = rollbackError;
        });
        const code = (e as { code?: unknown }).code;
        if (typeof code === 'string' && RETRYABLE.has(code) && attempt < 5) continue;
        throw duplicateError(e);
      } finally {
        client.release(broken);
      }
    }
  }

  /** Counts a durable commit made outside {@link tx} (one statement on the pool). */
  countAutocommit(): void {
    this.stats.transactions++;
    this.stats.durableCommits++;
  }

  /** Closes the pool. */
  async close(): Promise<void> {
    await this.pool.end();
  }
}

/**
 * A URL with its password replaced by `***`, for messages and logs.
 * @example
 * ```ts
 * redactUrl('postgres://kzpki:secret@db/kzpki'); // 'postgres://kzpki:***@db/kzpki'
 * ```
 */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return url.replace(/\/\/([^:/@]*):[^@]*@/, '//$1:***@');
  }
}
