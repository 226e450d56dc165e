/**
 * The whole system on loopback for the browser tests: the reference CA (RSA-2048 CA keys so it
 * starts in seconds), the status service on the same SQLite store, and the portal server (the SPA
 * built by the global setup, `/v1` and `/status` proxied).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type RunningCa, startCa } from '@kzpki/ca';
import { CaStoreStatusSource, startStatus } from '@kzpki/status';
import { type RunningPortal, startPortal } from '../../src/index.js';

/** Passphrase of the test CA keys at rest. */
export const TEST_CA_PASSPHRASE = 'portal-e2e-passphrase';
/** Passphrase of the OCSP responder keys: the status service's only secret. */
export const TEST_STATUS_PASSPHRASE = 'portal-e2e-status-passphrase';

/** A running stack. */
export interface Stack {
  dataDir: string;
  ca: RunningCa;
  statusUrl: string;
  portal: RunningPortal;
  stop(): Promise<void>;
}

/** A free loopback port (the status URL must be known before the CA writes it into certificates). */
async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/** Starts CA, status service and portal. */
export async function startStack(staticDir: string): Promise<Stack> {
  const dataDir = mkdtempSync(join(tmpdir(), 'kzpki-portal-e2e-'));
  const statusPort = await freePort();
  const statusUrl = `http://127.0.0.1:${statusPort}`;
  const ca = await startCa({
    passphrase: TEST_CA_PASSPHRASE,
    statusPassphrase: TEST_STATUS_PASSPHRASE,
    dataDir,
    // The CA signs its CRLs; revocations reach them within a fraction of a second here.
    crl: { pollIntervalMs: 200, debounceMs: 200 },
    init: { keyAlgorithms: { root: 'RSA-2048', issuing: 'RSA-2048' } },
    config: {
      statusBaseUrl: statusUrl,
      sweepIntervalSeconds: 0,
      // A short resend cooldown lets the test press "send again" (the 90 s validity is kept).
      otp: { resendCooldownSeconds: 2 },
    },
    logError: (m, e) => console.error(m, e),
  });
  const source = await CaStoreStatusSource.open({ dataDir, passphrase: TEST_STATUS_PASSPHRASE });
  const status = await startStatus({ source, port: statusPort, closeSource: true });
  const portal = await startPortal({ caUrl: ca.url, statusUrl: status.url, staticDir });
  return {
    dataDir,
    ca,
    statusUrl: status.url,
    portal,
    async stop() {
      await portal.close();
      await status.close();
      await ca.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
