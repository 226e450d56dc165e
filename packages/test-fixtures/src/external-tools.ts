/**
 * Independent checkers (OpenSSL, GnuTLS certtool, NSS certutil/pk12util, Java keytool) run as real
 * processes. Tests use {@link hasTool} to skip, saying why, where a tool is not installed;
 * `.ci/run` installs all of them, so CI never skips.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A tool this project uses as an independent checker. */
export type ExternalTool = 'openssl' | 'certtool' | 'certutil' | 'pk12util' | 'keytool';

const probes: Record<ExternalTool, string[]> = {
  openssl: ['version'],
  certtool: ['--version'],
  certutil: ['-H'],
  pk12util: ['-H'],
  keytool: ['-help'],
};
const cache = new Map<ExternalTool, boolean>();

/** `true` when the tool can be started. Logs the skip reason once when it cannot. */
export function hasTool(tool: ExternalTool): boolean {
  let ok = cache.get(tool);
  if (ok === undefined) {
    const r = spawnSync(tool, probes[tool], { stdio: 'ignore', timeout: 20_000 });
    ok = r.error === undefined;
    cache.set(tool, ok);
    if (!ok)
      console.warn(
        `[kzpki] skipping ${tool} interop tests: '${tool}' is not installed (.ci/run installs it)`,
      );
  }
  return ok;
}

/** Result of {@link runTool}. */
export interface ToolResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a tool synchronously with a time limit; never throws for a non-zero exit. */
export function runTool(
  tool: string,
  args: string[],
  options: { input?: Uint8Array | string; cwd?: string } = {},
): ToolResult {
  const r = spawnSync(tool, args, {
    input: options.input,
    cwd: options.cwd,
    timeout: 120_000,
    maxBuffer: 64 * 1024 * 1024,
    encoding: 'utf8',
  });
  if (r.error) throw r.error;
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A temporary folder with helpers to write files into it; call `dispose()` when done. */
export function tempDir(prefix = 'kzpki-'): {
  dir: string;
  write(name: string, data: Uint8Array | string): string;
  dispose(): void;
} {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return {
    dir,
    write(name, data) {
      const path = join(dir, name);
      writeFileSync(path, data);
      return path;
    },
    dispose() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
