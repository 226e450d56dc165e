/**
 * The licence: the repository root holds the Apache License 2.0 text, and every published package
 * carries an identical copy in its own folder (npm packs a LICENSE only from the package's folder).
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..');

/** SHA-256 of https://www.apache.org/licenses/LICENSE-2.0.txt as the ASF publishes it. */
const APACHE_2_0_SHA256 = 'cfc7749b96f63bd31c3c42b5c471bf756814053e847c10f3eb003417bc523d30';

interface Manifest {
  name: string;
  private?: boolean;
  license?: string;
}

/** Every workspace package and app folder with its package.json. */
function workspaceFolders(): Array<{ dir: string; pkg: Manifest }> {
  const out: Array<{ dir: string; pkg: Manifest }> = [];
  for (const group of ['packages', 'apps']) {
    for (const name of readdirSync(join(root, group))) {
      const manifest = join(root, group, name, 'package.json');
      if (existsSync(manifest)) {
        out.push({
          dir: join(root, group, name),
          pkg: JSON.parse(readFileSync(manifest, 'utf8')) as Manifest,
        });
      }
    }
  }
  return out;
}

describe('LICENSE', () => {
  const text = readFileSync(join(root, 'LICENSE'), 'utf8');

  it('is the Apache License 2.0, byte for byte as the ASF publishes it', () => {
    expect(createHash('sha256').update(text).digest('hex')).toBe(APACHE_2_0_SHA256);
    expect(text).toContain('Apache License\n                           Version 2.0, January 2004');
  });

  it('is the licence the root and every published package.json declare (and no package declares another)', () => {
    const rootPkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as Manifest;
    expect(rootPkg.license).toBe('Apache-2.0');
    for (const { pkg } of workspaceFolders()) {
      if (pkg.private !== true || pkg.license !== undefined) expect(pkg.license, pkg.name).toBe('Apache-2.0');
    }
  });

  const published = workspaceFolders().filter((w) => w.pkg.private !== true);

  it('is copied into every published package', () => {
    expect(published.map((w) => w.pkg.name)).toEqual(expect.arrayContaining(['@kzpki/iin', '@kzpki/cli']));
    for (const { dir, pkg } of published) {
      const copy = join(dir, 'LICENSE');
      expect(existsSync(copy), `${pkg.name} has no LICENSE`).toBe(true);
      expect(readFileSync(copy, 'utf8') === text, `${pkg.name}/LICENSE differs from the root LICENSE`).toBe(
        true,
      );
    }
  });
});
