/**
 * Where the real NCA RK test vectors live.
 *
 * The vectors (certificates, CRLs, OCSP responses, PKCS#12 key stores published by the NCA and
 * by open-source NCA tooling) are never copied into this repository. Tests read them from
 * `$KZPKI_NCA_FIXTURES`, or from `shared/fixtures/nca` beside the repository root (where CI puts
 * it), and skip with a message where neither exists (a user's clone).
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

/** Absolute path of the NCA fixtures folder, or `undefined` where it is absent. */
export function ncaFixturesDir(): string | undefined {
  const candidates = [process.env.KZPKI_NCA_FIXTURES, join(repoRoot, '..', 'shared', 'fixtures', 'nca')];
  for (const dir of candidates) {
    if (dir && existsSync(join(dir, 'README.md'))) return dir;
  }
  return undefined;
}

/** Why fixture-based tests are skipped; printed by {@link describeIfFixtures} callers. */
export const FIXTURES_MISSING_REASON =
  'NCA fixtures not found: set KZPKI_NCA_FIXTURES or place shared/fixtures/nca beside the repository (CI always has it)';

/** `true` when the fixtures are present. Logs the skip reason once when they are not. */
export function hasNcaFixtures(): boolean {
  const ok = ncaFixturesDir() !== undefined;
  if (!ok && !warned) {
    warned = true;
    console.warn(`[kzpki] skipping NCA fixture tests: ${FIXTURES_MISSING_REASON}`);
  }
  return ok;
}
let warned = false;

/** Reads a fixture file by its path relative to the fixtures folder (e.g. `p12/RSA256_….p12`). */
export function readNcaFixture(relativePath: string): Uint8Array {
  const dir = ncaFixturesDir();
  if (!dir) throw new Error(FIXTURES_MISSING_REASON);
  return new Uint8Array(readFileSync(join(dir, relativePath)));
}

/** Absolute path of a fixture file (for handing to OpenSSL and other external tools). */
export function ncaFixturePath(relativePath: string): string {
  const dir = ncaFixturesDir();
  if (!dir) throw new Error(FIXTURES_MISSING_REASON);
  return join(dir, relativePath);
}

/** The NCA test password of every key store in the fixtures. */
export const NCA_TEST_PASSWORD = 'Qwerty12';

export {
  derChildren,
  derContent,
  derTlv,
  pkcs1v15PaddedSha256,
  rsaSpkiWithExponentOne,
} from './der-craft.js';
export { type ExternalTool, hasTool, runTool, type ToolResult, tempDir } from './external-tools.js';
export { type IndependentGostVerifier, independentGost512 } from './independent-gost.js';
export { sealedKeyProblem } from './sealed-key.js';
