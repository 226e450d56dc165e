/**
 * The SQLite store: migrations, append-only tables and the audit hash chain, unique serials and
 * keys, the revocation data (serial lookup in any hex form, paged full list, net delta changes, a
 * revocation sequence visible to another connection as soon as the revocation returns, atomic CRL
 * numbers), published CRLs, and the status service's read-only view of it.
 */
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type CertificateRecord,
  CRL_PART_BYTES,
  CRLS_KEPT,
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

  it('keeps the audit log, the status history and revocation events append-only', async () => {
    await store.appendAudit({ actor: 'test', action: 'test.entry', entity: 'x' });
    await insert(cert('f1'));
    await revoke('f1', 'hold');
    store.db.exec(`INSERT INTO applications (id, kind, template, iin, status, created_at, updated_at, expires_at, data)
      VALUES ('app1', 'individual', 'individual', '850315300128', 'otp-sent', 'x', 'x', 'x', '{}')`);
    store.db.exec(
      "INSERT INTO application_history (application_id, status, at, actor) VALUES ('app1', 'otp-sent', 'x', 'test')",
    );
    for (const sql of [
      "UPDATE audit_log SET actor = 'mallory'",
      'DELETE FROM audit_log',
      "UPDATE revocation_events SET actor = 'mallory'",
      'DELETE FROM revocation_events',
      "UPDATE application_history SET actor = 'mallory'",
      'DELETE FROM application_history',
      'DELETE FROM certificates',
    ]) {
      expect(() => store.db.exec(sql), sql).toThrow(/append-only|never deleted/);
    }
  });
});

