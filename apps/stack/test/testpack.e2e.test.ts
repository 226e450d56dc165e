/**
 * End to end: the reference CA and the status service run in-process (ephemeral ports, temp
 * data directory, fast CA keys); `kzpki testpack` makes a complete pack through the real issuance
 * flow (by default individuals an RSA AUTH + SIGN pair, legal entities one GOST-2015-512 key file,
 * as the NCA issues them); then every file is checked by independent means: our PKCS#12 reader and
 * `inspectCertificate`, @wavesenterprise/crypto-gost-js for every GOST signature (certificates and
 * CRLs), OpenSSL (`pkcs12 -legacy`, `verify` with and without the pack's CRL; RSA files, OpenSSL
 * knows no KZ GOST), the status service's OCSP responder (through `kzpki ocsp check`), and Java
 * keytool (RSA files). A second, small pack with `--key-algorithm RSA-2048` keeps the older
 * generation's layout for legal entities. Each organisation whose first manager is in the pack gets
 * an information system's GOST key file in each state, like the pairs
 * (`information-system/{valid,revoked,expired}/`, `index.json` `informationSystems` with the
 * state), checked the same ways.
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { promisify } from 'node:util';
import type { PackEntry, PackIndex } from '@kzpki/cli';
import {
  GostPrivateKey,
  gostTemplateProfile,
  informationSystemProfile,
  inspectCertificate,
  ncaKeyFileName,
  normalizeSerialHex,
  openPkcs12,
  parseCertificate,
  parseCrl,
  TEMPLATES,
  type TemplateName,
  templateProfile,
  toPem,
  verifyChain,
  verifyCrl,
} from '@kzpki/pki';
import { hasTool, independentGost512, runTool, tempDir } from '@kzpki/test-fixtures';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServices, type TestServices } from '../src/testing.js';
import { run } from './io.js';

/** GOST R 34.10-2012 512 (tc26-512-paramSetA, Streebog-512) in the KZ byte order, by another implementation. */
const independent = independentGost512();

/** x || y (little-endian) of a GOST certificate's key. */
function gostPublicKey(cert: Uint8Array | string): Uint8Array {
  const bits = new Uint8Array(
    parseCertificate(cert).subjectPublicKeyInfo.subjectPublicKey.valueBlock.valueHexView,
  );
  return bits.slice(bits.length - 128);
}

/** A certificate's signature checked with crypto-gost-js against its GOST issuer. */
function independentlySigned(cert: Uint8Array, issuer: Uint8Array | string): boolean {
  const c = parseCertificate(cert);
  return independent.verify(
    gostPublicKey(issuer),
    new Uint8Array(c.signatureValue.valueBlock.valueHexView),
    new Uint8Array(c.tbsView),
  );
}

const PASSWORD = 'Qwerty12';
const GOST = 'GOST-2015-512';
const TEMPLATE_NAMES = Object.keys(TEMPLATES) as TemplateName[];
const STATES = ['valid', 'revoked', 'expired'] as const;

let services: TestServices;
let pack: ReturnType<typeof tempDir>;
let index: PackIndex;
const now = new Date();

function packPath(file: string): string {
  return join(pack.dir, file);
}

/** Legal entities get one GOST key file by default, individuals an RSA pair. */
const isGost = (e: PackEntry): boolean => e.keyAlgorithm === GOST;

function subjects(): PackEntry[] {
  return index.entries.filter((e) => e.role === 'subject');
}

function entryOf(template: TemplateName, state: (typeof STATES)[number]): PackEntry {
  const e = subjects().find((x) => x.template === template && x.state === state);
  if (!e) throw new Error(`no ${template}/${state} entry`);
  return e;
}

/** Runs `tasks` with at most `limit` in flight. */
async function pool<T>(items: readonly T[], limit: number, task: (item: T) => Promise<void>): Promise<void> {
  const queue = [...items];
  await Promise.all(
    Array.from({ length: limit }, async () => {
      for (let item = queue.shift(); item !== undefined; item = queue.shift()) await task(item);
    }),
  );
}

