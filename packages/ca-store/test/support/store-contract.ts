/**
 * The store contract as one suite, run against every implementation (`store-contract.test.ts`):
 * schema and append-only tables, certificates and revocation data (serials in any hex form, the
 * revocation sequence, paged full lists, net delta changes), CRL numbers, published CRLs (parts,
 * an older CRL never replacing a newer one, unfinished writes), applications and their guarded
 * updates, issuance and decisions, sessions, challenges, idempotency, settings and CA key slots,
 * the audit chain, node liveness and exclusive locks, and the status service's read-only view.
 * The concurrency cases run over two connections to the same store, as two processes would.
 */
import { takeTokens } from '@kzpki/server-kit';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ApplicationRecord,
  type CaRepository,
  type CertificateRecord,
  CRL_PART_BYTES,
  CRLS_KEPT,
  isCaStoreError,
  isDuplicate,
  type PublishedCrlRecord,
  type StatusStore,
} from '../../src/index.js';
import type { StoreHarness } from './store-harness.js';

const ISSUER = 'aa'.repeat(20);
const AUDIT = { actor: 'test', action: 'test.write', entity: 'test' };
let n = 0;

function cert(serialHex: string, extra: Partial<CertificateRecord> = {}): CertificateRecord {
  n++;
  return {
    serialHex,
    issuerSkiHex: ISSUER,
    status: 'good',
    notBefore: new Date('2025-01-01T00:00:00Z'),
    notAfter: new Date('2026-01-01T00:00:00Z'),
    der: new Uint8Array([0x30, n & 0xff, n >> 8]),
    spkiSha256: n.toString(16).padStart(64, '0'),
    subject: `CN=TEST ${n}`,
    skiHex: n.toString(16).padStart(40, '0'),
    kind: 'end-entity',
    createdAt: new Date(),
    ...extra,
  };
}

function application(id: string, extra: Partial<ApplicationRecord> = {}): ApplicationRecord {
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
    ...extra,
  };
}

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
    entries: Number(crlNumber % 1000n),
    revocationSeq: 7,
    der: new Uint8Array([0x30, Number(crlNumber % 200n)]),
    publishedAt: new Date(),
    ...extra,
  };
}

/** Records certificates outside any application (as the CA's own keys are). */
async function insert(store: CaRepository, c: CertificateRecord): Promise<void> {
  await store.putOcspResponder(
    {
      issuerSkiHex: `ff${c.serialHex}`.padEnd(40, '0'),
      certificate: c.der,
      serialHex: c.serialHex,
      skiHex: c.skiHex,
      notAfter: c.notAfter,
      encryptedKey: '{}',
      createdAt: new Date(),
    },
    c,
    { actor: 'test', action: 'test.insert', entity: `certificate:${c.serialHex}` },
  );
}

function change(
  store: CaRepository,
  serialHex: string,
  what: 'revoked' | 'hold' | 'released',
  reason?: 'keyCompromise',
) {
  return store.changeCertificateStatus({
    issuerSkiHex: ISSUER,
    serialHex,
    change: what,
    at: new Date('2025-06-01T12:34:56.789Z'),
    ...(reason ? { reason } : {}),
    audit: { actor: 'test', action: `test.${what}`, entity: `certificate:${serialHex}` },
  });
}

async function rejection(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (e) {
    return e;
  }
  throw new Error('expected a rejection');
}

async function eventually<T>(fn: () => Promise<T>, ok: (v: T) => boolean, ms = 3000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (ok(v) || Date.now() > until) return v;
    await new Promise((r) => setTimeout(r, 20));
  }
}

const nums = (rows: Array<Record<string, unknown>>, col: string) => rows.map((r) => Number(r[col]));

