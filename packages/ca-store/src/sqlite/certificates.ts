/** Issued certificates, revocation events and CRL numbers in SQLite. */
import { normalizeSerialHex } from '@kzpki/pki';
import type Database from 'better-sqlite3';
import {
  CERTIFICATE_SELECT,
  certificateFromRow,
  type CertificateRow as SharedCertificateRow,
} from '../certificate-row.js';
import type { CertificateQuery, CertificateStatusChange } from '../repository.js';
import type {
  CertificateRecord,
  CertificateStatus,
  CertificateStatusRecord,
  RevocationChange,
  RevocationReason,
  RevokedEntry,
} from '../types.js';
import { applyUpdate } from './applications.js';
import { appendAudit } from './audit.js';
import { iso } from './json-codec.js';
import { stmt } from './statements.js';

type CertificateRow = SharedCertificateRow<string>;

const SELECT = CERTIFICATE_SELECT;

function toRecord(r: CertificateRow): CertificateRecord {
  return certificateFromRow(r, (s) => new Date(s));
}

/**
 * The key under which a serial is stored: `normalizeSerialHex` of `@kzpki/pki` (lower case, no
 * leading zero octets, even length). Text that is not hex is kept as it is, so that a lookup of a
 * malformed serial simply finds nothing.
 */
export function serialKey(serialHex: string): string {
  try {
    return normalizeSerialHex(serialHex);
  } catch {
    return serialHex;
  }
}

/** Inserts a certificate (UNIQUE serial and public key enforced by the schema). */
export function insertCertificate(db: Database.Database, c: CertificateRecord): void {
  stmt(
    db,
    `INSERT INTO certificates (issuer_ski_hex, serial_hex, kind, application_id, purpose, template, subject, iin, bin,
       ski_hex, spki_sha256, der, not_before, not_after, status, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'good', ?)`,
  ).run(
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
    c.notBefore.toISOString(),
    c.notAfter.toISOString(),
    c.createdAt.toISOString(),
  );
}

/** One certificate by issuer and serial. */
export function selectBySerial(
  db: Database.Database,
  issuerSkiHex: string,
  serialHex: string,
): CertificateRecord | undefined {
  const r = stmt(db, `${SELECT} WHERE c.issuer_ski_hex = ? AND c.serial_hex = ?`).get(
    issuerSkiHex.toLowerCase(),
    serialKey(serialHex),
  ) as CertificateRow | undefined;
  return r && toRecord(r);
}

/** The status columns of one certificate by issuer and serial (the OCSP hot path: no DER, no join). */
export function selectStatusBySerial(
  db: Database.Database,
  issuerSkiHex: string,
  serialHex: string,
): CertificateStatusRecord | undefined {
  const r = stmt(
    db,
    `SELECT serial_hex, issuer_ski_hex, status, revoked_at, reason, invalidity_date, not_before, not_after
       FROM certificates WHERE issuer_ski_hex = ? AND serial_hex = ?`,
  ).get(issuerSkiHex.toLowerCase(), serialKey(serialHex)) as
    | Pick<
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
    | undefined;
  if (!r) return undefined;
  return {
    serialHex: r.serial_hex,
    issuerSkiHex: r.issuer_ski_hex,
    status: r.status as CertificateStatus,
    ...(r.revoked_at !== null ? { revokedAt: new Date(r.revoked_at) } : {}),
    ...(r.reason !== null ? { reason: r.reason as RevocationReason } : {}),
    ...(r.invalidity_date !== null ? { invalidityDate: new Date(r.invalidity_date) } : {}),
    notBefore: new Date(r.not_before),
    notAfter: new Date(r.not_after),
  };
}

/** One certificate by serial (serials are unique across issuers). */
export function selectCertificate(db: Database.Database, serialHex: string): CertificateRecord | undefined {
  const r = stmt(db, `${SELECT} WHERE c.serial_hex = ?`).get(serialKey(serialHex)) as
    | CertificateRow
    | undefined;
  return r && toRecord(r);
}

/** Certificates matching every given field, oldest first. */
export function selectCertificates(db: Database.Database, q: CertificateQuery): CertificateRecord[] {
  const where: string[] = [];
  const args: string[] = [];
  const filters: Array<[string, string | undefined]> = [
    ['c.iin = ?', q.iin],
    ['c.bin = ?', q.bin],
    ['c.application_id = ?', q.applicationId],
    ['c.kind = ?', q.kind],
  ];
  for (const [clause, value] of filters) {
    if (value === undefined) continue;
    where.push(clause);
    args.push(value);
  }
  const sql = `${SELECT}${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY c.created_at, c.serial_hex`;
  return (stmt(db, sql).all(...args) as CertificateRow[]).map(toRecord);
}

/** `true` when a certificate for this public key exists. */
export function spkiExists(db: Database.Database, spkiSha256: string): boolean {
  return stmt(db, 'SELECT 1 FROM certificates WHERE spki_sha256 = ?').get(spkiSha256) !== undefined;
}

const ALLOWED_FROM: Record<CertificateStatusChange['change'], readonly CertificateStatus[]> = {
  revoked: ['good', 'hold'],
  hold: ['good'],
  released: ['hold'],
};

/**
 * Revokes, holds or releases (in a transaction): appends the revocation event (its sequence
 * number is the new revocation sequence), updates the certificate and, when every certificate of
 * its application is revoked, moves the application to `revoked`.
 */
