/**
 * Security hardening of the reference CA (issue 10), one describe block per finding; each test
 * failed before its fix.
 */
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AUDIT_GENESIS,
  auditEntryHash,
  caStorePath,
  openCaStore,
  type SqliteCaRepository,
} from '@kzpki/ca-store';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { parseAnchors, verifyAuditLog } from '../src/audit/checkpoints.js';
import { settingsFromEnv } from '../src/config.js';
import { call } from './support/api.js';
import {
  Applicant,
  cabinetToken,
  certificateLogin,
  expectProblem,
  latestOtp,
  obtainCertificates,
} from './support/flow.js';
import { RELAXED_LIMITS, startTestCa, type TestCa } from './support/harness.js';

const DAY = 86_400_000;
const iso = (ms: number): string => new Date(ms).toISOString();
const sha256 = (token: string): string => createHash('sha256').update(token).digest('hex');

describe('#10 test-mode validity and invalidityDate are bounded', () => {
  let t: TestCa;
  beforeAll(async () => {
    t = await startTestCa({ testMode: true });
  });
  afterAll(async () => {
    expect(t.ca.specViolations).toEqual([]);
    await t.stop();
  });

  it('refuses validity before the issuing CA, starting in the future, or longer than the CA issues', async () => {
    const issuing = t.ca.context.material.issuing;
    const start = issuing.notBefore.getTime();
    const cases: Array<[string, number, number, RegExp]> = [
      ['1970', 0, 365 * DAY, /before the issuing CA/],
      ['a day before the CA', start - DAY, start + 300 * DAY, /before the issuing CA/],
      ['future', Date.now() + DAY, Date.now() + 30 * DAY, /future/],
      ['ten years', start, start + 3650 * DAY, /at most 365 days/],
    ];
    for (const [label, from, until, message] of cases) {
      const a = new Applicant(t.url, 'individual', '123456789012');
      expect((await a.runToSubmission('ECDSA-P256')).status, label).toBe(200);
      const r = await a.issue({ validity: { notBefore: iso(from), notAfter: iso(until) } });
      expectProblem(r, 422, 'ERR_VALIDITY_INVALID');
      expect(r.body.detail, label).toMatch(message);
      // Within the bounds the same application is issued.
      expect(
        (await a.issue({ validity: { notBefore: iso(start), notAfter: iso(start + DAY) } })).status,
      ).toBe(200);
    }
  });

  it('refuses an invalidityDate before the certificate existed (1970) or in the future', async () => {
    const a = await obtainCertificates(new Applicant(t.url, 'individual', '123456789012'));
    const token = await cabinetToken(a);
    const serial = a.sign!.serialHex!;
    const revoke = (invalidityDate: string) =>
      call(t.url, 'POST', `/v1/cabinet/certificates/${serial}/revocation`, {
        token,
        body: { reason: 'keyCompromise', invalidityDate },
      });
    expectProblem(await revoke('1970-01-01T00:00:00.000Z'), 422, 'ERR_VALIDITY_INVALID');
    expectProblem(await revoke(iso(Date.now() + DAY)), 422, 'ERR_VALIDITY_INVALID');
    const r = await revoke(iso(Date.now() - 1000));
    expect(r.status).toBe(200);
    expect(r.body.status).toBe('revoked');
  });
});

