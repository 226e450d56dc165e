/**
 * What the CA publishes for the status service on PostgreSQL: the CAs served, their delegated
 * OCSP responders and the signed CRLs (in parts, as on SQLite: `sqlite/published.ts` explains why).
 * Publications of one issuer and kind are serialised by a transaction-level advisory lock, so two
 * CA processes publishing at once still never let an older CRL replace a newer one.
 */

import { type PublishedCrlRow, publishedCrlFromRow } from '../published-crl-row.js';
import { CRL_PART_BYTES, CRLS_KEPT } from '../sqlite/published.js';
import type {
  CrlKind,
  IssuerRecord,
  OcspResponderRecord,
  PublishedCrlHeader,
  PublishedCrlRecord,
  TimestampSignerRecord,
} from '../types.js';
import { LOCK_CLASS, type PgDatabase, type Queryable, type Tx } from './database.js';

interface IssuerRow {
  id: string;
  role: string;
  ski_hex: string;
  certificate: Buffer;
  updated_at: Date;
}

/** Every published issuer, roots first. */
export async function selectIssuers(db: Queryable): Promise<IssuerRecord[]> {
  const r = await db.query<IssuerRow>('SELECT * FROM issuers ORDER BY role DESC, id');
  return r.rows.map((x) => ({
    id: x.id,
    role: x.role as IssuerRecord['role'],
    skiHex: x.ski_hex,
    certificate: new Uint8Array(x.certificate),
    updatedAt: x.updated_at,
  }));
}

/** Publishes or updates an issuer (by URL name). */
export async function upsertIssuer(t: Tx, i: IssuerRecord): Promise<void> {
  await t.run(
    `INSERT INTO issuers (id, role, ski_hex, certificate, updated_at) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (id) DO UPDATE SET role = excluded.role, ski_hex = excluded.ski_hex,
         certificate = excluded.certificate, updated_at = excluded.updated_at`,
    [i.id, i.role, i.skiHex.toLowerCase(), Buffer.from(i.certificate), i.updatedAt],
  );
}

/** The OCSP responder of an issuer. */
export async function selectResponder(
  db: Queryable,
  issuerSkiHex: string,
): Promise<OcspResponderRecord | undefined> {
  const r = (
    await db.query<{
      issuer_ski_hex: string;
      certificate: Buffer;
      serial_hex: string;
      ski_hex: string;
      not_after: Date;
      encrypted_key: string;
      created_at: Date;
    }>('SELECT * FROM ocsp_responders WHERE issuer_ski_hex = $1', [issuerSkiHex.toLowerCase()])
  ).rows[0];
  if (!r) return undefined;
  return {
    issuerSkiHex: r.issuer_ski_hex,
    certificate: new Uint8Array(r.certificate),
    serialHex: r.serial_hex,
    skiHex: r.ski_hex,
    notAfter: r.not_after,
    encryptedKey: r.encrypted_key,
    createdAt: r.created_at,
  };
}

/** Stores (replaces) the OCSP responder of an issuer. */
export async function upsertResponder(t: Tx, r: OcspResponderRecord): Promise<void> {
  await t.run(
    `INSERT INTO ocsp_responders (issuer_ski_hex, certificate, serial_hex, ski_hex, not_after, encrypted_key, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (issuer_ski_hex) DO UPDATE SET certificate = excluded.certificate, serial_hex = excluded.serial_hex,
         ski_hex = excluded.ski_hex, not_after = excluded.not_after, encrypted_key = excluded.encrypted_key,
         created_at = excluded.created_at`,
    [
      r.issuerSkiHex.toLowerCase(),
      Buffer.from(r.certificate),
      r.serialHex,
      r.skiHex,
      r.notAfter,
      r.encryptedKey,
      r.createdAt,
    ],
  );
}

