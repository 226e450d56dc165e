/** A minimal JSON client for the tests. */

/** A parsed JSON body; the tests check it field by field (and the server checks it against the spec). */
// biome-ignore lint/suspicious/noExplicitAny: response bodies are asserted on, not typed
export type Body = any;

/** A response. */
export interface ApiResult<T = Body> {
  status: number;
  body: T;
  headers: Headers;
}

/** Options of {@link call}. */
export interface CallOptions {
  body?: unknown;
  token?: string;
  headers?: Record<string, string>;
  /** Raw body text (for malformed-JSON tests). */
  raw?: string;
}

/** Calls the CA. */
export async function call<T = Body>(
  base: string,
  method: string,
  path: string,
  opts: CallOptions = {},
): Promise<ApiResult<T>> {
  const headers: Record<string, string> = { ...opts.headers };
  let body: string | undefined;
  if (opts.raw !== undefined) {
    body = opts.raw;
    headers['content-type'] ??= 'application/json';
  } else if (opts.body !== undefined) {
    body = JSON.stringify(opts.body);
    headers['content-type'] = 'application/json';
  }
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  const res = await fetch(`${base}${path}`, { method, headers, ...(body !== undefined ? { body } : {}) });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T, headers: res.headers };
}
