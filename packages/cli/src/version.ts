/** The CLI's version, from its package.json (one level above both src/ and dist/). */
import { readFileSync } from 'node:fs';

/** The `version` field of `@kzpki/cli`'s package.json. */
export function cliVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
    version?: string;
  };
  return pkg.version ?? '0.0.0';
}
