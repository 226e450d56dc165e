/**
 * Moves a CA from SQLite to PostgreSQL (`kzpki ca migrate-store`): every row of every table, in
 * one PostgreSQL transaction, checked before the commit (row counts per table, the audit hash
 * chain recomputed over the copied rows, the revocation sequence). The CA must be stopped while it
 * runs. The copy is exact: the same keys (still encrypted under the same passphrases), serials,
 * statuses, CRL numbers, published CRLs, sessions and audit chain; unfinished leases and
 * idempotency records name no live PostgreSQL node, so they are taken over at once.
 *
 * Written by hand: it is a table-to-table copy with per-column conversions (ISO text to
 * timestamptz, 0/1 to boolean, 64-bit integers to numeric), which no library does for this schema.
 */
import Database from 'better-sqlite3';
import { CaStoreError } from '../errors.js';
import { MIGRATIONS } from '../sqlite/migrations.js';
import { verifyAuditChain } from './audit.js';
import type { Tx } from './database.js';
import type { PgCaRepository } from './pg-repository.js';

/** How a column's SQLite value becomes a PostgreSQL parameter. */
type Conv = 'as-is' | 'bool' | 'int' | 'json-bytes';

/** Tables in foreign-key order, with the columns whose value needs a conversion. */
const TABLES: ReadonlyArray<{ name: string; order: string; conv?: Record<string, Conv> }> = [
  { name: 'settings', order: 'name' },
  { name: 'ca_keys', order: 'name' },
  { name: 'applications', order: 'rowid' },
  { name: 'application_history', order: 'id', conv: { id: 'int' } },
  { name: 'certificates', order: 'rowid', conv: { status_seq: 'int' } },
  { name: 'revocation_events', order: 'seq', conv: { seq: 'int' } },
  { name: 'crl_numbers', order: 'issuer_ski_hex', conv: { last_number: 'int' } },
  { name: 'approvals', order: 'application_id' },
  { name: 'sessions', order: 'rowid' },
  { name: 'challenges', order: 'rowid' },
  { name: 'idempotency_keys', order: 'rowid', conv: { status_code: 'int' } },
  { name: 'audit_log', order: 'id', conv: { id: 'int' } },
  { name: 'issuers', order: 'id' },
  { name: 'ocsp_responders', order: 'issuer_ski_hex' },
  {
    name: 'published_crls',
    order: 'rowid',
    conv: {
      crl_number: 'int',
      base_crl_number: 'int',
      entries: 'int',
      revocation_seq: 'int',
      size: 'int',
      parts: 'int',
      complete: 'bool',
    },
  },
  { name: 'published_crl_parts', order: 'rowid', conv: { crl_number: 'int', part: 'int' } },
  { name: 'audit_checkpoints', order: 'seq', conv: { seq: 'int', audit_id: 'int', entries: 'int' } },
  { name: 'timestamp_signers', order: 'issuer_ski_hex, policy' },
];

/**
 * Tables not copied: SQLite's own bookkeeping, the rate-limit buckets (transient counters; the
 * PostgreSQL store starts with full buckets) and the dev outbox (transient messages of the
 * simulated gateways, one-time codes among them).
 */
const SKIPPED = new Set(['schema_migrations', 'sqlite_sequence', 'rate_limits', 'dev_outbox']);

/** The SQLite schema version this copier was written for. */
export const COPIED_SQLITE_SCHEMA = 7;

/** What {@link copySqliteToPostgres} copied. */
export interface StoreCopyReport {
  /** Rows per table. */
  tables: Record<string, number>;
  /** The revocation sequence, equal on both sides. */
  revocationSeq: number;
  /** Audit entries, whose chain verified on PostgreSQL before the commit. */
  auditEntries: number;
}

function convert(v: unknown, conv: Conv | undefined): unknown {
  if (v === null || v === undefined) return null;
  switch (conv) {
    case 'bool':
      return BigInt(v as bigint) !== 0n;
    case 'int':
      return (v as bigint).toString();
    default:
      return typeof v === 'bigint' ? v.toString() : v;
  }
}

async function copyTable(
  src: Database.Database,
  t: Tx,
  table: (typeof TABLES)[number],
  onProgress?: (table: string, rows: number) => void,
): Promise<number> {
  const columns = (src.prepare(`PRAGMA table_info(${table.name})`).all() as Array<{ name: string }>).map(
    (c) => c.name,
  );
  const list = columns.join(', ');
  // Large rows (CRL parts) one at a time; small ones in batches within the parameter limit.
  const batch = table.name === 'published_crl_parts' ? 1 : Math.max(1, Math.floor(30_000 / columns.length));
  const rows = src.prepare(`SELECT ${list} FROM ${table.name} ORDER BY ${table.order}`).safeIntegers(true);
  let pending: unknown[][] = [];
  let n = 0;
  const flush = async (): Promise<void> => {
    if (pending.length === 0) return;
    const values = pending
      .map((_, r) => `(${columns.map((_c, c) => `$${r * columns.length + c + 1}`).join(', ')})`)
      .join(', ');
    await t.run(`INSERT INTO ${table.name} (${list}) VALUES ${values}`, pending.flat());
    n += pending.length;
    onProgress?.(table.name, n);
    pending = [];
  };
  for (const row of rows.iterate() as Iterable<Record<string, unknown>>) {
    pending.push(columns.map((c) => convert(row[c], table.conv?.[c])));
    if (pending.length >= batch) await flush();
  }
  await flush();
  return n;
}

