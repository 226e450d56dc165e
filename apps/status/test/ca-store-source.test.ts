/**
 * The status service over the CA store (`@kzpki/ca-store`), opened the way a deployment does: the CA
 * writes through its own connection, the status service reads through a read-only one
 * (`CaStoreStatusSource.open`) with the status passphrase only, and OpenSSL asks over HTTP.
 *
 * The store holds no CA private key at all (the test plays the CA and keeps its keys in memory),
 * and a second part runs the service on a copy whose CA key table and settings are dropped: it
 * answers OCSP with the delegated responders, serves the CRLs the CA published and the application
 * status page all the same.
 */
import { execFile } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { caStorePath, openCaStore, type SqliteCaRepository, type StatusKek } from '@kzpki/ca-store';
import {
  type CertificateInfo,
  createOcspRequest,
  type IssuedCertificate,
  inspectCertificate,
  parseCrl,
  parseOcspResponse,
  verifyOcspResponse,
} from '@kzpki/pki';
import { hasTool } from '@kzpki/test-fixtures';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OpenApiValidator } from '../src/http/openapi.js';
import { type RunningStatusServer, type StatusServer, startStatus } from '../src/server.js';
import { CaStoreStatusSource } from '../src/source/ca-store-source.js';
import {
  TEST_AUDIT as audit,
  publishAllCrls,
  publishHierarchy,
  publishStoreCrl,
  renewIssuingResponder,
  seedApplication,
  testStatusKek,
} from './support/ca-store.js';
import { ISSUING_ID, makeHierarchy, ROOT_ID, type TestHierarchy } from './support/hierarchy.js';

const STATUS_PASSPHRASE = 'status-test-passphrase';
const STATUS_URL = 'http://127.0.0.1:8081';
const NUMBER = '27888601100404';

function openssl(args: string[]): Promise<string> {
  return new Promise((resolve) => {
    execFile('openssl', args, { timeout: 30_000 }, (_e, stdout, stderr) => resolve(`${stdout}\n${stderr}`));
  });
}

async function ocspStatus(url: string, cert: IssuedCertificate, issuer: Uint8Array) {
  const req = await createOcspRequest({ certificate: cert.der, issuer });
  const res = await fetch(`${url}/ocsp`, {
    method: 'POST',
    headers: { 'content-type': 'application/ocsp-request' },
    body: req.der as Uint8Array<ArrayBuffer>,
  });
  const der = new Uint8Array(await res.arrayBuffer());
  const check = await verifyOcspResponse(der, { issuer, nonce: req.nonce! });
  expect(check.failures).toEqual([]);
  return { status: parseOcspResponse(der).responses[0]!.status, signer: check.signerCertificate! };
}

