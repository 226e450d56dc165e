/**
 * End to end: the TSA of the stack as `kzpki start` runs it (`startServices`: the CA certifies the
 * TSA at initialisation and seals its key under the status passphrase; the status service loads it
 * from the store and answers `POST /tsp`), with no key files given to anyone. A key file comes from
 * the stack's CA through the real issuance flow (`kzpki testpack`); `kzpki cms sign --tsa
 * <status>/tsp` makes a CAdES-T signature; its timestamp verifies with `verifyCms` (imprint = hash
 * of the signature value, policy 1.2.398.3.3.2.6.2, chain to the stack's root) and with
 * `openssl ts -verify` (an implementation we did not write; skipped with the reason where OpenSSL
 * is absent), and `kzpki cms verify` reports it. Beside it the GOST-2015 TSA of the GOST hierarchy
 * answers requests for its policy, or with a Streebog imprint, verified to the GOST root.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PackIndex } from '@kzpki/cli';
import {
  inspectCertificate,
  NCA_TSA_POLICY_OIDS,
  parseCms,
  requestTimestamp,
  TIME_STAMPING_EKU,
  toPem,
  verifyCms,
  verifyTimestampToken,
} from '@kzpki/pki';
import { hasTool, runTool, sealedKeyProblem, tempDir } from '@kzpki/test-fixtures';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServices, type TestServices } from '../src/testing.js';
import { run } from './io.js';

const PASSWORD = 'Qwerty12';
let services: TestServices;
let pack: ReturnType<typeof tempDir>;
let work: ReturnType<typeof tempDir>;
let signature: string;
let rootPem: string;
let issuingPem: string;

beforeAll(async () => {
  services = await startTestServices();
  pack = tempDir('kzpki-tsa-e2e-pack-');
  work = tempDir('kzpki-tsa-e2e-');
  const r = await run([
    'testpack',
    '--ca-url',
    services.caUrl,
    '--out',
    pack.dir,
    '--templates',
    'individual',
    '--states',
    'valid',
    '--json',
  ]);
  expect(r.code, r.stderr).toBe(0);
  const index = JSON.parse(r.stdout) as PackIndex;
  const file = index.entries
    .find((x) => x.role === 'subject' && x.template === 'individual' && x.state === 'valid')
    ?.files.find((x) => x.purpose === 'sign')?.file;
  if (!file) throw new Error('no individual SIGN key file in the pack');

  const m = services.ca.context.material;
  rootPem = join(work.dir, 'root.pem');
  issuingPem = join(work.dir, 'issuing.pem');
  writeFileSync(rootPem, toPem(m.root.certificate, 'CERTIFICATE'));
  writeFileSync(issuingPem, toPem(m.issuing.certificate, 'CERTIFICATE'));
  const data = join(work.dir, 'contract.txt');
  writeFileSync(data, 'Договор №7 / contract 7: signed with a timestamp from the stack TSA\n');
  signature = join(work.dir, 'contract.p7s');
  const signed = await run([
    'cms',
    'sign',
    '--key',
    join(pack.dir, file),
    '--password',
    PASSWORD,
    '--in',
    data,
    '--out',
    signature,
    '--tsa',
    `${services.statusUrl}/tsp`,
    '--json',
  ]);
  expect(signed.code, signed.stderr).toBe(0);
  expect(JSON.parse(signed.stdout)).toMatchObject({ timestamped: true });
}, 180_000);

afterAll(async () => {
  await services?.stop();
  pack?.dispose();
  work?.dispose();
});

describe('the stack TSA (kzpki start)', () => {
  it('is certified by the CA and held by the status service only: its key is sealed, not on disk', async () => {
    const m = services.ca.context.material;
    const records = await services.ca.context.store.listTimestampSigners();
    expect(records.map((r) => [r.policy, r.issuerSkiHex]).sort()).toEqual(
      [
        [NCA_TSA_POLICY_OIDS.rsa, m.issuing.skiHex],
        [NCA_TSA_POLICY_OIDS.gost2015, m.gostIssuing.skiHex],
      ].sort(),
    );
    for (const record of records) {
      expect(sealedKeyProblem(record.encryptedKey)).toBeUndefined();
      const info = inspectCertificate(record.certificate);
      expect(info.extKeyUsage).toEqual([TIME_STAMPING_EKU]);
      expect(info.policies).toEqual([record.policy]);
    }
  });

  it('answers GOST requests (its policy, or a Streebog imprint) with the GOST-2015 TSA, verified to the GOST root', async () => {
    const m = services.ca.context.material;
    const data = new TextEncoder().encode('a GOST-2015 signature value');
    for (const ask of [
      { hash: 'STREEBOG-512' as const },
      { hash: 'SHA-256' as const, policy: NCA_TSA_POLICY_OIDS.gost2015 },
    ]) {
      const { token, info } = await requestTimestamp({
        url: `${services.statusUrl}/tsp`,
        data,
        certReq: true,
        ...ask,
      });
      expect(info.policy, ask.hash).toBe(NCA_TSA_POLICY_OIDS.gost2015);
      const v = await verifyTimestampToken(token, {
        data,
        trustAnchors: [m.gostRoot.certificate],
        certificates: [m.gostIssuing.certificate],
        policies: [NCA_TSA_POLICY_OIDS.gost2015],
      });
      expect(v.failures, ask.hash).toEqual([]);
      expect(v.valid).toBe(true);
      expect(inspectCertificate(v.tsaCertificate!).keyAlgorithmOid).toBe('1.2.398.3.10.1.1.2.2');
      // Not an RSA-hierarchy token: it does not verify to the RSA root.
      const rsa = await verifyTimestampToken(token, { data, trustAnchors: [m.root.certificate] });
      expect(rsa.valid).toBe(false);
    }
  });

  it('timestamps `kzpki cms sign --tsa`; the timestamp verifies to the stack root with verifyCms', async () => {
    const p7s = new Uint8Array(readFileSync(signature));
    const signer = parseCms(p7s).signers[0]!;
    expect(signer.timestampTokens).toHaveLength(1);
    const report = await verifyCms(p7s, {
      trustAnchors: [services.ca.context.material.root.certificate],
      intermediates: [services.ca.context.material.issuing.certificate],
      timestampPolicies: [NCA_TSA_POLICY_OIDS.rsa],
    });
    const s = report.signers[0]!;
    expect(s.signatureValid).toBe(true);
    expect(s.timestamp).toMatchObject({ valid: true, imprintMatches: true, policy: NCA_TSA_POLICY_OIDS.rsa });
    expect(s.validationTimeSource).toBe('timestamp');
    expect(report.valid).toBe(true);
    // Signed by the TSA the CA certified (its certificate is checked at genTime, revocation included).
    expect(s.timestamp?.tsa).toContain('CN=KZPKI TEST TSA (RSA)');
    expect(s.timestamp?.chain?.valid).toBe(true);
    expect(s.timestamp?.chain?.certificates.map((c) => c.subject)).toHaveLength(3);
  });

  it('is reported by `kzpki cms verify --json` (exit 0)', async () => {
    // The pack's key file holds its own certificate only (as the NCA's), so the signature carries
    // no issuing CA: it is given apart.
    const r = await run([
      'cms',
      'verify',
      '--in',
      signature,
      '--ca',
      rootPem,
      '--intermediate',
      issuingPem,
      '--json',
    ]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const report = JSON.parse(r.stdout) as {
      valid: boolean;
      signers: Array<{ timestamp?: { valid: boolean; policy?: string } }>;
    };
    expect(report.valid).toBe(true);
    expect(report.signers[0]?.timestamp).toMatchObject({ valid: true, policy: NCA_TSA_POLICY_OIDS.rsa });
  });

  it.skipIf(!hasTool('openssl'))(
    '`openssl ts -verify` accepts the timestamp over the signature value, and refuses it over other data',
    () => {
      const signer = parseCms(new Uint8Array(readFileSync(signature))).signers[0]!;
      const token = join(work.dir, 'token.der');
      const value = join(work.dir, 'signature-value.bin');
      const other = join(work.dir, 'other.bin');
      writeFileSync(token, signer.timestampTokens[0]!);
      writeFileSync(value, signer.signature);
      writeFileSync(other, new Uint8Array([...signer.signature].reverse()));
      const text = runTool('openssl', ['ts', '-reply', '-in', token, '-token_in', '-text']);
      expect(text.status, text.stderr).toBe(0);
      expect(text.stdout).toContain(`Policy OID: ${NCA_TSA_POLICY_OIDS.rsa}`);
      const verify = (data: string) =>
        runTool('openssl', [
          'ts',
          '-verify',
          '-data',
          data,
          '-in',
          token,
          '-token_in',
          '-CAfile',
          rootPem,
          '-untrusted',
          issuingPem,
        ]);
      const ok = verify(value);
      expect(`${ok.stdout}${ok.stderr}`).toMatch(/Verification: OK/);
      const bad = verify(other);
      expect(`${bad.stdout}${bad.stderr}`).not.toMatch(/Verification: OK/);
      expect(`${bad.stdout}${bad.stderr}`).toMatch(/message imprint mismatch/i);
    },
  );
});
