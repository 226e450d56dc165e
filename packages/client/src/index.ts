/**
 * `@kzpki/client`: typed clients of the kzpki reference CA, status and verification services (generated from
 * `openapi/*.yaml`), and the applicant's and approver's flows on top of them: `enroll()` obtains
 * NCA-style key files through the whole remote issuance flow, `approve()` decides pending
 * applications as a first manager. Runs in Node 20+ and in browsers (WebCrypto, fetch).
 *
 * @example
 * ```ts
 * import { devSmsOutbox, enroll } from '@kzpki/client';
 *
 * const caUrl = 'http://127.0.0.1:8080';
 * const { keyFiles } = await enroll({
 *   caUrl, template: 'individual', iin: '850315300128', password: 'Qwerty12',
 *   otp: devSmsOutbox(caUrl).otp,
 * });
 * ```
 * @packageDocumentation
 */
export * from './approve.js';
export * from './ca-client.js';
export * from './cabinet.js';
export * from './dev-outbox.js';
export * from './enroll.js';
export * from './errors.js';
export type {
  components as CaComponents,
  operations as CaOperations,
  paths as CaApiPaths,
} from './generated/ca.js';
export type {
  components as StatusComponents,
  operations as StatusOperations,
  paths as StatusApiPaths,
} from './generated/status.js';
export type {
  components as VerifyComponents,
  operations as VerifyOperations,
  paths as VerifyApiPaths,
} from './generated/verify.js';
export * from './http.js';
export * from './identification.js';
export * from './information-system.js';
export * from './key-files.js';
export * from './progress.js';
export * from './status-client.js';
export * from './types.js';
export * from './verify-client.js';
export * from './wait.js';
