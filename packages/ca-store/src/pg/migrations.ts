/**
 * PostgreSQL schema of the CA store, as numbered migrations (numbered on their own: the SQLite
 * schema has its own list in `sqlite/migrations.ts`). Version 1 holds what SQLite's versions 1 and
 * 2 hold, in PostgreSQL's types, plus what several processes on one database need: the revocation
 * head row (sequence numbers in commit order), the owner of idempotency records, and the
 * rate-limit buckets.
 *
 * Migrations run under a session-level advisory lock, so when several nodes start at once exactly
 * one migrates and the others wait, then find nothing to do; each migration runs in its own
 * transaction and is recorded in `schema_migrations` with it. A database written by a newer
 * version is refused.
 */
import type pg from 'pg';
import { CaStoreError } from '../errors.js';
import { LOCK_CLASS, STORE_LOCK } from './database.js';

/** One PostgreSQL schema migration. */
export interface PgMigration {
  version: number;
  name: string;
  sql: string;
}

/** The PostgreSQL migrations, in order. Never edit a released migration: add a new one. */
export const PG_MIGRATIONS: readonly PgMigration[] = [
  {
    version: 1,
    name: 'initial schema (SQLite schema 2, revocation head, idempotency owners, rate limits)',
    sql: `
CREATE TABLE settings (
  name  text PRIMARY KEY,
  value text NOT NULL
);

CREATE TABLE ca_keys (
  name          text PRIMARY KEY CHECK (name IN ('root', 'issuing', 'operator')),
  certificate   bytea NOT NULL,
  ski_hex       text NOT NULL,
  serial_hex    text NOT NULL,
  encrypted_key text NOT NULL,
  created_at    timestamptz NOT NULL
);

CREATE TABLE applications (
  id           text PRIMARY KEY,
  number       text UNIQUE CHECK (number IS NULL OR number ~ '^[0-9]{14}$'),
  kind         text NOT NULL CHECK (kind IN ('individual', 'legal-entity')),
  template     text NOT NULL,
  iin          text NOT NULL,
  bin          text,
  status       text NOT NULL,
  created_at   timestamptz NOT NULL,
  updated_at   timestamptz NOT NULL,
  expires_at   timestamptz NOT NULL,
  submitted_at timestamptz,
  data         text NOT NULL
);
CREATE INDEX applications_status ON applications (status, bin);
CREATE INDEX applications_expiry ON applications (expires_at);

CREATE TABLE application_history (
  id             bigserial PRIMARY KEY,
  application_id text NOT NULL REFERENCES applications (id),
  status         text NOT NULL,
  at             timestamptz NOT NULL,
  actor          text NOT NULL,
  note           text
);
CREATE INDEX application_history_app ON application_history (application_id, id);

CREATE TABLE certificates (
  issuer_ski_hex  text NOT NULL,
  serial_hex      text NOT NULL,
  kind            text NOT NULL CHECK (kind IN ('end-entity', 'ca', 'service')),
  application_id  text REFERENCES applications (id),
  purpose         text CHECK (purpose IS NULL OR purpose IN ('auth', 'sign')),
  template        text,
  subject         text NOT NULL,
  iin             text,
  bin             text,
  ski_hex         text NOT NULL,
  spki_sha256     text NOT NULL,
  der             bytea NOT NULL,
  not_before      timestamptz NOT NULL,
  not_after       timestamptz NOT NULL,
  status          text NOT NULL DEFAULT 'good' CHECK (status IN ('good', 'revoked', 'hold')),
  revoked_at      timestamptz,
  reason          text,
  invalidity_date timestamptz,
  status_seq      bigint NOT NULL DEFAULT 0,
  created_at      timestamptz NOT NULL,
  CONSTRAINT certificates_pkey PRIMARY KEY (issuer_ski_hex, serial_hex)
);
-- Serials are unique across the whole CA, not only per issuer; a key is certified at most once.
CREATE UNIQUE INDEX certificates_serial ON certificates (serial_hex);
CREATE UNIQUE INDEX certificates_spki ON certificates (spki_sha256);
CREATE INDEX certificates_iin ON certificates (iin);
CREATE INDEX certificates_bin ON certificates (bin);
CREATE INDEX certificates_application ON certificates (application_id);
CREATE INDEX certificates_revoked ON certificates (issuer_ski_hex, status_seq) WHERE status <> 'good';

-- The revocation sequence: one row, bumped (and so row-locked) by every revocation, hold and
-- release. A sequence object would hand out numbers in start order, not commit order, and a
-- status node could then validate past a number whose revocation commits later.
CREATE TABLE revocation_head (
  id  boolean PRIMARY KEY DEFAULT true CHECK (id),
  seq bigint NOT NULL
);
INSERT INTO revocation_head (id, seq) VALUES (true, 0);

CREATE TABLE revocation_events (
  seq             bigint PRIMARY KEY,
  issuer_ski_hex  text NOT NULL,
  serial_hex      text NOT NULL,
  change          text NOT NULL CHECK (change IN ('revoked', 'hold', 'released')),
  revoked_at      timestamptz NOT NULL,
  reason          text,
  invalidity_date timestamptz,
  at              timestamptz NOT NULL,
  actor           text NOT NULL
);
CREATE INDEX revocation_events_issuer ON revocation_events (issuer_ski_hex, seq);

-- cRLNumber may have up to 20 octets (RFC 5280 §5.2.3).
CREATE TABLE crl_numbers (
  issuer_ski_hex text PRIMARY KEY,
  last_number    numeric(49, 0) NOT NULL
);

CREATE TABLE approvals (
  application_id      text PRIMARY KEY REFERENCES applications (id),
  decision            text NOT NULL CHECK (decision IN ('approve', 'reject')),
  approver_iin        text,
  approver_bin        text,
  approver_roles      text NOT NULL,
  session_serial_hex  text NOT NULL,
  signer_certificate  bytea NOT NULL,
  signer_serial_hex   text NOT NULL,
  document            text NOT NULL,
  signature           bytea NOT NULL,
  decided_at          timestamptz NOT NULL,
  comment             text
);

CREATE TABLE sessions (
  token_hash     text PRIMARY KEY,
  kind           text NOT NULL CHECK (kind IN ('applicant', 'cabinet', 'operator')),
  application_id text REFERENCES applications (id),
  holder         text,
  created_at     timestamptz NOT NULL,
  expires_at     timestamptz NOT NULL
);
CREATE INDEX sessions_expiry ON sessions (expires_at);

CREATE TABLE challenges (
  id             text PRIMARY KEY,
  purpose        text NOT NULL CHECK (purpose IN ('cabinet', 'operator', 'installation')),
  application_id text REFERENCES applications (id),
  nonce          text NOT NULL,
  created_at     timestamptz NOT NULL,
  expires_at     timestamptz NOT NULL,
  used_at        timestamptz
);
CREATE INDEX challenges_expiry ON challenges (expires_at);

-- owner: node id of the process running the operation (a dead owner's record is taken over).
CREATE TABLE idempotency_keys (
  scope        text NOT NULL,
  key          text NOT NULL,
  request_hash text NOT NULL,
  status_code  integer,
  response     text,
  created_at   timestamptz NOT NULL,
  owner        text,
  PRIMARY KEY (scope, key)
);
CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);

CREATE TABLE audit_log (
  id      bigserial PRIMARY KEY,
  at      timestamptz NOT NULL,
  actor   text NOT NULL,
  action  text NOT NULL,
  entity  text NOT NULL,
  details text NOT NULL,
  hash    text NOT NULL
);
CREATE INDEX audit_log_entity ON audit_log (entity, id);

CREATE TABLE issuers (
  id          text PRIMARY KEY,
  role        text NOT NULL CHECK (role IN ('root', 'issuing')),
  ski_hex     text NOT NULL UNIQUE,
  certificate bytea NOT NULL,
  updated_at  timestamptz NOT NULL
);

CREATE TABLE ocsp_responders (
  issuer_ski_hex text PRIMARY KEY,
  certificate    bytea NOT NULL,
  serial_hex     text NOT NULL,
  ski_hex        text NOT NULL,
  not_after      timestamptz NOT NULL,
  encrypted_key  text NOT NULL,
  created_at     timestamptz NOT NULL
);

CREATE TABLE published_crls (
  issuer_ski_hex  text NOT NULL,
  kind            text NOT NULL CHECK (kind IN ('full', 'delta')),
  crl_number      numeric(49, 0) NOT NULL CHECK (crl_number > 0),
  base_crl_number numeric(49, 0),
  this_update     timestamptz NOT NULL,
  next_update     timestamptz NOT NULL,
  entries         bigint NOT NULL,
  revocation_seq  bigint NOT NULL,
  size            bigint NOT NULL,
  parts           integer NOT NULL,
  complete        boolean NOT NULL DEFAULT false,
  published_at    timestamptz NOT NULL,
  PRIMARY KEY (issuer_ski_hex, kind, crl_number),
  CHECK ((kind = 'delta') = (base_crl_number IS NOT NULL))
);
CREATE INDEX published_crls_latest ON published_crls (issuer_ski_hex, kind, complete, crl_number);

CREATE TABLE published_crl_parts (
  issuer_ski_hex text NOT NULL,
  kind           text NOT NULL,
  crl_number     numeric(49, 0) NOT NULL,
  part           integer NOT NULL,
  bytes          bytea NOT NULL,
  PRIMARY KEY (issuer_ski_hex, kind, crl_number, part),
  FOREIGN KEY (issuer_ski_hex, kind, crl_number) REFERENCES published_crls (issuer_ski_hex, kind, crl_number)
    ON DELETE CASCADE
);

-- Token buckets shared by every CA process (server-kit's RateLimiter over the database).
CREATE TABLE rate_limits (
  bucket  text PRIMARY KEY,
  tokens  double precision NOT NULL,
  at_ms   bigint NOT NULL,
  allowed boolean NOT NULL
);

-- Append-only tables: history, revocation events and the audit log are never rewritten.
CREATE FUNCTION kzpki_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% is append-only', TG_TABLE_NAME;
END $$;
CREATE FUNCTION kzpki_certificate_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' THEN
    RAISE EXCEPTION 'certificate contents are immutable';
  END IF;
  RAISE EXCEPTION 'certificates are never deleted';
END $$;
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION kzpki_append_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
  FOR EACH STATEMENT EXECUTE FUNCTION kzpki_append_only();
CREATE TRIGGER application_history_append_only BEFORE UPDATE OR DELETE ON application_history
  FOR EACH ROW EXECUTE FUNCTION kzpki_append_only();
CREATE TRIGGER application_history_no_truncate BEFORE TRUNCATE ON application_history
  FOR EACH STATEMENT EXECUTE FUNCTION kzpki_append_only();
CREATE TRIGGER revocation_events_append_only BEFORE UPDATE OR DELETE ON revocation_events
  FOR EACH ROW EXECUTE FUNCTION kzpki_append_only();
CREATE TRIGGER revocation_events_no_truncate BEFORE TRUNCATE ON revocation_events
  FOR EACH STATEMENT EXECUTE FUNCTION kzpki_append_only();
-- An issued certificate's bytes never change, and no certificate is deleted.
CREATE TRIGGER certificates_immutable BEFORE UPDATE OF der, serial_hex, issuer_ski_hex ON certificates
  FOR EACH ROW EXECUTE FUNCTION kzpki_certificate_immutable();
CREATE TRIGGER certificates_no_delete BEFORE DELETE ON certificates
  FOR EACH ROW EXECUTE FUNCTION kzpki_certificate_immutable();
CREATE TRIGGER certificates_no_truncate BEFORE TRUNCATE ON certificates
  FOR EACH STATEMENT EXECUTE FUNCTION kzpki_append_only();
`,
  },
  {
    version: 2,
    name: 'signed audit checkpoints',
    sql: `
-- Signed checkpoints of the audit log's hash chain (the CA signs each with a key this database
-- holds only encrypted); append-only like the log itself.
CREATE TABLE audit_checkpoints (
  seq                integer PRIMARY KEY CHECK (seq > 0),
  audit_id           bigint NOT NULL,
  audit_hash         text NOT NULL,
  entries            bigint NOT NULL,
  at                 timestamptz NOT NULL,
  document           text NOT NULL,
  signature          bytea NOT NULL,
  signer_certificate bytea NOT NULL
);
CREATE TRIGGER audit_checkpoints_append_only BEFORE UPDATE OR DELETE ON audit_checkpoints
  FOR EACH ROW EXECUTE FUNCTION kzpki_append_only();
CREATE TRIGGER audit_checkpoints_no_truncate BEFORE TRUNCATE ON audit_checkpoints
  FOR EACH STATEMENT EXECUTE FUNCTION kzpki_append_only();
`,
  },
  {
    version: 3,
    name: 'time-stamping authorities under the status KEK (SQLite migration 5)',
    sql: `
-- The status service's TSAs (RFC 3161), one per issuer and policy, keys under the status KEK.
CREATE TABLE timestamp_signers (
  issuer_ski_hex text NOT NULL,
  policy         text NOT NULL,
  certificate    bytea NOT NULL,
  serial_hex     text NOT NULL,
  ski_hex        text NOT NULL,
  not_after      timestamptz NOT NULL,
  encrypted_key  text NOT NULL,
  created_at     timestamptz NOT NULL,
  PRIMARY KEY (issuer_ski_hex, policy)
);
`,
  },
  {
    version: 4,
    name: 'GOST hierarchy keys, single-key GOST certificates (SQLite migration 6)',
    sql: `
-- The GOST R 34.10-2015 root and issuing CA beside the RSA ones.
ALTER TABLE ca_keys DROP CONSTRAINT IF EXISTS ca_keys_name_check;
ALTER TABLE ca_keys ADD CONSTRAINT ca_keys_name_check
  CHECK (name IN ('root', 'issuing', 'operator', 'gost-root', 'gost-issuing'));
-- purpose 'auth+sign': the one certificate of a GOST-2015 key.
ALTER TABLE certificates DROP CONSTRAINT IF EXISTS certificates_purpose_check;
ALTER TABLE certificates ADD CONSTRAINT certificates_purpose_check
  CHECK (purpose IS NULL OR purpose IN ('auth', 'sign', 'auth+sign'));
`,
  },
  {
    version: 5,
    name: 'dev outbox of the simulated SMS and e-mail gateways (SQLite migration 7)',
    sql: `
-- What the simulated gateways "sent" in dev mode (one-time codes included), shared by every CA
-- process: any node's /v1/dev/sms-outbox shows a code another node sent. Bounded (pruned on write).
CREATE TABLE dev_outbox (
  id         bigserial PRIMARY KEY,
  channel    text NOT NULL CHECK (channel IN ('sms', 'email')),
  recipient  text NOT NULL,
  sender     text NOT NULL,
  subject    text,
  body       text NOT NULL,
  iin        text,
  kind       text NOT NULL CHECK (kind IN ('otp', 'notification')),
  code       text,
  created_at timestamptz NOT NULL
);
CREATE INDEX dev_outbox_recipient ON dev_outbox (channel, recipient, id);
CREATE INDEX dev_outbox_iin ON dev_outbox (channel, iin, id);
CREATE INDEX dev_outbox_created ON dev_outbox (created_at);
`,
  },
];

