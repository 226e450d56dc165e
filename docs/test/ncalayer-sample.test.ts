/**
 * The NCALayer sample site (docs/samples/ncalayer-sign) works as its README says: it serves the
 * page and the @kzpki/ncalayer client bundled for browsers (without the emulator or `ws`), and a
 * signature made through that very bundle by the NCALayer emulator verifies on its server (attached
 * and detached; a tampered document does not).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type NCALayerEmulator, scriptedPerson, startEmulator } from '@kzpki/ncalayer/emulator';
import {
  buildNcaSubject,
  createPkcs12,
  generateKeyPair,
  issueCertificate,
  ncaKeyFileName,
  rootCaProfile,
  templateProfile,
} from '@kzpki/pki';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
// @ts-expect-error: a plain ES module without types (the sample is JavaScript, as a site would have it)
import { startSampleServer } from '../samples/ncalayer-sign/server.mjs';

const IIN = '871008401427';
let dir: string;
let emulator: NCALayerEmulator;
let site: { url: string; close(): Promise<void> };
let bundle: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'kzpki-ncalayer-sample-'));
  const keys = join(dir, 'keys');
  const [rootKeys, eeKeys] = await Promise.all([generateKeyPair('RSA-2048'), generateKeyPair('RSA-2048')]);
  const root = await issueCertificate({
    publicKey: rootKeys.publicKey,
    subject: [{ type: '2.5.4.3', value: 'KZPKI SAMPLE ROOT' }],
    profile: rootCaProfile(),
    issuerKey: rootKeys.privateKey,
  });
  const ee = await issueCertificate({
    publicKey: eeKeys.publicKey,
    subject: buildNcaSubject({ surname: 'Тестов', givenName: 'Тест', iin: IIN, template: 'individual' }),
    profile: templateProfile('individual', 'sign'),
    issuer: root.der,
    issuerKey: rootKeys.privateKey,
  });
  const p12 = await createPkcs12({
    privateKey: eeKeys.privateKey,
    certificate: ee.der,
    password: 'Qwerty12',
  });
  mkdirSync(keys);
  writeFileSync(join(keys, ncaKeyFileName(ee.der)), p12);
  emulator = await startEmulator({
    keysDir: keys,
    person: scriptedPerson({ password: 'Qwerty12' }),
    tls: false,
    port: 0,
  });
  site = await startSampleServer({ port: 0, trustAnchors: [root.der], revocation: false });
  bundle = await (await fetch(`${site.url}/ncalayer.js`)).text();
}, 120_000);

afterAll(async () => {
  await site?.close();
  await emulator?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('the NCALayer sample site', () => {
  it('serves the page, its script and styles', async () => {
    const page = await (await fetch(site.url)).text();
    expect(page).toContain('<button id="sign" type="button">Sign with NCALayer</button>');
    expect(page).toContain('connect-src');
    for (const path of ['/app.js', '/style.css'])
      expect((await fetch(`${site.url}${path}`)).status).toBe(200);
    expect((await fetch(`${site.url}/../package.json`)).status).toBe(404);
  });

  it('bundles the client for browsers without the emulator, ws or xml-crypto', () => {
    expect(bundle).toContain('wss://127.0.0.1:13579');
    expect(bundle).not.toMatch(/WebSocketServer|xml-crypto|SignedXml|from\s*"node:|require\("/);
    expect(bundle.length).toBeLessThan(200_000);
  });

  it('a signature made through the bundled client verifies on the server; a tampered document does not', async () => {
    const file = join(dir, 'ncalayer.mjs');
    writeFileSync(file, bundle);
    const { NCALayerClient } = (await import(pathToFileURL(file).href)) as typeof import('@kzpki/ncalayer');
    const client = new NCALayerClient({ url: emulator.url, WebSocket });
    try {
      const data = 'Заявление №42';
      const attached = await client.signCms({ data, allowTestKeys: true });
      const post = (body: unknown) =>
        fetch(`${site.url}/api/verify`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body),
        }).then(
          (r) => r.json() as Promise<{ valid: boolean; via: string; signers: Array<{ iin?: string }> }>,
        );
      const report = await post({ cms: attached.base64 });
      expect(report).toMatchObject({ valid: true, via: 'verifyCms' });
      expect(report.signers[0]?.iin).toBe(IIN);
      const detached = await client.signCms({ data, detached: true, allowTestKeys: true });
      expect((await post({ cms: detached.base64, content: data })).valid).toBe(true);
      expect((await post({ cms: detached.base64, content: `${data}!` })).valid).toBe(false);
    } finally {
      client.close();
    }
  });
});
