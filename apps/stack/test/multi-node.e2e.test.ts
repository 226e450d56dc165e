/**
 * Several nodes, one truth, for real: two CA processes and two status processes (`node
 * apps/ca/dist/main.js`, `node apps/status/dist/main.js`) on one PostgreSQL database, each pair
 * behind a round-robin proxy on loopback, the CA made by `kzpki ca init --database`.
 *
 * - Concurrent enrollments with `@kzpki/client`'s `enroll()` through the proxy: every step may
 *   land on either CA process (applicant sessions, one-time codes and leases live in the database).
 * - One issuance is interrupted for certain: the `certificates` table is locked (SHARE) so that
 *   the CA process holding the issuance lease blocks in the transaction recording the signed
 *   certificates; that process is killed with SIGKILL there. The client's retry with the same
 *   Idempotency-Key reaches the other process, which takes the dead process's idempotency record
 *   and lease over at once (its liveness lock went with it) and issues.
 * - Concurrent revocations by the holders through the proxy; then every certificate is asked
 *   about by OCSP (requests built with `@kzpki/pki`) on each status process directly: the revoked
 *   ones answer `revoked` on both, the others `good`.
 * - The database has exactly two certificates per issued application, no application issued
 *   twice, no certificate of the killed process, unique serials, a verifying audit chain.
 *
 * Skipped with the reason when PostgreSQL is not reachable, except in CI.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { openPgCaStore } from '@kzpki/ca';
import { createPgTestDatabase, type PgTestDatabase, postgresForTests } from '@kzpki/ca-store/testing';
import {
  CabinetSession,
  devSmsOutbox,
  type EnrollResult,
  enroll,
  isKzpkiApiError,
  type OtpRequest,
} from '@kzpki/client';
import { createOcspRequest, fromBase64, parseOcspResponse, toBase64 } from '@kzpki/pki';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { freePort } from '../src/services.js';
import { run } from './io.js';
import { type RoundRobinProxy, startRoundRobinProxy } from './support/round-robin-proxy.js';

const pgProbe = await postgresForTests('multi-node e2e');
const CA_MAIN = fileURLToPath(new URL('../../ca/dist/main.js', import.meta.url));
const STATUS_MAIN = fileURLToPath(new URL('../../status/dist/main.js', import.meta.url));
const CA_PASSPHRASE = 'multi-node-ca-passphrase';
const STATUS_PASSPHRASE = 'multi-node-status-passphrase';
const PASSWORD = 'Qwerty12';
/** Demo persons with a phone whose documents match the registry (individual template). */
const PEOPLE = [
  '850315300128',
  '871008401427',
  '061211600012',
  '780203403451',
  '880612304567',
  '950901405677',
  '830414306786',
  '911212307895',
];

interface Node {
  name: string;
  url: string;
  child: ChildProcess;
  log: string[];
}

let db: PgTestDatabase;
let sql: pg.Client;
const cas: Node[] = [];
const statuses: Node[] = [];
let caProxy: RoundRobinProxy;
let statusProxy: RoundRobinProxy;

function startNode(name: string, main: string, env: Record<string, string>, url: string): Node {
  const child = spawn(process.execPath, [main], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const log: string[] = [];
  child.stdout!.on('data', (b) => log.push(String(b)));
  child.stderr!.on('data', (b) => log.push(String(b)));
  return { name, url, child, log };
}

async function until(ok: () => Promise<boolean> | boolean, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    if (
      await Promise.resolve()
        .then(ok)
        .catch(() => false)
    )
      return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * The newest one-time code for an IIN, from one CA process's dev outbox: the outbox is in the
 * database, so the survivor shows the codes every process sent (the first one is killed below).
 */
function otpFromOneNode(request: OtpRequest): Promise<string> {
  return devSmsOutbox(cas[1]!.url).latestOtp(request.iin, { sentAt: request.sentAt, timeoutMs: 30_000 });
}

/** Enrolls through the CA proxy; a network failure of a step that cannot be retried starts again. */
async function enrollPerson(iin: string, restarts: { n: number }): Promise<EnrollResult> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await enroll({
        caUrl: caProxy.url,
        template: 'individual',
        iin,
        password: PASSWORD,
        otp: otpFromOneNode,
        // Digital ID's page: the registered number, as the survivor's outbox shows it.
        phone: (request) => devSmsOutbox(cas[1]!.url).registeredPhone(request.iin),
        wait: { pollIntervalMs: 500 },
      });
    } catch (e) {
      if (attempt >= 3 || !isKzpkiApiError(e, 'ERR_NETWORK')) throw e;
      restarts.n++;
    }
  }
}

