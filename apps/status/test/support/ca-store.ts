/**
 * Fills a CA store (`@kzpki/ca-store`, the same SQLite schema the reference CA writes) the way the
 * CA does, with the test hierarchy: the CA keys encrypted under a CA passphrase the status service is
 * never given, the published issuers, their delegated OCSP responders with the keys sealed under the
 * status passphrase, one application with end-entity certificates, and signed CRLs.
 */
import { createHash } from 'node:crypto';
import {
  type CaRepository,
  type CertificateRecord,
  deriveKek,
  deriveStatusKek,
  encryptPrivateKey,
  newKekParams,
  type StatusKek,
  sealResponderKey,
} from '@kzpki/ca-store';
import {
  buildNcaSubject,
  type CrlEntryInput,
  exportPkcs8,
  exportSpki,
  generateKeyPair,
  type IssuedCertificate,
  inspectCertificate,
  issueCertificate,
  ocspResponderProfile,
  parseCrl,
  templateProfile,
} from '@kzpki/pki';
import { crlUrl } from '../../src/http/download-handler.js';
import { ISSUING_ID, ROOT_ID, type TestHierarchy } from './hierarchy.js';

/** The CA passphrase of the test store: the status service is never given it. */
export const TEST_CA_PASSPHRASE = 'the CA passphrase, never given to the status service';

/** Audit fields of the test's own writes. */
export const TEST_AUDIT = { actor: 'status-test', action: 'test', entity: 'test' };

/** A cheap status KEK (scrypt N=1024) under `passphrase`. */
export function testStatusKek(passphrase: string): Promise<StatusKek> {
  return deriveStatusKek(passphrase, { ...newKekParams(), N: 1024 });
}

function serviceRecord(cert: IssuedCertificate, issuerSkiHex: string, spki: Uint8Array): CertificateRecord {
  return {
    serialHex: cert.serialHex,
    issuerSkiHex,
    status: 'good',
    notBefore: cert.notBefore,
    notAfter: cert.notAfter,
    der: cert.der,
    spkiSha256: createHash('sha256').update(spki).digest('hex'),
    subject: inspectCertificate(cert.der).subject.dn,
    skiHex: cert.subjectKeyId,
    kind: 'service',
    createdAt: new Date(),
  };
}

/**
 * Stores the CA keys (root, issuing) under {@link TEST_CA_PASSPHRASE} as the CA does, and publishes
 * both CAs and their delegated responders (keys sealed under the status `kek`).
 */
export async function publishHierarchy(store: CaRepository, h: TestHierarchy, kek: StatusKek): Promise<void> {
  const now = new Date();
  const params = { ...newKekParams(), N: 1024 };
  await store.initSetting('ca-kek-params', JSON.stringify(params));
  const caKek = await deriveKek(TEST_CA_PASSPHRASE, params);
  for (const [name, ca, issuer] of [
    ['root', h.root, h.root],
    ['issuing', h.issuing, h.root],
  ] as const) {
    const pkcs8 = await exportPkcs8(ca.keys.privateKey);
    await store.putCaKey(
      {
        name,
        certificate: ca.cert.der,
        skiHex: ca.cert.subjectKeyId,
        serialHex: ca.cert.serialHex,
        encryptedKey: encryptPrivateKey(caKek, pkcs8, `kzpki-ca-key\n${name}\n${ca.cert.subjectKeyId}`),
        createdAt: now,
      },
      {
        ...serviceRecord(ca.cert, issuer.cert.subjectKeyId, await exportSpki(ca.keys.publicKey)),
        kind: 'ca',
      },
      TEST_AUDIT,
    );
  }
  await store.putIssuer(
    {
      id: ROOT_ID,
      role: 'root',
      skiHex: h.root.cert.subjectKeyId,
      certificate: h.root.cert.der,
      updatedAt: now,
    },
    TEST_AUDIT,
  );
  await store.putIssuer(
    {
      id: ISSUING_ID,
      role: 'issuing',
      skiHex: h.issuing.cert.subjectKeyId,
      certificate: h.issuing.cert.der,
      updatedAt: now,
    },
    TEST_AUDIT,
  );
  await putResponder(store, kek, h.root.cert, h.rootResponder);
  await putResponder(store, kek, h.issuing.cert, h.responder);
}

/** Stores `responder` as the delegated responder of `issuer`, its key sealed under `kek`. */
export async function putResponder(
  store: CaRepository,
  kek: StatusKek,
  issuer: IssuedCertificate,
  responder: { cert: IssuedCertificate; keys: CryptoKeyPair },
): Promise<void> {
  const pkcs8 = await exportPkcs8(responder.keys.privateKey);
  await store.putOcspResponder(
    {
      issuerSkiHex: issuer.subjectKeyId,
      certificate: responder.cert.der,
      serialHex: responder.cert.serialHex,
      skiHex: responder.cert.subjectKeyId,
      notAfter: responder.cert.notAfter,
      encryptedKey: sealResponderKey(kek, pkcs8, issuer.subjectKeyId, responder.cert.subjectKeyId),
      createdAt: new Date(),
    },
    serviceRecord(responder.cert, issuer.subjectKeyId, await exportSpki(responder.keys.publicKey)),
    TEST_AUDIT,
  );
}

