/**
 * Token buckets in PostgreSQL, shared by every CA process: one statement refills the bucket to
 * `now`, takes the tokens if there are enough and records the decision, atomically per bucket (the
 * upsert locks the row). The arithmetic is server-kit's `takeTokens` (a full bucket to start with,
 * `min(capacity, tokens + elapsed * refill)`, take when at least `cost`), written in SQL so that the
 * read, the decision and the write are one step; the tests compare both on random sequences.
 */
import type { RateLimitBucketRule, RateLimitTake } from '../repository.js';
import type { Queryable } from './database.js';

const TAKE = `
INSERT INTO rate_limits AS b (bucket, tokens, at_ms, allowed)
  VALUES ($1, CASE WHEN $2::float8 >= $4::float8 THEN $2::float8 - $4::float8 ELSE $2::float8 END, $5::bigint, $2::float8 >= $4::float8)
ON CONFLICT (bucket) DO UPDATE SET
  tokens = CASE
    WHEN LEAST($2::float8, b.tokens + (GREATEST(0, $5::bigint - b.at_ms)::float8 / 1000) * $3::float8) >= $4::float8
      THEN LEAST($2::float8, b.tokens + (GREATEST(0, $5::bigint - b.at_ms)::float8 / 1000) * $3::float8) - $4::float8
    ELSE LEAST($2::float8, b.tokens + (GREATEST(0, $5::bigint - b.at_ms)::float8 / 1000) * $3::float8)
  END,
  allowed = LEAST($2::float8, b.tokens + (GREATEST(0, $5::bigint - b.at_ms)::float8 / 1000) * $3::float8) >= $4::float8,
  at_ms = $5::bigint
RETURNING tokens, allowed`;

/**
 * A bucket name as PostgreSQL text, which cannot hold NUL (server-kit's limiter joins the limit's
 * name and key with one): backslash and NUL escaped, so different names stay different.
 */
function bucketText(bucket: string): string {
  return bucket.replace(/\\/g, '\\\\').replace(/\u0000/g, '\\0');
}

/** Takes `cost` tokens from `bucket` under `rule` at `nowMs`. */
export async function takeRateLimit(
  db: Queryable,
  bucket: string,
  rule: RateLimitBucketRule,
  cost: number,
  nowMs: number,
): Promise<RateLimitTake> {
  const r = (
    await db.query<{ tokens: number; allowed: boolean }>(TAKE, [
      bucketText(bucket),
      rule.capacity,
      rule.refillPerSecond,
      cost,
      Math.round(nowMs),
    ])
  ).rows[0]!;
  if (r.allowed) return { allowed: true, remaining: Math.floor(r.tokens), retryAfterSeconds: 0 };
  return {
    allowed: false,
    remaining: 0,
    retryAfterSeconds: Math.max(1, Math.ceil((cost - r.tokens) / rule.refillPerSecond)),
  };
}
