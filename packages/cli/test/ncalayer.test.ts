/**
 * `kzpki ncalayer`: usage errors (exit 2) in-process; `--print-cert`; and the real binary as a
 * child process, driven over its WebSocket by `@kzpki/ncalayer`'s client, signing with a key file
 * made here, stopped with SIGTERM (exit 0).
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { NCALayerClient } from '@kzpki/ncalayer';
import {
  buildNcaSubject,
  createPkcs12,
  GostPrivateKey,
  generateKeyPair,
  gostTemplateProfile,
  inspectCertificate,
  issueCertificate,
  ncaKeyFileName,
  parseCms,
  rootCaProfile,
  templateProfile,
  verifyCms,
} from '@kzpki/pki';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { run } from './io.js';

const packageDir = fileURLToPath(new URL('..', import.meta.url));
const bin = fileURLToPath(new URL('../bin/kzpki.js', import.meta.url));
const IIN = '871008401427';
const MANAGER_IIN = '061211600012';
const BIN = '940140000385';
const PASSWORD = 'Qwerty12';

let keys: string;
let root: Uint8Array;
let config: string;
/** A legal entity's folder: one GOST-2015-512 key file of a first manager. */
let gostKeys: string;
let gostRoot: Uint8Array;
let gostFile: string;

beforeAll(async () => {
  keys = mkdtempSync(join(tmpdir(), 'kzpki-cli-ncalayer-keys-'));
  config = mkdtempSync(join(tmpdir(), 'kzpki-cli-ncalayer-config-'));
  const [rootKeys, eeKeys] = await Promise.all([generateKeyPair('RSA-2048'), generateKeyPair('RSA-2048')]);
  const rootCert = await issueCertificate({
    publicKey: rootKeys.publicKey,
    subject: [{ type: '2.5.4.3', value: 'KZPKI CLI TEST ROOT' }],
    profile: rootCaProfile(),
    issuerKey: rootKeys.privateKey,
  });
  root = rootCert.der;
  const ee = await issueCertificate({
    publicKey: eeKeys.publicKey,
    subject: buildNcaSubject({ surname: 'Тестов', givenName: 'Тест', iin: IIN, template: 'individual' }),
    profile: templateProfile('individual', 'sign'),
    issuer: root,
    issuerKey: rootKeys.privateKey,
    keyIdMethod: 'spki-sha1',
  });
  const p12 = await createPkcs12({ privateKey: eeKeys.privateKey, certificate: ee.der, password: PASSWORD });
  writeFileSync(join(keys, ncaKeyFileName(ee.der)), p12, { mode: 0o600 });

  gostKeys = mkdtempSync(join(tmpdir(), 'kzpki-cli-ncalayer-gost-'));
  const gostRootKey = GostPrivateKey.generate('gost2015-512');
  gostRoot = (
    await issueCertificate({
      publicKey: gostRootKey.publicKeyInfo,
      subject: [{ type: '2.5.4.3', value: 'KZPKI CLI TEST ROOT (GOST)' }],
      profile: rootCaProfile(),
      issuerKey: gostRootKey,
    })
  ).der;
  const managerKey = GostPrivateKey.generate('gost2015-512');
  const manager = await issueCertificate({
    publicKey: managerKey.publicKeyInfo,
    subject: buildNcaSubject({
      surname: 'Тестова',
      givenName: 'Тест',
      iin: MANAGER_IIN,
      bin: BIN,
      organization: 'АО "ТЕСТ"',
      template: 'first-manager',
    }),
    profile: gostTemplateProfile('first-manager'),
    issuer: gostRoot,
    issuerKey: gostRootKey,
  });
  gostFile = ncaKeyFileName(manager.der);
  writeFileSync(
    join(gostKeys, gostFile),
    await createPkcs12({ privateKey: managerKey, certificate: manager.der, password: PASSWORD }),
    { mode: 0o600 },
  );
});

afterAll(() => {
  rmSync(keys, { recursive: true, force: true });
  rmSync(gostKeys, { recursive: true, force: true });
  rmSync(config, { recursive: true, force: true });
});

describe('kzpki ncalayer: usage errors exit 2 before anything starts', () => {
  it.each([
    [['ncalayer'], '--keys DIR is required'],
    [['ncalayer', '--keys', '/nonexistent/kzpki'], 'is not a folder'],
    [['ncalayer', '--keys', '.', '--ca', '/nonexistent/kzpki-ca'], '/nonexistent/kzpki-ca is not a folder'],
    [['ncalayer', '--keys', '.', '--user', 'maybe'], "argument 'maybe' is invalid"],
    [['ncalayer', '--keys', '.', '--port', '70000'], 'expected a whole number from 0 to 65535'],
    [['ncalayer', '--keys', '.', '--iin', '123'], 'expected 12 digits'],
    [['ncalayer', '--keys', '.', '--role', 'boss'], 'expected a role OID or one of'],
    [['ncalayer', '--keys', '.', '--origin', 'not a url'], 'expected a page origin'],
    [['ncalayer', '--keys', '.', '--tsa', 'ftp://x'], 'expected an http(s) URL'],
    [
      ['ncalayer', '--keys', '.', '--password', 'x', '--key', 'a.p12', '--iin', IIN],
      'one of --key, --iin or --role',
    ],
    [['ncalayer', '--keys', '.', '--user', 'approve'], 'needs --password'],
  ])('%j', async (args, message) => {
    const r = await run(args as string[]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(message);
    expect(r.stdout).toBe('');
  });
});

describe('kzpki ncalayer --print-cert', () => {
  it('prints the local CA (made 0600/0700 in the config folder) and how to trust it', async () => {
    const before = process.env.KZPKI_CONFIG_DIR;
    process.env.KZPKI_CONFIG_DIR = config;
    try {
      const r = await run(['ncalayer', '--print-cert']);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/^-----BEGIN CERTIFICATE-----\n[\s\S]+-----END CERTIFICATE-----\n$/);
      expect(inspectCertificate(r.stdout)).toMatchObject({ isCa: true });
      expect(r.stderr).toContain(join(config, 'ncalayer', 'ca.pem'));
      expect(r.stderr).toContain('certutil');
      if (process.platform !== 'win32')
        expect(statSync(join(config, 'ncalayer', 'server-key.pem')).mode & 0o777).toBe(0o600);
      const again = await run(['ncalayer', '--print-cert']);
      expect(again.stdout).toBe(r.stdout);
    } finally {
      if (before === undefined) delete process.env.KZPKI_CONFIG_DIR;
      else process.env.KZPKI_CONFIG_DIR = before;
    }
  });
});

