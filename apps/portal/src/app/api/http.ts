/**
 * Calls through the typed clients of @kzpki/client, with their errors turned into the portal's
 * {@link PortalError}: refusals by a service keep the server's problem (and stable `code`),
 * transport and protocol failures become `ERR_NETWORK`.
 */
import { type CallResult, isKzpkiApiError, unwrap } from '@kzpki/client';
import { PortalError } from '../errors.js';
import type { Problem } from './types.js';

const TRANSPORT = new Set(['ERR_NETWORK', 'ERR_HTTP', 'ERR_INVALID_RESPONSE', 'ERR_ABORTED']);

/** The {@link PortalError} for a failure of a typed-client call. */
export function toPortalError(e: unknown): PortalError {
  if (isKzpkiApiError(e)) {
    if (TRANSPORT.has(e.code)) return new PortalError('ERR_NETWORK', e.message, { cause: e });
    const problem = { ...e.problem, code: e.code } as Problem;
    const retry = e.retryAfterSeconds;
    if (retry !== undefined && problem.retryAfter === undefined) problem.retryAfter = retry;
    return new PortalError('ERR_API', e.detail ?? e.message, { cause: e, problem });
  }
  return new PortalError('ERR_NETWORK', e instanceof Error ? e.message : String(e), { cause: e });
}

/** The data of a typed-client call. @throws {PortalError} */
export async function call<T>(request: Promise<CallResult<T>>): Promise<T> {
  try {
    return await unwrap(request);
  } catch (e) {
    throw toPortalError(e);
  }
}

/** Awaits a call that answers without a body (204). @throws {PortalError} */
export async function callNoContent(request: Promise<CallResult<unknown>>): Promise<void> {
  try {
    await request;
  } catch (e) {
    throw toPortalError(e);
  }
}

/** An absolute base URL for the clients: `''` or a path is taken relative to this page's origin. */
export function absoluteBase(base: string): string {
  return new URL(base === '' ? '/' : base, location.href).href;
}
