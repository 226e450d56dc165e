/**
 * The TSA of `POST /tsp` loaded from the CA store (`timestamp_signers`), as `kzpki start` runs it:
 * the test plays the CA (it issues a TSA certificate from the issuing CA and seals the key under the
 * status KEK, keeping no copy), the status service opens the store read-only with the status
 * passphrase alone. Without a TSA in the store `/tsp` answers 404; with one it grants tokens that
 * verify to the root; a renewed TSA is picked up without a restart; a wrong status passphrase, a
 * certificate that is not a TSA's, or an expired one is not served.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  caStorePath,
  openCaStore,
  openStatusStore,
  type SqliteCaRepository,
  type StatusKek,
  sealTimestampSignerKey,
} from '@kzpki/ca-store';
import {
  exportPkcs8,
  exportSpki,
  generateKeyPair,
  type IssuedCertificate,
  issueCertificate,
  NCA_OIDS,
  NCA_TSA_POLICY_OIDS,
  ocspResponderProfile,
  requestTimestamp,
  tsaCertificateProfile,
  verifyTimestampToken,
} from '@kzpki/pki';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningStatusServer, type StatusServer, startStatus } from '../src/server.js';
import { CaStoreStatusSource } from '../src/source/ca-store-source.js';
import { publishHierarchy, testStatusKek } from './support/ca-store.js';
import { makeHierarchy, type TestHierarchy } from './support/hierarchy.js';

const STATUS_PASSPHRASE = 'status-tsa-test-passphrase';

describe('the TSA from the CA store', () => {
  let dir: string;
  let h: TestHierarchy;
  let kek: StatusKek;
  let caStore: SqliteCaRepository;
  let status: RunningStatusServer & { server: StatusServer };

  /** What the CA does (apps/ca, timestamp-signers.ts): issue, seal under the status KEK, store. */
  async function putTsa(
    opts: { profile?: 'tsa' | 'ocsp'; validity?: { notBefore: Date; notAfter: Date } } = {},
  ): Promise<IssuedCertificate> {
    const keys = await generateKeyPair('ECDSA-P256', { extractable: true });
    const cert = await issueCertificate({
      publicKey: keys.publicKey,
      subject: [
        { type: NCA_OIDS.attribute.country, value: 'KZ' },
        { type: NCA_OIDS.attribute.commonName, value: 'KZPKI TEST TSA (STORE)' },
      ],
      profile:
        opts.profile === 'ocsp'
          ? ocspResponderProfile()
          : { ...tsaCertificateProfile(), policies: [NCA_TSA_POLICY_OIDS.rsa] },
      issuer: h.issuing.cert.der,
      issuerKey: h.issuing.keys.privateKey,
      ...(opts.validity ? { validity: opts.validity } : {}),
    });
    const pkcs8 = await exportPkcs8(keys.privateKey);
    const spki = await exportSpki(keys.publicKey);
    await caStore.putTimestampSigner(
      {
        issuerSkiHex: h.issuing.cert.subjectKeyId,
        policy: NCA_TSA_POLICY_OIDS.rsa,
        certificate: cert.der,
        serialHex: cert.serialHex,
        skiHex: cert.subjectKeyId,
        notAfter: cert.notAfter,
        encryptedKey: sealTimestampSignerKey(
          kek,
          pkcs8,
          h.issuing.cert.subjectKeyId,
          NCA_TSA_POLICY_OIDS.rsa,
          cert.subjectKeyId,
        ),
        createdAt: new Date(),
      },
      {
        serialHex: cert.serialHex,
        issuerSkiHex: h.issuing.cert.subjectKeyId,
        status: 'good',
        notBefore: cert.notBefore,
        notAfter: cert.notAfter,
        der: cert.der,
        spkiSha256: createHash('sha256').update(spki).digest('hex'),
        subject: 'CN=KZPKI TEST TSA (STORE)',
        skiHex: cert.subjectKeyId,
        kind: 'service',
        createdAt: new Date(),
      },
      { actor: 'status-test', action: 'ca.tsa-created', entity: 'tsa:tsa' },
    );
    pkcs8.fill(0);
    return cert;
  }

  async function stamp(url: string) {
    const data = new TextEncoder().encode('a signature value');
    const { token, info } = await requestTimestamp({
      url: `${url}/tsp`,
      data,
      hash: 'SHA-256',
      certReq: true,
    });
    const v = await verifyTimestampToken(token, {
      data,
      trustAnchors: [h.root.cert.der],
      policies: [NCA_TSA_POLICY_OIDS.rsa],
    });
    return { info, v };
  }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'kzpki-status-tsa-'));
    h = await makeHierarchy();
    kek = await testStatusKek(STATUS_PASSPHRASE);
    caStore = openCaStore(caStorePath(dir));
    await publishHierarchy(caStore, h, kek);
    const source = await CaStoreStatusSource.open({ dataDir: dir, passphrase: STATUS_PASSPHRASE });
    status = await startStatus({ source, port: 0, closeSource: true, materialRefreshMs: 0 });
  }, 120_000);

  afterAll(async () => {
    await status?.close();
    await caStore?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('answers 404 while the store holds no TSA, then serves the one the CA certified, without a restart', async () => {
    expect(status.server.material.timestampSigners).toBeUndefined();
    const none = await fetch(`${status.url}/tsp`, {
      method: 'POST',
      headers: { 'content-type': 'application/timestamp-query' },
      body: new Uint8Array([0x30, 0x00]),
    });
    expect(none.status).toBe(404);
    expect(await none.json()).toMatchObject({ code: 'ERR_NOT_FOUND' });

    const first = await putTsa();
    expect(await status.server.reloadSigners()).toBe(true);
    const a = await stamp(status.url);
    expect(a.v.failures).toEqual([]);
    expect(a.v.valid).toBe(true);
    expect(a.info.policy).toBe(NCA_TSA_POLICY_OIDS.rsa);
    expect(a.v.tsaCertificate).toEqual(first.der);
    expect(await status.server.reloadSigners()).toBe(false);

    // Renewal: a new certificate for the same issuer and policy replaces the old one.
    const renewed = await putTsa();
    expect(await status.server.reloadSigners()).toBe(true);
    const b = await stamp(status.url);
    expect(b.v.valid).toBe(true);
    expect(b.v.tsaCertificate).toEqual(renewed.der);
  });

  it('refuses to load with another status passphrase (the TSA key does not open)', async () => {
    const source = await CaStoreStatusSource.open({ dataDir: dir, passphrase: 'not the status passphrase' });
    try {
      await expect(source.material()).rejects.toMatchObject({ code: 'ERR_CONFIG' });
    } finally {
      await source.close();
    }
  });

  it('does not serve a certificate that is not a TSA certificate, nor an expired one', async () => {
    const warnings: string[] = [];
    const read = openStatusStore(caStorePath(dir));
    try {
      const source = new CaStoreStatusSource(read, {
        passphrase: STATUS_PASSPHRASE,
        warn: (m) => warnings.push(m),
      });
      await putTsa({ profile: 'ocsp' });
      expect((await source.material()).timestampSigners).toBeUndefined();
      expect(warnings.join('\n')).toMatch(/not a timestamping certificate/);

      const past = Date.now() - 10 * 86_400_000;
      await putTsa({ validity: { notBefore: new Date(past - 86_400_000), notAfter: new Date(past) } });
      expect((await source.material()).timestampSigners).toBeUndefined();
      expect(warnings.join('\n')).toMatch(/has expired/);

      await putTsa();
      expect((await source.material()).timestampSigners?.map((t) => t.policy)).toEqual([
        NCA_TSA_POLICY_OIDS.rsa,
      ]);
    } finally {
      await read.close();
    }
  });
});
