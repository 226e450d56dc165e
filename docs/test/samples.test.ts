/**
 * Every code sample of the guides (docs/guides/*.md) runs here, so the documentation never shows
 * code that does not work. ```ts test blocks run as TypeScript modules in a fresh Node process
 * (bare imports resolve to this package's dependencies: every @kzpki package and the reference
 * CA); ```sh test blocks run as `sh -e` scripts exactly as a reader pastes them, `npx kzpki ...`
 * included: they run inside this workspace package, where `npx` finds the checkout's own `kzpki`
 * (and `kzpki` finds the reference stack), as it does from the repository root. Both get
 * `KZPKI_CA_URL`, `KZPKI_STATUS_URL` and `KZPKI_VERIFY_URL` of the services started for the suite, and run
 * in a work folder per guide, in the order of the guide (later samples may use the files of
 * earlier ones).
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { startTestServices, type TestServices } from '@kzpki/stack/testing';
import { hasTool } from '@kzpki/test-fixtures';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PAGES } from '../build.js';
import { extractSamples, isRunnable, type Sample } from '../lib/samples.js';

const DOCS_DIR = fileURLToPath(new URL('..', import.meta.url));
// tsx's loader, by absolute URL: the samples run in folders from which `tsx` does not resolve.
const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

const guides = PAGES.map((p) => ({
  file: p.source,
  samples: extractSamples(readFileSync(join(DOCS_DIR, p.source), 'utf8'), p.source),
}));

let services: TestServices;
let scratch: string;

beforeAll(async () => {
  services = await startTestServices();
  // Inside this package, so that `import '@kzpki/client'` resolves and `npx kzpki` is the
  // workspace's CLI; .mts makes the TypeScript samples ES modules.
  mkdirSync(join(DOCS_DIR, 'node_modules', '.cache'), { recursive: true });
  scratch = mkdtempSync(join(DOCS_DIR, 'node_modules', '.cache', 'kzpki-docs-samples-'));
}, 120_000);

afterAll(async () => {
  await services?.stop();
  if (scratch) rmSync(scratch, { recursive: true, force: true });
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
        KZPKI_CA_URL: services.caUrl,
        KZPKI_STATUS_URL: services.statusUrl,
        ...(services.verifyUrl ? { KZPKI_VERIFY_URL: services.verifyUrl } : {}),
        NO_COLOR: '1',
        // `npx` must never fall back to the registry: every `kzpki` here is the workspace's.
        npm_config_offline: 'true',
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
  const dir = join(scratch, guide.replace(/\.md$/, '').replace(/\//g, '-'));
  mkdirSync(dir, { recursive: true });
  return dir;
}

async function runSample(s: Sample): Promise<void> {
  const cwd = workDir(s.file);
  const name = `${s.file.replace(/\.md$/, '').replace(/\//g, '-')}-${s.line}`;
  if (s.lang === 'ts' || s.lang === 'typescript' || s.lang === 'js') {
    const path = join(scratch, `${name}.mts`);
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
      'guides/quick-start-sdk.md',
      'guides/quick-start-integrator.md',
      'guides/quick-start-tester.md',
      'guides/providers.md',
    ]) {
      expect(all.filter((s) => s.file === file && s.tags.includes('test')).length, file).toBeGreaterThan(0);
    }
  });

  it('run the CLI as `npx kzpki`, which works as pasted (a bare `kzpki` is on no PATH)', () => {
    const shell = guides.flatMap((g) => g.samples).filter((s) => ['sh', 'bash', 'shell'].includes(s.lang));
    expect(shell.some((s) => /^npx kzpki /m.test(s.code))).toBe(true);
    for (const s of shell) {
      for (const line of s.code.split('\n')) {
        if (line.trimStart().startsWith('#')) continue;
        expect(line, `${s.file}:${s.line}`).not.toMatch(/(^|[;&|(]\s*)kzpki\s/);
      }
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
