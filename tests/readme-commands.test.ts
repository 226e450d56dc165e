import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..');

/** The fenced shell commands of the README, in order. */
function readmeCommands(): string[] {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  return [...readme.matchAll(/```sh\n([^\n]+)\n```/g)].map((m) => m[1]!.trim());
}

describe('README commands', () => {
  it('starts with exactly two copy-paste commands: start, then test', () => {
    const cmds = readmeCommands();
    expect(cmds.length).toBeGreaterThanOrEqual(2);
    expect(cmds[0]).toMatch(/ start$/);
    expect(cmds[1]).toMatch(/ test$/);
  });

  it('.ci/run runs the README test command verbatim', () => {
    const ci = readFileSync(join(root, '.ci/run'), 'utf8');
    const lines = ci.split('\n').map((l) => l.trim());
    expect(lines).toContain(readmeCommands()[1]);
  });

  it('pins the same pnpm version as package.json packageManager', () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { packageManager: string };
    for (const cmd of readmeCommands().slice(0, 2)) {
      for (const m of cmd.matchAll(/pnpm@([\d.]+)/g)) expect(`pnpm@${m[1]}`).toBe(pkg.packageManager);
    }
  });
});
