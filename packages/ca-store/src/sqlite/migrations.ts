/**
 * SQLite schema of the CA store, as numbered migrations. Each migration runs in its own transaction
 * and is recorded in `schema_migrations`; a database written by a newer version is refused.
 */
import type Database from 'better-sqlite3';
import { CaStoreError } from '../errors.js';

/** One schema migration. */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/** The migrations, in order. Never edit a released migration: add a new one. */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'initial schema',
    sql: `
CREATE TABLE settings (
  name  TEXT PRIMARY KEY,
  value TEXT NOT NULL
) STRICT;

CREATE TABLE ca_keys (
  name          TEXT PRIMARY KEY CHECK (name IN ('root', 'issuing', 'ocsp-responder', 'operator')),
  certificate   BLOB NOT NULL,
  ski_hex       TEXT NOT NULL,
  serial_hex    TEXT NOT NULL,
  encrypted_key TEXT NOT NULL,
  created_at    TEXT NOT NULL
) STRICT;

CREATE TABLE applications (
  id           TEXT PRIMARY KEY,
  number       TEXT UNIQUE CHECK (number IS NULL OR (length(number) = 14 AND number NOT GLOB '*[^0-9]*')),
  kind         TEXT NOT NULL CHECK (kind IN ('individual', 'legal-entity')),
  template     TEXT NOT NULL,
  iin          TEXT NOT NULL,
  bin          TEXT,
  status       TEXT NOT NULL,
  created_at   TEXT NOT NULL,
  updated_at   TEXT NOT NULL,
  expires_at   TEXT NOT NULL,
  submitted_at TEXT,
  data         TEXT NOT NULL
) STRICT;
CREATE INDEX applications_status ON applications (status, bin);
CREATE INDEX applications_expiry ON applications (expires_at);

CREATE TABLE application_history (
  id             INTEGER PRIMARY KEY AUTOINCREMENT,
  application_id TEXT NOT NULL REFERENCES applications (id),
  status         TEXT NOT NULL,
  at             TEXT NOT NULL,
  actor          TEXT NOT NULL,
  note           TEXT
) STRICT;
CREATE INDEX application_history_app ON application_history (application_id, id);

CREATE TABLE certificates (
  issuer_ski_hex  TEXT NOT NULL,
  serial_hex      TEXT NOT NULL,
  kind            TEXT NOT NULL CHECK (kind IN ('end-entity', 'ca', 'service')),
  application_id  TEXT REFERENCES applications (id),
  purpose         TEXT CHECK (purpose IS NULL OR purpose IN ('auth', 'sign')),
  template        TEXT,
  subject         TEXT NOT NULL,
  iin             TEXT,
  bin             TEXT,
  ski_hex         TEXT NOT NULL,
  spki_sha256     TEXT NOT NULL,
  der             BLOB NOT NULL,
  not_before      TEXT NOT NULL,
  not_after       TEXT NOT NULL,
  status          TEXT NOT NULL DEFAULT 'good' CHECK (status IN ('good', 'revoked', 'hold')),
  revoked_at      TEXT,
  reason          TEXT,
  invalidity_date TEXT,
  status_seq      INTEGER NOT NULL DEFAULT 0,
  created_at      TEXT NOT NULL,
  PRIMARY KEY (issuer_ski_hex, serial_hex)
) STRICT;
-- Serials are unique across the whole CA, not only per issuer; a key is certified at most once.
CREATE UNIQUE INDEX certificates_serial ON certificates (serial_hex);
CREATE UNIQUE INDEX certificates_spki ON certificates (spki_sha256);
CREATE INDEX certificates_iin ON certificates (iin);
CREATE INDEX certificates_bin ON certificates (bin);
CREATE INDEX certificates_application ON certificates (application_id);
CREATE INDEX certificates_revoked ON certificates (issuer_ski_hex, status_seq) WHERE status <> 'good';

CREATE TABLE revocation_events (
  seq             INTEGER PRIMARY KEY AUTOINCREMENT,
  issuer_ski_hex  TEXT NOT NULL,
  serial_hex      TEXT NOT NULL,
  change          TEXT NOT NULL CHECK (change IN ('revoked', 'hold', 'released')),
  revoked_at      TEXT NOT NULL,
  reason          TEXT,
  invalidity_date TEXT,
  at              TEXT NOT NULL,
  actor           TEXT NOT NULL
) STRICT;
CREATE INDEX revocation_events_issuer ON revocation_events (issuer_ski_hex, seq);

CREATE TABLE crl_numbers (
  issuer_ski_hex TEXT PRIMARY KEY,
  last_number    INTEGER NOT NULL
) STRICT;

CREATE TABLE approvals (
  application_id      TEXT PRIMARY KEY REFERENCES applications (id),
  decision            TEXT NOT NULL CHECK (decision IN ('approve', 'reject')),
  approver_iin        TEXT,
  approver_bin        TEXT,
  approver_roles      TEXT NOT NULL,
  session_serial_hex  TEXT NOT NULL,
  signer_certificate  BLOB NOT NULL,
  signer_serial_hex   TEXT NOT NULL,
  document            TEXT NOT NULL,
  signature           BLOB NOT NULL,
  decided_at          TEXT NOT NULL,
  comment             TEXT
) STRICT;

CREATE TABLE sessions (
  token_hash     TEXT PRIMARY KEY,
  kind           TEXT NOT NULL CHECK (kind IN ('applicant', 'cabinet', 'operator')),
  application_id TEXT REFERENCES applications (id),
  holder         TEXT,
  created_at     TEXT NOT NULL,
  expires_at     TEXT NOT NULL
) STRICT;

CREATE TABLE challenges (
  id             TEXT PRIMARY KEY,
  purpose        TEXT NOT NULL CHECK (purpose IN ('cabinet', 'operator', 'installation')),
  application_id TEXT REFERENCES applications (id),
  nonce          TEXT NOT NULL,
  created_at     TEXT NOT NULL,
  expires_at     TEXT NOT NULL,
  used_at        TEXT
) STRICT;

CREATE TABLE idempotency_keys (
  scope        TEXT NOT NULL,
  key          TEXT NOT NULL,
  request_hash TEXT NOT NULL,
  status_code  INTEGER,
  response     TEXT,
  created_at   TEXT NOT NULL,
  PRIMARY KEY (scope, key)
) STRICT;

CREATE TABLE audit_log (
  id      INTEGER PRIMARY KEY AUTOINCREMENT,
  at      TEXT NOT NULL,
  actor   TEXT NOT NULL,
  action  TEXT NOT NULL,
  entity  TEXT NOT NULL,
  details TEXT NOT NULL,
  hash    TEXT NOT NULL
) STRICT;
CREATE INDEX audit_log_entity ON audit_log (entity, id);

-- Append-only tables: history, revocation events and the audit log are never rewritten.
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER application_history_no_update BEFORE UPDATE ON application_history
BEGIN SELECT RAISE(ABORT, 'application_history is append-only'); END;
CREATE TRIGGER application_history_no_delete BEFORE DELETE ON application_history
BEGIN SELECT RAISE(ABORT, 'application_history is append-only'); END;
CREATE TRIGGER revocation_events_no_update BEFORE UPDATE ON revocation_events
BEGIN SELECT RAISE(ABORT, 'revocation_events is append-only'); END;
CREATE TRIGGER revocation_events_no_delete BEFORE DELETE ON revocation_events
BEGIN SELECT RAISE(ABORT, 'revocation_events is append-only'); END;
-- An issued certificate's bytes never change.
CREATE TRIGGER certificates_der_immutable BEFORE UPDATE OF der, serial_hex, issuer_ski_hex ON certificates
BEGIN SELECT RAISE(ABORT, 'certificate contents are immutable'); END;
CREATE TRIGGER certificates_no_delete BEFORE DELETE ON certificates
BEGIN SELECT RAISE(ABORT, 'certificates are never deleted'); END;
`,
  },
  {
    version: 2,
    name: 'published issuers, OCSP responders under the status KEK, published CRLs',
    sql: `
-- The CAs the status service publishes for (public certificates and URL names).
CREATE TABLE issuers (
  id          TEXT PRIMARY KEY,
  role        TEXT NOT NULL CHECK (role IN ('root', 'issuing')),
  ski_hex     TEXT NOT NULL UNIQUE,
  certificate BLOB NOT NULL,
  updated_at  TEXT NOT NULL
) STRICT;

-- One delegated OCSP responder per issuer; the key is encrypted under the status service's KEK
-- (never the CA's), the envelope carries its own KDF parameters.
CREATE TABLE ocsp_responders (
  issuer_ski_hex TEXT PRIMARY KEY,
  certificate    BLOB NOT NULL,
  serial_hex     TEXT NOT NULL,
  ski_hex        TEXT NOT NULL,
  not_after      TEXT NOT NULL,
  encrypted_key  TEXT NOT NULL,
  created_at     TEXT NOT NULL
) STRICT;

-- CRLs signed by the CA, served as they are by the status service. The DER is kept in parts
-- (published_crl_parts), written in several short transactions; a CRL is visible once complete.
CREATE TABLE published_crls (
  issuer_ski_hex  TEXT NOT NULL,
  kind            TEXT NOT NULL CHECK (kind IN ('full', 'delta')),
  crl_number      INTEGER NOT NULL CHECK (crl_number > 0),
  base_crl_number INTEGER,
  this_update     TEXT NOT NULL,
  next_update     TEXT NOT NULL,
  entries         INTEGER NOT NULL,
  revocation_seq  INTEGER NOT NULL,
  size            INTEGER NOT NULL,
  parts           INTEGER NOT NULL,
  complete        INTEGER NOT NULL DEFAULT 0 CHECK (complete IN (0, 1)),
  published_at    TEXT NOT NULL,
  PRIMARY KEY (issuer_ski_hex, kind, crl_number),
  CHECK ((kind = 'delta') = (base_crl_number IS NOT NULL))
) STRICT;
CREATE INDEX published_crls_latest ON published_crls (issuer_ski_hex, kind, complete, crl_number);

CREATE TABLE published_crl_parts (
  issuer_ski_hex TEXT NOT NULL,
  kind           TEXT NOT NULL,
  crl_number     INTEGER NOT NULL,
  part           INTEGER NOT NULL,
  bytes          BLOB NOT NULL,
  PRIMARY KEY (issuer_ski_hex, kind, crl_number, part),
  FOREIGN KEY (issuer_ski_hex, kind, crl_number) REFERENCES published_crls (issuer_ski_hex, kind, crl_number)
    ON DELETE CASCADE
) STRICT;

-- The issuing CA's OCSP responder key was kept under the CA's KEK: superseded by ocsp_responders
-- (the CA issues new responders under the status KEK on its next start).
DELETE FROM ca_keys WHERE name = 'ocsp-responder';
`,
  },
  {
    version: 3,
    name: 'rate-limit buckets shared by every process',
    sql: `
-- Token buckets of the CA's rate limits (server-kit's RateLimiter over the store): every process
-- on this file counts the same requests, and a restart does not refill them.
CREATE TABLE rate_limits (
  bucket TEXT PRIMARY KEY,
  tokens REAL NOT NULL,
  at_ms  INTEGER NOT NULL
) STRICT;
CREATE INDEX rate_limits_at ON rate_limits (at_ms);
`,
  },
  {
    version: 4,
    name: 'signed audit checkpoints',
    sql: `
-- Signed checkpoints of the audit log's hash chain (the CA signs each with a key this database
-- holds only encrypted); append-only like the log itself.
CREATE TABLE audit_checkpoints (
  seq                INTEGER PRIMARY KEY CHECK (seq > 0),
  audit_id           INTEGER NOT NULL,
  audit_hash         TEXT NOT NULL,
  entries            INTEGER NOT NULL,
  at                 TEXT NOT NULL,
  document           TEXT NOT NULL,
  signature          BLOB NOT NULL,
  signer_certificate BLOB NOT NULL
) STRICT;
CREATE TRIGGER audit_checkpoints_no_update BEFORE UPDATE ON audit_checkpoints
BEGIN SELECT RAISE(ABORT, 'audit_checkpoints is append-only'); END;
CREATE TRIGGER audit_checkpoints_no_delete BEFORE DELETE ON audit_checkpoints
BEGIN SELECT RAISE(ABORT, 'audit_checkpoints is append-only'); END;
`,
  },
  {
    version: 5,
    name: 'time-stamping authorities under the status KEK',
    sql: `
-- The status service's TSAs (RFC 3161), one per issuer and policy: certificates the CA issued
-- (extKeyUsage id-kp-timeStamping, critical) with their keys encrypted under the status service's
-- KEK (never the CA's), as ocsp_responders; a renewal replaces the row.
CREATE TABLE timestamp_signers (
  issuer_ski_hex TEXT NOT NULL,
  policy         TEXT NOT NULL,
  certificate    BLOB NOT NULL,
  serial_hex     TEXT NOT NULL,
  ski_hex        TEXT NOT NULL,
  not_after      TEXT NOT NULL,
  encrypted_key  TEXT NOT NULL,
  created_at     TEXT NOT NULL,
  PRIMARY KEY (issuer_ski_hex, policy)
) STRICT;
`,
  },
  {
    version: 6,
    name: 'GOST hierarchy keys, single-key GOST certificates (purpose auth+sign)',
    sql: `
-- SQLite cannot change a CHECK constraint: both tables are rebuilt, the rows copied as they are.
-- ca_keys: the GOST R 34.10-2015 root and issuing CA beside the RSA ones.
CREATE TABLE ca_keys_v6 (
  name          TEXT PRIMARY KEY CHECK (name IN ('root', 'issuing', 'operator', 'gost-root', 'gost-issuing')),
  certificate   BLOB NOT NULL,
  ski_hex       TEXT NOT NULL,
  serial_hex    TEXT NOT NULL,
  encrypted_key TEXT NOT NULL,
  created_at    TEXT NOT NULL
) STRICT;
INSERT INTO ca_keys_v6 SELECT name, certificate, ski_hex, serial_hex, encrypted_key, created_at FROM ca_keys;
DROP TABLE ca_keys;
ALTER TABLE ca_keys_v6 RENAME TO ca_keys;

-- certificates: purpose 'auth+sign', the one certificate of a GOST-2015 key (the NCA's current
-- generation certifies each legal-entity key once, for logging in and signing alike). Dropping
-- the table drops its triggers first (no trigger fires); they are created again below.
CREATE TABLE certificates_v6 (
  issuer_ski_hex  TEXT NOT NULL,
  serial_hex      TEXT NOT NULL,
  kind            TEXT NOT NULL CHECK (kind IN ('end-entity', 'ca', 'service')),
  application_id  TEXT REFERENCES applications (id),
  purpose         TEXT CHECK (purpose IS NULL OR purpose IN ('auth', 'sign', 'auth+sign')),
  template        TEXT,
  subject         TEXT NOT NULL,
  iin             TEXT,
  bin             TEXT,
  ski_hex         TEXT NOT NULL,
  spki_sha256     TEXT NOT NULL,
  der             BLOB NOT NULL,
  not_before      TEXT NOT NULL,
  not_after       TEXT NOT NULL,
  status          TEXT NOT NULL DEFAULT 'good' CHECK (status IN ('good', 'revoked', 'hold')),
  revoked_at      TEXT,
  reason          TEXT,
  invalidity_date TEXT,
  status_seq      INTEGER NOT NULL DEFAULT 0,
  created_at      TEXT NOT NULL,
  PRIMARY KEY (issuer_ski_hex, serial_hex)
) STRICT;
INSERT INTO certificates_v6 (issuer_ski_hex, serial_hex, kind, application_id, purpose, template, subject, iin,
  bin, ski_hex, spki_sha256, der, not_before, not_after, status, revoked_at, reason, invalidity_date, status_seq,
  created_at)
SELECT issuer_ski_hex, serial_hex, kind, application_id, purpose, template, subject, iin, bin, ski_hex,
  spki_sha256, der, not_before, not_after, status, revoked_at, reason, invalidity_date, status_seq, created_at
FROM certificates;
DROP TABLE certificates;
ALTER TABLE certificates_v6 RENAME TO certificates;
CREATE UNIQUE INDEX certificates_serial ON certificates (serial_hex);
CREATE UNIQUE INDEX certificates_spki ON certificates (spki_sha256);
CREATE INDEX certificates_iin ON certificates (iin);
CREATE INDEX certificates_bin ON certificates (bin);
CREATE INDEX certificates_application ON certificates (application_id);
CREATE INDEX certificates_revoked ON certificates (issuer_ski_hex, status_seq) WHERE status <> 'good';
CREATE TRIGGER certificates_der_immutable BEFORE UPDATE OF der, serial_hex, issuer_ski_hex ON certificates
BEGIN SELECT RAISE(ABORT, 'certificate contents are immutable'); END;
CREATE TRIGGER certificates_no_delete BEFORE DELETE ON certificates
BEGIN SELECT RAISE(ABORT, 'certificates are never deleted'); END;
`,
  },
  {
    version: 7,
    name: 'dev outbox of the simulated SMS and e-mail gateways',
    sql: `
-- What the simulated gateways "sent" in dev mode (one-time codes included), shared by every
-- process on this store; bounded (pruned on every write), never copied to PostgreSQL.
CREATE TABLE dev_outbox (
  id         INTEGER PRIMARY KEY AUTOINCREMENT,
  channel    TEXT NOT NULL CHECK (channel IN ('sms', 'email')),
  recipient  TEXT NOT NULL,
  sender     TEXT NOT NULL,
  subject    TEXT,
  body       TEXT NOT NULL,
  iin        TEXT,
  kind       TEXT NOT NULL CHECK (kind IN ('otp', 'notification')),
  code       TEXT,
  created_at TEXT NOT NULL
) STRICT;
CREATE INDEX dev_outbox_recipient ON dev_outbox (channel, recipient, id);
CREATE INDEX dev_outbox_iin ON dev_outbox (channel, iin, id);
CREATE INDEX dev_outbox_created ON dev_outbox (created_at);
`,
  },
];

/**
 * Applies the pending migrations. Safe to call from several processes: each migration runs in an
 * IMMEDIATE transaction and re-checks whether it is still pending.
 * @throws {CaStoreError} `ERR_SCHEMA_TOO_NEW` when the database is newer than this code.
 */
export function migrate(db: Database.Database): number {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version    INTEGER PRIMARY KEY,
    name       TEXT NOT NULL,
    applied_at TEXT NOT NULL
  ) STRICT`);
  const current = (): number =>
    (db.prepare('SELECT COALESCE(MAX(version), 0) AS v FROM schema_migrations').get() as { v: number }).v;
  const latest = MIGRATIONS[MIGRATIONS.length - 1]?.version ?? 0;
  if (current() > latest) {
    throw new CaStoreError(
      'ERR_SCHEMA_TOO_NEW',
      `Database schema version ${current()} is newer than this code (${latest}); upgrade kzpki`,
    );
  }
  let applied = 0;
  for (const m of MIGRATIONS) {
    const run = db.transaction(() => {
      if (current() >= m.version) return;
      db.exec(m.sql);
      db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(
        m.version,
        m.name,
        new Date().toISOString(),
      );
      applied++;
    });
    run.immediate();
  }
  return applied;
}
