/**
 * The emulator's TLS: a local CA and a server certificate for 127.0.0.1/::1/localhost made with
 * `@kzpki/pki`, stored with tight modes (the CA key not at all), reused and renewed; OpenSSL accepts
 * the server certificate for 127.0.0.1 and localhost only; a client that trusts the CA connects
 * over wss://, one that does not is refused.
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { hasTool, runTool, tempDir } from '@kzpki/test-fixtures';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { NCALayerClient } from '../src/client.js';
import { scriptedPerson } from '../src/emulator/person.js';
import { startEmulator } from '../src/emulator/server.js';
import { type EmulatorTls, ensureEmulatorTls, trustInstructions } from '../src/emulator/tls.js';
import { isNCALayerError } from '../src/errors.js';
import { makeTestPki, PASSWORD, type TestPki } from './support/test-pki.js';

let config: ReturnType<typeof tempDir>;
let tls: EmulatorTls;
let pki: TestPki;

beforeAll(async () => {
  config = tempDir('kzpki-ncalayer-config-');
  tls = await ensureEmulatorTls({ configDir: config.dir });
  pki = await makeTestPki();
});
afterAll(async () => {
  config?.dispose();
  await pki?.close();
});

const mode = (p: string) => statSync(p).mode & 0o777;

describe('the emulator’s TLS certificate', () => {
  it('is made once, stored 0700/0600, without the CA key, and reused', async () => {
    expect(tls.created).toBe(true);
    expect(readdirSync(tls.dir).sort()).toEqual(['ca.pem', 'server-key.pem', 'server.pem']);
    if (process.platform !== 'win32') {
      expect(mode(tls.dir)).toBe(0o700);
      expect(mode(join(tls.dir, 'server-key.pem'))).toBe(0o600);
    }
    const again = await ensureEmulatorTls({ configDir: config.dir });
    expect(again).toMatchObject({
      created: false,
      caPem: tls.caPem,
      certPem: tls.certPem,
      keyPem: tls.keyPem,
    });
    // Two weeks before its end it is made anew (a new CA to trust).
    const renewed = await ensureEmulatorTls({
      configDir: config.dir,
      now: new Date(tls.notAfter.getTime() - 86_400_000),
    });
    expect(renewed.created).toBe(true);
    expect(renewed.caPem).not.toBe(tls.caPem);
    tls = renewed;
    expect(trustInstructions(tls.caPath)).toContain(tls.caPath);
  });

  it.skipIf(!hasTool('openssl'))(
    'OpenSSL: a TLS server certificate for 127.0.0.1, ::1 and localhost only',
    () => {
      const args = (extra: string[]) => [
        'verify',
        '-x509_strict',
        '-purpose',
        'sslserver',
        '-CAfile',
        tls.caPath,
        ...extra,
        join(tls.dir, 'server.pem'),
      ];
      expect(runTool('openssl', args(['-verify_ip', '127.0.0.1'])).status).toBe(0);
      expect(runTool('openssl', args(['-verify_ip', '::1'])).status).toBe(0);
      expect(runTool('openssl', args(['-verify_hostname', 'localhost'])).status).toBe(0);
      expect(runTool('openssl', args(['-verify_ip', '10.0.0.1'])).status).not.toBe(0);
      expect(runTool('openssl', args(['-verify_hostname', 'example.kz'])).status).not.toBe(0);
      const text = runTool('openssl', ['x509', '-in', join(tls.dir, 'server.pem'), '-noout', '-text']).stdout;
      expect(text).toContain('TLS Web Server Authentication');
      expect(text).toMatch(/CA:FALSE/);
    },
  );

  it('wss://: a client trusting the CA connects and signs; one that does not is refused', async () => {
    const emulator = await startEmulator({
      keysDir: pki.dir,
      person: scriptedPerson({ password: PASSWORD, key: pki.files.personSign.name }),
      configDir: config.dir,
      port: 0,
    });
    class TrustingWebSocket extends WebSocket {
      constructor(url: string) {
        super(url, { ca: tls.caPem });
      }
    }
    const trusting = new NCALayerClient({ url: emulator.url, WebSocket: TrustingWebSocket });
    const strict = new NCALayerClient({ url: emulator.url, WebSocket, reconnectAttempts: 0 });
    try {
      expect(emulator.url).toMatch(/^wss:\/\/127\.0\.0\.1:\d+$/);
      expect((await trusting.connect()).version).toBe('1.4');
      const cms = await trusting.signCms({ data: 'over TLS', allowTestKeys: true });
      expect(cms.der[0]).toBe(0x30);
      let error: unknown;
      try {
        await strict.connect();
      } catch (e) {
        error = e;
      }
      expect(isNCALayerError(error, 'ERR_NCALAYER_UNAVAILABLE')).toBe(true);
    } finally {
      trusting.close();
      strict.close();
      await emulator.close();
    }
  });
});
