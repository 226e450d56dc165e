/** Issued certificates, revocation events and CRL numbers on PostgreSQL. */
import {
  CERTIFICATE_SELECT,
  certificateFromRow,
  opt,
  type CertificateRow as SharedCertificateRow,
} from '../certificate-row.js';
import type { CertificateQuery, CertificateStatusChange } from '../repository.js';
import { serialKey } from '../sqlite/certificates.js';
import type {
  CertificateRecord,
  CertificateStatus,
  CertificateStatusRecord,
  RevocationChange,
  RevocationReason,
  RevokedEntry,
} from '../types.js';
import { applyUpdate } from './applications.js';
import { type Queryable, REVOCATION_CHANNEL, type Tx } from './database.js';

type CertificateRow = SharedCertificateRow<Date>;

const SELECT = CERTIFICATE_SELECT;

function toRecord(r: CertificateRow): CertificateRecord {
  return certificateFromRow(r, (d) => d);
}

/** Inserts a certificate (unique serial and public key enforced by the schema: `ERR_DUPLICATE`). */
export async function insertCertificate(t: Tx, c: CertificateRecord): Promise<void> {
  await t.run(
    `INSERT INTO certificates (issuer_ski_hex, serial_hex, kind, application_id, purpose, template, subject, iin, bin,
       ski_hex, spki_sha256, der, not_before, not_after, status, created_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, 'good', $15)`,
    [
      c.issuerSkiHex.toLowerCase(),
      serialKey(c.serialHex),
      c.kind,
      c.applicationId ?? null,
      c.purpose ?? null,
      c.template ?? null,
      c.subject,
      c.iin ?? null,
      c.bin ?? null,
      c.skiHex,
      c.spkiSha256,
      Buffer.from(c.der),
      c.notBefore,
      c.notAfter,
      c.createdAt,
    ],
  );
}

/** One certificate by issuer and serial. */
export async function selectBySerial(
  db: Queryable,
  issuerSkiHex: string,
  serialHex: string,
): Promise<CertificateRecord | undefined> {
  const r = (
    await db.query<CertificateRow>(`${SELECT} WHERE c.issuer_ski_hex = $1 AND c.serial_hex = $2`, [
      issuerSkiHex.toLowerCase(),
      serialKey(serialHex),
    ])
  ).rows[0];
  return r && toRecord(r);
}

/** The status columns of one certificate (the OCSP lookup: no DER, no join). */
export async function selectStatusBySerial(
  db: Queryable,
  issuerSkiHex: string,
  serialHex: string,
): Promise<CertificateStatusRecord | undefined> {
  const r = (
    await db.query<
      Pick<
        CertificateRow,
        | 'serial_hex'
        | 'issuer_ski_hex'
        | 'status'
        | 'revoked_at'
        | 'reason'
        | 'invalidity_date'
        | 'not_before'
        | 'not_after'
      >
    >(
      `SELECT serial_hex, issuer_ski_hex, status, revoked_at, reason, invalidity_date, not_before, not_after
         FROM certificates WHERE issuer_ski_hex = $1 AND serial_hex = $2`,
      [issuerSkiHex.toLowerCase(), serialKey(serialHex)],
    )
  ).rows[0];
  if (!r) return undefined;
  return {
    serialHex: r.serial_hex,
    issuerSkiHex: r.issuer_ski_hex,
    status: r.status as CertificateStatus,
    ...opt('revokedAt', r.revoked_at),
    ...opt('reason', r.reason as RevocationReason | null),
    ...opt('invalidityDate', r.invalidity_date),
    notBefore: r.not_before,
    notAfter: r.not_after,
  };
}

/** One certificate by serial (serials are unique across issuers). */
export async function selectCertificate(
  db: Queryable,
  serialHex: string,
): Promise<CertificateRecord | undefined> {
  const r = (await db.query<CertificateRow>(`${SELECT} WHERE c.serial_hex = $1`, [serialKey(serialHex)]))
    .rows[0];
  return r && toRecord(r);
}

