/**
 * End to end over HTTP: an individual and each of the six legal-entity templates walk the whole
 * flow (start, OTP from the dev outbox, identification, consent, agreement, client-side keys and
 * requests, submission, first-manager approval signed with a SIGN key, issuance, download,
 * proof-of-possession installation). The issued certificates are read back with
 * `inspectCertificate` and verified by OpenSSL against the CA chain.
 */

import {
  inspectCertificate,
  NCA_OIDS,
  ncaKeyFileName,
  parseCertificate,
  subjectKeyIdentifier,
} from '@kzpki/pki';
import { hasNcaFixtures, hasTool, readNcaFixture, runTool, tempDir } from '@kzpki/test-fixtures';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call } from './support/api.js';
import { Applicant, certificateLogin, decideWith } from './support/flow.js';
import { startTestCa, type TestCa } from './support/harness.js';
import { policiesExtensionHex, policyQualifierIds } from './support/policies.js';

let t: TestCa;
beforeAll(async () => {
  t = await startTestCa();
});
afterAll(async () => {
  expect(t.ca.specViolations).toEqual([]);
  await t.stop();
});

const ORG1 = '150440000013';
const ORG3 = '120140000037';
const STATUS = 'http://127.0.0.1:8081';

/** Checks an issued pair with inspectCertificate and OpenSSL. */
async function checkPair(
  a: Applicant,
  expectRoles: string[],
  policy: { auth: string; sign: string },
): Promise<void> {
  for (const purpose of ['auth', 'sign'] as const) {
    const held = a[purpose]!;
    const info = inspectCertificate(held.pem!);
    expect(info.iin).toBe(a.iin);
    expect(info.bin).toBe(a.bin);
    expect(info.keyPurpose).toBe(purpose);
    expect(info.roles).toEqual(expect.arrayContaining(expectRoles));
    expect(info.policies).toEqual([policy[purpose]]);
    // The CPS qualifier and the user notice, as the NCA's RSA certificates carry them.
    expect(info.cpsUris).toEqual(['http://pki.gov.kz/cps']);
    expect(policyQualifierIds(held.pem!)).toEqual([['1.3.6.1.5.5.7.2.1', '1.3.6.1.5.5.7.2.2']]);
    if (a.template === 'individual' && hasNcaFixtures()) {
      // Byte for byte as the NCA's individual AUTH and SIGN certificates.
      const fixture = readNcaFixture(`ee-test/rsa_individual_${purpose}_2022.pem`);
      expect(policiesExtensionHex(held.pem!)).toBe(policiesExtensionHex(fixture));
    }
    expect(info.identificationMethod).toBe('remote-digital-id');
    expect(info.issuer.fields.CN).toBe('KZPKI TEST ISSUING CA (RSA)');
    expect(info.ocspUrls).toEqual([`${STATUS}/ocsp`]);
    expect(info.crlUrls).toEqual([`${STATUS}/crl/kzpki-test-issuing-rsa.crl`]);
    expect(info.deltaCrlUrls).toEqual([`${STATUS}/crl/kzpki-test-issuing-rsa-delta.crl`]);
    expect(info.caIssuerUrls).toEqual([`${STATUS}/ca/kzpki-test-issuing-rsa.crt`]);
    expect(info.keyUsageCritical).toBe(true);
    expect(info.keyUsage.sort()).toEqual(
      (purpose === 'auth'
        ? ['digitalSignature', 'keyEncipherment']
        : ['digitalSignature', 'nonRepudiation']
      ).sort(),
    );
    expect(info.serialNumber).toBe(held.serialHex);
    // 20-byte serials, SKI = SHA-1 over the whole SubjectPublicKeyInfo (the key file's name), and
    // exactly 365 days, as the NCA's RSA certificates.
    expect(info.serialNumber).toMatch(/^[0-7][0-9a-f]{39}$/);
    const spki = new Uint8Array(parseCertificate(held.pem!).subjectPublicKeyInfo.toSchema().toBER(false));
    expect(info.subjectKeyId).toBe(
      Buffer.from(await subjectKeyIdentifier(spki, 'spki-sha1')).toString('hex'),
    );
    expect(ncaKeyFileName(held.pem!)).toBe(
      `${purpose === 'auth' ? 'AUTH_RSA256' : 'RSA256'}_${info.subjectKeyId}.p12`,
    );
    expect(Date.parse(info.notAfter) - Date.parse(info.notBefore)).toBe(365 * 86_400_000);
    opensslVerify(held.pem!);
  }
}

function opensslVerify(leafPem: string): void {
  if (!hasTool('openssl')) return;
  const m = t.ca.context.material;
  const d = tempDir('kzpki-ca-verify-');
  try {
    const out = runTool('openssl', [
      'verify',
      '-x509_strict',
      '-CAfile',
      d.write('root.pem', m.root.pem),
      '-untrusted',
      d.write('issuing.pem', m.issuing.pem),
      d.write('leaf.pem', leafPem),
    ]);
    expect(out.stdout + out.stderr).toMatch(/leaf\.pem: OK/);
    expect(out.status).toBe(0);
  } finally {
    d.dispose();
  }
}

