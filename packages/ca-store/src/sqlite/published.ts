/**
 * What the CA publishes for the status service in SQLite: the CAs served, their delegated OCSP
 * responders and the signed CRLs.
 */
import type Database from 'better-sqlite3';
import { type PublishedCrlRow, publishedCrlFromRow } from '../published-crl-row.js';
import type {
  CrlKind,
  IssuerRecord,
  OcspResponderRecord,
  PublishedCrlHeader,
  PublishedCrlRecord,
  TimestampSignerRecord,
} from '../types.js';
import { stmt } from './statements.js';

/** Published CRLs kept per issuer and kind (the latest is served; older ones are dropped). */
export const CRLS_KEPT = 2;

interface IssuerRow {
  id: string;
  role: string;
  ski_hex: string;
  certificate: Buffer;
  updated_at: string;
}

/** Every published issuer, roots first. */
export function selectIssuers(db: Database.Database): IssuerRecord[] {
  const rows = stmt(db, 'SELECT * FROM issuers ORDER BY role DESC, id').all() as IssuerRow[];
  return rows.map((r) => ({
    id: r.id,
    role: r.role as IssuerRecord['role'],
    skiHex: r.ski_hex,
    certificate: new Uint8Array(r.certificate),
    updatedAt: new Date(r.updated_at),
  }));
}

/** Publishes or updates an issuer (by URL name). */
export function upsertIssuer(db: Database.Database, i: IssuerRecord): void {
  stmt(
    db,
    `INSERT INTO issuers (id, role, ski_hex, certificate, updated_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET role = excluded.role, ski_hex = excluded.ski_hex,
         certificate = excluded.certificate, updated_at = excluded.updated_at`,
  ).run(i.id, i.role, i.skiHex.toLowerCase(), Buffer.from(i.certificate), i.updatedAt.toISOString());
}

/** The OCSP responder of an issuer. */
export function selectResponder(
  db: Database.Database,
  issuerSkiHex: string,
): OcspResponderRecord | undefined {
  const r = stmt(db, 'SELECT * FROM ocsp_responders WHERE issuer_ski_hex = ?').get(
    issuerSkiHex.toLowerCase(),
  ) as
    | {
        issuer_ski_hex: string;
        certificate: Buffer;
        serial_hex: string;
        ski_hex: string;
        not_after: string;
        encrypted_key: string;
        created_at: string;
      }
    | undefined;
  if (!r) return undefined;
  return {
    issuerSkiHex: r.issuer_ski_hex,
    certificate: new Uint8Array(r.certificate),
    serialHex: r.serial_hex,
    skiHex: r.ski_hex,
    notAfter: new Date(r.not_after),
    encryptedKey: r.encrypted_key,
    createdAt: new Date(r.created_at),
  };
}

