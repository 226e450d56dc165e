/**
 * SQLite implementation of the store (better-sqlite3, WAL). Several processes may open the same
 * file (the CA and the status service): writes are serialised by SQLite, every state change runs in
 * one IMMEDIATE transaction, and readers never see half a change.
 *
 * - {@link SqliteCaRepository} ({@link openCaStore}): the CA's read-write store, migrated on open.
 * - {@link SqliteStatusStore} ({@link openStatusStore}): the status service's read-only connection,
 *   which implements {@link StatusStore} only: it has no method that reads the CA's keys, settings,
 *   sessions or audit log.
 */
import { randomUUID } from 'node:crypto';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import type { ApplicationStatus } from './application-status.js';
import { CaStoreError, type DuplicateConstraint } from './errors.js';
import type {
  ApplicationUpdate,
  CaRepository,
  CertificateQuery,
  CertificateStatusChange,
  CommitStats,
  ExclusiveResult,
  RateLimitBucketRule,
  RateLimitTake,
  StatusStore,
} from './repository.js';
import {
  applyUpdate,
  expireOld,
  insertApplication,
  selectApplication,
  selectApplicationByNumber,
  selectApplicationsByStatus,
  selectHistory,
} from './sqlite/applications.js';
import { appendAudit, listAudit, verifyAuditChain } from './sqlite/audit.js';
import {
  insertCheckpoint,
  selectAuditHead,
  selectAuditPage,
  selectCheckpoints,
} from './sqlite/audit-checkpoints.js';
import { initSetting, insertCaKey, putSetting, selectCaKey, selectSetting } from './sqlite/ca-keys.js';
import {
  allocateCrlNumber,
  applyStatusChange,
  insertCertificate,
  selectBySerial,
  selectCertificate,
  selectCertificates,
  selectChangesSince,
  selectRevocationSeq,
  selectRevokedPage,
  selectStatusBySerial,
  spkiExists,
} from './sqlite/certificates.js';
import * as devOutbox from './sqlite/dev-outbox.js';
import { protectDatabaseFiles } from './sqlite/file-modes.js';
import { GroupCommitter, type SqliteSynchronous } from './sqlite/group-commit.js';
import { MIGRATIONS, migrate } from './sqlite/migrations.js';
import {
  readCrl,
  selectCrlHeader,
  selectIssuers,
  selectResponder,
  selectTimestampSigners,
  upsertIssuer,
  upsertResponder,
  upsertTimestampSigner,
  writeCrl,
} from './sqlite/published.js';
import { purgeRateLimits, takeRateLimit } from './sqlite/rate-limits.js';
import * as sessions from './sqlite/sessions.js';
import { buildStatusView } from './status-view.js';
import type {
  ApplicationRecord,
  ApplicationStatusView,
  ApprovalRecord,
  AuditCheckpointRecord,
  AuditEntry,
  AuditHead,
  AuditInput,
  CaKeyName,
  CaKeyRecord,
  CertificateRecord,
  CertificateStatusRecord,
  ChallengeRecord,
  CrlKind,
  DevOutboxInput,
  DevOutboxLimits,
  DevOutboxMessage,
  DevOutboxQuery,
  IdempotencyBegin,
  IssuerRecord,
  OcspResponderRecord,
  PublishedCrlHeader,
  PublishedCrlRecord,
  RevocationChange,
  RevokedEntry,
  SessionRecord,
  StatusHistoryEntry,
  TimestampSignerRecord,
} from './types.js';

/** Options of {@link openCaStore}. */
export interface OpenCaStoreOptions {
  /** Clock for audit and history times (tests inject one). */
  now?: () => Date;
  /** Rows per page of {@link CaRepository.listRevoked}. */
  pageSize?: number;
  /**
   * Durability of commits. `'full'` (the default): every commit is fsynced before the change is
   * acknowledged, so it survives a power loss (the store fsyncs the WAL itself, off the event loop,
   * and holds every answer until what it saw is durable: `sqlite/group-commit.ts`). `'normal'`: commits are written to
   * the WAL but fsynced only at checkpoints: a crash of the process (even SIGKILL) loses nothing,
   * but a power loss or an operating-system crash may lose the transactions of the last moments
   * (acknowledged issuances and audit entries among them; the database stays consistent and the
   * audit chain intact). For test and load environments (docs/guides/scale-out.md).
   */
  synchronous?: SqliteSynchronous;
}

