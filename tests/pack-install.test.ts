/**
 * The SDK installs and runs for a stranger. Every package that is not private is packed exactly
 * as it would be published (`pnpm pack`, which rewrites `workspace:*` to versions), checked with
 * publint and Are the Types Wrong (ESM-only profile), and installed from the tarballs alone with
 * plain `npm install` into an empty project (the npm registry supplies only third-party
 * dependencies and TypeScript). There, as a user would:
 *
 * - each package is imported from an `.mjs` file and does something real;
 * - a TypeScript file using each package typechecks under `moduleResolution` NodeNext and Bundler
 *   (with `skipLibCheck: false`, so our declaration files themselves compile), and a deliberate
 *   type error is caught, so the types are not `any`;
 * - `npx kzpki --help` and `npx kzpki iin check 850315300128` exit 0, and `npx kzpki start` exits
 *   2 saying it runs from a kzpki checkout.
 *
 * The packages must be built first: turbo runs this package's tests after `^build`.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { checkPackage, createPackageFromTarballData } from '@arethetypeswrong/core';
import { publint } from 'publint';
import { formatMessage } from 'publint/utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..');
const PNPM = 'pnpm@10.34.9';

interface Manifest {
  name: string;
  version: string;
  private?: boolean;
  bin?: Record<string, string>;
  exports?: Record<string, unknown>;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
}

/** The packages a stranger can install: every `packages/*` that is not private. */
const PUBLIC = readdirSync(join(ROOT, 'packages'))
  .map((name) => join(ROOT, 'packages', name))
  .filter((dir) => existsSync(join(dir, 'package.json')))
  .map((dir) => ({ dir, manifest: JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Manifest }))
  .filter((p) => p.manifest.private !== true);

const run = promisify(execFile);

/** Runs a command; resolves with its exit code and output (never rejects on a non-zero exit). */
async function exec(
  command: string,
  args: string[],
  cwd: string,
): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(command, args, {
      cwd,
      env: { ...process.env, NO_COLOR: '1', npm_config_update_notifier: 'false', npm_config_fund: 'false' },
      maxBuffer: 64 * 1024 * 1024,
      timeout: 480_000,
    });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code?: unknown; stdout?: string; stderr?: string; message: string };
    return {
      code: typeof err.code === 'number' ? err.code : -1,
      stdout: err.stdout ?? '',
      stderr: err.stderr ?? err.message,
    };
  }
}

/** `exec`, failing the test with the output when the exit code is not 0. */
async function ok(command: string, args: string[], cwd: string): Promise<string> {
  const r = await exec(command, args, cwd);
  if (r.code !== 0)
    throw new Error(`${command} ${args.join(' ')} (in ${cwd}) exited ${r.code}:\n${r.stderr}`);
  return r.stdout;
}

const work = join(tmpdir(), `kzpki-pack-install-${process.pid}`);
const packs = join(work, 'tarballs');
const project = join(work, 'project');
/** Tarball path by package name. */
const tarballs = new Map<string, string>();

