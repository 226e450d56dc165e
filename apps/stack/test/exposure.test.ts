/**
 * What `kzpki start` exposes (issue 10 #3): dev mode can be switched off (`--no-dev`,
 * `KZPKI_DEV_MODE=0`: dev routes 404, `/v1/health` says `devMode: false`, codes go to a 0600 file
 * in the data directory); on a network address dev mode is off by default, asking for it is
 * refused, and so are the public development passphrases, unless `--insecure-…` says so.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '@kzpki/test-fixtures';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decideExposure } from '../src/exposure.js';
import { type RunningServices, startServices } from '../src/services.js';
import { run } from './io.js';

const SECRETS = { KZPKI_CA_PASSPHRASE: 'a real one', KZPKI_STATUS_PASSPHRASE: 'another one' };
const base = { dev: undefined, insecureDevMode: false, insecurePublicPassphrase: false };

describe('loopback or network (isLoopbackHost: server-kit)', () => {
  it('on loopback: dev mode by default, off when asked, public passphrases allowed', async () => {
    expect(await decideExposure({ ...base, host: '127.0.0.1', env: {} })).toEqual({
      devMode: true,
      loopback: true,
      notes: [],
    });
    expect((await decideExposure({ ...base, host: '127.0.0.1', dev: false, env: {} })).devMode).toBe(false);
    expect((await decideExposure({ ...base, host: '127.0.0.1', env: { KZPKI_DEV_MODE: '0' } })).devMode).toBe(
      false,
    );
  });

  it('on a network address: dev mode off by default, refused when asked, unless --insecure-dev-mode', async () => {
    const off = await decideExposure({ ...base, host: '0.0.0.0', env: SECRETS });
    expect(off.devMode).toBe(false);
    expect(off.notes.join()).toMatch(/dev mode is off because --host 0.0.0.0 is a network address/);
    for (const asked of [{ dev: true }, { env: { ...SECRETS, KZPKI_DEV_MODE: '1' } }]) {
      await expect(decideExposure({ ...base, host: '0.0.0.0', env: SECRETS, ...asked })).rejects.toThrow(
        expect.objectContaining({
          code: 'ERR_USAGE',
          message: expect.stringMatching(
            /anyone who reaches the CA read every one-time code.*--insecure-dev-mode/,
          ),
        }),
      );
    }
    const forced = await decideExposure({ ...base, host: '0.0.0.0', insecureDevMode: true, env: SECRETS });
    expect(forced.devMode).toBe(true);
    expect(forced.notes.join()).toMatch(/anyone who reaches the CA reads every one-time code/);
    expect(
      (await decideExposure({ ...base, host: '0.0.0.0', env: { ...SECRETS, KZPKI_INSECURE_DEV_MODE: '1' } }))
        .devMode,
    ).toBe(true);
  });

  it('on a network address: the public passphrases are refused, unless --insecure-public-passphrase', async () => {
    await expect(decideExposure({ ...base, host: '0.0.0.0', env: {} })).rejects.toThrow(
      /KZPKI_CA_PASSPHRASE and KZPKI_STATUS_PASSPHRASE are not set.*--insecure-public-passphrase/,
    );
    await expect(
      decideExposure({ ...base, host: '192.168.1.10', env: { KZPKI_CA_PASSPHRASE: 'x' } }),
    ).rejects.toThrow(/KZPKI_STATUS_PASSPHRASE is not set/);
    const forced = await decideExposure({
      ...base,
      host: '0.0.0.0',
      insecurePublicPassphrase: true,
      env: {},
    });
    expect(forced.notes.join()).toMatch(/public development passphrase on a network address/);
  });
});

describe('kzpki start refuses before starting anything', () => {
  it('exits 2 and explains, for a network --host with the public passphrases or dev mode', async () => {
    const data = tempDir('kzpki-exposure-');
    const saved = { ...process.env };
    try {
      delete process.env.KZPKI_CA_PASSPHRASE;
      delete process.env.KZPKI_STATUS_PASSPHRASE;
      const dir = join(data.dir, 'var');
      const r = await run(['start', '--host', '0.0.0.0', '--port', '0', '--data-dir', dir]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/--insecure-public-passphrase/);
      Object.assign(process.env, SECRETS);
      const d = await run(['start', '--host', '0.0.0.0', '--dev', '--port', '0', '--data-dir', dir]);
      expect(d.code).toBe(2);
      expect(d.stderr).toMatch(/read every one-time code/);
      expect(existsSync(dir)).toBe(false);
    } finally {
      for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
      Object.assign(process.env, saved);
      data.dispose();
    }
  });
});

describe('the stack without dev mode', () => {
  let services: RunningServices;
  let data: ReturnType<typeof tempDir>;
  beforeAll(async () => {
    data = tempDir('kzpki-no-dev-');
    services = await startServices({
      dataDir: join(data.dir, 'var'),
      passphrase: 'no-dev-test',
      caPort: 0,
      statusPort: 0,
      portalPort: 0,
      verifyPort: false,
      caKeyAlgorithm: 'RSA-2048',
      devMode: false,
      caConfig: { sweepIntervalSeconds: 0 },
      logError: () => {},
    });
  }, 120_000);
  afterAll(async () => {
    await services?.close();
    data?.dispose();
  });

  it('answers 404 on the dev routes, says devMode false, and writes the codes to a 0600 file', async () => {
    const health = await (await fetch(`${services.caUrl}/v1/health`)).json();
    expect(health).toMatchObject({ devMode: false });
    expect((await fetch(`${services.portalUrl}/v1/health`).then((r) => r.json())).devMode).toBe(false);
    expect((await fetch(`${services.caUrl}/v1/dev/sms-outbox?iin=850315300128`)).status).toBe(404);
    const reg = await fetch(`${services.caUrl}/v1/dev/mobile-registrations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ iin: '940615400124', phone: '+77771234567' }),
    });
    expect(reg.status).toBe(404);
    // The one-time code reaches the server's own user through the spool file, not over HTTP.
    const started = await fetch(`${services.caUrl}/v1/applications`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ kind: 'individual', template: 'individual', iin: '850315300128' }),
    });
    expect(started.status).toBe(201);
    const app = (await started.json()) as { id: string };
    expect(services.smsSpool).toBe(join(services.dataDir, 'sms-outbox.log'));
    const spool = services.smsSpool as string;
    if (process.platform !== 'win32') expect(statSync(spool).mode & 0o777).toBe(0o600);
    const line = readFileSync(spool, 'utf8').trim().split('\n').at(-1) as string;
    const code = (JSON.parse(line) as { code: string }).code;
    expect(code).toMatch(/^\d{6}$/);
    const verified = await fetch(`${services.caUrl}/v1/applications/${app.id}/otp/verification`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ code }),
    });
    expect(verified.status).toBe(200);
  });
});
