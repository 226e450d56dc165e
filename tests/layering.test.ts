/**
 * The layers of the repository, from the manifests and the import statements: packages are leaves
 * (no package under packages/ depends on an app), and the status service does not depend on the CA
 * (apps/status reads the store contract of @kzpki/ca-store and holds no CA key).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

interface Manifest {
  name: string;
  dir: string;
  deps: Record<string, string>;
}

const DEP_FIELDS = ['dependencies', 'devDependencies', 'peerDependencies', 'optionalDependencies'] as const;

function manifests(group: 'packages' | 'apps'): Manifest[] {
  return readdirSync(join(root, group))
    .map((d) => join(root, group, d))
    .filter((dir) => {
      try {
        return statSync(join(dir, 'package.json')).isFile();
      } catch {
        return false;
      }
    })
    .map((dir) => {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Record<string, unknown>;
      const deps: Record<string, string> = {};
      for (const f of DEP_FIELDS) Object.assign(deps, (pkg[f] as Record<string, string> | undefined) ?? {});
      return { name: String(pkg.name), dir, deps };
    });
}

/** Every .ts/.tsx file under `dir` (no node_modules, no dist). */
function sources(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.name === 'node_modules' || e.name === 'dist') continue;
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.tsx?$/.test(e.name)) out.push(p);
    }
  };
  walk(dir);
  return out;
}

/** Module specifiers of static and dynamic imports and re-exports. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const found: string[] = [];
  for (const m of text.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)['"]([^'"]+)['"]/g))
    found.push(m[1]!);
  return found;
}

const packages = manifests('packages');
const apps = manifests('apps');
const appNames = new Set(apps.map((a) => a.name));

describe('layering', () => {
  it('finds the workspace (sanity)', () => {
    expect(packages.map((p) => p.name)).toContain('@kzpki/ca-store');
    expect(apps.map((a) => a.name)).toEqual(expect.arrayContaining(['@kzpki/ca', '@kzpki/status']));
  });

  it('no package under packages/ depends on an app', () => {
    const offending = packages.flatMap((p) =>
      Object.keys(p.deps)
        .filter((d) => appNames.has(d))
        .map((d) => `${p.name} -> ${d}`),
    );
    expect(offending).toEqual([]);
  });

  it('no source of a package imports an app', () => {
    const offending = packages.flatMap((p) =>
      sources(p.dir).flatMap((f) =>
        importsOf(f)
          .filter((s) => [...appNames].some((a) => s === a || s.startsWith(`${a}/`)))
          .map((s) => `${relative(root, f)}: ${s}`),
      ),
    );
    expect(offending).toEqual([]);
  });

  it('apps/status does not depend on the CA, in its manifest or its sources', () => {
    const status = apps.find((a) => a.name === '@kzpki/status')!;
    expect(Object.keys(status.deps)).not.toContain('@kzpki/ca');
    expect(Object.keys(status.deps)).toContain('@kzpki/ca-store');
    const offending = sources(status.dir).flatMap((f) =>
      importsOf(f)
        .filter((s) => s === '@kzpki/ca' || s.startsWith('@kzpki/ca/') || /(^|\/)apps\/ca\//.test(s))
        .map((s) => `${relative(root, f)}: ${s}`),
    );
    expect(offending).toEqual([]);
  });
});
