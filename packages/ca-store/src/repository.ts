/**
 * The store contract of the CA and the status service, split by who needs what (least privilege):
 *
 * - {@link StatusStore}: the narrow read interface of the status service: certificate statuses by
 *   issuer and serial, the revocation sequence and changes (OCSP cache invalidation), the published
 *   CRLs, the CAs served (public certificates), their delegated OCSP responders (keys encrypted
 *   under the status KEK) and application status pages. No CA key, no setting, no session.
 * - {@link CrlStore}: what the CA's CRL publisher reads and writes: the revoked list, the changes
 *   since a full CRL, CRL numbers, and the published CRLs.
 * - {@link CaRepository}: everything the CA does, including the two above.
 *
 * Every method that changes state is atomic: the change, the status-history row, the audit entry
 * and (for revocations) the revocation sequence number are written in one transaction, or not at
 * all. Methods return promises so that a PostgreSQL implementation can follow; the SQLite
 * implementation ({@link openCaStore}, {@link openStatusStore}) answers at once.
 */
import type { ApplicationStatus } from './application-status.js';
import type {
  ApplicationData,
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
  RevocationReason,
  RevokedEntry,
  SessionRecord,
  StatusHistoryEntry,
  TimestampSignerRecord,
} from './types.js';

/** A status change written together with an update. */
export interface StatusChange {
  to: ApplicationStatus;
  actor: string;
  note?: string;
}

/** An update of an application, applied only if the application is still in one of `expected`. */
export interface ApplicationUpdate {
  /** Statuses the application must be in (optimistic concurrency; else `ERR_INVALID_TRANSITION`). */
  expected: readonly ApplicationStatus[];
  /** Further condition on the current record, checked in the same transaction (e.g. an unchanged OTP). */
  guard?: (current: ApplicationRecord) => boolean;
  /** New status (adds a history row). */
  status?: StatusChange;
  /** Fields of `data` to replace (shallow merge; `undefined` removes a field). */
  data?: Partial<ApplicationData>;
  number?: string;
  submittedAt?: Date;
  /**
   * A session opened in the same transaction, only when the update applies (the applicant's, with
   * the status change after a correct one-time code): never a status without its session.
   */
  session?: SessionRecord;
  audit: AuditInput;
}

/** A revocation, hold or release of one certificate. */
export interface CertificateStatusChange {
  issuerSkiHex: string;
  serialHex: string;
  change: 'revoked' | 'hold' | 'released';
  /** Revocation time (ignored for releases). */
  at: Date;
  reason?: RevocationReason;
  invalidityDate?: Date;
  audit: AuditInput;
}

/** Filter for listing certificates. */
export interface CertificateQuery {
  iin?: string;
  bin?: string;
  applicationId?: string;
  kind?: CertificateRecord['kind'];
}

/**
 * What the status service reads, and nothing else. Serials may be given in any hex form; issuer key
 * ids are lower-case hex.
 */
export interface StatusStore {
  /** The CAs whose status is published (public certificates and URL names). */
  listIssuers(): Promise<IssuerRecord[]>;
  /** The delegated OCSP responder of an issuer, with its key encrypted under the status KEK. */
  getOcspResponder(issuerSkiHex: string): Promise<OcspResponderRecord | undefined>;
  /**
   * The time-stamping authorities (RFC 3161) the CA certified for the status service, with their
   * keys encrypted under the status KEK, ordered by issuer key id and policy. Empty on a store
   * whose CA has not issued any yet (or has not been started since its schema gained them).
   */
  listTimestampSigners(): Promise<TimestampSignerRecord[]>;
  /** Status of one certificate, by issuer key id and serial; `undefined` when never issued. */
  getCertificateStatus(issuerSkiHex: string, serialHex: string): Promise<CertificateStatusRecord | undefined>;
  /** Current revocation sequence number; bumped in the same transaction as every revocation, hold or release. */
  revocationSeq(): Promise<number>;
  /** Net changes (revoked, held, released) since revocation sequence number `sinceSeq`, in sequence order. */
  listRevocationChangesSince(issuerSkiHex: string, sinceSeq: number): Promise<RevocationChange[]>;
  /** The latest published CRL of an issuer (highest CRL number of the kind). */
  getPublishedCrl(issuerSkiHex: string, kind: CrlKind): Promise<PublishedCrlRecord | undefined>;
  /** The same without the bytes: a cheap "has a newer one been published?" check. */
  getPublishedCrlHeader(issuerSkiHex: string, kind: CrlKind): Promise<PublishedCrlHeader | undefined>;
  /** The status page of an application by its 14-digit number. */
  getApplicationStatus(number: string): Promise<ApplicationStatusView | undefined>;
  /**
   * The revocation sequence when this process already knows it without a round trip (SQLite:
   * `PRAGMA data_version` unchanged; PostgreSQL: the value last notified or polled), else
   * `undefined`. The OCSP fast path answers from its cache only when this is defined and unchanged.
   */
  revocationSeqNow?(): number | undefined;
  /** Closes the store. */
  close(): Promise<void>;
}

