/**
 * The GOST R 34.10-2015 512-bit hierarchy beside the RSA one, and legal entities' single GOST
 * certificates through the CA flow:
 * - `initCa` makes a GOST root and issuing CA laid out as the NCA's TEST-2022 GOST chain (extension
 *   order and criticality compared with the fixtures when they are present), GOST delegated OCSP
 *   responders sealed for the status service, keys encrypted at rest; a store made before the GOST
 *   hierarchy gets it on its next `initCa`, the RSA keys untouched.
 * - A first manager submits one GOST request, gets one certificate from the GOST issuing CA with the
 *   template's GOST profile (keyUsage digitalSignature + nonRepudiation + keyAgreement, policy
 *   1.2.398.3.3.2, the private extension 1.2.398.3.3.5, serial = SKI with the top bit cleared),
 *   installs it (proof of possession with the GOST key), logs into the cabinet with it and approves
 *   an employee's GOST application with it; the employee revokes theirs, and the full and delta
 *   CRLs of the GOST issuing CA list it, signed with GOST (our verifier and
 *   @wavesenterprise/crypto-gost-js, which nobody here wrote).
 * - What is refused: a GOST request for an individual, a GOST key off the curve, a GOST request
 *   asking for another template's role.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openCaStore, ResponderKeyring } from '@kzpki/ca-store';
import {
  buildInformationSystemSubject,
  buildNcaSubject,
  certificateToDer,
  createCsr,
  GostPrivateKey,
  gostTemplateProfile,
  informationSystemProfile,
  inspectCertificate,
  parseCertificate,
  parseCrl,
  signData,
  toPem,
  verifyChain,
  verifyCrl,
} from '@kzpki/pki';
import { hasNcaFixtures, independentGost512, readNcaFixture } from '@kzpki/test-fixtures';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CA_FILE_NAMES } from '../src/ca/hierarchy.js';
import { type InitCaOptions, initCa } from '../src/ca/init-ca.js';
import { loadCaMaterial } from '../src/ca/material.js';
import { isCaError } from '../src/errors.js';
import { issueInformationSystemCertificate } from '../src/issuance/information-system.js';
import { call } from './support/api.js';
import { Applicant, expectProblem } from './support/flow.js';
import { startTestCa, type TestCa } from './support/harness.js';
import { policiesExtensionHex, policyQualifierIds } from './support/policies.js';

/** GOST R 34.10-2012 512 (tc26-512-paramSetA, Streebog-512) in the KZ byte order, by another implementation. */
const independent = independentGost512();

const GOST_SIGNATURE_OID = '1.2.398.3.10.1.1.2.3.2';
const GOST_KEY_ALGORITHM = 'GOST-2015-512';

/** The public key x || y (little-endian) inside a GOST certificate's SPKI. */
function gostPublicKey(certDer: Uint8Array): Uint8Array {
  const cert = parseCertificate(certDer);
  const bits = new Uint8Array(cert.subjectPublicKeyInfo.subjectPublicKey.valueBlock.valueHexView);
  // BIT STRING content = OCTET STRING (04 81 80 | 04 82 00 80 ...) holding x || y.
  return bits.slice(bits.length - 128);
}

/** Verifies a certificate's signature with crypto-gost-js and the issuer's key. */
function independentlySigned(certDer: Uint8Array, issuerDer: Uint8Array): boolean {
  const cert = parseCertificate(certDer);
  return independent.verify(
    gostPublicKey(issuerDer),
    new Uint8Array(cert.signatureValue.valueBlock.valueHexView),
    new Uint8Array(cert.tbsView),
  );
}

const extensionLayout = (der: Uint8Array) =>
  inspectCertificate(der).extensions.map((e) => `${e.oid}${e.critical ? ' (critical)' : ''}`);