describe('#4 a hold is released only by the kind of authority that placed it', () => {
  const ORG = '150440000013';
  let t: TestCa;
  let manager: Applicant;
  let employee: Applicant;
  let m: string;
  let emp: string;
  let operator: string;
  beforeAll(async () => {
    t = await startTestCa();
    manager = await obtainCertificates(new Applicant(t.url, 'first-manager', '780203403451', ORG));
    m = await cabinetToken(manager);
    employee = await obtainCertificates(new Applicant(t.url, 'employee', '911212307895', ORG), {
      session: m,
      signer: manager,
    });
    emp = await cabinetToken(employee);
    const op = t.ca.context.material.operator;
    operator = (await certificateLogin(t.url, 'operator', op.pem, op.privateKey)).body.token;
  });
  afterAll(async () => {
    expect(t.ca.specViolations).toEqual([]);
    await t.stop();
  });

  const hold = (token: string, who: 'cabinet' | 'operator', serial: string) =>
    call(t.url, 'POST', `/v1/${who}/certificates/${serial}/revocation`, {
      token,
      body: { reason: 'certificateHold' },
    });
  const release = (token: string, who: 'cabinet' | 'operator', serial: string) =>
    call(t.url, 'POST', `/v1/${who}/certificates/${serial}/release`, { token });

  it("an operator's hold: neither the holder nor the first manager releases it, an operator does", async () => {
    const serial = employee.sign!.serialHex!;
    expect((await hold(operator, 'operator', serial)).body.status).toBe('hold');
    const byHolder = await release(emp, 'cabinet', serial);
    expectProblem(byHolder, 403, 'ERR_REVOCATION_NOT_ALLOWED');
    expect(byHolder.body.detail).toMatch(/placed by an operator/);
    expectProblem(await release(m, 'cabinet', serial), 403, 'ERR_REVOCATION_NOT_ALLOWED');
    expect((await release(operator, 'operator', serial)).body.status).toBe('good');
  });

  it("a first manager's hold on an employee: the employee cannot lift it, the manager can", async () => {
    const serial = employee.sign!.serialHex!;
    expect((await hold(m, 'cabinet', serial)).body.status).toBe('hold');
    expectProblem(await release(emp, 'cabinet', serial), 403, 'ERR_REVOCATION_NOT_ALLOWED');
    expectProblem(await release(operator, 'operator', serial), 403, 'ERR_REVOCATION_NOT_ALLOWED');
    expect((await release(m, 'cabinet', serial)).body.status).toBe('good');
  });

  it("the holder's own hold: the holder releases it, the first manager cannot", async () => {
    const serial = employee.sign!.serialHex!;
    expect((await hold(emp, 'cabinet', serial)).body.status).toBe('hold');
    expectProblem(await release(m, 'cabinet', serial), 403, 'ERR_REVOCATION_NOT_ALLOWED');
    expect((await release(emp, 'cabinet', serial)).body.status).toBe('good');
    const audit = await t.ca.context.store.listAudit(`certificate:${serial}`);
    expect(audit.filter((e) => e.action === 'certificate.held').map((e) => e.details.authority)).toEqual([
      'operator',
      'organization',
      'holder',
    ]);
  });
});

describe('#9 cabinet sessions are bounded by the certificate and end for good on hold or revocation', () => {
  let t: TestCa;
  beforeAll(async () => {
    t = await startTestCa({ testMode: true });
  });
  afterAll(async () => {
    expect(t.ca.specViolations).toEqual([]);
    await t.stop();
  });

  const mine = (token: string) => call(t.url, 'GET', '/v1/cabinet/certificates', { token });

  it('a session never outlives its login certificate', async () => {
    const a = new Applicant(t.url, 'individual', '123456789012');
    expect((await a.runToSubmission('ECDSA-P256')).status).toBe(200);
    // A certificate that ends in one hour; sessions last eight.
    const now = t.clock.now().getTime();
    const notAfter = Math.floor((now + 3600_000) / 1000) * 1000;
    expect((await a.issue({ validity: { notBefore: iso(now - DAY), notAfter: iso(notAfter) } })).status).toBe(
      200,
    );
    expect((await a.install()).status).toBe(200);
    const login = await certificateLogin(t.url, 'cabinet', a.auth!.pem!, a.auth!.keys.privateKey);
    expect(login.status).toBe(201);
    expect(login.body.expiresAt).toBe(iso(notAfter));
    expect((await mine(login.body.token)).status).toBe(200);
    t.clock.advance(3601);
    expectProblem(await mine(login.body.token), 401, 'ERR_UNAUTHORIZED');
  });

  it('a hold ends the session, and releasing the hold does not bring it back', async () => {
    const a = await obtainCertificates(new Applicant(t.url, 'individual', '123456789012'));
    const token = await cabinetToken(a);
    const second = await cabinetToken(a);
    const serial = a.auth!.serialHex!;
    const held = await call(t.url, 'POST', `/v1/cabinet/certificates/${serial}/revocation`, {
      token,
      body: { reason: 'certificateHold' },
    });
    expect(held.body.status).toBe('hold');
    // Both sessions of the AUTH certificate are gone from the store, not merely refused.
    expect(await t.ca.context.store.getSession(sha256(second))).toBeUndefined();
    expectProblem(await mine(second), 401, 'ERR_UNAUTHORIZED');
    // Released (as the holder would, with a new login): the old sessions stay dead.
    await t.ca.context.store.changeCertificateStatus({
      issuerSkiHex: t.ca.context.material.issuing.skiHex,
      serialHex: serial,
      change: 'released',
      at: t.clock.now(),
      audit: { actor: 'test', action: 'certificate.released', entity: `certificate:${serial}` },
    });
    expectProblem(await mine(token), 401, 'ERR_UNAUTHORIZED');
    expectProblem(await mine(second), 401, 'ERR_UNAUTHORIZED');
    // A fresh login with the released certificate works.
    expect((await mine(await cabinetToken(a))).status).toBe(200);
  });
});