/** Commit counters of a CA store ({@link CaRepository.commitStats}), for benchmarks and diagnostics. */
export interface CommitStats {
  /** Write transactions run (each change with its audit entry, each rate-limit take). */
  transactions: number;
  /**
   * Commits that waited for the disk: SQLite, fsyncs of the WAL (one per group of transactions
   * committed together); PostgreSQL, COMMITs with `synchronous_commit` on.
   */
  durableCommits: number;
}

/** Outcome of {@link CaRepository.exclusive}: whether the lock was taken (and `fn` ran). */
export type ExclusiveResult<T> = { acquired: true; value: T } | { acquired: false };

/** A token bucket (the rule of server-kit's `RateLimiter`, repeated here to keep the store a leaf). */
export interface RateLimitBucketRule {
  /** Tokens in a full bucket. */
  capacity: number;
  /** Tokens regained per second. */
  refillPerSecond: number;
}

/** Outcome of {@link CaRepository.takeRateLimit} (server-kit's `RateDecision`). */
export interface RateLimitTake {
  allowed: boolean;
  /** Whole tokens left. */
  remaining: number;
  /** Seconds until the tokens asked for are back (0 when allowed). */
  retryAfterSeconds: number;
}

/** What the CA's CRL publisher needs: the revocation data in, the signed CRLs out. */
export interface CrlStore {
  /** Current revocation sequence number. */
  revocationSeq(): Promise<number>;
  /** Every revoked or held certificate of an issuer (full CRL), streamed in pages, in revocation order. */
  listRevoked(issuerSkiHex: string): AsyncIterable<RevokedEntry>;
  /** Net changes since `sinceSeq` (delta CRL). */
  listRevocationChangesSince(issuerSkiHex: string, sinceSeq: number): Promise<RevocationChange[]>;
  /** Allocates the next CRL number of an issuer (atomic; starts at 1; shared by full and delta CRLs). */
  nextCrlNumber(issuerSkiHex: string): Promise<bigint>;
  /**
   * Publishes a signed CRL and drops all but the newest few of the issuer and kind. Returns `false`
   * (nothing written) when a CRL of the same issuer and kind with a higher number is already
   * published: a slow generation never replaces a newer CRL.
   */
  publishCrl(crl: PublishedCrlRecord): Promise<boolean>;
  /** The latest published CRL of an issuer and kind. */
  getPublishedCrl(issuerSkiHex: string, kind: CrlKind): Promise<PublishedCrlRecord | undefined>;
  /** The same without the bytes. */
  getPublishedCrlHeader(issuerSkiHex: string, kind: CrlKind): Promise<PublishedCrlHeader | undefined>;
  /**
   * Runs `fn` while holding the lock `name` for every process on this store (PostgreSQL: a session
   * advisory lock, released by the database when the holder's connection dies; SQLite: within
   * this process). With `wait: false` (the default) it returns `{ acquired: false }` at once when
   * another holder has it; with `wait: true` it waits. Absent: no lock is needed (one process).
   */
  exclusive?<T>(
    name: string,
    fn: () => Promise<T>,
    options?: { wait?: boolean },
  ): Promise<ExclusiveResult<T>>;
}

