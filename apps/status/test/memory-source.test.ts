import { toPem } from '@kzpki/pki';
import { describe, expect, it } from 'vitest';
import { MemoryStatusSource } from '../src/source/memory-source.js';
import type { RevocationChange } from '../src/source/status-source.js';
import { ISSUING_ID, makeHierarchy } from './support/hierarchy.js';

const ISSUER = { id: 'partner-ca', certificate: new Uint8Array([0x30, 0x00]) };

async function all<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

describe('MemoryStatusSource', () => {
  it('tracks good, revoked, hold and release with a monotonically increasing change sequence', async () => {
    const s = new MemoryStatusSource({ issuers: [ISSUER], trustAnchors: [] });
    expect(s.addCertificate(ISSUER.id, '00:8A:01')).toBe('8a01');
    expect(await s.lookup(ISSUER.id, '008a01')).toEqual({ serialHex: '8a01', state: 'good' });
    expect(await s.lookup(ISSUER.id, 'ff')).toBeUndefined();
    const seq0 = await s.changeSeq();
    const at = new Date('2026-01-01T00:00:00Z');
    const seq1 = s.revoke(ISSUER.id, '8a01', { reason: 'certificateHold', revokedAt: at });
    expect(seq1).toBeGreaterThan(seq0);
    expect(await s.lookup(ISSUER.id, '8a01')).toMatchObject({
      state: 'hold',
      revokedAt: at,
      reason: 'certificateHold',
    });
    const seq2 = s.release(ISSUER.id, '8a01', new Date('2026-01-02T00:00:00Z'));
    expect(seq2).toBeGreaterThan(seq1);
    expect(await s.lookup(ISSUER.id, '8a01')).toEqual({ serialHex: '8a01', state: 'good' });
    s.revoke(ISSUER.id, '8a01', { reason: 'certificateHold', revokedAt: at });
    // Revoked for good from hold: the date it left the good state stays.
    s.revoke(ISSUER.id, '8a01', { reason: 'keyCompromise', revokedAt: new Date('2026-02-01T00:00:00Z') });
    expect(await s.lookup(ISSUER.id, '8a01')).toMatchObject({
      state: 'revoked',
      reason: 'keyCompromise',
      revokedAt: at,
    });
    expect(() => s.revoke(ISSUER.id, '8a01')).toThrow(expect.objectContaining({ code: 'ERR_VALIDATION' }));
    expect(() => s.release(ISSUER.id, '8a01')).toThrow(expect.objectContaining({ code: 'ERR_VALIDATION' }));
    expect(() => s.revoke(ISSUER.id, 'zz')).toThrow(expect.objectContaining({ code: 'ERR_VALIDATION' }));
    expect(() => s.revoke(ISSUER.id, '01', { reason: 'removeFromCRL' })).toThrow(
      expect.objectContaining({ code: 'ERR_VALIDATION' }),
    );
    expect(() => s.revoke('nobody', '01')).toThrow(expect.objectContaining({ code: 'ERR_ISSUER_UNKNOWN' }));
  });

  it('reports each certificate changed since a sequence number once, in its final state', async () => {
    const s = new MemoryStatusSource({ issuers: [ISSUER], trustAnchors: [] });
    const at = new Date('2026-01-01T00:00:00Z');
    s.revoke(ISSUER.id, '01', { reason: 'superseded', revokedAt: at });
    const base = await s.changeSeq();
    s.revoke(ISSUER.id, '02', { reason: 'certificateHold', revokedAt: at });
    s.revoke(ISSUER.id, '03', { reason: 'certificateHold', revokedAt: at });
    s.release(ISSUER.id, '03', new Date('2026-01-05T00:00:00Z'));
    s.revoke(ISSUER.id, '02', { reason: 'keyCompromise' });
    const changes: RevocationChange[] = await all(s.changesSince(ISSUER.id, base));
    expect(changes).toEqual([
      { serialHex: '02', state: 'revoked', revokedAt: at, reason: 'keyCompromise' },
      { serialHex: '03', state: 'good', revokedAt: new Date('2026-01-05T00:00:00Z') },
    ]);
    expect(await all(s.changesSince(ISSUER.id, await s.changeSeq()))).toEqual([]);
  });

  it('serves the CRLs the CA signed: checked signature, full or delta as the CRL says, newer only', async () => {
    const h = await makeHierarchy();
    const s = new MemoryStatusSource(h.material);
    expect(await s.crl(ISSUING_ID, 'full')).toBeUndefined();
    const full = await h.signCrl('issuing', {
      crlNumber: 7n,
      entries: [{ serial: '0a', revocationDate: new Date('2026-01-01T00:00:00Z'), reason: 'keyCompromise' }],
    });
    expect(await s.publishCrl(ISSUING_ID, toPem(full, 'X509 CRL'))).toBe(true);
    expect(await s.crl(ISSUING_ID, 'full')).toMatchObject({
      issuerId: ISSUING_ID,
      kind: 'full',
      der: full,
      crlNumber: 7n,
      entries: 1,
      etag: `"${ISSUING_ID}-full-7"`,
    });
    expect(await s.crl(ISSUING_ID, 'delta')).toBeUndefined();
    const delta = await h.signCrl('issuing', { crlNumber: 8n, deltaOf: 7n });
    expect(await s.publishCrl(ISSUING_ID, delta)).toBe(true);
    expect(await s.crl(ISSUING_ID, 'delta')).toMatchObject({
      kind: 'delta',
      crlNumber: 8n,
      baseCrlNumber: 7n,
    });
    // An older or equal number never replaces what is served.
    expect(await s.publishCrl(ISSUING_ID, await h.signCrl('issuing', { crlNumber: 6n }))).toBe(false);
    expect(await s.publishCrl(ISSUING_ID, full)).toBe(false);
    expect((await s.crl(ISSUING_ID, 'full'))?.crlNumber).toBe(7n);
    // Signed by another CA (the root), or not a CRL at all: refused.
    const rootCrl = await h.signCrl('root', { crlNumber: 9n });
    await expect(s.publishCrl(ISSUING_ID, rootCrl)).rejects.toMatchObject({ code: 'ERR_VALIDATION' });
    await expect(s.publishCrl(ISSUING_ID, h.issuing.cert.der)).rejects.toMatchObject({
      code: 'ERR_VALIDATION',
    });
    const tampered = full.slice();
    tampered[tampered.length - 5]! ^= 0xff;
    await expect(s.publishCrl(ISSUING_ID, tampered)).rejects.toMatchObject({ code: 'ERR_VALIDATION' });
    await expect(s.publishCrl('nobody', full)).rejects.toMatchObject({ code: 'ERR_ISSUER_UNKNOWN' });
  });

  it('loads an OpenSSL CA database, idempotently, following later revocations and releases', async () => {
    const s = new MemoryStatusSource({ issuers: [ISSUER], trustAnchors: [] });
    const index = [
      'V\t270101000000Z\t\t1000\tunknown\t/CN=good',
      'R\t270101000000Z\t260102030405Z,keyCompromise\t1001\tunknown\t/CN=revoked',
      'R\t270101000000Z\t260102030405Z,certificateHold,holdInstructionReject\t1002\tunknown\t/CN=held',
      'R\t270101000000Z\t260102030405Z,keyTime,20251231000000Z\t1003\tunknown\t/CN=compromised',
      'R\t270101000000Z\t260102030405Z\t1004\tunknown\t/CN=no reason',
      'E\t200101000000Z\t\t1005\tunknown\t/CN=expired',
    ].join('\n');
    expect(s.importOpensslIndex(ISSUER.id, index)).toBe(6);
    const revokedAt = new Date('2026-01-02T03:04:05Z');
    expect(await s.lookup(ISSUER.id, '1000')).toMatchObject({
      state: 'good',
      notAfter: new Date('2027-01-01T00:00:00Z'),
    });
    expect(await s.lookup(ISSUER.id, '1001')).toMatchObject({
      state: 'revoked',
      reason: 'keyCompromise',
      revokedAt,
    });
    expect(await s.lookup(ISSUER.id, '1002')).toMatchObject({ state: 'hold', reason: 'certificateHold' });
    expect(await s.lookup(ISSUER.id, '1003')).toMatchObject({
      state: 'revoked',
      reason: 'keyCompromise',
      invalidityDate: new Date('2025-12-31T00:00:00Z'),
    });
    expect(await s.lookup(ISSUER.id, '1004')).toMatchObject({ state: 'revoked' });
    expect((await s.lookup(ISSUER.id, '1004'))?.reason).toBeUndefined();
    expect(await s.lookup(ISSUER.id, '1005')).toMatchObject({ state: 'good' });

    const seq = await s.changeSeq();
    expect(s.importOpensslIndex(ISSUER.id, index)).toBe(0);
    expect(await s.changeSeq()).toBe(seq);

    // openssl ca -revoke on 1000, and the hold of 1002 lifted (the line goes back to V).
    const next = index
      .replace('V\t270101000000Z\t\t1000', 'R\t270101000000Z\t260201000000Z,superseded\t1000')
      .replace(
        'R\t270101000000Z\t260102030405Z,certificateHold,holdInstructionReject\t1002',
        'V\t270101000000Z\t\t1002',
      );
    expect(s.importOpensslIndex(ISSUER.id, next)).toBe(2);
    expect(await s.lookup(ISSUER.id, '1000')).toMatchObject({ state: 'revoked', reason: 'superseded' });
    expect(await s.lookup(ISSUER.id, '1002')).toMatchObject({ state: 'good' });

    expect(() => s.importOpensslIndex(ISSUER.id, 'V\tgarbage')).toThrow(/line 1/);
    expect(() =>
      s.importOpensslIndex(ISSUER.id, 'R\t270101000000Z\t260102030405Z,sleepy\t1006\tunknown\t/CN=x'),
    ).toThrow(/unknown reason sleepy/);
  });
});