describe('#11 the OTP and PIN MAC keys are sealed under the key-encryption key', () => {
  let t: TestCa;
  beforeAll(async () => {
    // A store of an earlier version: the OTP key in plaintext among the settings.
    const dir = mkdtempSync(join(tmpdir(), 'kzpki-ca-mac-'));
    copyFileSync(caStorePath(inject('caTemplateDir')), caStorePath(dir));
    const old = openCaStore(caStorePath(dir));
    await old.putSetting('otp-hmac-key', randomBytes(32).toString('base64'));
    await old.close();
    t = await startTestCa({}, dir);
  });
  afterAll(async () => {
    expect(t.ca.specViolations).toEqual([]);
    await t.stop();
    rmSync(t.dir, { recursive: true, force: true });
  });

  it('nothing in the database recomputes a stored code or PIN MAC; the PIN is not scrypt-hashed', async () => {
    const a = new Applicant(t.url, 'individual', '850315300128');
    expect((await a.start()).status).toBe(201);
    const otpMac = (await t.ca.context.store.getApplication(a.id))!.data.otp!.mac;
    const code = await latestOtp(t.url, a.iin);
    expect((await a.verify(code)).status).toBe(200);
    await a.runIdentification();
    const pinHash = (await t.ca.context.store.getApplication(a.id))!.data.pinHash!;
    expect(pinHash).toMatch(/^hmac-sha256\$[0-9a-f]{64}$/);
    // The plaintext key of the earlier version is gone.
    expect(await t.ca.context.store.getSetting('otp-hmac-key')).toBe('');
    // Every setting value, taken as a key in each encoding it could be in, fails to reproduce the
    // MACs of the code sent and of the PIN (before the fix, `otp-hmac-key` held the key in base64,
    // and anyone with the database searched the 10^6 codes or 10^8 PINs offline).
    const db = (t.ca.context.store as SqliteCaRepository).db;
    const values = (db.prepare('SELECT value FROM settings').all() as Array<{ value: string }>).map(
      (r) => r.value,
    );
    expect(values.length).toBeGreaterThan(3);
    const mac = (key: Buffer, text: string) => createHmac('sha256', key).update(text).digest('hex');
    for (const v of values) {
      for (const key of [Buffer.from(v, 'base64'), Buffer.from(v, 'base64url'), Buffer.from(v, 'utf8')]) {
        expect(mac(key, `otp\n${a.id}\n${code}`)).not.toBe(otpMac);
        expect(`hmac-sha256$${mac(key, `pin\n${a.id}\n${a.pin}`)}`).not.toBe(pinHash);
      }
    }
    // The MAC key is sealed: its setting is an AES-GCM envelope, not the key.
    expect(JSON.parse((await t.ca.context.store.getSetting('mac-key'))!)).toMatchObject({ alg: 'A256GCM' });
  });
});

