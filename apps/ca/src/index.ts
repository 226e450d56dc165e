/**
 * `@kzpki/ca`: the reference NCA-style certificate authority of kzpki (remote issuance flow over a
 * REST API described by `openapi/ca.yaml`, SQLite store, TEST CA hierarchy).
 *
 * @packageDocumentation
 */
export * from './errors.js';
export * from './flow/status-view.js';
export * from './flow/statuses.js';
export * from './flow/template-policy.js';
export * from './flow/transitions.js';
export * from './store/repository.js';
export * from './store/sqlite-repository.js';
export * from './store/types.js';
