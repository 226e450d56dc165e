/**
 * RFC 3161 timestamps: requests, responses, tokens and their verification, a client for TSAs over
 * HTTP, and a TSA (token signer) for the reference services.
 */
export {
  prepareTimestampAuthority,
  type TimestampAuthority,
  type TimestampAuthorityOptions,
  tsaCertificateProfile,
} from './authority.js';
export { type ObtainedTimestamp, type RequestTimestampOptions, requestTimestamp } from './client.js';
export {
  type CreatedTimestampRequest,
  type CreateTimestampRequestOptions,
  createTimestampRequest,
  parseTimestampRequest,
  type TimestampRequestInfo,
} from './request.js';
export {
  parseTimestampResponse,
  type TimestampResponseInfo,
  TSP_FAILURE_BITS,
  TSP_STATUS_CODES,
  type TspFailure,
  type TspStatus,
} from './response.js';
export {
  isTimestampingCertificate,
  parseTimestampToken,
  parseTstInfo,
  type TimestampFailureReason,
  type TimestampInfo,
  type TimestampToken,
  type TimestampVerification,
  type VerifyTimestampOptions,
  verifyTimestampToken,
} from './token.js';
