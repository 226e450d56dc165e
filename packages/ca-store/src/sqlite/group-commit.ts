/**
 * Group commit for the SQLite store: the write transactions that requests ask for while the
 * process is busy are run together, each in a savepoint of its own, inside one IMMEDIATE
 * transaction, and committed with one fsync. Nothing a caller relies on changes:
 *
 * - **atomic, isolated**: each queued function runs alone and synchronously in its savepoint, in
 *   the order it was queued; the ones before it in the batch are visible to it (as if committed
 *   just before), and an exception rolls back its savepoint only and rejects its promise;
 * - **durable when told so**: a promise resolves only after its batch was committed and the WAL
 *   fsynced: an answer the CA sends after `await` describes a change that survives a power loss,
 *   exactly as with one `synchronous = FULL` transaction per change;
 * - **readers never see half a batch**: the batch runs from BEGIN to COMMIT in one synchronous
 *   call, so no other code of this process runs in between, and other processes see the commit.
 *
 * The gain: better-sqlite3 waits for the disk in the process's only thread, so with one fsync per
 * change every request stood in line behind every other request's fsync (3 ms or more each on a
 * shared disk, ~18 changes per application). Now the changes that arrived during one fsync share
 * the next one.
 *
 * **The fsync off the event loop** (a file store in WAL mode, `full`): the connection commits with
 * `synchronous = NORMAL` (the frames are written to the WAL, not fsynced), and this module fsyncs
 * the WAL file itself with `fs.fsync` on libuv's thread pool, then resolves the batch. fsync
 * flushes every write made to the file before it, whichever descriptor made it, so the batch is
 * then as durable as a FULL commit; SQLite still fsyncs the WAL and the database at checkpoints.
 * Measured on the CA bench: the event loop spent some 6 ms per application blocked in fsync, a
 * quarter of its time. One fsync runs at a time; the commits made meanwhile share the next one.
 * What changes is when a commit becomes *visible*: at COMMIT, up to one fsync before it is
 * durable. In this process nothing leaves the store before it is durable: the repository holds
 * every answer until the commits made before it are fsynced ({@link GroupCommitter.whenDurable}).
 * Another process reading the file (the status service's read-only connection) may see a commit
 * during that fsync; were the power lost then, it would have seen a change nobody was told was made
 * (a revocation, say, which its requester has not been told of and asks again). A failed fsync
 * leaves the WAL's state unknown (the kernel may have dropped the pages): the committer then
 * refuses everything with `ERR_STORE_SYNC` and the process must be restarted, as PostgreSQL does.
 *
 * Work marked not durable (`durable: false`: rate-limit counters) asks for no fsync when its batch
 * holds nothing else: written to the WAL (safe from a crash of the process) but not fsynced, so a
 * power loss may forget the last few takes of a bucket, as the PostgreSQL store's counters
 * (`synchronous_commit = off`) may. A later durable commit fsyncs the WAL and with it every
 * earlier commit. (A store without a file, `:memory:`, has nothing to fsync.)
 */
import { closeSync, fsync, openSync } from 'node:fs';
import type Database from 'better-sqlite3';
import { CaStoreError } from '../errors.js';
import type { CommitStats } from '../repository.js';

/** The durability of the commits of the SQLite store (`PRAGMA synchronous`). */
export type SqliteSynchronous = 'full' | 'normal';

