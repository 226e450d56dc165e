/**
 * The store side of issue 10 #6 and #7 on both stores: certificates issued outside the flow
 * (operators), the audit head and pages, and signed checkpoints that are append-only.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { type AuditCheckpointRecord, type CertificateRecord, isCaStoreError } from '../src/index.js';
import { postgresForTests } from '../src/testing/pg-test-database.js';
import { pgHarness, type StoreHarness, sqliteHarness } from './support/store-harness.js';

const ISSUER = '7c'.repeat(20);

function operatorCertificate(n: number): CertificateRecord {
  return {
    serialHex: (0x7000 + n).toString(16),
    issuerSkiHex: ISSUER,
    status: 'good',
    notBefore: new Date('2026-01-01T00:00:00Z'),
    notAfter: new Date('2027-01-01T00:00:00Z'),
    der: new Uint8Array([0x30, 0x01, n]),
    spkiSha256: `e${n}`.padStart(64, '0'),
    subject: `CN=OPERATOR ${n}`,
    skiHex: n.toString(16).padStart(40, '0'),
    kind: 'service',
    purpose: 'auth',
    iin: '971122303339',
    createdAt: new Date(),
  };
}

function checkpoint(seq: number, auditId: number, auditHash: string, entries: number): AuditCheckpointRecord {
  return {
    seq,
    auditId,
    auditHash,
    entries,
    at: new Date('2026-06-01T12:00:00.000Z'),
    document: `{"seq":${seq}}`,
    signature: new Uint8Array([1, 2, seq]),
    signerCertificate: new Uint8Array([0x30, 0x00]),
  };
}

function suite(h: StoreHarness): void {
  describe(`audit checkpoints and operator certificates on ${h.name}`, () => {
    afterAll(() => h.cleanup());

    it('stores an operator certificate with its audit entry; it is revocable', async () => {
      const store = await h.fresh();
      const c = operatorCertificate(1);
      await store.putCertificate(c, {
        actor: 'ca-admin',
        action: 'operator.issued',
        entity: `certificate:${c.serialHex}`,
      });
      expect((await store.getCertificate(c.serialHex))?.kind).toBe('service');
      expect((await store.listAudit(`certificate:${c.serialHex}`)).map((e) => e.action)).toEqual([
        'operator.issued',
      ]);
      const revoked = await store.changeCertificateStatus({
        issuerSkiHex: ISSUER,
        serialHex: c.serialHex,
        change: 'revoked',
        at: new Date(),
        reason: 'superseded',
        audit: { actor: 'ca-admin', action: 'operator.revoked', entity: `certificate:${c.serialHex}` },
      });
      expect(revoked?.status).toBe('revoked');
      await expect(store.putCertificate(c, { actor: 'x', action: 'again', entity: 'x' })).rejects.toSatisfy(
        (e: unknown) => isCaStoreError(e, 'ERR_DUPLICATE'),
      );
    });

    it('reads the head and pages of the log, and keeps append-only checkpoints', async () => {
      const store = await h.fresh();
      expect(await store.auditHead()).toBeUndefined();
      for (let i = 0; i < 5; i++) await store.appendAudit({ actor: 'test', action: `a${i}`, entity: 'e' });
      const head = await store.auditHead();
      expect(head?.entries).toBe(5);
      const all = await store.listAuditPage(0, 100);
      expect(all.map((e) => e.action)).toEqual(['a0', 'a1', 'a2', 'a3', 'a4']);
      expect(head).toMatchObject({ id: all[4]!.id, hash: all[4]!.hash });
      expect((await store.listAuditPage(all[1]!.id, 2)).map((e) => e.action)).toEqual(['a2', 'a3']);

      await store.appendAuditCheckpoint(checkpoint(1, all[2]!.id, all[2]!.hash, 3));
      await store.appendAuditCheckpoint(checkpoint(2, head!.id, head!.hash, 5));
      await expect(store.appendAuditCheckpoint(checkpoint(2, head!.id, head!.hash, 5))).rejects.toSatisfy(
        (e: unknown) => isCaStoreError(e, 'ERR_DUPLICATE'),
      );
      const listed = await store.listAuditCheckpoints();
      expect(listed).toEqual([
        checkpoint(1, all[2]!.id, all[2]!.hash, 3),
        checkpoint(2, head!.id, head!.hash, 5),
      ]);
      // Append-only: neither rewritten nor deleted (without dropping the triggers).
      await expect(
        h.sql(store, 'UPDATE audit_checkpoints SET audit_hash = ? WHERE seq = 1', ['x']),
      ).rejects.toThrow(/append-only/);
      await expect(h.sql(store, 'DELETE FROM audit_checkpoints WHERE seq = 2')).rejects.toThrow(
        /append-only/,
      );
    });
  });
}

suite(sqliteHarness());
const pgProbe = await postgresForTests('ca-store audit checkpoints');
if (pgProbe.available) suite(pgHarness());
else describe.skip(`audit checkpoints on PostgreSQL (${pgProbe.reason})`, () => it('runs', () => {}));