/**
 * Copies the SQLite store at `sqlitePath` into `target`, which must hold no CA yet (freshly
 * migrated). The SQLite file is only read (it must be at this code's schema version: open it with
 * this version of kzpki once if it is older).
 * @throws {CaStoreError} `ERR_STORE_NOT_EMPTY` when the target already holds data, `ERR_STORE_OPEN`
 *   when the SQLite file is missing or has a table the copier does not know, `ERR_SCHEMA_TOO_NEW`
 *   when it is newer than this code.
 * @example
 * ```ts
 * const target = await openPgCaStore('postgres://kzpki@db/kzpki');
 * const report = await copySqliteToPostgres('./var/ca.sqlite', target);
 * ```
 */
export async function copySqliteToPostgres(
  sqlitePath: string,
  target: PgCaRepository,
  options: { onProgress?: (table: string, rows: number) => void } = {},
): Promise<StoreCopyReport> {
  let src: Database.Database;
  try {
    src = new Database(sqlitePath, { readonly: true, fileMustExist: true });
  } catch (cause) {
    throw new CaStoreError('ERR_STORE_OPEN', `Cannot open the SQLite store ${sqlitePath}`, { cause });
  }
  try {
    const version = (
      src.prepare('SELECT COALESCE(MAX(version), 0) AS v FROM schema_migrations').get() as { v: number }
    ).v;
    const latest = MIGRATIONS[MIGRATIONS.length - 1]?.version ?? 0;
    if (version > latest) {
      throw new CaStoreError(
        'ERR_SCHEMA_TOO_NEW',
        `The SQLite store has schema version ${version}; upgrade kzpki`,
      );
    }
    if (version !== latest || latest !== COPIED_SQLITE_SCHEMA) {
      throw new CaStoreError(
        'ERR_STORE_OPEN',
        `The SQLite store has schema version ${version}; the copy needs version ${COPIED_SQLITE_SCHEMA} (start the CA on it once with this kzpki)`,
      );
    }
    const known = new Set(TABLES.map((t) => t.name));
    const unknown = (
      src.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all() as string[]
    ).filter((name) => !known.has(name) && !SKIPPED.has(name));
    if (unknown.length > 0) {
      throw new CaStoreError('ERR_STORE_OPEN', `The copy does not know the table(s) ${unknown.join(', ')}`);
    }
    return await target.db.tx(async (t) => {
      const held = await t.rows<{ n: string }>(
        `SELECT (SELECT count(*) FROM ca_keys) + (SELECT count(*) FROM certificates)
           + (SELECT count(*) FROM applications) + (SELECT count(*) FROM audit_log) + (SELECT count(*) FROM issuers) AS n`,
      );
      if (Number(held[0]?.n) > 0) {
        throw new CaStoreError(
          'ERR_STORE_NOT_EMPTY',
          'The PostgreSQL store already holds a CA; copy into an empty database',
        );
      }
      const tables: Record<string, number> = {};
      for (const table of TABLES) {
        tables[table.name] = await copyTable(src, t, table, options.onProgress);
        const count = (src.prepare(`SELECT COUNT(*) FROM ${table.name}`).pluck().get() as number) ?? 0;
        const copied = Number((await t.rows<{ n: string }>(`SELECT count(*) AS n FROM ${table.name}`))[0]?.n);
        if (copied !== count || tables[table.name] !== count) {
          throw new Error(`Copy of ${table.name}: ${count} rows in SQLite, ${copied} in PostgreSQL`);
        }
      }
      // Counters the copied rows imply.
      const seq = Number(
        (src.prepare('SELECT COALESCE(MAX(seq), 0) FROM revocation_events').pluck().get() as number) ?? 0,
      );
      await t.run('UPDATE revocation_head SET seq = $1', [seq]);
      for (const [table, column] of [
        ['application_history', 'id'],
        ['audit_log', 'id'],
      ] as const) {
        await t.run(
          `SELECT setval(pg_get_serial_sequence('${table}', '${column}'), COALESCE((SELECT MAX(${column}) FROM ${table}), 0) + 1, false)`,
        );
      }
      const broken = await verifyAuditChain(t.client);
      if (broken !== undefined) {
        throw new Error(
          `The audit chain does not verify after the copy (entry ${broken}); nothing was written`,
        );
      }
      return { tables, revocationSeq: seq, auditEntries: tables.audit_log ?? 0 };
    });
  } finally {
    src.close();
  }
}
