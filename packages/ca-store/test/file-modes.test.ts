/**
 * File modes (issue 10 #5): the store's database, WAL and shared-memory files are 0600 whatever the
 * umask, files left looser are tightened on open, and a new data directory is 0700.
 */
import { chmodSync, existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { caStorePath, createDataDirectory, openCaStore, openStatusStore } from '../src/index.js';

const mode = (path: string): number => statSync(path).mode & 0o777;

describe.skipIf(process.platform === 'win32')('file modes of the store', () => {
  let root: string;
  let umask: number;
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'kzpki-modes-'));
    // The usual umask 022 would leave new files 0644 and directories 0755.
    umask = process.umask(0o022);
  });
  afterAll(() => {
    process.umask(umask);
    rmSync(root, { recursive: true, force: true });
  });

  it('a new data directory is 0700, its database, WAL and shared memory 0600', async () => {
    const dir = join(root, 'new', 'var');
    expect(createDataDirectory(dir)).toEqual({ created: true });
    expect(mode(dir)).toBe(0o700);
    const store = openCaStore(caStorePath(dir));
    await store.putSetting('x', 'y');
    // A reader (the status service) keeps the WAL around while the CA writes.
    const reader = openStatusStore(caStorePath(dir));
    await reader.listIssuers();
    for (const f of ['ca.sqlite', 'ca.sqlite-wal', 'ca.sqlite-shm']) {
      expect(existsSync(join(dir, f)), f).toBe(true);
      expect(mode(join(dir, f)), f).toBe(0o600);
    }
    await reader.close();
    await store.close();
  });

  it('tightens a database an older version left 0644, and warns about an open existing directory', async () => {
    const dir = join(root, 'old');
    createDataDirectory(dir);
    chmodSync(dir, 0o755);
    const path = caStorePath(dir);
    await openCaStore(path).close();
    for (const f of [path, `${path}-wal`, `${path}-shm`]) {
      if (!existsSync(f)) writeFileSync(f, '');
      chmodSync(f, 0o644);
    }
    const { warning } = createDataDirectory(dir);
    expect(warning).toMatch(/open to other users \(mode 755\)/);
    const store = openCaStore(path);
    for (const f of [path, `${path}-wal`, `${path}-shm`]) expect(mode(f), f).toBe(0o600);
    await store.close();
  });
});