/** Node ids of the SQLite stores open in this process (a SQLite CA runs in one process). */
const openNodes = new Set<string>();
/** Locks of {@link SqliteCaRepository.exclusive}, per database file and name, in this process. */
const heldLocks = new Map<string, Promise<unknown>>();

/** The uniqueness rules of the schema, by the column list SQLite names in its message. */
const SQLITE_UNIQUE: ReadonlyArray<[RegExp, DuplicateConstraint]> = [
  [/certificates\.spki_sha256/, 'public-key'],
  [/certificates\.(serial_hex|issuer_ski_hex)/, 'serial'],
  [/applications\.number/, 'application-number'],
  [/ca_keys\.name/, 'ca-key'],
];

/** A UNIQUE or PRIMARY KEY violation as `ERR_DUPLICATE`; anything else unchanged. */
function duplicateError(e: unknown): unknown {
  const code = (e as { code?: unknown }).code;
  if (
    !(e instanceof Error) ||
    (code !== 'SQLITE_CONSTRAINT_UNIQUE' && code !== 'SQLITE_CONSTRAINT_PRIMARYKEY')
  )
    return e;
  const constraint = SQLITE_UNIQUE.find(([re]) => re.test(e.message))?.[1] ?? 'other';
  return new CaStoreError('ERR_DUPLICATE', `Duplicate ${constraint}: ${e.message}`, { cause: e, constraint });
}

/** The SQLite-backed CA store. */
export class SqliteCaRepository implements CaRepository {
  /** The underlying connection (for diagnostics and tests; the store owns it). */
  readonly db: Database.Database;
  readonly nodeId = `sqlite-${randomUUID()}`;
  private readonly now: () => Date;
  private readonly pageSize: number;
  private readonly lockScope: string;
  /** Write transactions of the flow, committed in groups (one fsync for the requests of a moment). */
  private readonly group: GroupCommitter;
  private readonly synchronous: SqliteSynchronous;

  constructor(path: string, options: OpenCaStoreOptions = {}) {
    try {
      if (path !== ':memory:' && path !== '') protectDatabaseFiles(path);
      this.db = new Database(path);
    } catch (cause) {
      throw new CaStoreError('ERR_STORE_OPEN', `Cannot open the CA store ${path}`, { cause });
    }
    this.lockScope = path === ':memory:' || path === '' ? this.nodeId : resolve(path);
    this.now = options.now ?? (() => new Date());
    this.pageSize = options.pageSize ?? 5000;
    this.db.pragma('busy_timeout = 5000');
    if (path !== ':memory:') {
      this.db.pragma('journal_mode = WAL');
      // Created with the database's mode; files an older version left looser are tightened.
      protectDatabaseFiles(path);
    }
    // FULL (default): a commit survives power loss (durable issuance). NORMAL only when asked for.
    this.synchronous = options.synchronous ?? 'full';
    this.db.pragma(`synchronous = ${this.synchronous === 'normal' ? 'NORMAL' : 'FULL'}`);
    this.db.pragma('foreign_keys = ON');
    migrate(this.db);
    const file = path !== ':memory:' && path !== '';
    this.group = new GroupCommitter(this.db, this.synchronous, duplicateError, {
      ...(file ? { walPath: `${this.db.name}-wal` } : {}),
    });
    // Every answer of the store waits until the commits made before it are durable (the WAL's
    // fsync runs off the event loop: see group-commit.ts), so nothing undone by a power loss
    // reaches a caller: reads as well as writes.
    for (const name of DURABLE_ANSWERS) {
      const method = (this as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>)[name]!;
      (this as unknown as Record<string, unknown>)[name] = async (...args: unknown[]) => {
        const answer = method.apply(this, args);
        // What the method read or committed in its synchronous part (its reads, its own
        // synchronous transactions); a batched write resolves once its own fsync is done.
        const seen = this.group.commitCount;
        const value = await answer;
        const durable = this.group.whenDurable(seen);
        if (durable) await durable;
        return value;
      };
    }
    openNodes.add(this.nodeId);
  }

