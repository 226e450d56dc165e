/**
 * The person at the emulated NCALayer asked in a terminal (the emulator without a script), and the
 * page origins the emulator lets in.
 */
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { NCALayerClient } from '../src/client.js';
import { terminalPerson } from '../src/emulator/person.js';
import { startEmulator } from '../src/emulator/server.js';
import { isNCALayerError } from '../src/errors.js';
import { makeTestPki, PASSWORD, type TestPki } from './support/test-pki.js';
import { verifyCmsWith } from './support/verify.js';

let pki: TestPki;

beforeAll(async () => {
  pki = await makeTestPki();
});
afterAll(async () => {
  await pki?.close();
});

/** A terminal: what the emulator printed, and a way to type lines when it asks. */
function terminal() {
  const input = new PassThrough();
  const output = new PassThrough();
  let printed = '';
  const waiters: Array<{ text: string; resolve: () => void }> = [];
  output.on('data', (d: Buffer) => {
    printed += d.toString('utf8');
    for (const w of waiters.splice(0)) {
      if (printed.includes(w.text)) w.resolve();
      else waiters.push(w);
    }
  });
  return {
    person: terminalPerson({ input, output }),
    printed: () => printed,
    /** Waits until `text` was printed, then types `line`. */
    async answer(text: string, line: string) {
      if (!printed.includes(text)) await new Promise<void>((resolve) => waiters.push({ text, resolve }));
      input.write(`${line}\n`);
    },
  };
}

describe('the person asked in a terminal', () => {
  it('lists the key files, takes the choice and the password; a wrong password is asked again', async () => {
    const t = terminal();
    const emulator = await startEmulator({ keysDir: pki.dir, person: t.person, tls: false, port: 0 });
    const client = new NCALayerClient({ url: emulator.url, WebSocket });
    try {
      const names = Object.values(pki.files)
        .map((f) => f.name)
        .sort();
      const index = names.indexOf(pki.files.personSign.name) + 1;
      const signing = client.signCms({ data: 'typed in a terminal', allowTestKeys: true });
      await t.answer('Key file 1-5', String(index));
      await t.answer(`Password for ${pki.files.personSign.name}`, 'not-the-password');
      await t.answer('Password again', PASSWORD);
      const cms = await signing;
      expect((await verifyCmsWith(cms.der, [pki.rsaRoot.der])).valid).toBe(true);
      expect(t.printed()).toContain('asks: basics.sign (cms, 1 document), a SIGN key');
      for (const n of names) expect(t.printed()).toContain(n);
      expect(t.printed()).toContain('wrong password');

      const cancelled = client.commonUtils.getKeyInfo('PKCS12');
      await t.answer('commonUtils.getKeyInfo', '');
      const e = await cancelled.then(
        () => undefined,
        (x: unknown) => x,
      );
      expect(isNCALayerError(e, 'ERR_USER_CANCELLED')).toBe(true);
    } finally {
      client.close();
      await emulator.close();
    }
  });
});

describe('page origins', () => {
  it('--origin lets only the named origins connect', async () => {
    const t = terminal();
    const emulator = await startEmulator({
      keysDir: pki.dir,
      person: t.person,
      tls: false,
      port: 0,
      allowedOrigins: ['https://portal.example.kz'],
    });
    const from = (origin: string) =>
      class extends WebSocket {
        constructor(url: string) {
          super(url, { origin });
        }
      };
    const allowed = new NCALayerClient({ url: emulator.url, WebSocket: from('https://portal.example.kz') });
    const other = new NCALayerClient({
      url: emulator.url,
      WebSocket: from('https://evil.example'),
      reconnectAttempts: 0,
    });
    try {
      expect((await allowed.connect()).version).toBe('1.4');
      const e = await other.connect().then(
        () => undefined,
        (x: unknown) => x,
      );
      expect(isNCALayerError(e, 'ERR_NCALAYER_UNAVAILABLE')).toBe(true);
    } finally {
      allowed.close();
      other.close();
      await emulator.close();
    }
  });
});
