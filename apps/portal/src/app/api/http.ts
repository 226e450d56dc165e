/**
 * JSON over fetch with problem+json errors turned into {@link PortalError} `ERR_API`.
 */
import { PortalError } from '../errors.js';
import type { Problem } from './types.js';

/** Options of {@link requestJson}. */
export interface RequestOptions {
  method?: 'GET' | 'POST' | 'DELETE';
  body?: unknown;
  /** Bearer token. */
  token?: string;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

function isProblem(value: unknown): value is Problem {
  return typeof value === 'object' && value !== null && typeof (value as Problem).code === 'string';
}

/**
 * Calls `url` and parses the JSON answer.
 * @throws {PortalError} `ERR_API` with the problem for 4xx/5xx problem answers, `ERR_NETWORK`
 *   when the server is unreachable or the answer is not JSON.
 */
export async function requestJson<T>(url: string, opts: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json, application/problem+json', ...opts.headers };
  let body: string | undefined;
  if (opts.body !== undefined) {
    body = JSON.stringify(opts.body);
    headers['content-type'] = 'application/json';
  }
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  let res: Response;
  try {
    res = await fetch(url, {
      method: opts.method ?? (body === undefined ? 'GET' : 'POST'),
      headers,
      ...(body !== undefined ? { body } : {}),
      ...(opts.signal ? { signal: opts.signal } : {}),
      credentials: 'same-origin',
      cache: 'no-store',
    });
  } catch (cause) {
    throw new PortalError('ERR_NETWORK', `Cannot reach ${new URL(url, location.href).origin}`, { cause });
  }
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch (cause) {
    throw new PortalError('ERR_NETWORK', `Unexpected answer from the server (HTTP ${res.status})`, { cause });
  }
  if (!res.ok) {
    if (isProblem(parsed)) {
      const retry = Number(res.headers.get('retry-after'));
      const problem: Problem =
        parsed.retryAfter === undefined && Number.isFinite(retry) && retry > 0 ? { ...parsed, retryAfter: retry } : parsed;
      throw new PortalError('ERR_API', problem.detail ?? problem.title, { problem });
    }
    throw new PortalError('ERR_NETWORK', `Unexpected answer from the server (HTTP ${res.status})`);
  }
  return parsed as T;
}
