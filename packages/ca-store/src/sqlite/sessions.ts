/** Sessions, one-time challenges and idempotency keys in SQLite. */
import type Database from 'better-sqlite3';
import type { ChallengeRecord, IdempotencyBegin, SessionRecord } from '../types.js';
import { date, decodeJson, encodeJson } from './json-codec.js';
import { stmt } from './statements.js';

/** Stores a session. */
export function insertSession(db: Database.Database, s: SessionRecord): void {
  stmt(
    db,
    'INSERT INTO sessions (token_hash, kind, application_id, holder, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)',
  ).run(
    s.tokenHash,
    s.kind,
    s.applicationId ?? null,
    s.holder ? encodeJson(s.holder) : null,
    s.createdAt.toISOString(),
    s.expiresAt.toISOString(),
  );
}

/** A session by token hash. */
export function selectSession(db: Database.Database, tokenHash: string): SessionRecord | undefined {
  const r = stmt(db, 'SELECT * FROM sessions WHERE token_hash = ?').get(tokenHash) as
    | {
        token_hash: string;
        kind: string;
        application_id: string | null;
        holder: string | null;
        created_at: string;
        expires_at: string;
      }
    | undefined;
  if (!r) return undefined;
  return {
    tokenHash: r.token_hash,
    kind: r.kind as SessionRecord['kind'],
    ...(r.application_id !== null ? { applicationId: r.application_id } : {}),
    ...(r.holder !== null ? { holder: decodeJson<NonNullable<SessionRecord['holder']>>(r.holder) } : {}),
    createdAt: new Date(r.created_at),
    expiresAt: new Date(r.expires_at),
  };
}

/** Deletes a session (logout) and sessions that expired before `now`. */
export function deleteSession(db: Database.Database, tokenHash: string, now: Date): void {
  stmt(db, 'DELETE FROM sessions WHERE token_hash = ? OR expires_at < ?').run(tokenHash, now.toISOString());
}

/** Stores a challenge. */
export function insertChallenge(db: Database.Database, c: ChallengeRecord): void {
  stmt(
    db,
    'INSERT INTO challenges (id, purpose, application_id, nonce, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)',
  ).run(
    c.id,
    c.purpose,
    c.applicationId ?? null,
    c.nonce,
    c.createdAt.toISOString(),
    c.expiresAt.toISOString(),
  );
}

/** Marks a live, unused challenge of `purpose` used and returns it (in a transaction). */
export function consumeChallenge(
  db: Database.Database,
  id: string,
  purpose: ChallengeRecord['purpose'],
  now: Date,
): ChallengeRecord | undefined {
  const res = stmt(
    db,

    'UPDATE challenges SET used_at = ? WHERE id = ? AND purpose = ? AND used_at IS NULL AND expires_at > ?',
  ).run(now.toISOString(), id, purpose, now.toISOString());
  if (res.changes !== 1) return undefined;
  const r = stmt(db, 'SELECT * FROM challenges WHERE id = ?').get(id) as {
    id: string;
    purpose: string;
    application_id: string | null;
    nonce: string;
    created_at: string;
    expires_at: string;
    used_at: string | null;
  };
  const usedAt = date(r.used_at);
  return {
    id: r.id,
    purpose: r.purpose as ChallengeRecord['purpose'],
    ...(r.application_id !== null ? { applicationId: r.application_id } : {}),
    nonce: r.nonce,
    createdAt: new Date(r.created_at),
    expiresAt: new Date(r.expires_at),
    ...(usedAt ? { usedAt } : {}),
  };
}

/** An unfinished idempotent operation older than this was interrupted (a crash); a retry takes it over. */
const STALE_MS = 5 * 60_000;

/** Starts an idempotent operation (in a transaction). */
export function beginIdempotent(
  db: Database.Database,
  scope: string,
  key: string,
  requestHash: string,
  now: Date,
): IdempotencyBegin {
  const r = stmt(
    db,
    'SELECT request_hash, status_code, response, created_at FROM idempotency_keys WHERE scope = ? AND key = ?',
  ).get(scope, key) as
    | { request_hash: string; status_code: number | null; response: string | null; created_at: string }
    | undefined;
  if (r) {
    if (r.request_hash !== requestHash) return { state: 'mismatch' };
    if (r.status_code !== null && r.response !== null) {
      return { state: 'replay', statusCode: r.status_code, body: JSON.parse(r.response) as unknown };
    }
    if (now.getTime() - Date.parse(r.created_at) < STALE_MS) return { state: 'in-progress' };
    stmt(db, 'UPDATE idempotency_keys SET created_at = ? WHERE scope = ? AND key = ?').run(
      now.toISOString(),
      scope,
      key,
    );
    return { state: 'new' };
  }
  stmt(db, 'INSERT INTO idempotency_keys (scope, key, request_hash, created_at) VALUES (?, ?, ?, ?)').run(
    scope,
    key,
    requestHash,
    now.toISOString(),
  );
  return { state: 'new' };
}

/** Stores the response of a finished idempotent operation. */
export function completeIdempotent(
  db: Database.Database,
  scope: string,
  key: string,
  statusCode: number,
  body: unknown,
): void {
  stmt(db, 'UPDATE idempotency_keys SET status_code = ?, response = ? WHERE scope = ? AND key = ?').run(
    statusCode,
    JSON.stringify(body),
    scope,
    key,
  );
}

/** Forgets an idempotency key whose operation failed (a retry runs it again). */
export function abandonIdempotent(db: Database.Database, scope: string, key: string): void {
  stmt(db, 'DELETE FROM idempotency_keys WHERE scope = ? AND key = ? AND status_code IS NULL').run(
    scope,
    key,
  );
}

/** Deletes expired sessions and challenges and old idempotency records. */
export function purgeExpired(db: Database.Database, now: Date, keepIdempotencyMs: number): void {
  const t = now.toISOString();
  stmt(db, 'DELETE FROM sessions WHERE expires_at < ?').run(t);
  stmt(db, 'DELETE FROM challenges WHERE expires_at < ?').run(t);
  stmt(db, 'DELETE FROM idempotency_keys WHERE created_at < ?').run(
    new Date(now.getTime() - keepIdempotencyMs).toISOString(),
  );
}
