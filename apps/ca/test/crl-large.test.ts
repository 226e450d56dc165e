/**
 * A full CRL of 1,000,000 entries read from the SQLite store, signed and published, while the
 * process keeps serving (under `kzpki start` the status service shares the CA's event loop): the
 * store is read page by page with yields to the event loop, and `buildCrl` yields while encoding.
 * The timings are printed, not asserted.
 */
import { rmSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { SqliteCaRepository } from '@kzpki/ca-store';
import { parseCrl, verifyCrl } from '@kzpki/pki';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CA_FILE_NAMES } from '../src/ca/hierarchy.js';
import type { CaMaterial } from '../src/ca/material.js';
import { CrlPublisher } from '../src/crl/crl-publisher.js';
import { crlIssuers } from '../src/server.js';
import { addCertificates, templateStore } from './support/crl-store.js';

const ENTRIES = 1_000_000;

describe('a CRL of 1,000,000 entries', () => {
  let dir: string;
  let store: SqliteCaRepository;
  let m: CaMaterial;

  beforeAll(async () => {
    ({ dir, store, m } = await templateStore());
    // Bulk load in one statement (the API would take minutes): 16-octet serials like the CA's,
    // distinct and spread over the space, revoked with a mix of reasons (one in five without).
    store.db
      .prepare(
        `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?)
         INSERT INTO certificates (issuer_ski_hex, serial_hex, kind, subject, ski_hex, spki_sha256, der,
           not_before, not_after, status, revoked_at, reason, status_seq, created_at)
         SELECT ?, printf('%08x%024x', (1073741824 + i * 2654435761) & 4294967295, i), 'end-entity', 'CN=bulk',
           printf('%040x', i), printf('%064x', i), x'3000', '2025-01-01T00:00:00.000Z', '2027-01-01T00:00:00.000Z',
           'revoked', '2026-01-01T00:00:00.000Z',
           CASE i % 5 WHEN 0 THEN 'keyCompromise' WHEN 1 THEN 'affiliationChanged' WHEN 2 THEN 'superseded'
             WHEN 3 THEN 'cessationOfOperation' ELSE NULL END,
           i, '2025-01-01T00:00:00.000Z'
         FROM n`,
      )
      .run(ENTRIES, m.issuing.skiHex);
  }, 300_000);

  afterAll(async () => {
    await store?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('is produced and published while the process keeps answering', async () => {
    await addCertificates(store, m.issuing.skiHex, ['7a01']);
    const publisher = new CrlPublisher({
      store,
      issuers: crlIssuers(m).filter((i) => i.id === CA_FILE_NAMES.issuing),
      statusBaseUrl: 'http://x',
      schedule: { pollIntervalMs: 0 },
    });
    const histogram = monitorEventLoopDelay({ resolution: 5 });
    let building = true;
    let answeredDuringBuild = 0;
    // What the status service does on every OCSP request: a status lookup in the same store.
    const client = (async () => {
      while (building) {
        const r = await store.getCertificateStatus(m.issuing.skiHex, '7a01');
        if (building && r?.status === 'good') answeredDuringBuild++;
        await new Promise((r) => setTimeout(r, 1));
      }
    })();
    histogram.enable();
    const started = performance.now();
    await publisher.regenerate('full');
    const seconds = (performance.now() - started) / 1000;
    building = false;
    histogram.disable();
    await client;
    await publisher.stop();

    const full = (await publisher.latest(CA_FILE_NAMES.issuing, 'full'))!;
    console.log(
      `[crl-large] ${ENTRIES} entries, ${(full.der.length / 1e6).toFixed(1)} MB full CRL (+ delta) read, signed and published in ${seconds.toFixed(2)} s; ` +
        `event-loop delay p50 ${(histogram.percentile(50) / 1e6).toFixed(1)} ms, p99 ${(histogram.percentile(99) / 1e6).toFixed(1)} ms, ` +
        `max ${(histogram.max / 1e6).toFixed(1)} ms; ${answeredDuringBuild} status lookups answered meanwhile`,
    );
    expect(full.entries).toBe(ENTRIES);
    expect(answeredDuringBuild).toBeGreaterThan(0);
    const crl = parseCrl(full.der);
    expect(crl.entryCount).toBe(ENTRIES);
    expect(crl.entryAt(ENTRIES - 1).serialHex).toHaveLength(32);
    expect(crl.find(crl.entryAt(ENTRIES - 1).serialHex)?.reason).toBe('keyCompromise');
    expect(await verifyCrl(crl, m.issuing.certificate)).toBe(true);
  }, 300_000);
});