beforeAll(async () => {
  rmSync(work, { recursive: true, force: true });
  mkdirSync(packs, { recursive: true });
  mkdirSync(project, { recursive: true });
  for (const { dir, manifest } of PUBLIC) {
    const before = new Set(readdirSync(packs));
    await ok('npx', ['-y', PNPM, 'pack', '--pack-destination', packs], dir);
    const made = readdirSync(packs).filter((f) => !before.has(f) && f.endsWith('.tgz'));
    expect(made, `pnpm pack of ${manifest.name}`).toHaveLength(1);
    tarballs.set(manifest.name, join(packs, made[0] as string));
  }
  const typescript = JSON.parse(
    readFileSync(join(ROOT, 'node_modules', 'typescript', 'package.json'), 'utf8'),
  ) as Manifest;
  await ok('npm', ['init', '-y'], project);
  await ok(
    'npm',
    [
      'install',
      '--no-audit',
      '--no-fund',
      '--prefer-offline',
      ...tarballs.values(),
      `typescript@${typescript.version}`,
      '@types/node@^20.19.0',
    ],
    project,
  );
}, 900_000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

/** The files of a tarball (`tar -tzf`), without the leading `package/`. */
async function filesOf(tarball: string): Promise<string[]> {
  return (await ok('tar', ['-tzf', tarball], work))
    .split('\n')
    .filter(Boolean)
    .map((f) => f.replace(/^package\//, ''));
}

describe('the published packages', { timeout: 480_000 }, () => {
  it('are the SDK: iin, password-policy, pki, client, cli and ncalayer, depending only on published packages', () => {
    expect(PUBLIC.map((p) => p.manifest.name).sort()).toEqual(
      expect.arrayContaining([
        '@kzpki/cli',
        '@kzpki/client',
        '@kzpki/iin',
        '@kzpki/ncalayer',
        '@kzpki/password-policy',
        '@kzpki/pki',
      ]),
    );
    const published = PUBLIC.map((p) => p.manifest.name);
    for (const { manifest } of PUBLIC) {
      const runtime = {
        ...manifest.dependencies,
        ...manifest.peerDependencies,
        ...manifest.optionalDependencies,
      };
      expect(
        Object.keys(runtime).filter((d) => d.startsWith('@kzpki/') && !published.includes(d)),
        `${manifest.name} needs an unpublished package`,
      ).toEqual([]);
    }
  });

  it('pack to tarballs with LICENSE, README, built code and types, and no workspace: ranges', async () => {
    const license = readFileSync(join(ROOT, 'LICENSE'), 'utf8');
    for (const { manifest } of PUBLIC) {
      const tarball = tarballs.get(manifest.name) as string;
      const files = await filesOf(tarball);
      expect(files, manifest.name).toEqual(
        expect.arrayContaining(['LICENSE', 'README.md', 'package.json', 'dist/index.js', 'dist/index.d.ts']),
      );
      expect(
        files.filter((f) => /(^|\/)test\//.test(f) || f.endsWith('.test.ts')),
        manifest.name,
      ).toEqual([]);
      expect(await ok('tar', ['-xzOf', tarball, 'package/LICENSE'], work)).toBe(license);
      const packed = JSON.parse(
        await ok('tar', ['-xzOf', tarball, 'package/package.json'], work),
      ) as Manifest;
      expect(JSON.stringify(packed), manifest.name).not.toContain('workspace:');
      for (const [dep, range] of Object.entries(packed.dependencies ?? {})) {
        if (dep.startsWith('@kzpki/')) expect(range).toBe(manifest.version);
      }
    }
  });

  it('pass publint (suggestions included, strict)', async () => {
    for (const { manifest } of PUBLIC) {
      const data = readFileSync(tarballs.get(manifest.name) as string);
      const tarball = data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) as ArrayBuffer;
      const result = await publint({ pack: { tarball }, level: 'suggestion', strict: true });
      expect(
        result.messages.map((m) => `${m.type} ${m.code}: ${formatMessage(m, result.pkg) ?? ''}`),
        manifest.name,
      ).toEqual([]);
    }
  });

  it('have no type problems for ESM consumers (Are the Types Wrong, esm-only profile)', async () => {
    for (const { manifest } of PUBLIC) {
      const pkg = createPackageFromTarballData(
        new Uint8Array(readFileSync(tarballs.get(manifest.name) as string)),
      );
      const result = await checkPackage(pkg);
      expect(result.types, `${manifest.name} ships types`).not.toBe(false);
      if (result.types === false) continue;
      // The esm-only profile: CommonJS consumers (node10, node16-cjs) are out of scope by design.
      const problems = result.problems.filter(
        (p) => !('resolutionKind' in p) || !['node10', 'node16-cjs'].includes(p.resolutionKind),
      );
      expect(problems, manifest.name).toEqual([]);
      expect(Object.keys(result.entrypoints).length, manifest.name).toBeGreaterThan(0);
    }
  });
});

describe('installed from the tarballs with npm into an empty project', { timeout: 480_000 }, () => {
  it('installs the packages from the tarballs, not from the registry', () => {
    for (const { manifest } of PUBLIC) {
      const installed = JSON.parse(
        readFileSync(join(project, 'node_modules', ...manifest.name.split('/'), 'package.json'), 'utf8'),
      ) as Manifest;
      expect(installed.version).toBe(manifest.version);
    }
    const lock = readFileSync(join(project, 'package-lock.json'), 'utf8');
    for (const name of tarballs.keys()) {
      expect(lock).toMatch(
        new RegExp(`"node_modules/${name}": \\{\\s*"version": "[^"]+",\\s*"resolved": "file:`),
      );
    }
  });

  it('imports every package as ESM and uses it', async () => {
    writeFileSync(
      join(project, 'smoke.mjs'),
      `import assert from 'node:assert/strict';
import { isValidIin, parseIin } from '@kzpki/iin';
import { checkPassword } from '@kzpki/password-policy';
import * as pki from '@kzpki/pki';
import { createCaClient, isKzpkiApiError } from '@kzpki/client';
import { main } from '@kzpki/cli';
import { table } from '@kzpki/cli/command-kit';
import { isNCALayerError, NCALayerClient, signerParamsOf } from '@kzpki/ncalayer';
import { scriptedPerson, startEmulator } from '@kzpki/ncalayer/emulator';
import { WebSocket } from 'ws';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

assert.equal(isValidIin('871008401427'), true);
assert.equal(isValidIin('871008401428'), false);
assert.equal(parseIin('871008401427').birthDate, '1987-10-08');

assert.equal(checkPassword('Qwerty12').ok, true);
assert.deepEqual(checkPassword('qwerty').violations.map((v) => v.code), ['ERR_NO_DIGIT']);

// A certificate made here, as PEM, read back.
const keys = await pki.generateKeyPair('ECDSA-P256');
const issued = await pki.issueCertificate({
  publicKey: keys.publicKey,
  subject: pki.buildNcaSubject({ surname: 'ТЕСТОВ', givenName: 'ТЕСТ', iin: '871008401427' }),
  profile: pki.templateProfile('individual', 'auth'),
  issuerKey: keys.privateKey,
});
assert.match(issued.pem, /^-----BEGIN CERTIFICATE-----/);
const parsed = pki.parseCertificate(issued.pem);
assert.equal(parsed.serialNumber.valueBlock.valueHexView.length > 0, true);
const info = pki.inspectCertificate(issued.pem);
assert.equal(info.iin, '871008401427');
assert.equal(info.template, 'individual');

// The client reports a service that is not there with its stable code.
const ca = createCaClient({ baseUrl: 'http://127.0.0.1:9' });
await assert.rejects(ca.GET('/v1/health'), (e) => isKzpkiApiError(e, 'ERR_NETWORK'));

// The CLI in-process.
let out = '';
const io = { stdout: (t) => { out += t; }, stderr: () => {}, readStdin: async () => '' };
assert.equal(await main(['node', 'kzpki', 'iin', 'check', '871008401427'], io), 0);
assert.match(out, /valid IIN/);
assert.match(table([['a', 'b']]), /a: +b/);

// NCALayer: the emulator (over an empty key folder) and the client, through ws on loopback.
assert.deepEqual(signerParamsOf({ purpose: 'auth', allowTestKeys: true }), { extKeyUsageOids: ['1.3.6.1.5.5.7.3.2'], chain: [] });
const emulator = await startEmulator({
  keysDir: mkdtempSync(join(tmpdir(), 'kzpki-smoke-keys-')),
  person: scriptedPerson({ password: 'Qwerty12' }),
  tls: false,
  port: 0,
});
const ncalayer = new NCALayerClient({ url: emulator.url, WebSocket });
assert.equal((await ncalayer.connect()).version, '1.4');
assert.deepEqual(await ncalayer.commonUtils.getActiveTokens(), []);
await assert.rejects(ncalayer.signCms({ data: 'x', allowTestKeys: true }), (e) => isNCALayerError(e, 'ERR_USER_CANCELLED'));
ncalayer.close();
await emulator.close();
console.log('smoke ok');
`,
    );
    expect((await ok(process.execPath, ['smoke.mjs'], project)).trim()).toBe('smoke ok');
  });

  it.each([
    ['NodeNext', { module: 'NodeNext', moduleResolution: 'NodeNext' }],
    ['Bundler', { module: 'ESNext', moduleResolution: 'Bundler' }],
  ])('typechecks a consumer under moduleResolution %s', async (name, resolution) => {
    writeFileSync(
      join(project, 'consumer.mts'),
      `import { type IinInfo, isValidIin, parseIin } from '@kzpki/iin';
import { checkPassword, type PasswordCheck } from '@kzpki/password-policy';
import { type CertificateInfo, inspectCertificate, TEMPLATES, type TemplateName } from '@kzpki/pki';
import { type CaClient, createCaClient, isKzpkiApiError } from '@kzpki/client';
import { type EnrollReport, main, type StackModule } from '@kzpki/cli';
import { type Context, guarded, integerIn } from '@kzpki/cli/command-kit';
import { NCALayerClient, type NCALayerErrorCode, type SignedCms } from '@kzpki/ncalayer';
import { type EmulatorOptions, scriptedPerson } from '@kzpki/ncalayer/emulator';

const valid: boolean = isValidIin('871008401427');
const iin: IinInfo = parseIin('871008401427');
const check: PasswordCheck = checkPassword('Qwerty12');
const names: TemplateName[] = Object.keys(TEMPLATES) as TemplateName[];
const read = (pem: string): CertificateInfo => inspectCertificate(pem);
const client: CaClient = createCaClient({ baseUrl: 'http://127.0.0.1:8080' });
const code: Promise<number> = main(['node', 'kzpki', '--help']);
const port: number = integerIn(0, 65535)('8080');
type Uses = [EnrollReport, StackModule, Context, typeof guarded, typeof isKzpkiApiError, NCALayerErrorCode];
const signed: (c: NCALayerClient) => Promise<SignedCms> = (c) => c.signCms({ data: 'x' });
const emulatorOptions: EmulatorOptions = { keysDir: '.', person: scriptedPerson({ password: 'Qwerty12' }) };
// @ts-expect-error the birth date is an ISO date string, not a number: the types are real
const wrong: number = iin.birthDate;
export { check, client, code, emulatorOptions, names, port, read, signed, valid, wrong, type Uses };
`,
    );
    writeFileSync(
      join(project, `tsconfig.${name}.json`),
      JSON.stringify({
        compilerOptions: {
          ...resolution,
          target: 'ES2022',
          lib: ['ES2022', 'DOM'],
          types: ['node'],
          strict: true,
          noEmit: true,
          skipLibCheck: false,
        },
        files: ['consumer.mts'],
      }),
    );
    const tsc = join(project, 'node_modules', 'typescript', 'bin', 'tsc');
    const r = await exec(process.execPath, [tsc, '-p', `tsconfig.${name}.json`], project);
    expect(`${r.stdout}${r.stderr}`.trim(), `tsc under ${name}`).toBe('');
    expect(r.code).toBe(0);
  });

  it('runs `npx kzpki --help` and `npx kzpki iin check 850315300128` (exit 0)', async () => {
    const help = await exec('npx', ['kzpki', '--help'], project);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: kzpki/);
    const check = await exec('npx', ['kzpki', 'iin', 'check', '850315300128'], project);
    expect(check.code).toBe(0);
    // npm itself warns about the npm_config_* variables pnpm exports to the test run; kzpki says nothing.
    expect(check.stderr.split('\n').filter((l) => l && !l.startsWith('npm warn '))).toEqual([]);
    expect(check.stdout).toMatch(/^850315300128: valid IIN\n\s+birth date: 1985-03-15/);
  });

  it('explains `npx kzpki start` outside a kzpki checkout (exit 2)', async () => {
    const start = await exec('npx', ['kzpki', 'start'], project);
    expect(start.code).toBe(2);
    expect(start.stdout).toBe('');
    expect(start.stderr).toContain('kzpki start runs the reference services from a kzpki checkout');
    expect(start.stderr).toContain('npx -y pnpm@10.34.9 install && npx -y pnpm@10.34.9 start');
  });
});