/** The schema version this code writes. */
export const PG_SCHEMA_VERSION = PG_MIGRATIONS[PG_MIGRATIONS.length - 1]?.version ?? 0;

async function currentVersion(client: pg.ClientBase): Promise<number> {
  const exists = await client.query<{ t: string | null }>("SELECT to_regclass('schema_migrations') AS t");
  if (!exists.rows[0]?.t) return 0;
  const r = await client.query<{ v: number }>(
    'SELECT COALESCE(MAX(version), 0)::int AS v FROM schema_migrations',
  );
  return r.rows[0]?.v ?? 0;
}

function tooNew(version: number): CaStoreError {
  return new CaStoreError(
    'ERR_SCHEMA_TOO_NEW',
    `Database schema version ${version} is newer than this code (${PG_SCHEMA_VERSION}); upgrade kzpki`,
  );
}

/**
 * Applies the pending migrations on `client` (a dedicated connection: the advisory lock is held by
 * its session). Returns how many were applied.
 * @throws {CaStoreError} `ERR_SCHEMA_TOO_NEW` when the database is newer than this code.
 */
export async function migratePg(client: pg.ClientBase): Promise<number> {
  await client.query('SELECT pg_advisory_lock($1, $2)', [LOCK_CLASS.store, STORE_LOCK.migrations]);
  try {
    await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version    integer PRIMARY KEY,
      name       text NOT NULL,
      applied_at timestamptz NOT NULL
    )`);
    const current = await currentVersion(client);
    if (current > PG_SCHEMA_VERSION) throw tooNew(current);
    let applied = 0;
    for (const m of PG_MIGRATIONS) {
      if (m.version <= current) continue;
      await client.query('BEGIN');
      try {
        await client.query(m.sql);
        await client.query(
          'INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, now())',
          [m.version, m.name],
        );
        await client.query('COMMIT');
      } catch (e) {
        await client.query('ROLLBACK');
        throw e;
      }
      applied++;
    }
    return applied;
  } finally {
    await client.query('SELECT pg_advisory_unlock($1, $2)', [LOCK_CLASS.store, STORE_LOCK.migrations]);
  }
}

/**
 * Checks, without changing anything, that the schema is at this code's version (the status
 * service: the CA migrates).
 * @throws {CaStoreError} `ERR_STORE_OPEN` when the CA has not created or upgraded it yet,
 *   `ERR_SCHEMA_TOO_NEW` when it is newer.
 */
export async function checkPgSchema(client: pg.ClientBase): Promise<void> {
  const version = await currentVersion(client);
  if (version > PG_SCHEMA_VERSION) throw tooNew(version);
  if (version < PG_SCHEMA_VERSION) {
    throw new CaStoreError(
      'ERR_STORE_OPEN',
      `The CA store has schema version ${version}: start the CA (or run kzpki ca init) once to create or upgrade it`,
    );
  }
}
