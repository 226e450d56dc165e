/**
 * The `published_crls` row → header mapping that the SQLite and PostgreSQL stores share: the
 * columns are the same; the drivers differ in how they return times (ISO text in SQLite, `Date`
 * from pg) and integers (`bigint`/`number` from better-sqlite3, decimal text for pg's BIGINT).
 */
import type { CrlKind, PublishedCrlHeader } from './types.js';

/** An integer column as either driver returns it. */
type DbInteger = string | number | bigint;

/** A `published_crls` row (without its bytes); `T` is how the driver returns times. */
export interface PublishedCrlRow<T> {
  issuer_ski_hex: string;
  kind: string;
  crl_number: DbInteger;
  base_crl_number: DbInteger | null;
  this_update: T;
  next_update: T;
  entries: DbInteger;
  revocation_seq: DbInteger;
  size: DbInteger;
  parts: DbInteger;
  published_at: T;
}

/** A row as a {@link PublishedCrlHeader}; `asDate` turns the driver's time value into a `Date`. */
export function publishedCrlFromRow<T>(r: PublishedCrlRow<T>, asDate: (v: T) => Date): PublishedCrlHeader {
  return {
    issuerSkiHex: r.issuer_ski_hex,
    kind: r.kind as CrlKind,
    crlNumber: BigInt(r.crl_number),
    ...(r.base_crl_number !== null ? { baseCrlNumber: BigInt(r.base_crl_number) } : {}),
    thisUpdate: asDate(r.this_update),
    nextUpdate: asDate(r.next_update),
    entries: Number(r.entries),
    revocationSeq: Number(r.revocation_seq),
    publishedAt: asDate(r.published_at),
  };
}
