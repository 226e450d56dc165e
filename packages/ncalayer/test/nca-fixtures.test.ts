/**
 * The emulator with the NCA's own test key files (read where they are, never copied): the
 * GOST-2015 key of the TEST-2022 CA signs CMS and XML that verify to the NCA's test root, and
 * serves to log in as well (one key for both, its certificate without clientAuth); the
 * 2018 RSA and GOST 34.310-2004 keys (issued by the production NCA, expired in 2019) are refused
 * unless `allowExpired`, and then verify at a time of their validity; keys of configured
 * production CAs are admitted without `chain`. Skipped, saying why, where the fixtures are absent.
 */
import { dirname } from 'node:path';
import { toDer } from '@kzpki/pki';
import { hasNcaFixtures, NCA_TEST_PASSWORD, ncaFixturePath, readNcaFixture } from '@kzpki/test-fixtures';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { NCALayerClient } from '../src/client.js';
import type { EmulatorEvent } from '../src/emulator/handlers.js';
import { type PersonScript, scriptedPerson } from '../src/emulator/person.js';
import { type NCALayerEmulator, startEmulator } from '../src/emulator/server.js';
import { isNCALayerError } from '../src/errors.js';
import { hasOpenssl, opensslVerifyCms, verifyCmsWith, xmlCryptoVerify } from './support/verify.js';

const present = hasNcaFixtures();
const GOST512 = 'GOST512_ec425659bd2fc6dc587b871aede1857727cf8451.p12';
const RSA_SIGN = 'RSA256_8426360556902ce4ac33977836f873e1dc190976.p12';
const RSA_AUTH = 'AUTH_RSA256_6b361b864c679601b652fe387f61fcd9303c0327.p12';
const GOST2004 = 'GOSTKNCA_f8a422238209b6e753116431b69b09178f14e9d7.p12';
const IN_2019 = new Date('2019-03-01T00:00:00Z');

