/**
 * The dev outbox in SQLite (migration 7): messages of the simulated SMS and e-mail gateways in dev
 * mode, newest first, bounded by count and age (pruned in the transaction of every append).
 */
import type Database from 'better-sqlite3';
import { type DevOutboxRow, devOutboxMessage } from '../dev-outbox-row.js';
import type { DevOutboxInput, DevOutboxLimits, DevOutboxMessage, DevOutboxQuery } from '../types.js';
import { stmt } from './statements.js';

interface Row extends DevOutboxRow {
  id: number;
  created_at: string;
}

function toMessage(r: Row): DevOutboxMessage {
  return devOutboxMessage(r, r.id, new Date(r.created_at));
}

/** Deletes what `limits` no longer keeps; call inside a write transaction. Returns how many. */
export function pruneDevOutbox(db: Database.Database, limits: DevOutboxLimits, now: Date): number {
  const byAge = stmt(db, 'DELETE FROM dev_outbox WHERE created_at < ?').run(
    new Date(now.getTime() - limits.maxAgeMs).toISOString(),
  ).changes;
  const byCount = stmt(
    db,
    'DELETE FROM dev_outbox WHERE id <= (SELECT id FROM dev_outbox ORDER BY id DESC LIMIT 1 OFFSET ?)',
  ).run(Math.max(0, Math.floor(limits.maxMessages))).changes;
  return byAge + byCount;
}

/** Appends a message and prunes; call inside a write transaction. */
export function appendDevOutbox(
  db: Database.Database,
  m: DevOutboxInput,
  limits: DevOutboxLimits,
): DevOutboxMessage {
  const id = Number(
    stmt(
      db,
      `INSERT INTO dev_outbox (channel, recipient, sender, subject, body, iin, kind, code, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      m.channel,
      m.recipient,
      m.sender,
      m.subject ?? null,
      m.body,
      m.iin ?? null,
      m.kind,
      m.code ?? null,
      m.createdAt.toISOString(),
    ).lastInsertRowid,
  );
  // At least the new message is kept, as on PostgreSQL.
  pruneDevOutbox(db, { ...limits, maxMessages: Math.max(1, limits.maxMessages) }, m.createdAt);
  return { ...m, id };
}

/** Messages matching `query`, newest first. */
export function listDevOutbox(db: Database.Database, q: DevOutboxQuery): DevOutboxMessage[] {
  const rows = stmt(
    db,
    `SELECT * FROM dev_outbox
     WHERE (@channel IS NULL OR channel = @channel) AND (@recipient IS NULL OR recipient = @recipient)
       AND (@iin IS NULL OR iin = @iin)
     ORDER BY id DESC LIMIT @limit`,
  ).all({
    channel: q.channel ?? null,
    recipient: q.recipient ?? null,
    iin: q.iin ?? null,
    limit: Math.max(0, Math.floor(q.limit)),
  }) as Row[];
  return rows.map(toMessage);
}
