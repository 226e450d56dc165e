/**
 * The status service never holds a CA private key. The reference CA (apps/ca) runs, issues two
 * individuals' certificates through the public API (`enroll()` of @kzpki/client), revokes one, and
 * signs and publishes its CRLs; then it stops. On a copy of its store with the CA key table and the
 * settings (CA KEK parameters, OTP key) dropped, the status service is started as its own process
 * (`apps/status/dist/main.js`) with the status passphrase only, no CA passphrase in its environment.
 * It must answer OCSP (good and revoked, with the delegated responders), serve the full and delta
 * CRLs of both CAs exactly as the CA published them, the application status route, and timestamps
 * (`POST /tsp`) with the TSA the CA certified, whose key it opens with the status passphrase too.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { CA_FILE_NAMES, type RunningCa, startCa } from '@kzpki/ca';
import { caStorePath, openCaStore, openStatusStore } from '@kzpki/ca-store';
import { devSmsOutbox, type EnrollResult, enroll } from '@kzpki/client';
import {
  createOcspRequest,
  fromBase64,
  inspectCertificate,
  NCA_TSA_POLICY_OIDS,
  parseCrl,
  parseOcspResponse,
  requestTimestamp,
  verifyCrl,
  verifyOcspResponse,
  verifyTimestampToken,
} from '@kzpki/pki';
import { reservePort } from '@kzpki/server-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const CA_PASSPHRASE = 'integration CA passphrase, never given to the status service';
const STATUS_PASSPHRASE = 'integration status passphrase';
const OCSP_SIGNING = '1.3.6.1.5.5.7.3.9';

describe('the status service on a store without the CA keys', () => {
  const dirs: string[] = [];
  let ca: RunningCa | undefined;
  let child: ChildProcess | undefined;
  let statusUrl: string;
  let statusDir: string;
  let stderr = '';
  const enrolled: EnrollResult[] = [];
  let issuingCa: Uint8Array;
  let rootCa: Uint8Array;

  beforeAll(async () => {
    const caDir = mkdtempSync(join(tmpdir(), 'kzpki-split-ca-'));
    statusDir = mkdtempSync(join(tmpdir(), 'kzpki-split-status-'));
    dirs.push(caDir, statusDir);
    // Held until the status process is started: the URL goes into the CA's certificates first.
    const reservation = await reservePort('127.0.0.1');
    const port = reservation.port;
    statusUrl = `http://127.0.0.1:${port}`;

    // --- the CA: two individuals enrolled over its API, one certificate revoked, CRLs published
    ca = await startCa({
      passphrase: CA_PASSPHRASE,
      statusPassphrase: STATUS_PASSPHRASE,
      dataDir: caDir,
      init: { keyAlgorithms: { root: 'RSA-2048', issuing: 'RSA-2048' } },
      config: { statusBaseUrl: statusUrl, sweepIntervalSeconds: 0 },
      crl: { pollIntervalMs: 0 },
      logError: () => {},
    });
    issuingCa = ca.context.material.issuing.certificate;
    rootCa = ca.context.material.root.certificate;
    const outbox = devSmsOutbox(ca.url);
    for (const iin of ['850315300128', '871008401427']) {
      enrolled.push(
        await enroll({
          caUrl: ca.url,
          template: 'individual',
          iin,
          password: 'Qwerty12',
          otp: outbox.otp,
          keyAlgorithm: 'ECDSA-P256',
        }),
      );
    }
    const revoked = enrolled[1]!.keyFiles.find((k) => k.purpose === 'auth')!.certificate;
    const change = await ca.context.store.changeCertificateStatus({
      issuerSkiHex: ca.context.material.issuing.skiHex,
      serialHex: revoked.serialHex,
      change: 'revoked',
      at: new Date(),
      reason: 'keyCompromise',
      audit: { actor: 'test', action: 'certificate.revoked', entity: `certificate:${revoked.serialHex}` },
    });
    expect(change?.status).toBe('revoked');
    await ca.crls.regenerate('full');
    await ca.close();
    ca = undefined;

    // --- the status service's copy: no CA key table, no settings
    copyFileSync(caStorePath(caDir), caStorePath(statusDir));
    const copy = openCaStore(caStorePath(statusDir));
    copy.db.exec('DROP TABLE ca_keys; DROP TABLE settings');
    await copy.close();

    // --- the status service as its own process, with the status passphrase only
    const statusPkg = createRequire(import.meta.url).resolve('@kzpki/status/package.json');
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      KZPKI_DATA_DIR: statusDir,
      KZPKI_STATUS_PASSPHRASE: STATUS_PASSPHRASE,
      KZPKI_STATUS_HOST: '127.0.0.1',
      KZPKI_STATUS_PORT: String(port),
    };
    await reservation.release();
    child = spawn(process.execPath, [join(dirname(statusPkg), 'dist', 'main.js')], {
      env,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    child.stderr!.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    const exited = new Promise<never>((_, reject) =>
      child!.once('exit', (code) => reject(new Error(`the status service exited (${code}): ${stderr}`))),
    );
    exited.catch(() => {}); // after start-up, the exit in afterAll is expected
    const ready = (async () => {
      for (;;) {
        try {
          if ((await fetch(`${statusUrl}/ready`)).status === 200) return;
        } catch {
          // not listening yet
        }
        await new Promise((r) => setTimeout(r, 100));
      }
    })();
    await Promise.race([ready, exited]);
  }, 240_000);

  afterAll(async () => {
    if (child && child.exitCode === null) {
      const gone = new Promise((r) => child!.once('exit', r));
      child.kill('SIGTERM');
      await gone;
    }
    await ca?.close();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('runs on a store that has no CA key table, without the CA passphrase', async () => {
    const store = openStatusStore(caStorePath(statusDir));
    try {
      const tables = store.db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all();
      expect(tables).not.toContain('ca_keys');
      expect(tables).not.toContain('settings');
    } finally {
      await store.close();
    }
    expect(stderr).not.toContain('KZPKI_CA_PASSPHRASE');
  });

  async function ocsp(cert: Uint8Array, issuer: Uint8Array) {
    const req = await createOcspRequest({ certificate: cert, issuer });
    const res = await fetch(`${statusUrl}/ocsp`, {
      method: 'POST',
      headers: { 'content-type': 'application/ocsp-request' },
      body: req.der as Uint8Array<ArrayBuffer>,
    });
    const der = new Uint8Array(await res.arrayBuffer());
    const check = await verifyOcspResponse(der, { issuer, nonce: req.nonce! });
    expect(check.failures).toEqual([]);
    const signer = inspectCertificate(check.signerCertificate!);
    // A delegated responder of that CA, never the CA itself.
    expect(signer.extKeyUsage).toContain(OCSP_SIGNING);
    expect(signer.ocspNoCheck).toBe(true);
    expect(check.signerCertificate).not.toEqual(issuer);
    return parseOcspResponse(der).responses[0]!.status;
  }

  it('answers OCSP with the delegated responders: good, revoked, and the issuing CA by the root', async () => {
    const good = fromBase64(enrolled[0]!.keyFiles[0]!.certificate.der);
    const revoked = fromBase64(enrolled[1]!.keyFiles.find((k) => k.purpose === 'auth')!.certificate.der);
    expect(await ocsp(good, issuingCa)).toEqual({ type: 'good' });
    expect(await ocsp(revoked, issuingCa)).toMatchObject({ type: 'revoked', reason: 'keyCompromise' });
    expect(await ocsp(issuingCa, rootCa)).toEqual({ type: 'good' });
  });

  it('serves the full and delta CRLs of both CAs exactly as the CA published them', async () => {
    const store = openStatusStore(caStorePath(statusDir));
    try {
      const revokedSerial = enrolled[1]!.keyFiles.find((k) => k.purpose === 'auth')!.certificate.serialHex;
      for (const [id, caCert] of [
        [CA_FILE_NAMES.issuing, issuingCa],
        [CA_FILE_NAMES.root, rootCa],
      ] as const) {
        const ski = inspectCertificate(caCert).subjectKeyId!;
        for (const kind of ['full', 'delta'] as const) {
          const res = await fetch(`${statusUrl}/crl/${id}${kind === 'delta' ? '-delta' : ''}.crl`);
          expect(res.status, `${id} ${kind}`).toBe(200);
          expect(res.headers.get('content-type')).toBe('application/pkix-crl');
          const der = new Uint8Array(await res.arrayBuffer());
          expect(der).toEqual((await store.getPublishedCrl(ski, kind))!.der);
          const crl = parseCrl(der);
          expect(await verifyCrl(crl, caCert)).toBe(true);
          expect(crl.isDelta).toBe(kind === 'delta');
          if (id === CA_FILE_NAMES.issuing && kind === 'full') {
            expect(crl.find(revokedSerial)?.reason).toBe('keyCompromise');
          }
        }
      }
    } finally {
      await store.close();
    }
  });

  it('serves the application status route', async () => {
    const res = await fetch(`${statusUrl}/api/v1/applications/${enrolled[0]!.applicationNumber}`);
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.application).toMatchObject({
      number: enrolled[0]!.applicationNumber,
      template: 'individual',
      status: 'installed',
    });
    // Masked: anyone with the number reads this page (issue 10 #12).
    expect(body.user.iin).toBe('********0128');
  });

  it('timestamps with the TSA the CA certified (POST /tsp), its key opened with the status passphrase', async () => {
    const data = new TextEncoder().encode('a signature value to timestamp');
    const { token, info } = await requestTimestamp({
      url: `${statusUrl}/tsp`,
      data,
      hash: 'SHA-256',
      certReq: true,
    });
    expect(info.policy).toBe(NCA_TSA_POLICY_OIDS.rsa);
    const v = await verifyTimestampToken(token, {
      data,
      trustAnchors: [rootCa],
      certificates: [issuingCa],
      policies: [NCA_TSA_POLICY_OIDS.rsa],
    });
    expect(v.failures).toEqual([]);
    expect(v.valid).toBe(true);
    // A TSA certificate of the issuing CA, never a CA key.
    const tsa = inspectCertificate(v.tsaCertificate!);
    expect(tsa.extKeyUsage).toEqual(['1.3.6.1.5.5.7.3.8']);
    expect(tsa.authorityKeyId).toBe(inspectCertificate(issuingCa).subjectKeyId);
    expect(tsa.isCa).toBe(false);
  });
});
