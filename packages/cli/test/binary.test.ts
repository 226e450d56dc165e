/**
 * The real `kzpki` binary (bin/kzpki.js → dist/main.js) in a child process. Builds dist first, so
 * the test does not depend on an earlier build of this package.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

const packageDir = fileURLToPath(new URL('..', import.meta.url));
const bin = fileURLToPath(new URL('../bin/kzpki.js', import.meta.url));

function kzpki(args: string[], input?: string) {
  return spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', input, timeout: 30_000 });
}

describe('bin/kzpki.js', () => {
  beforeAll(() => {
    const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
    execFileSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: packageDir, stdio: 'pipe' });
  }, 120_000);

  it('checks an IIN: exit 0 and the fields on stdout', () => {
    const r = kzpki(['iin', 'check', '871008401427']);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe('871008401427: valid IIN\n  birth date: 1987-10-08\n  sex: female\n');
  });

  it('exit 1 for an invalid BIN, exit 2 for a usage error', () => {
    expect(kzpki(['bin', 'check', '940140000386']).status).toBe(1);
    const usage = kzpki(['iin', 'generate', '--count', '0']);
    expect(usage.status).toBe(2);
    expect(usage.stderr).toContain("option '--count <n>' argument '0' is invalid");
  });

  it('reads a password from stdin', () => {
    expect(kzpki(['password', 'check', '-'], 'Qwerty12\n').status).toBe(0);
    expect(kzpki(['password', 'check', '-'], 'qwerty\n').status).toBe(1);
  });
});
