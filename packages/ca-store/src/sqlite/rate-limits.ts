/**
 * Token buckets in SQLite, shared by every process that opens the file and kept across restarts
 * (a restart does not hand an attacker fresh buckets). One IMMEDIATE transaction reads the bucket,
 * refills it to `now`, takes the tokens when there are enough and writes it back, so two processes
 * never both take the last token. The arithmetic is server-kit's `takeTokens` (a full bucket to
 * start with, `min(capacity, tokens + elapsed * refill)`, take when at least `cost`), repeated here
 * because the store is a leaf package; the PostgreSQL store does the same in one statement.
 */
import type Database from 'better-sqlite3';
import type { RateLimitBucketRule, RateLimitTake } from '../repository.js';
import { stmt } from './statements.js';

/** Buckets untouched for this long are deleted by `purgeExpired` (every limit refills far sooner). */
export const RATE_LIMIT_KEEP_MS = 7 * 86_400_000;

/** Takes `cost` tokens from `bucket` under `rule` at `nowMs`; call inside an IMMEDIATE transaction. */
export function takeRateLimit(
  db: Database.Database,
  bucket: string,
  rule: RateLimitBucketRule,
  cost: number,
  nowMs: number,
): RateLimitTake {
  const row = stmt(db, 'SELECT tokens, at_ms FROM rate_limits WHERE bucket = ?').get(bucket) as
    | { tokens: number; at_ms: number }
    | undefined;
  const elapsed = row ? Math.max(0, nowMs - row.at_ms) : 0;
  const tokens = row
    ? Math.min(rule.capacity, row.tokens + (elapsed / 1000) * rule.refillPerSecond)
    : rule.capacity;
  const allowed = tokens >= cost;
  const left = allowed ? tokens - cost : tokens;
  stmt(
    db,
    `INSERT INTO rate_limits (bucket, tokens, at_ms) VALUES (?, ?, ?)
     ON CONFLICT (bucket) DO UPDATE SET tokens = excluded.tokens, at_ms = excluded.at_ms`,
  ).run(bucket, left, Math.round(nowMs));
  if (allowed) return { allowed: true, remaining: Math.floor(left), retryAfterSeconds: 0 };
  return {
    allowed: false,
    remaining: 0,
    retryAfterSeconds: Math.max(1, Math.ceil((cost - tokens) / rule.refillPerSecond)),
  };
}

/** Deletes buckets untouched since `nowMs - RATE_LIMIT_KEEP_MS` (they would be full again). */
export function purgeRateLimits(db: Database.Database, nowMs: number): void {
  stmt(db, 'DELETE FROM rate_limits WHERE at_ms < ?').run(Math.round(nowMs - RATE_LIMIT_KEEP_MS));
}