/** Certificates matching every given field, oldest first. */
export async function selectCertificates(db: Queryable, q: CertificateQuery): Promise<CertificateRecord[]> {
  const where: string[] = [];
  const args: string[] = [];
  const filters: Array<[string, string | undefined]> = [
    ['c.iin', q.iin],
    ['c.bin', q.bin],
    ['c.application_id', q.applicationId],
    ['c.kind', q.kind],
  ];
  for (const [column, value] of filters) {
    if (value === undefined) continue;
    args.push(value);
    where.push(`${column} = $${args.length}`);
  }
  const sql = `${SELECT}${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY c.created_at, c.serial_hex`;
  return (await db.query<CertificateRow>(sql, args)).rows.map(toRecord);
}

/** `true` when a certificate for this public key exists. */
export async function spkiExists(db: Queryable, spkiSha256: string): Promise<boolean> {
  return (await db.query('SELECT 1 FROM certificates WHERE spki_sha256 = $1', [spkiSha256])).rowCount !== 0;
}

const ALLOWED_FROM: Record<CertificateStatusChange['change'], readonly CertificateStatus[]> = {
  revoked: ['good', 'hold'],
  hold: ['good'],
  released: ['hold'],
};

/**
 * Revokes, holds or releases in one transaction: locks the certificate row (and its
 * application's), takes the next revocation sequence number from the head row (locked until the
 * commit, so numbers follow commit order), appends the event, updates the certificate, notifies
 * the status nodes (delivered at the commit), deletes the sessions opened with the certificate on
 * a revocation or hold and, when every certificate of the application is revoked, moves the
 * application to `revoked`.
 */