  /**
   * Runs `fn` in an IMMEDIATE transaction (takes the write lock first, so no upgrade deadlocks).
   * @throws {CaStoreError} `ERR_DUPLICATE` for a UNIQUE or PRIMARY KEY violation.
   */
  private tx<T>(fn: () => T): T {
    this.group.assertUsable();
    try {
      const value = this.db.transaction(fn).immediate();
      this.group.stats.transactions++;
      this.group.noteCommit();
      return value;
    } catch (e) {
      throw duplicateError(e);
    }
  }

  /**
   * Runs `fn` in the next group commit ({@link GroupCommitter}): its own savepoint in a shared
   * IMMEDIATE transaction; resolves once that is committed (fsynced unless `durable` is false).
   * @throws {CaStoreError} `ERR_DUPLICATE` for a UNIQUE or PRIMARY KEY violation.
   */
  private commit<T>(fn: () => T, durable = true): Promise<T> {
    return this.group.run(fn, { durable });
  }

  /** Write transactions and durable commits of this store so far. */
  commitStats(): CommitStats {
    return { ...this.group.stats };
  }

  async isNodeAlive(nodeId: string): Promise<boolean> {
    return openNodes.has(nodeId);
  }

  /**
   * A lock within this process (per database file and name): a SQLite CA is one process, and the
   * store's own rules (CRL numbers, "never replace a newer CRL") keep a second one safe anyway.
   */
  async exclusive<T>(
    name: string,
    fn: () => Promise<T>,
    options: { wait?: boolean } = {},
  ): Promise<ExclusiveResult<T>> {
    const key = `${this.lockScope}\u0000${name}`;
    for (;;) {
      const held = heldLocks.get(key);
      if (!held) break;
      if (!options.wait) return { acquired: false };
      await held.catch(() => {});
    }
    const run = fn();
    heldLocks.set(key, run);
    try {
      return { acquired: true, value: await run };
    } finally {
      if (heldLocks.get(key) === run) heldLocks.delete(key);
    }
  }

  // --- what the status service reads (StatusStore)
  async listIssuers(): Promise<IssuerRecord[]> {
    return selectIssuers(this.db);
  }

  async getOcspResponder(issuerSkiHex: string): Promise<OcspResponderRecord | undefined> {
    return selectResponder(this.db, issuerSkiHex);
  }

  async listTimestampSigners(): Promise<TimestampSignerRecord[]> {
    return selectTimestampSigners(this.db);
  }

  async getCertificateStatus(
    issuerSkiHex: string,
    serialHex: string,
  ): Promise<CertificateStatusRecord | undefined> {
    return selectStatusBySerial(this.db, issuerSkiHex, serialHex);
  }

  getPublishedCrl(issuerSkiHex: string, kind: CrlKind): Promise<PublishedCrlRecord | undefined> {
    return readCrl(this.db, issuerSkiHex, kind);
  }

  async getPublishedCrlHeader(issuerSkiHex: string, kind: CrlKind): Promise<PublishedCrlHeader | undefined> {
    return selectCrlHeader(this.db, issuerSkiHex, kind);
  }

  async getCertificateBySerial(
    issuerSkiHex: string,
    serialHex: string,
  ): Promise<CertificateRecord | undefined> {
    return selectBySerial(this.db, issuerSkiHex, serialHex);
  }

  async *listRevoked(issuerSkiHex: string): AsyncIterable<RevokedEntry> {
    let after = 0;
    for (;;) {
      const page = selectRevokedPage(this.db, issuerSkiHex, after, this.pageSize);
      for (const { seq: _seq, ...entry } of page) yield entry;
      const last = page[page.length - 1];
      if (!last || page.length < this.pageSize) return;
      after = last.seq;
    }
  }

  async listRevocationChangesSince(issuerSkiHex: string, sinceSeq: number): Promise<RevocationChange[]> {
    return selectChangesSince(this.db, issuerSkiHex, sinceSeq);
  }

  async revocationSeq(): Promise<number> {
    return selectRevocationSeq(this.db);
  }

  async nextCrlNumber(issuerSkiHex: string): Promise<bigint> {
    return this.tx(() => allocateCrlNumber(this.db, issuerSkiHex));
  }

  publishCrl(crl: PublishedCrlRecord): Promise<boolean> {
    return writeCrl(this.db, (fn) => this.tx(fn), crl);
  }

