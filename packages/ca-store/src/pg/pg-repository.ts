/**
 * The PostgreSQL implementation of the store (node-postgres), for several CA processes on one
 * database (`database.ts` has the concurrency rules). {@link PgCaRepository} is the CA's store;
 * the status service's read-only view is `PgStatusStore` (`status-store.ts`).
 *
 * What several processes need beyond one transaction per change:
 * - **liveness**: each open store holds a session advisory lock on a random key for its whole
 *   life on a connection of its own; its `nodeId` names that key. The database releases the lock
 *   when the process dies (even by SIGKILL: the connection closes), so {@link
 *   PgCaRepository.isNodeAlive} tells a lease of a dead process from one of a live process;
 * - **exclusive work** (CRL generation, initialisation): named session advisory locks
 *   ({@link PgCaRepository.exclusive}), released with the holder's connection;
 * - **revocation notifications**: every revocation, hold and release sends `NOTIFY
 *   kzpki_revocation, '<seq>'` in its transaction (delivered at the commit);
 * - **rate limits** in the database ({@link PgCaRepository.takeRateLimit}), on connections with
 *   `synchronous_commit = off`: a bucket's last few takes may be lost in a database crash, which
 *   costs nothing, and no request waits for a WAL flush to count a token.
 */
import pg from 'pg';
import type { ApplicationStatus } from '../application-status.js';
import { CaStoreError } from '../errors.js';
import type {
  ApplicationUpdate,
  CaRepository,
  CertificateQuery,
  CertificateStatusChange,
  CommitStats,
  ExclusiveResult,
  RateLimitBucketRule,
  RateLimitTake,
} from '../repository.js';
import { buildStatusView } from '../status-view.js';
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
} from '../types.js';
import {
  applyUpdate,
  insertApplication,
  selectApplication,
  selectApplicationByNumber,
  selectApplicationsByStatus,
  selectExpired,
  selectHistory,
} from './applications.js';
import { flushAudit, listAudit, verifyAuditChain } from './audit.js';
import {
  insertCheckpoint,
  selectAuditHead,
  selectAuditPage,
  selectCheckpoints,
} from './audit-checkpoints.js';
import { initSetting, insertCaKey, putSetting, selectCaKey, selectSetting } from './ca-keys.js';
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
} from './certificates.js';
import { LOCK_CLASS, PgDatabase, redactUrl } from './database.js';
import * as devOutbox from './dev-outbox.js';
import { migratePg } from './migrations.js';
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
} from './published.js';
import { takeRateLimit } from './rate-limits.js';
import * as sessions from './sessions.js';

/** Options of {@link openPgCaStore}. */
export interface OpenPgCaStoreOptions {
  /** Clock for audit and history times (tests inject one). */
  now?: () => Date;
  /** Rows per page of {@link CaRepository.listRevoked}. */
  pageSize?: number;
  /** Connections in the pool (default 10). */
  poolSize?: number;
  /** `application_name` of the connections (default `kzpki-ca`). */
  applicationName?: string;
  /** Where background connection errors go (default `console.error`, without the URL). */
  onError?: (error: Error) => void;
}

const NODE_PREFIX = 'pg-node-';

/** The node key of a node id, or `undefined` for an id of another store (e.g. copied from SQLite). */
function nodeKey(nodeId: string): number | undefined {
  if (!nodeId.startsWith(NODE_PREFIX)) return undefined;
  const n = Number(nodeId.slice(NODE_PREFIX.length));
  return Number.isInteger(n) && n > 0 && n < 2 ** 31 ? n : undefined;
}

/** The PostgreSQL-backed CA store. Open it with {@link openPgCaStore}. */
export class PgCaRepository implements CaRepository {
  private readonly now: () => Date;
  private readonly pageSize: number;
  private node: { client: pg.Client; key: number } | undefined;
  /** Connections for the rate-limit buckets (`synchronous_commit = off`). */
  private readonly counters: pg.Pool;
  private closed = false;
  private reconnecting: Promise<void> | undefined;

  private constructor(
    /** The pool and transaction helper (for diagnostics and tests; the store owns it). */
    readonly db: PgDatabase,
    options: OpenPgCaStoreOptions,
  ) {
    this.now = options.now ?? (() => new Date());
    this.pageSize = options.pageSize ?? 5000;
    this.counters = new pg.Pool({
      connectionString: db.url,
      max: 2,
      application_name: `${options.applicationName ?? 'kzpki-ca'}-counters`,
      options: '-c synchronous_commit=off',
    });
    this.counters.on('error', (e) => db.reportError(e));
  }

