import { existsSync, readdirSync, readFileSync } from 'node:fs';
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

/** The Markdown the repository documents itself with (README files, docs/), not generated output. */
function markdownFiles(): string[] {
  const out = ['README.md'];
  for (const group of ['packages', 'apps']) {
    for (const name of readdirSync(join(root, group))) {
      if (existsSync(join(root, group, name, 'README.md'))) out.push(`${group}/${name}/README.md`);
    }
  }
  const walk = (dir: string): void => {
    for (const entry of readdirSync(join(root, dir), { withFileTypes: true })) {
      const path = `${dir}/${entry.name}`;
      if (entry.isDirectory()) {
        if (!['node_modules', 'site', 'api'].includes(entry.name)) walk(path);
      } else if (entry.name.endsWith('.md')) out.push(path);
    }
  };
  walk('docs');
  return out;
}

/** Code the reader may paste: inline code spans, and the lines of fenced blocks. */
function pasteables(markdown: string): string[] {
  const out: string[] = [];
  let fenced = false;
  for (const line of markdown.split('\n')) {
    if (/^\s*```/.test(line)) {
      fenced = !fenced;
      continue;
    }
    if (fenced) out.push(line.trim());
    else for (const m of line.matchAll(/`([^`\n]+)`/g)) out.push((m[1] as string).trim());
  }
  return out;
}

describe('documented commands', () => {
  it('run as pasted: `npx kzpki ...` and `npx -y pnpm@<version> ...`, never a bare kzpki or pnpm', () => {
    const bare: string[] = [];
    for (const file of markdownFiles()) {
      for (const code of pasteables(readFileSync(join(root, file), 'utf8'))) {
        // A command at the start of the code or after a shell operator.
        if (/(^|&&|\|\||;|\|)\s*(kzpki|pnpm)\s/.test(code.replace(/#.*$/, ''))) bare.push(`${file}: ${code}`);
      }
    }
    expect(bare).toEqual([]);
  });

  it('pin the pnpm version of package.json packageManager everywhere', () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { packageManager: string };
    const other: string[] = [];
    for (const file of markdownFiles()) {
      for (const m of readFileSync(join(root, file), 'utf8').matchAll(/pnpm@[\d.]+/g)) {
        if (m[0] !== pkg.packageManager) other.push(`${file}: ${m[0]}`);
      }
    }
    expect(other).toEqual([]);
  });
});
