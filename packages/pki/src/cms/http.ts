/**
 * The one HTTP helper of the CMS, timestamp and revocation code: a request with a time limit and a
 * size limit through an injectable `fetch`, failing with `ERR_NETWORK` (never a silent result)
 * when the endpoint is down, slow, answers with an HTTP error or too much data.
 */
import { PkiError } from '../errors.js';

/** The `fetch` this package calls (the global one by default; inject one for proxies or tests). */
export type Fetcher = (url: string, init: RequestInit) => Promise<Response>;

/** Options of {@link fetchBytes}. */
export interface FetchBytesOptions {
  /** GET (default) or POST. */
  method?: 'GET' | 'POST';
  /** POST body. */
  body?: Uint8Array;
  /** Content-Type of the body. */
  contentType?: string;
  /** Accept header. */
  accept?: string;
  /** The fetch to use (default `globalThis.fetch`). */
  fetch?: Fetcher;
  /** Time limit in ms for the whole exchange (default 10 000). */
  timeoutMs?: number;
  /** Largest response accepted, in bytes (default 64 MiB, room for a national full CRL). */
  maxBytes?: number;
}

/**
 * Fetches `url` and returns the body bytes.
 * @throws {PkiError} `ERR_NETWORK` (details: url, status) for unreachable endpoints, time-outs,
 *   non-2xx answers and oversized bodies; `ERR_INVALID_ARGUMENT` for a URL that is not http(s).
 * @example
 * ```ts
 * const crl = await fetchBytes('http://crl.example/ca.crl', { timeoutMs: 5000 });
 * ```
 */
export async function fetchBytes(url: string, options: FetchBytesOptions = {}): Promise<Uint8Array> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch (cause) {
    throw new PkiError('ERR_INVALID_ARGUMENT', `Not a URL: ${url}`, { cause });
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new PkiError('ERR_INVALID_ARGUMENT', `Only http(s) URLs are fetched, not ${parsed.protocol}`);
  }
  const doFetch = options.fetch ?? (globalThis.fetch as Fetcher | undefined);
  if (!doFetch) throw new PkiError('ERR_NETWORK', 'No fetch implementation available', { details: { url } });
  const timeoutMs = options.timeoutMs ?? 10_000;
  const maxBytes = options.maxBytes ?? 64 * 1024 * 1024;
  const headers: Record<string, string> = {};
  if (options.contentType) headers['content-type'] = options.contentType;
  if (options.accept) headers.accept = options.accept;
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  try {
    const res = await doFetch(url, {
      method: options.method ?? 'GET',
      headers,
      ...(options.body ? { body: options.body as BodyInit } : {}),
      signal: controller.signal,
      redirect: 'follow',
    });
    if (!res.ok) {
      throw new PkiError('ERR_NETWORK', `${url} answered HTTP ${res.status}`, {
        details: { url, status: res.status },
      });
    }
    const declared = Number(res.headers.get('content-length') ?? 'NaN');
    if (declared > maxBytes) {
      throw new PkiError('ERR_NETWORK', `${url} sent more than ${maxBytes} bytes`, { details: { url } });
    }
    const body = new Uint8Array(await res.arrayBuffer());
    if (body.length > maxBytes) {
      throw new PkiError('ERR_NETWORK', `${url} sent more than ${maxBytes} bytes`, { details: { url } });
    }
    return body;
  } catch (e) {
    if (e instanceof PkiError) throw e;
    const timedOut = controller.signal.aborted;
    throw new PkiError(
      'ERR_NETWORK',
      timedOut ? `${url} did not answer within ${timeoutMs} ms` : `${url} could not be reached`,
      { cause: e, details: { url, timedOut } },
    );
  } finally {
    clearTimeout(timer);
  }
}
