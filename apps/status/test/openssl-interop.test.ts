/**
 * OpenSSL as a real OCSP client and CRL consumer against the running service on 127.0.0.1.
 * (`openssl` runs as an asynchronous child process: the server lives in this process.)
 */
import { execFile } from 'node:child_process';
import { createOcspRequest, type IssuedCertificate, toBase64, toPem } from '@kzpki/pki';
import { hasTool, runTool, tempDir } from '@kzpki/test-fixtures';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningStatusServer, StatusServer } from '../src/server.js';
import { startStatus } from '../src/server.js';
import { MemoryStatusSource } from '../src/source/memory-source.js';
import { ISSUING_ID, makeHierarchy, ROOT_ID, type TestHierarchy } from './support/hierarchy.js';

function openssl(args: string[]): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    execFile('openssl', args, { timeout: 30_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ code, out: `${stdout}\n${stderr}` });
    });
  });
}

describe.skipIf(!hasTool('openssl'))('OpenSSL against the status service', () => {
  let h: TestHierarchy;
  let source: MemoryStatusSource;
  let running: RunningStatusServer & { server: StatusServer };
  let dir: ReturnType<typeof tempDir>;
  const certs: Record<string, IssuedCertificate> = {};
  const files: Record<string, string> = {};

  beforeAll(async () => {
    h = await makeHierarchy();
    source = new MemoryStatusSource(h.material);
    dir = tempDir('kzpki-status-');
    for (const name of ['good', 'revoked', 'held', 'unknown', 'later', 'deltaOnly']) {
      certs[name] = await h.issue();
      files[name] = dir.write(`${name}.pem`, certs[name].pem);
      if (name !== 'unknown') source.addCertificate(ISSUING_ID, certs[name].serialHex);
    }
    source.revoke(ISSUING_ID, certs.revoked!.serialHex, { reason: 'keyCompromise' });
    source.revoke(ISSUING_ID, certs.held!.serialHex, { reason: 'certificateHold' });
    files.root = dir.write('root.pem', h.root.cert.pem);
    files.issuing = dir.write('issuing.pem', h.issuing.cert.pem);
    // The CA's full CRLs (the issuing CA's lists the revoked and the held certificate).
    await source.publishCrl(
      ISSUING_ID,
      await h.signCrl('issuing', {
        crlNumber: 1n,
        entries: [
          { serial: certs.revoked!.serialHex, revocationDate: new Date(), reason: 'keyCompromise' },
          { serial: certs.held!.serialHex, revocationDate: new Date(), reason: 'certificateHold' },
        ],
      }),
    );
    await source.publishCrl(ROOT_ID, await h.signCrl('root', { crlNumber: 1n }));
    running = await startStatus({ source, port: 0 });
  });
  afterAll(async () => {
    await running?.close();
    dir?.dispose();
  });

  /** `openssl ocsp` against the server; returns the status line of each certificate. */
  async function ocsp(names: string[], extra: string[] = []) {
    // A CertID digest option must come before -cert.
    const r = await openssl([
      'ocsp',
      ...extra,
      '-issuer',
      files.issuing!,
      ...names.flatMap((n) => ['-cert', files[n]!]),
      '-url',
      `${running.url}/ocsp`,
      '-CAfile',
      files.root!,
    ]);
    expect(r.out).toContain('Response verify OK');
    return r.out;
  }

  async function expectedLine(name: string): Promise<RegExp> {
    const rec = await source.lookup(ISSUING_ID, certs[name]!.serialHex);
    if (!rec) return new RegExp(`${name}\\.pem: unknown`);
    if (rec.state === 'good') return new RegExp(`${name}\\.pem: good`);
    const reason = rec.state === 'hold' ? 'certificateHold' : rec.reason;
    return new RegExp(
      `${name}\\.pem: revoked\\s+This Update: .+\\s+Next Update: .+\\s+Reason: ${reason}\\s+Revocation Time`,
    );
  }

  it.each([
    ['with a nonce', []],
    ['without a nonce (pre-produced)', ['-no_nonce']],
    ['with SHA-256 CertIDs', ['-sha256']],
  ])('agrees with the source for good, revoked, held and unknown %s', async (_label, extra) => {
    const names = ['good', 'revoked', 'held', 'unknown'];
    const out = await ocsp(names, extra as string[]);
    for (const n of names) expect(out).toMatch(await expectedLine(n));
    if ((extra as string[]).includes('-no_nonce')) expect(out).not.toContain('WARNING: no nonce');
  });

  it('answers GET requests (RFC 5019) that OpenSSL then verifies', async () => {
    const reqFile = `${dir.dir}/req.der`;
    await openssl([
      'ocsp',
      '-issuer',
      files.issuing!,
      '-cert',
      files.revoked!,
      '-no_nonce',
      '-reqout',
      reqFile,
    ]);
    const text = await openssl(['ocsp', '-reqin', reqFile, '-req_text']);
    expect(text.out).toContain('OCSP Request Data');
    const der = new Uint8Array(await import('node:fs').then((fs) => fs.readFileSync(reqFile)));
    const res = await fetch(`${running.url}/ocsp/${encodeURIComponent(toBase64(der))}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toMatch(/max-age=\d+/);
    const respFile = dir.write('resp.der', new Uint8Array(await res.arrayBuffer()));
    const r = await openssl([
      'ocsp',
      '-respin',
      respFile,
      '-issuer',
      files.issuing!,
      '-cert',
      files.revoked!,
      '-CAfile',
      files.root!,
    ]);
    expect(r.out).toContain('Response verify OK');
    expect(r.out).toMatch(await expectedLine('revoked'));
  });

  it('never answers good after a revocation returned (cached and live)', async () => {
    expect(await ocsp(['later'], ['-no_nonce'])).toMatch(/later\.pem: good/); // now cached as good
    source.revoke(ISSUING_ID, certs.later!.serialHex, { reason: 'cessationOfOperation' });
    expect(await ocsp(['later'], ['-no_nonce'])).toMatch(await expectedLine('later'));
    expect(await ocsp(['later'])).toMatch(/later\.pem: revoked/);
  });

  it('keeps serving after malformed, truncated, wrong-version, huge and random requests', async () => {
    const ok = await createOcspRequest({
      certificate: certs.good!.der,
      issuer: h.issuing.cert.der,
      nonce: false,
    });
    const wrongVersion = Uint8Array.from(ok.der);
    // Insert an explicit version 2 ([0] { INTEGER 1 }) at the start of TBSRequest.
    const tbs = wrongVersion.subarray(2);
    const withVersion = Uint8Array.from([
      0x30,
      tbs[1]! + 5,
      0xa0,
      0x03,
      0x02,
      0x01,
      0x01,
      ...tbs.subarray(2),
    ]);
    const bodies = [
      ok.der.subarray(0, ok.der.length - 7),
      Uint8Array.from([0x30, withVersion.length, ...withVersion]),
      Uint8Array.from({ length: 300 }, (_, i) => (i * 73 + 11) & 0xff),
      new Uint8Array(0),
    ];
    for (const body of bodies) {
      const res = await fetch(`${running.url}/ocsp`, {
        method: 'POST',
        headers: { 'content-type': 'application/ocsp-request' },
        body: body as Uint8Array<ArrayBuffer>,
      });
      expect(res.status).toBe(200);
      expect(new Uint8Array(await res.arrayBuffer())).toEqual(Uint8Array.of(0x30, 0x03, 0x0a, 0x01, 0x01));
    }
    const huge = await fetch(`${running.url}/ocsp`, {
      method: 'POST',
      headers: { 'content-type': 'application/ocsp-request' },
      body: new Uint8Array(1 << 20),
    }).catch(() => undefined); // the server may close the connection after answering 413
    if (huge) expect(huge.status).toBe(413);
    const longGet = await fetch(`${running.url}/ocsp/${'A'.repeat(12_000)}`);
    expect(longGet.status).toBe(200);
    expect(new Uint8Array(await longGet.arrayBuffer())).toEqual(Uint8Array.of(0x30, 0x03, 0x0a, 0x01, 0x01));
    expect(await ocsp(['good'])).toMatch(/good\.pem: good/);
  });

  it('passes openssl verify -crl_check and -crl_check_all with the downloaded CRLs; deltas with -use_deltas', async () => {
    const download = async (path: string, name: string) => {
      const res = await fetch(running.url + path);
      expect(res.headers.get('content-type')).toBe('application/pkix-crl');
      return dir.write(name, toPem(new Uint8Array(await res.arrayBuffer()), 'X509 CRL'));
    };
    const issuingCrl = await download(`/crl/${ISSUING_ID}.crl`, 'issuing.crl.pem');
    const rootCrl = await download(`/crl/${ROOT_ID}.crl`, 'root.crl.pem');
    const verify = (name: string, extra: string[]) =>
      runTool('openssl', [
        'verify',
        '-CAfile',
        files.root!,
        '-untrusted',
        files.issuing!,
        ...extra,
        files[name]!,
      ]);

    expect(verify('good', ['-crl_check', '-CRLfile', issuingCrl]).stdout).toContain(': OK');
    const rev = verify('revoked', ['-crl_check', '-CRLfile', issuingCrl]);
    expect(rev.status).not.toBe(0);
    expect(rev.stdout + rev.stderr).toContain('certificate revoked');
    const held = verify('held', ['-crl_check', '-CRLfile', issuingCrl]);
    expect(held.stdout + held.stderr).toContain('certificate revoked');
    // -crl_check_all needs the root's CRL too.
    const noRootCrl = verify('good', ['-crl_check_all', '-CRLfile', issuingCrl]);
    expect(noRootCrl.stdout + noRootCrl.stderr).toContain('unable to get certificate CRL');
    expect(verify('good', ['-crl_check_all', '-CRLfile', issuingCrl, '-CRLfile', rootCrl]).stdout).toContain(
      ': OK',
    );

    // A revocation after the full CRL appears in the next delta only.
    source.revoke(ISSUING_ID, certs.deltaOnly!.serialHex, { reason: 'superseded' });
    await source.publishCrl(
      ISSUING_ID,
      await h.signCrl('issuing', {
        crlNumber: 2n,
        deltaOf: 1n,
        entries: [{ serial: certs.deltaOnly!.serialHex, revocationDate: new Date(), reason: 'superseded' }],
      }),
    );
    const deltaCrl = await download(`/crl/${ISSUING_ID}-delta.crl`, 'issuing-delta.crl.pem');
    expect(verify('deltaOnly', ['-crl_check', '-CRLfile', issuingCrl]).stdout).toContain(': OK');
    const withDelta = verify('deltaOnly', [
      '-crl_check',
      '-use_deltas',
      '-CRLfile',
      issuingCrl,
      '-CRLfile',
      deltaCrl,
    ]);
    expect(withDelta.stdout + withDelta.stderr).toContain('certificate revoked');
    expect(
      verify('good', ['-crl_check', '-use_deltas', '-CRLfile', issuingCrl, '-CRLfile', deltaCrl]).stdout,
    ).toContain(': OK');
  });
});
