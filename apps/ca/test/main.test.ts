/**
 * `dist/main.js` starts the CA from the environment (data directory, passphrase, port) and stops
 * cleanly on SIGTERM. Uses the suites' template store, so no keys are generated.
 */
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { caStorePath } from '@kzpki/ca-store';
import { describe, expect, inject, it } from 'vitest';

const main = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'main.js');

describe.skipIf(!existsSync(main))('dist/main.js', () => {
  it('serves the API from the environment and exits 0 on SIGTERM', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kzpki-ca-main-'));
    copyFileSync(caStorePath(inject('caTemplateDir')), caStorePath(dir));
    const child = spawn(process.execPath, [main], {
      env: {
        ...process.env,
        KZPKI_DATA_DIR: dir,
        KZPKI_CA_PASSPHRASE: 'test-passphrase',
        KZPKI_CA_PORT: '0',
        KZPKI_DEV_MODE: '0',
        KZPKI_STATUS_PUBLIC_URL: 'http://status.example:8081',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      let out = '';
      const url = await new Promise<string>((resolve, reject) => {
        child.stdout.on('data', (b: Buffer) => {
          out += b.toString();
          const m = /listening on (http:\/\/\S+)/.exec(out);
          if (m?.[1]) resolve(m[1]);
        });
        child.on('exit', (code) => reject(new Error(`exited ${code}: ${out}`)));
      });
      const health = await fetch(`${url}/v1/health`).then((r) => r.json());
      expect(health).toMatchObject({ status: 'ok', devMode: false, testMode: false });
      expect(out).toContain('http://status.example:8081');
      const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
      child.kill('SIGTERM');
      expect(await exit).toBe(0);
    } finally {
      child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
