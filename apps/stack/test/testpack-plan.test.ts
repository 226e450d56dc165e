/** The plan of a test pack (who is enrolled, in which order) and the refusals before any request. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadDemoData } from '@kzpki/ca';
import { planTestPack } from '@kzpki/cli';
import { tempDir } from '@kzpki/test-fixtures';
import { afterAll, describe, expect, it } from 'vitest';
import { demoPersonas } from '../src/demo-persons.js';
import { run } from './io.js';

const personas = demoPersonas(loadDemoData());
const dir = tempDir('kzpki-testpack-plan-');
afterAll(() => dir.dispose());

describe('planTestPack', () => {
  it('has a person for every template, employees approved by the first manager of their BIN', () => {
    expect(Object.keys(personas.byTemplate).sort()).toEqual(
      ['employee', 'finance', 'first-manager', 'hr', 'individual', 'signer', 'treasury'].sort(),
    );
    for (const p of Object.values(personas.byTemplate)) {
      if (p.approverIin) expect(personas.firstManagers.get(p.bin as string)?.iin).toBe(p.approverIin);
    }
    expect(personas.byTemplate.individual?.bin).toBeUndefined();
  });

  it('puts the approvers first: the pack first manager valid pair, other BINs in approvers/', () => {
    const plan = planTestPack(personas, ['employee', 'first-manager', 'treasury'], ['revoked', 'valid']);
    const dirs = plan.map((i) => i.directory);
    const treasuryBin = personas.byTemplate.treasury?.bin;
    expect(dirs.slice(0, 2)).toEqual([`approvers/${treasuryBin}`, 'first-manager/valid']);
    expect(dirs).toContain('first-manager/revoked');
    expect(dirs.indexOf('first-manager/valid')).toBeLessThan(dirs.indexOf('employee/revoked'));
    expect(plan.filter((i) => i.role === 'approver')).toHaveLength(1);
  });

  it('enrolls the first manager separately when the pack does not hold her valid pair', () => {
    const plan = planTestPack(personas, ['hr'], ['expired']);
    expect(plan.map((i) => [i.directory, i.role])).toEqual([
      [`approvers/${personas.byTemplate.hr?.bin}`, 'approver'],
      ['hr/expired', 'subject'],
    ]);
  });
});

describe('kzpki testpack usage', () => {
  it('refuses a non-empty folder without --force, before contacting the CA (exit 2)', async () => {
    const out = join(dir.dir, 'busy');
    mkdirSync(out);
    writeFileSync(join(out, 'mine.txt'), 'keep me');
    const r = await run(['testpack', '--ca-url', 'http://127.0.0.1:9', '--out', out]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/not empty.*--force/);
  });

  it.each([[['--templates', 'nobody']], [['--states', 'valid,lost']], [['--templates', '']]])(
    'usage error (exit 2) for %j',
    async (args) => {
      const r = await run(['testpack', '--out', join(dir.dir, 'x'), ...args]);
      expect(r.code).toBe(2);
    },
  );
});
