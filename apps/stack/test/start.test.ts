/**
 * `kzpki start` as a real process: it prints the URLs and the demo persons, the services answer,
 * the commands it prints run as pasted from the repository root, and SIGINT (Ctrl-C) stops them
 * cleanly with exit code 0. `kzpki ca init` on a fresh and on an initialised data directory.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { NCA_TSA_POLICY_OIDS, requestTimestamp } from '@kzpki/pki';
import { tempDir } from '@kzpki/test-fixtures';
import { afterAll, describe, expect, it } from 'vitest';
import { run } from './io.js';

const ENTRY = fileURLToPath(new URL('./support/kzpki-entry.ts', import.meta.url));
const REPO = fileURLToPath(new URL('../../../', import.meta.url));
const dirs: Array<ReturnType<typeof tempDir>> = [];
const children: ChildProcess[] = [];

afterAll(() => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  for (const d of dirs) d.dispose();
});

/** Resolves with the child's stdout once it contains `marker`. */
function waitForOutput(child: ChildProcess, marker: string, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    const timer = setTimeout(() => reject(new Error(`no "${marker}" in time; stderr: ${err}`)), timeoutMs);
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString('utf8');
      if (out.includes(marker)) {
        clearTimeout(timer);
        resolve(out);
      }
    });
    child.stderr?.on('data', (d: Buffer) => {
      err += d.toString('utf8');
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`exited with ${code} before "${marker}"; stderr: ${err}`));
    });
  });
}

describe('kzpki start', () => {
  it(
    'runs the CA, the status service and the portal until SIGINT, then stops cleanly',
    { timeout: 150_000 },
    async () => {
      const data = tempDir('kzpki-start-');
      dirs.push(data);
      const child = spawn(
        process.execPath,
        [
          '--import',
          'tsx',
          ENTRY,
          'start',
          '--port',
          '0',
          '--status-port',
          '0',
          '--portal-port',
          '0',
          '--verify-port',
          '0',
          '--data-dir',
          data.dir,
          '--ca-key-algorithm',
          'RSA-2048',
        ],
        {
          cwd: fileURLToPath(new URL('..', import.meta.url)),
          env: { ...process.env, KZPKI_CA_PASSPHRASE: 'start-test' },
        },
      );
      children.push(child);
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => {
        stderr += d.toString('utf8');
      });
      const banner = await waitForOutput(child, 'Press Ctrl-C to stop.', 80_000);
      const caUrl = /CA API:\s+(http:\/\/[^/\s]+)\/v1/.exec(banner)?.[1];
      const statusUrl = /status service:\s+(http:\/\/\S+)/.exec(banner)?.[1];
      expect(caUrl).toBeDefined();
      expect(statusUrl).toBeDefined();
      expect(banner).toMatch(/dev SMS outbox:\s+http:\/\/\S+\/v1\/dev\/sms-outbox\?iin=<IIN>/);
      expect(banner).toMatch(/dev e-mail outbox:\s+http:\/\/\S+\/v1\/dev\/email-outbox\?iin=<IIN>/);
      expect(banner).toMatch(/individual\s+850315300128/);
      expect(banner).toMatch(/first-manager\s+780203403451\s+150440000013/);
      expect(banner).toMatch(/940615400124 .*ERR_PHONE_NOT_REGISTERED/);
      const health = await fetch(`${caUrl}/v1/health`);
      expect(await health.json()).toMatchObject({ status: 'ok', devMode: true, testMode: true });
      expect((await fetch(`${statusUrl}/health`)).status).toBe(200);
      // The portal serves the SPA and proxies the CA API on its own origin.
      const portalUrl = /portal \(open in a browser\):\s+(http:\/\/\S+)/.exec(banner)?.[1];
      expect(portalUrl).toBeDefined();
      // The verification service answers with the CA's root as its trust anchor.
      const verifyUrl = /verification service:\s+(http:\/\/\S+)/.exec(banner)?.[1];
      expect(verifyUrl).toBeDefined();
      // The RSA and the GOST-2015 root.
      expect(await (await fetch(`${verifyUrl}/health`)).json()).toEqual({ status: 'ok', trustAnchors: 2 });
      const page = await fetch(`${portalUrl}/`);
      expect(page.headers.get('content-type')).toMatch(/^text\/html/);
      expect(await (await fetch(`${portalUrl}/v1/health`)).json()).toMatchObject({ status: 'ok' });
      for (const name of ['kzpki-test-issuing-rsa', 'kzpki-test-issuing-gost']) {
        const crl = await fetch(`${statusUrl}/crl/${name}.crl`);
        expect(crl.headers.get('content-type'), name).toMatch(/^application\/pkix-crl/);
      }
      expect(banner).toMatch(/CRLs \(GOST-2015\):\s+http:\/\/\S+\/crl\/kzpki-test-issuing-gost\.crl/);
      // The TSA the CA certified for the status service answers where the banner says.
      const tsaUrl = /TSA \(RFC 3161\):\s+(http:\/\/\S+)/.exec(banner)?.[1];
      expect(tsaUrl).toBe(`${statusUrl}/tsp`);
      const stamp = await requestTimestamp({
        url: tsaUrl!,
        data: new Uint8Array([1, 2, 3]),
        hash: 'SHA-256',
      });
      expect(stamp.info.policy).toBe(NCA_TSA_POLICY_OIDS.rsa);
      const gost = await requestTimestamp({ url: tsaUrl!, data: new Uint8Array([1]), hash: 'STREEBOG-512' });
      expect(gost.info.policy).toBe(NCA_TSA_POLICY_OIDS.gost2015);

      // Every command it suggests is `npx kzpki ...`, and the first runs as pasted from the
      // repository root (only its output folder is moved out of the repository).
      const suggested = banner
        .split('\n')
        .map((l) => l.trim())
        .filter((l) => /^(npx )?kzpki [a-z]+ --/.test(l));
      expect(suggested.length).toBeGreaterThanOrEqual(4);
      for (const c of suggested)
        expect(c).toMatch(/^npx kzpki (enroll|testpack) --ca-url http:\/\/127\.0\.0\.1:\d+ /);
      const keys = tempDir('kzpki-start-keys-');
      dirs.push(keys);
      const first = (suggested[0] as string).replace('--out ./keys/', `--out ${keys.dir}/`);
      expect(first).toContain('--template individual');
      await promisify(execFile)('sh', ['-c', first], { cwd: REPO, env: { ...process.env, NO_COLOR: '1' } });
      // The two key files, and the CA chain apart from them (issue 13: one certificate per file).
      expect(readdirSync(join(keys.dir, 'individual')).sort()).toEqual([
        expect.stringMatching(/^AUTH_RSA256_[0-9a-f]{40}\.p12$/),
        expect.stringMatching(/^RSA256_[0-9a-f]{40}\.p12$/),
        'ca',
      ]);

      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      child.kill('SIGINT');
      expect(await exited).toBe(0);
      expect(stderr).toMatch(/SIGINT: stopping/);
      expect(stderr).toMatch(/stopped/);
      await expect(fetch(`${caUrl}/v1/health`)).rejects.toThrow();
    },
  );
});