describe('certificates and revocation', () => {
  it('enforces unique serials and keys in the database', async () => {
    await insert(cert('0101'));
    await expect(insert(cert('0101'))).rejects.toThrow(
      /UNIQUE constraint failed: certificates\.serial_hex|certificates\.issuer_ski_hex/,
    );
    const dupKey = cert('0102');
    dupKey.spkiSha256 = (await store.getCertificate('0101'))!.spkiSha256;
    await expect(insert(dupKey)).rejects.toThrow(/UNIQUE constraint failed: certificates\.spki_sha256/);
  });

  it('finds a certificate by any hex form of its serial', async () => {
    await insert(cert('8f00aa'));
    for (const s of ['8f00aa', '8F00AA', '008f00aa', '00:8f:00:aa']) {
      expect((await store.getCertificateBySerial(ISSUER.toUpperCase(), s))?.serialHex, s).toBe('8f00aa');
      expect((await store.getCertificateStatus(ISSUER.toUpperCase(), s))?.serialHex, s).toBe('8f00aa');
    }
    expect(await store.getCertificateBySerial('bb'.repeat(20), '8f00aa')).toBeUndefined();
    // Not hex: nothing found, nothing thrown.
    expect(await store.getCertificateStatus(ISSUER, 'zz')).toBeUndefined();
    // The status record carries no certificate bytes.
    expect(await store.getCertificateStatus(ISSUER, '8f00aa')).not.toHaveProperty('der');
  });

  it('revokes, holds and releases with the right transitions; each bumps the sequence', async () => {
    for (const s of ['a1', 'a2', 'a3', 'a4', 'a5']) await insert(cert(s));
    const seq0 = await store.revocationSeq();
    expect((await revoke('a1', 'revoked', 'keyCompromise'))?.status).toBe('revoked');
    expect(await revoke('a1', 'revoked', 'keyCompromise')).toBeUndefined();
    expect(await revoke('a1', 'hold')).toBeUndefined();
    expect(await revoke('a2', 'released')).toBeUndefined();
    expect((await revoke('a2', 'hold'))?.reason).toBe('certificateHold');
    const mid = await store.revocationSeq();
    expect((await revoke('a2', 'released'))?.status).toBe('good');
    expect((await revoke('a3', 'hold'))?.status).toBe('hold');
    expect((await revoke('a3', 'revoked', 'keyCompromise'))?.status).toBe('revoked');
    expect(await store.revocationSeq()).toBe(seq0 + 5);
    const rec = await store.getCertificateStatus(ISSUER, 'a1');
    expect(rec?.revokedAt?.toISOString()).toBe('2025-06-01T12:34:56.000Z');
    expect(rec).toMatchObject({ status: 'revoked', reason: 'keyCompromise' });

    const all = await store.listRevocationChangesSince(ISSUER, seq0);
    expect(all.map((c) => [c.serialHex, c.change, c.status]).sort()).toEqual([
      ['a1', 'revoked', 'revoked'],
      ['a2', 'released', 'good'],
      ['a3', 'revoked', 'revoked'],
    ]);
    const since = await store.listRevocationChangesSince(ISSUER, mid);
    expect(since.map((c) => c.serialHex).sort()).toEqual(['a2', 'a3']);
  });

  it('streams the full list in pages', async () => {
    const paged = openCaStore(join(dir, 'ca.sqlite'), { pageSize: 2 });
    for (const s of ['b1', 'b2', 'b3', 'b4', 'b5']) {
      await insert(cert(s));
      await revoke(s, 'revoked', 'keyCompromise');
    }
    const seen: string[] = [];
    for await (const e of paged.listRevoked(ISSUER)) seen.push(e.serialHex);
    expect(seen).toEqual(expect.arrayContaining(['a1', 'a3', 'b1', 'b2', 'b3', 'b4', 'b5']));
    expect(seen).not.toContain('a2');
    expect(new Set(seen).size).toBe(seen.length);
    await paged.close();
  });

  it('another connection sees a revocation as soon as the call returned', async () => {
    const reader = openStatusStore(join(dir, 'ca.sqlite'));
    await insert(cert('c1'));
    const before = await reader.revocationSeq();
    expect(await reader.revocationSeq()).toBe(before); // unchanged data_version: the cached value
    await revoke('c1', 'revoked', 'keyCompromise');
    expect(await reader.revocationSeq()).toBe(before + 1);
    expect((await reader.getCertificateStatus(ISSUER, 'c1'))?.status).toBe('revoked');
    await reader.close();
  });

  it('allocates CRL numbers atomically across connections', async () => {
    const other = openCaStore(join(dir, 'ca.sqlite'));
    const got = [];
    for (let i = 0; i < 4; i++) got.push(await (i % 2 ? other : store).nextCrlNumber(ISSUER));
    expect(got).toEqual([1n, 2n, 3n, 4n]);
    expect(await store.nextCrlNumber('cc'.repeat(20))).toBe(1n);
    await other.close();
  });

  it('chains the audit log so that a rewrite shows', async () => {
    expect(await store.verifyAuditChain()).toBeUndefined();
    store.db.exec('DROP TRIGGER audit_log_no_update');
    const victim = store.db.prepare('SELECT id FROM audit_log ORDER BY id LIMIT 1 OFFSET 2').get() as {
      id: number;
    };
    store.db.prepare("UPDATE audit_log SET actor = 'mallory' WHERE id = ?").run(victim.id);
    expect(await store.verifyAuditChain()).toBe(victim.id);
    store.db.prepare("UPDATE audit_log SET actor = 'test' WHERE id = ?").run(victim.id);
  });
});

