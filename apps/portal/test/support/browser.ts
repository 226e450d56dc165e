/**
 * Debian's chromium driven by playwright-core (no bundled browser download), with a fake camera
 * so the Digital ID camera path runs for real (capture and liveness on the synthetic video).
 */
import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';

/** Where Debian installs chromium (`.ci/run` installs it). */
export const CHROMIUM_PATH = '/usr/bin/chromium';

/** `true` when the browser tests can run. */
export function hasChromium(): boolean {
  return existsSync(CHROMIUM_PATH);
}

/** Launches headless chromium. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      // A synthetic camera (moving test pattern) and no permission prompt.
      '--use-fake-device-for-media-stream',
      '--use-fake-ui-for-media-stream',
    ],
  });
}
