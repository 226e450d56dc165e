/**
 * `@kzpki/status`: the status-check service of kzpki: OCSP responder (RFC 6960, RFC 5019) with
 * delegated responder keys only, the full and delta CRLs the CA published (RFC 5280), CA
 * certificate downloads, the application status page and the key check, described by
 * `openapi/status.yaml`. It reads the CA store through the narrow `StatusStore` interface of
 * `@kzpki/ca-store` and never holds a CA key.
 *
 * @example
 * ```ts
 * import { CaStoreStatusSource, startStatus } from '@kzpki/status';
 * const source = await CaStoreStatusSource.open({ dataDir: './var', passphrase: process.env.KZPKI_STATUS_PASSPHRASE! });
 * const status = await startStatus({ source, port: 8081, closeSource: true });
 * // OCSP: POST ${status.url}/ocsp; CRLs: ${status.url}/crl/<ca>.crl
 * await status.close();
 * ```
 *
 * @packageDocumentation
 */
export { DEV_STATUS_PASSPHRASE } from '@kzpki/ca-store';
export { type StatusConfig, statusConfigFromEnv } from './config.js';
export { isStatusError, STATUS_ERROR_HTTP, StatusError, type StatusErrorCode } from './errors.js';
export { crlUrl } from './http/download-handler.js';
export { OpenApiValidator, type ValidationIssue } from './http/openapi.js';
export { type Problem, problem } from './http/problem.js';
export { KeyChecker, type KeyCheckResult } from './key-check.js';
export { StatusMetrics } from './metrics/status-metrics.js';
export {
  type OcspAnswer,
  type OcspOutcome,
  OcspResponder,
  type OcspResponderOptions,
} from './ocsp/responder.js';
export { SigningOverloadError, SigningQueue, type SigningQueueOptions } from './ocsp/signing-queue.js';
export {
  createStatusServer,
  type OcspOptions,
  type RunningStatusServer,
  type StatusServer,
  type StatusServerOptions,
  startStatus,
} from './server.js';
export {
  CaStoreStatusSource,
  type CaStoreStatusSourceOptions,
  type OpenCaStoreSourceOptions,
} from './source/ca-store-source.js';
export { type ChangeListener, MemoryStatusSource, type RevokeOptions } from './source/memory-source.js';
export * from './source/status-source.js';
