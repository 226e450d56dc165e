/**
 * docs/architecture.md stays true as the tree changes: every path it names exists, folders named
 * with a trailing slash are folders, and the workspace dependencies it lists for each member are
 * at least those the manifests declare. (The layering rules themselves are checked in
 * layering.test.ts.)
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..');
const text = readFileSync(join(ROOT, 'docs', 'architecture.md'), 'utf8');

describe('docs/architecture.md', () => {
  it('names only paths that exist', () => {
    const paths = [...text.matchAll(/`((?:packages|apps|docs|tests|openapi)\/[^`\s]*)`/g)].map(
      (m) => m[1] as string,
    );
    expect(paths.length).toBeGreaterThan(15);
    expect(paths.filter((p) => !existsSync(join(ROOT, p)))).toEqual([]);
    for (const p of paths.filter((x) => x.endsWith('/')))
      expect(statSync(join(ROOT, p)).isDirectory(), p).toBe(true);
  });

  it('lists every workspace runtime dependency of each member in its layer map', () => {
    const map = /```text\n([\s\S]*?)```/.exec(text)?.[1] ?? '';
    const missing: string[] = [];
    let members = 0;
    for (const line of map.split('\n')) {
      const m = /^\s+([a-z-]+)\s+──►\s+([^`]+?)(\s{2,}|$)/.exec(line);
      if (!m) continue;
      members++;
      const [, member, listed] = m as unknown as [string, string, string];
      const dir = ['packages', 'apps']
        .map((g) => join(ROOT, g, member))
        .find((d) => existsSync(join(d, 'package.json')));
      expect(dir, member).toBeDefined();
      const pkg = JSON.parse(readFileSync(join(dir as string, 'package.json'), 'utf8')) as {
        dependencies?: Record<string, string>;
      };
      const names = listed.split(/[,\s]+/).filter(Boolean);
      for (const dep of Object.keys(pkg.dependencies ?? {})) {
        if (dep.startsWith('@kzpki/') && !names.includes(dep.slice('@kzpki/'.length)))
          missing.push(`${member} -> ${dep}`);
      }
    }
    expect(members).toBeGreaterThanOrEqual(8);
    expect(missing).toEqual([]);
  });
});
