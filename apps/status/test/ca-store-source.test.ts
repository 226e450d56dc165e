/**
 * The status service over the reference CA's real SQLite store, opened the way a deployment does:
 * the CA writes through its own connection, the status service reads through another one
 * (`CaStoreStatusSource.open`), and OpenSSL asks over HTTP.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CA_FILE_NAMES,
  type CaMaterial,
  type CaRepository,
  caStorePath,
  initCa,
  openCaStore,
} from '@kzpki/ca';
import {
  createOcspRequest,
  type IssuedCertificate,
  inspectCertificate,
  parseCrl,
  toPem,
  verifyOcspResponse,
} from '@kzpki/pki';
import { hasTool } from '@kzpki/test-fixtures';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OpenApiValidator } from '../src/http/openapi.js';
import { type RunningStatusServer, type StatusServer, startStatus } from '../src/server.js';
import { CaStoreStatusSource } from '../src/source/ca-store-source.js';
import { TEST_AUDIT as audit, seedCaStore } from './support/ca-store.js';

const PASSPHRASE = 'status-test-passphrase';
const STATUS_URL = 'http://127.0.0.1:8081';
const NUMBER = '27888601100404';

function openssl(args: string[]): Promise<string> {
  return new Promise((resolve) => {
    execFile('openssl', args, { timeout: 30_000 }, (_e, stdout, stderr) => resolve(`${stdout}\n${stderr}`));
  });
}

describe('CaStoreStatusSource over the CA store', () => {
  let dir: string;
  let caStore: CaRepository;
  let ca: CaMaterial;
  let status: RunningStatusServer & { server: StatusServer };
  const issued: IssuedCertificate[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'kzpki-status-ca-'));
    caStore = openCaStore(caStorePath(dir));
    ({ material: ca } = await initCa(caStore, {
      passphrase: PASSPHRASE,
      statusBaseUrl: STATUS_URL,
      keyAlgorithms: { root: 'RSA-2048', issuing: 'RSA-2048' },
    }));
    issued.push(...(await seedCaStore(caStore, ca, { number: NUMBER, count: 2, statusUrl: STATUS_URL })));

    // The status service opens the database on its own, as beside a running CA.
    const source = await CaStoreStatusSource.open({ dataDir: dir, passphrase: PASSPHRASE });
    status = await startStatus({
      source,
      port: 0,
      publicUrl: STATUS_URL,
      closeSource: true,
      // Only the test's explicit regenerations: a debounced one landing between two of them (on a
      // slow machine) would move the full CRL number the delta assertion compares with.
      crl: { debounceMs: 3_600_000 },
    });
  }, 120_000);

  afterAll(async () => {
    await status?.close();
    await caStore?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('publishes CRLs and CA certificates at the URLs the CA writes into its certificates', async () => {
    const info = inspectCertificate(issued[0]!.der);
    for (const url of [...info.crlUrls, ...info.deltaCrlUrls, ...info.caIssuerUrls]) {
      const path = url.slice(STATUS_URL.length);
      const res = await fetch(status.url + path);
      expect({ path, status: res.status }).toEqual({ path, status: 200 });
    }
    expect(info.ocspUrls).toEqual([`${STATUS_URL}/ocsp`]);
    const crl = parseCrl(
      new Uint8Array(await (await fetch(`${status.url}/crl/${CA_FILE_NAMES.issuing}.crl`)).arrayBuffer()),
    );
    expect(crl.authorityKeyId).toBe(ca.issuing.skiHex);
    expect(crl.entryCount).toBe(0);
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
    expect(body.user).toMatchObject({ iin: '871008401427', kind: 'individual' });
    expect(body.history.map((h: { status: string }) => h.status)).toContain('issued');
  });

  it.skipIf(!hasTool('openssl'))(
    'sees revocations, holds and releases made through the CA connection at once (OCSP) and in the CRLs',
    async () => {
      const files = {
        root: join(dir, 'root.pem'),
        issuing: join(dir, 'issuing.pem'),
        auth: join(dir, 'auth.pem'),
        sign: join(dir, 'sign.pem'),
      };
      writeFileSync(files.root, toPem(ca.root.certificate, 'CERTIFICATE'));
      writeFileSync(files.issuing, toPem(ca.issuing.certificate, 'CERTIFICATE'));
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
        issuerSkiHex: ca.issuing.skiHex,
        serialHex: issued[0]!.serialHex,
        change: 'revoked',
        at: new Date(),
        reason: 'keyCompromise',
        audit,
      });
      out = await ask(files.auth, ['-no_nonce']);
      expect(out).toMatch(/auth\.pem: revoked[\s\S]*Reason: keyCompromise/);

      await caStore.changeCertificateStatus({
        issuerSkiHex: ca.issuing.skiHex,
        serialHex: issued[1]!.serialHex,
        change: 'hold',
        at: new Date(),
        reason: 'certificateHold',
        audit,
      });
      expect(await ask(files.sign)).toMatch(/sign\.pem: revoked[\s\S]*Reason: certificateHold/);
      await status.server.crls.regenerate('full');
      const full = parseCrl(status.server.crls.get(CA_FILE_NAMES.issuing, 'full')!.der);
      expect(full.find(issued[0]!.serialHex)?.reason).toBe('keyCompromise');
      expect(full.find(issued[1]!.serialHex)?.reason).toBe('certificateHold');

      await caStore.changeCertificateStatus({
        issuerSkiHex: ca.issuing.skiHex,
        serialHex: issued[1]!.serialHex,
        change: 'released',
        at: new Date(),
        audit,
      });
      expect(await ask(files.sign, ['-no_nonce'])).toMatch(/sign\.pem: good/);
      await status.server.crls.regenerate('delta');
      const delta = parseCrl(status.server.crls.get(CA_FILE_NAMES.issuing, 'delta')!.der);
      expect(delta.baseCrlNumber).toBe(full.crlNumber);
      expect(delta.find(issued[1]!.serialHex)?.reason).toBe('removeFromCRL');

      // The issuing CA certificate itself: the root answers for it.
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
    const ask = async () => {
      const req = await createOcspRequest({ certificate: issued[0]!.der, issuer: ca.issuing.certificate });
      const res = await fetch(`${status.url}/ocsp`, {
        method: 'POST',
        headers: { 'content-type': 'application/ocsp-request' },
        body: req.der as Uint8Array<ArrayBuffer>,
      });
      const check = await verifyOcspResponse(new Uint8Array(await res.arrayBuffer()), {
        issuer: ca.issuing.certificate,
        nonce: req.nonce!,
      });
      expect(check.failures).toEqual([]);
      return check.signerCertificate!;
    };
    const before = await ask();
    expect(await status.server.reloadSigners()).toBe(false);
    const { renewed } = await initCa(caStore, {
      passphrase: PASSPHRASE,
      statusBaseUrl: STATUS_URL,
      keyAlgorithms: { root: 'RSA-2048', issuing: 'RSA-2048' },
      renewBeforeDays: 10_000,
    });
    expect(renewed).toContain('ocsp-responder');
    expect(await status.server.reloadSigners()).toBe(true);
    const after = await ask();
    expect(after).not.toEqual(before);
  });
});
