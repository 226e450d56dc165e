/** Audit-log head, pages and signed checkpoints in SQLite (issue 10 #7). */
import type Database from 'better-sqlite3';
import type { AuditCheckpointRecord, AuditEntry, AuditHead } from '../types.js';
import { stmt } from './statements.js';

interface AuditRow {
  id: number;
  at: string;
  actor: string;
  action: string;
  entity: string;
  details: string;
  hash: string;
}

interface CheckpointRow {
  seq: number;
  audit_id: number;
  audit_hash: string;
  entries: number;
  at: string;
  document: string;
  signature: Buffer;
  signer_certificate: Buffer;
}

/** The newest entry and the entry count. */
export function selectAuditHead(db: Database.Database): AuditHead | undefined {
  const r = stmt(
    db,
    'SELECT id, hash, (SELECT COUNT(*) FROM audit_log) AS n FROM audit_log ORDER BY id DESC LIMIT 1',
  ).get() as { id: number; hash: string; n: number } | undefined;
  return r && { id: r.id, hash: r.hash, entries: r.n };
}

/** Entries after `afterId`, oldest first. */
export function selectAuditPage(db: Database.Database, afterId: number, limit: number): AuditEntry[] {
  const rows = stmt(db, 'SELECT * FROM audit_log WHERE id > ? ORDER BY id LIMIT ?').all(
    afterId,
    limit,
  ) as AuditRow[];
  return rows.map((r) => ({
    id: r.id,
    at: new Date(r.at),
    actor: r.actor,
    action: r.action,
    entity: r.entity,
    details: JSON.parse(r.details) as Record<string, unknown>,
    hash: r.hash,
  }));
}

/** Appends a checkpoint (the primary key refuses a `seq` taken meanwhile). */
export function insertCheckpoint(db: Database.Database, c: AuditCheckpointRecord): void {
  stmt(
    db,
    `INSERT INTO audit_checkpoints (seq, audit_id, audit_hash, entries, at, document, signature, signer_certificate)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    c.seq,
    c.auditId,
    c.auditHash,
    c.entries,
    c.at.toISOString(),
    c.document,
    Buffer.from(c.signature),
    Buffer.from(c.signerCertificate),
  );
}

/** Every checkpoint, oldest first. */
export function selectCheckpoints(db: Database.Database): AuditCheckpointRecord[] {
  const rows = stmt(db, 'SELECT * FROM audit_checkpoints ORDER BY seq').all() as CheckpointRow[];
  return rows.map((r) => ({
    seq: r.seq,
    auditId: r.audit_id,
    auditHash: r.audit_hash,
    entries: r.entries,
    at: new Date(r.at),
    document: r.document,
    signature: new Uint8Array(r.signature),
    signerCertificate: new Uint8Array(r.signer_certificate),
  }));
}
