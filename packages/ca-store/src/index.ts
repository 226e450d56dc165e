/**
 * `@kzpki/ca-store`: the store contract the kzpki reference CA (apps/ca) and status service
 * (apps/status) share, and its SQLite implementation.
 *
 * - Records ({@link CertificateRecord}, {@link ApplicationRecord}, {@link PublishedCrlRecord}, …)
 *   and the application status vocabulary ({@link APPLICATION_STATUSES}, {@link STATUS_TEXTS}).
 * - Interfaces split by who needs what: {@link StatusStore} (the status service's narrow read
 *   interface), {@link CrlStore} (the CA's CRL publisher), {@link CaRepository} (the CA).
 * - SQLite (better-sqlite3, WAL): {@link openCaStore} (read-write, migrated),
 *   {@link openStatusStore} (read-only, status interface only): one CA process.
 * - PostgreSQL (node-postgres): {@link openPgCaStore}, {@link openPgStatusStore}: several CA and
 *   status processes on one database; {@link openCaRepository} and {@link openStatusRepository}
 *   open either from a location (`postgres://...`, `sqlite:<path>`); {@link copySqliteToPostgres}
 *   moves a SQLite CA to PostgreSQL.
 * - Keys at rest: the AES-256-GCM/scrypt envelope, and the OCSP responder keys under the status
 *   service's own passphrase ({@link ResponderKeyring}, {@link DEV_STATUS_PASSPHRASE}).
 *
 * @example
 * ```ts
 * import { caStorePath, openStatusStore } from '@kzpki/ca-store';
 * const store = openStatusStore(caStorePath('./var'));
 * for (const issuer of await store.listIssuers()) console.log(issuer.id, issuer.skiHex);
 * ```
 * @packageDocumentation
 */
export * from './application-status.js';
export { canonicalJson } from './canonical-json.js';
export {
  CaStoreError,
  type CaStoreErrorCode,
  type DuplicateConstraint,
  isCaStoreError,
  isDuplicate,
} from './errors.js';
export {
  decryptPrivateKey,
  deriveKek,
  encryptPrivateKey,
  type KekParams,
  type KeyEnvelope,
  newKekParams,
  parseKeyEnvelope,
} from './keys/key-envelope.js';
export {
  DEV_STATUS_PASSPHRASE,
  deriveStatusKek,
  ResponderKeyring,
  responderKeyAad,
  STATUS_KEK_LABEL,
  type StatusKek,
  sealResponderKey,
  sealTimestampSignerKey,
  timestampSignerKeyAad,
} from './keys/responder-keys.js';
export {
  describeStoreLocation,
  type OpenCaRepositoryOptions,
  type OpenStatusRepositoryOptions,
  openCaRepository,
  openStatusRepository,
  parseStoreLocation,
  type StoreLocation,
} from './open-store.js';
export { COPIED_SQLITE_SCHEMA, copySqliteToPostgres, type StoreCopyReport } from './pg/copy-from-sqlite.js';
export { REVOCATION_CHANNEL, redactUrl } from './pg/database.js';
export { PG_MIGRATIONS, PG_SCHEMA_VERSION, type PgMigration } from './pg/migrations.js';
export { type OpenPgCaStoreOptions, openPgCaStore, PgCaRepository } from './pg/pg-repository.js';
export { type OpenPgStatusStoreOptions, openPgStatusStore, PgStatusStore } from './pg/status-store.js';
export * from './repository.js';
export { entryHash as auditEntryHash, GENESIS as AUDIT_GENESIS } from './sqlite/audit.js';
export {
  createDataDirectory,
  DATA_DIR_MODE,
  PRIVATE_FILE_MODE,
  protectDatabaseFiles,
} from './sqlite/file-modes.js';
export type { SqliteSynchronous } from './sqlite/group-commit.js';
export { MIGRATIONS, type Migration } from './sqlite/migrations.js';
export { CRL_PART_BYTES, CRLS_KEPT } from './sqlite/published.js';
export {
  CA_DB_FILE,
  caStorePath,
  type OpenCaStoreOptions,
  type OpenStatusStoreOptions,
  openCaStore,
  openStatusStore,
  SqliteCaRepository,
  SqliteStatusStore,
} from './sqlite-repository.js';
export { buildStatusView, fullName, initials, maskIin } from './status-view.js';
export * from './types.js';
