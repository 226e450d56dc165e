import { type ApplicationRow as ApplicationRowOf, applicationFromRow } from '../application-row.js';
import type { ApplicationStatus } from '../application-status.js';
import type { ApplicationUpdate } from '../repository.js';
import { encodeJson } from '../sqlite/json-codec.js';
import type { ApplicationData, ApplicationRecord, AuditInput, StatusHistoryEntry } from '../types.js';
import type { Queryable, Tx } from './database.js';
import { insertSession } from './sessions.js';

type ApplicationRow = ApplicationRowOf<Date>;
const toRecord = (r: ApplicationRow): ApplicationRecord => applicationFromRow(r, (d) => d);

/** Inserts a history row. */
export async function insertHistory(
  t: Tx,
  applicationId: string,
  status: ApplicationStatus,
  at: Date,
  actor: string,
  note?: string,
): Promise<void> {
  await t.run(
    'INSERT INTO application_history (application_id, status, at, actor, note) VALUES ($1, $2, $3, $4, $5)',
    [applicationId, status, at, actor, note ?? null],
  );
}

/** Inserts a new application with its first history row and audit entry. */
export async function insertApplication(
  t: Tx,
  app: ApplicationRecord,
  actor: string,
  audit: AuditInput,
  now: Date,
): Promise<void> {
  await t.run(
    `INSERT INTO applications (id, number, kind, template, iin, bin, status, created_at, updated_at, expires_at, submitted_at, data)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
    [
      app.id,
      app.number ?? null,
      app.kind,
      app.template,
      app.iin,
      app.bin ?? null,
      app.status,
      app.createdAt,
      app.updatedAt,
      app.expiresAt,
      app.submittedAt ?? null,
      encodeJson(app.data),
    ],
  );
  await insertHistory(t, app.id, app.status, app.createdAt, actor);
  t.audit(audit, now);
}

/** One application by id. */
export async function selectApplication(db: Queryable, id: string): Promise<ApplicationRecord | undefined> {
  const r = (await db.query<ApplicationRow>('SELECT * FROM applications WHERE id = $1', [id])).rows[0];
  return r && toRecord(r);
}

/** One application by id, row-locked until the end of the transaction. */
export async function lockApplication(t: Tx, id: string): Promise<ApplicationRecord | undefined> {
  const r = (await t.rows<ApplicationRow>('SELECT * FROM applications WHERE id = $1 FOR UPDATE', [id]))[0];
  return r && toRecord(r);
}

/** One application by number. */
export async function selectApplicationByNumber(
  db: Queryable,
  number: string,
): Promise<ApplicationRecord | undefined> {
  const r = (await db.query<ApplicationRow>('SELECT * FROM applications WHERE number = $1', [number]))
    .rows[0];
  return r && toRecord(r);
}

/** Applications in a status (optionally of one BIN), oldest first. */
export async function selectApplicationsByStatus(
  db: Queryable,
  status: ApplicationStatus,
  bin?: string,
): Promise<ApplicationRecord[]> {
  const r =
    bin === undefined
      ? await db.query<ApplicationRow>('SELECT * FROM applications WHERE status = $1 ORDER BY created_at', [
          status,
        ])
      : await db.query<ApplicationRow>(
          'SELECT * FROM applications WHERE status = $1 AND bin = $2 ORDER BY created_at',
          [status, bin],
        );
  return r.rows.map(toRecord);
}

/**
 * Applies an update if the application is in one of the expected statuses and passes the guard,
 * both checked on the row locked `FOR UPDATE` (no other process changes it before the commit).
 * Returns the updated record, or `undefined` when it does not apply.
 */
export async function applyUpdate(
  t: Tx,
  id: string,
  update: ApplicationUpdate,
  now: Date,
): Promise<ApplicationRecord | undefined> {
  const current = await lockApplication(t, id);
  if (!current || !update.expected.includes(current.status)) return undefined;
  if (update.guard && !update.guard(current)) return undefined;
  const data: ApplicationData = { ...current.data };
  for (const [k, v] of Object.entries(update.data ?? {})) {
    if (v === undefined) delete (data as unknown as Record<string, unknown>)[k];
    else (data as unknown as Record<string, unknown>)[k] = v;
  }
  const status = update.status?.to ?? current.status;
  // The history row of a status change is written by the same statement: one round trip less.
  const rows = await t.rows<ApplicationRow>(
    `WITH u AS (
       UPDATE applications SET status = $1, number = COALESCE($2, number), submitted_at = COALESCE($3, submitted_at),
         data = $4, updated_at = $5 WHERE id = $6 RETURNING *
     ), h AS (
       INSERT INTO application_history (application_id, status, at, actor, note)
       SELECT u.id, u.status, $5, $7::text, $8::text FROM u WHERE $7::text IS NOT NULL
     )
     SELECT * FROM u`,
    [
      status,
      update.number ?? null,
      update.submittedAt ?? null,
      encodeJson(data),
      now,
      id,
      update.status?.actor ?? null,
      update.status?.note ?? null,
    ],
  );
  const updated = rows[0];
  if (!updated) return undefined;
  if (update.session) await insertSession(t.client, update.session);
  t.audit(update.audit, now);
  return toRecord(updated);
}

/** The status table of an application, oldest first. */
export async function selectHistory(db: Queryable, applicationId: string): Promise<StatusHistoryEntry[]> {
  const r = await db.query<{ status: string; at: Date; actor: string; note: string | null }>(
    'SELECT status, at, actor, note FROM application_history WHERE application_id = $1 ORDER BY id',
    [applicationId],
  );
  return r.rows.map((h) => ({
    status: h.status as ApplicationStatus,
    at: h.at,
    actor: h.actor,
    ...(h.note !== null ? { note: h.note } : {}),
  }));
}

/** Ids of unfinished applications past their time (the caller expires each in its own transaction). */
export async function selectExpired(
  db: Queryable,
  now: Date,
  statuses: readonly ApplicationStatus[],
): Promise<string[]> {
  const r = await db.query<{ id: string }>(
    'SELECT id FROM applications WHERE expires_at <= $1 AND status = ANY($2::text[]) ORDER BY expires_at',
    [now, [...statuses]],
  );
  return r.rows.map((x) => x.id);
}