/** The CA store: everything the CA reads and writes. */
export interface CaRepository extends StatusStore, CrlStore {
  /**
   * Identity of this open store (one per CA process): written into leases, so that another node
   * can tell a lease of a crashed process from one of a live process ({@link isNodeAlive}).
   */
  readonly nodeId: string;
  /**
   * `true` while the process that opened the store with this `nodeId` still has it open (PostgreSQL:
   * its liveness advisory lock is held; SQLite: an open store of this process). A process killed
   * with SIGKILL is dead as soon as the database notices its connection closed.
   */
  isNodeAlive(nodeId: string): Promise<boolean>;
  exclusive<T>(name: string, fn: () => Promise<T>, options?: { wait?: boolean }): Promise<ExclusiveResult<T>>;
  /**
   * Token-bucket rate limiting with the counters in the database, so that every CA process counts
   * the same requests and a restart refills nothing (atomic per bucket). Both stores implement it
   * (SQLite: the `rate_limits` table of migration 3); a store without it leaves the limiter's
   * counters in memory.
   */
  takeRateLimit?(
    bucket: string,
    rule: RateLimitBucketRule,
    cost: number,
    nowMs: number,
  ): Promise<RateLimitTake>;

  /** Counters of the write transactions and durable commits of this open store so far. */
  commitStats?(): CommitStats;

  // --- dev outbox (simulated gateways in dev mode only) ------------------------------------
  /**
   * Appends a message of a simulated SMS or e-mail gateway (dev mode) and, in the same
   * transaction, drops what `limits` no longer keeps, so that a public test server's outbox never
   * grows past them (the new message is always kept). Not fsynced on its own (like the rate
   * limits). Returns the stored message.
   * @example
   * ```ts
   * await store.appendDevOutbox(
   *   { channel: 'sms', recipient: '+77011112233', sender: '1414', body: 'Код: 048021', kind: 'otp', code: '048021', createdAt: new Date() },
   *   { maxMessages: 1000, maxAgeMs: 86_400_000 },
   * );
   * ```
   */
  appendDevOutbox(message: DevOutboxInput, limits: DevOutboxLimits): Promise<DevOutboxMessage>;
  /** Dev outbox messages matching `query`, newest first. */
  listDevOutbox(query: DevOutboxQuery): Promise<DevOutboxMessage[]>;
  /** Deletes the messages `limits` no longer keeps (relative to `now`); returns how many. */
  pruneDevOutbox(limits: DevOutboxLimits, now: Date): Promise<number>;

  /** Status and DER of one certificate, by issuer key id and serial (any hex form). */
  getCertificateBySerial(issuerSkiHex: string, serialHex: string): Promise<CertificateRecord | undefined>;

  // --- CA keys, published issuers, OCSP responders, settings --------------------------------------
  getCaKey(name: CaKeyName): Promise<CaKeyRecord | undefined>;
  /**
   * Stores a CA key and its certificate (and the certificate in the certificate table). A slot is
   * written once unless `replace` is set (renewal of the operator certificate).
   */
  putCaKey(
    key: CaKeyRecord,
    certificate: CertificateRecord,
    audit: AuditInput,
    options?: { replace?: boolean },
  ): Promise<void>;
  /**
   * Stores a certificate the CA issued outside the application flow (an NCA operator's, issued
   * with `kzpki ca operator issue`), with its audit entry; revocable like any other.
   */
  putCertificate(certificate: CertificateRecord, audit: AuditInput): Promise<void>;
  /** Publishes (or updates) a CA the status service serves. */
  putIssuer(issuer: IssuerRecord, audit: AuditInput): Promise<void>;
  /**
   * Stores the delegated OCSP responder of an issuer, replacing the previous one, and its
   * certificate in the certificate table.
   */
  putOcspResponder(
    responder: OcspResponderRecord,
    certificate: CertificateRecord,
    audit: AuditInput,
  ): Promise<void>;
  /**
   * Stores the time-stamping authority of an issuer and policy, replacing the previous one (a
   * renewal), and its certificate in the certificate table.
   */
  putTimestampSigner(
    signer: TimestampSignerRecord,
    certificate: CertificateRecord,
    audit: AuditInput,
  ): Promise<void>;
  getSetting(name: string): Promise<string | undefined>;
  /** Sets a setting only if it is absent; returns the stored value (first writer wins). */
  initSetting(name: string, value: string): Promise<string>;
  /** Sets a setting, replacing any value. */
  putSetting(name: string, value: string): Promise<void>;