  async getApplicationStatus(number: string): Promise<ApplicationStatusView | undefined> {
    const app = selectApplicationByNumber(this.db, number);
    return app && buildStatusView(app, selectHistory(this.db, app.id), this.now());
  }

  // --- CA keys and settings
  async getCaKey(name: CaKeyName): Promise<CaKeyRecord | undefined> {
    return selectCaKey(this.db, name);
  }

  async putCaKey(
    key: CaKeyRecord,
    certificate: CertificateRecord,
    audit: AuditInput,
    options: { replace?: boolean } = {},
  ): Promise<void> {
    this.tx(() => {
      insertCaKey(this.db, key, options.replace ?? false);
      insertCertificate(this.db, certificate);
      appendAudit(this.db, audit, this.now());
    });
  }

  async putCertificate(certificate: CertificateRecord, audit: AuditInput): Promise<void> {
    this.tx(() => {
      insertCertificate(this.db, certificate);
      appendAudit(this.db, audit, this.now());
    });
  }

  async putIssuer(issuer: IssuerRecord, audit: AuditInput): Promise<void> {
    this.tx(() => {
      upsertIssuer(this.db, issuer);
      appendAudit(this.db, audit, this.now());
    });
  }

  async putOcspResponder(
    responder: OcspResponderRecord,
    certificate: CertificateRecord,
    audit: AuditInput,
  ): Promise<void> {
    this.tx(() => {
      upsertResponder(this.db, responder);
      insertCertificate(this.db, certificate);
      appendAudit(this.db, audit, this.now());
    });
  }

  async putTimestampSigner(
    signer: TimestampSignerRecord,
    certificate: CertificateRecord,
    audit: AuditInput,
  ): Promise<void> {
    this.tx(() => {
      upsertTimestampSigner(this.db, signer);
      insertCertificate(this.db, certificate);
      appendAudit(this.db, audit, this.now());
    });
  }

  async getSetting(name: string): Promise<string | undefined> {
    return selectSetting(this.db, name);
  }

  async initSetting(name: string, value: string): Promise<string> {
    return this.tx(() => initSetting(this.db, name, value));
  }

  async putSetting(name: string, value: string): Promise<void> {
    this.tx(() => putSetting(this.db, name, value));
  }

  // --- applications
  async createApplication(app: ApplicationRecord, actor: string, audit: AuditInput): Promise<void> {
    await this.commit(() => insertApplication(this.db, app, actor, audit, this.now()));
  }

  async getApplication(id: string): Promise<ApplicationRecord | undefined> {
    return selectApplication(this.db, id);
  }

  async getApplicationByNumber(number: string): Promise<ApplicationRecord | undefined> {
    return selectApplicationByNumber(this.db, number);
  }

  async applicationNumberExists(number: string): Promise<boolean> {
    return this.db.prepare('SELECT 1 FROM applications WHERE number = ?').get(number) !== undefined;
  }

  async updateApplication(id: string, update: ApplicationUpdate): Promise<ApplicationRecord | undefined> {
    return this.commit(() => applyUpdate(this.db, id, update, this.now()));
  }

  async listApplicationsByStatus(
    status: ApplicationStatus,
    filter: { bin?: string } = {},
  ): Promise<ApplicationRecord[]> {
    return selectApplicationsByStatus(this.db, status, filter.bin);
  }

  async getStatusHistory(applicationId: string): Promise<StatusHistoryEntry[]> {
    return selectHistory(this.db, applicationId);
  }

  async expireApplications(now: Date, statuses: readonly ApplicationStatus[]): Promise<number> {
    return this.commit(() => expireOld(this.db, now, statuses));
  }

  // --- issuance, approvals, revocation
  async publicKeyCertified(spkiSha256: string): Promise<boolean> {
    return spkiExists(this.db, spkiSha256);
  }

  async recordIssuance(
    applicationId: string,
    certificates: CertificateRecord[],
    update: ApplicationUpdate,
  ): Promise<ApplicationRecord | undefined> {
    return this.commit(() => {
      const updated = applyUpdate(this.db, applicationId, update, this.now());
      if (!updated) return undefined;
      for (const c of certificates) insertCertificate(this.db, c);
      return updated;
    });
  }

