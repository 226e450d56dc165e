/**
 * A CA store for the CRL tests: a copy of the suite's template store (global setup) with its
 * material, and end-entity certificate records to revoke (only their status columns matter to CRLs).
 */
import { copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type CertificateRecord, caStorePath, openCaStore, type SqliteCaRepository } from '@kzpki/ca-store';
import { inject } from 'vitest';
import { type CaMaterial, loadCaMaterial } from '../../src/ca/material.js';
import { TEST_PASSPHRASE } from './global-setup.js';

/** Audit fields of the tests' own writes. */
export const AUDIT = { actor: 'test', action: 'test', entity: 'test' };

/** A copy of the suite's template CA store, with its material. */
export async function templateStore(): Promise<{ dir: string; store: SqliteCaRepository; m: CaMaterial }> {
  const dir = mkdtempSync(join(tmpdir(), 'kzpki-crl-'));
  copyFileSync(caStorePath(inject('caTemplateDir')), caStorePath(dir));
  const store = openCaStore(caStorePath(dir));
  return { dir, store, m: await loadCaMaterial(store, { passphrase: TEST_PASSPHRASE }) };
}

let appN = 0;
/** Records end-entity certificates of the issuing CA with these serials (status columns only matter). */
export async function addCertificates(
  store: SqliteCaRepository,
  issuerSkiHex: string,
  serials: readonly string[],
): Promise<void> {
  const id = `crl-app-${++appN}`;
  const now = new Date();
  await store.createApplication(
    {
      id,
      kind: 'individual',
      template: 'individual',
      iin: '871008401427',
      status: 'submitted',
      createdAt: now,
      updatedAt: now,
      expiresAt: new Date(now.getTime() + 86_400_000),
      data: {
        person: { iin: '871008401427', surname: 'Т', givenName: 'Т', birthDate: '1987-10-08', sex: 'male' },
      },
    },
    'test',
    AUDIT,
  );
  const records: CertificateRecord[] = serials.map((serialHex) => ({
    serialHex,
    issuerSkiHex,
    status: 'good',
    notBefore: now,
    notAfter: new Date(now.getTime() + 365 * 86_400_000),
    der: new Uint8Array([0x30, 0x00]),
    spkiSha256: `${id}-${serialHex}`.padEnd(64, '0'),
    subject: `CN=${serialHex}`,
    skiHex: serialHex.padStart(40, '0'),
    kind: 'end-entity',
    applicationId: id,
    createdAt: now,
  }));
  const done = await store.recordIssuance(id, records, {
    expected: ['submitted'],
    status: { to: 'issued', actor: 'test' },
    audit: AUDIT,
  });
  if (!done) throw new Error('addCertificates: not recorded');
}
