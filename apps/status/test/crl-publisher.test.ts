import { parseCrl, verifyCrl } from '@kzpki/pki';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { CrlPublisher, crlUrl } from '../src/crl/crl-publisher.js';
import { MemoryStatusSource } from '../src/source/memory-source.js';
import { ISSUING_ID, makeHierarchy, ROOT_ID, type TestHierarchy } from './support/hierarchy.js';

const BASE = 'http://status.test';

describe('CrlPublisher', () => {
  let h: TestHierarchy;
  let source: MemoryStatusSource;
  let publisher: CrlPublisher;
  const t0 = new Date('2026-01-10T10:00:00Z');

  beforeAll(async () => {
    h = await makeHierarchy(BASE);
    source = new MemoryStatusSource(h.material);
    for (const s of ['0a', '0b', '0c', '0d', '0e']) source.addCertificate(ISSUING_ID, s);
    source.revoke(ISSUING_ID, '0a', {
      reason: 'keyCompromise',
      revokedAt: t0,
      invalidityDate: new Date('2026-01-09T00:00:00Z'),
    });
    source.revoke(ISSUING_ID, '0b', { reason: 'certificateHold', revokedAt: t0 });
    source.revoke(ISSUING_ID, '0e', { revokedAt: t0 }); // no reason given
    publisher = new CrlPublisher({
      source,
      issuers: h.material.issuers,
      publicUrl: BASE,
      schedule: { debounceMs: 10 },
    });
    await publisher.start();
  });
  afterAll(() => publisher.stop());

  it('publishes a signed full CRL with CRL number and freshestCRL, and an empty delta on top of it', async () => {
    const full = publisher.get(ISSUING_ID, 'full')!;
    const delta = publisher.get(ISSUING_ID, 'delta')!;
    const f = parseCrl(full.der);
    expect(await verifyCrl(f, h.issuing.cert.der)).toBe(true);
    expect(f.isDelta).toBe(false);
    expect(f.crlNumber).toBe(full.crlNumber);
    expect(f.freshestCrlUrls).toEqual([crlUrl(BASE, ISSUING_ID, 'delta')]);
    expect(f.entryCount).toBe(3);
    expect(f.find('0a')).toMatchObject({
      reason: 'keyCompromise',
      invalidityDate: new Date('2026-01-09T00:00:00Z'),
    });
    expect(f.find('0b')?.reason).toBe('certificateHold');
    expect(f.find('0e')?.reason).toBeUndefined();
    expect(f.find('0c')).toBeUndefined();
    expect(f.nextUpdate!.getTime() - f.thisUpdate.getTime()).toBe(25 * 3_600_000);

    const d = parseCrl(delta.der);
    expect(await verifyCrl(d, h.issuing.cert.der)).toBe(true);
    expect(d.isDelta).toBe(true);
    expect(d.baseCrlNumber).toBe(full.crlNumber);
    expect(d.crlNumber! > full.crlNumber).toBe(true);
    expect(d.entryCount).toBe(0);
    expect(d.freshestCrlUrls).toEqual([]);
    expect(d.nextUpdate!.getTime() - d.thisUpdate.getTime()).toBe(65 * 60_000);
  });

  it('publishes the root CRL signed by the root key', async () => {
    const root = parseCrl(publisher.get(ROOT_ID, 'full')!.der);
    expect(await verifyCrl(root, h.root.cert.der)).toBe(true);
    expect(await verifyCrl(root, h.issuing.cert.der)).toBe(false);
    expect(root.entryCount).toBe(0);
  });

  it('lists revocations, holds and releases since the base in the delta (removeFromCRL)', async () => {
    const base = publisher.get(ISSUING_ID, 'full')!;
    source.revoke(ISSUING_ID, '0c', { reason: 'affiliationChanged', revokedAt: t0 });
    source.revoke(ISSUING_ID, '0d', { reason: 'certificateHold', revokedAt: t0 });
    source.release(ISSUING_ID, '0b', new Date('2026-01-11T00:00:00Z'));
    await publisher.regenerate('delta');
    expect(publisher.get(ISSUING_ID, 'full')).toBe(base); // the full CRL stays
    const d = parseCrl(publisher.get(ISSUING_ID, 'delta')!.der);
    expect(d.baseCrlNumber).toBe(base.crlNumber);
    expect(d.entries.map((e) => [e.serialHex, e.reason]).sort()).toEqual([
      ['0b', 'removeFromCRL'],
      ['0c', 'affiliationChanged'],
      ['0d', 'certificateHold'],
    ]);

    // A new full CRL carries the current state; the next delta starts empty from it.
    await publisher.regenerate('full');
    const full = publisher.get(ISSUING_ID, 'full')!;
    expect(full.crlNumber > base.crlNumber).toBe(true);
    const f = parseCrl(full.der);
    expect(f.entries.map((e) => e.serialHex).sort()).toEqual(['0a', '0c', '0d', '0e']);
    const d2 = parseCrl(publisher.get(ISSUING_ID, 'delta')!.der);
    expect(d2.baseCrlNumber).toBe(full.crlNumber);
    expect(d2.entryCount).toBe(0);
  });

  it('regenerates shortly after a change is noticed (debounced), full and delta', async () => {
    const before = publisher.get(ISSUING_ID, 'full')!.crlNumber;
    source.revoke(ISSUING_ID, '0f', { reason: 'superseded' });
    publisher.noteChangeSeq(await source.changeSeq());
    publisher.noteChangeSeq(await source.changeSeq()); // a burst costs one regeneration
    await vi.waitFor(() => expect(publisher.get(ISSUING_ID, 'full')!.crlNumber).not.toBe(before), {
      timeout: 5000,
    });
    const f = parseCrl(publisher.get(ISSUING_ID, 'full')!.der);
    expect(f.find('0f')?.reason).toBe('superseded');
  });

  it('refuses a schedule whose validity does not outlast the interval', () => {
    expect(
      () =>
        new CrlPublisher({
          source,
          issuers: [],
          publicUrl: BASE,
          schedule: { deltaIntervalMs: 1000, deltaValidityMs: 1000 },
        }),
    ).toThrow(RangeError);
  });
});
