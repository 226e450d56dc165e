/**
 * Issuance against the store's rules, whichever process runs it: a serial already taken (the
 * store's unique constraint) makes the CA sign both certificates again with new serials; a lease
 * taken by a process that is gone (its node id no longer alive) is taken over at once, one of a
 * live process is respected.
 */
import { type CaRepository, CaStoreError } from '@kzpki/ca-store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Applicant, expectProblem } from './support/flow.js';
import { startTestCa, type TestCa } from './support/harness.js';

let t: TestCa;
beforeAll(async () => {
  t = await startTestCa();
});
afterAll(() => t?.stop());

describe('issuance and the store', () => {
  it('signs again with new serials when a serial is taken', async () => {
    const a = new Applicant(t.url, 'individual', '850315300128');
    expect((await a.runToSubmission('ECDSA-P256')).body.status).toBe('submitted');
    const store = t.ca.context.store as CaRepository;
    const original = store.recordIssuance.bind(store);
    const attempts: string[][] = [];
    // The first recording meets a serial another process certified a moment earlier.
    store.recordIssuance = async (id, certificates, update) => {
      attempts.push(certificates.map((c) => c.serialHex));
      if (attempts.length === 1) {
        throw new CaStoreError('ERR_DUPLICATE', 'Duplicate serial (simulated)', { constraint: 'serial' });
      }
      return original(id, certificates, update);
    };
    try {
      const issued = await a.issue();
      expect(issued.status).toBe(200);
      expect(attempts).toHaveLength(2);
      const serials = issued.body.certificates.map((c: { serialHex: string }) => c.serialHex);
      expect(serials).toEqual(attempts[1]);
      expect(serials.some((s: string) => attempts[0]!.includes(s))).toBe(false);
    } finally {
      store.recordIssuance = original;
    }
  });

  it('takes over the lease of a process that is gone, and respects a live one', async () => {
    const store = t.ca.context.store as CaRepository;
    for (const [iin, owner, expected] of [
      ['780203403451', 'sqlite-gone-process', 200],
      ['061211600012', store.nodeId, 409],
    ] as const) {
      const a = new Applicant(t.url, 'individual', iin);
      expect((await a.runToSubmission('ECDSA-P256')).body.status).toBe('submitted');
      // A lease that runs for another minute, taken by `owner`.
      const leased = await store.updateApplication(a.id, {
        expected: ['submitted'],
        data: { issuanceLease: { token: 'elsewhere', until: new Date(Date.now() + 60_000), owner } },
        audit: { actor: 'test', action: 'issuance.started', entity: `application:${a.id}` },
      });
      expect(leased?.data.issuanceLease?.owner).toBe(owner);
      const r = await a.issue();
      if (expected === 200) {
        expect(r.status).toBe(200);
        const started = (await store.listAudit(`application:${a.id}`)).filter(
          (e) => e.action === 'issuance.started',
        );
        expect(started.at(-1)?.details).toMatchObject({ takenOverFrom: owner, node: store.nodeId });
      } else {
        expectProblem(r, 409, 'ERR_IDEMPOTENCY_IN_PROGRESS');
      }
    }
  });
});