describe('the GOST hierarchy made by initCa', () => {
  let dir: string;
  const BASE: InitCaOptions = {
    passphrase: 'correct horse',
    statusPassphrase: 'battery staple',
    statusBaseUrl: 'http://127.0.0.1:8081',
    keyAlgorithms: { root: 'ECDSA-P256', issuing: 'ECDSA-P256', operator: 'ECDSA-P256' },
  };
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'kzpki-gost-ca-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('is a GOST-2015-512 root and issuing CA as the NCA TEST-2022 chain, with GOST responders, keys sealed', async () => {
    const s = openCaStore(join(dir, 'a.sqlite'));
    try {
      const { material: m } = await initCa(s, BASE);
      for (const ca of [m.gostRoot, m.gostIssuing]) {
        const info = inspectCertificate(ca.certificate);
        expect(info.keyAlgorithm).toBe(GOST_KEY_ALGORITHM);
        expect(info.signatureAlgorithmOid).toBe(GOST_SIGNATURE_OID);
        expect(info.isCa).toBe(true);
        expect(ca.privateKey).toBeInstanceOf(GostPrivateKey);
        // Serial = SKI with the top bit cleared, as the NCA's GOST CAs.
        const ski = BigInt(`0x${ca.skiHex}`);
        expect(BigInt(`0x${ca.serialHex}`)).toBe(ski & ((1n << BigInt(ca.skiHex.length * 4 - 1)) - 1n));
      }
      expect(inspectCertificate(m.gostIssuing.certificate).authorityKeyId).toBe(m.gostRoot.skiHex);
      expect(independentlySigned(m.gostRoot.certificate, m.gostRoot.certificate)).toBe(true);
      expect(independentlySigned(m.gostIssuing.certificate, m.gostRoot.certificate)).toBe(true);
      const chain = await verifyChain({
        certificate: m.gostIssuing.certificate,
        trustAnchors: [m.gostRoot.certificate],
      });
      expect(chain.valid).toBe(true);
      if (hasNcaFixtures()) {
        expect(extensionLayout(m.gostRoot.certificate)).toEqual(
          extensionLayout(readNcaFixture('ca-test/root_test_gost_2022.cer')),
        );
        expect(extensionLayout(m.gostIssuing.certificate)).toEqual(
          extensionLayout(readNcaFixture('ca-test/nca_gost2022_test.cer')),
        );
      }
      // The GOST responders: delegated by their CA, GOST keys sealed under the status passphrase.
      for (const [ca, info] of [
        [m.gostIssuing, m.gostOcspResponder],
        [m.gostRoot, m.gostRootOcspResponder],
      ] as const) {
        const record = (await s.getOcspResponder(ca.skiHex))!;
        expect(record.certificate).toEqual(info.certificate);
        const cert = inspectCertificate(record.certificate);
        expect(cert.keyAlgorithm).toBe(GOST_KEY_ALGORITHM);
        expect(cert.authorityKeyId).toBe(ca.skiHex);
        expect(cert.ocspNoCheck).toBe(true);
        expect(independentlySigned(record.certificate, ca.certificate)).toBe(true);
        const key = await new ResponderKeyring('battery staple').open(record);
        expect(key).toBeInstanceOf(GostPrivateKey);
        expect(Buffer.from((key as GostPrivateKey).publicKeyInfo)).toEqual(
          Buffer.from(parseCertificate(record.certificate).subjectPublicKeyInfo.toSchema().toBER(false)),
        );
      }
      // Published for the status service beside the RSA CAs.
      const issuers = (await s.listIssuers()).map((i) => [i.id, i.role, i.skiHex]);
      expect(issuers).toContainEqual([CA_FILE_NAMES['gost-root'], 'root', m.gostRoot.skiHex]);
      expect(issuers).toContainEqual([CA_FILE_NAMES['gost-issuing'], 'issuing', m.gostIssuing.skiHex]);
      // At rest: encrypted; loads again with the passphrase only.
      const stored = (await s.getCaKey('gost-issuing'))!;
      const scalar = Buffer.from(m.gostIssuing.privateKey.exportScalar()).toString('hex');
      expect(stored.encryptedKey).not.toContain(scalar);
      expect(stored.encryptedKey).not.toContain(
        Buffer.from(m.gostIssuing.privateKey.exportScalar()).toString('base64'),
      );
      const again = await loadCaMaterial(s, { passphrase: 'correct horse' });
      expect(again.gostIssuing.privateKey.publicKeyInfo).toEqual(m.gostIssuing.privateKey.publicKeyInfo);
      await expect(loadCaMaterial(s, { passphrase: 'wrong' })).rejects.toSatisfy((e) =>
        isCaError(e, 'ERR_UNAUTHORIZED'),
      );
    } finally {
      await s.close();
    }
  });

  it('is added to a store made before it on the next initCa, the RSA hierarchy kept', async () => {
    const s = openCaStore(join(dir, 'b.sqlite'));
    try {
      const first = await initCa(s, BASE);
      // The store as an older version left it: no GOST keys, issuers or responders.
      for (const ca of [first.material.gostRoot, first.material.gostIssuing]) {
        s.db.prepare('DELETE FROM ocsp_responders WHERE issuer_ski_hex = ?').run(ca.skiHex);
        s.db.prepare('DELETE FROM issuers WHERE ski_hex = ?').run(ca.skiHex);
      }
      s.db.prepare("DELETE FROM ca_keys WHERE name IN ('gost-root', 'gost-issuing')").run();
      await expect(loadCaMaterial(s, { passphrase: 'correct horse' })).rejects.toSatisfy((e) =>
        isCaError(e, 'ERR_INTERNAL'),
      );
      const second = await initCa(s, BASE);
      expect(second.created).toEqual([
        'gost-root',
        'gost-issuing',
        'gost-root-ocsp-responder',
        'gost-ocsp-responder',
      ]);
      expect(second.renewed).toEqual([]);
      expect(second.material.issuing.serialHex).toBe(first.material.issuing.serialHex);
      expect(second.material.root.serialHex).toBe(first.material.root.serialHex);
      expect((await s.listIssuers()).length).toBe(4);
      expect((await loadCaMaterial(s, { passphrase: 'correct horse' })).gostIssuing.skiHex).toBe(
        second.material.gostIssuing.skiHex,
      );
    } finally {
      await s.close();
    }
  });
});

