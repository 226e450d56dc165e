/**
 * Legal entities' GOST R 34.10-2015 key files through the running stack, as `kzpki start` runs it:
 * `kzpki enroll` writes one `GOST512_<ski>.p12` for a first manager by default, whose key file
 * approves an employee's application (`--approver`) that asks for the older generation's RSA pair
 * (`--key-algorithm RSA-2048`, today's layout). The status service answers OCSP about the GOST
 * certificate with the GOST delegated responder, and after its revocation serves the GOST issuing
 * CA's CRL listing it; responses and CRLs are checked with our verifiers and, signature by
 * signature, with @wavesenterprise/crypto-gost-js (an implementation nobody here wrote).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EnrollReport } from '@kzpki/cli';
import { CabinetSession, openKeyFile } from '@kzpki/client';
import {
  certificateToDer,
  createOcspRequest,
  GostPrivateKey,
  inspectCertificate,
  openPkcs12,
  parseCertificate,
  parseCrl,
  verifyChain,
  verifyCrl,
  verifyOcspResponse,
} from '@kzpki/pki';
import { independentGost512, tempDir } from '@kzpki/test-fixtures';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServices, type TestServices } from '../src/testing.js';
import { run } from './io.js';

/** GOST R 34.10-2012 512 (tc26-512-paramSetA, Streebog-512) in the KZ byte order, by another implementation. */
const independent = independentGost512();

/** x || y (little-endian) of a GOST certificate's key. */
function gostPublicKey(certDer: Uint8Array): Uint8Array {
  const bits = new Uint8Array(
    parseCertificate(certDer).subjectPublicKeyInfo.subjectPublicKey.valueBlock.valueHexView,
  );
  return bits.slice(bits.length - 128);
}

const PASSWORD = 'Qwerty12';
const BIN = '150440000013';
let services: TestServices;
let out: ReturnType<typeof tempDir>;
let ca: Record<string, Uint8Array>;

beforeAll(async () => {
  services = await startTestServices();
  out = tempDir('kzpki-gost-e2e-');
  const list = (await (await fetch(`${services.caUrl}/v1/ca/certificates`)).json()) as {
    certificates: Array<{ name: string; pem: string }>;
  };
  ca = Object.fromEntries(list.certificates.map((c) => [c.name, certificateToDer(c.pem)]));
}, 60_000);

afterAll(async () => {
  await services?.stop();
  out?.dispose();
});

async function ocsp(certificate: Uint8Array) {
  const issuer = ca['gost-issuing'] as Uint8Array;
  const request = await createOcspRequest({ certificate, issuer });
  const res = await fetch(`${services.statusUrl}/ocsp`, {
    method: 'POST',
    headers: { 'content-type': 'application/ocsp-request' },
    body: request.der as BufferSource,
  });
  expect(res.status).toBe(200);
  const der = new Uint8Array(await res.arrayBuffer());
  const result = await verifyOcspResponse(der, { issuer, nonce: request.nonce, certIds: request.certIds });
  expect(result.failures).toEqual([]);
  expect(result.signer).toBe('delegated');
  const responder = inspectCertificate(result.signerCertificate as Uint8Array);
  expect(responder.keyAlgorithm).toBe('GOST-2015-512');
  expect(responder.authorityKeyId).toBe(inspectCertificate(issuer).subjectKeyId);
  expect(responder.ocspNoCheck).toBe(true);
  // The signature over ResponseData, checked by the other implementation.
  expect(
    independent.verify(
      gostPublicKey(result.signerCertificate as Uint8Array),
      result.response.signature as Uint8Array,
      result.response.tbs as Uint8Array,
    ),
  ).toBe(true);
  return result.response.responses[0]?.status.type;
}