export function applyStatusChange(
  db: Database.Database,
  change: CertificateStatusChange,
  now: Date,
): CertificateRecord | undefined {
  const cert = selectBySerial(db, change.issuerSkiHex, change.serialHex);
  if (!cert || !ALLOWED_FROM[change.change].includes(cert.status)) return undefined;
  // GeneralizedTime in CRLs and OCSP has whole seconds: store what relying parties will see.
  const at = new Date(Math.floor((change.change === 'released' ? now : change.at).getTime() / 1000) * 1000);
  const reason =
    change.change === 'hold' ? 'certificateHold' : change.change === 'revoked' ? change.reason : undefined;
  const invalidity = change.change === 'released' ? undefined : change.invalidityDate;
  const ev = stmt(
    db,

    `INSERT INTO revocation_events (issuer_ski_hex, serial_hex, change, revoked_at, reason, invalidity_date, at, actor)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    cert.issuerSkiHex,
    cert.serialHex,
    change.change,
    at.toISOString(),
    reason ?? null,
    iso(invalidity),
    now.toISOString(),
    change.audit.actor,
  );
  const seq = Number(ev.lastInsertRowid);
  const status: CertificateStatus =
    change.change === 'released' ? 'good' : change.change === 'hold' ? 'hold' : 'revoked';
  stmt(
    db,
    `UPDATE certificates SET status = ?, revoked_at = ?, reason = ?, invalidity_date = ?, status_seq = ?
     WHERE issuer_ski_hex = ? AND serial_hex = ?`,
  ).run(
    status,
    status === 'good' ? null : at.toISOString(),
    reason ?? null,
    iso(invalidity),
    seq,
    cert.issuerSkiHex,
    cert.serialHex,
  );
  appendAudit(db, { ...change.audit, details: { ...change.audit.details, seq } }, now);
  if (status !== 'good') {
    // Sessions opened with this certificate end for good: a later release does not revive them.
    stmt(
      db,
      "DELETE FROM sessions WHERE json_extract(holder, '$.issuerSkiHex') = ? AND json_extract(holder, '$.serialHex') = ?",
    ).run(cert.issuerSkiHex, cert.serialHex);
  }
  if (status === 'revoked' && cert.applicationId !== undefined) {
    const left = stmt(
      db,
      "SELECT COUNT(*) AS n FROM certificates WHERE application_id = ? AND status <> 'revoked'",
    ).get(cert.applicationId) as { n: number };
    if (left.n === 0) {
      applyUpdate(
        db,
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
  return selectBySerial(db, cert.issuerSkiHex, cert.serialHex);
}

/** A page of the revoked and held certificates of an issuer, by revocation sequence. */
export function selectRevokedPage(
  db: Database.Database,
  issuerSkiHex: string,
  afterSeq: number,
  limit: number,
): Array<RevokedEntry & { seq: number }> {
  const rows = stmt(
    db,

    `SELECT serial_hex, revoked_at, reason, invalidity_date, status_seq FROM certificates
       WHERE issuer_ski_hex = ? AND status <> 'good' AND status_seq > ? ORDER BY status_seq LIMIT ?`,
  ).all(issuerSkiHex.toLowerCase(), afterSeq, limit) as Array<{
    serial_hex: string;
    revoked_at: string;
    reason: string | null;
    invalidity_date: string | null;
    status_seq: number;
  }>;
  return rows.map((r) => ({
    serialHex: r.serial_hex,
    revokedAt: new Date(r.revoked_at),
    reason: (r.reason ?? 'unspecified') as RevocationReason,
    ...(r.invalidity_date !== null ? { invalidityDate: new Date(r.invalidity_date) } : {}),
    seq: r.status_seq,
  }));
}

/** Net changes since `sinceSeq`: the last event of every certificate changed after it. */
export function selectChangesSince(
  db: Database.Database,
  issuerSkiHex: string,
  sinceSeq: number,
): RevocationChange[] {
  const rows = stmt(
    db,

    `SELECT e.seq, e.serial_hex, e.change, e.revoked_at, e.reason, e.invalidity_date, c.status
       FROM revocation_events e JOIN certificates c ON c.issuer_ski_hex = e.issuer_ski_hex AND c.serial_hex = e.serial_hex
       WHERE e.issuer_ski_hex = ? AND e.seq > ? AND e.seq = c.status_seq ORDER BY e.seq`,
  ).all(issuerSkiHex.toLowerCase(), sinceSeq) as Array<{
    seq: number;
    serial_hex: string;
    change: string;
    revoked_at: string;
    reason: string | null;
    invalidity_date: string | null;
    status: string;
  }>;
  return rows.map((r) => ({
    serialHex: r.serial_hex,
    change: r.change as RevocationChange['change'],
    status: r.status as CertificateStatus,
    revokedAt: new Date(r.revoked_at),
    ...(r.reason !== null ? { reason: r.reason as RevocationReason } : {}),
    ...(r.invalidity_date !== null ? { invalidityDate: new Date(r.invalidity_date) } : {}),
    seq: r.seq,
  }));
}

/** The current revocation sequence number (0 before the first revocation). */
export function selectRevocationSeq(db: Database.Database): number {
  return (stmt(db, 'SELECT COALESCE(MAX(seq), 0) AS s FROM revocation_events').get() as { s: number }).s;
}

/** Allocates the next CRL number of an issuer. */
export function allocateCrlNumber(db: Database.Database, issuerSkiHex: string): bigint {
  const row = stmt(
    db,

    `INSERT INTO crl_numbers (issuer_ski_hex, last_number) VALUES (?, 1)
       ON CONFLICT (issuer_ski_hex) DO UPDATE SET last_number = last_number + 1 RETURNING last_number`,
  )
    .safeIntegers(true)
    .get(issuerSkiHex.toLowerCase()) as { last_number: bigint };
  return row.last_number;
}
