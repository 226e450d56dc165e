/**
 * Prepared statements compiled once per connection: the status service asks for certificate status
 * and the revocation sequence thousands of times per second.
 */
import type Database from 'better-sqlite3';

const cache = new WeakMap<Database.Database, Map<string, Database.Statement>>();

/** The prepared statement for `sql` on `db` (compiled on first use). */
export function stmt(db: Database.Database, sql: string): Database.Statement {
  let byText = cache.get(db);
  if (!byText) {
    byText = new Map();
    cache.set(db, byText);
  }
  let s = byText.get(sql);
  if (!s) {
    s = db.prepare(sql);
    byText.set(sql, s);
  }
  return s;
}
