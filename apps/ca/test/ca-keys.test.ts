/**
 * The CA's keys at rest and the key separation from the status service: the CA keys under the CA
 * passphrase, the delegated OCSP responders (one per CA) sealed under the status passphrase only,
 * renewal, a changed status passphrase, and the CAs published for the status service. (The store
 * itself is tested in `@kzpki/ca-store`.)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isCaStoreError, openCaStore, ResponderKeyring, type SqliteCaRepository } from '@kzpki/ca-store';
import { inspectCertificate, signData } from '@kzpki/pki';
import { sealedKeyProblem } from '@kzpki/test-fixtures';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CA_FILE_NAMES } from '../src/ca/hierarchy.js';
import { type InitCaOptions, initCa } from '../src/ca/init-ca.js';
import { loadCaMaterial } from '../src/ca/material.js';
import { isCaError } from '../src/errors.js';

const ALGS = {
  root: 'ECDSA-P256',
  issuing: 'ECDSA-P256',
  'ocsp-responder': 'ECDSA-P256',
  'root-ocsp-responder': 'ECDSA-P256',
  operator: 'ECDSA-P256',
} as const;
const BASE: InitCaOptions = {
  passphrase: 'correct horse',
  statusPassphrase: 'battery staple',
  statusBaseUrl: 'http://127.0.0.1:8081',
  keyAlgorithms: ALGS,
};

let dir: string;
let s: SqliteCaRepository;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'kzpki-keys-'));
  s = openCaStore(join(dir, 'ca.sqlite'));
});
afterEach(async () => {
  await s.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('CA keys at rest', () => {
  it('are encrypted under the passphrase; a wrong passphrase or a moved key fails', async () => {
    const first = await initCa(s, BASE);
    expect(first.created).toEqual([
      'root',
      'issuing',
      'operator',
      'gost-root',
      'gost-issuing',
      'root-ocsp-responder',
      'ocsp-responder',
      'gost-root-ocsp-responder',
      'gost-ocsp-responder',
    ]);
    const m = await loadCaMaterial(s, { passphrase: 'correct horse' });
    expect(m.issuing.privateKey.extractable).toBe(false);
    expect(m.issuing.skiHex).toBe(first.material.issuing.skiHex);
    expect(m.ocspResponder.serialHex).toBe(first.material.ocspResponder.serialHex);
    expect(m.ocspResponder).not.toHaveProperty('privateKey');
    expect((await signData(m.issuing.privateKey, new Uint8Array([1, 2, 3]))).length).toBeGreaterThan(0);
    const rows = s.db.prepare('SELECT encrypted_key FROM ca_keys').all() as { encrypted_key: string }[];
    expect(rows).toHaveLength(5); // root, issuing, operator, GOST root and issuing (responders are sealed elsewhere)
    for (const row of rows) expect(sealedKeyProblem(row.encrypted_key)).toBeUndefined();
    await expect(loadCaMaterial(s, { passphrase: 'wrong' })).rejects.toSatisfy((e) =>
      isCaError(e, 'ERR_UNAUTHORIZED'),
    );
    await expect(initCa(s, { ...BASE, passphrase: 'wrong' })).rejects.toSatisfy((e) =>
      isCaError(e, 'ERR_UNAUTHORIZED'),
    );
    // Move the root's ciphertext into the issuing slot: the slot binding (AAD) refuses it.
    s.db.exec(
      "UPDATE ca_keys SET encrypted_key = (SELECT encrypted_key FROM ca_keys WHERE name = 'root') WHERE name = 'issuing'",
    );
    await expect(loadCaMaterial(s, { passphrase: 'correct horse' })).rejects.toSatisfy((e) =>
      isCaError(e, 'ERR_UNAUTHORIZED'),
    );
  });

  it('refuses a status passphrase equal to the CA passphrase', async () => {
    await expect(initCa(s, { ...BASE, statusPassphrase: BASE.passphrase })).rejects.toSatisfy((e) =>
      isCaError(e, 'ERR_VALIDATION'),
    );
    expect(await s.getCaKey('root')).toBeUndefined();
  });
});

describe('OCSP responders for the status service', () => {
  it('are delegated responders of each CA, sealed under the status passphrase only', async () => {
    const { material: m } = await initCa(s, BASE);
    expect(s.db.prepare('SELECT name FROM ca_keys ORDER BY name').pluck().all()).toEqual([
      'gost-issuing',
      'gost-root',
      'issuing',
      'operator',
      'root',
    ]);
    for (const [ca, info] of [
      [m.issuing, m.ocspResponder],
      [m.root, m.rootOcspResponder],
    ] as const) {
      const record = (await s.getOcspResponder(ca.skiHex))!;
      expect(record.certificate).toEqual(info.certificate);
      const cert = inspectCertificate(record.certificate);
      expect(cert.authorityKeyId).toBe(ca.skiHex);
      expect(cert.extKeyUsage).toEqual(['1.3.6.1.5.5.7.3.9']);
      expect(cert.ocspNoCheck).toBe(true);
      expect(cert.isCa).toBe(false);
      const key = await new ResponderKeyring('battery staple').open(record);
      expect((key as CryptoKey).extractable).toBe(false);
      // The CA passphrase does not open it: the two secrets are separate.
      await expect(new ResponderKeyring('correct horse').open(record)).rejects.toSatisfy((e) =>
        isCaStoreError(e, 'ERR_KEY_DECRYPT'),
      );
    }
    // The CAs are published under the URL names written into certificates.
    expect((await s.listIssuers()).map((i) => [i.id, i.role, i.skiHex])).toEqual([
      [CA_FILE_NAMES['gost-root'], 'root', m.gostRoot.skiHex],
      [CA_FILE_NAMES.root, 'root', m.root.skiHex],
      [CA_FILE_NAMES['gost-issuing'], 'issuing', m.gostIssuing.skiHex],
      [CA_FILE_NAMES.issuing, 'issuing', m.issuing.skiHex],
    ]);
  });

  it('are renewed when they near their end, keeping the CA keys', async () => {
    const first = await initCa(s, BASE);
    const later = new Date(Date.now() + 70 * 86_400_000);
    const second = await initCa(s, { ...BASE, now: () => later });
    expect(second.created).toEqual([]);
    expect(second.renewed).toEqual([
      'root-ocsp-responder',
      'ocsp-responder',
      'gost-root-ocsp-responder',
      'gost-ocsp-responder',
    ]);
    expect(second.material.ocspResponder.serialHex).not.toBe(first.material.ocspResponder.serialHex);
    expect(second.material.issuing.serialHex).toBe(first.material.issuing.serialHex);
    const third = await initCa(s, { ...BASE, now: () => later });
    expect([...third.created, ...third.renewed]).toEqual([]);
  });

  it('are issued anew when the status passphrase changes', async () => {
    const first = await initCa(s, BASE);
    const second = await initCa(s, { ...BASE, statusPassphrase: 'a new status secret' });
    expect(second.renewed).toEqual([
      'root-ocsp-responder',
      'ocsp-responder',
      'gost-root-ocsp-responder',
      'gost-ocsp-responder',
    ]);
    const record = (await s.getOcspResponder(first.material.issuing.skiHex))!;
    expect(record.serialHex).toBe(second.material.ocspResponder.serialHex);
    await new ResponderKeyring('a new status secret').open(record);
    await expect(new ResponderKeyring('battery staple').open(record)).rejects.toSatisfy((e) =>
      isCaStoreError(e, 'ERR_KEY_DECRYPT'),
    );
  });
});
