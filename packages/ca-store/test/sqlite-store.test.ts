/**
 * What only the SQLite store does (the contract itself is `store-contract.test.ts`, on both
 * stores): WAL, the upgrade from schema version 1, a revocation sequence another connection sees
 * as soon as the revocation returned (`PRAGMA data_version`), and the status service's read-only
 * view on a copy without the CA's tables.
 */
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type CertificateRecord,
  isCaStoreError,
  MIGRATIONS,
  openCaStore,
  openStatusStore,
  type PublishedCrlRecord,
  type SqliteCaRepository,
} from '../src/index.js';

let dir: string;
let store: SqliteCaRepository;
const ISSUER = 'aa'.repeat(20);
const LATEST = MIGRATIONS[MIGRATIONS.length - 1]!.version;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'kzpki-store-'));
  store = openCaStore(join(dir, 'ca.sqlite'));
});
afterAll(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

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
    spkiSha256: n.toString(16).padStart(64, '0'),
    subject: `CN=TEST ${n}`,
    skiHex: n.toString(16).padStart(40, '0'),
    kind: 'end-entity',
    createdAt: new Date(),
    ...extra,
  };
}

async function insert(c: CertificateRecord): Promise<void> {
  await store.putCaKey(
    {
      name: 'operator',
      certificate: c.der,
      skiHex: c.skiHex,
      serialHex: c.serialHex,
      encryptedKey: '{}',
      createdAt: new Date(),
    },
    c,
    { actor: 'test', action: 'test.insert', entity: `certificate:${c.serialHex}` },
    { replace: true },
  );
}

const revoke = (serialHex: string, change: 'revoked' | 'hold' | 'released', reason?: 'keyCompromise') =>
  store.changeCertificateStatus({
    issuerSkiHex: ISSUER,
    serialHex,
    change,
    at: new Date('2025-06-01T12:34:56.789Z'),
    ...(reason ? { reason } : {}),
    audit: { actor: 'test', action: `test.${change}`, entity: `certificate:${serialHex}` },
  });

function crl(
  kind: 'full' | 'delta',
  crlNumber: bigint,
  extra: Partial<PublishedCrlRecord> = {},
): PublishedCrlRecord {
  return {
    issuerSkiHex: ISSUER,
    kind,
    crlNumber,
    ...(kind === 'delta' ? { baseCrlNumber: crlNumber - 1n } : {}),
    thisUpdate: new Date('2026-01-01T00:00:00Z'),
    nextUpdate: new Date('2026-01-02T00:00:00Z'),
    entries: Number(crlNumber),
    revocationSeq: 7,
    der: new Uint8Array([0x30, Number(crlNumber)]),
    publishedAt: new Date(),
    ...extra,
  };
}

