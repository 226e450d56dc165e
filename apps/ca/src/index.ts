/**
 * `@kzpki/ca`: the reference NCA-style certificate authority of kzpki: the remote issuance flow
 * over a REST API described by `openapi/ca.yaml`, the store of `@kzpki/ca-store` (SQLite behind a
 * repository interface; re-exported here), a TEST CA hierarchy ("KZPKI TEST ROOT CA (RSA)") and the
 * CRLs it signs and publishes for the status service (apps/status, which depends on
 * `@kzpki/ca-store` only, never on this package).
 *
 * @example
 * ```ts
 * import { startCa, DEV_CA_PASSPHRASE } from '@kzpki/ca';
 * const ca = await startCa({ passphrase: DEV_CA_PASSPHRASE, dataDir: './var', port: 8080 });
 * ```
 * @packageDocumentation
 */

export * from '@kzpki/ca-store';
export * from './audit/checkpoints.js';
export * from './auth/certificate-login.js';
export * from './ca/hierarchy.js';
export * from './ca/init-ca.js';
export * from './ca/material.js';
export * from './ca/operators.js';
export * from './config.js';
export * from './crl/crl-publisher.js';
export { isValidApplicationNumber } from './crypto/application-number.js';
export * from './errors.js';
export * from './flow/agreement.js';
export * from './flow/transitions.js';
export { decisionDocument } from './issuance/approval.js';
export { installationMessage } from './issuance/installation.js';
export * from './providers/demo-data.js';
export * from './providers/simulated.js';
export * from './providers/types.js';
export * from './server.js';