describe('the kzpki binary runs the emulator', () => {
  let child: ChildProcess | undefined;
  beforeAll(() => {
    const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
    execFileSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: packageDir, stdio: 'pipe' });
  }, 120_000);
  afterAll(() => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
  });

  /** `kzpki ncalayer ARGS` as a child process; its URL once it listens, and how to stop it. */
  async function startBinary(args: string[]) {
    const proc = spawn(process.execPath, [bin, 'ncalayer', '--no-tls', '--port', '0', ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child = proc;
    let stdout = '';
    let stderr = '';
    proc.stderr?.on('data', (d: Buffer) => {
      stderr += d.toString('utf8');
    });
    const url = await new Promise<string>((resolve, reject) => {
      proc.stdout?.on('data', (d: Buffer) => {
        stdout += d.toString('utf8');
        const m = /NCALayer emulator on (ws:\/\/127\.0\.0\.1:\d+)/.exec(stdout);
        if (m) resolve(m[1] as string);
      });
      proc.once('exit', (code) => reject(new Error(`exited ${code}: ${stderr}`)));
    });
    return {
      url,
      stdout: () => stdout,
      stderr: () => stderr,
      /** SIGTERM; the exit code. */
      stop(): Promise<number | null> {
        const exit = new Promise<number | null>((r) => proc.once('exit', (code) => r(code)));
        proc.kill('SIGTERM');
        return exit;
      },
    };
  }

  it('signs through the client, logs it, and stops on SIGTERM with exit code 0', async () => {
    const emulator = await startBinary(['--keys', keys, '--password', PASSWORD, '--iin', IIN]);
    const { url } = emulator;
    const stdout = emulator.stdout();
    expect(stdout).toContain('person: scripted: approve, IIN 871008401427');
    expect(stdout).toContain("CA certificates: each key file's nearest ca/ folder (--ca DIR)");
    const client = new NCALayerClient({ url, WebSocket });
    try {
      const cms = await client.signCms({ data: 'через CLI', allowTestKeys: true });
      const report = await verifyCms(cms.der, { trustAnchors: [root], revocation: false });
      expect(report.valid).toBe(true);
      expect(new TextDecoder().decode(parseCms(cms.der).content)).toBe('через CLI');
    } finally {
      client.close();
    }
    expect(await emulator.stop()).toBe(0);
    const stderr = emulator.stderr();
    expect(stderr).toMatch(/request kz\.gov\.pki\.knca\.basics\.sign/);
    expect(stderr).toMatch(/signed 1 CMS with RSA256_[0-9a-f]{40}\.p12/);
    expect(stderr).toContain('stopped (SIGTERM)');
    expect(stderr).toContain('restrict with --origin');
  });
  it('a legal entity folder with one GOST512 key (--role first-manager): the key logs in and signs', async () => {
    const emulator = await startBinary([
      '--keys',
      gostKeys,
      '--password',
      PASSWORD,
      '--role',
      'first-manager',
    ]);
    const client = new NCALayerClient({ url: emulator.url, WebSocket });
    try {
      // The AUTH preset (clientAuth) finds the GOST-2015 key, whose certificate lists emailProtection only.
      const login = await client.authenticate({ challenge: 'nonce:cli', allowTestKeys: true });
      const first = await verifyCms(login.der, { trustAnchors: [gostRoot], revocation: false });
      expect(first.valid, JSON.stringify(first)).toBe(true);
      expect(first.signers[0]?.certificate?.iin).toBe(MANAGER_IIN);
      const approval = await client.signWithFirstManagerKey({
        bin: BIN,
        data: 'решение',
        allowTestKeys: true,
      });
      expect((await verifyCms(approval.der, { trustAnchors: [gostRoot], revocation: false })).valid).toBe(
        true,
      );
    } finally {
      client.close();
    }
    expect(await emulator.stop()).toBe(0);
    const signed = emulator.stderr().match(/signed 1 CMS with GOST512_[0-9a-f]{40}\.p12/g) ?? [];
    expect(signed).toEqual([`signed 1 CMS with ${gostFile}`, `signed 1 CMS with ${gostFile}`]);
  });
});
