import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createOcspRequest, parseCrl, verifyCrl } from '@kzpki/pki';
import { beforeAll, describe, expect, it } from 'vitest';
import { CrlPublisher } from '../src/crl/crl-publisher.js';
import { OcspResponder } from '../src/ocsp/responder.js';
import { MemoryStatusSource } from '../src/source/memory-source.js';
import { ISSUING_ID, makeHierarchy, type TestHierarchy } from './support/hierarchy.js';

const ENTRIES = 1_000_000;

describe('a CRL of 1,000,000 entries', () => {
  let h: TestHierarchy;
  let source: MemoryStatusSource;

  beforeAll(async () => {
    h = await makeHierarchy();
    source = new MemoryStatusSource({
      issuers: h.material.issuers.filter((i) => i.id === ISSUING_ID),
      trustAnchors: [],
    });
    const at = new Date('2026-01-01T00:00:00Z');
    const reasons = [
      'keyCompromise',
      'affiliationChanged',
      'superseded',
      'cessationOfOperation',
      undefined,
    ] as const;
    for (let i = 0; i < ENTRIES; i++) {
      // 16-octet serials like the CA's, distinct and spread over the space.
      const serial = `${(0x40000000 + i * 2654435761).toString(16).padStart(8, '0').slice(-8)}${i.toString(16).padStart(24, '0')}`;
      source.revoke(ISSUING_ID, serial, { revokedAt: at, reason: reasons[i % reasons.length] });
    }
  }, 120_000);

  it('is produced while the server keeps answering OCSP requests', async () => {
    const publisher = new CrlPublisher({
      source,
      issuers: await source.material().then((m) => m.issuers),
      publicUrl: 'http://x',
    });
    const responder = await OcspResponder.create({ source, issuers: (await source.material()).issuers });
    const cert = await h.issue();
    source.addCertificate(ISSUING_ID, cert.serialHex);
    const req = await createOcspRequest({ certificate: cert.der, issuer: h.issuing.cert.der, nonce: false });
    await responder.respond(req.der, 'warm'); // first answer signs; later ones come from the cache

    const histogram = monitorEventLoopDelay({ resolution: 5 });
    let building = true;
    let answeredDuringBuild = 0;
    const client = (async () => {
      while (building) {
        const a = await responder.respond(req.der, 'warm');
        if (building && a.outcome === 'successful') answeredDuringBuild++;
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

    const full = publisher.get(ISSUING_ID, 'full')!;
    console.log(
      `[crl-large] ${ENTRIES} entries, ${(full.der.length / 1e6).toFixed(1)} MB full CRL (+ delta) in ${seconds.toFixed(2)} s; ` +
        `event-loop delay p50 ${(histogram.percentile(50) / 1e6).toFixed(1)} ms, p99 ${(histogram.percentile(99) / 1e6).toFixed(1)} ms, ` +
        `max ${(histogram.max / 1e6).toFixed(1)} ms; ${answeredDuringBuild} OCSP answers served meanwhile`,
    );
    expect(full.entries).toBe(ENTRIES);
    expect(answeredDuringBuild).toBeGreaterThan(0);
    const crl = parseCrl(full.der);
    expect(crl.entryCount).toBe(ENTRIES);
    expect(crl.entryAt(ENTRIES - 1).serialHex).toHaveLength(32);
    expect(await verifyCrl(crl, h.issuing.cert.der)).toBe(true);
  }, 120_000);
});