describe('GOST key files through the stack', () => {
  it(
    'enroll writes one GOST512 file for a first manager; it approves an RSA pair; OCSP and CRLs answer for it with GOST',
    { timeout: 120_000 },
    async () => {
      const managerDir = join(out.dir, 'manager');
      const r = await run([
        'enroll',
        '--ca-url',
        services.caUrl,
        '--template',
        'first-manager',
        '--iin',
        '780203403451',
        '--bin',
        BIN,
        '--password',
        PASSWORD,
        '--out',
        managerDir,
        '--json',
      ]);
      expect(r.code, r.stderr).toBe(0);
      const report = JSON.parse(r.stdout) as EnrollReport;
      expect(report.files).toHaveLength(1);
      const file = report.files[0]!;
      expect(file.purpose).toBe('auth+sign');
      // The key file, and the GOST chain apart from it in ca/ (issue 13: one certificate per file).
      expect(readdirSync(managerDir).sort()).toEqual([file.fileName, 'ca'].sort());
      expect(report.ca.map((c) => c.name)).toEqual(['gost-issuing', 'gost-root']);
      const p12 = await openPkcs12(readFileSync(file.path), PASSWORD);
      expect(p12.chain).toHaveLength(0);
      const info = inspectCertificate(p12.certificate);
      expect(file.fileName).toBe(`GOST512_${info.subjectKeyId}.p12`);
      expect(p12.signingKey).toBeInstanceOf(GostPrivateKey);
      expect(info).toMatchObject({
        keyAlgorithm: 'GOST-2015-512',
        keyPurpose: 'auth+sign',
        template: 'first-manager',
        iin: '780203403451',
        bin: BIN,
        keyUsage: ['digitalSignature', 'nonRepudiation', 'keyAgreement'],
        policies: ['1.2.398.3.3.2'],
      });
      const chain = await verifyChain({
        certificate: p12.certificate,
        intermediates: [ca['gost-issuing'] as Uint8Array],
        trustAnchors: [ca['gost-root'] as Uint8Array],
      });
      expect(chain.valid).toBe(true);
      expect(await ocsp(p12.certificate)).toBe('good');

      // The GOST key file approves an employee who asks for the older generation's RSA pair.
      const employeeDir = join(out.dir, 'employee');
      const e = await run([
        'enroll',
        '--ca-url',
        services.caUrl,
        '--template',
        'employee',
        '--iin',
        '911212307895',
        '--bin',
        BIN,
        '--password',
        PASSWORD,
        '--out',
        employeeDir,
        '--key-algorithm',
        'RSA-2048',
        '--approver',
        managerDir,
        '--json',
      ]);
      expect(e.code, e.stderr).toBe(0);
      const pair = JSON.parse(e.stdout) as EnrollReport;
      expect(pair.files.map((f) => f.purpose)).toEqual(['auth', 'sign']);
      for (const f of pair.files) {
        expect(f.fileName).toMatch(
          f.purpose === 'auth' ? /^AUTH_RSA256_[0-9a-f]{40}\.p12$/ : /^RSA256_[0-9a-f]{40}\.p12$/,
        );
      }

      // Revoked by its holder: OCSP says so, and the GOST issuing CA's CRL lists it.
      const auth = await openKeyFile(readFileSync(file.path), PASSWORD, 'auth');
      const holder = await CabinetSession.loginWith({ caUrl: services.caUrl, auth });
      await holder.revoke(file.serialHex, 'keyCompromise');
      expect(await ocsp(p12.certificate)).toBe('revoked');
      const url = `${services.statusUrl}/crl/kzpki-test-issuing-gost.crl`;
      expect(info.crlUrls).toEqual([url]);
      let crl = parseCrl(new Uint8Array(await (await fetch(url)).arrayBuffer()));
      for (let i = 0; i < 60 && !crl.find(file.serialHex); i++) {
        await new Promise((done) => setTimeout(done, 500));
        crl = parseCrl(new Uint8Array(await (await fetch(url)).arrayBuffer()));
      }
      expect(crl.find(file.serialHex)?.reason).toBe('keyCompromise');
      expect(await verifyCrl(crl, ca['gost-issuing'] as Uint8Array)).toBe(true);
      expect(
        independent.verify(gostPublicKey(ca['gost-issuing'] as Uint8Array), crl.signature, crl.tbs),
      ).toBe(true);
    },
  );
});
