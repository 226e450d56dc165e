/**
 * The reference stack is optional: `loadStack` finds `@kzpki/stack` from a directory the way Node
 * resolves packages and explains every way it can be missing; without it `start`, `ca` and
 * `testpack` are usage errors (exit 2) that say where they run; with it, its commands are the
 * program's. The stack modules here are real packages written to temp projects.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '@kzpki/test-fixtures';
import { afterAll, describe, expect, it } from 'vitest';
import { loadStack, STACK_CONTRACT, STACK_HINT } from '../src/index.js';
import { NO_STACK, run } from './io.js';

const dirs: Array<ReturnType<typeof tempDir>> = [];
afterAll(() => {
  for (const d of dirs) d.dispose();
});

/** A project folder with `node_modules/@kzpki/stack` made of `files` (path → content). */
function projectWithStack(files: Record<string, string>): string {
  const project = tempDir('kzpki-stack-load-');
  dirs.push(project);
  writeFileSync(join(project.dir, 'package.json'), '{"name":"project","private":true}');
  const pkg = join(project.dir, 'node_modules', '@kzpki', 'stack');
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(join(pkg, path, '..'), { recursive: true });
    writeFileSync(join(pkg, path), content);
  }
  return project.dir;
}

const MANIFEST = JSON.stringify({
  name: '@kzpki/stack',
  type: 'module',
  exports: { '.': { default: './dist/index.js' }, './package.json': './package.json' },
});

/** A stack whose `start` prints its options (a real module implementing the contract). */
const ECHO_STACK = `
export const stack = {
  contract: ${STACK_CONTRACT},
  registerCommands(program, ctx) {
    program.command('start').option('--port <port>').action((options) => {
      ctx.io.stdout('started on ' + options.port + '\\n');
    });
    program.command('ca').command('init').action(() => ctx.io.stdout('initialised\\n'));
  },
  async loadDemoPersonas() {
    return { byTemplate: {}, special: [], firstManagers: new Map() };
  },
};
`;

describe('loadStack', () => {
  it('outside a checkout: not installed, with how to get it', () => {
    expect(NO_STACK).toEqual({
      ok: false,
      reason: '@kzpki/stack is not installed in this project',
      hint: STACK_HINT,
    });
    expect(STACK_HINT).toContain('npx -y pnpm@10.34.9 install && npx -y pnpm@10.34.9 start');
  });

  it('installed but not built: says to build', async () => {
    const load = await loadStack(projectWithStack({ 'package.json': MANIFEST }));
    expect(load).toMatchObject({ ok: false, reason: expect.stringMatching(/is not built$/) });
    expect(load.ok || load.hint).toMatch(/npx -y pnpm@10\.34\.9 build/);
  });

  it('a module that fails to load, or speaks another contract, is refused with the reason', async () => {
    const broken = await loadStack(
      projectWithStack({ 'package.json': MANIFEST, 'dist/index.js': 'throw new Error("boom");' }),
    );
    expect(broken).toMatchObject({ ok: false, reason: '@kzpki/stack could not be loaded (boom)' });
    const other = await loadStack(
      projectWithStack({
        'package.json': MANIFEST,
        'dist/index.js': ECHO_STACK.replace(`contract: ${STACK_CONTRACT}`, `contract: ${STACK_CONTRACT + 1}`),
      }),
    );
    expect(other).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/version 1 of the stack contract/),
    });
    const none = await loadStack(
      projectWithStack({ 'package.json': MANIFEST, 'dist/index.js': 'export const nothing = 1;' }),
    );
    expect(none.ok).toBe(false);
  });

  it('found from a subfolder of the project (Node resolution walks up)', async () => {
    const project = projectWithStack({ 'package.json': MANIFEST, 'dist/index.js': ECHO_STACK });
    mkdirSync(join(project, 'deep', 'er'), { recursive: true });
    const load = await loadStack(join(project, 'deep', 'er'));
    expect(load.ok).toBe(true);
    const r = await run(['start', '--port', '9'], '', load);
    expect(r).toEqual({ code: 0, stdout: 'started on 9\n', stderr: '' });
    expect((await run(['ca', 'init'], '', load)).stdout).toBe('initialised\n');
  });
});

describe('without the reference stack', () => {
  it.each([
    [['start']],
    [['start', '--port', '0', '--data-dir', 'var']],
    [['start', '--help']],
    [['ca', 'init']],
  ])('%j is a usage error that says where it runs (exit 2)', async (args) => {
    const r = await run(args);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      `kzpki: kzpki ${args[0]} runs the reference services from a kzpki checkout, and @kzpki/stack is not installed in this project: ${STACK_HINT}\n`,
    );
  });

  it('testpack needs the demo persons of the stack (exit 2, before reading anything)', async () => {
    const r = await run(['testpack', '--out', 'pack', '--password', '-']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^kzpki: kzpki testpack enrolls the demo persons of the reference stack, and /);
  });

  it('--help still lists start and ca, saying they need a checkout', async () => {
    const r = await run(['--help']);
    expect(r.code).toBe(0);
    const help = r.stdout.replace(/\s+/g, ' ');
    expect(help).toMatch(/ start \[arguments\.\.\.\] run the reference CA[^(]*\(from a kzpki checkout\)/);
    expect(help).toMatch(/ ca \[arguments\.\.\.\] the reference CA[^(]*\(from a kzpki checkout\)/);
  });
});