describe('#12 the public status page masks the person', () => {
  let t: TestCa;
  beforeAll(async () => {
    t = await startTestCa();
  });
  afterAll(async () => {
    expect(t.ca.specViolations).toEqual([]);
    await t.stop();
  });

  it('a stranger with the number sees the last four IIN digits and the initials, nothing more', async () => {
    const a = new Applicant(t.url, 'individual', '850315300128');
    expect((await a.runToSubmission('ECDSA-P256')).status).toBe(200);
    const r = await call(t.url, 'GET', `/v1/application-status/${a.number}`);
    expect(r.status).toBe(200);
    expect(r.body.user).toEqual({ kind: 'individual', iin: '********0128', fullName: 'А. А. С.' });
    const text = JSON.stringify(r.body);
    for (const secret of ['850315300128', '850315', 'АХМЕТОВ', 'АЙДАР', 'СЕРИКОВИЧ'])
      expect(text).not.toContain(secret);
    // The same page through the store the status service reads.
    expect((await t.ca.context.store.getApplicationStatus(a.number))?.user).toEqual(r.body.user);
    // The applicant, with their session, still sees everything.
    expect((await a.get()).body.person.fullName).toBe('АХМЕТОВ АЙДАР СЕРИКОВИЧ');
  });
});

describe('#13 authentication before validation; 413 for oversized bodies', () => {
  let t: TestCa;
  let a: Applicant;
  let other: Applicant;
  beforeAll(async () => {
    t = await startTestCa();
    a = new Applicant(t.url, 'individual', '850315300128');
    expect((await a.start()).status).toBe(201);
    expect((await a.verify()).status).toBe(200);
    other = new Applicant(t.url, 'individual', '880612304567');
    expect((await other.start()).status).toBe(201);
    expect((await other.verify()).status).toBe(200);
  });
  afterAll(async () => {
    expect(t.ca.specViolations).toEqual([]);
    await t.stop();
  });

  const post = (path: string, body: unknown, token?: string) =>
    call(t.url, 'POST', path, { body, ...(token ? { token } : {}) });

  it('an unauthenticated or foreign call is 401 whatever its body and path', async () => {
    const invalid = { nonsense: true };
    for (const token of [undefined, 'kza_forged', other.token]) {
      expectProblem(
        await post(`/v1/applications/${a.id}/submission`, invalid, token),
        401,
        'ERR_UNAUTHORIZED',
      );
      expectProblem(
        await post(`/v1/applications/${a.id}/consent`, { pin: 'x' }, token),
        401,
        'ERR_UNAUTHORIZED',
      );
    }
    expectProblem(await post('/v1/applications/not-an-id/consent', invalid), 401, 'ERR_UNAUTHORIZED');
    expectProblem(
      await post('/v1/operator/moderation/x/decision', invalid, a.token),
      401,
      'ERR_UNAUTHORIZED',
    );
    expectProblem(
      await call(t.url, 'POST', `/v1/cabinet/certificates/zz/revocation`, { raw: '{not json' }),
      401,
      'ERR_UNAUTHORIZED',
    );
    // The applicant's own session gets the validation error.
    expectProblem(await post(`/v1/applications/${a.id}/submission`, invalid, a.token), 400, 'ERR_VALIDATION');
  });

  it('a 10 MB body is 413 for the applicant, 401 for a stranger', async () => {
    const huge = {
      selfie: 'A'.repeat(10 * 1024 * 1024),
      liveness: { passed: true, score: 1 },
      pin: '4831',
      document: { type: 'id-card', frontImage: 'AAAA' },
    };
    expectProblem(
      await post(`/v1/applications/${a.id}/identification`, huge, a.token),
      413,
      'ERR_PAYLOAD_TOO_LARGE',
    );
    expectProblem(await post(`/v1/applications/${a.id}/identification`, huge), 401, 'ERR_UNAUTHORIZED');
  });
});

