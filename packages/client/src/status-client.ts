/**
 * The typed client of the status service (`openapi/status.yaml`) and plain helpers for its binary
 * endpoints (OCSP, CRLs, CA certificates), which also work against any other CA's URLs.
 */
import createClient, { type Client } from 'openapi-fetch';
import { clientOptions, type ServiceClientOptions } from './ca-client.js';
import { KzpkiApiError } from './errors.js';
import type { paths } from './generated/status.js';
import { errorMiddleware, type FetchLike, fetchBytes } from './http.js';

/** The paths of the status service (generated from `openapi/status.yaml`). */
export type StatusPaths = paths;

/** A typed status-service client (openapi-fetch). */
export type StatusClient = Client<StatusPaths>;

/**
 * Creates a status-service client for its JSON endpoints (application status, key check, health).
 *
 * @example
 * ```ts
 * const status = createStatusClient({ baseUrl: 'http://127.0.0.1:8081' });
 * const view = await unwrap(
 *   status.GET('/api/v1/applications/{number}', { params: { path: { number: '27888601100404' } } }),
 * );
 * ```
 */
export function createStatusClient(options: ServiceClientOptions): StatusClient {
  const client = createClient<StatusPaths>(clientOptions(options));
  client.use(errorMiddleware);
  return client;
}

/** Media type of an OCSP response. */
const OCSP_RESPONSE = 'application/ocsp-response';

/**
 * Sends a DER OCSP request (RFC 6960 Appendix A.1) by POST and returns the DER response. The
 * response is not verified here: pass it to `verifyOcspResponse` of `@kzpki/pki`.
 *
 * @throws {KzpkiApiError} `ERR_NETWORK`, `ERR_HTTP`, or `ERR_INVALID_RESPONSE` when the answer is
 *   not an OCSP response.
 */
export async function postOcspRequest(
  url: string,
  request: Uint8Array,
  options: { fetch?: FetchLike; signal?: AbortSignal } = {},
): Promise<Uint8Array> {
  const { bytes, response } = await fetchBytes(
    url,
    {
      method: 'POST',
      body: request,
      contentType: 'application/ocsp-request',
      accept: OCSP_RESPONSE,
      ...(options.signal ? { signal: options.signal } : {}),
    },
    options.fetch,
  );
  const type = response.headers.get('content-type') ?? '';
  if (!type.toLowerCase().startsWith(OCSP_RESPONSE) || bytes.length === 0) {
    throw new KzpkiApiError(
      'ERR_INVALID_RESPONSE',
      `${url} did not answer with an OCSP response (got ${type || 'no type'})`,
    );
  }
  return bytes;
}

/**
 * Downloads a DER document (a CRL from a cRLDistributionPoints URL, a CA certificate from a
 * caIssuers URL) and returns its bytes.
 */
export async function downloadBytes(
  url: string,
  options: { fetch?: FetchLike; signal?: AbortSignal } = {},
): Promise<Uint8Array> {
  const { bytes } = await fetchBytes(
    url,
    { method: 'GET', ...(options.signal ? { signal: options.signal } : {}) },
    options.fetch,
  );
  return bytes;
}
