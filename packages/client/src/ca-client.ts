/**
 * The typed client of the reference CA API (`openapi/ca.yaml`): openapi-fetch over the generated
 * types, with error responses thrown as {@link KzpkiApiError}.
 */
import createClient, { type Client } from 'openapi-fetch';
import { KzpkiApiError } from './errors.js';
import type { paths } from './generated/ca.js';
import { errorMiddleware, type FetchLike } from './http.js';

/** The paths of the CA API (generated from `openapi/ca.yaml`). */
export type CaPaths = paths;

/** A typed CA API client (openapi-fetch): `ca.GET('/v1/health')`, `ca.POST('/v1/applications', { body })`. */
export type CaClient = Client<CaPaths>;

/** Options of {@link createCaClient} and `createStatusClient`. */
export interface ServiceClientOptions {
  /** Base URL of the service, e.g. `http://127.0.0.1:8080`. */
  baseUrl: string;
  /** `fetch` to use (default: the global one). */
  fetch?: FetchLike;
  /** Bearer token sent with every request (applicant, cabinet or operator session). */
  token?: string;
  /** Further headers sent with every request. */
  headers?: Record<string, string>;
}

/** Checks and normalises a base URL (no trailing slash). */
export function normalizeBaseUrl(baseUrl: unknown): string {
  if (typeof baseUrl !== 'string')
    throw new KzpkiApiError('ERR_INVALID_ARGUMENT', 'baseUrl must be a string');
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch (cause) {
    throw new KzpkiApiError('ERR_INVALID_ARGUMENT', `Not a URL: ${JSON.stringify(baseUrl)}`, { cause });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new KzpkiApiError(
      'ERR_INVALID_ARGUMENT',
      `Only http and https URLs are supported, got ${url.protocol}`,
    );
  }
  return url.href.replace(/\/+$/, '');
}

/** The openapi-fetch options shared by the clients. */
export function clientOptions(options: ServiceClientOptions): Parameters<typeof createClient>[0] {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
  return {
    baseUrl: normalizeBaseUrl(options.baseUrl),
    headers,
    ...(options.fetch ? { fetch: options.fetch } : {}),
  };
}

/**
 * Creates a CA API client. Every method is typed from the spec; an error response is thrown as a
 * {@link KzpkiApiError} carrying the server's `code`, so `data` is what the spec promises.
 *
 * @example
 * ```ts
 * const ca = createCaClient({ baseUrl: 'http://127.0.0.1:8080' });
 * const { templates } = await unwrap(ca.GET('/v1/templates'));
 * ```
 */
export function createCaClient(options: ServiceClientOptions): CaClient {
  const client = createClient<CaPaths>(clientOptions(options));
  client.use(errorMiddleware);
  return client;
}
