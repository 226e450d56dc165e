/**
 * `@kzpki/ca`: the reference NCA-style certificate authority of kzpki: the remote issuance flow
 * over a REST API described by `openapi/ca.yaml`, a SQLite store behind a repository interface,
 * and a TEST CA hierarchy ("KZPKI TEST ROOT CA (RSA)").
 *
 * The status service (apps/status) uses {@link openCaStore}, {@link loadCaMaterial},
 * {@link caStorePath}, {@link CA_FILE_NAMES} and {@link statusEndpoints}.
 *
 * @example
 * ```ts
 * import { startCa, DEV_CA_PASSPHRASE } from '@kzpki/ca';
 * const ca = await startCa({ passphrase: DEV_CA_PASSPHRASE, dataDir: './var', port: 8080 });
 * ```
 * @packageDocumentation
 */
export * from './auth/certificate-login.js';
export * from './ca/hierarchy.js';
export * from './ca/init-ca.js';
export * from './ca/material.js';
export * from './config.js';
export { isValidApplicationNumber } from './crypto/application-number.js';
export { canonicalJson } from './crypto/canonical-json.js';
export * from './errors.js';
export * from './flow/agreement.js';
export * from './flow/status-view.js';
export * from './flow/statuses.js';
export * from './flow/template-policy.js';
export * from './flow/transitions.js';
export { decisionDocument } from './issuance/approval.js';
export { installationMessage } from './issuance/installation.js';
export * from './providers/demo-data.js';
export * from './providers/simulated.js';
export * from './providers/types.js';
export * from './server.js';
export * from './store/repository.js';
export * from './store/sqlite-repository.js';
export * from './store/types.js';
