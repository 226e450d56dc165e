/**
 * Builds the portal SPA from the current sources into a temp folder with Vite (the package's own
 * `vite.config.ts`), so the browser tests never run against a stale `dist/`. Skipped when the
 * browser tests would be skipped anyway (no chromium).
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';
import { CHROMIUM_PATH } from './browser.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Folder of the SPA built for this run ('' when not built). */
    portalBuildDir: string;
  }
}

export default async function setup(project: TestProject): Promise<() => void> {
  if (!existsSync(CHROMIUM_PATH)) {
    project.provide('portalBuildDir', '');
    return () => {};
  }
  const outDir = mkdtempSync(join(tmpdir(), 'kzpki-portal-build-'));
  const { build } = await import('vite');
  await build({
    configFile: fileURLToPath(new URL('../../vite.config.ts', import.meta.url)),
    logLevel: 'error',
    build: { outDir, emptyOutDir: true },
  });
  project.provide('portalBuildDir', outDir);
  return () => rmSync(outDir, { recursive: true, force: true });
}
