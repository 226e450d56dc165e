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
      expect(store.db.pragma('synchronous', { simple: true })).toBe(2); // FULL by default
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
      // Back to FULL for everything else.
      expect(store.db.pragma('synchronous', { simple: true })).toBe(2);
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
