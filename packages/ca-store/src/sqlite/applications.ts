/** Applications and their status history in SQLite (call inside a transaction where noted). */

import type Database from 'better-sqlite3';
import { type ApplicationRow as ApplicationRowOf, applicationFromRow } from '../application-row.js';
import type { ApplicationStatus } from '../application-status.js';
import type { ApplicationUpdate } from '../repository.js';
import type { ApplicationData, ApplicationRecord, AuditInput, StatusHistoryEntry } from '../types.js';
import { appendAudit } from './audit.js';
import { encodeJson, iso } from './json-codec.js';
import { insertSession } from './sessions.js';
import { stmt } from './statements.js';

type ApplicationRow = ApplicationRowOf<string>;
const toRecord = (r: ApplicationRow): ApplicationRecord => applicationFromRow(r, (s) => new Date(s));

/** Inserts a history row. */
export function insertHistory(
  db: Database.Database,
  applicationId: string,
  status: ApplicationStatus,
  at: Date,
  actor: string,
  note?: string,
): void {
  stmt(
    db,
    'INSERT INTO application_history (application_id, status, at, actor, note) VALUES (?, ?, ?, ?, ?)',
  ).run(applicationId, status, at.toISOString(), actor, note ?? null);
}

/** Inserts a new application with its first history row and audit entry (in a transaction). */
export function insertApplication(
  db: Database.Database,
  app: ApplicationRecord,
  actor: string,
  audit: AuditInput,
  now: Date,
): void {
  stmt(
    db,
    `INSERT INTO applications (id, number, kind, template, iin, bin, status, created_at, updated_at, expires_at, submitted_at, data)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    app.id,
    app.number ?? null,
    app.kind,
    app.template,
    app.iin,
    app.bin ?? null,
    app.status,
    app.createdAt.toISOString(),
    app.updatedAt.toISOString(),
    app.expiresAt.toISOString(),
    iso(app.submittedAt),
    encodeJson(app.data),
  );
  insertHistory(db, app.id, app.status, app.createdAt, actor);
  appendAudit(db, audit, now);
}

/** One application by id. */
export function selectApplication(db: Database.Database, id: string): ApplicationRecord | undefined {
  const r = stmt(db, 'SELECT * FROM applications WHERE id = ?').get(id) as ApplicationRow | undefined;
  return r && toRecord(r);
}

/** One application by number. */
export function selectApplicationByNumber(
  db: Database.Database,
  number: string,
): ApplicationRecord | undefined {
  const r = stmt(db, 'SELECT * FROM applications WHERE number = ?').get(number) as ApplicationRow | undefined;
  return r && toRecord(r);
}

/** Applications in a status (optionally of one BIN), oldest first. */
export function selectApplicationsByStatus(
  db: Database.Database,
  status: ApplicationStatus,
  bin?: string,
): ApplicationRecord[] {
  const rows = (
    bin === undefined
      ? stmt(db, 'SELECT * FROM applications WHERE status = ? ORDER BY created_at').all(status)
      : stmt(db, 'SELECT * FROM applications WHERE status = ? AND bin = ? ORDER BY created_at').all(
          status,
          bin,
        )
  ) as ApplicationRow[];
  return rows.map(toRecord);
}

/**
 * Applies an update if the application is in one of the expected statuses (in a transaction).
 * Returns the updated record, or `undefined` when the status no longer matches.
 */
export function applyUpdate(
  db: Database.Database,
  id: string,
  update: ApplicationUpdate,
  now: Date,
): ApplicationRecord | undefined {
  const current = selectApplication(db, id);
  if (!current || !update.expected.includes(current.status)) return undefined;
  if (update.guard && !update.guard(current)) return undefined;
  const data: ApplicationData = { ...current.data };
  for (const [k, v] of Object.entries(update.data ?? {})) {
    if (v === undefined) delete (data as unknown as Record<string, unknown>)[k];
    else (data as unknown as Record<string, unknown>)[k] = v;
  }
  const status = update.status?.to ?? current.status;
  const res = stmt(
    db,

    `UPDATE applications SET status = ?, number = COALESCE(?, number), submitted_at = COALESCE(?, submitted_at),
       data = ?, updated_at = ? WHERE id = ? AND status = ?`,
  ).run(
    status,
    update.number ?? null,
    iso(update.submittedAt),
    encodeJson(data),
    now.toISOString(),
    id,
    current.status,
  );
  if (res.changes !== 1) return undefined;
  if (update.status) insertHistory(db, id, update.status.to, now, update.status.actor, update.status.note);
  if (update.session) insertSession(db, update.session);
  appendAudit(db, update.audit, now);
  return selectApplication(db, id);
}

/** The status table of an application, oldest first. */
export function selectHistory(db: Database.Database, applicationId: string): StatusHistoryEntry[] {
  const rows = stmt(
    db,
    'SELECT status, at, actor, note FROM application_history WHERE application_id = ? ORDER BY id',
  ).all(applicationId) as Array<{ status: string; at: string; actor: string; note: string | null }>;
  return rows.map((r) => ({
    status: r.status as ApplicationStatus,
    at: new Date(r.at),
    actor: r.actor,
    ...(r.note !== null ? { note: r.note } : {}),
  }));
}

/** Expires old unfinished applications (in a transaction); returns how many. */
export function expireOld(db: Database.Database, now: Date, statuses: readonly ApplicationStatus[]): number {
  const placeholders = statuses.map(() => '?').join(',');
  const ids = stmt(
    db,
    `SELECT id FROM applications WHERE expires_at <= ? AND status IN (${placeholders})`,
  ).all(now.toISOString(), ...statuses) as Array<{ id: string }>;
  let n = 0;
  for (const { id } of ids) {
    const done = applyUpdate(
      db,
      id,
      {
        expected: statuses,
        status: { to: 'expired', actor: 'system' },
        data: { issuanceLease: undefined },
        audit: { actor: 'system', action: 'application.expired', entity: `application:${id}` },
      },
      now,
    );
    if (done) n++;
  }
  return n;
}
