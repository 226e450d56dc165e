/**
 * The append-only audit log with a SHA-256 hash chain: each entry's hash covers the previous hash
 * and the canonical JSON of the entry, so rewriting history (even with the triggers dropped) shows.
 */
import { createHash } from 'node:crypto';
import type Database from 'better-sqlite3';
import { canonicalJson } from '../canonical-json.js';
import type { AuditEntry, AuditInput } from '../types.js';
import { stmt } from './statements.js';

interface AuditRow {
  id: number;
  at: string;
  actor: string;
  action: string;
  entity: string;
  details: string;
  hash: string;
}

/** The "previous hash" of the first entry. */
export const GENESIS = '0'.repeat(64);

/** Hash of an entry chained to `prev` (shared by the SQLite and PostgreSQL stores). */
export function entryHash(prev: string, at: string, e: AuditInput): string {
  const entry = canonicalJson({
    at,
    actor: e.actor,
    action: e.action,
    entity: e.entity,
    details: e.details ?? {},
  });
  return createHash('sha256').update(`${prev}\n${entry}`).digest('hex');
}

/** Appends an entry; call inside the transaction of the change it records. */
export function appendAudit(db: Database.Database, entry: AuditInput, at: Date): void {
  const last = stmt(db, 'SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1').get() as
    | { hash: string }
    | undefined;
  const atIso = at.toISOString();
  const details = entry.details ?? {};
  stmt(db, 'INSERT INTO audit_log (at, actor, action, entity, details, hash) VALUES (?, ?, ?, ?, ?, ?)').run(
    atIso,
    entry.actor,
    entry.action,
    entry.entity,
    canonicalJson(details),
    entryHash(last?.hash ?? GENESIS, atIso, { ...entry, details }),
  );
}

/** Entries about one entity, oldest first. */
export function listAudit(db: Database.Database, entity: string): AuditEntry[] {
  const rows = stmt(db, 'SELECT * FROM audit_log WHERE entity = ? ORDER BY id').all(entity) as AuditRow[];
  return rows.map((r) => ({
    id: r.id,
    at: new Date(r.at),
    actor: r.actor,
    action: r.action,
    entity: r.entity,
    details: JSON.parse(r.details) as Record<string, unknown>,
    hash: r.hash,
  }));
}

/** Recomputes the chain; returns the id of the first entry whose hash does not match. */
export function verifyAuditChain(db: Database.Database): number | undefined {
  let prev = GENESIS;
  for (const r of stmt(db, 'SELECT * FROM audit_log ORDER BY id').iterate() as Iterable<AuditRow>) {
    const details = JSON.parse(r.details) as Record<string, unknown>;
    const expected = entryHash(prev, r.at, { actor: r.actor, action: r.action, entity: r.entity, details });
    if (expected !== r.hash) return r.id;
    prev = r.hash;
  }
  return undefined;
}