async function complete(a: Applicant): Promise<void> {
  const issued = await a.issue();
  expect(issued.status).toBe(200);
  expect(issued.body.certificates.map((c: { purpose: string }) => c.purpose)).toEqual(['auth', 'sign']);
  expect(issued.body.chain.map((c: { name: string }) => c.name)).toEqual(['issuing', 'root']);
  const dl = await a.download();
  expect(dl.body.certificates.map((c: { serialHex: string }) => c.serialHex)).toEqual(
    issued.body.certificates.map((c: { serialHex: string }) => c.serialHex),
  );
  // Each key must sign its own certificate's challenge: the AUTH key's signature for the SIGN
  // certificate (and the reverse) is no proof, and the application stays issued.
  const swapped = await a.install((purpose) => (purpose === 'auth' ? a.sign : a.auth)!.keys.privateKey);
  expect(swapped.status).toBe(422);
  expect(swapped.body.code).toBe('ERR_PROOF_OF_POSSESSION_INVALID');
  expect((await a.get()).body.status).toBe('issued');
  const inst = await a.install();
  expect(inst.status).toBe(200);
  expect(inst.body.status).toBe('installed');
  expect(inst.body.statusText.ru).toBe('Сертификаты установлены');
}

describe('individual', () => {
  it('walks the whole flow and gets NCA-shaped AUTH and SIGN certificates', async () => {
    const a = new Applicant(t.url, 'individual', '850315300128');
    const started = await a.start();
    expect(started.body.status).toBe('otp-sent');
    expect(started.body.otp).toMatchObject({
      sender: '1414',
      ttlSeconds: 90,
      attemptsLeft: 3,
      sentTo: '+7 701 *** ** 33',
    });
    expect(started.body.nextActions).toEqual(['resendOtp', 'verifyOtp']);
    const verified = await a.verify();
    expect(verified.body.application.status).toBe('phone-verified');
    expect(verified.body.application.nextActions).toEqual(['submitDigitalIdPhone']);
    await a.confirmDigitalIdPhone();
    const ident = await a.identify();
    expect(ident.body.recognizedDocument).toMatchObject({
      surname: 'АХМЕТОВ',
      number: '051234567',
      iin: a.iin,
    });
    await a.confirm();
    expect(a.application.person.fullName).toBe('АХМЕТОВ АЙДАР СЕРИКОВИЧ');
    await a.consent();
    await a.agree();
    const sub = await a.submit(undefined, { email: 'a.akhmetov@example.kz' });
    expect(sub.status).toBe(200);
    expect(sub.body.status).toBe('submitted');
    expect(sub.body.number).toMatch(/^[0-9]{14}$/);
    await complete(a);
    await checkPair(a, ['individual'], {
      auth: NCA_OIDS.policy.individualAuth,
      sign: NCA_OIDS.policy.individualSign,
    });
    expect(inspectCertificate(a.auth!.pem!).email).toBe('a.akhmetov@example.kz');

    const status = await call(t.url, 'GET', `/v1/application-status/${a.number}`);
    expect(status.status).toBe(200);
    // Anyone with the number reads this page: the person is masked (issue 10 #12).
    expect(status.body.user).toEqual({
      kind: 'individual',
      iin: `********${a.iin.slice(-4)}`,
      fullName: 'А. А. С.',
    });
    expect(status.body.application.templateTitle.ru).toBe('Физическое лицо');
    expect(status.body.history.map((h: { status: string }) => h.status)).toEqual([
      'otp-sent',
      'phone-verified',
      'digital-id-code-sent',
      'digital-id-phone-verified',
      'document-recognized',
      'identified',
      'consent-given',
      'agreement-accepted',
      'submitted',
      'issued',
      'installed',
    ]);
    const issuedRow = status.body.history.find((h: { status: string }) => h.status === 'issued');
    expect(issuedRow.text.ru).toBe('Выпущенные регистрационные свидетельства (сертификаты) по заявке');
    // The status-service view of the store says the same.
    expect(await t.ca.context.store.getApplicationStatus(a.number)).toEqual(status.body);
  });
});