  /** Connects, migrates (once, whichever node comes first) and takes this node's liveness lock. */
  static async open(url: string, options: OpenPgCaStoreOptions = {}): Promise<PgCaRepository> {
    const db = new PgDatabase(
      url,
      {
        max: options.poolSize ?? 10,
        applicationName: options.applicationName ?? 'kzpki-ca',
        ...(options.onError ? { onError: options.onError } : {}),
      },
      flushAudit,
    );
    const store = new PgCaRepository(db, options);
    try {
      const client = await db.pool.connect();
      try {
        await migratePg(client);
      } finally {
        client.release();
      }
      await store.takeNodeLock();
    } catch (cause) {
      await store.close().catch(() => {});
      if (cause instanceof CaStoreError) throw cause;
      throw new CaStoreError('ERR_STORE_OPEN', `Cannot open the CA store ${redactUrl(url)}`, { cause });
    }
    return store;
  }

  /** This process's node id (`pg-node-<key>`); a new one after its liveness connection was lost. */
  get nodeId(): string {
    return `${NODE_PREFIX}${this.node?.key ?? 0}`;
  }

  /**
   * Takes a liveness lock on a fresh random key on a connection of its own (not from the pool: the
   * lock lives as long as that session). When the connection drops, a new key is taken; leases of
   * the old id then count as dead, which only lets another node take them over (the guarded
   * writes of this process then find the lease changed and stop).
   */
  private async takeNodeLock(): Promise<void> {
    const client = new pg.Client({ connectionString: this.db.url, application_name: 'kzpki-ca-node' });
    await client.connect();
    client.on('error', (e) => {
      this.db.reportError(e);
      if (this.node?.client === client) this.node = undefined;
      if (!this.closed) this.reconnectNode();
    });
    for (;;) {
      const key = 1 + Math.floor(Math.random() * (2 ** 31 - 2));
      const r = await client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1, $2) AS ok', [
        LOCK_CLASS.node,
        key,
      ]);
      if (r.rows[0]?.ok) {
        this.node = { client, key };
        return;
      }
    }
  }

  private reconnectNode(): void {
    if (this.reconnecting) return;
    this.reconnecting = (async () => {
      for (let delay = 200; !this.closed && !this.node; delay = Math.min(delay * 2, 5000)) {
        try {
          await this.takeNodeLock();
        } catch {
          await new Promise((r) => setTimeout(r, delay).unref());
        }
      }
    })().finally(() => {
      this.reconnecting = undefined;
    });
  }

  async isNodeAlive(nodeId: string): Promise<boolean> {
    if (nodeId === this.nodeId && this.node) return true;
    const key = nodeKey(nodeId);
    if (key === undefined) return false;
    const r = await this.db.rows<{ alive: boolean }>(
      `SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND granted
         AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
         AND classid = $1::bigint::oid AND objid = $2::bigint::oid AND objsubid = 2) AS alive`,
      [LOCK_CLASS.node, key],
    );
    return r[0]?.alive === true;
  }

  /**
   * Runs `fn` holding the session advisory lock `name` on a pooled connection kept for the
   * duration (released by the database if this process dies meanwhile).
   */
  async exclusive<T>(
    name: string,
    fn: () => Promise<T>,
    options: { wait?: boolean } = {},
  ): Promise<ExclusiveResult<T>> {
    const client = await this.db.pool.connect();
    let broken: Error | undefined;
    try {
      if (options.wait) {
        await client.query('SELECT pg_advisory_lock($1, hashtext($2))', [LOCK_CLASS.named, name]);
      } else {
        const r = await client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1, hashtext($2)) AS ok', [
          LOCK_CLASS.named,
          name,
        ]);
        if (!r.rows[0]?.ok) return { acquired: false };
      }
      try {
        return { acquired: true, value: await fn() };
      } finally {
        await client
          .query('SELECT pg_advisory_unlock($1, hashtext($2))', [LOCK_CLASS.named, name])
          .catch((e: Error) => {
            broken = e;
          });
      }
    } finally {
      // A connection whose unlock failed is discarded (closing it releases the lock).
      client.release(broken ?? false);
    }
  }

  takeRateLimit(
    bucket: string,
    rule: RateLimitBucketRule,
    cost: number,
    nowMs: number,
  ): Promise<RateLimitTake> {
    this.db.stats.transactions++; // committed without waiting for the WAL flush
    return takeRateLimit(this.counters, bucket, rule, cost, nowMs);
  }

  // --- dev outbox: on the rate-limit connections (synchronous_commit = off; dev messages)
  appendDevOutbox(message: DevOutboxInput, limits: DevOutboxLimits): Promise<DevOutboxMessage> {
    this.db.stats.transactions++; // the insert and the prune in one statement, not waiting for the WAL flush
    return devOutbox.appendDevOutbox(this.counters, message, limits);
  }

  listDevOutbox(query: DevOutboxQuery): Promise<DevOutboxMessage[]> {
    return devOutbox.listDevOutbox(this.db.pool, query);
  }

  pruneDevOutbox(limits: DevOutboxLimits, now: Date): Promise<number> {
    this.db.stats.transactions++;
    return devOutbox.pruneDevOutbox(this.counters, limits, now);
  }

  /** Write transactions and durable commits of this store so far. */
  commitStats(): CommitStats {
    return { ...this.db.stats };
  }

  // --- what the status service reads (StatusStore)
  listIssuers(): Promise<IssuerRecord[]> {
    return selectIssuers(this.db.pool);
  }

  getOcspResponder(issuerSkiHex: string): Promise<OcspResponderRecord | undefined> {
    return selectResponder(this.db.pool, issuerSkiHex);
  }

  listTimestampSigners(): Promise<TimestampSignerRecord[]> {
    return selectTimestampSigners(this.db.pool);
  }

  getCertificateStatus(
    issuerSkiHex: string,
    serialHex: string,
  ): Promise<CertificateStatusRecord | undefined> {
    return selectStatusBySerial(this.db.pool, issuerSkiHex, serialHex);
  }

  getPublishedCrl(issuerSkiHex: string, kind: CrlKind): Promise<PublishedCrlRecord | undefined> {
    return readCrl(this.db, issuerSkiHex, kind);
  }

  getPublishedCrlHeader(issuerSkiHex: string, kind: CrlKind): Promise<PublishedCrlHeader | undefined> {
    return selectCrlHeader(this.db.pool, issuerSkiHex, kind);
  }

  getCertificateBySerial(issuerSkiHex: string, serialHex: string): Promise<CertificateRecord | undefined> {
    return selectBySerial(this.db.pool, issuerSkiHex, serialHex);
  }

  async *listRevoked(issuerSkiHex: string): AsyncIterable<RevokedEntry> {
    let after = 0;
    for (;;) {
      const page = await selectRevokedPage(this.db.pool, issuerSkiHex, after, this.pageSize);
      for (const { seq: _seq, ...entry } of page) yield entry;
      const last = page[page.length - 1];
      if (!last || page.length < this.pageSize) return;
      after = last.seq;
    }
  }

  listRevocationChangesSince(issuerSkiHex: string, sinceSeq: number): Promise<RevocationChange[]> {
    return selectChangesSince(this.db.pool, issuerSkiHex, sinceSeq);
  }

  revocationSeq(): Promise<number> {
    return selectRevocationSeq(this.db.pool);
  }

  nextCrlNumber(issuerSkiHex: string): Promise<bigint> {
    return allocateCrlNumber(this.db.pool, issuerSkiHex);
  }

  publishCrl(crl: PublishedCrlRecord): Promise<boolean> {
    return writeCrl(this.db, crl);
  }

  async getApplicationStatus(number: string): Promise<ApplicationStatusView | undefined> {
    const app = await selectApplicationByNumber(this.db.pool, number);
    return app && buildStatusView(app, await selectHistory(this.db.pool, app.id), this.now());
  }

  // --- CA keys and settings
  getCaKey(name: CaKeyName): Promise<CaKeyRecord | undefined> {
    return selectCaKey(this.db.pool, name);
  }

  async putCaKey(
    key: CaKeyRecord,
    certificate: CertificateRecord,
    audit: AuditInput,
    options: { replace?: boolean } = {},
  ): Promise<void> {
    await this.db.tx(async (t) => {
      await insertCaKey(t, key, options.replace ?? false);
      await insertCertificate(t, certificate);
      t.audit(audit, this.now());
    });
  }

  async putCertificate(certificate: CertificateRecord, audit: AuditInput): Promise<void> {
    await this.db.tx(async (t) => {
      await insertCertificate(t, certificate);
      t.audit(audit, this.now());
    });
  }

  async putIssuer(issuer: IssuerRecord, audit: AuditInput): Promise<void> {
    await this.db.tx(async (t) => {
      await upsertIssuer(t, issuer);
      t.audit(audit, this.now());
    });
  }

  async putOcspResponder(
    responder: OcspResponderRecord,
    certificate: CertificateRecord,
    audit: AuditInput,
  ): Promise<void> {
    await this.db.tx(async (t) => {
      await upsertResponder(t, responder);
      await insertCertificate(t, certificate);
      t.audit(audit, this.now());
    });
  }

  async putTimestampSigner(
    signer: TimestampSignerRecord,
    certificate: CertificateRecord,
    audit: AuditInput,
  ): Promise<void> {
    await this.db.tx(async (t) => {
      await upsertTimestampSigner(t, signer);
      await insertCertificate(t, certificate);
      t.audit(audit, this.now());
    });
  }

  getSetting(name: string): Promise<string | undefined> {
    return selectSetting(this.db.pool, name);
  }

  initSetting(name: string, value: string): Promise<string> {
    return initSetting(this.db.pool, name, value);
  }

  putSetting(name: string, value: string): Promise<void> {
    return putSetting(this.db.pool, name, value);
  }

  // --- applications
  async createApplication(app: ApplicationRecord, actor: string, audit: AuditInput): Promise<void> {
    await this.db.tx((t) => insertApplication(t, app, actor, audit, this.now()));
  }

  getApplication(id: string): Promise<ApplicationRecord | undefined> {
    return selectApplication(this.db.pool, id);
  }

  getApplicationByNumber(number: string): Promise<ApplicationRecord | undefined> {
    return selectApplicationByNumber(this.db.pool, number);
  }

  async applicationNumberExists(number: string): Promise<boolean> {
    return (await this.db.rows('SELECT 1 FROM applications WHERE number = $1', [number])).length > 0;
  }

  updateApplication(id: string, update: ApplicationUpdate): Promise<ApplicationRecord | undefined> {
    return this.db.tx((t) => applyUpdate(t, id, update, this.now()));
  }

  listApplicationsByStatus(
    status: ApplicationStatus,
    filter: { bin?: string } = {},
  ): Promise<ApplicationRecord[]> {
    return selectApplicationsByStatus(this.db.pool, status, filter.bin);
  }

  getStatusHistory(applicationId: string): Promise<StatusHistoryEntry[]> {
    return selectHistory(this.db.pool, applicationId);
  }

  /** Expires each due application in a transaction of its own (short row locks; nodes may sweep at once). */
  async expireApplications(now: Date, statuses: readonly ApplicationStatus[]): Promise<number> {
    let n = 0;
    for (const id of await selectExpired(this.db.pool, now, statuses)) {
      const done = await this.db.tx((t) =>
        applyUpdate(
          t,
          id,
          {
            expected: statuses,
            guard: (cur) => cur.expiresAt.getTime() <= now.getTime(),
            status: { to: 'expired', actor: 'system' },
            data: { issuanceLease: undefined },
            audit: { actor: 'system', action: 'application.expired', entity: `application:${id}` },
          },
          now,
        ),
      );
      if (done) n++;
    }
    return n;
  }

  // --- issuance, approvals, revocation
  publicKeyCertified(spkiSha256: string): Promise<boolean> {
    return spkiExists(this.db.pool, spkiSha256);
  }

  recordIssuance(
    applicationId: string,
    certificates: CertificateRecord[],
    update: ApplicationUpdate,
  ): Promise<ApplicationRecord | undefined> {
    return this.db.tx(async (t) => {
      const updated = await applyUpdate(t, applicationId, update, this.now());
      if (!updated) return undefined;
      for (const c of certificates) await insertCertificate(t, c);
      return updated;
    });
  }

  recordDecision(
    approval: ApprovalRecord,
    update: ApplicationUpdate,
  ): Promise<ApplicationRecord | undefined> {
    return this.db.tx(async (t) => {
      const updated = await applyUpdate(t, approval.applicationId, update, this.now());
      if (!updated) return undefined;
      await t.run(
        `INSERT INTO approvals (application_id, decision, approver_iin, approver_bin, approver_roles, session_serial_hex,
           signer_certificate, signer_serial_hex, document, signature, decided_at, comment)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
        [
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
          approval.decidedAt,
          approval.comment ?? null,
        ],
      );
      return updated;
    });
  }

  async getApproval(applicationId: string): Promise<ApprovalRecord | undefined> {
    const r = (
      await this.db.rows<{
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
        decided_at: Date;
        comment: string | null;
      }>('SELECT * FROM approvals WHERE application_id = $1', [applicationId])
    )[0];
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
      decidedAt: r.decided_at,
      ...(r.comment !== null ? { comment: r.comment } : {}),
    };
  }

  getCertificate(serialHex: string): Promise<CertificateRecord | undefined> {
    return selectCertificate(this.db.pool, serialHex);
  }

  listCertificates(query: CertificateQuery): Promise<CertificateRecord[]> {
    return selectCertificates(this.db.pool, query);
  }

  changeCertificateStatus(change: CertificateStatusChange): Promise<CertificateRecord | undefined> {
    return this.db.tx((t) => applyStatusChange(t, change, this.now()));
  }

  // --- sessions, challenges, idempotency
  createSession(session: SessionRecord): Promise<void> {
    this.db.countAutocommit();
    return sessions.insertSession(this.db.pool, session);
  }

  getSession(tokenHash: string): Promise<SessionRecord | undefined> {
    return sessions.selectSession(this.db.pool, tokenHash);
  }

  deleteSession(tokenHash: string): Promise<void> {
    return sessions.deleteSession(this.db.pool, tokenHash, this.now());
  }

  createChallenge(challenge: ChallengeRecord): Promise<void> {
    this.db.countAutocommit();
    return sessions.insertChallenge(this.db.pool, challenge);
  }

  consumeChallenge(
    id: string,
    purpose: ChallengeRecord['purpose'],
    now: Date,
  ): Promise<ChallengeRecord | undefined> {
    this.db.countAutocommit();
    return sessions.consumeChallenge(this.db.pool, id, purpose, now);
  }

  beginIdempotent(scope: string, key: string, requestHash: string, now: Date): Promise<IdempotencyBegin> {
    return this.db.tx((t) =>
      sessions.beginIdempotent(t, scope, key, requestHash, now, this.nodeId, (id) => this.isNodeAlive(id)),
    );
  }

  completeIdempotent(scope: string, key: string, statusCode: number, body: unknown): Promise<void> {
    return sessions.completeIdempotent(this.db.pool, scope, key, statusCode, body);
  }

  abandonIdempotent(scope: string, key: string): Promise<void> {
    return sessions.abandonIdempotent(this.db.pool, scope, key);
  }

  async purgeExpired(now: Date, keepIdempotencyMs: number): Promise<void> {
    await this.db.tx((t) => sessions.purgeExpired(t, now, keepIdempotencyMs));
  }

  // --- audit
  async appendAudit(entry: AuditInput): Promise<void> {
    await this.db.tx(async (t) => {
      t.audit(entry, this.now());
    });
  }

  listAudit(entity: string): Promise<AuditEntry[]> {
    return listAudit(this.db.pool, entity);
  }

  verifyAuditChain(): Promise<number | undefined> {
    return verifyAuditChain(this.db.pool);
  }

  auditHead(): Promise<AuditHead | undefined> {
    return selectAuditHead(this.db.pool);
  }

  listAuditPage(afterId: number, limit: number): Promise<AuditEntry[]> {
    return selectAuditPage(this.db.pool, afterId, limit);
  }

  async appendAuditCheckpoint(checkpoint: AuditCheckpointRecord): Promise<void> {
    await this.db.tx((t) => insertCheckpoint(t, checkpoint));
  }

  listAuditCheckpoints(): Promise<AuditCheckpointRecord[]> {
    return selectCheckpoints(this.db.pool);
  }

  /** Closes the pool and the liveness connection (other nodes then see this one as dead). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const node = this.node;
    this.node = undefined;
    await node?.client.end().catch(() => {});
    await this.counters.end().catch(() => {});
    await this.db.close();
  }
}

/**
 * Opens the CA store on PostgreSQL: connects, migrates (under an advisory lock: several nodes
 * starting at once migrate once) and registers this process as a live node.
 * @throws {CaStoreError} `ERR_STORE_OPEN` (unreachable, refused), `ERR_SCHEMA_TOO_NEW`.
 * @example
 * ```ts
 * const store = await openPgCaStore('postgres://kzpki@127.0.0.1:5432/kzpki');
 * await store.getCertificateStatus(issuerSkiHex, serialHex);
 * await store.close();
 * ```
 */
export function openPgCaStore(url: string, options: OpenPgCaStoreOptions = {}): Promise<PgCaRepository> {
  return PgCaRepository.open(url, options);
}