describe('kzpki testpack against the in-process CA and status service', () => {
  beforeAll(async () => {
    services = await startTestServices();
    pack = tempDir('kzpki-testpack-');
    const r = await run(['testpack', '--ca-url', services.caUrl, '--out', pack.dir, '--json']);
    expect(r.stderr).not.toMatch(/kzpki: /);
    expect(r.code).toBe(0);
    index = JSON.parse(r.stdout) as PackIndex;
  }, 400_000);

  afterAll(async () => {
    await services?.stop();
    pack?.dispose();
  });

  it('has the fixed layout: every template in every state, the CA certificates, the CRLs, index.json', () => {
    expect(JSON.parse(readFileSync(packPath('index.json'), 'utf8'))).toEqual(index);
    expect(index).toMatchObject({
      format: 'kzpki-testpack',
      version: 1,
      password: PASSWORD,
      keyFormat: 'legacy',
      keyAlgorithm: 'by-template',
    });
    for (const template of TEMPLATE_NAMES) {
      for (const state of STATES) {
        const e = entryOf(template, state);
        expect(e.directory).toBe(`${template}/${state}`);
        expect(e.password).toBe(PASSWORD);
        expect(e.applicationNumber).toMatch(/^\d{14}$/);
        expect(e.keyAlgorithm).toBe(template === 'individual' ? 'RSA-2048' : GOST);
        expect(e.files.map((f) => f.purpose)).toEqual(isGost(e) ? ['auth+sign'] : ['auth', 'sign']);
        for (const f of e.files) {
          expect(f.file.startsWith(`${template}/${state}/`)).toBe(true);
          expect(basename(f.file)).toMatch(
            f.purpose === 'auth+sign'
              ? /^GOST512_[0-9a-f]{40}\.p12$/
              : f.purpose === 'auth'
                ? /^AUTH_RSA256_[0-9a-f]{40}\.p12$/
                : /^RSA256_[0-9a-f]{40}\.p12$/,
          );
        }
        expect(e.revocation !== undefined).toBe(state === 'revoked');
        if (TEMPLATES[template].binRequired) expect(e.bin).toMatch(/^\d{12}$/);
        else expect(e.bin).toBeUndefined();
      }
    }
    expect(subjects()).toHaveLength(TEMPLATE_NAMES.length * STATES.length);
    // Both hierarchies.
    expect(index.ca.map((c) => c.name).sort()).toEqual([
      'gost-issuing',
      'gost-ocsp-responder',
      'gost-root',
      'issuing',
      'ocsp-responder',
      'root',
    ]);
    expect(index.crls.map((c) => c.file).sort()).toEqual([
      'ca/kzpki-test-issuing-gost-delta.crl',
      'ca/kzpki-test-issuing-gost.crl',
      'ca/kzpki-test-issuing-rsa-delta.crl',
      'ca/kzpki-test-issuing-rsa.crl',
      'ca/kzpki-test-root-gost.crl',
      'ca/kzpki-test-root-rsa.crl',
    ]);
  });

  it(
    'every key file opens with the password and holds the certificate its template prescribes',
    { timeout: 60_000 },
    async () => {
      for (const e of index.entries) {
        for (const f of e.files) {
          const p12 = await openPkcs12(readFileSync(packPath(f.file)), e.password);
          const info = inspectCertificate(p12.certificate);
          const gost = isGost(e);
          const profile =
            f.purpose === 'auth+sign'
              ? gostTemplateProfile(e.template, { identification: 'remote-digital-id' })
              : templateProfile(e.template, f.purpose, { identification: 'remote-digital-id' });
          const hierarchy = gost ? 'gost' : 'rsa';
          expect(info.serialNumber).toBe(normalizeSerialHex(f.serialHex));
          expect(info.subjectKeyId).toBe(f.skiHex);
          expect({ friendlyName: p12.friendlyName, localKeyId: p12.localKeyId }).toEqual({
            friendlyName: f.skiHex,
            localKeyId: f.skiHex,
          });
          expect(ncaKeyFileName(p12.certificate)).toBe(basename(f.file));
          expect(info.iin).toBe(e.iin);
          expect(info.bin).toBe(e.bin);
          expect(info.template).toBe(e.template);
          expect(info.keyPurpose).toBe(f.purpose);
          expect(info.keyAlgorithm).toBe(e.keyAlgorithm);
          expect([...info.keyUsage].sort()).toEqual([...profile.keyUsage].sort());
          expect(info.keyUsageCritical).toBe(profile.keyUsageCritical);
          expect(info.extKeyUsage).toEqual(profile.extKeyUsage);
          expect(info.policies).toEqual(profile.policies);
          expect(info.ocspUrls).toEqual([`${services.statusUrl}/ocsp`]);
          expect(info.crlUrls).toEqual([`${services.statusUrl}/crl/kzpki-test-issuing-${hierarchy}.crl`]);
          expect(info.deltaCrlUrls).toEqual([
            `${services.statusUrl}/crl/kzpki-test-issuing-${hierarchy}-delta.crl`,
          ]);
          if (gost) {
            // The GOST-2015 certificate as the NCA issues it, signed by the GOST issuing CA.
            expect(p12.signingKey).toBeInstanceOf(GostPrivateKey);
            expect(info.extensions.map((x) => x.oid)).toContain('1.2.398.3.3.5');
            const ski = BigInt(`0x${info.subjectKeyId}`);
            expect(BigInt(`0x${info.serialNumber}`)).toBe(ski & ((1n << 159n) - 1n));
            const issuing = readFileSync(packPath('ca/kzpki-test-issuing-gost.crt'), 'utf8');
            expect(independentlySigned(p12.certificate, issuing)).toBe(true);
          }
          if (e.template === 'treasury') expect(info.roleCode && info.businessCategory).toBeTruthy();
          const expired = new Date(info.notAfter) < now;
          expect(expired).toBe(e.state === 'expired');
          // As the NCA's key files: the end-entity certificate only (issue 13). The chain is in the
          // pack's ca/: the issuing CA named by the AKI, then the root, and it verifies.
          expect(p12.chain).toHaveLength(0);
          const issuer = index.ca.find((c) => c.skiHex === info.authorityKeyId);
          expect(issuer?.name).toBe(gost ? 'gost-issuing' : 'issuing');
          const rootFile = index.ca.find((c) => c.name === (gost ? 'gost-root' : 'root'))?.file as string;
          const chain = await verifyChain({
            certificate: p12.certificate,
            intermediates: [readFileSync(packPath(issuer?.file as string), 'utf8')],
            trustAnchors: [readFileSync(packPath(rootFile), 'utf8')],
            ...(expired ? { at: new Date(Date.parse(info.notAfter) - 86_400_000) } : {}),
          });
          expect(chain.valid, JSON.stringify(chain)).toBe(true);
        }
      }
    },
  );

  it(
    "an information system's key file per first manager's organisation and state: no IIN, UID and name, EKU .2.6, three years (expired: backdated), chained to the GOST root; OCSP good or revoked",
    { timeout: 90_000 },
    async () => {
      const systems = index.informationSystems ?? [];
      // Every BIN whose first manager the pack enrolled (valid), the pack's own and the approvers.
      const bins = new Set(
        index.entries
          .filter((e) => e.template === 'first-manager' && e.state === 'valid')
          .map((e) => e.bin as string),
      );
      expect(bins.size).toBeGreaterThan(0);
      // Each BIN in each state, in the pack's order of states.
      expect(systems.map((s) => `${s.bin}/${s.state}`).sort()).toEqual(
        [...bins].flatMap((b) => STATES.map((st) => `${b}/${st}`)).sort(),
      );
      const gostCrl = parseCrl(readFileSync(packPath('ca/kzpki-test-issuing-gost.crl')));
      const root = readFileSync(packPath('ca/kzpki-test-root-gost.crt'), 'utf8');
      const issuing = readFileSync(packPath('ca/kzpki-test-issuing-gost.crt'), 'utf8');
      const profile = informationSystemProfile();
      for (const s of systems) {
        const manager = index.entries.find(
          (e) => e.template === 'first-manager' && e.state === 'valid' && e.bin === s.bin,
        );
        expect(s).toMatchObject({
          kind: 'information-system',
          keyAlgorithm: GOST,
          password: PASSWORD,
          directory: `information-system/${s.state}`,
          systemName: 'ДОКУМЕНТООБОРОТ',
          uid: `IS${s.bin}`,
          organization: manager?.organization,
          issuedForIin: manager?.iin,
        });
        expect(s.files).toHaveLength(1);
        const f = s.files[0] as (typeof s.files)[number];
        expect(f.purpose).toBe('auth+sign');
        expect(f.file.startsWith(`information-system/${s.state}/`)).toBe(true);
        expect(basename(f.file)).toMatch(/^GOST512_[0-9a-f]{40}\.p12$/);
        expect(s.revocation !== undefined).toBe(s.state === 'revoked');
        if (process.platform !== 'win32') expect(statSync(packPath(f.file)).mode & 0o777).toBe(0o600);
        const p12 = await openPkcs12(readFileSync(packPath(f.file)), s.password);
        expect(p12.signingKey).toBeInstanceOf(GostPrivateKey);
        expect({ friendlyName: p12.friendlyName, localKeyId: p12.localKeyId }).toEqual({
          friendlyName: f.skiHex,
          localKeyId: f.skiHex,
        });
        expect(ncaKeyFileName(p12.certificate)).toBe(basename(f.file));
        const info = inspectCertificate(p12.certificate);
        expect(info.serialNumber).toBe(normalizeSerialHex(f.serialHex));
        expect(info.iin).toBeUndefined();
        expect(info.bin).toBe(s.bin);
        expect(info.subject.fields.UID).toBe(s.uid);
        expect(info.subject.fields.CN).toBe(s.systemName);
        expect(info.subject.fields.O).toBe(s.organization);
        expect(info.keyAlgorithm).toBe(GOST);
        expect(info.keyPurpose).toBe('auth+sign');
        expect(info.extKeyUsage).toEqual(profile.extKeyUsage);
        expect(info.extKeyUsage).toEqual(
          expect.arrayContaining(['1.2.398.3.3.4.1.2', '1.2.398.3.3.4.1.2.6']),
        );
        expect(info.policies).toEqual(['1.2.398.3.3.2']);
        const expired = Date.parse(info.notAfter) < now.getTime();
        expect(expired).toBe(s.state === 'expired');
        // Three years, or the backdated year of the expired state (as the expired pairs).
        expect((Date.parse(info.notAfter) - Date.parse(info.notBefore)) / 86_400_000).toBe(
          s.state === 'expired' ? 365 : 3 * 365,
        );
        const listed = gostCrl.find(f.serialHex);
        if (s.state === 'revoked') expect(listed?.reason).toBe('keyCompromise');
        else expect(listed).toBeUndefined();
        expect(info.crlUrls).toEqual([`${services.statusUrl}/crl/kzpki-test-issuing-gost.crl`]);
        const chain = await verifyChain({
          certificate: p12.certificate,
          intermediates: [issuing],
          trustAnchors: [root],
          ...(expired ? { at: new Date(Date.parse(info.notAfter) - 86_400_000) } : {}),
        });
        expect(chain.valid).toBe(true);
        expect(independentlySigned(p12.certificate, issuing)).toBe(true);
        // The end-entity certificate only, as the NCA's; the chain above came from the pack's ca/.
        expect(p12.chain).toHaveLength(0);
        if (s.state !== 'expired') {
          const r = await run(['ocsp', 'check', packPath(f.file), '--password', PASSWORD, '--json']);
          expect(JSON.parse(r.stdout)).toMatchObject({
            status: s.state === 'valid' ? 'good' : 'revoked',
            verified: true,
          });
        }
      }
    },
  );

  it(
    "`kzpki information-system` with the first manager's GOST key file writes the system's key file; anybody else is refused",
    { timeout: 60_000 },
    async () => {
      const out = tempDir('kzpki-infosystem-');
      try {
        const manager = entryOf('first-manager', 'valid');
        const approver = packPath(manager.directory);
        const args = ['information-system', '--ca-url', services.caUrl, '--approver', approver];
        const r = await run([
          ...args,
          '--name',
          'ИС ТЕСТ',
          '--uid',
          '1.2.398.6.10.1.1',
          '--password',
          PASSWORD,
          '--out',
          out.dir,
          '--json',
        ]);
        expect(r.code, r.stderr).toBe(0);
        const report = JSON.parse(r.stdout);
        expect(report).toMatchObject({
          ok: true,
          bin: manager.bin,
          systemName: 'ИС ТЕСТ',
          uid: '1.2.398.6.10.1.1',
        });
        expect(report.file.fileName).toMatch(/^GOST512_[0-9a-f]{40}\.p12$/);
        expect(report.file.path).toBe(join(out.dir, report.file.fileName));
        if (process.platform !== 'win32') expect(statSync(report.file.path).mode & 0o777).toBe(0o600);
        const p12 = await openPkcs12(readFileSync(report.file.path), PASSWORD);
        const info = inspectCertificate(p12.certificate);
        expect(info.iin).toBeUndefined();
        expect(info.subject.fields.CN).toBe('ИС ТЕСТ');
        expect(info.subject.fields.UID).toBe('1.2.398.6.10.1.1');
        expect(info.extKeyUsage).toContain('1.2.398.3.3.4.1.2.6');
        expect(
          independentlySigned(
            p12.certificate,
            readFileSync(packPath('ca/kzpki-test-issuing-gost.crt'), 'utf8'),
          ),
        ).toBe(true);
        // One certificate in the file (as the NCA's); the GOST chain written apart to <out>/ca/.
        expect(p12.chain).toHaveLength(0);
        expect(report.ca).toEqual([
          { name: 'gost-issuing', path: join(out.dir, 'ca', 'kzpki-test-issuing-gost.crt') },
          { name: 'gost-root', path: join(out.dir, 'ca', 'kzpki-test-root-gost.crt') },
        ]);
        expect(readFileSync(report.ca[0].path, 'utf8')).toBe(
          readFileSync(packPath('ca/kzpki-test-issuing-gost.crt'), 'utf8'),
        );
        // An employee's key file logs in, but only a first manager obtains an information system's certificate.
        const employee = await run([
          'information-system',
          '--ca-url',
          services.caUrl,
          '--approver',
          packPath(entryOf('employee', 'valid').directory),
          '--name',
          'ИС ТЕСТ',
          '--password',
          PASSWORD,
          '--out',
          out.dir,
        ]);
        expect(employee.code).toBe(1);
        expect(employee.stderr).toMatch(/ERR_FORBIDDEN/);
      } finally {
        out.dispose();
      }
    },
  );

  it(
    'each full CRL lists exactly the revoked certificates of its CA and is signed by it (GOST with GOST)',
    { timeout: 30_000 },
    async () => {
      for (const hierarchy of ['rsa', 'gost'] as const) {
        const crl = parseCrl(readFileSync(packPath(`ca/kzpki-test-issuing-${hierarchy}.crl`)));
        const issuing = readFileSync(packPath(`ca/kzpki-test-issuing-${hierarchy}.crt`), 'utf8');
        expect(await verifyCrl(crl, issuing)).toBe(true);
        if (hierarchy === 'gost') {
          expect(independent.verify(gostPublicKey(issuing), crl.signature, crl.tbs)).toBe(true);
          const root = parseCrl(readFileSync(packPath('ca/kzpki-test-root-gost.crl')));
          const rootCert = readFileSync(packPath('ca/kzpki-test-root-gost.crt'), 'utf8');
          expect(independent.verify(gostPublicKey(rootCert), root.signature, root.tbs)).toBe(true);
        }
        for (const e of index.entries.filter((x) => isGost(x) === (hierarchy === 'gost'))) {
          for (const f of e.files) {
            const entry = crl.find(f.serialHex);
            if (e.state === 'revoked') expect(entry?.reason).toBe('keyCompromise');
            else expect(entry).toBeUndefined();
          }
        }
      }
    },
  );

  it(
    'OCSP through the status service: good for valid pairs, revoked for revoked ones',
    { timeout: 60_000 },
    async () => {
      for (const template of TEMPLATE_NAMES) {
        for (const state of ['valid', 'revoked'] as const) {
          for (const f of entryOf(template, state).files) {
            const r = await run(['ocsp', 'check', packPath(f.file), '--password', PASSWORD, '--json']);
            const report = JSON.parse(r.stdout);
            expect(report).toMatchObject({
              status: state === 'valid' ? 'good' : 'revoked',
              verified: true,
              signer: 'delegated',
              serialNumber: normalizeSerialHex(f.serialHex),
            });
            if (state === 'revoked') expect(report.reason).toBe('keyCompromise');
            expect(r.code).toBe(state === 'valid' ? 0 : 1);
          }
        }
      }
    },
  );

  it.skipIf(!hasTool('openssl'))(
    'OpenSSL opens every RSA key file and verifies the chains: valid OK, revoked revoked by the CRL, expired expired',
    { timeout: 60_000 },
    () => {
      const root = packPath('ca/kzpki-test-root-rsa.crt');
      const issuing = packPath('ca/kzpki-test-issuing-rsa.crt');
      const crls = pack.write(
        'crls.pem',
        [
          toPem(readFileSync(packPath('ca/kzpki-test-issuing-rsa.crl')), 'X509 CRL'),
          toPem(readFileSync(packPath('ca/kzpki-test-root-rsa.crl')), 'X509 CRL'),
        ].join(''),
      );
      for (const e of index.entries.filter((x) => !isGost(x))) {
        for (const f of e.files) {
          const extracted = runTool('openssl', [
            'pkcs12',
            '-in',
            packPath(f.file),
            '-passin',
            `pass:${e.password}`,
            '-nokeys',
            '-clcerts',
            '-legacy',
          ]);
          expect(extracted.status, extracted.stderr).toBe(0);
          const cert = pack.write(`${f.skiHex}.pem`, extracted.stdout);
          const plain = runTool('openssl', ['verify', '-CAfile', root, '-untrusted', issuing, cert]);
          const withCrl = runTool('openssl', [
            'verify',
            '-crl_check_all',
            '-CRLfile',
            crls,
            '-CAfile',
            root,
            '-untrusted',
            issuing,
            cert,
          ]);
          if (e.state === 'expired') {
            expect(plain.status).not.toBe(0);
            expect(plain.stdout + plain.stderr).toMatch(/certificate has expired/);
          } else {
            expect(plain.status, plain.stdout + plain.stderr).toBe(0);
            expect(plain.stdout).toMatch(/: OK/);
          }
          if (e.state === 'revoked') {
            expect(withCrl.status).not.toBe(0);
            expect(withCrl.stdout + withCrl.stderr).toMatch(/certificate revoked/);
          } else if (e.state === 'valid') {
            expect(withCrl.status, withCrl.stdout + withCrl.stderr).toBe(0);
          }
        }
      }
    },
  );

  it.skipIf(!hasTool('keytool'))(
    'Java keytool lists every RSA key file with its private key entry',
    async () => {
      const exec = promisify(execFile);
      const files = index.entries
        .filter((e) => !isGost(e))
        .flatMap((e) => e.files.map((f) => ({ ...f, password: e.password })));
      await pool(files, 2, async (f) => {
        const { stdout } = await exec('keytool', [
          // A JVM per file: trade peak speed for start-up time.
          '-J-XX:TieredStopAtLevel=1',
          '-J-XX:+UseSerialGC',
          '-list',
          '-keystore',
          packPath(f.file),
          '-storetype',
          'PKCS12',
          '-storepass',
          f.password,
        ]);
        expect(stdout).toMatch(/Your keystore contains 1 entry/);
        expect(stdout).toContain(`${f.skiHex}, `);
        expect(stdout).toMatch(/PrivateKeyEntry/);
      });
    },
    120_000,
  );

  it('the CRLs in the pack are the status service published ones, and inspect cleanly', async () => {
    for (const c of index.crls) {
      const r = await run(['crl', 'inspect', packPath(c.file), '--json']);
      expect(r.code).toBe(0);
      const summary = JSON.parse(r.stdout);
      expect(summary.kind).toBe(c.kind);
      expect(summary.entryCount).toBe(c.entryCount);
      expect(c.url.startsWith(`${services.statusUrl}/crl/`)).toBe(true);
    }
    for (const hierarchy of ['rsa', 'gost'] as const) {
      const root = parseCrl(readFileSync(packPath(`ca/kzpki-test-root-${hierarchy}.crl`)));
      const cert = readFileSync(packPath(`ca/kzpki-test-root-${hierarchy}.crt`), 'utf8');
      expect(await verifyCrl(root, cert)).toBe(true);
    }
  });

  it(
    '--key-algorithm RSA-2048 keeps the older generation layout for legal entities',
    { timeout: 120_000 },
    async () => {
      const rsa = tempDir('kzpki-testpack-rsa-');
      try {
        const r = await run([
          'testpack',
          '--ca-url',
          services.caUrl,
          '--out',
          rsa.dir,
          '--templates',
          'employee',
          '--states',
          'valid',
          '--key-algorithm',
          'RSA-2048',
          '--json',
        ]);
        expect(r.code, r.stderr).toBe(0);
        const small = JSON.parse(r.stdout) as PackIndex;
        expect(small.keyAlgorithm).toBe('RSA-2048');
        for (const e of small.entries) {
          expect(e.keyAlgorithm).toBe('RSA-2048');
          expect(e.files.map((f) => basename(f.file))).toEqual([
            expect.stringMatching(/^AUTH_RSA256_[0-9a-f]{40}\.p12$/),
            expect.stringMatching(/^RSA256_[0-9a-f]{40}\.p12$/),
          ]);
        }
        expect(small.entries.find((e) => e.role === 'subject')?.directory).toBe('employee/valid');
        // The older generation's layout: no information-system folder.
        expect(small.informationSystems).toBeUndefined();
        expect(existsSync(join(rsa.dir, 'information-system'))).toBe(false);
      } finally {
        rsa.dispose();
      }
    },
  );
});
