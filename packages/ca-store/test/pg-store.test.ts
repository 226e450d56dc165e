/**
 * What only the PostgreSQL store does (the contract itself is `store-contract.test.ts`): nodes
 * starting at once migrate once; the status view learns revocations by notification, falls back
 * to reading the database while its listening connection is down and listens again; a process
 * killed with SIGKILL is dead to the others at once (its idempotency records and leases are taken
 * over); and a SQLite CA copied into PostgreSQL reads the same, audit chain included.
 * Skipped, with the reason, when the test server is not reachable (never in CI).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import {
  type ApplicationRecord,
  type CaRepository,
  type CertificateRecord,
  CRL_PART_BYTES,
  copySqliteToPostgres,
  describeStoreLocation,
  isCaStoreError,
  openCaRepository,
  openCaStore,
  openPgCaStore,
  openPgStatusStore,
  openStatusRepository,
  PG_SCHEMA_VERSION,
  type PgCaRepository,
  parseStoreLocation,
} from '../src/index.js';
import {
  createPgTestDatabase,
  type PgTestDatabase,
  postgresForTests,
} from '../src/testing/pg-test-database.js';

const pgProbe = await postgresForTests('ca-store PostgreSQL');
/** What the status service reads (docs/guides/scale-out.md grants SELECT on these only). */
const STATUS_TABLES = [
  'schema_migrations',
  'issuers',
  'ocsp_responders',
  'certificates',
  'revocation_head',
  'revocation_events',
  'published_crls',
  'published_crl_parts',
  'applications',
  'application_history',
];
const ISSUER = '5a'.repeat(20);
const AUDIT = { actor: 'test', action: 'test.write', entity: 'test' };

const databases: PgTestDatabase[] = [];
const closing: Array<{ close(): Promise<void> }> = [];
const children: ChildProcess[] = [];
afterAll(async () => {
  for (const c of children) c.kill('SIGKILL');
  for (const s of closing) await s.close().catch(() => {});
  for (const d of databases) await d.drop();
});

async function database(): Promise<PgTestDatabase> {
  const d = await createPgTestDatabase();
  databases.push(d);
  return d;
}

async function ca(url: string): Promise<PgCaRepository> {
  const s = await openPgCaStore(url, { onError: () => {} });
  closing.push(s);
  return s;
}

let n = 0;
function cert(serialHex: string, extra: Partial<CertificateRecord> = {}): CertificateRecord {
  n++;
  return {
    serialHex,
    issuerSkiHex: ISSUER,
    status: 'good',
    notBefore: new Date('2025-01-01T00:00:00Z'),
    notAfter: new Date('2026-01-01T00:00:00Z'),
    der: new Uint8Array([0x30, n]),
    spkiSha256: `c${n}`.padStart(64, '0'),
    subject: `CN=PG ${n}`,
    skiHex: n.toString(16).padStart(40, '0'),
    kind: 'end-entity',
    createdAt: new Date('2025-01-01T00:00:00Z'),
    ...extra,
  };
}

