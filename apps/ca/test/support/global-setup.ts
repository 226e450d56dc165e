/**
 * Generates one CA hierarchy (RSA-2048 everywhere, so it takes a second, not the RSA-4096 minute)
 * into a template store; every suite copies it instead of generating its own.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { caStorePath, openCaStore } from '@kzpki/ca-store';
import type { TestProject } from 'vitest/node';
import { initCa } from '../../src/ca/init-ca.js';

/** Passphrase of the test CA. */
export const TEST_PASSPHRASE = 'test-passphrase';

declare module 'vitest' {
  export interface ProvidedContext {
    caTemplateDir: string;
  }
}

export default async function setup(project: TestProject): Promise<() => void> {
  const dir = mkdtempSync(join(tmpdir(), 'kzpki-ca-template-'));
  const store = openCaStore(caStorePath(dir));
  await initCa(store, {
    passphrase: TEST_PASSPHRASE,
    statusBaseUrl: 'http://127.0.0.1:8081',
    keyAlgorithms: { root: 'RSA-2048', issuing: 'RSA-2048' },
  });
  await store.close();
  project.provide('caTemplateDir', dir);
  return () => rmSync(dir, { recursive: true, force: true });
}