describe('CaStoreStatusSource over the CA store', () => {
  let dir: string;
  let h: TestHierarchy;
  let kek: StatusKek;
  let caStore: SqliteCaRepository;
  let status: RunningStatusServer & { server: StatusServer };
  const issued: IssuedCertificate[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'kzpki-status-ca-'));
    h = await makeHierarchy(STATUS_URL);
    kek = await testStatusKek(STATUS_PASSPHRASE);
    caStore = openCaStore(caStorePath(dir));
    await publishHierarchy(caStore, h, kek);
    issued.push(...(await seedApplication(caStore, h, { number: NUMBER, count: 2, statusUrl: STATUS_URL })));
    await publishAllCrls(caStore, h);
    // The status service opens the database on its own, as beside a running CA.
    const source = await CaStoreStatusSource.open({ dataDir: dir, passphrase: STATUS_PASSPHRASE });
    status = await startStatus({ source, port: 0, closeSource: true });
  }, 120_000);

  afterAll(async () => {
    await status?.close();
    await caStore?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('holds only delegated responder keys, opened with the status passphrase alone', async () => {
    // The CA keys are in the store, under the CA passphrase the service is never given.
    expect(await caStore.getCaKey('issuing')).toBeDefined();
    const ids = status.server.material.issuers.map((i) => [
      i.id,
      inspectCertificate(i.ocspSigner!.certificate),
    ]);
    for (const [id, info] of ids as [string, CertificateInfo][]) {
      expect(info.extKeyUsage, id).toContain('1.3.6.1.5.5.7.3.9');
      expect(info.ocspNoCheck, id).toBe(true);
      expect(info.isCa, id).toBe(false);
    }
    expect(status.server.material.trustAnchors).toEqual([h.root.cert.der]);
  });

  it('serves the CRLs the CA published at the URLs written into its certificates', async () => {
    const info = inspectCertificate(issued[0]!.der);
    for (const url of [...info.crlUrls, ...info.deltaCrlUrls, ...info.caIssuerUrls]) {
      const path = url.slice(STATUS_URL.length);
      const res = await fetch(status.url + path);
      expect({ path, status: res.status }).toEqual({ path, status: 200 });
    }
    expect(info.ocspUrls).toEqual([`${STATUS_URL}/ocsp`]);
    const full = await caStore.getPublishedCrl(h.issuing.cert.subjectKeyId, 'full');
    const served = new Uint8Array(await (await fetch(`${status.url}/crl/${ISSUING_ID}.crl`)).arrayBuffer());
    expect(served).toEqual(full!.der);
    expect(parseCrl(served).authorityKeyId).toBe(h.issuing.cert.subjectKeyId);

    // The CA publishes a newer full CRL: the next download has it.
    const next = await publishStoreCrl(caStore, h, 'issuing', 'full', [
      { serial: 'ab01', revocationDate: new Date(), reason: 'superseded' },
    ]);
    const crl = parseCrl(
      new Uint8Array(await (await fetch(`${status.url}/crl/${ISSUING_ID}.crl`)).arrayBuffer()),
    );
    expect(crl.crlNumber).toBe(next);
    expect(crl.find('ab01')?.reason).toBe('superseded');
    const delta = parseCrl(
      new Uint8Array(await (await fetch(`${status.url}/crl/${ISSUING_ID}-delta.crl`)).arrayBuffer()),
    );
    expect(delta.isDelta).toBe(true);
  });

  it('serves the CA application status page in the shape of both specs', async () => {
    const res = await fetch(`${status.url}/api/v1/applications/${NUMBER}`);
    const body = await res.json();
    expect(
      OpenApiValidator.load().checkResponse(
        'getApplicationStatus',
        res.status,
        res.headers.get('content-type')!,
        body,
      ),
    ).toEqual([]);
    expect(body.application).toMatchObject({ number: NUMBER, status: 'issued', template: 'individual' });
    expect(body.application.templateTitle.ru).toBe('Физическое лицо');
    expect(body.user).toMatchObject({ iin: '********1427', kind: 'individual', fullName: 'Т. Т.' });
    expect(body.history.map((h: { status: string }) => h.status)).toEqual(['submitted', 'issued']);
  });

  it('answers for the issuing CA certificate with the root responder, not the root key', async () => {
    const r = await ocspStatus(status.url, h.issuing.cert, h.root.cert.der);
    expect(r.status).toEqual({ type: 'good' });
    expect(r.signer).toEqual(h.rootResponder.cert.der);
  });

  it.skipIf(!hasTool('openssl'))(
    'sees revocations, holds and releases made through the CA connection at once (OCSP)',
    async () => {
      const files = {
        root: join(dir, 'root.pem'),
        issuing: join(dir, 'issuing.pem'),
        auth: join(dir, 'auth.pem'),
        sign: join(dir, 'sign.pem'),
      };
      writeFileSync(files.root, h.root.cert.pem);
      writeFileSync(files.issuing, h.issuing.cert.pem);
      writeFileSync(files.auth, issued[0]!.pem);
      writeFileSync(files.sign, issued[1]!.pem);
      const ask = (cert: string, extra: string[] = []) =>
        openssl([
          'ocsp',
          ...extra,
          '-issuer',
          files.issuing,
          '-cert',
          cert,
          '-url',
          `${status.url}/ocsp`,
          '-CAfile',
          files.root,
        ]);

      let out = await ask(files.auth, ['-no_nonce']);
      expect(out).toContain('Response verify OK');
      expect(out).toMatch(/auth\.pem: good/);

      await caStore.changeCertificateStatus({
        issuerSkiHex: h.issuing.cert.subjectKeyId,
        serialHex: issued[0]!.serialHex,
        change: 'revoked',
        at: new Date(),
        reason: 'keyCompromise',
        audit,
      });
      // The pre-produced "good" answer is never served again.
      out = await ask(files.auth, ['-no_nonce']);
      expect(out).toMatch(/auth\.pem: revoked[\s\S]*Reason: keyCompromise/);

      await caStore.changeCertificateStatus({
        issuerSkiHex: h.issuing.cert.subjectKeyId,
        serialHex: issued[1]!.serialHex,
        change: 'hold',
        at: new Date(),
        reason: 'certificateHold',
        audit,
      });
      expect(await ask(files.sign)).toMatch(/sign\.pem: revoked[\s\S]*Reason: certificateHold/);
      await caStore.changeCertificateStatus({
        issuerSkiHex: h.issuing.cert.subjectKeyId,
        serialHex: issued[1]!.serialHex,
        change: 'released',
        at: new Date(),
        audit,
      });
      expect(await ask(files.sign, ['-no_nonce'])).toMatch(/sign\.pem: good/);

      // The issuing CA certificate itself: the root's delegated responder answers for it.
      const rootOut = await openssl([
        'ocsp',
        '-issuer',
        files.root,
        '-cert',
        files.issuing,
        '-url',
        `${status.url}/ocsp`,
        '-CAfile',
        files.root,
      ]);
      expect(rootOut).toContain('Response verify OK');
      expect(rootOut).toMatch(/issuing\.pem: good/);
    },
  );

  it('switches to a renewed OCSP responder certificate without a restart', async () => {
    const before = (await ocspStatus(status.url, issued[1]!, h.issuing.cert.der)).signer;
    expect(before).toEqual(h.responder.cert.der);
    expect(await status.server.reloadSigners()).toBe(false);
    const renewed = await renewIssuingResponder(caStore, h, kek);
    expect(await status.server.reloadSigners()).toBe(true);
    expect((await ocspStatus(status.url, issued[1]!, h.issuing.cert.der)).signer).toEqual(renewed.der);
  });

  it('refuses to start with another status passphrase (the responder keys do not open)', async () => {
    const source = await CaStoreStatusSource.open({ dataDir: dir, passphrase: 'the CA passphrase, say' });
    try {
      await expect(source.material()).rejects.toMatchObject({ code: 'ERR_CONFIG' });
    } finally {
      await source.close();
    }
  });

  it('runs on a copy of the store without the CA key table and settings', async () => {
    const copyDir = mkdtempSync(join(tmpdir(), 'kzpki-status-nokeys-'));
    let copy: (RunningStatusServer & { server: StatusServer }) | undefined;
    try {
      caStore.db.pragma('wal_checkpoint(TRUNCATE)');
      copyFileSync(caStorePath(dir), caStorePath(copyDir));
      const db = new Database(caStorePath(copyDir));
      db.exec('DROP TABLE ca_keys; DROP TABLE settings');
      db.close();
      copy = await startStatus({
        source: await CaStoreStatusSource.open({ dataDir: copyDir, passphrase: STATUS_PASSPHRASE }),
        port: 0,
        closeSource: true,
      });
      expect((await ocspStatus(copy.url, issued[0]!, h.issuing.cert.der)).status).toMatchObject({
        type: 'revoked',
        reason: 'keyCompromise',
      });
      expect((await ocspStatus(copy.url, issued[1]!, h.issuing.cert.der)).status).toEqual({ type: 'good' });
      expect((await ocspStatus(copy.url, h.issuing.cert, h.root.cert.der)).status).toEqual({ type: 'good' });
      for (const [id, kind] of [
        [ISSUING_ID, 'full'],
        [ISSUING_ID, 'delta'],
        [ROOT_ID, 'full'],
        [ROOT_ID, 'delta'],
      ] as const) {
        const res = await fetch(`${copy.url}/crl/${id}${kind === 'delta' ? '-delta' : ''}.crl`);
        expect(res.status, `${id} ${kind}`).toBe(200);
        expect(parseCrl(new Uint8Array(await res.arrayBuffer())).isDelta).toBe(kind === 'delta');
      }
      const app = await fetch(`${copy.url}/api/v1/applications/${NUMBER}`);
      expect(app.status).toBe(200);
      expect((await app.json()).application.status).toBe('issued');
      const ready = await fetch(`${copy.url}/ready`);
      expect(ready.status).toBe(200);
    } finally {
      await copy?.close();
      rmSync(copyDir, { recursive: true, force: true });
    }
  });
});