function application(id: string, status: ApplicationRecord['status'] = 'submitted'): ApplicationRecord {
  const now = new Date('2025-02-01T00:00:00Z');
  return {
    id,
    kind: 'individual',
    template: 'individual',
    iin: '850315300128',
    status,
    createdAt: now,
    updatedAt: now,
    expiresAt: new Date('2099-01-01T00:00:00Z'),
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

const revoke = (store: CaRepository, serialHex: string) =>
  store.changeCertificateStatus({
    issuerSkiHex: ISSUER,
    serialHex,
    change: 'revoked',
    at: new Date('2025-06-01T00:00:00Z'),
    reason: 'keyCompromise',
    audit: { actor: 'test', action: 'test.revoked', entity: `certificate:${serialHex}` },
  });

async function until(ok: () => Promise<boolean> | boolean, ms = 5000): Promise<boolean> {
  const deadline = Date.now() + ms;
  for (;;) {
    if (await ok()) return true;
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('store locations', () => {
  it('reads postgres URLs, sqlite: paths and plain paths; hides passwords', () => {
    expect(parseStoreLocation('postgres://ca@db:5432/kzpki')).toEqual({
      kind: 'postgres',
      url: 'postgres://ca@db:5432/kzpki',
    });
    expect(parseStoreLocation('postgresql://db/kzpki').kind).toBe('postgres');
    expect(parseStoreLocation('sqlite:./var/ca.sqlite')).toEqual({ kind: 'sqlite', path: './var/ca.sqlite' });
    expect(parseStoreLocation('sqlite:///tmp/ca.sqlite')).toEqual({ kind: 'sqlite', path: '/tmp/ca.sqlite' });
    expect(parseStoreLocation('./var/ca.sqlite')).toEqual({ kind: 'sqlite', path: './var/ca.sqlite' });
    for (const bad of ['', 'mysql://db/x', 'sqlite:']) {
      let error: unknown;
      try {
        parseStoreLocation(bad);
      } catch (e) {
        error = e;
      }
      expect(isCaStoreError(error, 'ERR_STORE_LOCATION'), bad).toBe(true);
    }
    expect(describeStoreLocation('postgres://ca:s3cret@db/kzpki')).toBe('postgres://ca:***@db/kzpki');
  });
});

describe.skipIf(!pgProbe.available)('PostgreSQL only', () => {
  it('migrates once when several nodes open a new database at once', async () => {
    const d = await database();
    const stores = await Promise.all(Array.from({ length: 4 }, () => ca(d.url)));
    const rows = (await stores[0]!.db.pool.query('SELECT version FROM schema_migrations')).rows;
    // Each migration once (1..PG_SCHEMA_VERSION), not once per node.
    expect(rows.map((r) => r.version)).toEqual(Array.from({ length: PG_SCHEMA_VERSION }, (_, i) => i + 1));
    expect(new Set(stores.map((s) => s.nodeId)).size).toBe(4);
  });

  it('refuses a status view before the CA created the schema, and a schema newer than the code', async () => {
    const d = await database();
    await expect(openPgStatusStore(d.url)).rejects.toSatisfy((e) => isCaStoreError(e, 'ERR_STORE_OPEN'));
    const store = await ca(d.url);
    await store.db.pool.query("INSERT INTO schema_migrations VALUES ($1, 'future', now())", [
      PG_SCHEMA_VERSION + 1,
    ]);
    await expect(openPgCaStore(d.url)).rejects.toSatisfy((e) => isCaStoreError(e, 'ERR_SCHEMA_TOO_NEW'));
    await expect(openPgStatusStore(d.url)).rejects.toSatisfy((e) => isCaStoreError(e, 'ERR_SCHEMA_TOO_NEW'));
  });

  it('tells the status view of a revocation by notification, and reads the database while not listening', async () => {
    const d = await database();
    const store = await ca(d.url);
    // Polling off: only the notification can move the cached value.
    const errors: Error[] = [];
    const status = await openPgStatusStore(d.url, { pollIntervalMs: 0, onError: (e) => errors.push(e) });
    closing.push(status);
    const seen: number[] = [];
    status.onRevocation((s) => seen.push(s));
    for (const s of ['01', '02', '03'])
      await store.putOcspResponder(
        {
          issuerSkiHex: `e${s}`.padEnd(40, '0'),
          certificate: new Uint8Array([1]),
          serialHex: s,
          skiHex: s.padEnd(40, '0'),
          notAfter: new Date(),
          encryptedKey: '{}',
          createdAt: new Date(),
        },
        cert(s),
        AUDIT,
      );
    expect(status.revocationSeqNow()).toBe(0);
    await revoke(store, '01');
    expect(await until(() => status.revocationSeqNow() === 1, 1000)).toBe(true);
    expect(seen).toEqual([1]);

    // The listening connection is cut: the store notices, reads the database meanwhile, listens again.
    const listenPid = async () =>
      (
        await store.db.pool.query<{ pid: number }>(
          "SELECT pid FROM pg_stat_activity WHERE application_name = 'kzpki-status-listen' AND datname = current_database()",
        )
      ).rows.map((r) => r.pid);
    const [pid] = await listenPid();
    await store.db.pool.query('SELECT pg_terminate_backend($1)', [pid]);
    expect(await until(() => errors.length > 0, 2000)).toBe(true);
    expect(
      await until(async () => {
        const p = await listenPid();
        return p.length === 1 && p[0] !== pid;
      }),
    ).toBe(true);
    await revoke(store, '02');
    // Reconnecting (read from the database) or listening again (re-read once listening): 2 either way.
    expect(await until(async () => (await status.revocationSeq()) === 2, 5000)).toBe(true);
    expect(await until(() => status.revocationSeqNow() === 2, 5000)).toBe(true);
    await revoke(store, '03');
    expect(await until(() => status.revocationSeqNow() === 3, 1000)).toBe(true);
  });

  it('sees a node killed with SIGKILL as dead and takes over its idempotency record and lease at once', async () => {
    const d = await database();
    const store = await ca(d.url);
    await store.createApplication(application('killed-app'), 'test', AUDIT);
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        fileURLToPath(new URL('./support/pg-node-child.ts', import.meta.url)),
        d.url,
        'idem-1',
        'killed-app',
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    children.push(child);
    const line = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout!.on('data', (b) => {
        out += b;
        if (out.includes('\n')) resolve(out.split('\n')[0]!);
      });
      child.once('exit', (code) => reject(new Error(`child exited ${code}`)));
    });
    const info = JSON.parse(line) as { nodeId: string; begin: string; claimed: boolean };
    expect(info).toMatchObject({ begin: 'new', claimed: true });
    expect(await store.isNodeAlive(info.nodeId)).toBe(true);
    // While it lives: the operation is in progress here.
    expect((await store.beginIdempotent('issue', 'idem-1', 'request-hash', new Date())).state).toBe(
      'in-progress',
    );
    const lease = (await store.getApplication('killed-app'))!.data.issuanceLease!;
    expect(lease.owner).toBe(info.nodeId);

    child.kill('SIGKILL');
    expect(await until(async () => !(await store.isNodeAlive(info.nodeId)))).toBe(true);
    // Long before the 5-minute stale time and the lease's end: taken over.
    expect((await store.beginIdempotent('issue', 'idem-1', 'request-hash', new Date())).state).toBe('new');
    expect((await store.beginIdempotent('issue', 'idem-1', 'request-hash', new Date())).state).toBe(
      'in-progress',
    );
    expect(lease.until.getTime()).toBeGreaterThan(Date.now());
    expect(await store.isNodeAlive(lease.owner!)).toBe(false);
  });

  it("serves the status view to a role with SELECT on its tables only (the guide's grants)", async () => {
    const d = await database();
    const store = await ca(d.url);
    await store.putIssuer(
      {
        id: 'issuing',
        role: 'issuing',
        skiHex: ISSUER,
        certificate: new Uint8Array([0x30]),
        updatedAt: new Date(),
      },
      AUDIT,
    );
    const role = `kzpki_test_status_${d.name.slice(-12)}`;
    const admin = store.db.pool;
    await admin.query(`CREATE ROLE ${role} LOGIN`);
    try {
      // As docs/guides/scale-out.md says, after the CA created the schema.
      await admin.query(`GRANT CONNECT ON DATABASE ${d.name} TO ${role}`);
      await admin.query(`GRANT USAGE ON SCHEMA public TO ${role}`);
      await admin.query(`GRANT SELECT ON ${STATUS_TABLES.join(', ')} TO ${role}`);
      const url = new URL(d.url);
      url.username = role;
      const status = await openPgStatusStore(url.toString(), { onError: () => {} });
      closing.push(status);
      expect((await status.listIssuers()).map((i) => i.id)).toEqual(['issuing']);
      expect(await status.revocationSeq()).toBe(0);
      expect(await status.getCertificateStatus(ISSUER, '01')).toBeUndefined();
      expect(await status.getPublishedCrlHeader(ISSUER, 'full')).toBeUndefined();
      expect(await status.getApplicationStatus('27888601100404')).toBeUndefined();
      expect(await status.listRevocationChangesSince(ISSUER, 0)).toEqual([]);
      for (const table of ['ca_keys', 'settings', 'sessions', 'audit_log']) {
        await expect(status.db.pool.query(`SELECT 1 FROM ${table}`), table).rejects.toThrow(
          /permission denied/,
        );
      }
      await status.close();
    } finally {
      await admin.query(`DROP OWNED BY ${role}`);
      await d.drop();
      const server = new URL(d.url);
      server.pathname = '/postgres';
      const { default: pg } = await import('pg');
      const c = new pg.Client({ connectionString: server.toString() });
      await c.connect();
      await c.query(`DROP ROLE IF EXISTS ${role}`);
      await c.end();
    }
  });

  it('copies a SQLite CA into PostgreSQL exactly, and refuses a second copy', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kzpki-copy-'));
    try {
      const sqlitePath = join(dir, 'ca.sqlite');
      const src = openCaStore(sqlitePath);
      await src.putCaKey(
        {
          name: 'issuing',
          certificate: new Uint8Array([0x30, 9]),
          skiHex: ISSUER,
          serialHex: '09',
          encryptedKey: '{"k":1}',
          createdAt: new Date('2025-01-01T00:00:00Z'),
        },
        cert('09', { kind: 'ca' }),
        { actor: 'system', action: 'ca.key-created', entity: 'ca-key:issuing' },
      );
      await src.putIssuer(
        {
          id: 'issuing',
          role: 'issuing',
          skiHex: ISSUER,
          certificate: new Uint8Array([0x30, 9]),
          updatedAt: new Date('2025-01-01T00:00:00Z'),
        },
        AUDIT,
      );
      await src.initSetting('status-kek', '{"n":1}');
      await src.putTimestampSigner(
        {
          issuerSkiHex: ISSUER,
          policy: '1.2.398.3.3.2.6.2',
          certificate: new Uint8Array([0x30, 0x0c]),
          serialHex: '0c',
          skiHex: 'cc'.repeat(20),
          notAfter: new Date('2026-01-01T00:00:00Z'),
          encryptedKey: '{"t":1}',
          createdAt: new Date('2025-01-01T00:00:00Z'),
        },
        cert('0c', { kind: 'service' }),
        { actor: 'system', action: 'ca.tsa-created', entity: 'tsa:tsa' },
      );
      await src.createApplication(application('copy-app', 'otp-sent'), 'applicant', AUDIT);
      await src.updateApplication('copy-app', {
        expected: ['otp-sent'],
        status: { to: 'submitted', actor: 'applicant' },
        number: '27888601100404',
        audit: AUDIT,
      });
      await src.recordIssuance(
        'copy-app',
        [cert('0a', { applicationId: 'copy-app' }), cert('0b', { applicationId: 'copy-app' })],
        {
          expected: ['submitted'],
          status: { to: 'issued', actor: 'ca' },
          audit: AUDIT,
        },
      );
      await revoke(src, '0a');
      await src.changeCertificateStatus({
        issuerSkiHex: ISSUER,
        serialHex: '0b',
        change: 'hold',
        at: new Date('2025-07-01T00:00:00Z'),
        audit: AUDIT,
      });
      await src.createSession({
        tokenHash: 'tok',
        kind: 'applicant',
        applicationId: 'copy-app',
        createdAt: new Date('2025-01-01T00:00:00Z'),
        expiresAt: new Date('2099-01-01T00:00:00Z'),
      });
      await src.beginIdempotent('issue', 'k', 'h', new Date('2025-01-01T00:00:00Z'));
      await src.completeIdempotent('issue', 'k', 201, { ok: 1 });
      expect(await src.nextCrlNumber(ISSUER)).toBe(1n);
      expect(await src.nextCrlNumber(ISSUER)).toBe(2n);
      const big = new Uint8Array(CRL_PART_BYTES + 77).fill(0x5a);
      await src.publishCrl({
        issuerSkiHex: ISSUER,
        kind: 'full',
        crlNumber: 1n,
        thisUpdate: new Date('2025-08-01T00:00:00Z'),
        nextUpdate: new Date('2025-08-02T00:00:00Z'),
        entries: 1,
        revocationSeq: 1,
        der: big,
        publishedAt: new Date('2025-08-01T00:00:00Z'),
      });
      await src.publishCrl({
        issuerSkiHex: ISSUER,
        kind: 'delta',
        crlNumber: 2n,
        baseCrlNumber: 1n,
        thisUpdate: new Date('2025-08-01T00:00:00Z'),
        nextUpdate: new Date('2025-08-02T00:00:00Z'),
        entries: 1,
        revocationSeq: 2,
        der: new Uint8Array([0x30, 2]),
        publishedAt: new Date('2025-08-01T00:00:00Z'),
      });
      await src.close();

      const d = await database();
      const pgStore = await ca(d.url);
      const progress: string[] = [];
      const report = await copySqliteToPostgres(sqlitePath, pgStore, { onProgress: (t) => progress.push(t) });
      expect(report.revocationSeq).toBe(2);
      expect(report.tables.certificates).toBe(4);
      expect(report.tables.timestamp_signers).toBe(1);
      expect(report.tables.published_crl_parts).toBe(3);
      expect(progress).toContain('audit_log');

      const a = await openCaRepository(`sqlite:${sqlitePath}`);
      const b = await openCaRepository(d.url);
      closing.push(a, b);
      expect(await b.getCaKey('issuing')).toEqual(await a.getCaKey('issuing'));
      expect(await b.listIssuers()).toEqual(await a.listIssuers());
      expect(await b.getSetting('status-kek')).toBe('{"n":1}');
      expect(await b.listTimestampSigners()).toEqual(await a.listTimestampSigners());
      expect((await b.listTimestampSigners()).map((t) => t.serialHex)).toEqual(['0c']);
      expect(await b.getApplication('copy-app')).toEqual(await a.getApplication('copy-app'));
      expect(await b.getStatusHistory('copy-app')).toEqual(await a.getStatusHistory('copy-app'));
      expect(await b.listCertificates({ applicationId: 'copy-app' })).toEqual(
        await a.listCertificates({ applicationId: 'copy-app' }),
      );
      expect(await b.revocationSeq()).toBe(await a.revocationSeq());
      expect(await b.listRevocationChangesSince(ISSUER, 0)).toEqual(
        await a.listRevocationChangesSince(ISSUER, 0),
      );
      expect(await b.getSession('tok')).toEqual(await a.getSession('tok'));
      expect(await b.beginIdempotent('issue', 'k', 'h', new Date())).toEqual({
        state: 'replay',
        statusCode: 201,
        body: { ok: 1 },
      });
      expect(Buffer.from((await b.getPublishedCrl(ISSUER, 'full'))!.der).equals(big)).toBe(true);
      expect(await b.getPublishedCrlHeader(ISSUER, 'delta')).toEqual(
        await a.getPublishedCrlHeader(ISSUER, 'delta'),
      );
      expect(await b.listAudit('test')).toEqual(await a.listAudit('test'));
      expect(await b.verifyAuditChain()).toBeUndefined();
      // Numbering goes on where SQLite stopped; new entries chain on.
      expect(await b.nextCrlNumber(ISSUER)).toBe(3n);
      expect(
        (
          await b.changeCertificateStatus({
            issuerSkiHex: ISSUER,
            serialHex: '0b',
            change: 'released',
            at: new Date(),
            audit: AUDIT,
          })
        )?.status,
      ).toBe('good');
      expect(await b.revocationSeq()).toBe(3);
      expect(await b.verifyAuditChain()).toBeUndefined();
      const status = await openStatusRepository(d.url, { onError: () => {} });
      closing.push(status);
      expect((await status.getCertificateStatus(ISSUER, '0a'))?.status).toBe('revoked');

      await expect(copySqliteToPostgres(sqlitePath, pgStore)).rejects.toSatisfy((e) =>
        isCaStoreError(e, 'ERR_STORE_NOT_EMPTY'),
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
