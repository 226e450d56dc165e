/**
 * The layers hold: packages are leaves (no package depends on or imports an app), published
 * packages depend only on published packages, the status service does not depend on the CA, and
 * every path docs/architecture.md names exists (so the map stays true as the tree changes).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..');

interface Manifest {
  name: string;
  private?: boolean;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
}

function members(group: 'packages' | 'apps'): Array<{ dir: string; m: Manifest }> {
  return readdirSync(join(ROOT, group))
    .map((name) => join(ROOT, group, name))
    .filter((dir) => existsSync(join(dir, 'package.json')))
    .map((dir) => ({ dir, m: JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Manifest }));
}

function sources(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => /\.(ts|tsx|mts|js|mjs)$/.test(f))
    .map((f) => join(dir, f));
}

/** Module specifiers a source file imports (static, dynamic, re-exports). */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/(?:from\s+|import\s*\(\s*|import\s+)['"]([^'"]+)['"]/g)].map(
    (m) => m[1] as string,
  );
}

const packages = members('packages');
const apps = members('apps');
const appNames = apps.map((a) => a.m.name);

describe('layers', () => {
  it('finds the members', () => {
    expect(appNames).toEqual(expect.arrayContaining(['@kzpki/ca', '@kzpki/status', '@kzpki/stack']));
    expect(packages.length).toBeGreaterThanOrEqual(5);
  });

  it('no package lists an app among any of its dependencies', () => {
    for (const { m } of packages) {
      const all = {
        ...m.dependencies,
        ...m.devDependencies,
        ...m.peerDependencies,
        ...m.optionalDependencies,
      };
      expect(
        Object.keys(all).filter((d) => appNames.includes(d)),
        m.name,
      ).toEqual([]);
    }
  });

  it('no package source imports an app', () => {
    const offending: string[] = [];
    for (const { dir } of packages) {
      for (const file of [...sources(join(dir, 'src')), ...sources(join(dir, 'test'))]) {
        for (const spec of importsOf(file)) {
          if (appNames.some((a) => spec === a || spec.startsWith(`${a}/`)))
            offending.push(`${file}: ${spec}`);
        }
      }
    }
    expect(offending).toEqual([]);
  });

  it('published packages depend only on published packages (and third-party ones)', () => {
    const privateNames = [...packages, ...apps].filter((p) => p.m.private === true).map((p) => p.m.name);
    for (const { m } of packages.filter((p) => p.m.private !== true)) {
      const runtime = { ...m.dependencies, ...m.peerDependencies, ...m.optionalDependencies };
      expect(
        Object.keys(runtime).filter((d) => privateNames.includes(d)),
        m.name,
      ).toEqual([]);
    }
  });

  it('the status service neither depends on nor imports the CA', () => {
    const status = apps.find((a) => a.m.name === '@kzpki/status');
    expect(status).toBeDefined();
    const { dir, m } = status as { dir: string; m: Manifest };
    expect(Object.keys({ ...m.dependencies, ...m.devDependencies })).not.toContain('@kzpki/ca');
    for (const file of sources(join(dir, 'src'))) {
      expect(
        importsOf(file).filter((s) => s === '@kzpki/ca' || s.startsWith('@kzpki/ca/')),
        file,
      ).toEqual([]);
    }
  });
});

describe('docs/architecture.md', () => {
  it('names only paths that exist', () => {
    const text = readFileSync(join(ROOT, 'docs', 'architecture.md'), 'utf8');
    const paths = [...text.matchAll(/`((?:packages|apps|docs|tests|openapi)\/[^`\s]*)`/g)].map((m) =>
      (m[1] as string).replace(/\/$/, ''),
    );
    expect(paths.length).toBeGreaterThan(15);
    const missing = paths.filter((p) => !existsSync(join(ROOT, p)));
    expect(missing).toEqual([]);
    // Folders named with a trailing slash are folders.
    for (const m of text.matchAll(/`((?:packages|apps)\/[^`\s]*\/)`/g)) {
      expect(statSync(join(ROOT, m[1] as string)).isDirectory()).toBe(true);
    }
  });
});