/** Every time-stamping authority, by issuer key id and policy. */
export async function selectTimestampSigners(db: Queryable): Promise<TimestampSignerRecord[]> {
  const r = await db.query<{
    issuer_ski_hex: string;
    policy: string;
    certificate: Buffer;
    serial_hex: string;
    ski_hex: string;
    not_after: Date;
    encrypted_key: string;
    created_at: Date;
  }>('SELECT * FROM timestamp_signers ORDER BY issuer_ski_hex, policy');
  return r.rows.map((x) => ({
    issuerSkiHex: x.issuer_ski_hex,
    policy: x.policy,
    certificate: new Uint8Array(x.certificate),
    serialHex: x.serial_hex,
    skiHex: x.ski_hex,
    notAfter: x.not_after,
    encryptedKey: x.encrypted_key,
    createdAt: x.created_at,
  }));
}

/** Stores (replaces) the time-stamping authority of an issuer and policy. */
export async function upsertTimestampSigner(t: Tx, r: TimestampSignerRecord): Promise<void> {
  await t.run(
    `INSERT INTO timestamp_signers
       (issuer_ski_hex, policy, certificate, serial_hex, ski_hex, not_after, encrypted_key, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
       ON CONFLICT (issuer_ski_hex, policy) DO UPDATE SET certificate = excluded.certificate,
         serial_hex = excluded.serial_hex, ski_hex = excluded.ski_hex, not_after = excluded.not_after,
         encrypted_key = excluded.encrypted_key, created_at = excluded.created_at`,
    [
      r.issuerSkiHex.toLowerCase(),
      r.policy,
      Buffer.from(r.certificate),
      r.serialHex,
      r.skiHex,
      r.notAfter,
      r.encryptedKey,
      r.createdAt,
    ],
  );
}

type CrlRow = PublishedCrlRow<Date>;

const toHeader = (r: CrlRow): PublishedCrlHeader => publishedCrlFromRow(r, (d) => d);

async function latestRow(db: Queryable, issuerSkiHex: string, kind: CrlKind): Promise<CrlRow | undefined> {
  const r = await db.query<CrlRow>(
    `SELECT issuer_ski_hex, kind, crl_number::text, base_crl_number::text, this_update, next_update, entries,
       revocation_seq, size, parts, published_at
       FROM published_crls WHERE issuer_ski_hex = $1 AND kind = $2 AND complete
       ORDER BY crl_number DESC LIMIT 1`,
    [issuerSkiHex.toLowerCase(), kind],
  );
  return r.rows[0];
}

/** The header of the latest complete CRL of an issuer and kind. */
export async function selectCrlHeader(
  db: Queryable,
  issuerSkiHex: string,
  kind: CrlKind,
): Promise<PublishedCrlHeader | undefined> {
  const r = await latestRow(db, issuerSkiHex, kind);
  return r && toHeader(r);
}

/**
 * The latest complete CRL of an issuer and kind with its bytes, header and parts read in one
 * REPEATABLE READ snapshot (a CRL dropped meanwhile is still whole in the snapshot).
 */
export async function readCrl(
  db: PgDatabase,
  issuerSkiHex: string,
  kind: CrlKind,
): Promise<PublishedCrlRecord | undefined> {
  return db.tx(
    async (t) => {
      const r = await latestRow(t.client, issuerSkiHex, kind);
      if (!r) return undefined;
      const parts = await t.rows<{ bytes: Buffer }>(
        'SELECT bytes FROM published_crl_parts WHERE issuer_ski_hex = $1 AND kind = $2 AND crl_number = $3 ORDER BY part',
        [r.issuer_ski_hex, r.kind, r.crl_number],
      );
      const size = Number(r.size);
      const der = new Uint8Array(size);
      let offset = 0;
      for (const { bytes } of parts) {
        if (offset + bytes.length > size) throw new Error('A published CRL is longer than its header says');
        der.set(bytes, offset);
        offset += bytes.length;
      }
      if (offset !== size || parts.length !== Number(r.parts)) {
        throw new Error('A published CRL is incomplete although marked complete');
      }
      return { ...toHeader(r), der };
    },
    { isolation: 'repeatable read' },
  );
}

