/**
 * `Idempotency-Key` for operations a client may retry (submission, issuance): the first successful
 * response is stored under (operation, application, key) with a hash of the request body; a retry
 * with the same key and body gets that response again, a different body is refused, and a retry
 * while the first call still runs is told so. Failures are not stored, so a retry after an error
 * runs again (the flow's own state checks prevent double effects).
 */
import type { IncomingHttpHeaders } from 'node:http';
import { canonicalJson } from '@kzpki/ca-store';
import { sha256Hex } from '../crypto/hash.js';
import { CaError } from '../errors.js';
import type { CaContext } from '../issuance/context.js';

/** A response as a handler returns it (one of its operation's success responses). */
export interface ApiResponse {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

/**
 * The `Idempotency-Key` header of a request (validated against the spec: 8 to 128 characters).
 * @example
 * ```ts
 * idempotencyKey(req.headers); // 'c0ffee-2024-06-01' or undefined
 * ```
 */
export function idempotencyKey(headers: IncomingHttpHeaders): string | undefined {
  const v = headers['idempotency-key'];
  return typeof v === 'string' ? v : undefined;
}

/**
 * Runs `run` at most once per idempotency key. A replay answers the stored status and body with
 * `Idempotent-Replayed: true`; it has the type of `run`'s result because only `run`'s results are
 * stored under the scope.
 */
export async function idempotent<R extends ApiResponse>(
  ctx: CaContext,
  scope: string,
  key: string | undefined,
  body: unknown,
  run: () => Promise<R>,
): Promise<R> {
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
      return {
        status: begin.statusCode,
        body: begin.body,
        headers: { 'Idempotent-Replayed': 'true' },
      } as unknown as R;
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
