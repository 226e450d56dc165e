/**
 * Anchoring the audit log (issue 10 #7). The log's SHA-256 hash chain shows a change only to
 * someone who kept an old hash: anyone with write access to the database can delete, insert or
 * rewrite entries and recompute every hash after them. So the CA signs checkpoints of the chain's
 * head with its issuing CA key (which the database holds only encrypted under the CA passphrase)
 * and keeps them in the store and, one JSON line each, in a file outside the database (the anchor
 * file). `verifyAuditLog` recomputes the chain and holds it against every checkpoint: an entry
 * deleted before a checkpoint leaves fewer entries than it counted, one inserted more, one rewritten
 * the same number and another hash; a checkpoint deleted or altered in the database is caught by
 * the anchor file; signatures are checked against the CA certificate (pinned with
 * `caCertificate`, e.g. the one the status service publishes). An insertion or deletion whose
 * author also renumbered the ids keeps the count at the checkpoint's id, and is reported as a
 * rewrite: detected all the same.
 *
 * What it cannot see: changes after the newest checkpoint (checkpoints are made every few minutes
 * and when the CA stops), and a database rolled back together with the anchor file.
 */
import { appendFileSync } from 'node:fs';
import {
  AUDIT_GENESIS,
  type AuditCheckpointRecord,
  auditEntryHash,
  type CaRepository,
  canonicalJson,
} from '@kzpki/ca-store';
import { bytesEqual, signData } from '@kzpki/pki';
import { sha256Hex } from '../crypto/hash.js';
import { verifyWithCertificate } from '../crypto/signature.js';

/** What a checkpoint signature covers: this prefix, then the canonical JSON document. */
const SIGNED_PREFIX = 'kzpki-audit-checkpoint:v1\n';

/** The checkpoint document (canonical JSON). */
export interface CheckpointDocument {
  v: 1;
  seq: number;
  auditId: number;
  auditHash: string;
  entries: number;
  at: string;
  /** SHA-256 (hex) of the previous checkpoint's document, or 64 zeros for the first. */
  previous: string;
}

/** One line of the anchor file. */
export interface AnchorLine {
  seq: number;
  document: string;
  /** Base64. */
  signature: string;
  /** SHA-256 (hex) of the signer's certificate. */
  signerCertificateSha256: string;
}

const signedBytes = (document: string): Uint8Array => new TextEncoder().encode(`${SIGNED_PREFIX}${document}`);

/** The key that signs checkpoints: the issuing CA's. */
export interface CheckpointSigner {
  certificate: Uint8Array;
  privateKey: CryptoKey;
}

/**
 * Signs a checkpoint of the log's head when it moved since the last one; appends it to the store
 * and to `anchorFile` (created 0600). Returns the new checkpoint, or `undefined` when there was
 * nothing new.
 * @throws {CaStoreError} `ERR_DUPLICATE` when another process took the same `seq` meanwhile.
 * @example
 * ```ts
 * await createAuditCheckpoint(store, ca.material.issuing, { anchorFile: './var/audit-checkpoints.jsonl' });
 * ```
 */
export async function createAuditCheckpoint(
  store: CaRepository,
  signer: CheckpointSigner,
  options: { anchorFile?: string; now?: Date } = {},
): Promise<AuditCheckpointRecord | undefined> {
  const head = await store.auditHead();
  if (!head) return undefined;
  const last = (await store.listAuditCheckpoints()).at(-1);
  if (last && last.auditId === head.id) return undefined;
  const at = options.now ?? new Date();
  const doc: CheckpointDocument = {
    v: 1,
    seq: (last?.seq ?? 0) + 1,
    auditId: head.id,
    auditHash: head.hash,
    entries: head.entries,
    at: at.toISOString(),
    previous: last ? sha256Hex(last.document) : AUDIT_GENESIS,
  };
  const document = canonicalJson(doc);
  const signature = await signData(signer.privateKey, signedBytes(document));
  const record: AuditCheckpointRecord = {
    seq: doc.seq,
    auditId: head.id,
    auditHash: head.hash,
    entries: head.entries,
    at,
    document,
    signature,
    signerCertificate: signer.certificate,
  };
  await store.appendAuditCheckpoint(record);
  if (options.anchorFile) {
    const line: AnchorLine = {
      seq: record.seq,
      document,
      signature: Buffer.from(signature).toString('base64'),
      signerCertificateSha256: sha256Hex(signer.certificate),
    };
    appendFileSync(options.anchorFile, `${JSON.stringify(line)}\n`, { mode: 0o600 });
  }
  return record;
}