/** Serialises publications of one issuer and kind (until the end of the transaction). */
async function lockCrlKind(t: Tx, issuer: string, kind: CrlKind): Promise<void> {
  await t.run('SELECT pg_advisory_xact_lock($1, hashtext($2))', [LOCK_CLASS.crl, `${issuer}/${kind}`]);
}

/**
 * Publishes a CRL as on SQLite: a header row (not yet visible), its parts, then the header marked
 * complete, each step a short transaction of its own. Refused (`false`, nothing kept) when a
 * complete CRL of the issuer and kind with this number or a higher one exists, at the start or at
 * the end. On completion, all but the newest {@link CRLS_KEPT} complete CRLs, and unfinished older
 * attempts (a crash mid-way), are dropped.
 */
export async function writeCrl(db: PgDatabase, c: PublishedCrlRecord): Promise<boolean> {
  const issuer = c.issuerSkiHex.toLowerCase();
  const number = c.crlNumber.toString();
  const parts = Math.max(1, Math.ceil(c.der.length / CRL_PART_BYTES));
  const newer = async (t: Tx): Promise<boolean> => {
    const latest = await latestRow(t.client, issuer, c.kind);
    return latest !== undefined && BigInt(latest.crl_number) >= c.crlNumber;
  };
  const begun = await db.tx(async (t) => {
    await lockCrlKind(t, issuer, c.kind);
    if (await newer(t)) return false;
    await t.run(
      `INSERT INTO published_crls (issuer_ski_hex, kind, crl_number, base_crl_number, this_update, next_update,
         entries, revocation_seq, size, parts, complete, published_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, false, $11)`,
      [
        issuer,
        c.kind,
        number,
        c.baseCrlNumber?.toString() ?? null,
        c.thisUpdate,
        c.nextUpdate,
        c.entries,
        c.revocationSeq,
        c.der.length,
        parts,
        c.publishedAt,
      ],
    );
    return true;
  });
  if (!begun) return false;
  // Locks the unfinished header against a concurrent clean-up until the part is written.
  const stillMine = async (t: Tx): Promise<boolean> =>
    (
      await t.rows(
        'SELECT 1 FROM published_crls WHERE issuer_ski_hex = $1 AND kind = $2 AND crl_number = $3 AND NOT complete FOR SHARE',
        [issuer, c.kind, number],
      )
    ).length > 0;
  for (let i = 0; i < parts; i++) {
    const bytes = c.der.subarray(i * CRL_PART_BYTES, (i + 1) * CRL_PART_BYTES);
    const written = await db.tx(async (t) => {
      if (!(await stillMine(t))) return false;
      await t.run(
        'INSERT INTO published_crl_parts (issuer_ski_hex, kind, crl_number, part, bytes) VALUES ($1, $2, $3, $4, $5)',
        [issuer, c.kind, number, i, Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length)],
      );
      return true;
    });
    if (!written) return false;
  }
  return db.tx(async (t) => {
    await lockCrlKind(t, issuer, c.kind);
    const won = (await stillMine(t)) && !(await newer(t));
    if (won) {
      await t.run(
        'UPDATE published_crls SET complete = true WHERE issuer_ski_hex = $1 AND kind = $2 AND crl_number = $3',
        [issuer, c.kind, number],
      );
    }
    await t.run(
      `DELETE FROM published_crls WHERE issuer_ski_hex = $1 AND kind = $2 AND (
         (complete AND crl_number NOT IN (SELECT crl_number FROM published_crls
            WHERE issuer_ski_hex = $1 AND kind = $2 AND complete ORDER BY crl_number DESC LIMIT $3))
         OR (NOT complete AND crl_number <= $4))`,
      [issuer, c.kind, CRLS_KEPT, number],
    );
    return won;
  });
}
