/**
 * OCSP interop with independent implementations: OpenSSL reads our requests and reads, verifies
 * and matches our responses (with its own requests, nonce included); we read OpenSSL's requests
 * (with and without nonce, SHA-1 and SHA-256) and answer them; GnuTLS ocsptool reads and verifies
 * our responses.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { hasTool, runTool, tempDir } from '@kzpki/test-fixtures';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toHex } from '../../src/der/encoding.js';
import { createOcspRequest, type OcspRequestInfo, parseOcspRequest } from '../../src/ocsp/request.js';
import { buildOcspResponse, type OcspCertStatus } from '../../src/ocsp/response.js';
import { makeTestPki, type TestPki } from '../support/crl-ocsp-test-pki.js';

const hasOcsptool =
  hasTool('certtool') && spawnSync('ocsptool', ['--version'], { stdio: 'ignore' }).error === undefined;

describe.skipIf(!hasTool('openssl'))('OCSP with OpenSSL', () => {
  let pki: TestPki;
  let tmp: ReturnType<typeof tempDir>;
  const path = (f: string) => `${tmp.dir}/${f}`;

  beforeAll(async () => {
    pki = await makeTestPki();
    tmp = tempDir('kzpki-ocsp-');
    for (const k of ['ca', 'leaf', 'leaf2', 'responder'] as const) tmp.write(`${k}.pem`, pki[k].pem);
  });
  afterAll(() => tmp?.dispose());

  /** Our answer for a request: leaf good, leaf2 revoked (certificateHold), anything else unknown. */
  async function answer(
    req: OcspRequestInfo,
    responderId: 'byKey' | 'byName' = 'byKey',
  ): Promise<Uint8Array> {
    const now = new Date(Math.floor(Date.now() / 1000) * 1000 - 1000);
    const statusOf = (serial: string): OcspCertStatus =>
      serial === pki.leaf.serialHex
        ? { type: 'good' }
        : serial === pki.leaf2.serialHex
          ? {
              type: 'revoked',
              revocationTime: new Date(now.getTime() - 3_600_000),
              reason: 'certificateHold',
            }
          : { type: 'unknown' };
    return buildOcspResponse({
      responderCertificate: pki.responder.der,
      responderKey: pki.responder.keys.privateKey,
      responderId,
      responses: req.certIds.map((certId) => ({
        certId,
        status: statusOf(certId.serialHex),
        thisUpdate: now,
        nextUpdate: new Date(now.getTime() + 3_600_000),
      })),
      nonce: req.nonce,
      nonceEncoding: req.nonceEncoding,
    });
  }

  it('openssl ocsp -reqin reads our request (SHA-256, two certificates, nonce)', async () => {
    const req = await createOcspRequest({
      certificates: [
        { certificate: pki.leaf.der, issuer: pki.ca.der },
        { certificate: pki.leaf2.der, issuer: pki.ca.der },
      ],
      hash: 'SHA-256',
    });
    tmp.write('our-req.der', req.der);
    const r = runTool('openssl', ['ocsp', '-reqin', path('our-req.der'), '-req_text']);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('Hash Algorithm: sha256');
    expect(r.stdout).toContain(`Serial Number: ${pki.leaf.serialHex.toUpperCase()}`);
    expect(r.stdout).toContain(`Serial Number: ${pki.leaf2.serialHex.toUpperCase()}`);
    expect(r.stdout).toContain(`Issuer Name Hash: ${req.certIds[0]!.issuerNameHash.toUpperCase()}`);
    expect(r.stdout).toContain(`OCSP Nonce: \n            0408${toHex(req.nonce!).toUpperCase()}`);
  });

  for (const variant of [
    { name: 'SHA-1 with nonce', args: [] as string[], hash: 'SHA-1' },
    { name: 'SHA-1 without nonce', args: ['-no_nonce'], hash: 'SHA-1' },
    { name: 'SHA-256 with nonce', args: ['-sha256'], hash: 'SHA-256' },
  ]) {
    it(`answers an openssl request (${variant.name}); openssl verifies and matches every status`, async () => {
      const tag = variant.name.replace(/\W+/g, '-');
      const mk = runTool('openssl', [
        'ocsp',
        ...variant.args,
        '-issuer',
        path('ca.pem'),
        '-cert',
        path('leaf.pem'),
        '-cert',
        path('leaf2.pem'),
        '-cert',
        path('responder.pem'),
        '-reqout',
        path(`${tag}.req`),
      ]);
      expect(mk.status).toBe(0);
      const req = parseOcspRequest(readFileSync(path(`${tag}.req`)));
      expect(req.certIds.map((c) => c.serialHex)).toEqual([
        pki.leaf.serialHex,
        pki.leaf2.serialHex,
        pki.responder.serialHex,
      ]);
      expect(req.certIds.every((c) => c.hashAlgorithm === variant.hash)).toBe(true);
      if (variant.args.includes('-no_nonce')) expect(req.nonce).toBeUndefined();
      else {
        expect(req.nonce).toHaveLength(16); // OpenSSL's default nonce, OCTET STRING-wrapped
        expect(req.nonceEncoding).toBe('wrapped');
      }
      tmp.write(`${tag}.resp`, await answer(req));
      // With -reqin alone OpenSSL verifies the signature chain and compares the nonces.
      const verify = runTool('openssl', [
        'ocsp',
        '-reqin',
        path(`${tag}.req`),
        '-respin',
        path(`${tag}.resp`),
        '-CAfile',
        path('ca.pem'),
      ]);
      const verified = `${verify.stdout}${verify.stderr}`;
      expect(verified).toContain('Response verify OK');
      expect(verified).not.toMatch(/Nonce Verify error|no nonce in response/);
      // With -cert (which makes OpenSSL build its own CertIDs) it looks each status up.
      const check = runTool('openssl', [
        'ocsp',
        '-respin',
        path(`${tag}.resp`),
        '-CAfile',
        path('ca.pem'),
        '-no_nonce',
        '-issuer',
        path('ca.pem'),
        ...(variant.hash === 'SHA-256' ? ['-sha256'] : []),
        '-cert',
        path('leaf.pem'),
        '-cert',
        path('leaf2.pem'),
        '-cert',
        path('responder.pem'),
      ]);
      const out = `${check.stdout}${check.stderr}`;
      expect(out).toContain('Response verify OK');
      expect(out).toContain(`${path('leaf.pem')}: good`);
      expect(out).toContain(`${path('leaf2.pem')}: revoked`);
      expect(out).toContain('Reason: certificateHold');
      expect(out).toContain(`${path('responder.pem')}: unknown`);
    });
  }

  it('openssl ocsp -respin -resp_text reads a by-name response', async () => {
    const req = await createOcspRequest({ certificate: pki.leaf2.der, issuer: pki.ca.der, hash: 'SHA-256' });
    tmp.write('byname.resp', await answer(parseOcspRequest(req.der), 'byName'));
    const r = runTool('openssl', ['ocsp', '-respin', path('byname.resp'), '-resp_text', '-noverify']);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('OCSP Response Status: successful (0x0)');
    expect(r.stdout).toContain('Responder Id: C = KZ, O = kzpki test, CN = OCSP RESPONDER');
    expect(r.stdout).toContain('Cert Status: revoked');
    expect(r.stdout).toContain('Revocation Reason: certificateHold (0x6)');
    expect(r.stdout).toContain(`OCSP Nonce: \n            0408${toHex(req.nonce!).toUpperCase()}`);
    expect(r.stdout).toContain('Next Update:');
  });

  it('openssl ocsp reads our error responses', () => {
    tmp.write('err.resp', Uint8Array.of(0x30, 0x03, 0x0a, 0x01, 0x06));
    const r = runTool('openssl', ['ocsp', '-respin', path('err.resp'), '-resp_text', '-noverify']);
    expect(`${r.stdout}${r.stderr}`).toContain('unauthorized (6)');
  });

  it.skipIf(!hasOcsptool)('GnuTLS ocsptool reads and verifies our response', async () => {
    const req = await createOcspRequest({ certificate: pki.leaf.der, issuer: pki.ca.der, hash: 'SHA-256' });
    tmp.write('gnutls.resp', await answer(parseOcspRequest(req.der)));
    const info = runTool('ocsptool', ['--response-info', '--inder', '--infile', path('gnutls.resp')]);
    expect(info.status).toBe(0);
    expect(info.stdout).toContain('Response Status: Successful');
    expect(info.stdout).toContain(`Serial Number: ${pki.leaf.serialHex}`);
    expect(info.stdout).toContain('Certificate Status: good');
    expect(info.stdout).toContain(`Nonce: ${toHex(req.nonce!)}`);
    const v = runTool('ocsptool', [
      '--verify-response',
      '--load-signer',
      path('responder.pem'),
      '--inder',
      '--infile',
      path('gnutls.resp'),
    ]);
    expect(`${v.stdout}${v.stderr}`).toContain('Verifying OCSP Response: Success');
  });
});
