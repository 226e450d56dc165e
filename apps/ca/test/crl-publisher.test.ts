/**
 * The CA signs and publishes its CRLs in the store: full CRLs with freshestCRL, deltas on the latest
 * published full CRL (revocations, holds, releases as removeFromCRL), one increasing cRLNumber
 * sequence per issuer, regeneration on the schedule and shortly after a revocation, and a start that
 * only publishes what is missing or stale. CRLs are checked with `@kzpki/pki`'s parser and
 * signature verification (and OpenSSL in the status service's interop tests).
 */
import { rmSync } from 'node:fs';
import { caStorePath, openCaStore, type RevocationReason, type SqliteCaRepository } from '@kzpki/ca-store';
import { parseCrl, verifyCrl } from '@kzpki/pki';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { CA_FILE_NAMES, statusEndpoints } from '../src/ca/hierarchy.js';
import type { CaMaterial } from '../src/ca/material.js';
import { CrlPublisher } from '../src/crl/crl-publisher.js';
import { crlIssuers } from '../src/server.js';
import { AUDIT, addCertificates, templateStore } from './support/crl-store.js';

const BASE = 'http://status.test';
const ISSUING = CA_FILE_NAMES.issuing;
const ROOT = CA_FILE_NAMES.root;

function change(
  store: SqliteCaRepository,
  issuerSkiHex: string,
  serialHex: string,
  kind: 'revoked' | 'hold' | 'released',
  at: Date,
  reason?: RevocationReason,
  invalidityDate?: Date,
) {
  return store.changeCertificateStatus({
    issuerSkiHex,
    serialHex,
    change: kind,
    at,
    ...(reason ? { reason } : {}),
    ...(invalidityDate ? { invalidityDate } : {}),
    audit: AUDIT,
  });
}

