/**
 * The SQLite store's group commit (`src/sqlite/group-commit.ts`) and its `synchronous` option:
 * writes asked for in one moment share one fsync and are all visible to another connection once
 * they returned; rate-limit takes are not fsynced on their own; `sqlite:<path>?synchronous=normal`
 * relaxes the fsyncs but loses nothing when the process is killed with SIGKILL. (That a failing
 * write takes none of the others of its group with it is in the contract suite, on both stores.)
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ApplicationRecord,
  isCaStoreError,
  openCaRepository,
  openCaStore,
  parseStoreLocation,
  type SqliteCaRepository,
} from '../src/index.js';

let dir: string;
const AUDIT = { actor: 'test', action: 'test.write', entity: 'test' };

function application(id: string): ApplicationRecord {
  const now = new Date();
  return {
    id,
    kind: 'individual',
    template: 'individual',
    iin: '850315300128',
    status: 'submitted',
    createdAt: now,
    updatedAt: now,
    expiresAt: new Date(now.getTime() + 86_400_000),
    data: {
      person: {
        iin: '850315300128',
        surname: 'ТЕСТОВ',
        givenName: 'ТЕСТ',
        birthDate: '1985-03-15',
        sex: 'male',
      },
    },
  };
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'kzpki-group-commit-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('group commit', () => {
  it('commits the writes of one moment with one fsync; another connection sees all of them once they returned', async () => {
    const path = join(dir, 'group.sqlite');
    const store = openCaStore(path);
    const other = openCaStore(path);
    try {
      // SQLite writes the WAL at COMMIT; the store fsyncs it itself, off the event loop.
      expect(store.db.pragma('synchronous', { simple: true })).toBe(1);
      const ids = Array.from({ length: 10 }, (_, i) => `group-${i}`);
      const before = store.commitStats();
      await Promise.all(ids.map((id) => store.createApplication(application(id), 'x', AUDIT)));
      const after = store.commitStats();
      expect(after.transactions - before.transactions).toBe(10);
      expect(after.durableCommits - before.durableCommits).toBe(1);
      for (const id of ids) expect((await other.getApplication(id))?.status).toBe('submitted');
      expect(await other.verifyAuditChain()).toBeUndefined();
      expect((await other.auditHead())?.entries).toBe(10);
    } finally {
      await other.close();
      await store.close();
    }
  });

  it('does not fsync rate-limit takes on their own, and fsyncs them with a durable write of the same moment', async () => {
    const store = openCaStore(join(dir, 'limits.sqlite'));
    try {
      const rule = { capacity: 3, refillPerSecond: 0 };
      const s0 = store.commitStats();
      const takes = await Promise.all([1, 2, 3, 4].map(() => store.takeRateLimit('b', rule, 1, 0)));
      expect(takes.map((t) => t.allowed)).toEqual([true, true, true, false]);
      const s1 = store.commitStats();
      expect(s1.transactions - s0.transactions).toBe(4);
      expect(s1.durableCommits).toBe(s0.durableCommits);
      await Promise.all([
        store.takeRateLimit('c', rule, 1, 0),
        store.createApplication(application('with-take'), 'x', AUDIT),
      ]);
      const s2 = store.commitStats();
      expect(s2.transactions - s1.transactions).toBe(2);
      expect(s2.durableCommits - s1.durableCommits).toBe(1);
    } finally {
      await store.close();
    }
  });

  it('fsyncs the WAL off the event loop: writes and reads answer once what they saw is durable', async () => {
    const path = join(dir, 'async-fsync.sqlite');
    const store = openCaStore(path);
    const other = openCaStore(path);
    // The disk, held: each fsync waits until the test lets it finish.
    const pending: Array<() => void> = [];
    Reflect.set(Reflect.get(store, 'group') as object, 'fileSync', (fd: number, done: (e: null) => void) => {
      expect(fd).toBeGreaterThan(2);
      pending.push(() => done(null));
    });
    const settled = (p: Promise<unknown>) => {
      const state = { done: false };
      p.then(() => {
        state.done = true;
      });
      return state;
    };
    const turns = async (n = 5) => {
      for (let i = 0; i < n; i++) await new Promise((r) => setImmediate(r));
    };
    try {
      const s0 = store.commitStats();
      const first = settled(store.createApplication(application('async-1'), 'x', AUDIT));
      await turns();
      expect(pending).toHaveLength(1);
      expect(first.done).toBe(false);
      // Committed (another process may see it), but nothing in this process answers with it yet.
      expect((await other.getApplication('async-1'))?.status).toBe('submitted');
      const read = settled(store.getApplication('async-1'));
      // A write during the fsync waits for one more, shared with anything else of that moment.
      const second = settled(store.createApplication(application('async-2'), 'x', AUDIT));
      const setting = settled(store.putSetting('async', 'yes'));
      await turns();
      expect(pending).toHaveLength(1);
      expect([first.done, read.done, second.done, setting.done]).toEqual([false, false, false, false]);
      pending.shift()!();
      await turns();
      expect([first.done, read.done]).toEqual([true, true]);
      expect([second.done, setting.done]).toEqual([false, false]);
      expect(pending).toHaveLength(1);
      pending.shift()!();
      await turns();
      expect([second.done, setting.done]).toEqual([true, true]);
      // Nothing left to make durable: a read answers without an fsync.
      expect(await store.getSetting('async')).toBe('yes');
      expect(pending).toHaveLength(0);
      expect(store.commitStats().durableCommits - s0.durableCommits).toBe(2);
    } finally {
      for (const release of pending) release();
      await other.close();
      await store.close();
    }
  });

  it('refuses everything with ERR_STORE_SYNC once an fsync failed', async () => {
    const store = openCaStore(join(dir, 'failing-fsync.sqlite'));
    await store.putSetting('before', '1');
    Reflect.set(
      Reflect.get(store, 'group') as object,
      'fileSync',
      (_fd: number, done: (e: Error) => void) => {
        setImmediate(() => done(Object.assign(new Error('EIO: i/o error, fsync'), { code: 'EIO' })));
      },
    );
    const write = store.createApplication(application('lost'), 'x', AUDIT);
    await expect(write).rejects.toSatisfy((e: unknown) => isCaStoreError(e, 'ERR_STORE_SYNC'));
    await expect(store.getSetting('before')).rejects.toSatisfy((e: unknown) =>
      isCaStoreError(e, 'ERR_STORE_SYNC'),
    );
    await expect(store.putSetting('after', '1')).rejects.toSatisfy((e: unknown) =>
      isCaStoreError(e, 'ERR_STORE_SYNC'),
    );
    await store.close(); // the failure was reported to every caller; closing does not throw it again
    const reopened = openCaStore(join(dir, 'failing-fsync.sqlite'));
    try {
      expect(await reopened.getSetting('after')).toBeUndefined(); // refused before it was written
    } finally {
      await reopened.close();
    }
  });

  it('a write alone in its batch (no savepoint) that fails rolls back and leaves the connection usable', async () => {
    const store = openCaStore(join(dir, 'alone.sqlite'));
    try {
      await store.createApplication(application('alone-1'), 'x', AUDIT);
      const head = await store.auditHead();
      await expect(store.createApplication(application('alone-1'), 'x', AUDIT)).rejects.toSatisfy(
        (e: unknown) => isCaStoreError(e, 'ERR_DUPLICATE'),
      );
      expect(store.db.inTransaction).toBe(false);
      expect(await store.auditHead()).toEqual(head); // its audit entry went with it
      await store.createApplication(application('alone-2'), 'x', AUDIT);
      expect((await store.getApplication('alone-2'))?.status).toBe('submitted');
      expect(await store.verifyAuditChain()).toBeUndefined();
    } finally {
      await store.close();
    }
  });

  it('runs every write still queued when the store closes', async () => {
    const path = join(dir, 'close.sqlite');
    const store = openCaStore(path);
    const pending = store.createApplication(application('queued'), 'x', AUDIT);
    await store.close();
    await pending;
    const again = openCaStore(path);
    try {
      expect((await again.getApplication('queued'))?.status).toBe('submitted');
    } finally {
      await again.close();
    }
  });
});

describe('synchronous=normal', () => {
  it('is asked for in the location; anything else there is refused', async () => {
    expect(parseStoreLocation('sqlite:./var/ca.sqlite?synchronous=normal')).toEqual({
      kind: 'sqlite',
      path: './var/ca.sqlite',
      synchronous: 'normal',
    });
    expect(parseStoreLocation('sqlite:/tmp/ca.sqlite?synchronous=FULL')).toEqual({
      kind: 'sqlite',
      path: '/tmp/ca.sqlite',
      synchronous: 'full',
    });
    for (const bad of [
      'sqlite:./ca.sqlite?synchronous=off',
      'sqlite:./ca.sqlite?journal=delete',
      'sqlite:?synchronous=normal',
    ]) {
      let error: unknown;
      try {
        parseStoreLocation(bad);
      } catch (e) {
        error = e;
      }
      expect(isCaStoreError(error, 'ERR_STORE_LOCATION')).toBe(true);
    }
    const store = (await openCaRepository(
      `sqlite:${join(dir, 'normal.sqlite')}?synchronous=normal`,
    )) as SqliteCaRepository;
    try {
      expect(store.db.pragma('synchronous', { simple: true })).toBe(1);
      await store.createApplication(application('relaxed'), 'x', AUDIT);
      expect(store.commitStats()).toEqual({ transactions: 1, durableCommits: 0 });
    } finally {
      await store.close();
    }
  });

  it('loses nothing that returned when the process is killed with SIGKILL', async () => {
    const path = join(dir, 'killed.sqlite');
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        fileURLToPath(new URL('./support/sqlite-writer-child.ts', import.meta.url)),
        `sqlite:${path}?synchronous=normal`,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    const line = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout!.on('data', (b) => {
        out += b;
        if (out.includes('\n')) resolve(out.split('\n')[0]!);
      });
      child.once('exit', (code) => reject(new Error(`child exited ${code}`)));
    });
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
    const { ids } = JSON.parse(line) as { ids: string[] };
    const store = openCaStore(path);
    try {
      for (const id of ids) expect((await store.getApplication(id))?.status).toBe('otp-sent');
      expect(await store.verifyAuditChain()).toBeUndefined();
      expect((await store.auditHead())?.entries).toBe(ids.length);
    } finally {
      await store.close();
    }
  });
});
