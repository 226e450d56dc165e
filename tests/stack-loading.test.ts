/**
 * `kzpki start` works from the repository exactly as the README says: the root package lists the
 * CLI and the reference stack (`@kzpki/stack`, a private app), its `start` script runs
 * `kzpki start`, and the CLI finds the built stack from the repository root and from any folder
 * inside it. (The other side, a project without the stack, is tested with the installed
 * tarballs in pack-install.test.ts.)
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..');
const BIN = join(ROOT, 'packages', 'cli', 'bin', 'kzpki.js');
const run = promisify(execFile);

describe('the reference stack in the repository', () => {
  it('is a dev dependency of the root package, whose start script runs `kzpki start`', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
      scripts: Record<string, string>;
      devDependencies: Record<string, string>;
    };
    expect(pkg.devDependencies).toMatchObject({ '@kzpki/cli': 'workspace:*', '@kzpki/stack': 'workspace:*' });
    expect(pkg.scripts.start).toMatch(/&& kzpki start$/);
    const stack = JSON.parse(readFileSync(join(ROOT, 'apps', 'stack', 'package.json'), 'utf8')) as {
      private?: boolean;
    };
    expect(stack.private).toBe(true);
  });

  it.each([
    ['the repository root', ROOT],
    ['a folder inside it', join(ROOT, 'docs', 'guides')],
  ])('`kzpki start --help` and `kzpki ca init --help` work from %s', async (_where, cwd) => {
    const start = await run(process.execPath, [BIN, 'start', '--help'], { cwd });
    expect(start.stdout).toMatch(/^Usage: kzpki start \[options\]/);
    expect(start.stdout).toMatch(/--status-port <port>/);
    expect(start.stdout).toMatch(/--portal-port <port>/);
    const init = await run(process.execPath, [BIN, 'ca', 'init', '--help'], { cwd });
    expect(init.stdout).toMatch(/--ca-key-algorithm <alg>/);
  });

  it("`npx kzpki start --help` from the root runs the checkout's CLI with the stack", async () => {
    const r = await run('npx', ['kzpki', 'start', '--help'], {
      cwd: ROOT,
      env: { ...process.env, npm_config_offline: 'true' },
    });
    expect(r.stdout).toMatch(/^Usage: kzpki start \[options\]/);
  });
});
