/**
 * Every code sample of the guides (docs/guides/*.md) runs here, so the documentation never shows
 * code that does not work. ```ts test blocks run as TypeScript modules in a fresh Node process
 * (bare imports resolve to this package's dependencies: every @kzpki package); ```sh test blocks
 * run as `sh -e` scripts with a real `kzpki` on the PATH. Both get `KZPKI_CA_URL` and
 * `KZPKI_STATUS_URL` of a CA and status service started for the suite, and run in a work folder
 * per guide, in the order of the guide (later samples may use the files of earlier ones).
 *
 * This lives in @kzpki/cli, the one package that depends on everything the samples use
 * (including the CA for the provider example).
 */
import { spawn } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { hasTool } from '@kzpki/test-fixtures';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { extractSamples, isRunnable, type Sample } from '../../../docs/lib/samples.js';
import { startTestServices, type TestServices } from './support/services.js';

const CLI_DIR = fileURLToPath(new URL('..', import.meta.url));
const GUIDES_DIR = fileURLToPath(new URL('../../../docs/guides/', import.meta.url));
const ENTRY = fileURLToPath(new URL('./support/kzpki-entry.ts', import.meta.url));
// tsx's loader, by absolute URL: the samples run in folders from which `tsx` does not resolve.
const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

const guides = readdirSync(GUIDES_DIR)
  .filter((f) => f.endsWith('.md'))
  .sort()
  .map((file) => ({ file, samples: extractSamples(readFileSync(join(GUIDES_DIR, file), 'utf8'), file) }));

let services: TestServices;
let scratch: string;
let modules: string;
let bin: string;

beforeAll(async () => {
  services = await startTestServices();
  scratch = mkdtempSync(join(tmpdir(), 'kzpki-docs-samples-'));
  // Inside this package so that `import '@kzpki/client'` resolves; .mts makes them ES modules.
  mkdirSync(join(CLI_DIR, 'node_modules', '.cache'), { recursive: true });
  modules = mkdtempSync(join(CLI_DIR, 'node_modules', '.cache', 'kzpki-docs-samples-'));
  bin = join(scratch, 'bin');
  mkdirSync(bin);
  writeFileSync(
    join(bin, 'kzpki'),
    `#!/bin/sh\nexec "${process.execPath}" --import "${TSX}" "${ENTRY}" "$@"\n`,
  );
  chmodSync(join(bin, 'kzpki'), 0o755);
}, 60_000);

afterAll(async () => {
  await services?.stop();
  if (scratch) rmSync(scratch, { recursive: true, force: true });
  if (modules) rmSync(modules, { recursive: true, force: true });
});

/** Runs a command; resolves with its exit code and output. */
function exec(
  command: string,
  args: string[],
  cwd: string,
): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd,
      env: {
        ...process.env,
        PATH: `${bin}:${process.env.PATH ?? ''}`,
        KZPKI_CA_URL: services.caUrl,
        KZPKI_STATUS_URL: services.statusUrl,
        NO_COLOR: '1',
      },
      timeout: 120_000,
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => {
      output += d.toString('utf8');
    });
    child.stderr.on('data', (d: Buffer) => {
      output += d.toString('utf8');
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}

function workDir(guide: string): string {
  const dir = join(scratch, guide.replace(/\.md$/, ''));
  mkdirSync(dir, { recursive: true });
  return dir;
}

async function runSample(s: Sample): Promise<void> {
  const cwd = workDir(s.file);
  const name = `${s.file.replace(/\.md$/, '')}-${s.line}`;
  if (s.lang === 'ts' || s.lang === 'typescript' || s.lang === 'js') {
    const path = join(modules, `${name}.mts`);
    writeFileSync(path, s.code);
    const r = await exec(process.execPath, ['--import', TSX, path], cwd);
    expect(r.code, `${s.file}:${s.line} failed:\n${r.output}`).toBe(0);
  } else {
    const path = join(scratch, `${name}.sh`);
    writeFileSync(path, s.code);
    const r = await exec('sh', ['-e', path], cwd);
    expect(r.code, `${s.file}:${s.line} failed:\n${r.output}`).toBe(0);
  }
}

describe('the guides', () => {
  it('tag every runnable sample `test`, and have samples for every reader', () => {
    const all = guides.flatMap((g) => g.samples);
    const untested = all
      .filter((s) => isRunnable(s) && !s.tags.includes('test'))
      .map((s) => `${s.file}:${s.line}`);
    expect(untested).toEqual([]);
    for (const file of [
      'quick-start-sdk.md',
      'quick-start-integrator.md',
      'quick-start-tester.md',
      'providers.md',
    ]) {
      expect(all.filter((s) => s.file === file && s.tags.includes('test')).length, file).toBeGreaterThan(0);
    }
  });
});

for (const guide of guides) {
  const tested = guide.samples.filter((s) => isRunnable(s) && s.tags.includes('test'));
  if (tested.length === 0) continue;
  describe.sequential(guide.file, () => {
    for (const s of tested) {
      const needs = (['openssl', 'keytool'] as const).filter((tool) =>
        new RegExp(`^\\s*${tool}\\b`, 'm').test(s.code),
      );
      it.skipIf(needs.some((tool) => !hasTool(tool)))(
        `sample at line ${s.line} (${s.lang})`,
        { timeout: 150_000 },
        () => runSample(s),
      );
    }
  });
}