async function ocspStatus(statusUrl: string, certificate: Uint8Array, issuer: Uint8Array): Promise<string> {
  const req = await createOcspRequest({ certificate, issuer, nonce: false });
  const res = await fetch(`${statusUrl}/ocsp/${encodeURIComponent(toBase64(req.der))}`);
  expect(res.status).toBe(200);
  const parsed = parseOcspResponse(new Uint8Array(await res.arrayBuffer()));
  expect(parsed.status).toBe('successful');
  return parsed.responses[0]!.status.type;
}

beforeAll(async () => {
  if (!pgProbe.available) return;
  db = await createPgTestDatabase();
  sql = new pg.Client({ connectionString: db.url });
  sql.on('error', () => {});
  await sql.connect();
  const [ca1, ca2, st1, st2] = await Promise.all([
    freePort('127.0.0.1'),
    freePort('127.0.0.1'),
    freePort('127.0.0.1'),
    freePort('127.0.0.1'),
  ]);
  statusProxy = await startRoundRobinProxy([`http://127.0.0.1:${st1}`, `http://127.0.0.1:${st2}`]);

  // The CA, made once with the CLI (RSA-2048: fast), for the status URL of the proxy.
  const saved = { ca: process.env.KZPKI_CA_PASSPHRASE, status: process.env.KZPKI_STATUS_PASSPHRASE };
  process.env.KZPKI_CA_PASSPHRASE = CA_PASSPHRASE;
  process.env.KZPKI_STATUS_PASSPHRASE = STATUS_PASSPHRASE;
  const init = await run([
    'ca',
    'init',
    '--database',
    db.url,
    '--status-url',
    statusProxy.url,
    '--ca-key-algorithm',
    'RSA-2048',
    '--json',
  ]).finally(() => {
    for (const [k, v] of [
      ['KZPKI_CA_PASSPHRASE', saved.ca],
      ['KZPKI_STATUS_PASSPHRASE', saved.status],
    ] as const) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  });
  expect(init.code, init.stderr).toBe(0);
  expect(JSON.parse(init.stdout).created).toEqual(
    expect.arrayContaining(['root', 'issuing', 'operator', 'ocsp-responder', 'root-ocsp-responder']),
  );

  const common = {
    KZPKI_DATABASE_URL: db.url,
    KZPKI_CA_PASSPHRASE: CA_PASSPHRASE,
    KZPKI_STATUS_PASSPHRASE: STATUS_PASSPHRASE,
  };
  for (const [i, port] of [ca1, ca2].entries()) {
    cas.push(
      startNode(
        `ca${i + 1}`,
        CA_MAIN,
        {
          ...common,
          KZPKI_CA_PORT: String(port),
          KZPKI_STATUS_PUBLIC_URL: statusProxy.url,
          KZPKI_DEV_MODE: '1',
          KZPKI_TEST_MODE: '0',
        },
        `http://127.0.0.1:${port}`,
      ),
    );
  }
  for (const [i, port] of [st1, st2].entries()) {
    statuses.push(
      startNode(
        `status${i + 1}`,
        STATUS_MAIN,
        { ...common, KZPKI_STATUS_PORT: String(port) },
        `http://127.0.0.1:${port}`,
      ),
    );
  }
  for (const n of cas) {
    await until(async () => (await fetch(`${n.url}/v1/health`)).ok, 90_000, `${n.name}: ${n.log.join('')}`);
  }
  for (const n of statuses) {
    await until(async () => (await fetch(`${n.url}/ready`)).ok, 90_000, `${n.name}: ${n.log.join('')}`);
  }
  caProxy = await startRoundRobinProxy(cas.map((n) => n.url));
}, 240_000);

afterAll(async () => {
  for (const n of [...cas, ...statuses]) if (n.child.exitCode === null) n.child.kill('SIGKILL');
  await caProxy?.close();
  await statusProxy?.close();
  await sql?.end().catch(() => {});
  await db?.drop();
});