/** An applicant of a legal-entity template with a GOST key. */
class GostApplicant extends Applicant {
  gostKey = GostPrivateKey.generate('gost2015-512');
  gostPem = '';
  gostSerial = '';

  /** The one GOST request (subject from the identified person; usages from `requested`'s GOST profile). */
  async gostRequest(requested = this.template): Promise<string> {
    const person = this.application.person;
    const org = this.application.organization;
    const subject = buildNcaSubject({
      surname: person.surname,
      givenName: person.givenName,
      patronymic: person.patronymic,
      iin: person.iin,
      bin: org.bin,
      organization: org.name,
      checksum: false,
    });
    const der = await createCsr({
      keys: { privateKey: this.gostKey },
      subject,
      profile: gostTemplateProfile(requested),
    });
    return toPem(der, 'CERTIFICATE REQUEST');
  }

  async submitGost(csr?: string): Promise<ReturnType<Applicant['post']>> {
    const r = await this.post('submission', { keyStorage: 'PKCS12', csr: csr ?? (await this.gostRequest()) });
    if (r.status === 200) this.number = r.body.number;
    return r;
  }

  async issueGost(): Promise<void> {
    const r = await this.issue();
    expect(r.status).toBe(200);
    expect(r.body.certificates).toEqual([]);
    expect(r.body.gostCertificates).toHaveLength(1);
    const c = r.body.gostCertificates[0];
    expect(c.purpose).toBe('auth+sign');
    this.gostPem = c.pem;
    this.gostSerial = c.serialHex;
    expect(r.body.chain.map((x: { name: string }) => x.name)).toEqual(['gost-issuing', 'gost-root']);
  }

  async installGost(): Promise<void> {
    const ch = await this.post('installation-challenge', undefined);
    expect(ch.status).toBe(201);
    expect(ch.body.items).toHaveLength(1);
    expect(ch.body.items[0].purpose).toBe('auth+sign');
    const item = ch.body.items[0];
    const sig = await signData(this.gostKey, new Uint8Array(Buffer.from(item.toBeSigned, 'base64')));
    const r = await this.post('installation', {
      challengeId: ch.body.challengeId,
      proofs: [{ serialHex: item.serialHex, signature: Buffer.from(sig).toString('base64') }],
    });
    expect(r.status).toBe(200);
    expect(r.body.status).toBe('installed');
  }
}

