/** Expiry of unfinished applications (the NCA keeps them 30 days). */
import { UNFINISHED_STATUSES } from '../flow/statuses.js';
import type { CaContext } from './context.js';

/** Expires every unfinished application past its time; returns how many. */
export async function sweepExpired(ctx: CaContext): Promise<number> {
  return ctx.store.expireApplications(ctx.now(), UNFINISHED_STATUSES);
}
