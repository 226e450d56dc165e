/**
 * The audit log on PostgreSQL: the same SHA-256 hash chain as on SQLite (`sqlite/audit.ts`), its
 * entries appended last in each transaction under a transaction-level advisory lock, so the chain
 * follows commit order whichever process writes.
 */
import { canonicalJson } from '../canonical-json.js';
import { entryHash, GENESIS } from '../sqlite/audit.js';
import type { AuditEntry, AuditInput } from '../types.js';
import { LOCK_CLASS, type Queryable, STORE_LOCK, type Tx } from './database.js';

interface AuditRow {
  id: string;
  at: Date;
  actor: string;
  action: string;
  entity: string;
  details: string;
  hash: string;
}

const HEAD_UNDER_LOCK = `SELECT pg_advisory_xact_lock(${LOCK_CLASS.store}, ${STORE_LOCK.audit}); SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1`;

/** Appends the entries of a transaction, in order (called by the commit, last). */
export async function flushAudit(t: Tx, entries: Array<{ entry: AuditInput; at: Date }>): Promise<void> {
  // The lock, then the chain's head, in one round trip: two statements of one simple query (no
  // parameters: the lock key is the store's constant). At READ COMMITTED each statement takes a
  // snapshot of its own, so the head is read after the lock is held, and is the latest.
  const results = (await t.client.query(HEAD_UNDER_LOCK)) as unknown as Array<{
    rows: Array<{ hash: string }>;
  }>;
  let prev = results[1]?.rows[0]?.hash ?? GENESIS;
  for (const { entry, at } of entries) {
    const atIso = at.toISOString();
    const details = entry.details ?? {};
    const hash = entryHash(prev, atIso, { ...entry, details });
    await t.run(
      'INSERT INTO audit_log (at, actor, action, entity, details, hash) VALUES ($1, $2, $3, $4, $5, $6)',
      [at, entry.actor, entry.action, entry.entity, canonicalJson(details), hash],
    );
    prev = hash;
  }
}

function toEntry(r: AuditRow): AuditEntry {
  return {
    id: Number(r.id),
    at: r.at,
    actor: r.actor,
    action: r.action,
    entity: r.entity,
    details: JSON.parse(r.details) as Record<string, unknown>,
    hash: r.hash,
  };
}

/** Entries about one entity, oldest first. */
export async function listAudit(db: Queryable, entity: string): Promise<AuditEntry[]> {
  const r = await db.query<AuditRow>('SELECT * FROM audit_log WHERE entity = $1 ORDER BY id', [entity]);
  return r.rows.map(toEntry);
}

/** Recomputes the chain page by page; returns the id of the first entry whose hash does not match. */
export async function verifyAuditChain(db: Queryable, pageSize = 5000): Promise<number | undefined> {
  let prev = GENESIS;
  let after = 0;
  for (;;) {
    const page = (
      await db.query<AuditRow>('SELECT * FROM audit_log WHERE id > $1 ORDER BY id LIMIT $2', [
        after,
        pageSize,
      ])
    ).rows;
    for (const r of page) {
      const details = JSON.parse(r.details) as Record<string, unknown>;
      const expected = entryHash(prev, r.at.toISOString(), {
        actor: r.actor,
        action: r.action,
        entity: r.entity,
        details,
      });
      if (expected !== r.hash) return Number(r.id);
      prev = r.hash;
    }
    const last = page[page.length - 1];
    if (!last || page.length < pageSize) return undefined;
    after = Number(last.id);
  }
}