describe('#8 rate limits key on the real client, count per IIN across resends, live in the store', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kzpki-ca-limits-'));
  const limits = {
    ...RELAXED_LIMITS,
    statusLookupPerIp: { capacity: 2, refillPerSecond: 0.0001 },
    otpCheckPerIin: { capacity: 4, refillPerSecond: 0.0001 },
  };
  let t: TestCa;
  beforeAll(async () => {
    copyFileSync(caStorePath(inject('caTemplateDir')), caStorePath(dir));
    // Behind a proxy on loopback (the portal): its X-Forwarded-For names the client.
    t = await startTestCa({ rateLimits: limits, trustedProxies: ['loopback'] }, dir);
  });
  afterAll(async () => {
    expect(t.ca.specViolations).toEqual([]);
    await t.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const lookup = (base: string, client?: string) =>
    call(base, 'GET', `/v1/application-status/27888601100404`, {
      headers: client ? { 'x-forwarded-for': client } : {},
    });

  it('each client behind a trusted proxy has its own bucket', async () => {
    for (let i = 0; i < 2; i++) expect((await lookup(t.url, '203.0.113.7')).status).toBe(404);
    expectProblem(await lookup(t.url, '203.0.113.7'), 429, 'ERR_RATE_LIMITED');
    // Another user of the same portal is not throttled by the first.
    expect((await lookup(t.url, '198.51.100.23')).status).toBe(404);
  });

  it('without a trusted proxy, X-Forwarded-For is ignored (no fresh bucket per forged header)', async () => {
    const direct = await startTestCa({ rateLimits: limits });
    try {
      for (let i = 0; i < 2; i++) expect((await lookup(direct.url, `192.0.2.${i}`)).status).toBe(404);
      expectProblem(await lookup(direct.url, '192.0.2.99'), 429, 'ERR_RATE_LIMITED');
    } finally {
      await direct.stop();
    }
  });

  it('code checks per IIN are limited across resends and new applications', async () => {
    const iin = '880612304567';
    const wrong = async (a: Applicant) =>
      call(t.url, 'POST', `/v1/applications/${a.id}/otp/verification`, { body: { code: '000000' } });
    for (let n = 0; n < 2; n++) {
      const a = new Applicant(t.url, 'individual', iin);
      expect((await a.start()).status).toBe(201);
      for (let i = 0; i < 2; i++) expect([422, 410]).toContain((await wrong(a)).status);
    }
    // Four guesses spent on two applications: a third application gets no more, not even the right code.
    const fresh = new Applicant(t.url, 'individual', iin);
    expect((await fresh.start()).status).toBe(201);
    expectProblem(await fresh.verify(), 429, 'ERR_RATE_LIMITED');
  });

  it('the counters are in the store: a restarted CA keeps them', async () => {
    await t.ca.close();
    t = await startTestCa({ rateLimits: limits, trustedProxies: ['loopback'] }, dir);
    expectProblem(await lookup(t.url, '203.0.113.7'), 429, 'ERR_RATE_LIMITED');
  });
});

/** A raw SQLite connection (the tamper tests write past the store). */
type Raw = SqliteCaRepository['db'];

describe('#7 the audit log is anchored by signed checkpoints', () => {
  let t: TestCa;
  let original: string;
  let gapAt: number;
  const copies: string[] = [];
  beforeAll(async () => {
    t = await startTestCa();
    // Some history, a checkpoint over it, then more history after it.
    const a = new Applicant(t.url, 'individual', '850315300128');
    expect((await a.start()).status).toBe(201);
    // A gap in the ids, as PostgreSQL leaves one when a transaction rolls back.
    const db = (t.ca.context.store as SqliteCaRepository).db;
    gapAt =
      (db.prepare("SELECT seq FROM sqlite_sequence WHERE name = 'audit_log'").pluck().get() as number) + 1;
    db.prepare("UPDATE sqlite_sequence SET seq = seq + 3 WHERE name = 'audit_log'").run();
    expect((await a.verify()).status).toBe(200);
    await a.runIdentification();
    await t.ca.checkpointAudit();
    expect((await new Applicant(t.url, 'individual', '880612304567').start()).status).toBe(201);
    await t.ca.checkpointAudit();
    await t.ca.close();
    original = caStorePath(t.dir);
  });
  afterAll(async () => {
    for (const d of copies) rmSync(d, { recursive: true, force: true });
    rmSync(t.dir, { recursive: true, force: true });
  });

  /** A copy of the store, tampered with by `change` with the append-only triggers dropped. */
  async function tampered(change?: (db: Raw) => void) {
    const dir = mkdtempSync(join(tmpdir(), 'kzpki-audit-'));
    copies.push(dir);
    copyFileSync(original, caStorePath(dir));
    const raw = openCaStore(caStorePath(dir));
    raw.db.exec('DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete;');
    change?.(raw.db);
    rehash(raw.db);
    await raw.close();
    const store = openCaStore(caStorePath(dir));
    const anchors = parseAnchors(readFileSync(join(t.dir, 'audit-checkpoints.jsonl'), 'utf8'));
    const pinned = t.ca.context.material.issuing.certificate;
    const report = await verifyAuditLog(store, { anchors, caCertificate: pinned });
    // What the hash chain alone said before the fix: all well, whatever was done.
    const chainAlone = await store.verifyAuditChain();
    await store.close();
    return { report, chainAlone };
  }

  /** Recomputes every hash, as an attacker with write access would. */
  function rehash(db: Raw): void {
    let prev = AUDIT_GENESIS;
    const rows = db.prepare('SELECT * FROM audit_log ORDER BY id').all() as Array<Record<string, string>>;
    const update = db.prepare('UPDATE audit_log SET hash = ? WHERE id = ?');
    for (const r of rows) {
      const hash = auditEntryHash(prev, r.at as string, {
        actor: r.actor as string,
        action: r.action as string,
        entity: r.entity as string,
        details: JSON.parse(r.details as string),
      });
      update.run(hash, r.id);
      prev = hash;
    }
  }

  const firstCheckpointId = (db: Raw): number =>
    (db.prepare('SELECT audit_id FROM audit_checkpoints WHERE seq = 1').get() as { audit_id: number })
      .audit_id;

  it('an untouched log verifies, with its checkpoints and anchors', async () => {
    const { report } = await tampered();
    expect(report).toMatchObject({ ok: true, problems: [] });
    expect(report.checkpoints).toBeGreaterThanOrEqual(2);
    expect(report.entries).toBeGreaterThan(10);
  });

  it('detects a deleted entry, though the recomputed chain verifies', async () => {
    const { report, chainAlone } = await tampered((db) => {
      db.prepare('DELETE FROM audit_log WHERE id = ?').run(firstCheckpointId(db) - 2);
    });
    expect(chainAlone).toBeUndefined();
    expect(report.ok).toBe(false);
    expect(report.problems.map((p) => p.kind)).toContain('deleted');
  });

  it('detects an entry inserted into a gap of the ids (PostgreSQL sequences leave gaps)', async () => {
    const { report, chainAlone } = await tampered((db) => {
      db.prepare(
        "INSERT INTO audit_log (id, at, actor, action, entity, details, hash) VALUES (?, '2026-01-01T00:00:00.000Z', 'operator:forged', 'moderation.approve', 'application:x', '{}', '')",
      ).run(gapAt);
    });
    expect(chainAlone).toBeUndefined();
    expect(report.problems.map((p) => p.kind)).toContain('inserted');
  });

  it('detects an entry inserted with the later ids renumbered', async () => {
    const { report, chainAlone } = await tampered((db) => {
      const cut = firstCheckpointId(db) - 3;
      const rows = db.prepare('SELECT * FROM audit_log ORDER BY id').all() as Array<Record<string, unknown>>;
      db.exec('DELETE FROM audit_log');
      const insert = db.prepare(
        'INSERT INTO audit_log (id, at, actor, action, entity, details, hash) VALUES (?, ?, ?, ?, ?, ?, ?)',
      );
      let id = 1;
      for (const r of rows) {
        insert.run(id++, r.at, r.actor, r.action, r.entity, r.details, r.hash);
        if (r.id === cut) insert.run(id++, r.at, 'operator:forged', 'moderation.approve', r.entity, '{}', '');
      }
    });
    expect(chainAlone).toBeUndefined();
    expect(report.ok).toBe(false);
    // Renumbered ids may keep the count at the checkpoint's id: then it reads as a rewrite.
    const first = report.problems.find((p) => p.seq === 1);
    expect(['inserted', 'rewritten']).toContain(first?.kind);
  });

  it('detects a rewritten entry', async () => {
    const { report, chainAlone } = await tampered((db) => {
      db.prepare("UPDATE audit_log SET actor = 'operator:someone-else' WHERE id = ?").run(
        firstCheckpointId(db) - 1,
      );
    });
    expect(chainAlone).toBeUndefined();
    expect(report.problems.map((p) => p.kind)).toEqual(expect.arrayContaining(['rewritten']));
    expect(report.problems.map((p) => p.kind)).not.toContain('deleted');
  });

  it('detects a checkpoint deleted from the database, by the anchor file', async () => {
    const { report } = await tampered((db) => {
      db.exec('DROP TRIGGER audit_checkpoints_no_delete');
      db.exec('DELETE FROM audit_checkpoints WHERE seq = (SELECT MAX(seq) FROM audit_checkpoints)');
      // ... and the entries it covered after the previous one, to hide the tracks.
      db.prepare('DELETE FROM audit_log WHERE id > ?').run(firstCheckpointId(db));
    });
    expect(report.problems.map((p) => p.kind)).toContain('checkpoint-missing');
  });

  it('refuses checkpoints signed by another key than the pinned CA certificate', async () => {
    const store = openCaStore(original);
    const report = await verifyAuditLog(store, { caCertificate: t.ca.context.material.root.certificate });
    await store.close();
    expect(report.problems.map((p) => p.kind)).toContain('checkpoint-signature');
  });
});

describe('#3 the CA started from the environment follows the same rule as kzpki start', () => {
  const secrets = { KZPKI_CA_PASSPHRASE: 'a real one', KZPKI_STATUS_PASSPHRASE: 'another one' };

  it('dev mode by default on loopback only; refused on a network address unless insisted on', () => {
    expect(settingsFromEnv({}).config.devMode).toBe(true);
    expect(settingsFromEnv({ KZPKI_DEV_MODE: '0' }).config.devMode).toBe(false);
    const network = { ...secrets, KZPKI_CA_HOST: '0.0.0.0' };
    expect(settingsFromEnv(network).config.devMode).toBe(false);
    expect(() => settingsFromEnv({ ...network, KZPKI_DEV_MODE: '1' })).toThrow(/read every one-time code/);
    expect(
      settingsFromEnv({ ...network, KZPKI_DEV_MODE: '1', KZPKI_INSECURE_DEV_MODE: '1' }).config.devMode,
    ).toBe(true);
  });

  it('the public development passphrases are refused on a network address unless insisted on', () => {
    expect(() => settingsFromEnv({ KZPKI_CA_HOST: '192.168.1.10' })).toThrow(
      /KZPKI_CA_PASSPHRASE and KZPKI_STATUS_PASSPHRASE are not set/,
    );
    expect(
      settingsFromEnv({ KZPKI_CA_HOST: '192.168.1.10', KZPKI_INSECURE_PUBLIC_PASSPHRASE: '1' }).host,
    ).toBe('192.168.1.10');
    expect(settingsFromEnv({ KZPKI_CA_HOST: '::1' }).config.devMode).toBe(true);
  });
});