describe('legal entity: the six templates', () => {
  const legal = { auth: NCA_OIDS.policy.legalEntityAuth, sign: NCA_OIDS.policy.legalEntitySign };
  let manager: Applicant;
  let managerSession: string;

  it('first manager: registry head of the BIN, no approval step', async () => {
    manager = new Applicant(t.url, 'first-manager', '780203403451', ORG1);
    const sub = await manager.runToSubmission();
    expect(sub.body.status).toBe('submitted');
    expect(sub.body.organization).toEqual({ bin: ORG1, name: 'ТОО «KZPKI ДЕМО»' });
    await complete(manager);
    await checkPair(manager, ['legal-entity', 'first-manager'], legal);
    const login = await certificateLogin(t.url, 'cabinet', manager.auth!.pem!, manager.auth!.keys.privateKey);
    expect(login.status).toBe(201);
    expect(login.body.holder).toMatchObject({
      iin: manager.iin,
      bin: ORG1,
      roles: ['legal-entity', 'first-manager'],
    });
    managerSession = login.body.token;
  });

  async function approvedBy(a: Applicant, session: string, signer: Applicant): Promise<void> {
    const sub = await a.runToSubmission();
    expect(sub.body.status).toBe('awaiting-approval');
    expect(sub.body.statusText.ru).toBe(
      'Пользователь идентифицирован центром регистрации. Ожидание подтверждения первого руководителя',
    );
    const pending = await call(t.url, 'GET', '/v1/cabinet/applications', { token: session });
    expect(pending.status).toBe(200);
    expect(pending.body.applications.map((p: { number: string }) => p.number)).toContain(a.number);
    const d = await decideWith(
      t.url,
      session,
      a.number,
      'approve',
      signer.sign!.pem!,
      signer.sign!.keys.privateKey,
    );
    expect(d.status).toBe(200);
    expect(d.body).toMatchObject({ decision: 'approve', status: 'approved' });
    expect(d.body.evidence.signerSerialHex).toBe(signer.sign!.serialHex);
    // The decision SMS names who decided: the first manager, or the person with signing right.
    const sms = await call(t.url, 'GET', `/v1/dev/sms-outbox?iin=${a.iin}`);
    const decided = sms.body.messages.find(
      (m: { kind: string; text: string }) => m.kind === 'notification' && m.text.includes(a.number),
    );
    expect(decided?.text).toContain(
      signer.template === 'first-manager'
        ? 'подтверждена первым руководителем'
        : 'подтверждена лицом с правом подписи',
    );
    await complete(a);
  }

  let signer: Applicant;
  it('signer: approved by the first manager', async () => {
    signer = new Applicant(t.url, 'signer', '880612304567', ORG1);
    await approvedBy(signer, managerSession, manager);
    await checkPair(signer, ['legal-entity', 'signer'], legal);
  });

  it('finance: approved by the first manager; the decision evidence is stored', async () => {
    const a = new Applicant(t.url, 'finance', '950901405677', ORG1);
    await approvedBy(a, managerSession, manager);
    await checkPair(a, ['legal-entity', 'finance'], legal);
    const app = await t.ca.context.store.getApplicationByNumber(a.number);
    const approval = await t.ca.context.store.getApproval(app!.id);
    expect(approval).toMatchObject({ decision: 'approve', approverIin: manager.iin, approverBin: ORG1 });
    expect(JSON.parse(approval!.document)).toMatchObject({
      type: 'kzpki-application-decision',
      decision: 'approve',
      application: { number: a.number, template: 'finance', iin: a.iin, bin: ORG1 },
    });
  });

  let hr: Applicant;
  it('hr: approved by the first manager', async () => {
    hr = new Applicant(t.url, 'hr', '830414306786', ORG1);
    await approvedBy(hr, managerSession, manager);
    await checkPair(hr, ['legal-entity', 'hr'], legal);
  });

  it('employee: approved by the person with signing right acting for the first manager (HR approves nothing)', async () => {
    const hrLogin = await certificateLogin(t.url, 'cabinet', hr.auth!.pem!, hr.auth!.keys.privateKey);
    expect(hrLogin.body.holder.roles).toContain('hr');
    expect((await call(t.url, 'GET', '/v1/cabinet/applications', { token: hrLogin.body.token })).status).toBe(
      403,
    );
    const login = await certificateLogin(t.url, 'cabinet', signer.auth!.pem!, signer.auth!.keys.privateKey);
    expect(login.body.holder.roles).toContain('signer');
    const a = new Applicant(t.url, 'employee', '911212307895', ORG1);
    await approvedBy(a, login.body.token, signer);
    await checkPair(a, ['legal-entity', 'employee'], legal);
  });

  it('treasury: participant code and role code in the subject, approved by its first manager', async () => {
    const head = new Applicant(t.url, 'first-manager', '700305408908', ORG3);
    expect((await head.runToSubmission()).body.status).toBe('submitted');
    await complete(head);
    const login = await certificateLogin(t.url, 'cabinet', head.auth!.pem!, head.auth!.keys.privateKey);
    const a = new Applicant(t.url, 'treasury', '990101309017', ORG3);
    await approvedBy(a, login.body.token, head);
    await checkPair(a, ['legal-entity', 'treasury'], legal);
    const info = inspectCertificate(a.sign!.pem!);
    expect(info.roleCode).toBe('ROLE02');
    expect(info.businessCategory).toBe('KS1234');
    expect(info.roleOids).toContain(NCA_OIDS.role.treasuryClient);
  });
});