describe.skipIf(!pgProbe.available)('two CA and two status processes on one PostgreSQL database', () => {
  it(
    'enroll concurrently, survive a CA killed mid-issuance, revoke, and answer revoked on every status node',
    { timeout: 600_000 },
    async () => {
      onTestFailed(() => {
        for (const n of [...cas, ...statuses]) console.error(`--- ${n.name}\n${n.log.join('').slice(-4000)}`);
      });
      const restarts = { n: 0 };
      // --- concurrent enrollments through the proxy; the first issuance is pinned to ca1, and
      // while the certificates table is locked ca1 blocks recording it (lease claimed, certificates
      // signed, the transaction waiting) and is killed there.
      let pinnedApp: string | undefined;
      caProxy.route = (req) => {
        const m = /^\/v1\/applications\/([^/]+)\/issuance$/.exec(req.url ?? '');
        if (req.method === 'POST' && m && pinnedApp === undefined) {
          pinnedApp = m[1];
          return 0;
        }
        return undefined;
      };
      const lock = new pg.Client({ connectionString: db.url });
      lock.on('error', () => {});
      await lock.connect();
      await lock.query('BEGIN');
      await lock.query('LOCK TABLE certificates IN SHARE MODE');
      const enrollments = PEOPLE.map((iin) => enrollPerson(iin, restarts));
      for (const e of enrollments) e.catch(() => {}); // awaited below; not unhandled meanwhile
      const leaseOf = async (): Promise<{ owner: string } | undefined> => {
        if (pinnedApp === undefined) return undefined;
        const r = await sql.query<{ data: string }>('SELECT data FROM applications WHERE id = $1', [
          pinnedApp,
        ]);
        return r.rows[0] && (JSON.parse(r.rows[0].data).issuanceLease as { owner: string } | undefined);
      };
      await until(
        async () =>
          (await leaseOf()) !== undefined &&
          ((
            await sql.query(
              `SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'
                 AND query LIKE 'INSERT INTO certificates%'`,
            )
          ).rowCount ?? 0) > 0,
        240_000,
        'the pinned issuance to block on the certificates table',
      );
      await new Promise((r) => setTimeout(r, 300)); // let ca1 reach the lock if it was a hair behind
      const lease = (await leaseOf())!;
      expect(lease.owner).toMatch(/^pg-node-\d+$/);
      // A load balancer's health check takes a dead node out: new requests go to ca2 only (the
      // round robin would otherwise send every other retry of the pinned issuance to the dead ca1).
      caProxy.route = () => 1;
      cas[0]!.child.kill('SIGKILL');
      await new Promise<void>((resolve) => cas[0]!.child.once('exit', () => resolve()));
      // Its liveness lock is gone at once; then the table is free again.
      await until(
        async () =>
          (
            await sql.query(
              "SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND classid = $1::bigint::oid AND objid = $2::bigint::oid AND granted",
              [0x6b7a706c, Number(lease.owner.slice('pg-node-'.length))],
            )
          ).rowCount === 0,
        10_000,
        'the killed node to lose its liveness lock',
      );
      await lock.query('ROLLBACK');
      await lock.end();

      const results = await Promise.all(enrollments);
      expect(results.map((r) => r.status)).toEqual(PEOPLE.map(() => 'installed'));
      expect(results.map((r) => r.applicationId)).toContain(pinnedApp);
      const audit = (
        await sql.query<{ action: string; details: string }>(
          'SELECT action, details FROM audit_log WHERE entity = $1 ORDER BY id',
          [`application:${pinnedApp}`],
        )
      ).rows.map((r) => ({ action: r.action, details: JSON.parse(r.details) as Record<string, unknown> }));
      const started = audit.filter((a) => a.action === 'issuance.started');
      // ca1 claimed, ca2 took the dead node's lease over and issued, once.
      expect(started.length).toBe(2);
      expect(started[0]!.details.node).toBe(lease.owner);
      expect(started[1]!.details.takenOverFrom).toBe(lease.owner);
      const issuedEntries = audit.filter((a) => a.action === 'certificates.issued');
      expect(issuedEntries).toHaveLength(1);
      expect(issuedEntries[0]!.details.node).not.toBe(lease.owner);

      // --- every status process holds a 'good' answer for every certificate first
      const issuer = new Uint8Array(
        Buffer.from(
          results[0]!.chain.find((c) => c.name === 'issuing')!.pem.replace(/-----[^-]+-----|\s/g, ''),
          'base64',
        ),
      );
      for (const node of statuses) {
        for (const r of results) {
          for (const k of r.keyFiles) {
            expect(await ocspStatus(node.url, fromBase64(k.certificate.der), issuer)).toBe('good');
          }
        }
      }

      // --- concurrent revocations by the holders (SIGN of every other person, AUTH of one); after
      // each, both status processes are asked until they answer revoked (a notification away)
      const revoked = new Set<string>();
      const seenAfterMs: number[] = [];
      const untilRevoked = async (der: Uint8Array): Promise<void> => {
        const t0 = performance.now();
        await Promise.all(
          statuses.map(async (node) => {
            for (let t = 0; (await ocspStatus(node.url, der, issuer)) !== 'revoked'; t++) {
              if (t > 200) throw new Error(`${node.name} still answers good`);
              await new Promise((res) => setTimeout(res, 10));
            }
          }),
        );
        seenAfterMs.push(performance.now() - t0);
      };
      await Promise.all(
        results.map(async (r, i) => {
          if (i % 2 === 1) return;
          const auth = r.keyFiles.find((k) => k.purpose === 'auth')!;
          const sign = r.keyFiles.find((k) => k.purpose === 'sign')!;
          const cabinet = await CabinetSession.login({
            caUrl: caProxy.url,
            keyFile: auth.bytes,
            password: PASSWORD,
          });
          await cabinet.revoke(sign.certificate.serialHex, 'keyCompromise');
          revoked.add(sign.certificate.serialHex);
          await untilRevoked(fromBase64(sign.certificate.der));
          if (i === 2) {
            await cabinet.revoke(auth.certificate.serialHex, 'affiliationChanged');
            revoked.add(auth.certificate.serialHex);
            await untilRevoked(fromBase64(auth.certificate.der));
          }
        }),
      );

      // --- every status process answers every certificate: revoked ones revoked, others good
      for (const node of statuses) {
        for (const r of results) {
          for (const k of r.keyFiles) {
            const der = fromBase64(k.certificate.der);
            const expected = revoked.has(k.certificate.serialHex) ? 'revoked' : 'good';
            expect(await ocspStatus(node.url, der, issuer), `${node.name} ${k.certificate.serialHex}`).toBe(
              expected,
            );
          }
        }
      }

      // --- the database: nothing lost, nothing twice
      const perApp = (
        await sql.query<{ application_id: string; n: string; status: string }>(
          `SELECT c.application_id, count(*) AS n, a.status FROM certificates c JOIN applications a ON a.id = c.application_id
             WHERE c.kind = 'end-entity' GROUP BY c.application_id, a.status`,
        )
      ).rows;
      expect(perApp.every((r) => Number(r.n) === 2)).toBe(true);
      for (const r of results) {
        const row = perApp.find((p) => p.application_id === r.applicationId);
        expect(row, r.applicationNumber).toBeDefined();
        const serials = (
          await sql.query<{ serial_hex: string }>(
            'SELECT serial_hex FROM certificates WHERE application_id = $1 ORDER BY serial_hex',
            [r.applicationId],
          )
        ).rows.map((x) => x.serial_hex);
        expect(serials).toEqual(r.keyFiles.map((k) => k.certificate.serialHex).sort());
      }
      const issuedApps = (
        await sql.query<{ n: string }>(
          "SELECT count(*) AS n FROM applications WHERE status IN ('issued', 'installed', 'revoked')",
        )
      ).rows[0]!.n;
      expect(Number(issuedApps)).toBe(perApp.length);
      const dup = await sql.query(
        'SELECT serial_hex FROM certificates GROUP BY serial_hex HAVING count(*) > 1 UNION ALL SELECT spki_sha256 FROM certificates GROUP BY spki_sha256 HAVING count(*) > 1',
      );
      expect(dup.rowCount).toBe(0);
      const stuck = await sql.query(
        "SELECT id FROM applications WHERE status IN ('submitted', 'approved') AND data LIKE '%issuanceLease%'",
      );
      expect(stuck.rowCount).toBe(0);
      // Both CA processes served requests of the same enrollments.
      expect(caProxy.forwarded[0]).toBeGreaterThan(0);
      expect(caProxy.forwarded[1]).toBeGreaterThan(0);
      const store = await openPgCaStore(db.url, { onError: () => {} });
      try {
        expect(await store.verifyAuditChain()).toBeUndefined();
      } finally {
        await store.close();
      }
      const takenOver = (
        await sql.query(
          "SELECT 1 FROM audit_log WHERE action = 'issuance.started' AND details LIKE '%takenOverFrom%'",
        )
      ).rowCount;
      console.log(
        `multi-node: ${results.length} enrollments (${restarts.n} restarted after the kill), ${takenOver} issuance(s) taken over from the killed node, ${revoked.size} revocations answered revoked by both status processes ${Math.round(Math.min(...seenAfterMs))}-${Math.round(Math.max(...seenAfterMs))} ms after the revocation returned; CA requests per node ${caProxy.forwarded.join('/')}`,
      );
    },
  );
});