describe('published CRLs', () => {
  it('serves the highest number of each kind; an older CRL never replaces a newer one', async () => {
    expect(await store.getPublishedCrl(ISSUER, 'full')).toBeUndefined();
    expect(await store.publishCrl(crl('full', 10n))).toBe(true);
    expect(await store.publishCrl(crl('delta', 11n))).toBe(true);
    expect(await store.publishCrl(crl('full', 9n))).toBe(false);
    expect(await store.publishCrl(crl('full', 10n))).toBe(false);
    const full = await store.getPublishedCrl(ISSUER.toUpperCase(), 'full');
    expect(full).toMatchObject({ crlNumber: 10n, entries: 10, revocationSeq: 7 });
    expect(full?.der).toEqual(new Uint8Array([0x30, 10]));
    expect(full?.baseCrlNumber).toBeUndefined();
    const delta = await store.getPublishedCrlHeader(ISSUER, 'delta');
    expect(delta).toMatchObject({ crlNumber: 11n, baseCrlNumber: 10n, kind: 'delta' });
    expect(delta).not.toHaveProperty('der');
    // Numbers beyond 2^53 survive (cRLNumber may be up to 20 octets; SQLite keeps 64 bits).
    expect(await store.publishCrl(crl('full', 2n ** 62n))).toBe(true);
    expect((await store.getPublishedCrlHeader(ISSUER, 'full'))?.crlNumber).toBe(2n ** 62n);
  });

  it(`keeps the newest ${CRLS_KEPT} of each issuer and kind`, async () => {
    const issuer = 'dd'.repeat(20);
    for (let i = 1n; i <= 5n; i++) await store.publishCrl(crl('full', i, { issuerSkiHex: issuer }));
    const kept = store.db
      .prepare('SELECT crl_number FROM published_crls WHERE issuer_ski_hex = ? ORDER BY crl_number')
      .pluck()
      .all(issuer);
    expect(kept).toEqual([4, 5]);
  });

  it('stores a large CRL in parts and reads it back whole; unfinished writes are never served', async () => {
    const issuer = 'ee'.repeat(20);
    const big = new Uint8Array(CRL_PART_BYTES * 2 + 12345).map((_, i) => (i * 7919) % 251);
    expect(await store.publishCrl(crl('full', 1n, { issuerSkiHex: issuer, der: big }))).toBe(true);
    const parts = store.db
      .prepare('SELECT COUNT(*) FROM published_crl_parts WHERE issuer_ski_hex = ? AND crl_number = 1')
      .pluck()
      .get(issuer);
    expect(parts).toBe(3);
    expect((await store.getPublishedCrl(issuer, 'full'))?.der).toEqual(big);
    const reader = openStatusStore(join(dir, 'ca.sqlite'));
    try {
      expect((await reader.getPublishedCrl(issuer, 'full'))?.der).toEqual(big);

      // A writer that a newer CRL overtakes while it writes its parts gives up and leaves nothing.
      const slow = store.publishCrl(crl('full', 10n, { issuerSkiHex: issuer, der: big }));
      const other = openCaStore(join(dir, 'ca.sqlite'));
      expect(await other.publishCrl(crl('full', 11n, { issuerSkiHex: issuer }))).toBe(true);
      await other.close();
      expect(await slow).toBe(false);
      expect((await reader.getPublishedCrlHeader(issuer, 'full'))?.crlNumber).toBe(11n);
      const left = store.db
        .prepare('SELECT crl_number FROM published_crls WHERE issuer_ski_hex = ? ORDER BY crl_number')
        .pluck()
        .all(issuer);
      expect(left).toEqual([1, 11]);

      // A crash mid-write (a header without its parts, never completed): invisible, then cleaned up.
      store.db
        .prepare(
          `INSERT INTO published_crls (issuer_ski_hex, kind, crl_number, this_update, next_update, entries,
             revocation_seq, size, parts, complete, published_at) VALUES (?, 'full', 12, 'x', 'x', 0, 0, 5, 1, 0, 'x')`,
        )
        .run(issuer);
      expect((await reader.getPublishedCrlHeader(issuer, 'full'))?.crlNumber).toBe(11n);
      expect(await store.publishCrl(crl('full', 13n, { issuerSkiHex: issuer }))).toBe(true);
      expect(
        store.db
          .prepare('SELECT crl_number FROM published_crls WHERE issuer_ski_hex = ? ORDER BY crl_number')
          .pluck()
          .all(issuer),
      ).toEqual([11, 13]);
      expect(
        store.db
          .prepare('SELECT COUNT(*) FROM published_crl_parts WHERE issuer_ski_hex = ?')
          .pluck()
          .get(issuer),
      ).toBe(2);
    } finally {
      await reader.close();
    }
  });

  it('refuses a delta without a base, or a full CRL with one (schema)', async () => {
    await expect(
      store.publishCrl({ ...crl('delta', 2n ** 62n + 1n), baseCrlNumber: undefined }),
    ).rejects.toThrow(/CHECK constraint failed/);
    await expect(store.publishCrl({ ...crl('full', 2n ** 62n + 2n), baseCrlNumber: 1n })).rejects.toThrow(
      /CHECK constraint failed/,
    );
  });
});

describe('the status service view', () => {
  it('is read-only and exposes the status interface only', async () => {
    const reader = openStatusStore(join(dir, 'ca.sqlite'));
    try {
      expect(() => reader.db.exec("INSERT INTO settings VALUES ('x', 'y')")).toThrow(/readonly/);
      for (const method of ['getCaKey', 'getSetting', 'getSession', 'listAudit', 'changeCertificateStatus']) {
        expect(method in reader, method).toBe(false);
      }
      expect((await reader.getPublishedCrlHeader(ISSUER, 'delta'))?.crlNumber).toBe(11n);
    } finally {
      await reader.close();
    }
  });

  it('works on a copy of the store without the CA key table and settings', async () => {
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
