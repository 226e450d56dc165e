/**
 * A revocation or hold ends the sessions opened with the certificate, in the same transaction,
 * and a release does not revive them (issue 10 #9; part of the `changeCertificateStatus` contract).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type CertificateRecord,
  openCaStore,
  type SessionRecord,
  type SqliteCaRepository,
} from '../src/index.js';

const ISSUER = 'bb'.repeat(20);
let dir: string;
let store: SqliteCaRepository;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'kzpki-sessions-'));
  store = openCaStore(join(dir, 'ca.sqlite'));
});
afterAll(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

let n = 0;
async function certificate(): Promise<CertificateRecord> {
  n++;
  const c: CertificateRecord = {
    serialHex: (0x1000 + n).toString(16),
    issuerSkiHex: ISSUER,
    status: 'good',
    notBefore: new Date('2025-01-01T00:00:00Z'),
    notAfter: new Date('2030-01-01T00:00:00Z'),
    der: new Uint8Array([0x30, n]),
    spkiSha256: `f${n}`.padStart(64, '0'),
    subject: `CN=HOLDER ${n}`,
    skiHex: n.toString(16).padStart(40, '0'),
    kind: 'end-entity',
    createdAt: new Date(),
  };
  await store.putCaKey(
    {
      name: 'operator',
      certificate: c.der,
      skiHex: c.skiHex,
      serialHex: c.serialHex,
      encryptedKey: '{}',
      createdAt: new Date(),
    },
    c,
    { actor: 'test', action: 'test.insert', entity: `certificate:${c.serialHex}` },
    { replace: true },
  );
  return c;
}

function session(token: string, c: CertificateRecord): SessionRecord {
  return {
    tokenHash: token,
    kind: 'cabinet',
    holder: { commonName: c.subject, roles: [], serialHex: c.serialHex, issuerSkiHex: ISSUER },
    createdAt: new Date(),
    expiresAt: new Date(Date.now() + 3600_000),
  };
}

const change = (c: CertificateRecord, what: 'hold' | 'released' | 'revoked') =>
  store.changeCertificateStatus({
    issuerSkiHex: ISSUER,
    serialHex: c.serialHex,
    change: what,
    at: new Date(),
    ...(what === 'revoked' ? { reason: 'keyCompromise' as const } : {}),
    audit: { actor: 'test', action: `test.${what}`, entity: `certificate:${c.serialHex}` },
  });

describe('sessions of a held or revoked certificate', () => {
  it('a hold deletes the sessions of that certificate only; a release does not bring them back', async () => {
    const held = await certificate();
    const other = await certificate();
    await store.createSession(session('a'.repeat(64), held));
    await store.createSession(session('b'.repeat(64), held));
    await store.createSession(session('c'.repeat(64), other));
    expect((await change(held, 'hold'))?.status).toBe('hold');
    expect(await store.getSession('a'.repeat(64))).toBeUndefined();
    expect(await store.getSession('b'.repeat(64))).toBeUndefined();
    expect(await store.getSession('c'.repeat(64))).toBeDefined();
    expect((await change(held, 'released'))?.status).toBe('good');
    expect(await store.getSession('a'.repeat(64))).toBeUndefined();
  });

  it('a revocation deletes them too', async () => {
    const c = await certificate();
    await store.createSession(session('d'.repeat(64), c));
    expect((await change(c, 'revoked'))?.status).toBe('revoked');
    expect(await store.getSession('d'.repeat(64))).toBeUndefined();
  });
});
