/**
 * The two stores behind one harness, so that one conformance suite (`store-contract.ts`) runs
 * against both: each `fresh()` is an empty store of its own (a new SQLite file, a new PostgreSQL
 * database), `another()` a second connection to it (as a second process would have), `status()`
 * the status service's view, and the few raw-SQL hooks the suite needs (placeholders `?`).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type CaRepository,
  MIGRATIONS,
  openCaStore,
  openPgCaStore,
  openPgStatusStore,
  openStatusStore,
  PG_MIGRATIONS,
  type PgCaRepository,
  type PgStatusStore,
  type SqliteCaRepository,
  type SqliteStatusStore,
  type StatusStore,
} from '../../src/index.js';
import { createPgTestDatabase, type PgTestDatabase } from '../../src/testing/pg-test-database.js';

/** What the suite needs from a store implementation. */
export interface StoreHarness {
  name: string;
  /** Versions `schema_migrations` must list after opening. */
  migrationVersions: number[];
  /** A new, empty, migrated store. */
  fresh(options?: { now?: () => Date }): Promise<CaRepository>;
  /** Another connection to the same store (a second process), with a page size for `listRevoked`. */
  another(store: CaRepository, options?: { pageSize?: number }): Promise<CaRepository>;
  /** The status service's read-only view of the store. */
  status(store: CaRepository): Promise<StatusStore>;
  /** Rows of a query on the store's database. */
  sql(store: CaRepository, sql: string, params?: unknown[]): Promise<Array<Record<string, unknown>>>;
  /** Tries a write through the status view's connection (must fail: it is read-only). */
  writeThroughStatus(status: StatusStore): Promise<unknown>;
  /** Lets the audit log be rewritten (the tamper test), and back. */
  auditAppendOnly(store: CaRepository, on: boolean): Promise<void>;
  /** Inserts an unfinished CRL header, as a crashed writer leaves it. */
  insertUnfinishedCrl(store: CaRepository, issuerSkiHex: string, crlNumber: number): Promise<void>;
  /** Removes everything made (called once, after the suite). */
  cleanup(): Promise<void>;
}

/** `?` placeholders to `$1, $2, ...`. */
function dollar(sql: string): string {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
}

/** SQLite: a file in a temp directory per store. */
export function sqliteHarness(): StoreHarness {
  const dirs: string[] = [];
  const paths = new WeakMap<CaRepository, string>();
  const opened: Array<{ close(): Promise<void> }> = [];
  const db = (s: CaRepository) => (s as SqliteCaRepository).db;
  return {
    name: 'SQLite',
    migrationVersions: MIGRATIONS.map((m) => m.version),
    async fresh(options = {}) {
      const dir = mkdtempSync(join(tmpdir(), 'kzpki-store-contract-'));
      dirs.push(dir);
      const path = join(dir, 'ca.sqlite');
      const store = openCaStore(path, options);
      paths.set(store, path);
      opened.push(store);
      return store;
    },
    async another(store, options = {}) {
      const other = openCaStore(paths.get(store)!, options);
      paths.set(other, paths.get(store)!);
      opened.push(other);
      return other;
    },
    async status(store) {
      const s = openStatusStore(paths.get(store)!);
      opened.push(s);
      return s;
    },
    async sql(store, sql, params = []) {
      const st = db(store).prepare(sql);
      if (st.reader) return st.all(...params) as Array<Record<string, unknown>>;
      st.run(...params);
      return [];
    },
    async writeThroughStatus(status) {
      (status as SqliteStatusStore).db.exec("INSERT INTO settings VALUES ('x', 'y')");
    },
    async auditAppendOnly(store, on) {
      db(store).exec(
        on
          ? "CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END"
          : 'DROP TRIGGER audit_log_no_update',
      );
    },
    async insertUnfinishedCrl(store, issuer, crlNumber) {
      db(store)
        .prepare(
          `INSERT INTO published_crls (issuer_ski_hex, kind, crl_number, this_update, next_update, entries,
             revocation_seq, size, parts, complete, published_at)
             VALUES (?, 'full', ?, '2026-01-01T00:00:00.000Z', '2026-01-02T00:00:00.000Z', 0, 0, 5, 1, 0, '2026-01-01T00:00:00.000Z')`,
        )
        .run(issuer, crlNumber);
    },
    async cleanup() {
      for (const s of opened) await s.close();
      for (const d of dirs) rmSync(d, { recursive: true, force: true });
    },
  };
}

/** PostgreSQL: a database of its own per store. */
export function pgHarness(): StoreHarness {
  const databases: PgTestDatabase[] = [];
  const urls = new WeakMap<CaRepository, string>();
  const opened: Array<{ close(): Promise<void> }> = [];
  const pool = (s: CaRepository) => (s as PgCaRepository).db.pool;
  return {
    name: 'PostgreSQL',
    migrationVersions: PG_MIGRATIONS.map((m) => m.version),
    async fresh(options = {}) {
      const database = await createPgTestDatabase();
      databases.push(database);
      const store = await openPgCaStore(database.url, { ...options, poolSize: 6, onError: () => {} });
      urls.set(store, database.url);
      opened.push(store);
      return store;
    },
    async another(store, options = {}) {
      const other = await openPgCaStore(urls.get(store)!, { ...options, poolSize: 6, onError: () => {} });
      urls.set(other, urls.get(store)!);
      opened.push(other);
      return other;
    },
    async status(store) {
      const s = await openPgStatusStore(urls.get(store)!, { onError: () => {} });
      opened.push(s);
      return s;
    },
    async sql(store, sql, params = []) {
      return (await pool(store).query(dollar(sql), params)).rows;
    },
    async writeThroughStatus(status) {
      await (status as PgStatusStore).db.pool.query("INSERT INTO settings VALUES ('x', 'y')");
    },
    async auditAppendOnly(store, on) {
      await pool(store).query(
        `ALTER TABLE audit_log ${on ? 'ENABLE' : 'DISABLE'} TRIGGER audit_log_append_only`,
      );
    },
    async insertUnfinishedCrl(store, issuer, crlNumber) {
      await pool(store).query(
        `INSERT INTO published_crls (issuer_ski_hex, kind, crl_number, this_update, next_update, entries,
           revocation_seq, size, parts, complete, published_at)
           VALUES ($1, 'full', $2, '2026-01-01T00:00:00Z', '2026-01-02T00:00:00Z', 0, 0, 5, 1, false, '2026-01-01T00:00:00Z')`,
        [issuer, crlNumber],
      );
    },
    async cleanup() {
      for (const s of opened) await s.close().catch(() => {});
      for (const d of databases) await d.drop();
    },
  };
}
