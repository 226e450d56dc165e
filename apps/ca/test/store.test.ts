/**
 * The SQLite store: migrations, append-only tables and the audit hash chain, unique serials and
 * keys, the contract with the status service (serial lookup in any hex form, paged full CRL,
 * net delta changes, a revocation sequence visible to another connection as soon as the revocation
 * returns, atomic CRL numbers), and the CA keys encrypted at rest.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { signData } from '@kzpki/pki';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initCa } from '../src/ca/init-ca.js';
import { loadCaMaterial } from '../src/ca/material.js';
import { isCaError } from '../src/errors.js';
import { openCaStore, type SqliteCaRepository } from '../src/store/sqlite-repository.js';
import { type CertificateRecord, normalizeSerialHex } from '../src/store/types.js';

let dir: string;
let store: SqliteCaRepository;
const ISSUER = 'aa'.repeat(20);

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

describe('schema', () => {
  it('migrates once; reopening applies nothing', async () => {
    const again = openCaStore(join(dir, 'ca.sqlite'));
    const rows = again.db.prepare('SELECT version FROM schema_migrations').all();
    expect(rows).toEqual([{ version: 1 }]);
    expect(again.db.pragma('journal_mode', { simple: true })).toBe('wal');
    await again.close();
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
    }
    expect(await store.getCertificateBySerial('bb'.repeat(20), '8f00aa')).toBeUndefined();
    expect(normalizeSerialHex('0')).toBe('00');
    expect(normalizeSerialHex('000001')).toBe('01');
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
    const rec = await store.getCertificateBySerial(ISSUER, 'a1');
    expect(rec?.revokedAt?.toISOString()).toBe('2025-06-01T12:34:56.000Z');

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
    const reader = openCaStore(join(dir, 'ca.sqlite'), { readonly: true });
    await insert(cert('c1'));
    const before = await reader.revocationSeq();
    await revoke('c1', 'revoked', 'keyCompromise');
    expect(await reader.revocationSeq()).toBe(before + 1);
    expect((await reader.getCertificateBySerial(ISSUER, 'c1'))?.status).toBe('revoked');
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
  });
});

describe('CA keys at rest', () => {
  it('are encrypted under the passphrase; a wrong passphrase or a moved key fails', async () => {
    const d = mkdtempSync(join(tmpdir(), 'kzpki-keys-'));
    const s = openCaStore(join(d, 'ca.sqlite'));
    try {
      const first = await initCa(s, {
        passphrase: 'correct horse',
        statusBaseUrl: 'http://127.0.0.1:8081',
        keyAlgorithms: {
          root: 'ECDSA-P256',
          issuing: 'ECDSA-P256',
          'ocsp-responder': 'ECDSA-P256',
          operator: 'ECDSA-P256',
        },
      });
      expect(first.created).toEqual(['root', 'issuing', 'ocsp-responder', 'operator']);
      const m = await loadCaMaterial(s, { passphrase: 'correct horse' });
      expect(m.issuing.privateKey.extractable).toBe(false);
      expect(m.issuing.skiHex).toBe(first.material.issuing.skiHex);
      expect((await signData(m.issuing.privateKey, new Uint8Array([1, 2, 3]))).length).toBeGreaterThan(0);
      const raw = JSON.stringify(s.db.prepare('SELECT encrypted_key FROM ca_keys').all());
      expect(raw).not.toMatch(/PRIVATE KEY|MII/);
      await expect(loadCaMaterial(s, { passphrase: 'wrong' })).rejects.toSatisfy((e) =>
        isCaError(e, 'ERR_UNAUTHORIZED'),
      );
      // Move the root's ciphertext into the issuing slot: the slot binding (AAD) refuses it.
      s.db.exec(
        "UPDATE ca_keys SET encrypted_key = (SELECT encrypted_key FROM ca_keys WHERE name = 'root') WHERE name = 'issuing'",
      );
      await expect(loadCaMaterial(s, { passphrase: 'correct horse' })).rejects.toSatisfy((e) =>
        isCaError(e, 'ERR_UNAUTHORIZED'),
      );
    } finally {
      await s.close();
      rmSync(d, { recursive: true, force: true });
    }
  });

  it('renews the OCSP responder certificate when it nears its end, keeping the CA keys', async () => {
    const d = mkdtempSync(join(tmpdir(), 'kzpki-renew-'));
    const s = openCaStore(join(d, 'ca.sqlite'));
    try {
      const algs = {
        root: 'ECDSA-P256',
        issuing: 'ECDSA-P256',
        'ocsp-responder': 'ECDSA-P256',
        operator: 'ECDSA-P256',
      } as const;
      const base = { passphrase: 'p', statusBaseUrl: 'http://127.0.0.1:8081', keyAlgorithms: algs };
      const first = await initCa(s, base);
      const later = new Date(Date.now() + 70 * 86_400_000);
      const second = await initCa(s, { ...base, now: () => later });
      expect(second.created).toEqual([]);
      expect(second.renewed).toEqual(['ocsp-responder']);
      expect(second.material.ocspResponder.serialHex).not.toBe(first.material.ocspResponder.serialHex);
      expect(second.material.issuing.serialHex).toBe(first.material.issuing.serialHex);
    } finally {
      await s.close();
      rmSync(d, { recursive: true, force: true });
    }
  });
});
