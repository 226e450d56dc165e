/**
 * `kzpki enroll` against the in-process reference CA: key files written and usable, approval by
 * a first manager's key files, and a clear failure (exit code 1 and a stable code) for every way
 * the flow can stop: no phone in the Mobile Citizens Database, another phone on Digital ID's page,
 * moderation, waiting for approval, a password the NCA rule refuses, an unreachable CA.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { EnrollReport } from '@kzpki/cli';
import { devSmsOutbox, enroll, isKzpkiApiError, type OtpRequest } from '@kzpki/client';
import { inspectCertificate, openPkcs12, verifyChain } from '@kzpki/pki';
import { tempDir } from '@kzpki/test-fixtures';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServices, type TestServices } from '../src/testing.js';
import { run } from './io.js';

const PASSWORD = 'Qwerty12';
const BIN = '150440000013';
let services: TestServices;
let out: ReturnType<typeof tempDir>;

beforeAll(async () => {
  services = await startTestServices();
  out = tempDir('kzpki-cli-enroll-');
}, 60_000);

afterAll(async () => {
  await services?.stop();
  out?.dispose();
});

function enrollArgs(template: string, iin: string, dir: string, extra: string[] = []): string[] {
  return [
    'enroll',
    '--ca-url',
    services.caUrl,
    '--template',
    template,
    '--iin',
    iin,
    '--password',
    PASSWORD,
    '--out',
    dir,
    ...extra,
  ];
}

describe('kzpki enroll', () => {
  it('writes the AUTH and SIGN key files of an individual', { timeout: 30_000 }, async () => {
    const dir = join(out.dir, 'individual');
    // Digital ID's phone as a person types it (the other tests leave it to the dev outbox).
    const r = await run(
      enrollArgs('individual', '850315300128', dir, ['--json', '--phone', '8 701 111 22 33']),
    );
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as EnrollReport;
    expect(report).toMatchObject({
      ok: true,
      status: 'installed',
      template: 'individual',
      iin: '850315300128',
    });
    expect(report.applicationNumber).toMatch(/^\d{14}$/);
    // The key files, and the CA chain apart from them in ca/ (issue 13: as the NCA's, a key file
    // holds its end-entity certificate only).
    expect(readdirSync(dir).sort()).toEqual([...report.files.map((f) => f.fileName), 'ca'].sort());
    expect(report.ca.map((c) => c.name)).toEqual(['issuing', 'root']);
    expect(readdirSync(join(dir, 'ca')).sort()).toEqual(
      report.ca.map((c) => c.path.slice(join(dir, 'ca').length + 1)).sort(),
    );
    const [issuing, root] = report.ca.map((c) => readFileSync(c.path, 'utf8'));
    if (process.platform !== 'win32') {
      // Private keys: the directory 0700 and the files 0600, whatever the umask (issue 10 #5).
      expect(statSync(dir).mode & 0o777).toBe(0o700);
      for (const f of report.files) expect(statSync(f.path).mode & 0o777, f.fileName).toBe(0o600);
    }
    for (const f of report.files) {
      const p12 = await openPkcs12(readFileSync(f.path), PASSWORD);
      const info = inspectCertificate(p12.certificate);
      expect(info).toMatchObject({
        iin: '850315300128',
        keyPurpose: f.purpose,
        template: 'individual',
        serialNumber: f.serialHex,
      });
      expect(f.fileName).toBe(`${f.purpose === 'auth' ? 'AUTH_' : ''}RSA256_${info.subjectKeyId}.p12`);
      expect(p12.chain).toHaveLength(0);
      const chain = await verifyChain({
        certificate: p12.certificate,
        intermediates: [issuing as string],
        trustAnchors: [root as string],
      });
      expect(chain.valid, JSON.stringify(chain)).toBe(true);
    }
    // Progress goes to stderr, never into the JSON on stdout.
    expect(r.stderr).toMatch(/\[12\/12\]/);
  });

  it(
    'a first manager approves an employee with --approver (GOST key files)',
    { timeout: 30_000 },
    async () => {
      const manager = join(out.dir, 'manager');
      const fm = await run(enrollArgs('first-manager', '780203403451', manager, ['--bin', BIN]));
      expect(fm.code).toBe(0);
      expect(fm.stdout).toMatch(/^Application \d{14}: installed/);
      const employee = join(out.dir, 'employee');
      const r = await run(
        enrollArgs('employee', '911212307895', employee, [
          '--bin',
          BIN,
          '--approver',
          manager,
          '--approver-password',
          PASSWORD,
        ]),
      );
      expect(r.code).toBe(0);
      expect(r.stderr).toMatch(/waits for the first manager/);
      expect(r.stderr).toMatch(/Approved by САРСЕНОВА ДИНАРА \(legal-entity, first-manager\)/);
      // Legal entities get one GOST-2015-512 key file by default, as the NCA issues them.
      const p12s = (d: string) => readdirSync(d).filter((n) => n.endsWith('.p12'));
      expect(p12s(manager)).toEqual([expect.stringMatching(/^GOST512_[0-9a-f]{40}\.p12$/)]);
      // The GOST chain apart from the key file.
      expect(readdirSync(join(manager, 'ca')).sort()).toEqual([
        'kzpki-test-issuing-gost.crt',
        'kzpki-test-root-gost.crt',
      ]);
      const files = p12s(employee);
      expect(files).toEqual([expect.stringMatching(/^GOST512_[0-9a-f]{40}\.p12$/)]);
      for (const f of files) {
        const info = inspectCertificate(
          (await openPkcs12(readFileSync(join(employee, f)), PASSWORD)).certificate,
        );
        expect(info).toMatchObject({ bin: BIN, template: 'employee', roles: ['legal-entity', 'employee'] });
      }
    },
  );

  it('--with-chain also puts the issuing CA and root into the key files', { timeout: 30_000 }, async () => {
    const dir = join(out.dir, 'with-chain');
    const r = await run(enrollArgs('individual', '850315300128', dir, ['--json', '--with-chain']));
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as EnrollReport;
    const ca = report.ca.map((c) => inspectCertificate(readFileSync(c.path, 'utf8')).subjectKeyId);
    for (const f of report.files) {
      const p12 = await openPkcs12(readFileSync(f.path), PASSWORD);
      expect(p12.chain.map((c) => inspectCertificate(c).subjectKeyId)).toEqual(ca);
    }
  });

  it(
    'without an approver the application keeps waiting: ERR_WAIT_TIMEOUT, exit 1, with the next step',
    { timeout: 30_000 },
    async () => {
      const r = await run(
        enrollArgs('hr', '830414306786', join(out.dir, 'hr'), ['--bin', BIN, '--wait', '0', '--json']),
      );
      expect(r.code).toBe(1);
      const failure = JSON.parse(r.stdout);
      expect(failure).toMatchObject({
        ok: false,
        code: 'ERR_WAIT_TIMEOUT',
        details: { status: 'awaiting-approval' },
      });
      expect(failure.hint).toMatch(/--approver/);
    },
  );

  it(
    'no phone in the Mobile Citizens Database: ERR_PHONE_NOT_REGISTERED with what to do',
    { timeout: 30_000 },
    async () => {
      const r = await run(enrollArgs('individual', '940615400124', join(out.dir, 'nophone')));
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/\[ERR_PHONE_NOT_REGISTERED\]/);
      expect(r.stderr).toMatch(/mobile-registrations/);
    },
  );

  it(
    'Digital ID refuses a phone that is not the registered one: ERR_DIGITAL_ID_PHONE_MISMATCH with what to do',
    { timeout: 30_000 },
    async () => {
      const r = await run(
        enrollArgs('individual', '871008401427', join(out.dir, 'otherphone'), ['--phone', '+77000000001']),
      );
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/\[ERR_DIGITAL_ID_PHONE_MISMATCH\]/);
      expect(r.stderr).toMatch(/--phone/);
      expect(readdirSync(out.dir)).not.toContain('otherphone');
    },
  );

  it('a document that differs from the registry goes to moderation', { timeout: 30_000 }, async () => {
    const r = await run(
      enrollArgs('individual', '010202502227', join(out.dir, 'moderation'), ['--wait', '0', '--json']),
    );
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout)).toMatchObject({
      code: 'ERR_WAIT_TIMEOUT',
      details: { status: 'moderation', reason: 'moderation' },
    });
  });

  it(
    'enroll(): a wrong one-time code is asked for again, for both codes; too many stop the flow',
    { timeout: 30_000 },
    async () => {
      const outbox = devSmsOutbox(services.caUrl);
      // The code from the outbox with its last digit changed: wrong, whatever the code was.
      const wrong = (code: string) => `${code.slice(0, 5)}${(Number(code[5]) + 1) % 10}`;
      const asked: string[] = [];
      const wrongFirst = async (req: OtpRequest) => {
        asked.push(`${req.purpose}:${req.attempt}`);
        const code = await outbox.otp(req);
        return req.attempt === 1 ? wrong(code) : code;
      };
      const base = {
        caUrl: services.caUrl,
        template: 'individual',
        iin: '061211600012',
        password: PASSWORD,
        keyAlgorithm: 'ECDSA-P256',
      } as const;
      const result = await enroll({ ...base, otp: wrongFirst });
      expect(result.status).toBe('installed');
      expect(asked).toEqual(['application:1', 'application:2', 'digital-id:1', 'digital-id:2']);

      asked.length = 0;
      const alwaysWrong = async (req: OtpRequest) => {
        asked.push(`${req.purpose}:${req.attempt}`);
        return wrong(await outbox.otp(req));
      };
      await expect(enroll({ ...base, otp: alwaysWrong, maxOtpAttempts: 2 })).rejects.toSatisfy((e: unknown) =>
        isKzpkiApiError(e, 'ERR_OTP_INVALID'),
      );
      expect(asked).toEqual(['application:1', 'application:2']);
    },
  );

  it('the password is checked against the NCA rule before anything is sent', async () => {
    const r = await run([
      'enroll',
      '--ca-url',
      'http://127.0.0.1:9',
      '--template',
      'individual',
      '--iin',
      '850315300128',
      '--password',
      'short',
      '--out',
      join(out.dir, 'x'),
      '--otp',
      'dev-outbox',
      '--json',
    ]);
    expect(r.code).toBe(1);
    const failure = JSON.parse(r.stdout);
    expect(failure.code).toBe('ERR_PASSWORD_POLICY');
    expect(failure.details.violations.map((v: { code: string }) => v.code)).toContain('ERR_TOO_SHORT');
  });

  it('an unreachable CA is ERR_NETWORK (exit 1)', async () => {
    const r = await run([
      'enroll',
      '--ca-url',
      'http://127.0.0.1:9',
      '--template',
      'individual',
      '--iin',
      '850315300128',
      '--password',
      PASSWORD,
      '--out',
      join(out.dir, 'y'),
    ]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/\[ERR_NETWORK\]/);
    expect(r.stderr).toMatch(/kzpki start/);
  });

  it.each([
    [['--template', 'employee', '--iin', '911212307895']],
    [['--template', 'individual', '--iin', '850315300128', '--bin', BIN]],
    [['--template', 'nobody', '--iin', '850315300128']],
    [['--template', 'individual', '--iin', '850315300128', '--phone', '12345']],
    [['--template', 'employee', '--iin', '911212307895', '--bin', BIN, '--approver', '/nonexistent-folder']],
  ])('usage error (exit 2) for %j', async (args) => {
    const r = await run([
      'enroll',
      '--ca-url',
      'http://127.0.0.1:9',
      '--password',
      PASSWORD,
      '--out',
      join(out.dir, 'z'),
      ...args,
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).not.toBe('');
  });
});
