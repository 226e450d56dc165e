/**
 * The dev outbox in PostgreSQL (migration 5): messages of the simulated SMS and e-mail gateways in
 * dev mode, shared by every CA process, newest first, bounded by count and age (pruned in the
 * statement of every append).
 */
import { type DevOutboxRow, devOutboxMessage } from '../dev-outbox-row.js';
import type { DevOutboxInput, DevOutboxLimits, DevOutboxMessage, DevOutboxQuery } from '../types.js';
import type { Queryable } from './database.js';

interface Row extends DevOutboxRow {
  id: string;
  created_at: Date;
}

function toMessage(r: Row): DevOutboxMessage {
  return devOutboxMessage(r, Number(r.id), r.created_at);
}

/** Deletes what `limits` no longer keeps; returns how many. */
export async function pruneDevOutbox(db: Queryable, limits: DevOutboxLimits, now: Date): Promise<number> {
  const r = await db.query(
    `DELETE FROM dev_outbox WHERE created_at < $1
       OR id <= (SELECT id FROM dev_outbox ORDER BY id DESC LIMIT 1 OFFSET $2)`,
    [new Date(now.getTime() - limits.maxAgeMs), Math.max(0, Math.floor(limits.maxMessages))],
  );
  return r.rowCount ?? 0;
}

/**
 * Appends a message and prunes in one statement (one transaction): the DELETE sees the table as
 * it was before the INSERT, so it keeps the newest `maxMessages - 1` earlier messages beside the
 * new one (at least the new one is always kept).
 */
export async function appendDevOutbox(
  db: Queryable,
  m: DevOutboxInput,
  limits: DevOutboxLimits,
): Promise<DevOutboxMessage> {
  const r = await db.query<{ id: string }>(
    `WITH ins AS (
       INSERT INTO dev_outbox (channel, recipient, sender, subject, body, iin, kind, code, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id
     ), pruned AS (
       DELETE FROM dev_outbox WHERE created_at < $10
         OR id <= (SELECT id FROM dev_outbox ORDER BY id DESC LIMIT 1 OFFSET $11)
     )
     SELECT id FROM ins`,
    [
      m.channel,
      m.recipient,
      m.sender,
      m.subject ?? null,
      m.body,
      m.iin ?? null,
      m.kind,
      m.code ?? null,
      m.createdAt,
      new Date(m.createdAt.getTime() - limits.maxAgeMs),
      Math.max(0, Math.floor(limits.maxMessages) - 1),
    ],
  );
  return { ...m, id: Number(r.rows[0]!.id) };
}

/** Messages matching `query`, newest first. */
export async function listDevOutbox(db: Queryable, q: DevOutboxQuery): Promise<DevOutboxMessage[]> {
  const r = await db.query<Row>(
    `SELECT * FROM dev_outbox
     WHERE ($1::text IS NULL OR channel = $1) AND ($2::text IS NULL OR recipient = $2)
       AND ($3::text IS NULL OR iin = $3)
     ORDER BY id DESC LIMIT $4`,
    [q.channel ?? null, q.recipient ?? null, q.iin ?? null, Math.max(0, Math.floor(q.limit))],
  );
  return r.rows.map(toMessage);
}