/** Reads an anchor file's lines (blank lines ignored). */
export function parseAnchors(text: string): AnchorLine[] {
  return text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as AnchorLine);
}

/** A finding of {@link verifyAuditLog}. */
export interface AuditProblem {
  kind:
    | 'chain-broken'
    | 'deleted'
    | 'inserted'
    | 'rewritten'
    | 'checkpoint-invalid'
    | 'checkpoint-signature'
    | 'checkpoint-missing'
    | 'checkpoint-altered';
  /** The audit entry or checkpoint concerned. */
  auditId?: number;
  seq?: number;
  detail: string;
}

/** Result of {@link verifyAuditLog}. */
export interface AuditVerification {
  ok: boolean;
  entries: number;
  checkpoints: number;
  /** The newest checkpoint. */
  lastCheckpoint?: { seq: number; auditId: number; at: string };
  /** Entries after the newest checkpoint: covered by the hash chain only. */
  unanchoredEntries: number;
  problems: AuditProblem[];
}

/** Options of {@link verifyAuditLog}. */
export interface VerifyAuditOptions {
  /** The anchor file's lines (checkpoints kept outside the database). */
  anchors?: AnchorLine[];
  /**
   * The certificate checkpoints must be signed with (pinned from outside the database: the
   * published issuing CA certificate). Default: the issuing CA certificate in the store.
   */
  caCertificate?: Uint8Array;
  /** Entries read per page (default 5000). */
  pageSize?: number;
}

/**
 * Verifies the audit log against its signed checkpoints (see the module comment).
 * @example
 * ```ts
 * const report = await verifyAuditLog(store, { anchors: parseAnchors(readFileSync(file, 'utf8')) });
 * if (!report.ok) for (const p of report.problems) console.error(p.kind, p.detail);
 * ```
 */