describe('CrlPublisher', () => {
  let dir: string;
  let store: SqliteCaRepository;
  let m: CaMaterial;
  let publisher: CrlPublisher;
  let ski: string;
  const t0 = new Date('2026-01-10T10:00:00Z');

  beforeAll(async () => {
    ({ dir, store, m } = await templateStore());
    ski = m.issuing.skiHex;
    await addCertificates(store, ski, ['0a', '0b', '0c', '0d', '0e', '0f']);
    await change(store, ski, '0a', 'revoked', t0, 'keyCompromise', new Date('2026-01-09T00:00:00Z'));
    await change(store, ski, '0b', 'hold', t0);
    await change(store, ski, '0e', 'revoked', t0); // no reason given
    publisher = new CrlPublisher({
      store,
      issuers: crlIssuers(m),
      statusBaseUrl: BASE,
      schedule: { debounceMs: 10, pollIntervalMs: 0 },
    });
    await publisher.start();
  });
  afterAll(async () => {
    await publisher?.stop();
    await store?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('publishes a signed full CRL with CRL number and freshestCRL, and an empty delta on top of it', async () => {
    const full = (await publisher.latest(ISSUING, 'full'))!;
    const delta = (await publisher.latest(ISSUING, 'delta'))!;
    const f = parseCrl(full.der);
    expect(await verifyCrl(f, m.issuing.certificate)).toBe(true);
    expect(f.isDelta).toBe(false);
    expect(f.crlNumber).toBe(full.crlNumber);
    expect(f.freshestCrlUrls).toEqual([statusEndpoints(BASE, ISSUING).deltaCrl]);
    expect(f.entryCount).toBe(3);
    expect(full.entries).toBe(3);
    expect(f.find('0a')).toMatchObject({
      reason: 'keyCompromise',
      invalidityDate: new Date('2026-01-09T00:00:00Z'),
    });
    expect(f.find('0b')?.reason).toBe('certificateHold');
    expect(f.find('0e')?.reason).toBeUndefined();
    expect(f.find('0c')).toBeUndefined();
    expect(f.nextUpdate!.getTime() - f.thisUpdate.getTime()).toBe(25 * 3_600_000);

    const d = parseCrl(delta.der);
    expect(await verifyCrl(d, m.issuing.certificate)).toBe(true);
    expect(d.isDelta).toBe(true);
    expect(d.baseCrlNumber).toBe(full.crlNumber);
    expect(delta.baseCrlNumber).toBe(full.crlNumber);
    expect(d.crlNumber! > full.crlNumber).toBe(true);
    expect(d.entryCount).toBe(0);
    expect(d.freshestCrlUrls).toEqual([]);
    expect(d.nextUpdate!.getTime() - d.thisUpdate.getTime()).toBe(65 * 60_000);
  });

  it('publishes the root CRL signed by the root key', async () => {
    const root = parseCrl((await publisher.latest(ROOT, 'full'))!.der);
    expect(await verifyCrl(root, m.root.certificate)).toBe(true);
    expect(await verifyCrl(root, m.issuing.certificate)).toBe(false);
    expect(root.entryCount).toBe(0);
  });

  it('lists revocations, holds and releases since the latest full CRL in the delta (removeFromCRL)', async () => {
    const base = (await publisher.latest(ISSUING, 'full'))!;
    await change(store, ski, '0c', 'revoked', t0, 'affiliationChanged');
    await change(store, ski, '0d', 'hold', t0);
    await change(store, ski, '0b', 'released', t0);
    await publisher.regenerate('delta');
    expect((await publisher.latest(ISSUING, 'full'))!.crlNumber).toBe(base.crlNumber); // the full CRL stays
    const d = parseCrl((await publisher.latest(ISSUING, 'delta'))!.der);
    expect(d.baseCrlNumber).toBe(base.crlNumber);
    expect(d.entries.map((e) => [e.serialHex, e.reason]).sort()).toEqual([
      ['0b', 'removeFromCRL'],
      ['0c', 'affiliationChanged'],
      ['0d', 'certificateHold'],
    ]);

    // A new full CRL carries the current state; the next delta starts empty from it.
    await publisher.regenerate('full');
    const full = (await publisher.latest(ISSUING, 'full'))!;
    expect(full.crlNumber > d.crlNumber!).toBe(true);
    const f = parseCrl(full.der);
    expect(f.entries.map((e) => e.serialHex).sort()).toEqual(['0a', '0c', '0d', '0e']);
    const d2 = (await publisher.latest(ISSUING, 'delta'))!;
    expect(d2.baseCrlNumber).toBe(full.crlNumber);
    expect(d2.crlNumber > full.crlNumber).toBe(true);
    expect(parseCrl(d2.der).entryCount).toBe(0);
  });

  it('regenerates shortly after a revocation is seen in the store (debounced), full and delta', async () => {
    const before = (await publisher.latest(ISSUING, 'full'))!.crlNumber;
    await change(store, ski, '0f', 'revoked', new Date(), 'superseded');
    publisher.noteChangeSeq(await store.revocationSeq());
    publisher.noteChangeSeq(await store.revocationSeq()); // a burst costs one regeneration
    await vi.waitFor(
      async () => expect((await publisher.latest(ISSUING, 'full'))!.crlNumber).not.toBe(before),
      { timeout: 5000 },
    );
    const f = parseCrl((await publisher.latest(ISSUING, 'full'))!.der);
    expect(f.find('0f')?.reason).toBe('superseded');
  });

  it('refuses a schedule whose validity does not outlast the interval', () => {
    expect(
      () =>
        new CrlPublisher({
          store,
          issuers: [],
          statusBaseUrl: BASE,
          schedule: { deltaIntervalMs: 1000, deltaValidityMs: 1000 },
        }),
    ).toThrow(RangeError);
  });
});

describe('CrlPublisher start and several CA processes', () => {
  it('polls the store: a revocation by another process reaches the CRLs without a call', async () => {
    const { dir, store, m } = await templateStore();
    const other = openCaStore(caStorePath(dir)); // another CA process, revoking
    const publisher = new CrlPublisher({
      store,
      issuers: crlIssuers(m),
      statusBaseUrl: BASE,
      schedule: { pollIntervalMs: 20, debounceMs: 10 },
    });
    try {
      await addCertificates(store, m.issuing.skiHex, ['a1']);
      await publisher.start();
      await change(other, m.issuing.skiHex, 'a1', 'revoked', new Date(), 'keyCompromise');
      await vi.waitFor(
        async () => {
          const f = parseCrl((await publisher.latest(ISSUING, 'full'))!.der);
          expect(f.find('a1')?.reason).toBe('keyCompromise');
        },
        { timeout: 10_000 },
      );
    } finally {
      await publisher.stop();
      await other.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('publishes on start only what is missing or stale; numbers keep increasing across publishers', async () => {
    const { dir, store, m } = await templateStore();
    const make = (now?: () => Date) =>
      new CrlPublisher({
        store,
        issuers: crlIssuers(m),
        statusBaseUrl: BASE,
        schedule: { pollIntervalMs: 0 },
        ...(now ? { now } : {}),
      });
    try {
      const first = make();
      await first.start();
      await first.stop();
      const full1 = (await store.getPublishedCrlHeader(m.issuing.skiHex, 'full'))!;
      const delta1 = (await store.getPublishedCrlHeader(m.issuing.skiHex, 'delta'))!;

      // A restart with nothing changed publishes nothing.
      const second = make();
      await second.start();
      await second.stop();
      expect((await store.getPublishedCrlHeader(m.issuing.skiHex, 'full'))!.crlNumber).toBe(full1.crlNumber);
      expect((await store.getPublishedCrlHeader(m.issuing.skiHex, 'delta'))!.crlNumber).toBe(
        delta1.crlNumber,
      );

      // A revocation meanwhile: a new delta on the same full CRL.
      await addCertificates(store, m.issuing.skiHex, ['b1']);
      await change(store, m.issuing.skiHex, 'b1', 'hold', new Date());
      const third = make();
      await third.start();
      await third.stop();
      const delta3 = (await store.getPublishedCrl(m.issuing.skiHex, 'delta'))!;
      expect(delta3.baseCrlNumber).toBe(full1.crlNumber);
      expect(delta3.crlNumber > delta1.crlNumber).toBe(true);
      expect(parseCrl(delta3.der).find('b1')?.reason).toBe('certificateHold');

      // Two hours later the delta is stale; a day later the full CRL too.
      const later = (ms: number) => () => new Date(Date.now() + ms);
      const fourth = make(later(2 * 3_600_000));
      await fourth.start();
      await fourth.stop();
      expect((await store.getPublishedCrlHeader(m.issuing.skiHex, 'full'))!.crlNumber).toBe(full1.crlNumber);
      const delta4 = (await store.getPublishedCrlHeader(m.issuing.skiHex, 'delta'))!;
      expect(delta4.crlNumber > delta3.crlNumber).toBe(true);
      const fifth = make(later(25 * 3_600_000));
      await fifth.start();
      await fifth.stop();
      const full5 = (await store.getPublishedCrl(m.issuing.skiHex, 'full'))!;
      expect(full5.crlNumber > delta4.crlNumber).toBe(true);
      expect(parseCrl(full5.der).find('b1')?.reason).toBe('certificateHold');
      expect((await store.getPublishedCrlHeader(m.issuing.skiHex, 'delta'))!.baseCrlNumber).toBe(
        full5.crlNumber,
      );
    } finally {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