interface Queued {
  fn: () => unknown;
  durable: boolean;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

/** Makes a file's writes durable (`fs.fsync`'s shape; tests pass a slower or failing one). */
export type FileSync = (fd: number, done: (error: NodeJS.ErrnoException | null) => void) => void;

/** Options of {@link GroupCommitter}. */
export interface GroupCommitterOptions {
  /**
   * The WAL file to fsync off the event loop (`<database>-wal`); without it (`:memory:`) commits
   * are made durable by SQLite itself, in the commit, as `synchronous` says.
   */
  walPath?: string;
  /** How to fsync the WAL (default `fs.fsync`). */
  fileSync?: FileSync;
}

/** Runs write transactions of one connection in batches (see the module comment). */
export class GroupCommitter {
  readonly stats: CommitStats = { transactions: 0, durableCommits: 0 };
  /** Durable commits made so far, and how many of them the last finished fsync covered. */
  private committed = 0;
  private synced = 0;
  private running: { upTo: number; done: Promise<void> } | undefined;
  private following: Promise<void> | undefined;
  private walFd: number | undefined;
  private failure: CaStoreError | undefined;
  private readonly walPath: string | undefined;
  private readonly fileSync: FileSync;
  private queue: Queued[] = [];
  private scheduled: NodeJS.Immediate | undefined;
  private readonly begin: Database.Statement;
  private readonly commit: Database.Statement;
  private readonly rollback: Database.Statement;
  private readonly savepoint: Database.Statement;
  private readonly release: Database.Statement;
  private readonly rollbackTo: Database.Statement;

  /**
   * @param db the connection (WAL).
   * @param synchronous the connection's `PRAGMA synchronous` for durable work ('full': every
   *   commit fsynced; 'normal': see {@link SqliteSynchronous}).
   * @param mapError turns a driver error into the store's (e.g. `ERR_DUPLICATE`).
   */
  constructor(
    private readonly db: Database.Database,
    private readonly synchronous: SqliteSynchronous,
    private readonly mapError: (e: unknown) => unknown,
    options: GroupCommitterOptions = {},
  ) {
    this.walPath = synchronous === 'full' ? options.walPath : undefined;
    this.fileSync = options.fileSync ?? fsync;
    // The fsync is this module's: SQLite only writes the WAL at COMMIT (see the module comment).
    if (this.walPath !== undefined) db.pragma('synchronous = NORMAL');
    this.begin = db.prepare('BEGIN IMMEDIATE');
    this.commit = db.prepare('COMMIT');
    this.rollback = db.prepare('ROLLBACK');
    this.savepoint = db.prepare('SAVEPOINT kzpki_group');
    this.release = db.prepare('RELEASE kzpki_group');
    this.rollbackTo = db.prepare('ROLLBACK TO kzpki_group');
  }