export async function verifyAuditLog(
  store: CaRepository,
  options: VerifyAuditOptions = {},
): Promise<AuditVerification> {
  const problems: AuditProblem[] = [];
  const checkpoints = await store.listAuditCheckpoints();
  const pinned = options.caCertificate ?? (await store.getCaKey('issuing'))?.certificate;

  // The state of the log at each checkpoint's id: entries up to it and the hash of the last one.
  const at = new Map<number, { count: number; hash: string | undefined }>();
  const ids = [...new Set(checkpoints.map((c) => c.auditId))].sort((a, b) => a - b);
  let next = 0;
  let prev = AUDIT_GENESIS;
  let count = 0;
  let lastHash: string | undefined;
  let chainBroken = false;
  const pageSize = options.pageSize ?? 5000;
  const settle = (beforeId: number): void => {
    while (next < ids.length && (ids[next] as number) < beforeId) {
      at.set(ids[next] as number, { count, hash: lastHash });
      next++;
    }
  };
  for (let after = 0; ; ) {
    const page = await store.listAuditPage(after, pageSize);
    for (const e of page) {
      settle(e.id);
      const expected = auditEntryHash(prev, e.at.toISOString(), {
        actor: e.actor,
        action: e.action,
        entity: e.entity,
        details: e.details,
      });
      if (expected !== e.hash && !chainBroken) {
        chainBroken = true;
        problems.push({
          kind: 'chain-broken',
          auditId: e.id,
          detail: `entry ${e.id} does not hash to its stored value: entries were changed, deleted or inserted here without recomputing the chain`,
        });
      }
      prev = e.hash;
      count++;
      lastHash = e.hash;
    }
    const last = page.at(-1);
    if (!last || page.length < pageSize) break;
    after = last.id;
  }
  settle(Number.POSITIVE_INFINITY);

  let previousDocument: string | undefined;
  for (const [i, c] of checkpoints.entries()) {
    const where = `checkpoint ${c.seq}`;
    let doc: CheckpointDocument | undefined;
    try {
      doc = JSON.parse(c.document) as CheckpointDocument;
    } catch {
      doc = undefined;
    }
    const expectedPrevious = previousDocument === undefined ? AUDIT_GENESIS : sha256Hex(previousDocument);
    if (
      !doc ||
      doc.seq !== c.seq ||
      c.seq !== i + 1 ||
      doc.auditId !== c.auditId ||
      doc.auditHash !== c.auditHash ||
      doc.entries !== c.entries ||
      doc.previous !== expectedPrevious
    ) {
      problems.push({
        kind: 'checkpoint-invalid',
        seq: c.seq,
        detail: `${where} does not match its signed document, or the checkpoints are out of sequence (one was removed)`,
      });
    }
    previousDocument = c.document;
    const signerOk =
      pinned !== undefined &&
      bytesEqual(pinned, c.signerCertificate) &&
      (await verifyWithCertificate(c.signerCertificate, signedBytes(c.document), c.signature));
    if (!signerOk) {
      problems.push({
        kind: 'checkpoint-signature',
        seq: c.seq,
        detail: `${where} is not signed by the CA certificate${options.caCertificate ? ' given' : ' of the store'}`,
      });
    }
    const state = at.get(c.auditId) ?? { count: 0, hash: undefined };
    if (state.count < c.entries) {
      problems.push({
        kind: 'deleted',
        auditId: c.auditId,
        seq: c.seq,
        detail: `${c.entries - state.count} entr${c.entries - state.count === 1 ? 'y' : 'ies'} up to id ${c.auditId} deleted since ${where} (${c.at.toISOString()})`,
      });
    } else if (state.count > c.entries) {
      problems.push({
        kind: 'inserted',
        auditId: c.auditId,
        seq: c.seq,
        detail: `${state.count - c.entries} entr${state.count - c.entries === 1 ? 'y' : 'ies'} up to id ${c.auditId} inserted since ${where} (${c.at.toISOString()})`,
      });
    } else if (state.hash !== c.auditHash) {
      problems.push({
        kind: 'rewritten',
        auditId: c.auditId,
        seq: c.seq,
        detail: `entries up to id ${c.auditId} were rewritten since ${where} (${c.at.toISOString()}): same count, another hash (a rewrite, or entries deleted or inserted with the ids renumbered)`,
      });
    }
  }

  for (const a of options.anchors ?? []) {
    const c = checkpoints.find((x) => x.seq === a.seq);
    if (!c) {
      problems.push({
        kind: 'checkpoint-missing',
        seq: a.seq,
        detail: `checkpoint ${a.seq} of the anchor file is not in the database (deleted)`,
      });
      continue;
    }
    if (c.document !== a.document || Buffer.from(c.signature).toString('base64') !== a.signature) {
      problems.push({
        kind: 'checkpoint-altered',
        seq: a.seq,
        detail: `checkpoint ${a.seq} in the database differs from the anchor file`,
      });
    }
  }

  const newest = checkpoints.at(-1);
  return {
    ok: problems.length === 0,
    entries: count,
    checkpoints: checkpoints.length,
    ...(newest
      ? { lastCheckpoint: { seq: newest.seq, auditId: newest.auditId, at: newest.at.toISOString() } }
      : {}),
    unanchoredEntries: newest ? count - (at.get(newest.auditId)?.count ?? 0) : count,
    problems,
  };
}