describe('kzpki ca init', () => {
  it('creates the TEST hierarchy once, then has nothing to do', { timeout: 60_000 }, async () => {
    const data = tempDir('kzpki-ca-init-');
    dirs.push(data);
    const env = process.env.KZPKI_CA_PASSPHRASE;
    process.env.KZPKI_CA_PASSPHRASE = 'ca-init-test';
    try {
      const dataDir = join(data.dir, 'var');
      const args = [
        'ca',
        'init',
        '--data-dir',
        dataDir,
        '--ca-key-algorithm',
        'RSA-2048',
        '--status-url',
        'http://status.test:8081',
      ];
      const first = await run([...args, '--json']);
      expect(first.code).toBe(0);
      const report = JSON.parse(first.stdout);
      expect(report.created.sort()).toEqual([
        'gost-issuing',
        'gost-ocsp-responder',
        'gost-root',
        'gost-root-ocsp-responder',
        'issuing',
        'ocsp-responder',
        'operator',
        'root',
        'root-ocsp-responder',
      ]);
      // The status service's TSAs, certified at once (their keys sealed for the status service).
      expect(report.timestampSigners).toMatchObject({
        created: ['tsa', 'gost-tsa'],
        renewed: [],
        signers: [
          { name: 'tsa', policy: '1.2.398.3.3.2.6.2' },
          { name: 'gost-tsa', policy: '1.2.398.3.3.2.6.4' },
        ],
      });
      expect(report.certificates.map((c: { subject: string }) => c.subject)).toEqual(
        expect.arrayContaining(['C=KZ,CN=KZPKI TEST ROOT CA (RSA)', 'CN=KZPKI TEST ISSUING CA (RSA),C=KZ']),
      );
      if (process.platform !== 'win32') {
        // The data directory 0700, the database and its WAL 0600, whatever the umask (issue 10 #5).
        expect(statSync(dataDir).mode & 0o777).toBe(0o700);
        for (const f of readdirSync(dataDir)) expect(statSync(join(dataDir, f)).mode & 0o777, f).toBe(0o600);
      }
      const second = await run(args);
      expect(second.code).toBe(0);
      expect(second.stdout).toMatch(/already initialised, nothing to do/);
      expect(second.stdout).toContain(report.certificates[0].serialHex);
      expect(second.stdout).toContain(
        `TSA of the status service (POST /tsp, key sealed for it): policy 1.2.398.3.3.2.6.2, serial ${report.timestampSigners.signers[0].serialHex}`,
      );
      expect(second.stdout).not.toMatch(/\((created|renewed)\)/);
    } finally {
      if (env === undefined) delete process.env.KZPKI_CA_PASSPHRASE;
      else process.env.KZPKI_CA_PASSPHRASE = env;
    }
  });
});
