/**
 * `@kzpki/stack/testing`: the reference stack for test suites (this app's, the docs samples'):
 * the real CA, status service and portal in-process on ephemeral loopback ports over a temp data
 * directory, with RSA-2048 CA keys (fast start), cheap PIN hashing and relaxed rate limits (the
 * suites enroll the same demo persons many times).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type RunningServices, startServices } from './services.js';

const RELAXED = { capacity: 10_000, refillPerSecond: 10_000 };

/** Running test services and their temp directory. */
export interface TestServices extends RunningServices {
  /** Removes the data directory after closing. */
  stop(): Promise<void>;
}

/**
 * Starts the test services (test mode and dev mode on).
 *
 * @example
 * ```ts
 * const services = await startTestServices();
 * await fetch(`${services.caUrl}/v1/health`);
 * await services.stop();
 * ```
 */
export async function startTestServices(): Promise<TestServices> {
  const dir = mkdtempSync(join(tmpdir(), 'kzpki-cli-services-'));
  const services = await startServices({
    dataDir: dir,
    passphrase: 'cli-test-passphrase',
    caPort: 0,
    statusPort: 0,
    portalPort: 0,
    verifyPort: 0,
    caKeyAlgorithm: 'RSA-2048',
    caConfig: {
      sweepIntervalSeconds: 0,
      rateLimits: {
        otpSendPerIin: RELAXED,
        otpSendPerIp: RELAXED,
        otpCheckPerIp: RELAXED,
        statusLookupPerIp: RELAXED,
        loginPerIp: RELAXED,
      },
    },
    logError: () => {},
  });
  return {
    ...services,
    async stop() {
      await services.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
