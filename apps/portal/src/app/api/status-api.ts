/**
 * The status service (`openapi/status.yaml`): the key check of the "check EDS key" page, over the
 * typed client of @kzpki/client.
 */
import { createStatusClient, type StatusClient } from '@kzpki/client';
import { absoluteBase, call } from './http.js';
import type { KeyCheckResult } from './types.js';

/** Client of the status service. */
export class StatusApi {
  private readonly status: StatusClient;

  /** @param baseUrl base URL of the status service (e.g. `/status` behind the portal's proxy). */
  constructor(baseUrl: string) {
    this.status = createStatusClient({ baseUrl: absoluteBase(baseUrl) });
  }

  /** Parsed information, chain and revocation status of a certificate (PEM). */
  keyCheck(certificatePem: string): Promise<KeyCheckResult> {
    return call(this.status.POST('/api/v1/key-check', { body: { certificate: certificatePem } }));
  }
}
