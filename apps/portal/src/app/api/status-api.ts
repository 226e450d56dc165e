/**
 * The status service (`openapi/status.yaml`): the key check of the "check EDS key" page.
 */
import { requestJson } from './http.js';
import type { KeyCheckResult } from './types.js';

/** Client of the status service. */
export class StatusApi {
  /** @param baseUrl base URL of the status service (e.g. `/status` behind the portal's proxy). */
  constructor(readonly baseUrl: string) {}

  /** Parsed information, chain and revocation status of a certificate (PEM). */
  keyCheck(certificatePem: string): Promise<KeyCheckResult> {
    return requestJson(`${this.baseUrl.replace(/\/+$/, '')}/api/v1/key-check`, { body: { certificate: certificatePem } });
  }
}
