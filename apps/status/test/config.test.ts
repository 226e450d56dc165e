import { utimesSync } from 'node:fs';
import { exportPkcs8, toPem } from '@kzpki/pki';
import { tempDir } from '@kzpki/test-fixtures';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { statusConfigFromEnv } from '../src/config.js';
import { startStatus } from '../src/server.js';
import { makeHierarchy, type TestHierarchy } from './support/hierarchy.js';

describe('statusConfigFromEnv', () => {
  let h: TestHierarchy;
  let dir: ReturnType<typeof tempDir>;

  beforeAll(async () => {
    h = await makeHierarchy();
    dir = tempDir('kzpki-status-config-');
  });
  afterAll(() => dir?.dispose());

  it('defaults to the CA store beside the CA, warning about the development status passphrase', () => {
    const warnings: string[] = [];
    const c = statusConfigFromEnv({ KZPKI_CA_PASSPHRASE: 'the CA passphrase is not read' }, (m) =>
      warnings.push(m),
    );
    expect(c).toMatchObject({ host: '127.0.0.1', port: 8081, publicUrl: 'http://127.0.0.1:8081' });
    expect(warnings.join()).toContain('KZPKI_STATUS_PASSPHRASE');
    const quiet: string[] = [];
    const d = statusConfigFromEnv(
      {
        KZPKI_STATUS_PASSPHRASE: 'x',
        KZPKI_STATUS_PORT: '9999',
        KZPKI_STATUS_PUBLIC_URL: 'https://status.example.kz/',
      },
      (m) => quiet.push(m),
    );
    expect(quiet).toEqual([]);
    expect(d).toMatchObject({ port: 9999, publicUrl: 'https://status.example.kz' });
  });

  it('refuses the public status passphrase on a network address unless told to accept it', () => {
    for (const host of ['0.0.0.0', '::', '10.1.2.3', 'status.example.kz']) {
      expect(() => statusConfigFromEnv({ KZPKI_STATUS_HOST: host }, () => {})).toThrow(
        expect.objectContaining({
          code: 'ERR_CONFIG',
          message: expect.stringContaining('KZPKI_STATUS_PASSPHRASE'),
        }),
      );
    }
    const warnings: string[] = [];
    const c = statusConfigFromEnv(
      { KZPKI_STATUS_HOST: '0.0.0.0', KZPKI_INSECURE_PUBLIC_PASSPHRASE: '1' },
      (m) => warnings.push(m),
    );
    expect(c.host).toBe('0.0.0.0');
    expect(warnings.join()).toContain('public development passphrase');
    expect(
      statusConfigFromEnv({ KZPKI_STATUS_HOST: '0.0.0.0', KZPKI_STATUS_PASSPHRASE: 'x' }, () => {}).host,
    ).toBe('0.0.0.0');
  });

  it('refuses invalid values with ERR_CONFIG', () => {
    const bad = [
      { KZPKI_STATUS_PORT: '70000' },
      { KZPKI_STATUS_PUBLIC_URL: 'ftp://x' },
      { KZPKI_STATUS_SOURCE: 'postgres' },
      { KZPKI_STATUS_SOURCE: 'offline' },
      { KZPKI_STATUS_SOURCE: 'offline', KZPKI_STATUS_CA_CERT: '/nonexistent.pem' },
      // A CA key is refused outright: the service never holds one.
      { KZPKI_STATUS_SOURCE: 'offline', KZPKI_STATUS_CA_KEY: '/any.key' },
    ];
    for (const env of bad) {
      expect(() => statusConfigFromEnv({ KZPKI_STATUS_PASSPHRASE: 'x', ...env }, () => {})).toThrow(
        expect.objectContaining({ code: 'ERR_CONFIG' }),
      );
    }
  });

  it('runs offline for an external CA from files and follows its index.txt and CRL files', async () => {
    const good = await h.issue();
    const revoked = await h.issue();
    const line = (status: string, rev: string, serial: string) =>
      `${status}\t301231000000Z\t${rev}\t${serial.toUpperCase()}\tunknown\t/CN=${serial}`;
    const index = dir.write(
      'index.txt',
      `${line('V', '', good.serialHex)}\n${line('V', '', revoked.serialHex)}\n`,
    );
    const c = statusConfigFromEnv(
      {
        KZPKI_STATUS_SOURCE: 'offline',
        KZPKI_STATUS_ISSUER_ID: 'partner-ca',
        KZPKI_STATUS_CA_CERT: dir.write('ca.pem', h.issuing.cert.pem),
        KZPKI_STATUS_CRL: dir.write('ca.crl', await h.signCrl('issuing', { crlNumber: 1n })),
        KZPKI_STATUS_DELTA_CRL: dir.write(
          'ca-delta.crl',
          toPem(await h.signCrl('issuing', { crlNumber: 2n, deltaOf: 1n }), 'X509 CRL'),
        ),
        KZPKI_STATUS_RESPONDER_CERT: dir.write('ocsp.der', h.responder.cert.der),
        KZPKI_STATUS_RESPONDER_KEY: dir.write(
          'ocsp.key',
          toPem(await exportPkcs8(h.responder.keys.privateKey), 'PRIVATE KEY'),
        ),
        KZPKI_STATUS_TRUST_ANCHOR: dir.write('root.pem', h.root.cert.pem),
        KZPKI_STATUS_INDEX: index,
      },
      () => {},
    );
    const source = await c.openSource();
    const m = await source.material();
    expect(m.issuers).toHaveLength(1);
    expect(m.issuers[0]).toMatchObject({ id: 'partner-ca', certificate: h.issuing.cert.der });
    expect(m.issuers[0]!.ocspSigner?.certificate).toEqual(h.responder.cert.der);
    expect((m.issuers[0]!.ocspSigner?.privateKey as CryptoKey | undefined)?.extractable).toBe(false);
    expect(m.issuers[0]).not.toHaveProperty('crlSigner');
    expect(m.trustAnchors).toEqual([h.root.cert.der]);
    expect((await source.lookup('partner-ca', revoked.serialHex))?.state).toBe('good');
    expect((await source.crl('partner-ca', 'full'))?.crlNumber).toBe(1n);
    expect((await source.crl('partner-ca', 'delta'))?.baseCrlNumber).toBe(1n);

    // `openssl ca -revoke` rewrites the file; the service notices the new modification time.
    dir.write(
      'index.txt',
      `${line('V', '', good.serialHex)}\n${line('R', '260101000000Z,keyCompromise', revoked.serialHex)}\n`,
    );
    const later = new Date(Date.now() + 5000);
    utimesSync(index, later, later);
    expect(await c.refresh?.()).toBe(1);
    expect(await c.refresh?.()).toBe(0);
    expect(await source.lookup('partner-ca', revoked.serialHex)).toMatchObject({
      state: 'revoked',
      reason: 'keyCompromise',
    });

    // The CA signs a new full CRL: served from the next refresh on.
    const crlFile = dir.write('ca.crl', await h.signCrl('issuing', { crlNumber: 3n }));
    utimesSync(crlFile, later, later);
    expect(await c.refresh?.()).toBe(1);
    expect((await source.crl('partner-ca', 'full'))?.crlNumber).toBe(3n);
    // A file that is not a CRL of this CA is refused (and the one served stays).
    const wrong = dir.write('ca.crl', await h.signCrl('root', { crlNumber: 4n }));
    utimesSync(wrong, new Date(Date.now() + 10_000), new Date(Date.now() + 10_000));
    await expect(c.refresh?.()).rejects.toMatchObject({ code: 'ERR_CONFIG' });
    expect((await source.crl('partner-ca', 'full'))?.crlNumber).toBe(3n);
  });

  it('runs offline as an OCSP responder only when no CRL is given (ready, no CRL route)', async () => {
    const files = {
      KZPKI_STATUS_SOURCE: 'offline',
      KZPKI_STATUS_ISSUER_ID: 'partner-ca',
      KZPKI_STATUS_CA_CERT: dir.write('ca2.pem', h.issuing.cert.pem),
      KZPKI_STATUS_RESPONDER_CERT: dir.write('ocsp2.der', h.responder.cert.der),
      KZPKI_STATUS_RESPONDER_KEY: dir.write(
        'ocsp2.key',
        toPem(await exportPkcs8(h.responder.keys.privateKey), 'PRIVATE KEY'),
      ),
    };
    expect(() =>
      statusConfigFromEnv(
        { ...files, KZPKI_STATUS_DELTA_CRL: dir.write('d.crl', new Uint8Array([0x30])) },
        () => {},
      ),
    ).toThrow(/KZPKI_STATUS_DELTA_CRL needs KZPKI_STATUS_CRL/);
    const c = statusConfigFromEnv(files, () => {});
    expect(c.refresh).toBeUndefined();
    const source = await c.openSource();
    expect((await source.material()).issuers[0]).toMatchObject({ id: 'partner-ca', crls: false });
    const status = await startStatus({ source, port: 0 });
    try {
      expect((await fetch(`${status.url}/ready`)).status).toBe(200);
      const crl = await fetch(`${status.url}/crl/partner-ca.crl`);
      expect(crl.status).toBe(404);
      expect((await crl.json()).code).toBe('ERR_ISSUER_UNKNOWN');
    } finally {
      await status.close();
    }
  });
});
