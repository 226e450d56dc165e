/**
 * Asking a TSA for a timestamp over HTTP (RFC 3161 §3.4: POST `application/timestamp-query`,
 * answer `application/timestamp-reply`), and checking that the answer is for the request: granted,
 * the same imprint and nonce, the policy asked for.
 */
import { type Fetcher, fetchBytes } from '../cms/http.js';
import { bytesEqual } from '../der/encoding.js';
import { PkiError } from '../errors.js';
import {
  type CreatedTimestampRequest,
  type CreateTimestampRequestOptions,
  createTimestampRequest,
} from './request.js';
import { parseTimestampResponse, type TimestampResponseInfo } from './response.js';
import type { TimestampInfo } from './token.js';

/** Options of {@link requestTimestamp}. */
export interface RequestTimestampOptions extends CreateTimestampRequestOptions {
  /** The TSA URL. */
  url: string;
  /** The fetch to use (default `globalThis.fetch`). */
  fetch?: Fetcher;
  /** Time limit in ms (default 10 000). */
  timeoutMs?: number;
}

/** A granted timestamp. */
export interface ObtainedTimestamp {
  /** The TimeStampToken DER (what CAdES-T stores). */
  token: Uint8Array;
  /** Its TSTInfo. */
  info: TimestampInfo;
  /** The request sent. */
  request: CreatedTimestampRequest;
  /** The whole response. */
  response: TimestampResponseInfo;
}

/**
 * Sends a TimeStampReq to a TSA and returns the token. The token's signature and TSA chain are not
 * verified here (use `verifyTimestampToken`); its match with the request is.
 *
 * @throws {PkiError} `ERR_NETWORK` when the TSA cannot be reached or answers an HTTP error,
 *   `ERR_TSP_INVALID` for a malformed answer, `ERR_TSP_REJECTED` (details: status, failInfo,
 *   statusStrings) when the TSA refuses, `ERR_TSP_NONCE_MISMATCH` when the token's nonce, imprint
 *   or policy is not the one asked for.
 * @example
 * ```ts
 * const { token, info } = await requestTimestamp({ url: 'http://tsp.pki.gov.kz:80', data: signature, hash: 'STREEBOG-512', policy: NCA_TSA_POLICY_OIDS.gost2015 });
 * ```
 */
export async function requestTimestamp(options: RequestTimestampOptions): Promise<ObtainedTimestamp> {
  const request = await createTimestampRequest(options);
  const body = await fetchBytes(options.url, {
    method: 'POST',
    body: request.der,
    contentType: 'application/timestamp-query',
    accept: 'application/timestamp-reply',
    ...(options.fetch ? { fetch: options.fetch } : {}),
    ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
    maxBytes: 1024 * 1024,
  });
  const response = parseTimestampResponse(body);
  if (
    (response.status !== 'granted' && response.status !== 'grantedWithMods') ||
    !response.token ||
    !response.info
  ) {
    throw new PkiError(
      'ERR_TSP_REJECTED',
      `The TSA refused: ${response.status}${response.failInfo.length ? ` (${response.failInfo.join(', ')})` : ''}${
        response.statusStrings.length ? `: ${response.statusStrings.join('; ')}` : ''
      }`,
      {
        details: {
          status: response.status,
          failInfo: response.failInfo,
          statusStrings: response.statusStrings,
        },
      },
    );
  }
  const info = response.info;
  if (request.nonce !== undefined && info.nonce !== request.nonce) {
    throw new PkiError('ERR_TSP_NONCE_MISMATCH', 'The timestamp does not echo the nonce sent');
  }
  if (
    !bytesEqual(info.imprint.digest, request.imprint.digest) ||
    info.imprint.hash !== request.imprint.hash
  ) {
    throw new PkiError('ERR_TSP_NONCE_MISMATCH', 'The timestamp is for another message imprint');
  }
  if (request.policy !== undefined && info.policy !== request.policy) {
    throw new PkiError(
      'ERR_TSP_NONCE_MISMATCH',
      `The timestamp has policy ${info.policy}, not ${request.policy}`,
    );
  }
  return { token: response.token, info, request, response };
}
