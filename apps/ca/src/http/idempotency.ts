/**
 * `Idempotency-Key` for operations a client may retry (submission, issuance): the first successful
 * response is stored under (operation, application, key) with a hash of the request body; a retry
 * with the same key and body gets that response again, a different body is refused, and a retry
 * while the first call still runs is told so. Failures are not stored, so a retry after an error
 * runs again (the flow's own state checks prevent double effects).
 */
import { canonicalJson } from '@kzpki/ca-store';
import { sha256Hex } from '../crypto/hash.js';
import { CaError } from '../errors.js';
import type { CaContext } from '../issuance/context.js';

/** A response as the router sends it. */
export interface ApiResponse {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

/** Runs `run` at most once per idempotency key. */
export async function idempotent(
  ctx: CaContext,
  scope: string,
  key: string | undefined,
  body: unknown,
  run: () => Promise<ApiResponse>,
): Promise<ApiResponse> {
  if (key === undefined) return run();
  const begin = await ctx.store.beginIdempotent(
    scope,
    key,
    sha256Hex(canonicalJson(body ?? null)),
    ctx.now(),
  );
  switch (begin.state) {
    case 'mismatch':
      throw new CaError(
        'ERR_IDEMPOTENCY_KEY_REUSED',
        'This Idempotency-Key was used with a different request',
      );
    case 'in-progress':
      throw new CaError(
        'ERR_IDEMPOTENCY_IN_PROGRESS',
        'A request with this Idempotency-Key is still running',
      );
    case 'replay':
      return { status: begin.statusCode, body: begin.body, headers: { 'Idempotent-Replayed': 'true' } };
    case 'new':
      break;
  }
  try {
    const res = await run();
    await ctx.store.completeIdempotent(scope, key, res.status, res.body);
    return res;
  } catch (e) {
    await ctx.store.abandonIdempotent(scope, key);
    throw e;
  }
}