describe('legal entities with one GOST certificate, through the flow', () => {
  let t: TestCa;
  beforeAll(async () => {
    t = await startTestCa();
  });
  afterAll(async () => {
    expect(t.ca.specViolations).toEqual([]);
    await t.stop();
  });

  async function ready<A extends Applicant>(a: A): Promise<A> {
    expect((await a.start()).status).toBe(201);
    expect((await a.verify()).status).toBe(200);
    await a.runIdentification();
    return a;
  }

  /** Logs into the cabinet with a GOST certificate (challenge signed with the GOST key). */
  async function gostLogin(a: GostApplicant): Promise<string> {
    const ch = await call(t.url, 'POST', '/v1/auth/challenges', { body: { audience: 'cabinet' } });
    expect(ch.status).toBe(201);
    const sig = await signData(a.gostKey, new Uint8Array(Buffer.from(ch.body.toBeSigned, 'base64')));
    const r = await call(t.url, 'POST', '/v1/cabinet/sessions', {
      body: {
        challengeId: ch.body.challengeId,
        certificate: a.gostPem,
        signature: Buffer.from(sig).toString('base64'),
      },
    });
    expect(r.status).toBe(201);
    return r.body.token as string;
  }

  it('issues, installs, logs in, approves, revokes; the GOST CRLs list it, signed with GOST', async () => {
    const m = t.ca.context.material;
    const manager = await ready(new GostApplicant(t.url, 'first-manager', '780203403451', '150440000013'));
    const sub = await manager.submitGost();
    expect(sub.status).toBe(200);
    expect(sub.body.status).toBe('submitted');
    await manager.issueGost();
    await manager.installGost();

    // The certificate as the NCA issues it for the template.
    const der = new Uint8Array(Buffer.from(manager.gostPem.replace(/-----[^-]+-----|\s/g, ''), 'base64'));
    const info = inspectCertificate(der);
    const profile = gostTemplateProfile('first-manager');
    expect(info.keyAlgorithm).toBe(GOST_KEY_ALGORITHM);
    expect(info.signatureAlgorithmOid).toBe(GOST_SIGNATURE_OID);
    expect(info.keyUsage).toEqual(['digitalSignature', 'nonRepudiation', 'keyAgreement']);
    expect(info.keyPurpose).toBe('auth+sign');
    expect(info.policies).toEqual(['1.2.398.3.3.2']);
    // The CPS qualifier (no user notice in the NCA's GOST certificates), byte for byte as gost2015_ceo.
    expect(info.cpsUris).toEqual(['http://pki.gov.kz/cps']);
    expect(policyQualifierIds(der)).toEqual([['1.3.6.1.5.5.7.2.1']]);
    if (hasNcaFixtures()) {
      expect(policiesExtensionHex(der)).toBe(
        policiesExtensionHex(readNcaFixture('ee-test/gost2015_ceo_2026.pem')),
      );
    }
    expect(info.extKeyUsage.slice(0, profile.extKeyUsage.length)).toEqual(profile.extKeyUsage);
    expect(info.extensions.map((e) => e.oid)).toContain('1.2.398.3.3.5');
    expect(info.authorityKeyId).toBe(m.gostIssuing.skiHex);
    const ski = BigInt(`0x${info.subjectKeyId}`);
    expect(BigInt(`0x${info.serialNumber}`)).toBe(ski & ((1n << 159n) - 1n));
    expect(info.crlUrls[0]).toMatch(new RegExp(`/crl/${CA_FILE_NAMES['gost-issuing']}\\.crl$`));
    expect(independentlySigned(der, m.gostIssuing.certificate)).toBe(true);
    const chain = await verifyChain({
      certificate: der,
      intermediates: [m.gostIssuing.certificate],
      trustAnchors: [m.gostRoot.certificate],
    });
    expect(chain.valid).toBe(true);
    const record = await t.ca.context.store.getCertificate(manager.gostSerial);
    expect(record).toMatchObject({
      purpose: 'auth+sign',
      issuerSkiHex: m.gostIssuing.skiHex,
      kind: 'end-entity',
    });

    // The GOST certificate logs into the cabinet and signs an approval.
    const token = await gostLogin(manager);
    const employee = await ready(new GostApplicant(t.url, 'employee', '911212307895', '150440000013'));
    const esub = await employee.submitGost();
    expect(esub.body.status).toBe('awaiting-approval');
    const pending = await call(t.url, 'GET', `/v1/cabinet/applications/${employee.number}`, { token });
    expect(pending.status).toBe(200);
    expect(pending.body.requests).toMatchObject([{ purpose: 'auth+sign', keyAlgorithm: GOST_KEY_ALGORITHM }]);
    const doc = pending.body.decisionDocuments.approve as string;
    const decision = await call(t.url, 'POST', `/v1/cabinet/applications/${employee.number}/decision`, {
      token,
      body: {
        decision: 'approve',
        certificate: manager.gostPem,
        signature: Buffer.from(await signData(manager.gostKey, new TextEncoder().encode(doc))).toString(
          'base64',
        ),
      },
    });
    expect(decision.status).toBe(200);
    await employee.issueGost();
    await employee.installGost();

    // The holder revokes; the GOST issuing CA's delta CRL on the full CRL before, then the next
    // full CRL, list it, signed with GOST.
    await t.ca.crls.regenerate('full');
    const etoken = await gostLogin(employee);
    const rev = await call(t.url, 'POST', `/v1/cabinet/certificates/${employee.gostSerial}/revocation`, {
      token: etoken,
      body: { reason: 'keyCompromise' },
    });
    expect(rev.status).toBe(200);
    for (const kind of ['delta', 'full'] as const) {
      await t.ca.crls.regenerate(kind);
      const published = (await t.ca.crls.latest(CA_FILE_NAMES['gost-issuing'], kind))!;
      const crl = parseCrl(published.der);
      expect(crl.signatureAlgorithm).toBe(GOST_SIGNATURE_OID);
      expect(crl.isDelta).toBe(kind === 'delta');
      expect(crl.find(employee.gostSerial)?.reason).toBe('keyCompromise');
      expect(crl.find(manager.gostSerial)).toBeUndefined();
      expect(await verifyCrl(crl, m.gostIssuing.certificate)).toBe(true);
      expect(await verifyCrl(crl, m.issuing.certificate)).toBe(false);
      expect(independent.verify(gostPublicKey(m.gostIssuing.certificate), crl.signature, crl.tbs)).toBe(true);
    }
    // The RSA issuing CA's CRL does not list the GOST certificate; the GOST root's is signed with GOST.
    const rsaCrl = parseCrl((await t.ca.crls.latest(CA_FILE_NAMES.issuing, 'full'))!.der);
    expect(rsaCrl.find(employee.gostSerial)).toBeUndefined();
    const rootCrl = parseCrl((await t.ca.crls.latest(CA_FILE_NAMES['gost-root'], 'full'))!.der);
    expect(await verifyCrl(rootCrl, m.gostRoot.certificate)).toBe(true);
  });

  it("a first manager obtains an information system's certificate from the cabinet, as gost2015_infosystem", async () => {
    const m = t.ca.context.material;
    const head = await ready(new GostApplicant(t.url, 'first-manager', '900720301239', '961141000023'));
    expect((await head.submitGost()).status).toBe(200);
    await head.issueGost();
    await head.installGost();
    const token = await gostLogin(head);
    const org = head.application.organization as { name: string; bin: string };
    const request = async (subject = { uid: '1.2.398.6.10.1.1', name: 'ДОКУМЕНТООБОРОТ' }) => {
      const key = GostPrivateKey.generate('gost2015-512');
      const der = await createCsr({
        keys: { privateKey: key },
        subject: buildInformationSystemSubject({
          ...subject,
          organization: org.name,
          bin: org.bin,
          checksum: false,
        }),
        profile: informationSystemProfile(),
      });
      return toPem(der, 'CERTIFICATE REQUEST');
    };
    const csr = await request();
    const r = await call(t.url, 'POST', '/v1/cabinet/information-systems', { token, body: { csr } });
    expect(r.status).toBe(201);
    expect(r.body.purpose).toBe('auth+sign');
    expect(r.body.fileName).toMatch(/^GOST512_[0-9a-f]{40}\.p12$/);
    const der = certificateToDer(r.body.pem);
    const info = inspectCertificate(der);
    const profile = informationSystemProfile();
    expect(info.iin).toBeUndefined();
    expect(info.bin).toBe(org.bin);
    expect(info.subject.fields.CN).toBe('ДОКУМЕНТООБОРОТ');
    expect(info.keyAlgorithm).toBe(GOST_KEY_ALGORITHM);
    expect(info.extKeyUsage).toEqual(profile.extKeyUsage);
    expect(info.policies).toEqual(['1.2.398.3.3.2']);
    expect((Date.parse(info.notAfter) - Date.parse(info.notBefore)) / 86_400_000).toBe(3 * 365);
    expect(info.authorityKeyId).toBe(m.gostIssuing.skiHex);
    expect(independentlySigned(der, m.gostIssuing.certificate)).toBe(true);
    if (hasNcaFixtures()) {
      const nca = certificateToDer(
        Buffer.from(readNcaFixture('ee-test/gost2015_infosystem_2026.pem')).toString(),
      );
      expect(extensionLayout(der)).toEqual(extensionLayout(nca));
      expect(policiesExtensionHex(der)).toBe(policiesExtensionHex(nca));
    }
    // The organisation's certificates in the first manager's cabinet include it.
    const listed = await call(t.url, 'GET', '/v1/cabinet/certificates', { token });
    expect(listed.body.certificates.map((c: { serialHex: string }) => c.serialHex)).toContain(
      r.body.serialHex,
    );
    // Refused: the same key again, a person's IIN in the subject, and anybody but a first manager.
    expectProblem(
      await call(t.url, 'POST', '/v1/cabinet/information-systems', { token, body: { csr } }),
      422,
      'ERR_CSR_KEY_REUSED',
    );
    const person = await createCsr({
      keys: { privateKey: GostPrivateKey.generate('gost2015-512') },
      subject: buildNcaSubject({
        surname: 'ТЕСТОВ',
        givenName: 'ТЕСТ',
        iin: '900720301239',
        bin: org.bin,
        organization: org.name,
        checksum: false,
      }),
      profile: informationSystemProfile(),
    });
    expectProblem(
      await call(t.url, 'POST', '/v1/cabinet/information-systems', {
        token,
        body: { csr: toPem(person, 'CERTIFICATE REQUEST') },
      }),
      422,
      'ERR_CSR_SUBJECT_MISMATCH',
    );
    // A backdated validity (an "expired" test pack's information system): refused outside test
    // mode, issued as asked in test mode.
    const backdated = { notBefore: '2026-01-01T00:00:00.000Z', notAfter: '2026-06-01T00:00:00.000Z' };
    expectProblem(
      await call(t.url, 'POST', '/v1/cabinet/information-systems', {
        token,
        body: { csr: await request(), validity: backdated },
      }),
      422,
      'ERR_TEST_MODE_REQUIRED',
    );
    const now = t.ca.context.now();
    const validity = {
      notBefore: new Date(Math.max(now.getTime() - 300 * 86_400_000, m.gostIssuing.notBefore.getTime())),
      notAfter: new Date(now.getTime() - 60_000),
    };
    expect(validity.notBefore.getTime()).toBeLessThan(validity.notAfter.getTime());
    const testModeCtx = { ...t.ca.context, config: { ...t.ca.context.config, testMode: true } };
    const expired = await issueInformationSystemCertificate(
      testModeCtx,
      { iin: '900720301239', bin: org.bin, organization: org.name, roles: ['legal-entity', 'first-manager'] },
      await request(),
      { validity },
    );
    expect(expired.notAfter.getTime()).toBe(Math.floor(validity.notAfter.getTime() / 1000) * 1000);
    expect(expired.notAfter.getTime()).toBeLessThan(now.getTime());
    expect(inspectCertificate(expired.der).iin).toBeUndefined();
    // Without a cabinet session: 401; a holder who is not the organisation's first manager: ERR_FORBIDDEN.
    expect(
      (await call(t.url, 'POST', '/v1/cabinet/information-systems', { body: { csr: await request() } }))
        .status,
    ).toBe(401);
    await expect(
      issueInformationSystemCertificate(
        t.ca.context,
        { iin: '880612304567', bin: org.bin, roles: ['legal-entity', 'signer'] },
        await request(),
      ),
    ).rejects.toSatisfy((e) => isCaError(e, 'ERR_FORBIDDEN'));
  });

  it('a GOST application is installed from its key file by number (the status page), one auth+sign item with its GOST public key', async () => {
    const head = await ready(new GostApplicant(t.url, 'first-manager', '700305408908', '120140000037'));
    expect((await head.submitGost()).status).toBe(200);
    const path = `/v1/application-status/${head.number}`;
    const c = await call(t.url, 'POST', `${path}/installation-challenge`);
    expect(c.status).toBe(201);
    expect(c.body.items).toHaveLength(1);
    const item = c.body.items[0];
    expect(item.purpose).toBe('auth+sign');
    expect(item.publicKey).toBe(Buffer.from(head.gostKey.publicKeyInfo).toString('base64'));
    const sig = await signData(head.gostKey, new Uint8Array(Buffer.from(item.toBeSigned, 'base64')));
    const r = await call(t.url, 'POST', `${path}/installation`, {
      body: {
        challengeId: c.body.challengeId,
        proofs: [{ serialHex: item.serialHex, signature: Buffer.from(sig).toString('base64') }],
      },
    });
    expect(r.status).toBe(200);
    expect(r.body.certificates).toEqual([]);
    expect(r.body.gostCertificates.map((x: { serialHex: string }) => x.serialHex)).toEqual([item.serialHex]);
    expect(r.body.chain.map((x: { name: string }) => x.name)).toEqual(['gost-issuing', 'gost-root']);
    expect((await call(t.url, 'GET', path)).body.application.status).toBe('installed');
  });

  it('refuses a GOST request for an individual, a key off the curve, another template’s role', async () => {
    const individual = await ready(new GostApplicant(t.url, 'individual', '850315300128'));
    const key = GostPrivateKey.generate('gost2015-512');
    const person = individual.application.person;
    const csr = await createCsr({
      keys: { privateKey: key },
      subject: buildNcaSubject({
        surname: person.surname,
        givenName: person.givenName,
        patronymic: person.patronymic,
        iin: person.iin,
        checksum: false,
      }),
      profile: gostTemplateProfile('individual'),
    });
    expectProblem(
      await individual.submitGost(toPem(csr, 'CERTIFICATE REQUEST')),
      422,
      'ERR_KEY_ALGORITHM_NOT_ALLOWED',
    );

    const signer = await ready(new GostApplicant(t.url, 'signer', '880612304567', '150440000013'));
    // A request for the first manager's role from a signer's application.
    expectProblem(
      await signer.submitGost(await signer.gostRequest('first-manager')),
      422,
      'ERR_CSR_TEMPLATE_MISMATCH',
    );
    // The public key moved off the curve (its y coordinate changed).
    const good = Buffer.from((await signer.gostRequest()).replace(/-----[^-]+-----|\s/g, ''), 'base64');
    const at = good.indexOf(Buffer.from(signer.gostKey.publicKey));
    expect(at).toBeGreaterThan(0);
    const bad = Buffer.from(good);
    bad[at + 127] = (bad[at + 127] ?? 0) ^ 0x01;
    expectProblem(
      await signer.submitGost(toPem(new Uint8Array(bad), 'CERTIFICATE REQUEST')),
      422,
      'ERR_CSR_INVALID',
    );
    // The identity (x = y = 0) instead of the key.
    const zero = Buffer.from(good);
    zero.fill(0, at, at + 128);
    expectProblem(
      await signer.submitGost(toPem(new Uint8Array(zero), 'CERTIFICATE REQUEST')),
      422,
      'ERR_CSR_INVALID',
    );
    // Still accepted as it should be: the signer's own GOST request, and nothing was issued before.
    expect((await signer.submitGost()).status).toBe(200);
  });
});