describe.skipIf(!present)('the emulator with the NCA test key files', () => {
  const cert = (p: string) => toDer(readNcaFixture(p));
  let emulator: NCALayerEmulator;
  let production: NCALayerEmulator;
  let script: PersonScript = { password: NCA_TEST_PASSWORD };
  const events: EmulatorEvent[] = [];
  const clients: NCALayerClient[] = [];
  const client = (url: string) => {
    const c = new NCALayerClient({ url, WebSocket });
    clients.push(c);
    return c;
  };
  const person = {
    choose: (p: Parameters<ReturnType<typeof scriptedPerson>['choose']>[0]) =>
      scriptedPerson(script).choose(p),
    retryPassword: async () => undefined,
  };
  const text = 'NCA fixtures / НУЦ';

  beforeAll(async () => {
    const keysDir = dirname(ncaFixturePath(`p12/${GOST512}`));
    emulator = await startEmulator({ keysDir, person, tls: false, port: 0, onEvent: (e) => events.push(e) });
    production = await startEmulator({
      keysDir,
      person,
      tls: false,
      port: 0,
      // As if these were today's production CAs: the 2018 production NCA certificates.
      productionCas: [cert('ca-prod-2015-2018/nca_rsa.crt'), cert('ca-prod-2015-2018/nca_gost.crt')],
    });
  });
  afterAll(async () => {
    for (const c of clients) c.close();
    await emulator?.close();
    await production?.close();
  });

  it('GOST512 (TEST 2022 CA): a CMS that verifies to the NCA GOST test root', async () => {
    script = { password: NCA_TEST_PASSWORD, key: GOST512 };
    const cms = await client(emulator.url).signCms({ data: text, allowTestKeys: true, iin: '123456789011' });
    const report = await verifyCmsWith(cms.der, [
      cert('ca-test/root_test_gost_2022.cer'),
      cert('ca-test/nca_gost2022_test.cer'),
    ]);
    expect(report.valid).toBe(true);
    expect(report.signers[0]?.certificate).toMatchObject({
      iin: '123456789011',
      keyAlgorithm: 'GOST-2015-512',
    });
  });

  it("GOST512: the NCA's one GOST-2015 key (emailProtection, no clientAuth) logs in too: authenticate and AUTHENTICATION", async () => {
    script = { password: NCA_TEST_PASSWORD, key: GOST512 };
    const c = client(emulator.url);
    const anchors = [cert('ca-test/root_test_gost_2022.cer'), cert('ca-test/nca_gost2022_test.cer')];
    const login = await c.authenticate({ challenge: 'nonce-gost', allowTestKeys: true });
    expect((await verifyCmsWith(login.der, anchors)).valid).toBe(true);
    const cms = await c.commonUtils.createCAdESFromBase64('PKCS12', new TextEncoder().encode(text), {
      keyType: 'AUTHENTICATION',
      attach: true,
    });
    expect((await verifyCmsWith(cms.der, anchors)).signers[0]?.certificate?.keyPurpose).toBe('auth+sign');
  });

  it('GOST512: XMLDSig with the KZ GOST-2015 URIs', async () => {
    script = { password: NCA_TEST_PASSWORD, key: GOST512 };
    const xml = await client(emulator.url).commonUtils.signXml('PKCS12', '<a>НУЦ</a>');
    expect(xml).toContain('gostr34102015-gostr34112015-512');
    expect(xmlCryptoVerify(xml)).toBe(true);
  });

  it('the expired 2018 RSA SIGN key: refused, then signed with allowExpired and verified in 2019 (OpenSSL too)', async () => {
    script = { password: NCA_TEST_PASSWORD, key: RSA_SIGN };
    const c = client(emulator.url);
    let error: unknown;
    try {
      await c.signCms({ data: text, allowTestKeys: true });
    } catch (e) {
      error = e;
    }
    expect(isNCALayerError(error, 'ERR_NO_KEY')).toBe(true);
    expect((error as Error).message).toContain('not valid now');
    const cms = await c.signCms({ data: text, allowTestKeys: true, allowExpired: true });
    const anchors = [cert('ca-prod-2015-2018/root_rsa.crt'), cert('ca-prod-2015-2018/nca_rsa.crt')];
    expect((await verifyCmsWith(cms.der, anchors, { at: IN_2019 })).valid).toBe(true);
    expect((await verifyCmsWith(cms.der, anchors)).valid).toBe(false); // expired now
    if (hasOpenssl()) {
      const o = opensslVerifyCms(cms.der, anchors, undefined, { attime: IN_2019 });
      expect(o.ok, o.output).toBe(true);
    }
  });

  it('the GOST 34.310-2004 key of a first manager: CMS with GOST R 34.11-94, verified in 2019', async () => {
    script = { password: NCA_TEST_PASSWORD, key: GOST2004 };
    const cms = await client(emulator.url).signWithFirstManagerKey({
      bin: '123456789021',
      data: text,
      allowTestKeys: true,
      allowExpired: true,
    });
    const report = await verifyCmsWith(
      cms.der,
      [cert('ca-prod-2015-2018/root_gost.crt'), cert('ca-prod-2015-2018/nca_gost.crt')],
      { at: IN_2019 },
    );
    expect(report.valid).toBe(true);
    expect(report.signers[0]?.signatureAlgorithm.oid).toBe('1.2.398.3.10.1.1.1.2');
    expect(report.signers[0]?.certificate?.roles).toContain('first-manager');
  });

  it('production CAs configured: their keys pass without chain, test-CA keys do not', async () => {
    script = { password: NCA_TEST_PASSWORD, key: RSA_AUTH };
    const c = client(production.url);
    const cms = await c.authenticate({ challenge: 'nonce-1', allowExpired: true });
    expect(
      (await verifyCmsWith(cms.der, [cert('ca-prod-2015-2018/nca_rsa.crt')], { at: IN_2019 })).valid,
    ).toBe(true);
    script = { password: NCA_TEST_PASSWORD, key: GOST512 };
    let error: unknown;
    try {
      await c.signCms({ data: text });
    } catch (e) {
      error = e;
    }
    expect(isNCALayerError(error, 'ERR_NO_KEY')).toBe(true);
  });

  it('legacy getKeys on the AUTH file: the alias is the file’s SKI; a wrong password is WRONG_PASSWORD', async () => {
    const c = client(emulator.url);
    const path = ncaFixturePath(`p12/${RSA_AUTH}`);
    const keys = await c.legacy.getKeys('PKCS12', path, NCA_TEST_PASSWORD, 'AUTH');
    expect(keys.map((k) => k.alias)).toEqual(['6b361b864c679601b652fe387f61fcd9303c0327']);
    let error: unknown;
    try {
      await c.legacy.getKeys('PKCS12', path, 'Qwerty13', 'AUTH');
    } catch (e) {
      error = e;
    }
    expect(isNCALayerError(error, 'ERR_WRONG_PASSWORD')).toBe(true);
    expect(events.some((e) => e.type === 'wrong-password' && e.file === RSA_AUTH)).toBe(true);
  });
});