/** Stores (replaces) the OCSP responder of an issuer. */
export function upsertResponder(db: Database.Database, r: OcspResponderRecord): void {
  stmt(
    db,
    `INSERT OR REPLACE INTO ocsp_responders
       (issuer_ski_hex, certificate, serial_hex, ski_hex, not_after, encrypted_key, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    r.issuerSkiHex.toLowerCase(),
    Buffer.from(r.certificate),
    r.serialHex,
    r.skiHex,
    r.notAfter.toISOString(),
    r.encryptedKey,
    r.createdAt.toISOString(),
  );
}

interface TimestampSignerRow {
  issuer_ski_hex: string;
  policy: string;
  certificate: Buffer;
  serial_hex: string;
  ski_hex: string;
  not_after: string;
  encrypted_key: string;
  created_at: string;
}

/**
 * Every time-stamping authority, by issuer key id and policy; none on a store not yet migrated to
 * the table (the status service's read-only connection never migrates).
 */
export function selectTimestampSigners(db: Database.Database): TimestampSignerRecord[] {
  const table = stmt(db, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'timestamp_signers'")
    .pluck()
    .get();
  if (table === undefined) return [];
  const rows = stmt(
    db,
    'SELECT * FROM timestamp_signers ORDER BY issuer_ski_hex, policy',
  ).all() as TimestampSignerRow[];
  return rows.map((r) => ({
    issuerSkiHex: r.issuer_ski_hex,
    policy: r.policy,
    certificate: new Uint8Array(r.certificate),
    serialHex: r.serial_hex,
    skiHex: r.ski_hex,
    notAfter: new Date(r.not_after),
    encryptedKey: r.encrypted_key,
    createdAt: new Date(r.created_at),
  }));
}

/** Stores (replaces) the time-stamping authority of an issuer and policy. */
export function upsertTimestampSigner(db: Database.Database, r: TimestampSignerRecord): void {
  stmt(
    db,
    `INSERT OR REPLACE INTO timestamp_signers
       (issuer_ski_hex, policy, certificate, serial_hex, ski_hex, not_after, encrypted_key, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    r.issuerSkiHex.toLowerCase(),
    r.policy,
    Buffer.from(r.certificate),
    r.serialHex,
    r.skiHex,
    r.notAfter.toISOString(),
    r.encryptedKey,
    r.createdAt.toISOString(),
  );
}

type CrlRow = PublishedCrlRow<string>;

/**
 * Bytes per stored part of a CRL. A CRL is written part by part in short transactions (and read
 * part by part), yielding to the event loop in between: a 1,000,000-entry CRL (about 47 MB) then
 * never holds the process (and, under `kzpki start`, the OCSP responder in it) for the half second
 * one 47 MB write takes.
 */
export const CRL_PART_BYTES = 1 << 20;

const toHeader = (r: CrlRow): PublishedCrlHeader => publishedCrlFromRow(r, (s) => new Date(s));

function latestRow(db: Database.Database, issuerSkiHex: string, kind: CrlKind): CrlRow | undefined {
  return stmt(
    db,
    `SELECT issuer_ski_hex, kind, crl_number, base_crl_number, this_update, next_update, entries, revocation_seq,
       size, parts, published_at
       FROM published_crls WHERE issuer_ski_hex = ? AND kind = ? AND complete = 1
       ORDER BY crl_number DESC LIMIT 1`,
  )
    .safeIntegers(true)
    .get(issuerSkiHex.toLowerCase(), kind) as CrlRow | undefined;
}

/** The header of the latest complete CRL of an issuer and kind. */
export function selectCrlHeader(
  db: Database.Database,
  issuerSkiHex: string,
  kind: CrlKind,
): PublishedCrlHeader | undefined {
  const r = latestRow(db, issuerSkiHex, kind);
  return r && toHeader(r);
}

function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * The latest complete CRL of an issuer and kind, with its bytes, read part by part. Should the CRL
 * be dropped while it is read (two newer ones completed meanwhile), the read starts again on the
 * then latest one.
 */
export async function readCrl(
  db: Database.Database,
  issuerSkiHex: string,
  kind: CrlKind,
): Promise<PublishedCrlRecord | undefined> {
  const part = stmt(
    db,
    'SELECT bytes FROM published_crl_parts WHERE issuer_ski_hex = ? AND kind = ? AND crl_number = ? AND part = ?',
  ).pluck();
  for (let attempt = 0; attempt < 5; attempt++) {
    const r = latestRow(db, issuerSkiHex, kind);
    if (!r) return undefined;
    const size = Number(r.size);
    const parts = Number(r.parts);
    const der = new Uint8Array(size);
    let offset = 0;
    for (let i = 0; i < parts; i++) {
      const bytes = part.get(r.issuer_ski_hex, r.kind, r.crl_number, i) as Buffer | undefined;
      if (!bytes || offset + bytes.length > size) break;
      der.set(bytes, offset);
      offset += bytes.length;
      if (parts > 1) await yieldToEventLoop();
    }
    if (offset === size) return { ...toHeader(r), der };
  }
  throw new Error('The published CRL kept changing while it was read');
}

/**
 * Publishes a CRL: a header row (not yet visible), its parts, then the header marked complete, each
 * step in a short transaction of its own (`tx`). Refused (`false`, nothing kept) when a complete CRL
 * of the issuer and kind with this number or a higher one exists, at the start or at the end. On
 * completion, all but the newest {@link CRLS_KEPT} complete CRLs, and unfinished older attempts (a
 * crash mid-way), are dropped.
 */
export async function writeCrl(
  db: Database.Database,
  tx: <T>(fn: () => T) => T,
  c: PublishedCrlRecord,
): Promise<boolean> {
  const issuer = c.issuerSkiHex.toLowerCase();
  const parts = Math.max(1, Math.ceil(c.der.length / CRL_PART_BYTES));
  const newer = (): boolean => {
    const latest = latestRow(db, issuer, c.kind);
    return latest !== undefined && BigInt(latest.crl_number) >= c.crlNumber;
  };
  const begun = tx(() => {
    if (newer()) return false;
    stmt(
      db,
      `INSERT INTO published_crls (issuer_ski_hex, kind, crl_number, base_crl_number, this_update, next_update,
         entries, revocation_seq, size, parts, complete, published_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?)`,
    ).run(
      issuer,
      c.kind,
      c.crlNumber,
      c.baseCrlNumber ?? null,
      c.thisUpdate.toISOString(),
      c.nextUpdate.toISOString(),
      c.entries,
      c.revocationSeq,
      c.der.length,
      parts,
      c.publishedAt.toISOString(),
    );
    return true;
  });
  if (!begun) return false;
  const insertPart = stmt(
    db,
    'INSERT INTO published_crl_parts (issuer_ski_hex, kind, crl_number, part, bytes) VALUES (?, ?, ?, ?, ?)',
  );
  // A newer CRL completed meanwhile drops this unfinished one: then give up.
  const mine = stmt(
    db,
    'SELECT 1 FROM published_crls WHERE issuer_ski_hex = ? AND kind = ? AND crl_number = ? AND complete = 0',
  );
  const stillMine = (): boolean => mine.get(issuer, c.kind, c.crlNumber) !== undefined;
  for (let i = 0; i < parts; i++) {
    const bytes = c.der.subarray(i * CRL_PART_BYTES, (i + 1) * CRL_PART_BYTES);
    const written = tx(() => {
      if (!stillMine()) return false;
      insertPart.run(
        issuer,
        c.kind,
        c.crlNumber,
        i,
        Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length),
      );
      return true;
    });
    if (!written) return false;
    if (parts > 1) await yieldToEventLoop();
  }
  return tx(() => {
    const won = stillMine() && !newer();
    if (won) {
      stmt(
        db,
        'UPDATE published_crls SET complete = 1 WHERE issuer_ski_hex = ? AND kind = ? AND crl_number = ?',
      ).run(issuer, c.kind, c.crlNumber);
    }
    const doomed = stmt(
      db,
      `SELECT crl_number FROM published_crls WHERE issuer_ski_hex = ? AND kind = ? AND (
         (complete = 1 AND crl_number NOT IN (SELECT crl_number FROM published_crls
            WHERE issuer_ski_hex = ? AND kind = ? AND complete = 1 ORDER BY crl_number DESC LIMIT ?))
         OR (complete = 0 AND crl_number <= ?))`,
    )
      .pluck()
      .safeIntegers(true)
      .all(issuer, c.kind, issuer, c.kind, CRLS_KEPT, c.crlNumber) as bigint[];
    for (const n of doomed) {
      stmt(
        db,
        'DELETE FROM published_crl_parts WHERE issuer_ski_hex = ? AND kind = ? AND crl_number = ?',
      ).run(issuer, c.kind, n);
      stmt(db, 'DELETE FROM published_crls WHERE issuer_ski_hex = ? AND kind = ? AND crl_number = ?').run(
        issuer,
        c.kind,
        n,
      );
    }
    return won;
  });
}
