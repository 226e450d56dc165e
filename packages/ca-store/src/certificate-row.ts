/**
 * The `certificates` row → record mapping that the SQLite and PostgreSQL stores share: the columns
 * are the same, only the type the driver gives times in differs (ISO text in SQLite, `Date` from pg).
 */
import type { TemplateName } from '@kzpki/pki';
import type { CertificatePurpose, CertificateRecord, CertificateStatus, RevocationReason } from './types.js';

/** A `certificates` row joined with its application's number; `T` is how the driver returns times. */
export interface CertificateRow<T> {
  issuer_ski_hex: string;
  serial_hex: string;
  kind: string;
  application_id: string | null;
  application_number: string | null;
  purpose: string | null;
  template: string | null;
  subject: string;
  iin: string | null;
  bin: string | null;
  ski_hex: string;
  spki_sha256: string;
  der: Buffer;
  not_before: T;
  not_after: T;
  status: string;
  revoked_at: T | null;
  reason: string | null;
  invalidity_date: T | null;
  created_at: T;
}

/** The SELECT both stores read certificates with. */
export const CERTIFICATE_SELECT = `SELECT c.*, a.number AS application_number FROM certificates c
  LEFT JOIN applications a ON a.id = c.application_id`;

/** `{ [k]: v }`, or nothing when `v` is null or undefined (optional record members). */
export function opt<K extends string, V>(k: K, v: V | null | undefined): { [P in K]?: V } {
  return (v === null || v === undefined ? {} : { [k]: v }) as { [P in K]?: V };
}

/** A row as a {@link CertificateRecord}; `asDate` turns the driver's time value into a `Date`. */
export function certificateFromRow<T>(r: CertificateRow<T>, asDate: (v: T) => Date): CertificateRecord {
  const time = (v: T | null): Date | null => (v === null ? null : asDate(v));
  return {
    serialHex: r.serial_hex,
    issuerSkiHex: r.issuer_ski_hex,
    status: r.status as CertificateStatus,
    ...opt('revokedAt', time(r.revoked_at)),
    ...opt('reason', r.reason as RevocationReason | null),
    ...opt('invalidityDate', time(r.invalidity_date)),
    notBefore: asDate(r.not_before),
    notAfter: asDate(r.not_after),
    ...opt('applicationNumber', r.application_number),
    der: new Uint8Array(r.der),
    spkiSha256: r.spki_sha256,
    subject: r.subject,
    skiHex: r.ski_hex,
    kind: r.kind as CertificateRecord['kind'],
    ...opt('purpose', r.purpose as CertificatePurpose | null),
    ...opt('template', r.template as TemplateName | null),
    ...opt('iin', r.iin),
    ...opt('bin', r.bin),
    ...opt('applicationId', r.application_id),
    createdAt: asDate(r.created_at),
  };
}