  // --- applications ------------------------------------------------------------------------
  createApplication(app: ApplicationRecord, actor: string, audit: AuditInput): Promise<void>;
  getApplication(id: string): Promise<ApplicationRecord | undefined>;
  getApplicationByNumber(number: string): Promise<ApplicationRecord | undefined>;
  /** `true` when an application already has this number. */
  applicationNumberExists(number: string): Promise<boolean>;
  /** Applies an update if the status is as expected; returns the new record, or `undefined` if it is not. */
  updateApplication(id: string, update: ApplicationUpdate): Promise<ApplicationRecord | undefined>;
  listApplicationsByStatus(
    status: ApplicationStatus,
    filter?: { bin?: string },
  ): Promise<ApplicationRecord[]>;
  getStatusHistory(applicationId: string): Promise<StatusHistoryEntry[]>;
  /** Expires every application in one of `statuses` whose `expiresAt` is before `now`; returns how many. */
  expireApplications(now: Date, statuses: readonly ApplicationStatus[]): Promise<number>;

  // --- issuance, approvals, revocation -----------------------------------------------------
  /** `true` when a certificate for this public key (SHA-256 of the SPKI) exists. */
  publicKeyCertified(spkiSha256: string): Promise<boolean>;
  /**
   * Records issued certificates and the application update together. Fails with
   * `undefined` (nothing written) when the application is no longer in `update.expected`.
   */
  recordIssuance(
    applicationId: string,
    certificates: CertificateRecord[],
    update: ApplicationUpdate,
  ): Promise<ApplicationRecord | undefined>;
  /** Records a signed approval decision and the application update together. */
  recordDecision(approval: ApprovalRecord, update: ApplicationUpdate): Promise<ApplicationRecord | undefined>;
  getApproval(applicationId: string): Promise<ApprovalRecord | undefined>;
  getCertificate(serialHex: string): Promise<CertificateRecord | undefined>;
  listCertificates(query: CertificateQuery): Promise<CertificateRecord[]>;
  /**
   * Revokes, holds or releases a certificate; bumps the revocation sequence number in the same
   * transaction. A revocation or hold deletes, in the same transaction, every session whose
   * `holder` logged in with this certificate (same `issuerSkiHex` and `serialHex`), so that a
   * release never revives them. When every certificate of its application ends up revoked, the application
   * moves to `revoked` too. Returns the new record, or `undefined` when the change does not apply
   * to the current status (revoked already; release of a certificate not on hold).
   */
  changeCertificateStatus(change: CertificateStatusChange): Promise<CertificateRecord | undefined>;

  // --- sessions, challenges, idempotency ---------------------------------------------------
  createSession(session: SessionRecord): Promise<void>;
  getSession(tokenHash: string): Promise<SessionRecord | undefined>;
  deleteSession(tokenHash: string): Promise<void>;
  createChallenge(challenge: ChallengeRecord): Promise<void>;
  /** Marks a challenge used and returns it, if it exists, is unused and has not expired at `now`. */
  consumeChallenge(
    id: string,
    purpose: ChallengeRecord['purpose'],
    now: Date,
  ): Promise<ChallengeRecord | undefined>;
  beginIdempotent(scope: string, key: string, requestHash: string, now: Date): Promise<IdempotencyBegin>;
  completeIdempotent(scope: string, key: string, statusCode: number, body: unknown): Promise<void>;
  abandonIdempotent(scope: string, key: string): Promise<void>;
  /** Deletes expired sessions and challenges, and idempotency records older than `keepIdempotencyMs`. */
  purgeExpired(now: Date, keepIdempotencyMs: number): Promise<void>;

  // --- audit ---------------------------------------------------------------------------------
  /** Appends an audit entry outside any other change (e.g. a failed login). */
  appendAudit(entry: AuditInput): Promise<void>;
  listAudit(entity: string): Promise<AuditEntry[]>;
  /** Recomputes the hash chain; returns the id of the first broken entry, or `undefined`. */
  verifyAuditChain(): Promise<number | undefined>;
  /** The newest audit entry and the number of entries; `undefined` while the log is empty. */
  auditHead(): Promise<AuditHead | undefined>;
  /** Audit entries with an id above `afterId`, oldest first, at most `limit` (to walk the whole log). */
  listAuditPage(afterId: number, limit: number): Promise<AuditEntry[]>;
  /**
   * Appends a signed checkpoint (append-only, like the log). `seq` must be the next one
   * (`ERR_DUPLICATE` when another process took it).
   */
  appendAuditCheckpoint(checkpoint: AuditCheckpointRecord): Promise<void>;
  /** Every checkpoint, oldest first. */
  listAuditCheckpoints(): Promise<AuditCheckpointRecord[]>;

  /** Closes the store. */
  close(): Promise<void>;
}
