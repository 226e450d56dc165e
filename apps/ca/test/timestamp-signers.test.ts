/**
 * The status service's TSAs, certified by the CA at initialisation (`ca/timestamp-signers.ts`): the
 * TSA certificates' profile (id-kp-timeStamping only, critical; the NCA TSA policy; RSA from the RSA
 * issuing CA, GOST-2015 from the GOST one), their keys sealed under the status passphrase only (the
 * CA passphrase does not open them), tokens signed with them verifying to their roots, renewal near
 * the end and on a new status passphrase, and a store initialised before TSAs existed getting them
 * at its next start.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isCaStoreError, openCaStore, ResponderKeyring, type SqliteCaRepository } from '@kzpki/ca-store';
import {
  createTimestampRequest,
  inspectCertificate,
  NCA_TSA_POLICY_OIDS,
  parseTimestampResponse,
  prepareTimestampAuthority,
  TIME_STAMPING_EKU,
  verifyTimestampToken,
} from '@kzpki/pki';
import { sealedKeyProblem } from '@kzpki/test-fixtures';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type InitCaOptions, initCa } from '../src/ca/init-ca.js';
import { TSA_COMMON_NAMES } from '../src/ca/timestamp-signers.js';

const BASE: InitCaOptions = {
  passphrase: 'correct horse',
  statusPassphrase: 'battery staple',
  statusBaseUrl: 'http://127.0.0.1:8081',
  keyAlgorithms: {
    root: 'ECDSA-P256',
    issuing: 'ECDSA-P256',
    'ocsp-responder': 'ECDSA-P256',
    'root-ocsp-responder': 'ECDSA-P256',
    operator: 'ECDSA-P256',
  },
};

let dir: string;
let s: SqliteCaRepository;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'kzpki-tsa-'));
  s = openCaStore(join(dir, 'ca.sqlite'));
});
afterEach(async () => {
  await s.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('the TSA the CA certifies for the status service', () => {
  it('is issued by the RSA issuing CA for timestamping only, under the NCA RSA TSA policy, its key sealed for the status service', async () => {
    const { material, timestampSigners } = await initCa(s, BASE);
    expect(timestampSigners.created).toEqual(['tsa', 'gost-tsa']);
    const records = await s.listTimestampSigners();
    expect(records.map((r) => [r.issuerSkiHex, r.policy]).sort()).toEqual(
      [
        [material.issuing.skiHex, NCA_TSA_POLICY_OIDS.rsa],
        [material.gostIssuing.skiHex, NCA_TSA_POLICY_OIDS.gost2015],
      ].sort(),
    );
    const record = records.find((r) => r.policy === NCA_TSA_POLICY_OIDS.rsa)!;
    const cert = inspectCertificate(record.certificate);
    expect(cert.commonName).toBe(TSA_COMMON_NAMES.tsa);
    expect(cert.authorityKeyId).toBe(material.issuing.skiHex);
    expect(cert.extKeyUsage).toEqual([TIME_STAMPING_EKU]);
    const eku = cert.extensions.find((e) => e.oid === '2.5.29.37');
    expect(eku?.critical).toBe(true);
    expect(cert.policies).toContain(NCA_TSA_POLICY_OIDS.rsa);
    expect(cert.isCa).toBe(false);
    expect(cert.ocspUrls).toEqual(['http://127.0.0.1:8081/ocsp']);
    // On record like every certificate the CA signed (revocable, in the audit log).
    expect((await s.getCertificate(record.serialHex))?.kind).toBe('service');
    expect((await s.listAudit('tsa:tsa')).map((e) => e.action)).toEqual(['ca.tsa-created']);

    // The key: no plain PKCS#8 in the database; the status passphrase opens it, the CA's does not.
    expect(sealedKeyProblem(record.encryptedKey)).toBeUndefined();
    await expect(new ResponderKeyring(BASE.passphrase).openTimestampSigner(record)).rejects.toSatisfy((e) =>
      isCaStoreError(e, 'ERR_KEY_DECRYPT'),
    );
    // A TSA key cannot be passed off as an OCSP responder's (its own slot).
    await expect(new ResponderKeyring(BASE.statusPassphrase!).open(record)).rejects.toSatisfy((e) =>
      isCaStoreError(e, 'ERR_KEY_DECRYPT'),
    );
    const key = await new ResponderKeyring(BASE.statusPassphrase!).openTimestampSigner(record);

    // What the status service does with it: a token that verifies to the root, under the policy.
    const tsa = await prepareTimestampAuthority({
      key,
      certificate: record.certificate,
      chain: [material.issuing.certificate],
      policy: record.policy,
    });
    const data = new TextEncoder().encode('a signature value');
    const request = await createTimestampRequest({ data, hash: 'SHA-256', certReq: true });
    const response = parseTimestampResponse(await tsa.respond(request.der));
    expect(response.status).toBe('granted');
    const v = await verifyTimestampToken(response.token!, {
      data,
      trustAnchors: [material.root.certificate],
      certificates: [material.issuing.certificate],
      policies: [NCA_TSA_POLICY_OIDS.rsa],
    });
    expect(v.failures).toEqual([]);
    expect(v.valid).toBe(true);
  });

  it('has a GOST R 34.10-2015 sibling from the GOST issuing CA, under the NCA GOST TSA policy', async () => {
    const { material } = await initCa(s, BASE);
    const record = (await s.listTimestampSigners()).find((r) => r.policy === NCA_TSA_POLICY_OIDS.gost2015)!;
    const cert = inspectCertificate(record.certificate);
    expect(cert.commonName).toBe(TSA_COMMON_NAMES['gost-tsa']);
    expect(cert.authorityKeyId).toBe(material.gostIssuing.skiHex);
    expect(cert.keyAlgorithmOid).toBe('1.2.398.3.10.1.1.2.2');
    expect(cert.extKeyUsage).toEqual([TIME_STAMPING_EKU]);
    expect(cert.policies).toContain(NCA_TSA_POLICY_OIDS.gost2015);
    const key = await new ResponderKeyring(BASE.statusPassphrase!).openTimestampSigner(record);
    const tsa = await prepareTimestampAuthority({
      key,
      certificate: record.certificate,
      chain: [material.gostIssuing.certificate],
      policy: record.policy,
    });
    const data = new TextEncoder().encode('a GOST signature value');
    const request = await createTimestampRequest({ data, hash: 'STREEBOG-512', certReq: true });
    const response = parseTimestampResponse(await tsa.respond(request.der));
    expect(response.status).toBe('granted');
    const v = await verifyTimestampToken(response.token!, {
      data,
      trustAnchors: [material.gostRoot.certificate],
      certificates: [material.gostIssuing.certificate],
      policies: [NCA_TSA_POLICY_OIDS.gost2015],
    });
    expect(v.failures).toEqual([]);
    expect(v.valid).toBe(true);
  });

  it('is kept while valid, renewed near its end, the old certificate staying on record', async () => {
    const first = await initCa(s, BASE);
    const second = await initCa(s, BASE);
    expect(second.timestampSigners).toMatchObject({ created: [], renewed: [] });
    expect(second.timestampSigners.signers.map((t) => t.serialHex)).toEqual(
      first.timestampSigners.signers.map((t) => t.serialHex),
    );

    const later = new Date(Date.now() + 340 * 86_400_000); // 25 days before the end of 365
    const third = await initCa(s, { ...BASE, now: () => later });
    expect(third.timestampSigners.renewed).toEqual(['tsa', 'gost-tsa']);
    const renewed = (await s.listTimestampSigners()).find((r) => r.policy === NCA_TSA_POLICY_OIDS.rsa)!;
    expect(renewed.serialHex).not.toBe(first.timestampSigners.signers[0]?.serialHex);
    expect(renewed.notAfter.getTime()).toBeGreaterThan(later.getTime() + 300 * 86_400_000);
    expect(await s.getCertificate(first.timestampSigners.signers[0]!.serialHex)).toBeDefined();
    expect((await s.listAudit('tsa:tsa')).map((e) => e.action)).toEqual(['ca.tsa-created', 'ca.tsa-renewed']);
    expect((await s.listAudit('tsa:gost-tsa')).map((e) => e.action)).toEqual([
      'ca.tsa-created',
      'ca.tsa-renewed',
    ]);
  });

  it('gets a new key under a new status passphrase', async () => {
    await initCa(s, BASE);
    const second = await initCa(s, { ...BASE, statusPassphrase: 'a new status secret' });
    expect(second.timestampSigners.renewed).toEqual(['tsa', 'gost-tsa']);
    for (const record of await s.listTimestampSigners()) {
      await new ResponderKeyring('a new status secret').openTimestampSigner(record);
      await expect(new ResponderKeyring('battery staple').openTimestampSigner(record)).rejects.toSatisfy(
        (e) => isCaStoreError(e, 'ERR_KEY_DECRYPT'),
      );
    }
  });

  it('is added to a store initialised before TSAs existed, at its next start', async () => {
    await initCa(s, BASE);
    s.db.exec('DELETE FROM timestamp_signers');
    const next = await initCa(s, BASE);
    expect(next.created).toEqual([]);
    expect(next.timestampSigners.created).toEqual(['tsa', 'gost-tsa']);
    expect((await s.listTimestampSigners()).length).toBe(2);
  });
});
