/**
 * The store options of the stack's commands: `kzpki ca migrate-store` moves a SQLite CA (made by
 * `kzpki ca init`) into an empty PostgreSQL database, with its report (rows per table, revocation
 * sequence, audit chain) and exit codes (0 copied, 1 refused, 2 usage); `kzpki ca init
 * --database` then finds the same CA there; `kzpki start --database` starts on it and refuses a
 * location it does not understand.
 */
import { join } from 'node:path';
import { createPgTestDatabase, type PgTestDatabase, postgresForTests } from '@kzpki/ca-store/testing';
import { tempDir } from '@kzpki/test-fixtures';
import { afterAll, describe, expect, it } from 'vitest';
import { run } from './io.js';

const pgProbe = await postgresForTests('stack database commands');
const dirs: Array<ReturnType<typeof tempDir>> = [];
const databases: PgTestDatabase[] = [];
afterAll(async () => {
  for (const d of dirs) d.dispose();
  for (const d of databases) await d.drop();
});

function withPassphrases<T>(fn: () => Promise<T>): Promise<T> {
  const saved = { ca: process.env.KZPKI_CA_PASSPHRASE, status: process.env.KZPKI_STATUS_PASSPHRASE };
  process.env.KZPKI_CA_PASSPHRASE = 'migrate-store-ca-passphrase';
  process.env.KZPKI_STATUS_PASSPHRASE = 'migrate-store-status-passphrase';
  return fn().finally(() => {
    for (const [k, v] of [
      ['KZPKI_CA_PASSPHRASE', saved.ca],
      ['KZPKI_STATUS_PASSPHRASE', saved.status],
    ] as const) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  });
}

describe('store locations on the command line', () => {
  it('refuses what is not a store location, and the wrong kind of store, with exit code 2', async () => {
    const start = await run(['start', '--database', 'mysql://db/kzpki', '--no-portal']);
    expect(start.code).toBe(2);
    expect(start.stderr).toMatch(/--database: Unknown store location/);
    const init = await run(['ca', 'init', '--database', 'mysql://db/kzpki']);
    expect(init.code).toBe(2);
    const from = await run(['ca', 'migrate-store', '--from', 'postgres://db/a', '--to', 'postgres://db/b']);
    expect(from.code).toBe(2);
    expect(from.stderr).toMatch(/--from: the source must be a SQLite store/);
    const to = await run(['ca', 'migrate-store', '--from', 'sqlite:./x.sqlite', '--to', 'sqlite:./y.sqlite']);
    expect(to.code).toBe(2);
    expect(to.stderr).toMatch(/--to: the target must be a PostgreSQL database/);
    if (!process.env.KZPKI_DATABASE_URL) {
      const none = await run(['ca', 'migrate-store', '--from', 'sqlite:./x.sqlite']);
      expect(none.code).toBe(2);
      expect(none.stderr).toMatch(/--to: give the PostgreSQL database/);
    }
  });
});

describe.skipIf(!pgProbe.available)('kzpki ca migrate-store', () => {
  it(
    'copies a SQLite CA into PostgreSQL once; ca init --database then finds it',
    { timeout: 180_000 },
    async () => {
      const data = tempDir('kzpki-migrate-');
      dirs.push(data);
      const db = await createPgTestDatabase();
      databases.push(db);
      await withPassphrases(async () => {
        const made = await run([
          'ca',
          'init',
          '--data-dir',
          data.dir,
          '--ca-key-algorithm',
          'RSA-2048',
          '--json',
        ]);
        expect(made.code, made.stderr).toBe(0);
        const sqliteCa = JSON.parse(made.stdout) as {
          certificates: Array<{ name: string; serialHex: string }>;
        };

        const copied = await run(['ca', 'migrate-store', '--data-dir', data.dir, '--to', db.url, '--json']);
        expect(copied.code, copied.stderr).toBe(0);
        const report = JSON.parse(copied.stdout);
        expect(report).toMatchObject({ ok: true, from: join(data.dir, 'ca.sqlite'), revocationSeq: 0 });
        // root, issuing, operator and the GOST root and issuing CA.
        expect(report.tables.ca_keys).toBe(5);
        expect(report.tables.certificates).toBeGreaterThanOrEqual(9);
        expect(report.auditEntries).toBeGreaterThan(0);

        const again = await run(['ca', 'migrate-store', '--data-dir', data.dir, '--to', db.url]);
        expect(again.code).toBe(1);
        expect(again.stderr).toMatch(/ERR_STORE_NOT_EMPTY/);

        const found = await run(['ca', 'init', '--database', db.url, '--json']);
        expect(found.code, found.stderr).toBe(0);
        const pgCa = JSON.parse(found.stdout) as {
          created: string[];
          store: string;
          certificates: Array<{ name: string; serialHex: string }>;
        };
        expect(pgCa.created).toEqual([]);
        expect(pgCa.store).toBe(db.url);
        expect(pgCa.certificates).toEqual(sqliteCa.certificates);
      });
    },
  );

  it('the human report names the tables and the next command', { timeout: 180_000 }, async () => {
    const data = tempDir('kzpki-migrate-text-');
    dirs.push(data);
    const db = await createPgTestDatabase();
    databases.push(db);
    await withPassphrases(async () => {
      expect((await run(['ca', 'init', '--data-dir', data.dir, '--ca-key-algorithm', 'RSA-2048'])).code).toBe(
        0,
      );
      const r = await run([
        'ca',
        'migrate-store',
        '--from',
        `sqlite:${join(data.dir, 'ca.sqlite')}`,
        '--to',
        db.url,
      ]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toMatch(/certificates:\s+\d+/);
      expect(r.stdout).toMatch(/audit chain:\s+\d+ entries, verified/);
      expect(r.stdout).toContain(`npx kzpki start --database ${db.url}`);
    });
  });
});
