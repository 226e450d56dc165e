/** Expiry of unfinished applications (the NCA keeps them 30 days). */
import { UNFINISHED_STATUSES } from '@kzpki/ca-store';
import type { CaContext } from './context.js';

/** How long idempotency records are kept (a client retries within minutes, not days). */
const KEEP_IDEMPOTENCY_MS = 24 * 3600_000;

/**
 * Expires every unfinished application past its time (returns how many) and drops expired
 * sessions, challenges and old idempotency records.
 */
export async function sweepExpired(ctx: CaContext): Promise<number> {
  const now = ctx.now();
  const n = await ctx.store.expireApplications(now, UNFINISHED_STATUSES);
  await ctx.store.purgeExpired(now, KEEP_IDEMPOTENCY_MS);
  return n;
}
