/**
 * `@kzpki/client` runs in browsers: its sources import no Node built-in modules and use no
 * Node-only globals (WebCrypto, fetch, TextEncoder and URL are what it relies on).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = fileURLToPath(new URL('../src/', import.meta.url));

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

describe('browser portability', () => {
  it('no source imports a node: module or uses Buffer, process or require', () => {
    const offenders: string[] = [];
    for (const file of sources(SRC)) {
      const code = readFileSync(file, 'utf8').replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '');
      if (/from\s+['"]node:|import\(\s*['"]node:|\brequire\(|\bBuffer\.|\bprocess\./.test(code))
        offenders.push(file);
    }
    expect(offenders).toEqual([]);
  });
});
