/** Audit-log head, pages and signed checkpoints on PostgreSQL (issue 10 #7; as `sqlite/audit-checkpoints.ts`). */
import type { AuditCheckpointRecord, AuditEntry, AuditHead } from '../types.js';
import type { Queryable, Tx } from './database.js';

interface CheckpointRow {
  seq: number;
  audit_id: string;
  audit_hash: string;
  entries: string;
  at: Date;
  document: string;
  signature: Buffer;
  signer_certificate: Buffer;
}

/** The newest entry and the entry count. */
export async function selectAuditHead(db: Queryable): Promise<AuditHead | undefined> {
  const r = (
    await db.query<{ id: string; hash: string; n: string }>(
      'SELECT id, hash, (SELECT count(*) FROM audit_log) AS n FROM audit_log ORDER BY id DESC LIMIT 1',
    )
  ).rows[0];
  return r && { id: Number(r.id), hash: r.hash, entries: Number(r.n) };
}

/** Entries after `afterId`, oldest first. */
export async function selectAuditPage(db: Queryable, afterId: number, limit: number): Promise<AuditEntry[]> {
  const rows = (
    await db.query<{
      id: string;
      at: Date;
      actor: string;
      action: string;
      entity: string;
      details: string;
      hash: string;
    }>('SELECT * FROM audit_log WHERE id > $1 ORDER BY id LIMIT $2', [afterId, limit])
  ).rows;
  return rows.map((r) => ({
    id: Number(r.id),
    at: r.at,
    actor: r.actor,
    action: r.action,
    entity: r.entity,
    details: JSON.parse(r.details) as Record<string, unknown>,
    hash: r.hash,
  }));
}

/** Appends a checkpoint (the primary key refuses a `seq` taken meanwhile: `ERR_DUPLICATE`). */
export async function insertCheckpoint(t: Tx, c: AuditCheckpointRecord): Promise<void> {
  await t.run(
    `INSERT INTO audit_checkpoints (seq, audit_id, audit_hash, entries, at, document, signature, signer_certificate)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
    [
      c.seq,
      c.auditId,
      c.auditHash,
      c.entries,
      c.at,
      c.document,
      Buffer.from(c.signature),
      Buffer.from(c.signerCertificate),
    ],
  );
}

/** Every checkpoint, oldest first. */
export async function selectCheckpoints(db: Queryable): Promise<AuditCheckpointRecord[]> {
  const rows = (await db.query<CheckpointRow>('SELECT * FROM audit_checkpoints ORDER BY seq')).rows;
  return rows.map((r) => ({
    seq: r.seq,
    auditId: Number(r.audit_id),
    auditHash: r.audit_hash,
    entries: Number(r.entries),
    at: r.at,
    document: r.document,
    signature: new Uint8Array(r.signature),
    signerCertificate: new Uint8Array(r.signer_certificate),
  }));
}
