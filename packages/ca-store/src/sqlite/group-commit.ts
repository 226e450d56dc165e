/**
 * Group commit for the SQLite store: the write transactions that requests ask for while the
 * process is busy are run together, each in a savepoint of its own, inside one IMMEDIATE
 * transaction, and committed with one fsync. Nothing a caller relies on changes:
 *
 * - **atomic, isolated**: each queued function runs alone and synchronously in its savepoint, in
 *   the order it was queued; the ones before it in the batch are visible to it (as if committed
 *   just before), and an exception rolls back its savepoint only and rejects its promise;
 * - **durable when told so**: a promise resolves only after the COMMIT of its batch returned, and
 *   with `synchronous = FULL` that commit has been fsynced: an answer the CA sends after `await`
 *   describes a change that survives a power loss, exactly as with one transaction per change;
 * - **readers never see half a batch**: the batch runs from BEGIN to COMMIT in one synchronous
 *   call, so no other code of this process runs in between, and other processes see the commit.
 *
 * The gain: better-sqlite3 waits for the disk in the process's only thread, so with one fsync per
 * change every request stood in line behind every other request's fsync (3 ms or more each on a
 * shared disk, ~18 changes per application). Now the changes that arrived during one fsync share
 * the next one.
 *
 * Work marked not durable (`durable: false`: rate-limit counters) runs in a batch committed with
 * `synchronous = NORMAL` when the batch holds nothing else: written to the WAL (safe from a crash
 * of the process) but not fsynced, so a power loss may forget the last few takes of a bucket, as
 * the PostgreSQL store's counters (`synchronous_commit = off`) may. A later durable commit fsyncs
 * the WAL and with it every earlier commit.
 */
import type Database from 'better-sqlite3';
import type { CommitStats } from '../repository.js';

/** The durability of the commits of the SQLite store (`PRAGMA synchronous`). */
export type SqliteSynchronous = 'full' | 'normal';

interface Queued {
  fn: () => unknown;
  durable: boolean;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

/** Runs write transactions of one connection in batches (see the module comment). */
export class GroupCommitter {
  readonly stats: CommitStats = { transactions: 0, durableCommits: 0 };
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
  ) {
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
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ fn, durable: options.durable, resolve: resolve as (v: unknown) => void, reject });
      this.scheduled ??= setImmediate(() => this.flush());
    });
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
    const relaxed = !durable && this.synchronous === 'full';
    try {
      if (relaxed) this.db.pragma('synchronous = NORMAL');
      try {
        this.begin.run();
      } catch (e) {
        for (const q of batch) q.reject(this.mapError(e));
        return;
      }
      const done: Array<[Queued, unknown]> = [];
      for (let i = 0; i < batch.length; i++) {
        const q = batch[i]!;
        this.savepoint.run();
        try {
          const value = q.fn();
          this.release.run();
          done.push([q, value]);
        } catch (e) {
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
      if (durable && done.length > 0 && this.synchronous === 'full') this.stats.durableCommits++;
      for (const [d, value] of done) d.resolve(value);
    } finally {
      if (relaxed) this.db.pragma('synchronous = FULL');
    }
  }
}
