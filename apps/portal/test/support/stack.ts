/**
 * The whole system on loopback for the browser tests: the reference CA (RSA-2048 CA keys so it
 * starts in seconds), the status service on the same SQLite store, and the portal server (the SPA
 * built by the global setup, `/v1` and `/status` proxied). The suites start the same applicants
 * many times, so the per-IIN and per-address limits are relaxed (one test checks them on their
 * own). `startTestModeCa` adds a second CA in test mode (NCA test identifiers admitted) with the
 * real one-minute resend cooldown, behind its own portal.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type CaConfigOverrides, type RunningCa, startCa } from '@kzpki/ca';
import { reservePort } from '@kzpki/server-kit';
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

const RELAXED = { capacity: 10_000, refillPerSecond: 10_000 };
const RELAXED_LIMITS: CaConfigOverrides['rateLimits'] = {
  otpSendPerIin: RELAXED,
  otpSendPerIp: RELAXED,
  otpCheckPerIp: RELAXED,
  statusLookupPerIp: RELAXED,
  loginPerIp: RELAXED,
};

/** Starts CA, status service and portal. */
export async function startStack(staticDir: string): Promise<Stack> {
  const dataDir = mkdtempSync(join(tmpdir(), 'kzpki-portal-e2e-'));
  // Held until the status service listens: the URL goes into the CA's certificates first.
  const reservation = await reservePort('127.0.0.1');
  const statusPort = reservation.port;
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
  await reservation.release();
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

/** A CA in test mode (with the real resend cooldown) behind its own portal; no status service. */
export interface TestModeCa {
  ca: RunningCa;
  portal: RunningPortal;
  stop(): Promise<void>;
}

/** Starts a test-mode CA and a portal for it. */
export async function startTestModeCa(staticDir: string): Promise<TestModeCa> {
  const dataDir = mkdtempSync(join(tmpdir(), 'kzpki-portal-e2e-test-mode-'));
  const ca = await startCa({
    passphrase: TEST_CA_PASSPHRASE,
    statusPassphrase: TEST_STATUS_PASSPHRASE,
    dataDir,
    init: { keyAlgorithms: { root: 'RSA-2048', issuing: 'RSA-2048' } },
    config: {
      devMode: true,
      testMode: true,
      sweepIntervalSeconds: 0,
      otp: { resendCooldownSeconds: 60 },
      rateLimits: RELAXED_LIMITS,
    },
    logError: (m, e) => console.error(m, e),
  });
  const portal = await startPortal({ caUrl: ca.url, staticDir });
  return {
    ca,
    portal,
    async stop() {
      await portal.close();
      await ca.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
