/**
 * The typed client of the verification service (`openapi/verify.yaml`, `apps/verify`): CMS
 * verification with the `verifyCms` report, content extraction, certificate and key-file inspection.
 */
import createClient, { type Client } from 'openapi-fetch';
import { clientOptions, type ServiceClientOptions } from './ca-client.js';
import type { paths } from './generated/verify.js';
import { errorMiddleware } from './http.js';

/** The paths of the verification service (generated from `openapi/verify.yaml`). */
export type VerifyPaths = paths;

/** A typed verification-service client (openapi-fetch). */
export type VerifyClient = Client<VerifyPaths>;

/**
 * Creates a verification-service client. Errors of the service (problem+json) become
 * `KzpkiApiError`s with the service's `code`.
 *
 * @example
 * ```ts
 * const verify = createVerifyClient({ baseUrl: 'http://127.0.0.1:8083' });
 * const { data: report } = await verify.POST('/api/v1/cms/verify', { body: { cms: base64OfP7s } });
 * report?.valid; // true
 * ```
 */
export function createVerifyClient(options: ServiceClientOptions): VerifyClient {
  const client = createClient<VerifyPaths>(clientOptions(options));
  client.use(errorMiddleware);
  return client;
}
