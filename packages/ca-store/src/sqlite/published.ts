/**
 * What the CA publishes for the status service in SQLite: the CAs served, their delegated OCSP
 * responders and the signed CRLs.
 */
import type Database from 'better-sqlite3';
import type {
  CrlKind,
  IssuerRecord,
  OcspResponderRecord,
  PublishedCrlHeader,
  PublishedCrlRecord,
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

interface CrlRow {
  issuer_ski_hex: string;
  kind: string;
  crl_number: bigint;
  base_crl_number: bigint | null;
  this_update: string;
  next_update: string;
  entries: number | bigint;
  revocation_seq: number | bigint;
  published_at: string;
  der?: Buffer;
}

function toHeader(r: CrlRow): PublishedCrlHeader {
  return {
    issuerSkiHex: r.issuer_ski_hex,
    kind: r.kind as CrlKind,
    crlNumber: BigInt(r.crl_number),
    ...(r.base_crl_number !== null ? { baseCrlNumber: BigInt(r.base_crl_number) } : {}),
    thisUpdate: new Date(r.this_update),
    nextUpdate: new Date(r.next_update),
    entries: Number(r.entries),
    revocationSeq: Number(r.revocation_seq),
    publishedAt: new Date(r.published_at),
  };
}

const HEADER_COLUMNS =
  'issuer_ski_hex, kind, crl_number, base_crl_number, this_update, next_update, entries, revocation_seq, published_at';

/** The header of the latest CRL of an issuer and kind. */
export function selectCrlHeader(
  db: Database.Database,
  issuerSkiHex: string,
  kind: CrlKind,
): PublishedCrlHeader | undefined {
  const r = stmt(
    db,
    `SELECT ${HEADER_COLUMNS} FROM published_crls WHERE issuer_ski_hex = ? AND kind = ?
       ORDER BY crl_number DESC LIMIT 1`,
  )
    .safeIntegers(true)
    .get(issuerSkiHex.toLowerCase(), kind) as CrlRow | undefined;
  return r && toHeader(r);
}

/** The latest CRL of an issuer and kind, with its bytes. */
export function selectCrl(
  db: Database.Database,
  issuerSkiHex: string,
  kind: CrlKind,
): PublishedCrlRecord | undefined {
  const r = stmt(
    db,
    `SELECT ${HEADER_COLUMNS}, der FROM published_crls WHERE issuer_ski_hex = ? AND kind = ?
       ORDER BY crl_number DESC LIMIT 1`,
  )
    .safeIntegers(true)
    .get(issuerSkiHex.toLowerCase(), kind) as CrlRow | undefined;
  return r && { ...toHeader(r), der: new Uint8Array(r.der as Buffer) };
}

/**
 * Inserts a CRL unless a newer one of the issuer and kind is published, and drops all but the
 * newest {@link CRLS_KEPT} (in a transaction). Returns whether it was inserted.
 */
export function insertCrl(db: Database.Database, c: PublishedCrlRecord): boolean {
  const issuer = c.issuerSkiHex.toLowerCase();
  const latest = selectCrlHeader(db, issuer, c.kind);
  if (latest && latest.crlNumber >= c.crlNumber) return false;
  stmt(
    db,
    `INSERT INTO published_crls (issuer_ski_hex, kind, crl_number, base_crl_number, this_update, next_update,
       entries, revocation_seq, der, published_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    issuer,
    c.kind,
    c.crlNumber,
    c.baseCrlNumber ?? null,
    c.thisUpdate.toISOString(),
    c.nextUpdate.toISOString(),
    c.entries,
    c.revocationSeq,
    Buffer.from(c.der),
    c.publishedAt.toISOString(),
  );
  stmt(
    db,
    `DELETE FROM published_crls WHERE issuer_ski_hex = ? AND kind = ? AND crl_number NOT IN
       (SELECT crl_number FROM published_crls WHERE issuer_ski_hex = ? AND kind = ? ORDER BY crl_number DESC LIMIT ?)`,
  ).run(issuer, c.kind, issuer, c.kind, CRLS_KEPT);
  return true;
}