/** Runs the contract suite against one store implementation. */
export function describeStoreContract(h: StoreHarness): void {
  describe(`store contract on ${h.name}`, () => {
    let store: CaRepository;
    beforeAll(async () => {
      store = await h.fresh();
    });
    afterAll(() => h.cleanup());

    describe('schema', () => {
      it('is migrated once; opening again applies nothing', async () => {
        const again = await h.another(store);
        expect(
          nums(await h.sql(again, 'SELECT version FROM schema_migrations ORDER BY version'), 'version'),
        ).toEqual(h.migrationVersions);
        await again.close();
      });

      it('keeps the audit log, the status history and revocation events append-only, certificates undeleted', async () => {
        await store.appendAudit({ actor: 'test', action: 'test.entry', entity: 'x' });
        await insert(store, cert('f1'));
        await change(store, 'f1', 'hold');
        await store.createApplication(application('append-1'), 'test', AUDIT);
        for (const sql of [
          "UPDATE audit_log SET actor = 'mallory'",
          'DELETE FROM audit_log',
          "UPDATE revocation_events SET actor = 'mallory'",
          'DELETE FROM revocation_events',
          "UPDATE application_history SET actor = 'mallory'",
          'DELETE FROM application_history',
          'DELETE FROM certificates',
          "UPDATE certificates SET serial_hex = 'f2' WHERE serial_hex = 'f1'",
        ]) {
          const e = await rejection(h.sql(store, sql));
          expect(String(e), sql).toMatch(/append-only|never deleted|immutable/);
        }
      });
    });

    describe('certificates and revocation', () => {
      it('refuses a second certificate with a serial or a public key already certified (ERR_DUPLICATE)', async () => {
        await insert(store, cert('0101'));
        const dupSerial = await rejection(insert(store, cert('0101')));
        expect(isDuplicate(dupSerial, 'serial'), String(dupSerial)).toBe(true);
        const dupKey = cert('0102', { spkiSha256: (await store.getCertificate('0101'))!.spkiSha256 });
        const e = await rejection(insert(store, dupKey));
        expect(isDuplicate(e, 'public-key'), String(e)).toBe(true);
        // Nothing of the failed transaction stays (the responder row went with it).
        expect(await store.getCertificate('0102')).toBeUndefined();
        expect(await store.publicKeyCertified(dupKey.spkiSha256)).toBe(true);
        expect(await store.publicKeyCertified('ee'.repeat(32))).toBe(false);
      });

      it('finds a certificate by any hex form of its serial', async () => {
        await insert(store, cert('8f00aa'));
        for (const s of ['8f00aa', '8F00AA', '008f00aa', '00:8f:00:aa']) {
          expect((await store.getCertificateBySerial(ISSUER.toUpperCase(), s))?.serialHex, s).toBe('8f00aa');
          expect((await store.getCertificateStatus(ISSUER.toUpperCase(), s))?.serialHex, s).toBe('8f00aa');
          expect((await store.getCertificate(s))?.serialHex, s).toBe('8f00aa');
        }
        expect(await store.getCertificateBySerial('bb'.repeat(20), '8f00aa')).toBeUndefined();
        expect(await store.getCertificateStatus(ISSUER, 'zz')).toBeUndefined();
        expect(await store.getCertificateStatus(ISSUER, '8f00aa')).not.toHaveProperty('der');
        const full = await store.getCertificateBySerial(ISSUER, '8f00aa');
        expect(full?.der).toBeInstanceOf(Uint8Array);
        expect(full?.notBefore.toISOString()).toBe('2025-01-01T00:00:00.000Z');
      });

      it('revokes, holds and releases with the right transitions; each bumps the sequence once', async () => {
        for (const s of ['a1', 'a2', 'a3', 'a4', 'a5']) await insert(store, cert(s));
        const seq0 = await store.revocationSeq();
        expect((await change(store, 'a1', 'revoked', 'keyCompromise'))?.status).toBe('revoked');
        expect(await change(store, 'a1', 'revoked', 'keyCompromise')).toBeUndefined();
        expect(await change(store, 'a1', 'hold')).toBeUndefined();
        expect(await change(store, 'a2', 'released')).toBeUndefined();
        expect((await change(store, 'a2', 'hold'))?.reason).toBe('certificateHold');
        const mid = await store.revocationSeq();
        expect((await change(store, 'a2', 'released'))?.status).toBe('good');
        expect((await change(store, 'a3', 'hold'))?.status).toBe('hold');
        expect((await change(store, 'a3', 'revoked', 'keyCompromise'))?.status).toBe('revoked');
        expect(await store.revocationSeq()).toBe(seq0 + 5);
        const rec = await store.getCertificateStatus(ISSUER, 'a1');
        expect(rec?.revokedAt?.toISOString()).toBe('2025-06-01T12:34:56.000Z');
        expect(rec).toMatchObject({ status: 'revoked', reason: 'keyCompromise' });
        const released = await store.getCertificateStatus(ISSUER, 'a2');
        expect(released?.status).toBe('good');
        expect(released?.revokedAt).toBeUndefined();

        const all = await store.listRevocationChangesSince(ISSUER, seq0);
        expect(all.map((c) => [c.serialHex, c.change, c.status]).sort()).toEqual([
          ['a1', 'revoked', 'revoked'],
          ['a2', 'released', 'good'],
          ['a3', 'revoked', 'revoked'],
        ]);
        expect(all.map((c) => c.seq)).toEqual([...all.map((c) => c.seq)].sort((x, y) => x - y));
        const since = await store.listRevocationChangesSince(ISSUER, mid);
        expect(since.map((c) => c.serialHex).sort()).toEqual(['a2', 'a3']);
        // The audit entry of a revocation carries its sequence number.
        const audit = await store.listAudit('certificate:a3');
        expect(audit.at(-1)?.details.seq).toBe(seq0 + 5);
      });

      it('streams the full list in pages, in revocation order', async () => {
        const paged = await h.another(store, { pageSize: 2 });
        for (const s of ['b1', 'b2', 'b3', 'b4', 'b5']) {
          await insert(store, cert(s));
          await change(store, s, 'revoked', 'keyCompromise');
        }
        const seen: string[] = [];
        for await (const e of paged.listRevoked(ISSUER)) seen.push(e.serialHex);
        expect(seen).toEqual(expect.arrayContaining(['a1', 'a3', 'b1', 'b2', 'b3', 'b4', 'b5']));
        expect(seen.slice(-5)).toEqual(['b1', 'b2', 'b3', 'b4', 'b5']);
        expect(seen).not.toContain('a2');
        expect(new Set(seen).size).toBe(seen.length);
        await paged.close();
      });

      it('gives one revocation to one of two processes revoking the same certificate at once', async () => {
        const other = await h.another(store);
        await insert(store, cert('c0'));
        const seq0 = await store.revocationSeq();
        const results = await Promise.all(
          Array.from({ length: 8 }, (_, i) =>
            change(i % 2 ? other : store, 'c0', 'revoked', 'keyCompromise'),
          ),
        );
        expect(results.filter((r) => r !== undefined)).toHaveLength(1);
        expect(await store.revocationSeq()).toBe(seq0 + 1);
        await other.close();
      });

      it('numbers concurrent revocations of two processes without gaps or repeats', async () => {
        const other = await h.another(store);
        const serials = Array.from({ length: 12 }, (_, i) => `d${(i + 16).toString(16)}`);
        for (const s of serials) await insert(store, cert(s));
        const seq0 = await store.revocationSeq();
        await Promise.all(
          serials.map((s, i) => change(i % 2 ? other : store, s, 'revoked', 'keyCompromise')),
        );
        const changes = await store.listRevocationChangesSince(ISSUER, seq0);
        expect(changes.map((c) => c.seq).sort((x, y) => x - y)).toEqual(serials.map((_, i) => seq0 + i + 1));
        expect(await other.revocationSeq()).toBe(seq0 + serials.length);
        await other.close();
      });

      it("shows a revocation to the status service's view; its sequence moves within a second", async () => {
        const reader = await h.status(store);
        await insert(store, cert('c1'));
        const before = await reader.revocationSeq();
        expect(await reader.revocationSeq()).toBe(before);
        await change(store, 'c1', 'revoked', 'keyCompromise');
        expect((await reader.getCertificateStatus(ISSUER, 'c1'))?.status).toBe('revoked');
        expect(
          await eventually(
            () => reader.revocationSeq(),
            (s) => s === before + 1,
            1000,
          ),
        ).toBe(before + 1);
        expect(reader.revocationSeqNow?.()).toBe(before + 1);
        await reader.close();
      });

      it('allocates CRL numbers atomically across processes', async () => {
        const other = await h.another(store);
        const got = await Promise.all(
          Array.from({ length: 20 }, (_, i) => (i % 2 ? other : store).nextCrlNumber(ISSUER)),
        );
        expect([...got].sort((x, y) => (x < y ? -1 : 1))).toEqual(
          Array.from({ length: 20 }, (_, i) => BigInt(i + 1)),
        );
        expect(await store.nextCrlNumber('cc'.repeat(20))).toBe(1n);
        await other.close();
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
        expect(full).toMatchObject({ crlNumber: 10n, entries: 10, revocationSeq: 7, kind: 'full' });
        expect(full?.der).toEqual(new Uint8Array([0x30, 10]));
        expect(full?.baseCrlNumber).toBeUndefined();
        expect(full?.thisUpdate.toISOString()).toBe('2026-01-01T00:00:00.000Z');
        const delta = await store.getPublishedCrlHeader(ISSUER, 'delta');
        expect(delta).toMatchObject({ crlNumber: 11n, baseCrlNumber: 10n, kind: 'delta' });
        expect(delta).not.toHaveProperty('der');
        // Numbers beyond 2^53 survive (cRLNumber may be up to 20 octets).
        expect(await store.publishCrl(crl('full', 2n ** 62n))).toBe(true);
        expect((await store.getPublishedCrlHeader(ISSUER, 'full'))?.crlNumber).toBe(2n ** 62n);
      });

      it(`keeps the newest ${CRLS_KEPT} of each issuer and kind`, async () => {
        const issuer = 'dd'.repeat(20);
        for (let i = 1n; i <= 5n; i++) await store.publishCrl(crl('full', i, { issuerSkiHex: issuer }));
        const kept = await h.sql(
          store,
          'SELECT crl_number FROM published_crls WHERE issuer_ski_hex = ? ORDER BY crl_number',
          [issuer],
        );
        expect(nums(kept, 'crl_number')).toEqual([4, 5]);
      });

      it('stores a large CRL in parts and reads it back whole; unfinished writes are never served', async () => {
        const issuer = 'ee'.repeat(20);
        const big = new Uint8Array(CRL_PART_BYTES * 2 + 12345);
        for (let i = 0; i < big.length; i++) big[i] = (i * 7919) % 251;
        expect(await store.publishCrl(crl('full', 1n, { issuerSkiHex: issuer, der: big }))).toBe(true);
        const parts = await h.sql(
          store,
          'SELECT COUNT(*) AS n FROM published_crl_parts WHERE issuer_ski_hex = ? AND crl_number = 1',
          [issuer],
        );
        expect(nums(parts, 'n')).toEqual([3]);
        const same = (a: Uint8Array | undefined, b: Uint8Array) =>
          a !== undefined && Buffer.from(a).equals(b);
        expect(same((await store.getPublishedCrl(issuer, 'full'))?.der, big)).toBe(true);
        const reader = await h.status(store);
        try {
          expect(same((await reader.getPublishedCrl(issuer, 'full'))?.der, big)).toBe(true);

          // A writer that a newer CRL overtakes while it writes its parts gives up and leaves nothing.
          const other = await h.another(store);
          const huge = new Uint8Array(CRL_PART_BYTES * 8 + 1).fill(7);
          const slow = store.publishCrl(crl('full', 10n, { issuerSkiHex: issuer, der: huge }));
          await eventually(
            () =>
              h.sql(
                store,
                'SELECT crl_number FROM published_crls WHERE issuer_ski_hex = ? AND crl_number = 10',
                [issuer],
              ),
            (rows) => rows.length > 0,
          );
          expect(await other.publishCrl(crl('full', 11n, { issuerSkiHex: issuer }))).toBe(true);
          await other.close();
          expect(await slow).toBe(false);
          expect((await reader.getPublishedCrlHeader(issuer, 'full'))?.crlNumber).toBe(11n);
          const numbers = async () =>
            nums(
              await h.sql(
                store,
                'SELECT crl_number FROM published_crls WHERE issuer_ski_hex = ? ORDER BY crl_number',
                [issuer],
              ),
              'crl_number',
            );
          expect(await numbers()).toEqual([1, 11]);

          // A crash mid-write (a header without its parts, never completed): invisible, then cleaned up.
          await h.insertUnfinishedCrl(store, issuer, 12);
          expect((await reader.getPublishedCrlHeader(issuer, 'full'))?.crlNumber).toBe(11n);
          expect(await store.publishCrl(crl('full', 13n, { issuerSkiHex: issuer }))).toBe(true);
          expect(await numbers()).toEqual([11, 13]);
          const left = await h.sql(
            store,
            'SELECT COUNT(*) AS n FROM published_crl_parts WHERE issuer_ski_hex = ?',
            [issuer],
          );
          expect(nums(left, 'n')).toEqual([2]);
        } finally {
          await reader.close();
        }
      });

      it('refuses a delta without a base, or a full CRL with one (schema)', async () => {
        const e1 = await rejection(
          store.publishCrl({ ...crl('delta', 2n ** 62n + 1n), baseCrlNumber: undefined }),
        );
        expect(String(e1)).toMatch(/check constraint/i);
        const e2 = await rejection(store.publishCrl({ ...crl('full', 2n ** 62n + 2n), baseCrlNumber: 1n }));
        expect(String(e2)).toMatch(/check constraint/i);
      });
    });

    describe('applications', () => {
      it('creates, reads and updates an application only from the expected status and guard', async () => {
        const app = application('app-1', { status: 'otp-sent' });
        app.data.otp = {
          mac: 'ab',
          phone: '+77010000000',
          sentAt: new Date('2025-01-01T00:00:00Z'),
          expiresAt: new Date('2025-01-01T00:01:30Z'),
          attemptsLeft: 3,
          sendCount: 1,
        };
        await store.createApplication(app, 'applicant:850315300128', AUDIT);
        const read = await store.getApplication('app-1');
        expect(read?.data.otp?.sentAt).toEqual(new Date('2025-01-01T00:00:00Z'));
        expect(read?.data.person.surname).toBe('ТЕСТОВ');
        expect(
          await store.updateApplication('app-1', {
            expected: ['submitted'],
            status: { to: 'approved', actor: 'x' },
            audit: AUDIT,
          }),
        ).toBeUndefined();
        expect(
          await store.updateApplication('app-1', {
            expected: ['otp-sent'],
            guard: (cur) => cur.data.otp?.attemptsLeft === 2,
            data: { email: 'x@example.kz' },
            audit: AUDIT,
          }),
        ).toBeUndefined();
        const updated = await store.updateApplication('app-1', {
          expected: ['otp-sent'],
          guard: (cur) => cur.data.otp?.attemptsLeft === 3,
          status: { to: 'phone-verified', actor: 'applicant', note: 'code ok' },
          data: { email: 'x@example.kz', csrs: { auth: new Uint8Array([1, 2]), sign: new Uint8Array([3]) } },
          number: '27888601100404',
          submittedAt: new Date('2025-01-02T00:00:00Z'),
          audit: AUDIT,
        });
        expect(updated).toMatchObject({
          status: 'phone-verified',
          number: '27888601100404',
          data: { email: 'x@example.kz' },
        });
        expect(updated?.data.csrs?.auth).toEqual(new Uint8Array([1, 2]));
        expect(updated?.submittedAt?.toISOString()).toBe('2025-01-02T00:00:00.000Z');
        // `undefined` in data removes a field.
        const removed = await store.updateApplication('app-1', {
          expected: ['phone-verified'],
          data: { email: undefined },
          audit: AUDIT,
        });
        expect(removed?.data).not.toHaveProperty('email');
        expect((await store.getStatusHistory('app-1')).map((x) => [x.status, x.actor, x.note])).toEqual([
          ['otp-sent', 'applicant:850315300128', undefined],
          ['phone-verified', 'applicant', 'code ok'],
        ]);
        expect((await store.getApplicationByNumber('27888601100404'))?.id).toBe('app-1');
        expect(await store.applicationNumberExists('27888601100404')).toBe(true);
        expect(await store.applicationNumberExists('27888601100405')).toBe(false);
        const view = await store.getApplicationStatus('27888601100404');
        expect(view?.application).toMatchObject({ number: '27888601100404', status: 'phone-verified' });
        expect(view?.history).toHaveLength(2);
      });

      it('opens a session in the transaction of an update, and none when the update does not apply', async () => {
        await store.createApplication(application('app-session', { status: 'otp-sent' }), 'x', AUDIT);
        const now = new Date();
        const session = (tokenHash: string) => ({
          tokenHash,
          kind: 'applicant' as const,
          applicationId: 'app-session',
          createdAt: now,
          expiresAt: new Date(now.getTime() + 60_000),
        });
        expect(
          await store.updateApplication('app-session', {
            expected: ['otp-sent'],
            guard: () => false,
            status: { to: 'phone-verified', actor: 'applicant' },
            session: session('refused-session'),
            audit: AUDIT,
          }),
        ).toBeUndefined();
        expect(await store.getSession('refused-session')).toBeUndefined();
        const updated = await store.updateApplication('app-session', {
          expected: ['otp-sent'],
          status: { to: 'phone-verified', actor: 'applicant' },
          session: session('granted-session'),
          audit: { ...AUDIT, entity: 'application:app-session' },
        });
        expect(updated?.status).toBe('phone-verified');
        expect(await store.getSession('granted-session')).toMatchObject({
          kind: 'applicant',
          applicationId: 'app-session',
        });
        // A session that cannot be stored (its token taken) takes the status change with it.
        await expect(
          store.updateApplication('app-session', {
            expected: ['phone-verified'],
            status: { to: 'document-recognized', actor: 'applicant' },
            session: session('granted-session'),
            audit: AUDIT,
          }),
        ).rejects.toThrow();
        expect((await store.getApplication('app-session'))?.status).toBe('phone-verified');
      });

      it('commits writes issued at once each on its own: one that fails takes none of the others with it', async () => {
        const ids = Array.from({ length: 12 }, (_, i) => `app-batch-${i}`);
        await Promise.all(ids.map((id) => store.createApplication(application(id), 'x', AUDIT)));
        await store.createApplication(
          application('app-batch-number', { number: '27888601100999' }),
          'x',
          AUDIT,
        );
        const before = store.commitStats?.();
        const results = await Promise.allSettled(
          ids.map((id, i) =>
            store.updateApplication(id, {
              expected: ['submitted'],
              guard: () => {
                if (i % 4 === 1) throw new Error(`guard of ${id} fails`);
                return i % 4 !== 2;
              },
              status: { to: 'approved', actor: 'x' },
              // i % 4 === 3: a number another application has.
              ...(i % 4 === 3 ? { number: '27888601100999' } : {}),
              audit: { ...AUDIT, entity: `application:${id}` },
            }),
          ),
        );
        for (const [i, r] of results.entries()) {
          const stored = await store.getApplication(ids[i]!);
          if (i % 4 === 0) {
            expect(r).toMatchObject({ status: 'fulfilled', value: { status: 'approved' } });
            expect(stored?.status).toBe('approved');
            expect((await store.listAudit(`application:${ids[i]}`)).length).toBe(1);
          } else {
            if (i % 4 === 2) expect(r).toEqual({ status: 'fulfilled', value: undefined });
            else expect(r.status).toBe('rejected');
            if (i % 4 === 3)
              expect(isDuplicate((r as PromiseRejectedResult).reason, 'application-number')).toBe(true);
            expect(stored?.status).toBe('submitted');
            expect(await store.listAudit(`application:${ids[i]}`)).toEqual([]);
          }
        }
        expect(await store.verifyAuditChain()).toBeUndefined();
        const after = store.commitStats?.();
        if (before && after) {
          expect(after.transactions - before.transactions).toBe(3 + 3); // the applied ones and the guard-refused ones
          expect(after.durableCommits).toBeGreaterThan(before.durableCommits);
        }
      });

      it('refuses an application number taken (ERR_DUPLICATE application-number)', async () => {
        await store.createApplication(application('app-2'), 'x', AUDIT);
        const e = await rejection(
          store.updateApplication('app-2', {
            expected: ['submitted'],
            number: '27888601100404',
            audit: AUDIT,
          }),
        );
        expect(isDuplicate(e, 'application-number'), String(e)).toBe(true);
        expect((await store.getApplication('app-2'))?.number).toBeUndefined();
      });

      it('lists by status and BIN, and expires what is due', async () => {
        await store.createApplication(
          application('app-3', { status: 'awaiting-approval', bin: '150440000013' }),
          'x',
          AUDIT,
        );
        await store.createApplication(
          application('app-4', { status: 'awaiting-approval', bin: '961141000023' }),
          'x',
          AUDIT,
        );
        await store.createApplication(
          application('app-5', { status: 'otp-sent', expiresAt: new Date('2020-01-01T00:00:00Z') }),
          'x',
          AUDIT,
        );
        expect((await store.listApplicationsByStatus('awaiting-approval')).map((a) => a.id)).toEqual([
          'app-3',
          'app-4',
        ]);
        expect(
          (await store.listApplicationsByStatus('awaiting-approval', { bin: '150440000013' })).map(
            (a) => a.id,
          ),
        ).toEqual(['app-3']);
        expect(await store.expireApplications(new Date(), ['otp-sent', 'phone-verified'])).toBe(1);
        expect((await store.getApplication('app-5'))?.status).toBe('expired');
        expect(await store.expireApplications(new Date(), ['otp-sent'])).toBe(0);
      });

      it('counts concurrent guarded updates of two processes exactly (no lost update)', async () => {
        const other = await h.another(store);
        const app = application('app-otp', { status: 'otp-sent' });
        app.data.otp = {
          mac: 'cd',
          phone: '+77010000000',
          sentAt: new Date(),
          expiresAt: new Date(Date.now() + 90_000),
          attemptsLeft: 100,
          sendCount: 1,
        };
        await store.createApplication(app, 'x', AUDIT);
        // Each wrong code: read, then decrement only if nobody else did meanwhile (retry otherwise).
        const wrongCode = async (s: CaRepository): Promise<void> => {
          for (;;) {
            const cur = (await s.getApplication('app-otp'))!;
            const otp = cur.data.otp!;
            const done = await s.updateApplication('app-otp', {
              expected: ['otp-sent'],
              guard: (c) => c.data.otp?.attemptsLeft === otp.attemptsLeft,
              data: { otp: { ...otp, attemptsLeft: otp.attemptsLeft - 1 } },
              audit: AUDIT,
            });
            if (done) return;
          }
        };
        await Promise.all(Array.from({ length: 16 }, (_, i) => wrongCode(i % 2 ? other : store)));
        expect((await store.getApplication('app-otp'))?.data.otp?.attemptsLeft).toBe(84);
        await other.close();
      });
    });

    describe('issuance and decisions', () => {
      it('lets one of many concurrent claims of an application win (the issuance lease)', async () => {
        const other = await h.another(store);
        await store.createApplication(application('app-lease'), 'x', AUDIT);
        const claims = await Promise.all(
          Array.from({ length: 10 }, (_, i) =>
            (i % 2 ? other : store).updateApplication('app-lease', {
              expected: ['submitted'],
              guard: (cur) => !cur.data.issuanceLease,
              data: {
                issuanceLease: { token: `t${i}`, until: new Date(Date.now() + 60_000), owner: store.nodeId },
              },
              audit: AUDIT,
            }),
          ),
        );
        expect(claims.filter((c) => c !== undefined)).toHaveLength(1);
        await other.close();
      });

      it('records certificates and the status change together, or nothing', async () => {
        await store.createApplication(application('app-issue'), 'x', AUDIT);
        await store.createApplication(application('app-dup'), 'x', AUDIT);
        const certs = [
          cert('e1', { applicationId: 'app-issue', purpose: 'auth' }),
          cert('e2', { applicationId: 'app-issue', purpose: 'sign' }),
        ];
        const toIssued = (expected: ApplicationRecord['status'][]) => ({
          expected,
          status: { to: 'issued' as const, actor: 'ca' },
          audit: AUDIT,
        });
        expect(await store.recordIssuance('app-issue', certs, toIssued(['approved']))).toBeUndefined();
        expect(await store.listCertificates({ applicationId: 'app-issue' })).toEqual([]);
        expect((await store.recordIssuance('app-issue', certs, toIssued(['submitted'])))?.status).toBe(
          'issued',
        );
        // A key certified meanwhile rolls back the other certificate and the status change.
        const e = await rejection(
          store.recordIssuance(
            'app-dup',
            [
              cert('e5', { applicationId: 'app-dup' }),
              cert('e6', { applicationId: 'app-dup', spkiSha256: certs[1]!.spkiSha256 }),
            ],
            toIssued(['submitted']),
          ),
        );
        expect(isDuplicate(e, 'public-key'), String(e)).toBe(true);
        expect((await store.getApplication('app-dup'))?.status).toBe('submitted');
        expect(await store.getCertificate('e5')).toBeUndefined();
        expect(isCaStoreError(e, 'ERR_DUPLICATE')).toBe(true);
        expect(
          (await store.listCertificates({ applicationId: 'app-issue' })).map((c) => c.serialHex),
        ).toEqual(['e1', 'e2']);
        expect(await store.listCertificates({ iin: '000000000000' })).toEqual([]);
        expect(
          (await store.listCertificates({ kind: 'end-entity', applicationId: 'app-issue' })).length,
        ).toBe(2);
        // Revoking every certificate of the application revokes the application.
        await change(store, 'e1', 'revoked', 'keyCompromise');
        expect((await store.getApplication('app-issue'))?.status).toBe('issued');
        await change(store, 'e2', 'revoked', 'keyCompromise');
        expect((await store.getApplication('app-issue'))?.status).toBe('revoked');
        expect((await store.getStatusHistory('app-issue')).map((x) => x.status)).toEqual([
          'submitted',
          'issued',
          'revoked',
        ]);
      });

      it('keeps a signed decision with the update', async () => {
        await store.createApplication(application('app-dec', { status: 'awaiting-approval' }), 'x', AUDIT);
        const approval = {
          applicationId: 'app-dec',
          decision: 'approve' as const,
          approverIin: '780203403451',
          approverBin: '150440000013',
          approverRoles: ['first-manager'],
          sessionSerialHex: '0a',
          signerCertificate: new Uint8Array([0x30, 1]),
          signerSerialHex: '0b',
          document: '{"a":1}',
          signature: new Uint8Array([9, 9]),
          decidedAt: new Date('2025-03-01T10:00:00Z'),
        };
        expect(
          await store.recordDecision(approval, { expected: ['submitted'], audit: AUDIT }),
        ).toBeUndefined();
        expect(await store.getApproval('app-dec')).toBeUndefined();
        const done = await store.recordDecision(approval, {
          expected: ['awaiting-approval'],
          status: { to: 'approved', actor: 'approver' },
          audit: AUDIT,
        });
        expect(done?.status).toBe('approved');
        expect(await store.getApproval('app-dec')).toEqual(approval);
      });
    });

    describe('sessions, challenges, idempotency, settings, keys', () => {
      it('keeps sessions for every process; logout and expiry remove them', async () => {
        const other = await h.another(store);
        const now = new Date();
        await store.createSession({
          tokenHash: 'h1',
          kind: 'cabinet',
          holder: {
            commonName: 'X',
            roles: ['first-manager'],
            serialHex: '0a',
            issuerSkiHex: ISSUER,
            bin: '150440000013',
          },
          createdAt: now,
          expiresAt: new Date(now.getTime() + 60_000),
        });
        await store.createSession({
          tokenHash: 'h2',
          kind: 'operator',
          createdAt: now,
          expiresAt: new Date(now.getTime() - 1000),
        });
        expect((await other.getSession('h1'))?.holder?.roles).toEqual(['first-manager']);
        await other.deleteSession('h1');
        expect(await store.getSession('h1')).toBeUndefined();
        expect(await store.getSession('h2')).toBeUndefined(); // expired ones go with any logout
        await other.close();
      });

      it('ends the sessions of a held or revoked certificate for good (a release does not revive them)', async () => {
        const holder = (serialHex: string) => ({
          commonName: 'H',
          roles: [],
          serialHex,
          issuerSkiHex: ISSUER,
        });
        const now = new Date();
        const later = new Date(now.getTime() + 3_600_000);
        for (const s of ['h0a', 'h0b']) await insert(store, cert(s.replace('h', '')));
        await store.createSession({
          tokenHash: 'hs1',
          kind: 'cabinet',
          holder: holder('0a'),
          createdAt: now,
          expiresAt: later,
        });
        await store.createSession({
          tokenHash: 'hs2',
          kind: 'operator',
          holder: holder('0a'),
          createdAt: now,
          expiresAt: later,
        });
        await store.createSession({
          tokenHash: 'hs3',
          kind: 'cabinet',
          holder: holder('0b'),
          createdAt: now,
          expiresAt: later,
        });
        expect((await change(store, '0a', 'hold'))?.status).toBe('hold');
        expect(await store.getSession('hs1')).toBeUndefined();
        expect(await store.getSession('hs2')).toBeUndefined();
        expect(await store.getSession('hs3')).toBeDefined();
        expect((await change(store, '0a', 'released'))?.status).toBe('good');
        expect(await store.getSession('hs1')).toBeUndefined();
        expect((await change(store, '0b', 'revoked', 'keyCompromise'))?.status).toBe('revoked');
        expect(await store.getSession('hs3')).toBeUndefined();
      });

      it('uses a challenge once, before it expires, for its purpose only', async () => {
        const other = await h.another(store);
        const now = new Date();
        await store.createChallenge({
          id: 'ch1',
          purpose: 'cabinet',
          nonce: 'n',
          createdAt: now,
          expiresAt: new Date(now.getTime() + 60_000),
        });
        await store.createChallenge({
          id: 'ch2',
          purpose: 'cabinet',
          nonce: 'n',
          createdAt: now,
          expiresAt: new Date(now.getTime() - 1),
        });
        expect(await store.consumeChallenge('ch1', 'operator', now)).toBeUndefined();
        const used = await Promise.all(
          [store, other, store, other].map((s) => s.consumeChallenge('ch1', 'cabinet', now)),
        );
        expect(used.filter((u) => u !== undefined)).toHaveLength(1);
        expect(await store.consumeChallenge('ch2', 'cabinet', now)).toBeUndefined();
        await store.purgeExpired(now, 1000);
        await other.close();
      });

      it('runs an idempotent operation once, replays its response, refuses another body', async () => {
        const now = new Date();
        const other = await h.another(store);
        const begins = await Promise.all(
          [store, other, store, other].map((s) => s.beginIdempotent('issue', 'k1', 'h', now)),
        );
        expect(begins.filter((b) => b.state === 'new')).toHaveLength(1);
        expect(begins.filter((b) => b.state === 'in-progress')).toHaveLength(3);
        expect(await store.beginIdempotent('issue', 'k1', 'other', now)).toEqual({ state: 'mismatch' });
        await other.completeIdempotent('issue', 'k1', 201, { ok: true, n: [1] });
        expect(await store.beginIdempotent('issue', 'k1', 'h', now)).toEqual({
          state: 'replay',
          statusCode: 201,
          body: { ok: true, n: [1] },
        });
        // Abandoned: runs again.
        expect((await store.beginIdempotent('issue', 'k2', 'h', now)).state).toBe('new');
        await store.abandonIdempotent('issue', 'k2');
        expect((await other.beginIdempotent('issue', 'k2', 'h', now)).state).toBe('new');
        // Unfinished for longer than the stale time: taken over.
        expect(
          (await store.beginIdempotent('issue', 'k2', 'h', new Date(now.getTime() + 6 * 60_000))).state,
        ).toBe('new');
        // Purged after the keeping time.
        await store.purgeExpired(new Date(now.getTime() + 10 * 60_000), 60_000);
        expect((await store.beginIdempotent('issue', 'k1', 'h', now)).state).toBe('new');
        await other.close();
      });

      it('sets a setting once unless replaced; writes a CA key slot once unless replaced', async () => {
        const other = await h.another(store);
        const values = await Promise.all(
          [store, other, store, other].map((s, i) => s.initSetting('otp-hmac-key', `v${i}`)),
        );
        expect(new Set(values).size).toBe(1);
        expect(await other.getSetting('otp-hmac-key')).toBe(values[0]);
        await store.putSetting('otp-hmac-key', 'replaced');
        expect(await other.getSetting('otp-hmac-key')).toBe('replaced');
        expect(await store.getSetting('missing')).toBeUndefined();
        const key = {
          name: 'root' as const,
          certificate: new Uint8Array([0x30, 0x01]),
          skiHex: '01'.repeat(20),
          serialHex: '0101aa',
          encryptedKey: '{"v":1}',
          createdAt: new Date('2025-01-01T00:00:00Z'),
        };
        await store.putCaKey(key, cert('0101aa', { kind: 'ca' }), AUDIT);
        expect(await other.getCaKey('root')).toEqual(key);
        const e = await rejection(
          store.putCaKey({ ...key, serialHex: '0101ab' }, cert('0101ab', { kind: 'ca' }), AUDIT),
        );
        expect(isDuplicate(e, 'ca-key'), String(e)).toBe(true);
        expect(await store.getCertificate('0101ab')).toBeUndefined();
        await store.putCaKey({ ...key, serialHex: '0101ac' }, cert('0101ac', { kind: 'ca' }), AUDIT, {
          replace: true,
        });
        expect((await store.getCaKey('root'))?.serialHex).toBe('0101ac');
        await other.close();
      });

      it('publishes issuers and responders, replacing them', async () => {
        await store.putIssuer(
          {
            id: 'root-ca',
            role: 'root',
            skiHex: 'AB'.repeat(20),
            certificate: new Uint8Array([1]),
            updatedAt: new Date('2025-01-01T00:00:00Z'),
          },
          AUDIT,
        );
        await store.putIssuer(
          {
            id: 'issuing-ca',
            role: 'issuing',
            skiHex: 'cd'.repeat(20),
            certificate: new Uint8Array([2]),
            updatedAt: new Date('2025-01-01T00:00:00Z'),
          },
          AUDIT,
        );
        await store.putIssuer(
          {
            id: 'issuing-ca',
            role: 'issuing',
            skiHex: 'cd'.repeat(20),
            certificate: new Uint8Array([3]),
            updatedAt: new Date('2025-01-02T00:00:00Z'),
          },
          AUDIT,
        );
        const issuers = await store.listIssuers();
        expect(issuers.map((i) => [i.id, i.skiHex, [...i.certificate]])).toEqual([
          ['root-ca', 'ab'.repeat(20), [1]],
          ['issuing-ca', 'cd'.repeat(20), [3]],
        ]);
        await insert(store, cert('0c0c'));
        const responder = await store.getOcspResponder('FF0C0C'.padEnd(40, '0'));
        expect(responder).toMatchObject({
          serialHex: '0c0c',
          issuerSkiHex: 'ff0c0c'.padEnd(40, '0'),
          encryptedKey: '{}',
        });
        expect(responder?.certificate).toEqual((await store.getCertificate('0c0c'))?.der);
      });

      it('keeps one TSA per issuer and policy, replaced on renewal, with its certificate and audit entry', async () => {
        const rsa = '1.2.398.3.3.2.6.2';
        const gost = '1.2.398.3.3.2.6.4';
        const signer = (c: CertificateRecord, issuerSkiHex: string, policy: string) => ({
          issuerSkiHex,
          policy,
          certificate: c.der,
          serialHex: c.serialHex,
          skiHex: c.skiHex,
          notAfter: c.notAfter,
          encryptedKey: `{"slot":"${c.serialHex}"}`,
          createdAt: new Date('2025-03-01T00:00:00.000Z'),
        });
        const first = cert('7a01');
        const other = cert('7a02');
        await store.putTimestampSigner(signer(first, 'EE'.repeat(20), rsa), first, {
          actor: 'system',
          action: 'ca.tsa-created',
          entity: 'tsa:contract',
        });
        await store.putTimestampSigner(signer(other, 'dd'.repeat(20), gost), other, {
          actor: 'system',
          action: 'ca.tsa-created',
          entity: 'tsa:contract',
        });
        let signers = await store.listTimestampSigners();
        expect(signers.map((s) => [s.issuerSkiHex, s.policy, s.serialHex])).toEqual([
          ['dd'.repeat(20), gost, '7a02'],
          ['ee'.repeat(20), rsa, '7a01'],
        ]);
        expect(signers[1]).toEqual(signer(first, 'ee'.repeat(20), rsa));
        expect((await store.getCertificate('7a01'))?.der).toEqual(first.der);

        // Renewal: same issuer and policy, new certificate; the old certificate stays on record.
        const renewed = cert('7a03');
        await store.putTimestampSigner(signer(renewed, 'ee'.repeat(20), rsa), renewed, {
          actor: 'system',
          action: 'ca.tsa-renewed',
          entity: 'tsa:contract',
        });
        signers = await store.listTimestampSigners();
        expect(signers.map((s) => [s.issuerSkiHex, s.policy, s.serialHex])).toEqual([
          ['dd'.repeat(20), gost, '7a02'],
          ['ee'.repeat(20), rsa, '7a03'],
        ]);
        expect((await store.getCertificate('7a01'))?.der).toEqual(first.der);
        expect((await store.listAudit('tsa:contract')).map((e) => e.action)).toEqual([
          'ca.tsa-created',
          'ca.tsa-created',
          'ca.tsa-renewed',
        ]);

        // A certificate already on record fails the whole write: the signer is not replaced.
        const e = await rejection(
          store.putTimestampSigner(signer(renewed, 'ee'.repeat(20), rsa), renewed, AUDIT),
        );
        expect(isCaStoreError(e, 'ERR_DUPLICATE'), String(e)).toBe(true);
        expect((await store.listTimestampSigners()).length).toBe(2);
      });
    });

    describe('audit, nodes, locks', () => {
      it('chains the audit log so that a rewrite shows', async () => {
        expect(await store.verifyAuditChain()).toBeUndefined();
        await h.auditAppendOnly(store, false);
        try {
          const victim = Number(
            (await h.sql(store, 'SELECT id FROM audit_log ORDER BY id LIMIT 1 OFFSET 2'))[0]?.id,
          );
          await h.sql(store, "UPDATE audit_log SET actor = 'mallory' WHERE id = ?", [victim]);
          expect(await store.verifyAuditChain()).toBe(victim);
          await h.sql(store, "UPDATE audit_log SET actor = 'test' WHERE id = ?", [victim]);
          expect(await store.verifyAuditChain()).toBeUndefined();
        } finally {
          await h.auditAppendOnly(store, true);
        }
      });

      it('chains the entries of concurrent writers of two processes in one chain', async () => {
        const other = await h.another(store);
        await Promise.all(
          Array.from({ length: 20 }, (_, i) =>
            (i % 2 ? other : store).appendAudit({
              actor: 'test',
              action: 'test.concurrent',
              entity: 'concurrent',
              details: { i },
            }),
          ),
        );
        expect((await store.listAudit('concurrent')).length).toBe(20);
        expect(await other.verifyAuditChain()).toBeUndefined();
        await other.close();
      });

      it('tells a live node from a closed one', async () => {
        const other = await h.another(store);
        expect(store.nodeId).not.toBe(other.nodeId);
        expect(await store.isNodeAlive(store.nodeId)).toBe(true);
        expect(await store.isNodeAlive(other.nodeId)).toBe(true);
        const id = other.nodeId;
        await other.close();
        expect(
          await eventually(
            () => store.isNodeAlive(id),
            (alive) => !alive,
          ),
        ).toBe(false);
        expect(await store.isNodeAlive('no-such-node')).toBe(false);
      });

      it('runs exclusive work in one process at a time', async () => {
        const other = await h.another(store);
        let release!: () => void;
        const holding = store.exclusive(
          'crl:test',
          () =>
            new Promise<string>((r) => {
              release = () => r('first');
            }),
        );
        await new Promise((r) => setTimeout(r, 50));
        expect(await other.exclusive('crl:test', async () => 'second')).toEqual({ acquired: false });
        expect(await other.exclusive('crl:other', async () => 'other')).toEqual({
          acquired: true,
          value: 'other',
        });
        const waiting = other.exclusive('crl:test', async () => 'waited', { wait: true });
        release();
        expect(await holding).toEqual({ acquired: true, value: 'first' });
        expect(await waiting).toEqual({ acquired: true, value: 'waited' });
        expect(await store.exclusive('crl:test', async () => 'again')).toEqual({
          acquired: true,
          value: 'again',
        });
        await other.close();
      });

      it('counts rate limits like the in-memory limiter, across processes (where the store keeps them)', async () => {
        if (!store.takeRateLimit) return; // SQLite: one process, the limiter's memory is the store
        const other = await h.another(store);
        const rule = { capacity: 5, refillPerSecond: 0.5 };
        await fc.assert(
          fc.asyncProperty(
            fc.array(fc.tuple(fc.integer({ min: 0, max: 4000 }), fc.integer({ min: 1, max: 3 })), {
              minLength: 1,
              maxLength: 25,
            }),
            async (steps) => {
              const bucket = `prop-${++n}`;
              let t = 1_700_000_000_000;
              let state: ReturnType<typeof takeTokens>['state'] | undefined;
              for (const [i, [dt, cost]] of steps.entries()) {
                t += dt;
                const expected = takeTokens(state, rule, cost, t);
                state = expected.state;
                const got = await (i % 2 ? other : store).takeRateLimit!(bucket, rule, cost, t);
                expect(got).toEqual(expected.decision);
              }
            },
          ),
          { numRuns: 25 },
        );
        // 40 concurrent takes from a bucket of 10 that never refills: exactly 10 allowed.
        const at = Date.now();
        const takes = await Promise.all(
          Array.from({ length: 40 }, (_, i) =>
            (i % 2 ? other : store).takeRateLimit!('burst', { capacity: 10, refillPerSecond: 1e-9 }, 1, at),
          ),
        );
        expect(takes.filter((d) => d.allowed)).toHaveLength(10);
        // Bucket names as the limiter makes them (`name\0key`), kept apart from look-alikes.
        const one = { capacity: 1, refillPerSecond: 1e-9 };
        expect((await store.takeRateLimit!('otpSendPerIp\u0000127.0.0.1', one, 1, at)).allowed).toBe(true);
        expect((await store.takeRateLimit!('otpSendPerIp\\0127.0.0.1', one, 1, at)).allowed).toBe(true);
        expect((await other.takeRateLimit!('otpSendPerIp\u0000127.0.0.1', one, 1, at)).allowed).toBe(false);
        await other.close();
      });

      it('keeps one dev outbox for every process: newest first, filtered, bounded by count and age', async () => {
        const other = await h.another(store);
        const keep = { maxMessages: 1000, maxAgeMs: 86_400_000 };
        const t0 = Date.now();
        const at = (s: number) => new Date(t0 + s * 1000);
        const sms = await store.appendDevOutbox(
          {
            channel: 'sms',
            recipient: '+77011112233',
            sender: '1414',
            body: 'Код: 048021',
            iin: '850315300128',
            kind: 'otp',
            code: '048021',
            createdAt: at(0),
          },
          keep,
        );
        const mail = await other.appendDevOutbox(
          {
            channel: 'email',
            recipient: 'tester@example.test',
            sender: 'noreply@pki.example.test',
            subject: 'Заявка принята',
            body: 'Ваша заявка 27888601100404 принята.',
            iin: '850315300128',
            kind: 'notification',
            createdAt: at(1),
          },
          keep,
        );
        await other.appendDevOutbox(
          {
            channel: 'sms',
            recipient: '+77770000000',
            sender: '1414',
            body: 'другой',
            kind: 'notification',
            createdAt: at(2),
          },
          keep,
        );
        expect(mail.id).toBeGreaterThan(sms.id);
        // Whatever process wrote it, every process reads it, newest first.
        const all = await store.listDevOutbox({ limit: 10 });
        expect(all.map((m) => m.body)).toEqual([
          'другой',
          'Ваша заявка 27888601100404 принята.',
          'Код: 048021',
        ]);
        expect(await other.listDevOutbox({ limit: 10 })).toEqual(all);
        expect(all[2]).toEqual(sms);
        expect(all[2]?.createdAt.getTime()).toBe(at(0).getTime());
        expect(all[1]).toEqual(mail);
        expect('code' in (all[1] ?? {})).toBe(false);
        expect(
          (await other.listDevOutbox({ channel: 'sms', recipient: '+77011112233', limit: 10 })).map(
            (m) => m.id,
          ),
        ).toEqual([sms.id]);
        expect(
          (await store.listDevOutbox({ channel: 'email', iin: '850315300128', limit: 10 })).map((m) => m.id),
        ).toEqual([mail.id]);
        expect(await store.listDevOutbox({ channel: 'email', recipient: '+77011112233', limit: 10 })).toEqual(
          [],
        );
        expect((await store.listDevOutbox({ limit: 1 })).map((m) => m.body)).toEqual(['другой']);
        // Bounded on write: a fourth message with room for three drops the oldest.
        await store.appendDevOutbox(
          {
            channel: 'sms',
            recipient: '+77011112233',
            sender: '1414',
            body: 'четвёртое',
            kind: 'notification',
            createdAt: at(3),
          },
          { maxMessages: 3, maxAgeMs: 86_400_000 },
        );
        expect((await other.listDevOutbox({ limit: 10 })).map((m) => m.body)).toEqual([
          'четвёртое',
          'другой',
          'Ваша заявка 27888601100404 принята.',
        ]);
        // By age: everything older than 1.5 s before the newest goes.
        expect(await other.pruneDevOutbox({ maxMessages: 1000, maxAgeMs: 1500 }, at(3))).toBe(1);
        expect((await store.listDevOutbox({ limit: 10 })).map((m) => m.body)).toEqual([
          'четвёртое',
          'другой',
        ]);
        // Room for one: the new message stays, every earlier one goes; and an old one is dropped by age.
        await other.appendDevOutbox(
          {
            channel: 'email',
            recipient: 'x@example.test',
            sender: 'noreply@example.test',
            body: 'пятое',
            kind: 'notification',
            createdAt: at(4),
          },
          { maxMessages: 1, maxAgeMs: 86_400_000 },
        );
        expect((await store.listDevOutbox({ limit: 10 })).map((m) => m.body)).toEqual(['пятое']);
        await store.appendDevOutbox(
          {
            channel: 'sms',
            recipient: '+77011112233',
            sender: '1414',
            body: 'шестое',
            kind: 'notification',
            createdAt: at(10),
          },
          { maxMessages: 1000, maxAgeMs: 5000 },
        );
        expect((await other.listDevOutbox({ limit: 10 })).map((m) => m.body)).toEqual(['шестое']);
        expect(await store.pruneDevOutbox({ maxMessages: 0, maxAgeMs: 86_400_000 }, at(10))).toBe(1);
        expect(await store.listDevOutbox({ limit: 10 })).toEqual([]);
        await other.close();
      });
    });

    describe("the status service's view", () => {
      let reader: StatusStore;
      beforeAll(async () => {
        reader = await h.status(store);
      });
      afterAll(() => reader.close());

      it('is read-only and exposes the status interface only', async () => {
        const e = await rejection(h.writeThroughStatus(reader));
        expect(String(e)).toMatch(/read-?only/i);
        for (const method of [
          'getCaKey',
          'getSetting',
          'getSession',
          'listAudit',
          'changeCertificateStatus',
          'nodeId',
        ]) {
          expect(method in reader, method).toBe(false);
        }
      });

      it('reads what the CA wrote: statuses, changes, CRLs, issuers, responders, TSAs, status pages', async () => {
        expect((await reader.getCertificateStatus(ISSUER, 'a1'))?.status).toBe('revoked');
        const seq = await store.revocationSeq();
        expect(
          await eventually(
            () => reader.revocationSeq(),
            (s) => s === seq,
          ),
        ).toBe(seq);
        expect(await reader.listRevocationChangesSince(ISSUER, 0)).toEqual(
          await store.listRevocationChangesSince(ISSUER, 0),
        );
        expect((await reader.getPublishedCrl(ISSUER, 'full'))?.crlNumber).toBe(2n ** 62n);
        expect((await reader.getPublishedCrlHeader(ISSUER, 'delta'))?.crlNumber).toBe(11n);
        expect(await reader.listIssuers()).toEqual(await store.listIssuers());
        expect(await reader.getOcspResponder('ff0c0c'.padEnd(40, '0'))).toEqual(
          await store.getOcspResponder('ff0c0c'.padEnd(40, '0')),
        );
        const signers = await store.listTimestampSigners();
        expect(signers.length).toBeGreaterThan(0);
        expect(await reader.listTimestampSigners()).toEqual(signers);
        expect(await reader.getApplicationStatus('27888601100404')).toEqual(
          await store.getApplicationStatus('27888601100404'),
        );
        expect(await reader.getApplicationStatus('00000000000000')).toBeUndefined();
      });
    });
  });
}