  /**
   * Queues `fn` (synchronous statements only) for the next batch, run once the current event-loop
   * turn is over; resolves with its result after the batch committed.
   */
  run<T>(fn: () => T, options: { durable: boolean } = { durable: true }): Promise<T> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ fn, durable: options.durable, resolve: resolve as (v: unknown) => void, reject });
      this.scheduled ??= setImmediate(() => this.flush());
    });
  }

  /**
   * Counts a durable commit made outside the batches (the store's synchronous transactions): it
   * is durable once {@link whenDurable} resolves.
   */
  noteCommit(): void {
    if (this.walPath !== undefined) this.committed++;
    else if (this.synchronous === 'full') this.stats.durableCommits++;
  }

  /** Throws `ERR_STORE_SYNC` once an fsync failed (before a synchronous transaction writes). */
  assertUsable(): void {
    if (this.failure) throw this.failure;
  }

  /** Durable commits made so far (a mark for {@link whenDurable}). */
  get commitCount(): number {
    return this.committed;
  }

  /**
   * `undefined` when every commit made so far (or the first `upTo`) is durable; else a promise resolved once it is
   * (rejected with `ERR_STORE_SYNC` if the disk failed). The repository awaits it before any answer
   * leaves it, so no caller acts on a change that a power loss could still undo.
   */
  whenDurable(upTo?: number): Promise<void> | undefined {
    if (this.failure) return Promise.reject(this.failure);
    const target = upTo ?? this.committed;
    if (this.synced >= target) return undefined;
    if (this.running === undefined) return this.startSync();
    if (this.running.upTo >= target) return this.running.done;
    // One more fsync after the running one, shared by every commit made meanwhile.
    this.following ??= this.running.done.then(
      () => {
        this.following = undefined;
        return this.whenDurable() ?? Promise.resolve();
      },
      (e: unknown) => {
        this.following = undefined;
        throw e;
      },
    );
    return this.following;
  }

  private startSync(): Promise<void> {
    const upTo = this.committed;
    const done = new Promise<void>((resolve, reject) => {
      try {
        this.walFd ??= openSync(this.walPath!, 'r+');
      } catch (cause) {
        reject(this.fail(cause));
        return;
      }
      this.fileSync(this.walFd, (e) => (e ? reject(this.fail(e)) : resolve()));
    });
    const running = { upTo, done };
    this.running = running;
    done.then(
      () => {
        this.synced = Math.max(this.synced, upTo);
        this.stats.durableCommits++;
        if (this.running === running) this.running = undefined;
      },
      () => {
        if (this.running === running) this.running = undefined;
      },
    );
    return done;
  }

  private fail(cause: unknown): CaStoreError {
    this.failure ??= new CaStoreError(
      'ERR_STORE_SYNC',
      'The disk did not make a commit of the SQLite store durable (fsync of the WAL failed); the store refuses every later call: restart the process',
      { cause },
    );
    return this.failure;
  }

  /**
   * Runs what is queued, waits until every commit is durable, and releases the WAL's descriptor
   * (before the connection closes).
   */
  async close(): Promise<void> {
    this.flush();
    try {
      for (let p = this.whenDurable(); p; p = this.whenDurable()) await p;
    } catch (e) {
      // Every caller waiting for durability was told of the failure already.
      if (e !== this.failure) throw e;
    } finally {
      if (this.walFd !== undefined) closeSync(this.walFd);
      this.walFd = undefined;
    }
  }

  /** Runs every queued transaction now (also called before the connection closes). */
  flush(): void {
    if (this.scheduled) clearImmediate(this.scheduled);
    this.scheduled = undefined;
    while (this.queue.length > 0) {
      const batch = this.queue;
      this.queue = [];
      this.runBatch(batch);
    }
  }

  private runBatch(batch: Queued[]): void {
    const durable = batch.some((q) => q.durable);
    try {
      this.begin.run();
    } catch (e) {
      for (const q of batch) q.reject(this.mapError(e));
      return;
    }
    const done: Array<[Queued, unknown]> = [];
    // A batch of one needs no savepoint: its transaction is its own (two statements less, and
    // most batches are of one when the CA is not busy).
    const alone = batch.length === 1;
    for (let i = 0; i < batch.length; i++) {
      const q = batch[i]!;
      if (!alone) this.savepoint.run();
      try {
        const value = q.fn();
        if (!alone) this.release.run();
        done.push([q, value]);
      } catch (e) {
        if (alone) {
          if (this.db.inTransaction) this.rollback.run();
          q.reject(this.mapError(e));
          return;
        }
        if (!this.db.inTransaction) {
          // SQLite rolled the whole transaction back (I/O error, disk full): nothing of the
          // batch was written. The ones not run yet go into the next batch.
          q.reject(this.mapError(e));
          for (const [d] of done) d.reject(this.mapError(e));
          this.queue.unshift(...batch.slice(i + 1));
          return;
        }
        this.rollbackTo.run();
        this.release.run();
        q.reject(this.mapError(e));
      }
    }
    try {
      this.commit.run();
    } catch (e) {
      if (this.db.inTransaction) this.rollback.run();
      for (const [d] of done) d.reject(this.mapError(e));
      return;
    }
    this.stats.transactions += done.length;
    if (durable && done.length > 0) {
      this.noteCommit();
      // Not durable yet while the WAL's fsync is to come (a batch of rate-limit takes alone asks
      // for none: written to the WAL, fsynced with the next durable commit).
      const synced = this.whenDurable();
      if (synced) {
        synced.then(
          () => {
            for (const [d, value] of done) d.resolve(value);
          },
          (e: unknown) => {
            for (const [d] of done) d.reject(e);
          },
        );
        return;
      }
    }
    for (const [d, value] of done) d.resolve(value);
  }
}
