/**
 * Puts end-entity certificates into the reference CA's store through its repository API (one
 * application, certificates issued by the store's issuing CA with the URLs the CA writes), for the
 * CA-store tests and the benchmark.
 */
import { createHash } from 'node:crypto';
import { type CaMaterial, type CaRepository, type CertificateRecord, endEntityUrls } from '@kzpki/ca';
import {
  buildNcaSubject,
  exportSpki,
  generateKeyPair,
  type IssuedCertificate,
  inspectCertificate,
  issueCertificate,
  templateProfile,
} from '@kzpki/pki';

/** Audit fields of the test's own writes. */
export const TEST_AUDIT = { actor: 'status-test', action: 'test', entity: 'test' };

/**
 * Creates application `number` (individual, status `issued` afterwards) with `count` certificates
 * (alternating AUTH and SIGN) and returns them in order.
 */
export async function seedCaStore(
  store: CaRepository,
  ca: CaMaterial,
  opts: { number: string; count: number; statusUrl: string },
): Promise<IssuedCertificate[]> {
  const now = new Date();
  const person = {
    iin: '871008401427',
    surname: 'ТЕСТОВ',
    givenName: 'ТЕСТ',
    birthDate: '1987-10-08',
    sex: 'male' as const,
  };
  const id = `app-${opts.number}`;
  await store.createApplication(
    {
      id,
      number: opts.number,
      kind: 'individual',
      template: 'individual',
      iin: person.iin,
      status: 'submitted',
      createdAt: now,
      updatedAt: now,
      expiresAt: new Date(now.getTime() + 86_400_000),
      data: { person },
    },
    TEST_AUDIT.actor,
    TEST_AUDIT,
  );
  // One subject key: the store refuses to certify a key twice, so vary it per certificate only
  // where needed (spkiSha256 is made unique below; the certificates themselves are independent).
  const keys = await generateKeyPair('RSA-2048');
  const spki = await exportSpki(keys.publicKey);
  const issued: IssuedCertificate[] = [];
  const records: CertificateRecord[] = [];
  for (let i = 0; i < opts.count; i++) {
    const purpose = i % 2 === 0 ? 'auth' : 'sign';
    const cert = await issueCertificate({
      subject: buildNcaSubject({ surname: 'ТЕСТОВ', givenName: 'ТЕСТ', iin: person.iin }),
      publicKey: keys.publicKey,
      profile: templateProfile('individual', purpose),
      issuer: ca.issuing.certificate,
      issuerKey: ca.issuing.privateKey,
      urls: endEntityUrls(opts.statusUrl),
    });
    issued.push(cert);
    records.push({
      serialHex: cert.serialHex,
      issuerSkiHex: ca.issuing.skiHex,
      status: 'good',
      notBefore: cert.notBefore,
      notAfter: cert.notAfter,
      der: cert.der,
      spkiSha256: createHash('sha256').update(spki).update(String(i)).digest('hex'),
      subject: inspectCertificate(cert.der).subject.dn,
      skiHex: cert.subjectKeyId,
      kind: 'end-entity',
      purpose,
      template: 'individual',
      iin: person.iin,
      applicationId: id,
      createdAt: now,
    });
  }
  const done = await store.recordIssuance(id, records, {
    expected: ['submitted'],
    status: { to: 'issued', actor: TEST_AUDIT.actor },
    audit: TEST_AUDIT,
  });
  if (done?.status !== 'issued') throw new Error('seedCaStore: the store did not record the issuance');
  return issued;
}