export async function applyStatusChange(
  t: Tx,
  change: CertificateStatusChange,
  now: Date,
): Promise<CertificateRecord | undefined> {
  const locked = (
    await t.rows<{ application_id: string | null; status: string }>(
      'SELECT application_id, status FROM certificates WHERE issuer_ski_hex = $1 AND serial_hex = $2 FOR UPDATE',
      [change.issuerSkiHex.toLowerCase(), serialKey(change.serialHex)],
    )
  )[0];
  if (!locked || !ALLOWED_FROM[change.change].includes(locked.status as CertificateStatus)) return undefined;
  // The application row next (the lock order: application, revocation head, audit).
  if (locked.application_id !== null) {
    await t.run('SELECT 1 FROM applications WHERE id = $1 FOR UPDATE', [locked.application_id]);
  }
  const cert = (await selectBySerial(t.client, change.issuerSkiHex, change.serialHex)) as CertificateRecord;
  // GeneralizedTime in CRLs and OCSP has whole seconds: store what relying parties will see.
  const at = new Date(Math.floor((change.change === 'released' ? now : change.at).getTime() / 1000) * 1000);
  const reason =
    change.change === 'hold' ? 'certificateHold' : change.change === 'revoked' ? change.reason : undefined;
  const invalidity = change.change === 'released' ? undefined : change.invalidityDate;
  const head = await t.rows<{ seq: string }>('UPDATE revocation_head SET seq = seq + 1 RETURNING seq');
  const seq = Number(head[0]!.seq);
  await t.run(
    `INSERT INTO revocation_events (seq, issuer_ski_hex, serial_hex, change, revoked_at, reason, invalidity_date, at, actor)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
    [
      seq,
      cert.issuerSkiHex,
      cert.serialHex,
      change.change,
      at,
      reason ?? null,
      invalidity ?? null,
      now,
      change.audit.actor,
    ],
  );
  const status: CertificateStatus =
    change.change === 'released' ? 'good' : change.change === 'hold' ? 'hold' : 'revoked';
  await t.run(
    `UPDATE certificates SET status = $1, revoked_at = $2, reason = $3, invalidity_date = $4, status_seq = $5
     WHERE issuer_ski_hex = $6 AND serial_hex = $7`,
    [
      status,
      status === 'good' ? null : at,
      reason ?? null,
      invalidity ?? null,
      seq,
      cert.issuerSkiHex,
      cert.serialHex,
    ],
  );
  await t.run('SELECT pg_notify($1, $2)', [REVOCATION_CHANNEL, String(seq)]);
  t.audit({ ...change.audit, details: { ...change.audit.details, seq } }, now);
  if (status !== 'good') {
    // Sessions opened with this certificate end for good: a later release does not revive them.
    await t.run(
      `DELETE FROM sessions WHERE holder IS NOT NULL
         AND holder::jsonb ->> 'issuerSkiHex' = $1 AND holder::jsonb ->> 'serialHex' = $2`,
      [cert.issuerSkiHex, cert.serialHex],
    );
  }
  if (status === 'revoked' && cert.applicationId !== undefined) {
    const left = await t.rows<{ n: string }>(
      "SELECT COUNT(*) AS n FROM certificates WHERE application_id = $1 AND status <> 'revoked'",
      [cert.applicationId],
    );
    if (Number(left[0]?.n) === 0) {
      await applyUpdate(
        t,
        cert.applicationId,
        {
          expected: ['issued', 'installed'],
          status: { to: 'revoked', actor: change.audit.actor },
          audit: {
            actor: change.audit.actor,
            action: 'application.revoked',
            entity: `application:${cert.applicationId}`,
          },
        },
        now,
      );
    }
  }
  return selectBySerial(t.client, cert.issuerSkiHex, cert.serialHex);
}

/** A page of the revoked and held certificates of an issuer, by revocation sequence. */
export async function selectRevokedPage(
  db: Queryable,
  issuerSkiHex: string,
  afterSeq: number,
  limit: number,
): Promise<Array<RevokedEntry & { seq: number }>> {
  const r = await db.query<{
    serial_hex: string;
    revoked_at: Date;
    reason: string | null;
    invalidity_date: Date | null;
    status_seq: string;
  }>(
    `SELECT serial_hex, revoked_at, reason, invalidity_date, status_seq FROM certificates
       WHERE issuer_ski_hex = $1 AND status <> 'good' AND status_seq > $2 ORDER BY status_seq LIMIT $3`,
    [issuerSkiHex.toLowerCase(), afterSeq, limit],
  );
  return r.rows.map((x) => ({
    serialHex: x.serial_hex,
    revokedAt: x.revoked_at,
    reason: (x.reason ?? 'unspecified') as RevocationReason,
    ...opt('invalidityDate', x.invalidity_date),
    seq: Number(x.status_seq),
  }));
}

/** Net changes since `sinceSeq`: the last event of every certificate changed after it. */
export async function selectChangesSince(
  db: Queryable,
  issuerSkiHex: string,
  sinceSeq: number,
): Promise<RevocationChange[]> {
  const r = await db.query<{
    seq: string;
    serial_hex: string;
    change: string;
    revoked_at: Date;
    reason: string | null;
    invalidity_date: Date | null;
    status: string;
  }>(
    `SELECT e.seq, e.serial_hex, e.change, e.revoked_at, e.reason, e.invalidity_date, c.status
       FROM revocation_events e JOIN certificates c ON c.issuer_ski_hex = e.issuer_ski_hex AND c.serial_hex = e.serial_hex
       WHERE e.issuer_ski_hex = $1 AND e.seq > $2 AND e.seq = c.status_seq ORDER BY e.seq`,
    [issuerSkiHex.toLowerCase(), sinceSeq],
  );
  return r.rows.map((x) => ({
    serialHex: x.serial_hex,
    change: x.change as RevocationChange['change'],
    status: x.status as CertificateStatus,
    revokedAt: x.revoked_at,
    ...opt('reason', x.reason as RevocationReason | null),
    ...opt('invalidityDate', x.invalidity_date),
    seq: Number(x.seq),
  }));
}

/** The current revocation sequence number (0 before the first revocation). */
export async function selectRevocationSeq(db: Queryable): Promise<number> {
  const r = await db.query<{ seq: string }>('SELECT seq FROM revocation_head');
  return Number(r.rows[0]?.seq ?? 0);
}

/** Allocates the next CRL number of an issuer (atomic across processes: one upsert). */
export async function allocateCrlNumber(db: Queryable, issuerSkiHex: string): Promise<bigint> {
  const r = await db.query<{ last_number: string }>(
    `INSERT INTO crl_numbers (issuer_ski_hex, last_number) VALUES ($1, 1)
       ON CONFLICT (issuer_ski_hex) DO UPDATE SET last_number = crl_numbers.last_number + 1 RETURNING last_number`,
    [issuerSkiHex.toLowerCase()],
  );
  return BigInt(r.rows[0]!.last_number);
}
