/**
 * The service's configuration from the environment: trust anchors from PEM bundles and DER files,
 * the reference CA's published roots from its store, and `ERR_CONFIG` for what cannot work.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  generateKeyPair,
  issueCertificate,
  issuingCaProfile,
  NCA_OIDS,
  rootCaProfile,
  toPem,
} from '@kzpki/pki';
import { tempDir } from '@kzpki/test-fixtures';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isVerifyError, readCertificateFile, verifyConfigFromEnv } from '../src/index.js';

const name = (cn: string) => [
  { type: NCA_OIDS.attribute.country, value: 'KZ' },
  { type: NCA_OIDS.attribute.commonName, value: cn },
];

let dir: ReturnType<typeof tempDir>;
let root: Uint8Array;
let issuing: Uint8Array;

beforeAll(async () => {
  dir = tempDir('kzpki-verify-config-');
  const rootKeys = await generateKeyPair('RSA-2048');
  root = (
    await issueCertificate({
      publicKey: rootKeys.publicKey,
      issuerKey: rootKeys.privateKey,
      subject: name('CONFIG TEST ROOT'),
      profile: rootCaProfile(),
    })
  ).der;
  const caKeys = await generateKeyPair('RSA-2048');
  issuing = (
    await issueCertificate({
      publicKey: caKeys.publicKey,
      issuer: root,
      issuerKey: rootKeys.privateKey,
      subject: name('CONFIG TEST ISSUING'),
      profile: issuingCaProfile(),
    })
  ).der;
  writeFileSync(join(dir.dir, 'bundle.pem'), toPem(root, 'CERTIFICATE') + toPem(issuing, 'CERTIFICATE'));
  writeFileSync(join(dir.dir, 'root.cer'), root);
  writeFileSync(join(dir.dir, 'junk.pem'), '-----BEGIN CERTIFICATE-----\nMAA=\n-----END CERTIFICATE-----\n');
}, 60_000);

afterAll(() => dir?.dispose());

describe('verifyConfigFromEnv', () => {
  it('reads every certificate of a PEM bundle and a DER file', async () => {
    expect(readCertificateFile(join(dir.dir, 'bundle.pem')).map((d) => Buffer.from(d))).toEqual([
      Buffer.from(root),
      Buffer.from(issuing),
    ]);
    const c = await verifyConfigFromEnv({
      KZPKI_VERIFY_TRUST_ANCHORS: join(dir.dir, 'root.cer'),
      KZPKI_VERIFY_INTERMEDIATES: join(dir.dir, 'bundle.pem'),
      KZPKI_DATA_DIR: join(dir.dir, 'no-such-dir'),
      KZPKI_VERIFY_PORT: '0',
      KZPKI_VERIFY_TSA_POLICIES: '1.2.398.3.3.2.6.2, 1.2.398.3.3.2.6.3',
    });
    expect(c.trustAnchors.map((d) => Buffer.from(d))).toEqual([Buffer.from(root)]);
    expect(c.intermediates).toHaveLength(2);
    expect(c).toMatchObject({
      port: 0,
      host: '127.0.0.1',
      timestampPolicies: ['1.2.398.3.3.2.6.2', '1.2.398.3.3.2.6.3'],
      revocationTimeoutMs: 5000,
      maxBodyBytes: 16 * 1024 * 1024,
      trustedProxies: [],
    });
  });

  it('takes trusted proxies from KZPKI_TRUSTED_PROXIES, or loopback for KZPKI_VERIFY_TRUST_PROXY=1', async () => {
    const base = {
      KZPKI_VERIFY_TRUST_ANCHORS: join(dir.dir, 'root.cer'),
      KZPKI_DATA_DIR: join(dir.dir, 'no-such-dir'),
    };
    expect(
      (await verifyConfigFromEnv({ ...base, KZPKI_TRUSTED_PROXIES: ' loopback, 10.0.0.0/8 ' }))
        .trustedProxies,
    ).toEqual(['loopback', '10.0.0.0/8']);
    expect((await verifyConfigFromEnv({ ...base, KZPKI_VERIFY_TRUST_PROXY: '1' })).trustedProxies).toEqual([
      'loopback',
    ]);
  });

  it('refuses to start without trust anchors, with unreadable files and invalid values', async () => {
    const empty = { KZPKI_DATA_DIR: join(dir.dir, 'no-such-dir') };
    for (const env of [
      empty,
      { ...empty, KZPKI_VERIFY_TRUST_ANCHORS: join(dir.dir, 'missing.pem') },
      { ...empty, KZPKI_VERIFY_TRUST_ANCHORS: join(dir.dir, 'junk.pem') },
      { ...empty, KZPKI_VERIFY_TRUST_ANCHORS: join(dir.dir, 'root.cer'), KZPKI_VERIFY_PORT: '70000' },
      { ...empty, KZPKI_VERIFY_TRUST_ANCHORS: join(dir.dir, 'root.cer'), KZPKI_VERIFY_TSA_POLICIES: 'x.y' },
      {
        ...empty,
        KZPKI_VERIFY_TRUST_ANCHORS: join(dir.dir, 'root.cer'),
        KZPKI_TRUSTED_PROXIES: '10.0.0.0/99',
      },
    ]) {
      const e = await verifyConfigFromEnv(env).catch((x: unknown) => x);
      expect(isVerifyError(e, 'ERR_CONFIG'), JSON.stringify(env)).toBe(true);
    }
  });
});