describe('schema', () => {
  it('migrates once; reopening applies nothing', async () => {
    const again = openCaStore(join(dir, 'ca.sqlite'));
    const rows = again.db.prepare('SELECT version FROM schema_migrations ORDER BY version').all();
    expect(rows).toEqual(MIGRATIONS.map((m) => ({ version: m.version })));
    expect(again.db.pragma('journal_mode', { simple: true })).toBe('wal');
    await again.close();
  });

  it('upgrades a version-1 store: the CA-KEK responder key slot is dropped, the rest kept', async () => {
    const d = mkdtempSync(join(tmpdir(), 'kzpki-store-v1-'));
    try {
      const path = join(d, 'ca.sqlite');
      const db = new Database(path);
      db.exec(
        'CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL) STRICT',
      );
      db.exec(MIGRATIONS[0]!.sql);
      db.prepare('INSERT INTO schema_migrations VALUES (1, ?, ?)').run(MIGRATIONS[0]!.name, 'x');
      const key = db.prepare('INSERT INTO ca_keys VALUES (?, ?, ?, ?, ?, ?)');
      key.run('ocsp-responder', Buffer.from([1]), 'ab', '01', '{}', 'x');
      key.run('issuing', Buffer.from([2]), 'cd', '02', '{}', 'x');
      db.close();
      // The status service refuses a store the CA has not upgraded yet.
      expect(() => openStatusStore(path)).toThrow(/start the CA once/);
      const upgraded = openCaStore(path);
      expect(upgraded.db.prepare('SELECT name FROM ca_keys').pluck().all()).toEqual(['issuing']);
      expect(await upgraded.listIssuers()).toEqual([]);
      await upgraded.close();
      const reader = openStatusStore(path);
      expect(await reader.revocationSeq()).toBe(0);
      await reader.close();
    } finally {
      rmSync(d, { recursive: true, force: true });
    }
  });

  it('upgrades a version-5 store (migration 6): rows kept, GOST key slots and auth+sign certificates accepted', async () => {
    const d = mkdtempSync(join(tmpdir(), 'kzpki-store-v5-'));
    try {
      const path = join(d, 'ca.sqlite');
      const db = new Database(path);
      db.pragma('foreign_keys = ON');
      db.exec(
        'CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL) STRICT',
      );
      for (const m of MIGRATIONS.filter((x) => x.version <= 5)) {
        db.exec(m.sql);
        db.prepare('INSERT INTO schema_migrations VALUES (?, ?, ?)').run(m.version, m.name, 'x');
      }
      db.prepare('INSERT INTO ca_keys VALUES (?, ?, ?, ?, ?, ?)').run(
        'issuing',
        Buffer.from([2]),
        'cd',
        '02',
        '{}',
        'x',
      );
      // Before migration 6 neither a GOST key slot nor the purpose auth+sign fit.
      expect(() =>
        db
          .prepare('INSERT INTO ca_keys VALUES (?, ?, ?, ?, ?, ?)')
          .run('gost-root', Buffer.from([3]), 'ef', '03', '{}', 'x'),
      ).toThrow(/CHECK/);
      db.close();
      const upgraded = openCaStore(path);
      try {
        expect(upgraded.db.prepare('SELECT name FROM ca_keys').pluck().all()).toEqual(['issuing']);
        const old = cert('0a01', { purpose: 'sign' });
        await upgraded.putCertificate(old, { actor: 'test', action: 'test', entity: 'certificate:0a01' });
        const gost = cert('0a02', { purpose: 'auth+sign' });
        await upgraded.putCaKey(
          {
            name: 'gost-issuing',
            certificate: gost.der,
            skiHex: gost.skiHex,
            serialHex: '0a02',
            encryptedKey: '{}',
            createdAt: new Date(),
          },
          gost,
          { actor: 'test', action: 'test', entity: 'ca-key:gost-issuing' },
        );
        expect((await upgraded.getCertificate('0a02'))?.purpose).toBe('auth+sign');
        expect((await upgraded.getCaKey('gost-issuing'))?.serialHex).toBe('0a02');
        // The rebuilt certificate table keeps its guards.
        expect(() => upgraded.db.prepare("DELETE FROM certificates WHERE serial_hex = '0a01'").run()).toThrow(
          /never deleted/,
        );
        expect(() =>
          upgraded.db.prepare("UPDATE certificates SET der = x'00' WHERE serial_hex = '0a01'").run(),
        ).toThrow(/immutable/);
        expect(() =>
          upgraded.db.prepare("UPDATE certificates SET purpose = 'both' WHERE serial_hex = '0a01'").run(),
        ).toThrow(/CHECK/);
      } finally {
        await upgraded.close();
      }
    } finally {
      rmSync(d, { recursive: true, force: true });
    }
  });

  it('refuses a store written by a newer version', async () => {
    const d = mkdtempSync(join(tmpdir(), 'kzpki-store-new-'));
    try {
      const path = join(d, 'ca.sqlite');
      await openCaStore(path).close();
      const db = new Database(path);
      db.prepare('INSERT INTO schema_migrations VALUES (?, ?, ?)').run(LATEST + 1, 'future', 'x');
      db.close();
      expect(() => openCaStore(path)).toThrow(expect.objectContaining({ code: 'ERR_SCHEMA_TOO_NEW' }));
      expect(() => openStatusStore(path)).toThrow(expect.objectContaining({ code: 'ERR_SCHEMA_TOO_NEW' }));
      let error: unknown;
      try {
        openStatusStore(join(d, 'missing.sqlite'));
      } catch (e) {
        error = e;
      }
      expect(isCaStoreError(error, 'ERR_STORE_OPEN')).toBe(true);
    } finally {
      rmSync(d, { recursive: true, force: true });
    }
  });
});

describe('the revocation sequence', () => {
  it('another connection sees a revocation as soon as the call returned', async () => {
    const reader = openStatusStore(join(dir, 'ca.sqlite'));
    await insert(cert('c1'));
    const before = await reader.revocationSeq();
    expect(await reader.revocationSeq()).toBe(before); // unchanged data_version: the cached value
    await revoke('c1', 'revoked', 'keyCompromise');
    expect(await reader.revocationSeq()).toBe(before + 1);
    expect((await reader.getCertificateStatus(ISSUER, 'c1'))?.status).toBe('revoked');
    // Known synchronously (the OCSP fast path asks this way).
    expect(reader.revocationSeqNow()).toBe(before + 1);
    await reader.close();
  });
});

describe('the status service view', () => {
  it('is read-only', async () => {
    const reader = openStatusStore(join(dir, 'ca.sqlite'));
    try {
      expect(() => reader.db.exec("INSERT INTO settings VALUES ('x', 'y')")).toThrow(/readonly/);
      for (const method of ['getCaKey', 'getSetting', 'getSession', 'listAudit', 'changeCertificateStatus']) {
        expect(method in reader, method).toBe(false);
      }
    } finally {
      await reader.close();
    }
  });

  it('works on a copy of the store without the CA key table and settings', async () => {
    await insert(cert('a1'));
    await revoke('a1', 'revoked', 'keyCompromise');
    expect(await store.publishCrl(crl('full', 2n ** 62n))).toBe(true);
    const copy = join(dir, 'no-ca-keys.sqlite');
    store.db.pragma('wal_checkpoint(TRUNCATE)');
    copyFileSync(join(dir, 'ca.sqlite'), copy);
    const db = new Database(copy);
    db.exec('DROP TABLE ca_keys; DROP TABLE settings; DROP TABLE sessions; DROP TABLE audit_log');
    db.close();
    const reader = openStatusStore(copy);
    try {
      expect((await reader.getCertificateStatus(ISSUER, 'a1'))?.status).toBe('revoked');
      expect(await reader.revocationSeq()).toBe(await store.revocationSeq());
      expect((await reader.listRevocationChangesSince(ISSUER, 0)).length).toBeGreaterThan(0);
      expect((await reader.getPublishedCrl(ISSUER, 'full'))?.crlNumber).toBe(2n ** 62n);
      expect(await reader.listIssuers()).toEqual([]);
      expect(await reader.getApplicationStatus('00000000000000')).toBeUndefined();
    } finally {
      await reader.close();
    }
  });
});