/** Issues a new delegated responder of the issuing CA (a renewal), with a fresh key. */
export async function renewIssuingResponder(
  store: CaRepository,
  h: TestHierarchy,
  kek: StatusKek,
): Promise<IssuedCertificate> {
  const keys = await generateKeyPair('ECDSA-P256', { extractable: true });
  const cert = await issueCertificate({
    subject: [{ type: '2.5.4.3', value: 'RENEWED OCSP RESPONDER' }],
    publicKey: keys.publicKey,
    profile: ocspResponderProfile(),
    issuer: h.issuing.cert.der,
    issuerKey: h.issuing.keys.privateKey,
  });
  await putResponder(store, kek, h.issuing.cert, { cert, keys });
  return cert;
}

/**
 * Creates application `number` (individual, status `issued` afterwards) with `count` certificates
 * of the issuing CA (alternating AUTH and SIGN, with the URLs the CA writes) and returns them.
 */
export async function seedApplication(
  store: CaRepository,
  h: TestHierarchy,
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
  const spki = await exportSpki(h.subjectKeys.publicKey);
  const issued: IssuedCertificate[] = [];
  const records: CertificateRecord[] = [];
  for (let i = 0; i < opts.count; i++) {
    const purpose = i % 2 === 0 ? 'auth' : 'sign';
    const cert = await issueCertificate({
      subject: buildNcaSubject({ surname: 'ТЕСТОВ', givenName: 'ТЕСТ', iin: person.iin }),
      publicKey: h.subjectKeys.publicKey,
      profile: templateProfile('individual', purpose),
      issuer: h.issuing.cert.der,
      issuerKey: h.issuing.keys.privateKey,
      urls: {
        crl: [crlUrl(opts.statusUrl, ISSUING_ID, 'full')],
        deltaCrl: [crlUrl(opts.statusUrl, ISSUING_ID, 'delta')],
        ocsp: [`${opts.statusUrl}/ocsp`],
        caIssuers: [`${opts.statusUrl}/ca/${ISSUING_ID}.crt`],
      },
    });
    issued.push(cert);
    records.push({
      ...serviceRecord(cert, h.issuing.cert.subjectKeyId, spki),
      // The store refuses to certify a key twice; the certificates share one test key.
      spkiSha256: createHash('sha256').update(spki).update(`${opts.number}/${i}`).digest('hex'),
      kind: 'end-entity',
      purpose,
      template: 'individual',
      iin: person.iin,
      applicationId: id,
    });
  }
  const done = await store.recordIssuance(id, records, {
    expected: ['submitted'],
    status: { to: 'issued', actor: TEST_AUDIT.actor },
    audit: TEST_AUDIT,
  });
  if (done?.status !== 'issued') throw new Error('seedApplication: the store did not record the issuance');
  return issued;
}

/** Signs (as the CA) and publishes a CRL of `ca` with the next CRL number of the store. */
export async function publishStoreCrl(
  store: CaRepository,
  h: TestHierarchy,
  ca: 'issuing' | 'root',
  kind: 'full' | 'delta',
  entries: CrlEntryInput[] = [],
): Promise<bigint> {
  const ski = (ca === 'root' ? h.root : h.issuing).cert.subjectKeyId;
  const base = kind === 'delta' ? await store.getPublishedCrlHeader(ski, 'full') : undefined;
  if (kind === 'delta' && !base) throw new Error('publishStoreCrl: a delta needs a full CRL first');
  const crlNumber = await store.nextCrlNumber(ski);
  const der = await h.signCrl(ca, { crlNumber, entries, ...(base ? { deltaOf: base.crlNumber } : {}) });
  const info = parseCrl(der);
  await store.publishCrl({
    issuerSkiHex: ski,
    kind,
    crlNumber,
    ...(base ? { baseCrlNumber: base.crlNumber } : {}),
    thisUpdate: info.thisUpdate,
    nextUpdate: info.nextUpdate!,
    entries: info.entryCount,
    revocationSeq: await store.revocationSeq(),
    der,
    publishedAt: new Date(),
  });
  return crlNumber;
}

/** Publishes a full and a delta CRL for both CAs. */
export async function publishAllCrls(store: CaRepository, h: TestHierarchy): Promise<void> {
  for (const ca of ['root', 'issuing'] as const) {
    await publishStoreCrl(store, h, ca, 'full');
    await publishStoreCrl(store, h, ca, 'delta');
  }
}
