/**
 * HTTP plumbing shared by the clients: turning error responses (RFC 9457 problem+json) and
 * transport failures into {@link KzpkiApiError}, and reading the data of a successful call.
 */
import type { Middleware } from 'openapi-fetch';
import { KzpkiApiError, type KzpkiApiErrorCode, type ProblemDetails } from './errors.js';

/** A `fetch` implementation (the global one by default; inject one for tests or proxies). */
export type FetchLike = (input: Request) => Promise<Response>;

/** Media type of RFC 9457 problem details. */
export const PROBLEM_JSON = 'application/problem+json';

/** Largest error body read (a misbehaving proxy must not make the client buffer megabytes). */
const MAX_ERROR_BODY = 64 * 1024;

function isProblem(value: unknown): value is ProblemDetails & { code: string } {
  return typeof value === 'object' && value !== null && typeof (value as ProblemDetails).code === 'string';
}

function retryAfterHeader(response: Response): number | undefined {
  const h = response.headers.get('retry-after');
  if (h === null) return undefined;
  const n = Number(h);
  return Number.isFinite(n) && n >= 0 ? n : undefined;
}

/**
 * The {@link KzpkiApiError} for an error response: the server's `code`, `status` and `detail`
 * from a problem+json body; `ERR_HTTP` for anything else.
 */
export async function errorFromResponse(response: Response): Promise<KzpkiApiError> {
  let text = '';
  try {
    text = (await response.text()).slice(0, MAX_ERROR_BODY);
  } catch {
    text = '';
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  if (isProblem(body)) {
    const retryAfter = retryAfterHeader(response);
    const problem: ProblemDetails =
      retryAfter !== undefined && body.retryAfter === undefined ? { ...body, retryAfter } : body;
    const explanation = problem.detail ?? problem.title ?? `HTTP ${response.status}`;
    return new KzpkiApiError(problem.code as KzpkiApiErrorCode, explanation, {
      status: response.status,
      problem,
      details: { url: response.url },
    });
  }
  return new KzpkiApiError(
    'ERR_HTTP',
    `HTTP ${response.status} ${response.statusText} from ${response.url}`.trim(),
    {
      status: response.status,
      details: { url: response.url, body: text.slice(0, 500) },
    },
  );
}

/** The {@link KzpkiApiError} for a request that got no response. */
export function transportError(error: unknown, url: string): KzpkiApiError {
  if (error instanceof KzpkiApiError) return error;
  const aborted =
    typeof error === 'object' &&
    error !== null &&
    ((error as { name?: string }).name === 'AbortError' ||
      (error as { name?: string }).name === 'TimeoutError');
  if (aborted) return new KzpkiApiError('ERR_ABORTED', `Request to ${url} was aborted`, { cause: error });
  return new KzpkiApiError('ERR_NETWORK', `Cannot reach ${url}`, { cause: error, details: { url } });
}

/**
 * openapi-fetch middleware: error responses (other than 304) become a thrown
 * {@link KzpkiApiError}, transport failures a `ERR_NETWORK` (or `ERR_ABORTED`).
 */
export const errorMiddleware: Middleware = {
  async onResponse({ response }) {
    if (!response.ok && response.status !== 304) throw await errorFromResponse(response);
    return undefined;
  },
  onError({ error, request }) {
    return transportError(error, request.url);
  },
};

/** What an openapi-fetch call resolves to. */
export interface CallResult<T> {
  data?: T;
  error?: unknown;
  response: Response;
}

/**
 * Awaits an openapi-fetch call made with one of this package's clients and returns its data.
 * Error responses were already thrown by {@link errorMiddleware}; a success without the expected
 * body (or with a body that is not JSON) is `ERR_INVALID_RESPONSE`.
 *
 * @example
 * ```ts
 * const health = await unwrap(ca.GET('/v1/health'));
 * ```
 */
export async function unwrap<T>(call: Promise<CallResult<T>>): Promise<T> {
  let result: CallResult<T>;
  try {
    result = await call;
  } catch (e) {
    if (e instanceof KzpkiApiError) throw e;
    throw new KzpkiApiError('ERR_INVALID_RESPONSE', 'The service sent a response that cannot be read', {
      cause: e,
    });
  }
  if (result.data === undefined) {
    throw new KzpkiApiError(
      'ERR_INVALID_RESPONSE',
      `Empty response from ${result.response.url || 'the service'}`,
      {
        status: result.response.status,
      },
    );
  }
  return result.data;
}

/**
 * GETs or POSTs raw bytes (OCSP, CRLs, certificates) with the same error handling as the typed
 * clients.
 */
export async function fetchBytes(
  url: string,
  init: {
    method?: 'GET' | 'POST';
    body?: Uint8Array;
    contentType?: string;
    accept?: string;
    signal?: AbortSignal;
  },
  fetchImpl: FetchLike = (r) => fetch(r),
): Promise<{ bytes: Uint8Array; response: Response }> {
  const headers: Record<string, string> = {};
  if (init.contentType) headers['content-type'] = init.contentType;
  if (init.accept) headers.accept = init.accept;
  let response: Response;
  try {
    response = await fetchImpl(
      new Request(url, {
        method: init.method ?? 'GET',
        headers,
        ...(init.body ? { body: init.body as BodyInit } : {}),
        ...(init.signal ? { signal: init.signal } : {}),
      }),
    );
  } catch (e) {
    throw transportError(e, url);
  }
  if (!response.ok) throw await errorFromResponse(response);
  try {
    return { bytes: new Uint8Array(await response.arrayBuffer()), response };
  } catch (e) {
    throw transportError(e, url);
  }
}
