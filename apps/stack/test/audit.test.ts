/**
 * `kzpki audit checkpoint` and `kzpki audit verify` (issue 10 #7) on a CA made by `kzpki ca init`:
 * a log that verifies (exit 0), and one rewritten with the chain recomputed (exit 1), caught by
 * the signed checkpoints; a checkpoint deleted from the database caught by the anchor file.
 */
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { AUDIT_GENESIS, auditEntryHash, caStorePath, openCaStore } from '@kzpki/ca';
import { tempDir } from '@kzpki/test-fixtures';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from './io.js';

const data = tempDir('kzpki-audit-cli-');
const dir = join(data.dir, 'var');
const saved = process.env.KZPKI_CA_PASSPHRASE;

beforeAll(async () => {
  process.env.KZPKI_CA_PASSPHRASE = 'audit-cli-test';
  const init = await run(['ca', 'init', '--data-dir', dir, '--ca-key-algorithm', 'RSA-2048']);
  expect(init.code).toBe(0);
}, 60_000);
afterAll(() => {
  if (saved === undefined) delete process.env.KZPKI_CA_PASSPHRASE;
  else process.env.KZPKI_CA_PASSPHRASE = saved;
  data.dispose();
});

describe('kzpki audit', () => {
  it('signs a checkpoint, and the untouched log verifies', async () => {
    const c = await run(['audit', 'checkpoint', '--data-dir', dir, '--json']);
    expect(c.code).toBe(0);
    expect(JSON.parse(c.stdout)).toMatchObject({ created: true, seq: 1 });
    expect((await run(['audit', 'checkpoint', '--data-dir', dir])).stdout).toMatch(/nothing new/);
    const v = await run(['audit', 'verify', '--data-dir', dir]);
    expect(v.code).toBe(0);
    expect(v.stdout).toMatch(/audit log:\s+verified/);
    expect(v.stdout).toMatch(/anchor file:\s+1 checkpoints/);
  });

  it('exits 1 for a rewritten log whose chain was recomputed, and for a deleted checkpoint', async () => {
    const copy = join(data.dir, 'tampered');
    mkdirSync(copy);
    copyFileSync(caStorePath(dir), caStorePath(copy));
    copyFileSync(join(dir, 'audit-checkpoints.jsonl'), join(copy, 'audit-checkpoints.jsonl'));
    const store = openCaStore(caStorePath(copy));
    const db = store.db;
    db.exec('DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_checkpoints_no_delete;');
    db.exec("UPDATE audit_log SET actor = 'someone-else' WHERE id = 2");
    let prev = AUDIT_GENESIS;
    for (const r of db.prepare('SELECT * FROM audit_log ORDER BY id').all() as Array<
      Record<string, string>
    >) {
      const hash = auditEntryHash(prev, r.at as string, {
        actor: r.actor as string,
        action: r.action as string,
        entity: r.entity as string,
        details: JSON.parse(r.details as string),
      });
      db.prepare('UPDATE audit_log SET hash = ? WHERE id = ?').run(hash, r.id);
      prev = hash;
    }
    expect(await store.verifyAuditChain()).toBeUndefined();
    await store.close();
    const v = await run(['audit', 'verify', '--data-dir', copy, '--json']);
    expect(v.code).toBe(1);
    const report = JSON.parse(v.stdout);
    expect(report.ok).toBe(false);
    expect(report.problems.map((p: { kind: string }) => p.kind)).toContain('rewritten');

    const again = openCaStore(caStorePath(copy));
    again.db.exec('DELETE FROM audit_checkpoints');
    await again.close();
    const gone = await run(['audit', 'verify', '--data-dir', copy]);
    expect(gone.code).toBe(1);
    expect(gone.stdout).toMatch(/checkpoint-missing: checkpoint 1 of the anchor file is not in the database/);
  });
});