  async recordDecision(
    approval: ApprovalRecord,
    update: ApplicationUpdate,
  ): Promise<ApplicationRecord | undefined> {
    return this.commit(() => {
      const updated = applyUpdate(this.db, approval.applicationId, update, this.now());
      if (!updated) return undefined;
      this.db
        .prepare(
          `INSERT INTO approvals (application_id, decision, approver_iin, approver_bin, approver_roles, session_serial_hex,
             signer_certificate, signer_serial_hex, document, signature, decided_at, comment)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          approval.applicationId,
          approval.decision,
          approval.approverIin ?? null,
          approval.approverBin ?? null,
          JSON.stringify(approval.approverRoles),
          approval.sessionSerialHex,
          Buffer.from(approval.signerCertificate),
          approval.signerSerialHex,
          approval.document,
          Buffer.from(approval.signature),
          approval.decidedAt.toISOString(),
          approval.comment ?? null,
        );
      return updated;
    });
  }

  async getApproval(applicationId: string): Promise<ApprovalRecord | undefined> {
    const r = this.db.prepare('SELECT * FROM approvals WHERE application_id = ?').get(applicationId) as
      | {
          application_id: string;
          decision: string;
          approver_iin: string | null;
          approver_bin: string | null;
          approver_roles: string;
          session_serial_hex: string;
          signer_certificate: Buffer;
          signer_serial_hex: string;
          document: string;
          signature: Buffer;
          decided_at: string;
          comment: string | null;
        }
      | undefined;
    if (!r) return undefined;
    return {
      applicationId: r.application_id,
      decision: r.decision as ApprovalRecord['decision'],
      ...(r.approver_iin !== null ? { approverIin: r.approver_iin } : {}),
      ...(r.approver_bin !== null ? { approverBin: r.approver_bin } : {}),
      approverRoles: JSON.parse(r.approver_roles) as string[],
      sessionSerialHex: r.session_serial_hex,
      signerCertificate: new Uint8Array(r.signer_certificate),
      signerSerialHex: r.signer_serial_hex,
      document: r.document,
      signature: new Uint8Array(r.signature),
      decidedAt: new Date(r.decided_at),
      ...(r.comment !== null ? { comment: r.comment } : {}),
    };
  }

  async getCertificate(serialHex: string): Promise<CertificateRecord | undefined> {
    return selectCertificate(this.db, serialHex);
  }

  async listCertificates(query: CertificateQuery): Promise<CertificateRecord[]> {
    return selectCertificates(this.db, query);
  }

  async changeCertificateStatus(change: CertificateStatusChange): Promise<CertificateRecord | undefined> {
    return this.commit(() => applyStatusChange(this.db, change, this.now()));
  }

  // --- sessions, challenges, idempotency
  async createSession(session: SessionRecord): Promise<void> {
    await this.commit(() => sessions.insertSession(this.db, session));
  }

  async getSession(tokenHash: string): Promise<SessionRecord | undefined> {
    return sessions.selectSession(this.db, tokenHash);
  }

  async deleteSession(tokenHash: string): Promise<void> {
    await this.commit(() => sessions.deleteSession(this.db, tokenHash, this.now()));
  }

  async createChallenge(challenge: ChallengeRecord): Promise<void> {
    await this.commit(() => sessions.insertChallenge(this.db, challenge));
  }

  async consumeChallenge(
    id: string,
    purpose: ChallengeRecord['purpose'],
    now: Date,
  ): Promise<ChallengeRecord | undefined> {
    return this.commit(() => sessions.consumeChallenge(this.db, id, purpose, now));
  }

  async beginIdempotent(
    scope: string,
    key: string,
    requestHash: string,
    now: Date,
  ): Promise<IdempotencyBegin> {
    return this.commit(() => sessions.beginIdempotent(this.db, scope, key, requestHash, now));
  }

  async completeIdempotent(scope: string, key: string, statusCode: number, body: unknown): Promise<void> {
    await this.commit(() => sessions.completeIdempotent(this.db, scope, key, statusCode, body));
  }

  async abandonIdempotent(scope: string, key: string): Promise<void> {
    await this.commit(() => sessions.abandonIdempotent(this.db, scope, key));
  }

  async purgeExpired(now: Date, keepIdempotencyMs: number): Promise<void> {
    this.tx(() => {
      sessions.purgeExpired(this.db, now, keepIdempotencyMs);
      purgeRateLimits(this.db, now.getTime());
    });
  }

  /**
   * Token buckets in the database (every process on this file, and across restarts). Not fsynced
   * on their own (like the PostgreSQL store's `synchronous_commit = off` counters): a power loss
   * may forget the last few takes; a crash of the process forgets none.
   */
  async takeRateLimit(
    bucket: string,
    rule: RateLimitBucketRule,
    cost: number,
    nowMs: number,
  ): Promise<RateLimitTake> {
    return this.commit(() => takeRateLimit(this.db, bucket, rule, cost, nowMs), false);
  }

  // --- dev outbox: not fsynced on its own (dev messages; a crash of the process loses none)
  async appendDevOutbox(message: DevOutboxInput, limits: DevOutboxLimits): Promise<DevOutboxMessage> {
    return this.commit(() => devOutbox.appendDevOutbox(this.db, message, limits), false);
  }

  async listDevOutbox(query: DevOutboxQuery): Promise<DevOutboxMessage[]> {
    return devOutbox.listDevOutbox(this.db, query);
  }

  async pruneDevOutbox(limits: DevOutboxLimits, now: Date): Promise<number> {
    return this.commit(() => devOutbox.pruneDevOutbox(this.db, limits, now), false);
  }

  // --- audit
  async appendAudit(entry: AuditInput): Promise<void> {
    await this.commit(() => appendAudit(this.db, entry, this.now()));
  }

  async listAudit(entity: string): Promise<AuditEntry[]> {
    return listAudit(this.db, entity);
  }

  async verifyAuditChain(): Promise<number | undefined> {
    return verifyAuditChain(this.db);
  }

  async auditHead(): Promise<AuditHead | undefined> {
    return selectAuditHead(this.db);
  }

  async listAuditPage(afterId: number, limit: number): Promise<AuditEntry[]> {
    return selectAuditPage(this.db, afterId, limit);
  }

  async appendAuditCheckpoint(checkpoint: AuditCheckpointRecord): Promise<void> {
    this.tx(() => insertCheckpoint(this.db, checkpoint));
  }

  async listAuditCheckpoints(): Promise<AuditCheckpointRecord[]> {
    return selectCheckpoints(this.db);
  }

  async close(): Promise<void> {
    openNodes.delete(this.nodeId);
    if (this.db.open) {
      try {
        await this.group.close();
      } finally {
        this.db.close();
      }
    }
  }
}

/**
 * The methods of {@link SqliteCaRepository} whose answers wait for durability (all that read or
 * write the database and answer at once; `listRevoked` pages through reads of its own, the locks
 * and `close` are not answers about data).
 */
const DURABLE_ANSWERS: ReadonlyArray<keyof SqliteCaRepository> = (
  Object.getOwnPropertyNames(SqliteCaRepository.prototype) as Array<keyof SqliteCaRepository>
).filter(
  (name) =>
    !['constructor', 'close', 'exclusive', 'isNodeAlive', 'listRevoked', 'commitStats'].includes(name) &&
    (
      Object.getOwnPropertyDescriptor(SqliteCaRepository.prototype, name)?.value as {
        constructor?: { name?: string };
      }
    )?.constructor?.name === 'AsyncFunction',
);

/**
 * Opens (and migrates) the CA store: a SQLite file in WAL mode, or `':memory:'`.
 * @example
 * ```ts
 * const store = openCaStore(join(dataDir, 'ca.sqlite'));
 * const rec = await store.getCertificateStatus(issuerSkiHex, serialHex);
 * ```
 */
export function openCaStore(path: string, options: OpenCaStoreOptions = {}): SqliteCaRepository {
  return new SqliteCaRepository(path, options);
}

/** Options of {@link openStatusStore}. */
export interface OpenStatusStoreOptions {
  /** Clock for the status page's "expired on read" rule (tests inject one). */
  now?: () => Date;
}

/**
 * The status service's view of the SQLite store: a read-only connection that implements
 * {@link StatusStore} and nothing more. The CA migrates the schema; this connection only checks
 * that the schema has what it reads.
 */
export class SqliteStatusStore implements StatusStore {
  /** The underlying read-only connection. */
  readonly db: Database.Database;
  private readonly now: () => Date;
  private readonly dataVersion: Database.Statement;
  private seen: { version: number; seq: number } | undefined;

  constructor(path: string, options: OpenStatusStoreOptions = {}) {
    try {
      this.db = new Database(path, { readonly: true, fileMustExist: true });
      this.db.pragma('busy_timeout = 5000');
      const version = (
        this.db.prepare('SELECT COALESCE(MAX(version), 0) AS v FROM schema_migrations').get() as { v: number }
      ).v;
      const latest = MIGRATIONS[MIGRATIONS.length - 1]?.version ?? 0;
      if (version < 2) {
        throw new CaStoreError(
          'ERR_STORE_OPEN',
          `The CA store ${path} has schema version ${version}: start the CA once to upgrade it`,
        );
      }
      if (version > latest) {
        throw new CaStoreError(
          'ERR_SCHEMA_TOO_NEW',
          `Database schema version ${version} is newer than this code (${latest}); upgrade kzpki`,
        );
      }
    } catch (cause) {
      if (cause instanceof CaStoreError) throw cause;
      throw new CaStoreError('ERR_STORE_OPEN', `Cannot open the CA store ${path}`, { cause });
    }
    this.now = options.now ?? (() => new Date());
    this.dataVersion = this.db.prepare('PRAGMA data_version').pluck();
  }

  async listIssuers(): Promise<IssuerRecord[]> {
    return selectIssuers(this.db);
  }

  async getOcspResponder(issuerSkiHex: string): Promise<OcspResponderRecord | undefined> {
    return selectResponder(this.db, issuerSkiHex);
  }

  async listTimestampSigners(): Promise<TimestampSignerRecord[]> {
    return selectTimestampSigners(this.db);
  }

  async getCertificateStatus(
    issuerSkiHex: string,
    serialHex: string,
  ): Promise<CertificateStatusRecord | undefined> {
    return selectStatusBySerial(this.db, issuerSkiHex, serialHex);
  }

  /**
   * The revocation sequence. Asked on every OCSP request, so SQLite's `PRAGMA data_version` (a
   * prepared statement, a microsecond) is read first: it changes whenever another connection
   * committed anything, and only then is the sequence read again. This connection never writes, so
   * no commit can be missed.
   */
  async revocationSeq(): Promise<number> {
    return this.revocationSeqNow();
  }

  /** The same, synchronously (better-sqlite3 is synchronous): always known here. */
  revocationSeqNow(): number {
    const version = this.dataVersion.get() as number;
    if (this.seen?.version === version) return this.seen.seq;
    const seq = selectRevocationSeq(this.db);
    this.seen = { version, seq };
    return seq;
  }

  async listRevocationChangesSince(issuerSkiHex: string, sinceSeq: number): Promise<RevocationChange[]> {
    return selectChangesSince(this.db, issuerSkiHex, sinceSeq);
  }

  getPublishedCrl(issuerSkiHex: string, kind: CrlKind): Promise<PublishedCrlRecord | undefined> {
    return readCrl(this.db, issuerSkiHex, kind);
  }

  async getPublishedCrlHeader(issuerSkiHex: string, kind: CrlKind): Promise<PublishedCrlHeader | undefined> {
    return selectCrlHeader(this.db, issuerSkiHex, kind);
  }

  async getApplicationStatus(number: string): Promise<ApplicationStatusView | undefined> {
    const app = selectApplicationByNumber(this.db, number);
    return app && buildStatusView(app, selectHistory(this.db, app.id), this.now());
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}

/**
 * Opens the CA store read-only for the status service (the CA must have created and migrated it).
 * @throws {CaStoreError} `ERR_STORE_OPEN` (missing file, not a kzpki store, schema too old),
 *   `ERR_SCHEMA_TOO_NEW`.
 * @example
 * ```ts
 * const store = openStatusStore(caStorePath('./var'));
 * const status = await store.getCertificateStatus(issuerSkiHex, serialHex);
 * ```
 */
export function openStatusStore(path: string, options: OpenStatusStoreOptions = {}): SqliteStatusStore {
  return new SqliteStatusStore(path, options);
}

/** File name of the CA store inside a data directory. */
export const CA_DB_FILE = 'ca.sqlite';

/**
 * Path of the CA store for a data directory (the CA and the status service open the same file).
 * @example
 * ```ts
 * openCaStore(caStorePath('./var')); // ./var/ca.sqlite
 * ```
 */
export function caStorePath(dataDir: string): string {
  return join(dataDir, CA_DB_FILE);
}
