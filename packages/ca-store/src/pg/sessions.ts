/**
 * Sessions, one-time challenges and idempotency keys on PostgreSQL: every CA process sees the same
 * sessions, a challenge is used once whichever process checks it, and an idempotent operation runs
 * once. An unfinished idempotency record names the process running it (`owner`, its node id); a
 * retry that reaches another process takes the operation over as soon as that owner is dead, or
 * after {@link STALE_MS} whatever the owner.
 */
import { decodeJson, encodeJson } from '../sqlite/json-codec.js';
import type { ChallengeRecord, IdempotencyBegin, SessionRecord } from '../types.js';
import type { Queryable, Tx } from './database.js';

/** Stores a session. */
export async function insertSession(db: Queryable, s: SessionRecord): Promise<void> {
  await db.query(
    'INSERT INTO sessions (token_hash, kind, application_id, holder, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6)',
    [
      s.tokenHash,
      s.kind,
      s.applicationId ?? null,
      s.holder ? encodeJson(s.holder) : null,
      s.createdAt,
      s.expiresAt,
    ],
  );
}

/** A session by token hash. */
export async function selectSession(db: Queryable, tokenHash: string): Promise<SessionRecord | undefined> {
  const r = (
    await db.query<{
      token_hash: string;
      kind: string;
      application_id: string | null;
      holder: string | null;
      created_at: Date;
      expires_at: Date;
    }>('SELECT * FROM sessions WHERE token_hash = $1', [tokenHash])
  ).rows[0];
  if (!r) return undefined;
  return {
    tokenHash: r.token_hash,
    kind: r.kind as SessionRecord['kind'],
    ...(r.application_id !== null ? { applicationId: r.application_id } : {}),
    ...(r.holder !== null ? { holder: decodeJson<NonNullable<SessionRecord['holder']>>(r.holder) } : {}),
    createdAt: r.created_at,
    expiresAt: r.expires_at,
  };
}

/** Deletes a session (logout) and sessions that expired before `now`. */
export async function deleteSession(db: Queryable, tokenHash: string, now: Date): Promise<void> {
  await db.query('DELETE FROM sessions WHERE token_hash = $1 OR expires_at < $2', [tokenHash, now]);
}

/** Stores a challenge. */
export async function insertChallenge(db: Queryable, c: ChallengeRecord): Promise<void> {
  await db.query(
    'INSERT INTO challenges (id, purpose, application_id, nonce, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6)',
    [c.id, c.purpose, c.applicationId ?? null, c.nonce, c.createdAt, c.expiresAt],
  );
}

/** Marks a live, unused challenge of `purpose` used and returns it (one statement: used once). */
export async function consumeChallenge(
  db: Queryable,
  id: string,
  purpose: ChallengeRecord['purpose'],
  now: Date,
): Promise<ChallengeRecord | undefined> {
  const r = (
    await db.query<{
      id: string;
      purpose: string;
      application_id: string | null;
      nonce: string;
      created_at: Date;
      expires_at: Date;
      used_at: Date | null;
    }>(
      `UPDATE challenges SET used_at = $1 WHERE id = $2 AND purpose = $3 AND used_at IS NULL AND expires_at > $1
       RETURNING *`,
      [now, id, purpose],
    )
  ).rows[0];
  if (!r) return undefined;
  return {
    id: r.id,
    purpose: r.purpose as ChallengeRecord['purpose'],
    ...(r.application_id !== null ? { applicationId: r.application_id } : {}),
    nonce: r.nonce,
    createdAt: r.created_at,
    expiresAt: r.expires_at,
    ...(r.used_at ? { usedAt: r.used_at } : {}),
  };
}

/** An unfinished idempotent operation older than this is taken over whatever its owner (as on SQLite). */
export const STALE_MS = 5 * 60_000;

/**
 * Starts an idempotent operation for `owner` (a node id). `ownerAlive` tells whether the owner of
 * an unfinished record still runs (checked inside the transaction, the record row-locked).
 */
export async function beginIdempotent(
  t: Tx,
  scope: string,
  key: string,
  requestHash: string,
  now: Date,
  owner: string,
  ownerAlive: (nodeId: string) => Promise<boolean>,
): Promise<IdempotencyBegin> {
  const inserted = await t.run(
    `INSERT INTO idempotency_keys (scope, key, request_hash, created_at, owner) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (scope, key) DO NOTHING`,
    [scope, key, requestHash, now, owner],
  );
  if (inserted === 1) return { state: 'new' };
  const r = (
    await t.rows<{
      request_hash: string;
      status_code: number | null;
      response: string | null;
      created_at: Date;
      owner: string | null;
    }>(
      'SELECT request_hash, status_code, response, created_at, owner FROM idempotency_keys WHERE scope = $1 AND key = $2 FOR UPDATE',
      [scope, key],
    )
  )[0];
  if (!r) return { state: 'in-progress' }; // deleted by an abandon meanwhile: the client retries
  if (r.request_hash !== requestHash) return { state: 'mismatch' };
  if (r.status_code !== null && r.response !== null) {
    return { state: 'replay', statusCode: r.status_code, body: JSON.parse(r.response) as unknown };
  }
  const fresh = now.getTime() - r.created_at.getTime() < STALE_MS;
  if (fresh && r.owner !== null && (await ownerAlive(r.owner))) return { state: 'in-progress' };
  await t.run('UPDATE idempotency_keys SET created_at = $1, owner = $2 WHERE scope = $3 AND key = $4', [
    now,
    owner,
    scope,
    key,
  ]);
  return { state: 'new' };
}

/** Stores the response of a finished idempotent operation. */
export async function completeIdempotent(
  db: Queryable,
  scope: string,
  key: string,
  statusCode: number,
  body: unknown,
): Promise<void> {
  await db.query(
    'UPDATE idempotency_keys SET status_code = $1, response = $2 WHERE scope = $3 AND key = $4',
    [statusCode, JSON.stringify(body), scope, key],
  );
}

/** Forgets an idempotency key whose operation failed (a retry runs it again). */
export async function abandonIdempotent(db: Queryable, scope: string, key: string): Promise<void> {
  await db.query('DELETE FROM idempotency_keys WHERE scope = $1 AND key = $2 AND status_code IS NULL', [
    scope,
    key,
  ]);
}

/** Deletes expired sessions and challenges and old idempotency records. */
export async function purgeExpired(t: Tx, now: Date, keepIdempotencyMs: number): Promise<void> {
  await t.run('DELETE FROM sessions WHERE expires_at < $1', [now]);
  await t.run('DELETE FROM challenges WHERE expires_at < $1', [now]);
  await t.run('DELETE FROM idempotency_keys WHERE created_at < $1', [
    new Date(now.getTime() - keepIdempotencyMs),
  ]);
}
