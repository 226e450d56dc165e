/**
 * NCA operators' key files (issue 10 #6): `kzpki ca operator issue` writes a 0600 key file whose
 * certificate logs into the operator API; `list` shows it; `revoke` ends its session at once and
 * refuses further logins; `rotate` gives a new key file and retires the old one.
 */
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { type RunningCa, startCa } from '@kzpki/ca';
import { certificateToPem, inspectCertificate, openPkcs12, signData } from '@kzpki/pki';
import { tempDir } from '@kzpki/test-fixtures';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from './io.js';

const PASSWORD = 'Operator2025x';
const data = tempDir('kzpki-operator-');
const dir = join(data.dir, 'var');
const saved = process.env.KZPKI_CA_PASSPHRASE;
let ca: RunningCa;

beforeAll(async () => {
  process.env.KZPKI_CA_PASSPHRASE = 'operator-test';
  expect((await run(['ca', 'init', '--data-dir', dir, '--ca-key-algorithm', 'RSA-2048'])).code).toBe(0);
  ca = await startCa({
    passphrase: 'operator-test',
    dataDir: dir,
    port: 0,
    config: { sweepIntervalSeconds: 0, auditCheckpointIntervalSeconds: 0 },
    logError: () => {},
  });
}, 90_000);
afterAll(async () => {
  await ca?.close();
  if (saved === undefined) delete process.env.KZPKI_CA_PASSPHRASE;
  else process.env.KZPKI_CA_PASSPHRASE = saved;
  data.dispose();
});

/** Logs in as an operator with a key file; returns the HTTP status and the token. */
async function login(file: string): Promise<{ status: number; token?: string; code?: string }> {
  const p12 = await openPkcs12(readFileSync(file), PASSWORD);
  const ch = (await (
    await fetch(`${ca.url}/v1/auth/challenges`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ audience: 'operator' }),
    })
  ).json()) as { challengeId: string; toBeSigned: string };
  const signature = await signData(p12.privateKey!, new Uint8Array(Buffer.from(ch.toBeSigned, 'base64')));
  const r = await fetch(`${ca.url}/v1/operator/sessions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      challengeId: ch.challengeId,
      certificate: certificateToPem(p12.certificate),
      signature: Buffer.from(signature).toString('base64'),
    }),
  });
  const body = (await r.json()) as { token?: string; code?: string };
  return { status: r.status, ...body };
}

const queue = (token: string) =>
  fetch(`${ca.url}/v1/operator/moderation`, { headers: { authorization: `Bearer ${token}` } }).then(
    (r) => r.status,
  );

describe('kzpki ca operator', () => {
  let serial: string;
  let file: string;

  it('issues a key file (0600) whose certificate carries the operator role and logs in', async () => {
    const out = join(data.dir, 'op1');
    const r = await run(
      [
        'ca',
        'operator',
        'issue',
        '--data-dir',
        dir,
        '--iin',
        '971122303339',
        '--surname',
        'ОПЕРАТОРОВ',
        '--given-name',
        'ОПЕРАТОР',
        '--patronymic',
        'ОПЕРАТОРОВИЧ',
        '--password',
        '-',
        '--out',
        out,
        '--json',
      ],
      `${PASSWORD}\n`,
    );
    expect(r.code, r.stderr).toBe(0);
    const result = JSON.parse(r.stdout) as { serialHex: string; file: string };
    serial = result.serialHex;
    file = result.file;
    if (process.platform !== 'win32') {
      expect(statSync(file).mode & 0o777).toBe(0o600);
      expect(statSync(out).mode & 0o777).toBe(0o700);
    }
    const info = inspectCertificate((await openPkcs12(readFileSync(file), PASSWORD)).certificate);
    expect(info).toMatchObject({ iin: '971122303339', keyPurpose: 'auth', serialNumber: serial });
    expect(info.roles).toContain('nca-operator');
    const s = await login(file);
    expect(s.status).toBe(201);
    expect(await queue(s.token as string)).toBe(200);
  });

  it('lists it beside the built-in operator', async () => {
    const r = await run(['ca', 'operator', 'list', '--data-dir', dir, '--json']);
    expect(r.code).toBe(0);
    const list = (
      JSON.parse(r.stdout) as { operators: Array<{ serialHex: string; status: string; builtIn: boolean }> }
    ).operators;
    expect(list.find((o) => o.serialHex === serial)).toMatchObject({ status: 'good', builtIn: false });
    expect(list.filter((o) => o.builtIn)).toHaveLength(1);
  });

  it('rotates it: a new key file works, the old certificate is revoked and its session ends', async () => {
    const session = await login(file);
    expect(await queue(session.token as string)).toBe(200);
    const out = join(data.dir, 'op2');
    const r = await run(
      ['ca', 'operator', 'rotate', serial, '--data-dir', dir, '--password', '-', '--out', out, '--json'],
      `${PASSWORD}\n`,
    );
    expect(r.code, r.stderr).toBe(0);
    const rotated = JSON.parse(r.stdout) as { serialHex: string; file: string; revoked: string };
    expect(rotated.revoked).toBe(serial);
    expect(await queue(session.token as string)).toBe(401);
    expect(await login(file)).toMatchObject({ status: 401, code: 'ERR_CERTIFICATE_REVOKED' });
    const fresh = await login(rotated.file);
    expect(fresh.status).toBe(201);

    const revoke = await run([
      'ca',
      'operator',
      'revoke',
      rotated.serialHex,
      '--data-dir',
      dir,
      '--reason',
      'keyCompromise',
    ]);
    expect(revoke.code).toBe(0);
    expect(await queue(fresh.token as string)).toBe(401);
    expect(await login(rotated.file)).toMatchObject({ status: 401, code: 'ERR_CERTIFICATE_REVOKED' });
    const again = await run(['ca', 'operator', 'revoke', rotated.serialHex, '--data-dir', dir]);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/ERR_ALREADY_REVOKED/);
  });

  it('refuses a key-file password the NCA rule refuses, issuing nothing', async () => {
    const before = JSON.parse((await run(['ca', 'operator', 'list', '--data-dir', dir, '--json'])).stdout)
      .operators.length;
    const r = await run([
      'ca',
      'operator',
      'issue',
      '--data-dir',
      dir,
      '--iin',
      '971122303339',
      '--surname',
      'A',
      '--given-name',
      'B',
      '--password',
      'short',
      '--out',
      join(data.dir, 'op3'),
    ]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/ERR_PASSWORD_POLICY/);
    const after = JSON.parse((await run(['ca', 'operator', 'list', '--data-dir', dir, '--json'])).stdout)
      .operators.length;
    expect(after).toBe(before);
  });
});
