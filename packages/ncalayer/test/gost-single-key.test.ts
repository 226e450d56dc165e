/**
 * A legal entity's one GOST-2015 key (`GOST512_<ski>.p12`, certificate of the NCA's GOST-2015
 * generation: policy 1.2.398.3.3.2, extKeyUsage emailProtection + roles, no clientAuth) serves
 * both to log in and to sign, in every protocol generation: `basics.sign` with the AUTH preset
 * (`authenticate`, clientAuth) and the first-manager preset, `commonUtils` with `AUTHENTICATION`
 * and `SIGNATURE`, legacy `getKeys` with `AUTH` and `SIGN`. A role the certificate lacks still
 * refuses it. Signatures are checked with `verifyCms` / `verifySignature`.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  buildNcaSubject,
  certificatePublicKeyInfo,
  createPkcs12,
  GostPrivateKey,
  gostTemplateProfile,
  type IssuedCertificate,
  inspectCertificate,
  issueCertificate,
  NCA_OIDS,
  ncaKeyFileName,
  rootCaProfile,
  verifySignature,
} from '@kzpki/pki';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { NCALayerClient } from '../src/client.js';
import type { EmulatorEvent } from '../src/emulator/handlers.js';
import { keyPurposes } from '../src/emulator/keys.js';
import { scriptedPerson } from '../src/emulator/person.js';
import { type NCALayerEmulator, startEmulator } from '../src/emulator/server.js';
import { isNCALayerError } from '../src/errors.js';
import { verifyCmsWith } from './support/verify.js';

const PASSWORD = 'Qwerty12';
const IIN = '061211600012';
const BIN = '940140000385';

let dir: string;
let root: IssuedCertificate;
let certificate: IssuedCertificate;
let fileName: string;
let emulator: NCALayerEmulator;
let client: NCALayerClient;
const events: EmulatorEvent[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'kzpki-ncalayer-gost-'));
  const rootKey = GostPrivateKey.generate('gost2015-512');
  root = await issueCertificate({
    publicKey: rootKey.publicKeyInfo,
    subject: [
      { type: '2.5.4.6', value: 'KZ', encoding: 'printable' },
      { type: '2.5.4.3', value: 'KZPKI NCALAYER TEST ROOT (GOST)' },
    ],
    profile: rootCaProfile(),
    issuerKey: rootKey,
  });
  const key = GostPrivateKey.generate('gost2015-512');
  certificate = await issueCertificate({
    publicKey: key.publicKeyInfo,
    subject: buildNcaSubject({
      surname: 'Тестова',
      givenName: 'Тест',
      iin: IIN,
      bin: BIN,
      organization: 'АО "ТЕСТ"',
      template: 'first-manager',
    }),
    profile: gostTemplateProfile('first-manager'),
    issuer: root.der,
    issuerKey: rootKey,
  });
  fileName = ncaKeyFileName(certificate.der);
  const p12 = await createPkcs12({
    privateKey: key,
    certificate: certificate.der,
    chain: [root.der],
    password: PASSWORD,
    format: 'legacy',
  });
  writeFileSync(join(dir, fileName), p12, { mode: 0o600 });
  emulator = await startEmulator({
    keysDir: dir,
    person: scriptedPerson({ password: PASSWORD }),
    tls: false,
    port: 0,
    onEvent: (e) => events.push(e),
  });
  client = new NCALayerClient({ url: emulator.url, WebSocket });
});

afterAll(async () => {
  client?.close();
  await emulator?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const signedBy = () =>
  events.filter((e): e is Extract<EmulatorEvent, { type: 'signed' }> => e.type === 'signed').at(-1)?.file;

describe('a GOST-2015 key is both AUTH and SIGN', () => {
  it('the certificate is of the single-key generation: emailProtection, no clientAuth', () => {
    const info = inspectCertificate(certificate.der);
    expect(fileName).toMatch(/^GOST512_[0-9a-f]{40}\.p12$/);
    expect(info.keyPurpose).toBe('auth+sign');
    expect(info.extKeyUsage).toContain(NCA_OIDS.eku.emailProtection);
    expect(info.extKeyUsage).not.toContain(NCA_OIDS.eku.clientAuth);
    expect(keyPurposes(info)).toEqual(['sign', 'auth']);
  });

  it('basics.sign: the AUTH preset (clientAuth) and the first-manager SIGN preset pick it', async () => {
    const login = await client.authenticate({ challenge: 'nonce:4f1c', allowTestKeys: true });
    expect(signedBy()).toBe(fileName);
    const report = await verifyCmsWith(login.der, [root.der]);
    expect(report.valid, JSON.stringify(report)).toBe(true);
    expect(report.signers[0]?.certificate?.iin).toBe(IIN);

    const approval = await client.signWithFirstManagerKey({
      bin: BIN,
      data: 'Заявка 00000000000042: подтверждаю',
      allowTestKeys: true,
    });
    expect(signedBy()).toBe(fileName);
    expect((await verifyCmsWith(approval.der, [root.der])).valid).toBe(true);
  });

  it('basics.sign: a role the certificate lacks still refuses it', async () => {
    const e = await client.signCms({ data: 'x', roles: [NCA_OIDS.role.employee], allowTestKeys: true }).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(isNCALayerError(e, 'ERR_NO_KEY')).toBe(true);
    const refused = events.filter((ev) => ev.type === 'refused').at(-1);
    expect(refused).toMatchObject({ file: fileName });
    expect(JSON.stringify(refused)).toContain(NCA_OIDS.role.employee);
  });

  it('commonUtils: AUTHENTICATION and SIGNATURE both sign with it', async () => {
    const data = new TextEncoder().encode('challenge');
    for (const keyType of ['AUTHENTICATION', 'SIGNATURE'] as const) {
      const cms = await client.commonUtils.createCAdESFromBase64('PKCS12', data, { keyType, attach: true });
      expect(signedBy()).toBe(fileName);
      expect((await verifyCmsWith(cms.der, [root.der])).valid).toBe(true);
    }
  });

  it('legacy: getKeys lists it for AUTH and for SIGN; signPlainData signs with it', async () => {
    const path = join(dir, fileName);
    for (const type of ['AUTH', 'SIGN'] as const) {
      const [entry, ...rest] = await client.legacy.getKeys('PKCS12', path, PASSWORD, type);
      expect(rest).toHaveLength(0);
      expect(entry?.alias).toBe(certificate.subjectKeyId);
    }
    const text = 'kzpki: login challenge';
    const signature = await client.legacy.signPlainData(
      'PKCS12',
      path,
      certificate.subjectKeyId as string,
      PASSWORD,
      text,
    );
    expect(
      await verifySignature({
        data: new TextEncoder().encode(text),
        signature: Uint8Array.from(Buffer.from(signature, 'base64')),
        algorithm: '1.2.398.3.10.1.1.2.3.2',
        publicKeyInfo: certificatePublicKeyInfo(certificate.der),
      }),
    ).toBe(true);
  });
});
