/**
 * Pure parts of the browser code: the Digital ID PIN rule (as the CA's), the liveness score
 * from frame motion, the hash routes, the one-time code countdown, phone numbers, owner names
 * from subjects, polling pauses, the wizard's screens for each status and what Back may show,
 * and what the tab keeps of the wizard's progress; the keys of an application (an individual's RSA
 * AUTH + SIGN pair, a legal entity's one GOST-2015-512 key), how the GOST key is kept in the
 * browser's key storage, and the key file built from it.
 */
import {
  buildNcaSubject,
  formatName,
  GostPrivateKey,
  generateKeyPair,
  gostTemplateProfile,
  inspectCertificate,
  issueCertificate,
  openPkcs12,
  APPROVER_ROLES as PKI_APPROVER_ROLES,
  rootCaProfile,
  verifyChain,
  verifyCsr,
  verifyGost,
} from '@kzpki/pki';
import { describe, expect, it } from 'vitest';
import {
  APPROVER_ROLES,
  type Application,
  type CertificateBundle,
  type IssuedGostCertificate,
} from '../src/app/api/types.js';
import { keyAlgorithmMessage, keyAlgorithmText } from '../src/app/certificates/key-algorithm.js';
import { organizationOf, ownerName, parseDn } from '../src/app/certificates/names.js';
import { FILE_PURPOSE_LABEL } from '../src/app/components/install-panel.js';
import { pollDelay } from '../src/app/components/use-poll.js';
import { inspectFile } from '../src/app/crypto/inspect.js';
import {
  buildKeyFiles,
  certificatesToInstall,
  openKeyFileFor,
  signInstallationItem,
} from '../src/app/crypto/key-files.js';
import { generateRequests, keyKindFor } from '../src/app/crypto/requests.js';
import { sealGostKey, unsealGostKey } from '../src/app/crypto/sealed-key.js';
import { livenessFromMotion, motionOf } from '../src/app/media/liveness.js';
import { otpDeadlines } from '../src/app/pages/wizard/otp-deadlines.js';
import { formatPhone, normalizePhone } from '../src/app/pages/wizard/phone.js';
import { pinProblem } from '../src/app/pages/wizard/pin.js';
import {
  inProgress,
  placeForStatus,
  reachable,
  type WizardData,
} from '../src/app/pages/wizard/wizard-state.js';
import { parseRoute } from '../src/app/router.js';
import { knownKeyFiles, MAX_ENTRIES, rememberKeyFiles } from '../src/app/storage/key-file-names.js';
import { clearWizard, loadWizard, saveWizard } from '../src/app/storage/wizard-session.js';

describe('PIN rule', () => {
  it('accepts 4-8 digits that are not a repeat or a straight run', () => {
    for (const pin of [
      '4831',
      '0000',
      '1234',
      '9876',
      '12345678',
      '123',
      '123456789',
      '12a4',
      '2468',
      '1231',
    ]) {
      const expected = ['4831', '2468', '1231'].includes(pin)
        ? undefined
        : /^[0-9]{4,8}$/.test(pin)
          ? 'simple'
          : 'format';
      expect(pinProblem(pin), pin).toBe(expected);
    }
  });
  it('refuses every repeated digit and every run of every length', () => {
    for (let len = 4; len <= 8; len++) {
      for (let d = 0; d <= 9; d++) expect(pinProblem(String(d).repeat(len))).toBe('simple');
      for (let start = 0; start + len <= 10; start++) {
        const up = Array.from({ length: len }, (_, i) => start + i).join('');
        expect(pinProblem(up)).toBe('simple');
        expect(pinProblem([...up].reverse().join(''))).toBe('simple');
      }
    }
  });
});

describe('liveness score', () => {
  const frame = (fill: (i: number) => number) => Uint8Array.from({ length: 64 * 64 }, (_, i) => fill(i));

  it('a still picture scores 0 and fails', () => {
    const still = frame((i) => i % 256);
    expect(motionOf([still, still, still])).toBe(0);
    expect(livenessFromMotion(0)).toEqual({ passed: false, score: 0 });
  });
  it('noise below the pixel threshold is not motion', () => {
    const a = frame(() => 100);
    const b = frame((i) => 100 + (i % 20));
    expect(motionOf([a, b, a])).toBe(0);
  });
  it('a moving object is motion; the score is 0.5 at the pass threshold', () => {
    const at = (x: number) => frame((i) => (Math.abs((i % 64) - x) < 8 ? 255 : 0));
    const m = motionOf([at(10), at(20), at(30), at(40)]);
    expect(m).toBeGreaterThan(0.02);
    expect(livenessFromMotion(m).passed).toBe(true);
    expect(livenessFromMotion(0.02)).toEqual({ passed: true, score: 0.5 });
    expect(livenessFromMotion(0.019).passed).toBe(false);
    expect(livenessFromMotion(1).score).toBe(1);
  });
});

describe('hash routes', () => {
  it('maps hashes to pages', () => {
    expect(parseRoute('')).toEqual({ page: 'home' });
    expect(parseRoute('#/')).toEqual({ page: 'home' });
    expect(parseRoute('#/obtain')).toEqual({ page: 'obtain' });
    expect(parseRoute('#/status/27888601100404')).toEqual({ page: 'status', number: '27888601100404' });
    expect(parseRoute('#/status')).toEqual({ page: 'status' });
    expect(parseRoute('#/key-check')).toEqual({ page: 'key-check' });
    expect(parseRoute('#/cabinet')).toEqual({ page: 'cabinet' });
    expect(parseRoute('#/operator')).toEqual({ page: 'operator' });
    expect(parseRoute('#/nowhere')).toEqual({ page: 'home' });
  });
});

describe('one-time code countdown', () => {
  const app = (updatedAt: string, expiresAt: string, resendAvailableAt: string) =>
    ({
      id: 'm1N2b3V4c5X6z7L8k9J0hG',
      kind: 'individual',
      template: 'individual',
      iin: '850315300128',
      status: 'otp-sent',
      statusText: { ru: '', kk: '', en: '' },
      createdAt: updatedAt,
      updatedAt,
      nextActions: ['verifyOtp'],
      otp: {
        sender: '1414',
        sentTo: '+7 701 *** ** 33',
        expiresAt,
        ttlSeconds: 90,
        resendAvailableAt,
        attemptsLeft: 3,
      },
    }) as Parameters<typeof otpDeadlines>[0];

  it('counts the server offsets from the arrival of the answer, whatever the local clock says', () => {
    // The server's clock is an hour off from the browser's: only the offsets matter.
    const a = app('2025-03-01T10:00:00.000Z', '2025-03-01T10:01:30.000Z', '2025-03-01T10:01:00.000Z');
    expect(otpDeadlines(a, 5_000)).toEqual({ receivedAt: 5_000, expiresAt: 95_000, resendAt: 65_000 });
  });
  it('never exceeds the validity the server states', () => {
    const a = app('2025-03-01T10:00:00.000Z', '2025-03-01T10:05:00.000Z', 'not a date');
    expect(otpDeadlines(a, 0)).toEqual({ receivedAt: 0, expiresAt: 90_000, resendAt: 90_000 });
  });
  it("counts Digital ID's code the same way when given its state", () => {
    const first = app('2025-03-01T10:00:00.000Z', '2025-03-01T10:01:30.000Z', '2025-03-01T10:01:00.000Z');
    const a = {
      ...first,
      status: 'digital-id-code-sent' as const,
      otp: undefined,
      digitalIdOtp: {
        ...first.otp!,
        expiresAt: '2025-03-01T10:01:00.000Z',
        resendAvailableAt: '2025-03-01T10:00:30.000Z',
      },
    };
    expect(otpDeadlines(a, 1_000, a.digitalIdOtp)).toEqual({
      receivedAt: 1_000,
      expiresAt: 61_000,
      resendAt: 31_000,
    });
    // Without its state there is nothing to count down.
    expect(otpDeadlines(a, 1_000)).toEqual({ receivedAt: 1_000, expiresAt: 1_000, resendAt: 1_000 });
  });
});

describe('approver roles', () => {
  it('are the roles @kzpki/pki says confirm applications', () => {
    expect(APPROVER_ROLES).toEqual(PKI_APPROVER_ROLES);
  });
});

describe('phone numbers as people type them', () => {
  it('accepts +7, 8 and 7 prefixes with spaces, dashes and brackets', () => {
    for (const typed of [
      '+77771234567',
      '+7 777 123 45 67',
      '+7 (777) 123-45-67',
      '8 777 123 45 67',
      '8(777)1234567',
      '87771234567',
      '77771234567',
      '7771234567',
      ' 8-777-123-45-67 ',
    ])
      expect(normalizePhone(typed), typed).toBe('+77771234567');
  });
  it('refuses what is not ten digits after the country code', () => {
    for (const typed of [
      '',
      '+7777123',
      '+8 777 123 45 67',
      '9 777 123 45 67',
      '+7777123456789',
      '8777abc4567',
      '+1 202 555 0100',
    ])
      expect(normalizePhone(typed), typed).toBeUndefined();
  });
  it('formats a number back for reading', () => {
    expect(formatPhone('+77771234567')).toBe('+7 777 123 45 67');
  });
});

describe('owner names from certificate subjects', () => {
  it('is CN followed by the patronymic (GIVENNAME), whatever the order', () => {
    expect(
      ownerName('CN=НУРЛАНОВ ДАНИЯР,SURNAME=НУРЛАНОВ,SERIALNUMBER=IIN911212307895,C=KZ,G=АСКАРОВИЧ'),
    ).toBe('НУРЛАНОВ ДАНИЯР АСКАРОВИЧ');
    expect(
      ownerName('GIVENNAME=ТЕСТОВИЧ,C=KZ,SERIALNUMBER=IIN123456789011,SURNAME=ТЕСТОВ,CN=ТЕСТОВ ТЕСТ'),
    ).toBe('ТЕСТОВ ТЕСТ ТЕСТОВИЧ');
    expect(ownerName('CN=АХМЕТОВ АЙДАР,SERIALNUMBER=IIN850315300128')).toBe('АХМЕТОВ АЙДАР');
  });
  it('reads RFC 4514 escapes and the organisation', () => {
    const dn = 'CN=ИВАНОВ ИВАН,O=ТОО \\"Рога\\, копыта\\",OU=BIN150440000013,C=KZ';
    expect(organizationOf(dn)).toBe('ТОО "Рога, копыта"');
    expect(parseDn('CN=\\D0\\90\\D0\\91+SERIALNUMBER=IIN1')).toEqual([
      { type: 'CN', value: 'АБ' },
      { type: 'SERIALNUMBER', value: 'IIN1' },
    ]);
  });
  it('agrees with @kzpki/pki on names it writes', () => {
    const subject = buildNcaSubject({
      surname: 'САРСЕНОВА',
      givenName: 'ДИНАРА',
      patronymic: 'ЕРЛАНОВНА',
      iin: '780203403451',
      bin: '150440000013',
      organization: 'ТОО "KZ, Test"',
    });
    const formatted = formatName(subject);
    expect(ownerName(formatted)).toBe('САРСЕНОВА ДИНАРА ЕРЛАНОВНА');
    expect(organizationOf(formatted)).toBe('ТОО "KZ, Test"');
  });
  it('falls back to the whole subject without a CN', () => {
    expect(ownerName('O=Org,C=KZ')).toBe('O=Org,C=KZ');
  });
});

describe('polling pauses', () => {
  it('grow from 2 s to 15 s, and slow to a minute after ten minutes', () => {
    expect([0, 1, 2, 3, 4, 5, 20].map((n) => pollDelay(n, 0))).toEqual([
      2000, 3000, 5000, 8000, 13000, 15000, 15000,
    ]);
    expect(pollDelay(3, 10 * 60_000)).toBe(60_000);
  });
});

/** An in-memory Web Storage. */
function memoryStorage(): Storage {
  const m = new Map<string, string>();
  return {
    get length() {
      return m.size;
    },
    clear: () => m.clear(),
    getItem: (k) => m.get(k) ?? null,
    key: (n) => [...m.keys()][n] ?? null,
    removeItem: (k) => void m.delete(k),
    setItem: (k, v) => void m.set(k, String(v)),
  };
}

const baseApp = (status: Application['status']): Application => ({
  id: 'm1N2b3V4c5X6z7L8k9J0hG',
  kind: 'individual',
  template: 'individual',
  iin: '850315300128',
  status,
  statusText: { ru: 'р', kk: 'к', en: 'e' },
  createdAt: '2025-03-01T10:00:00.000Z',
  updatedAt: '2025-03-01T10:00:00.000Z',
  nextActions: [],
});

describe('the wizard screen for what the CA says', () => {
  it('maps every status to its screen', () => {
    const all: Array<[Application['status'], string | undefined]> = [
      ['otp-sent', 'otp'],
      ['phone-verified', 'digital-id-phone'],
      ['digital-id-code-sent', 'digital-id-phone'],
      ['digital-id-phone-verified', 'digital-id'],
      ['document-recognized', 'digital-id'],
      ['moderation', 'moderation'],
      ['identification-rejected', 'moderation'],
      ['identified', 'consent'],
      ['consent-given', 'agreement'],
      ['agreement-accepted', 'application-form'],
      ['awaiting-approval', 'submitted'],
      ['approved', 'submitted'],
      ['submitted', 'submitted'],
      ['rejected', 'submitted'],
      ['issued', 'submitted'],
      ['installed', 'submitted'],
      ['revoked', 'submitted'],
      ['expired', undefined],
    ];
    for (const [status, step] of all) expect(placeForStatus(status, false)?.step, status).toBe(step);
    expect(placeForStatus('document-recognized', true)).toEqual({ step: 'confirm-document' });
  });

  it('lets Back return only to screens that can be shown again', () => {
    const d = (status: Application['status'], extra: Partial<WizardData> = {}): WizardData => ({
      kind: 'individual',
      template: 'individual',
      iin: '850315300128',
      bin: '',
      app: baseApp(status),
      ...extra,
    });
    const auth = { auth: { token: 't', expiresAt: '2025-03-02T00:00:00Z' } };
    // Before the code is verified the start screen can be shown (a new start is a new application).
    expect(reachable({ step: 'start' }, d('otp-sent'))).toBe(true);
    expect(reachable({ step: 'otp' }, d('otp-sent'))).toBe(true);
    // After it, neither the start nor the code screen.
    expect(reachable({ step: 'start' }, d('phone-verified', auth))).toBe(false);
    expect(reachable({ step: 'otp' }, d('phone-verified', auth))).toBe(false);
    // Digital ID's phone page until its code is verified; Digital ID itself only after that.
    expect(reachable({ step: 'digital-id-phone' }, d('phone-verified', auth))).toBe(true);
    expect(reachable({ step: 'digital-id-phone' }, d('digital-id-code-sent', auth))).toBe(true);
    expect(reachable({ step: 'digital-id-phone' }, d('digital-id-code-sent'))).toBe(false);
    expect(reachable({ step: 'digital-id', sub: 'intro' }, d('phone-verified', auth))).toBe(false);
    expect(reachable({ step: 'digital-id', sub: 'intro' }, d('digital-id-code-sent', auth))).toBe(false);
    expect(reachable({ step: 'digital-id-phone' }, d('digital-id-phone-verified', auth))).toBe(false);
    // Digital ID's screens while their inputs exist.
    expect(reachable({ step: 'digital-id', sub: 'selfie' }, d('digital-id-phone-verified', auth))).toBe(true);
    expect(reachable({ step: 'digital-id', sub: 'pin' }, d('digital-id-phone-verified', auth))).toBe(false);
    const picture = { base64: 'AA==', dataUrl: 'data:,' };
    const did = { did: { selfie: picture, liveness: { passed: true, score: 0.9 } } };
    expect(
      reachable({ step: 'digital-id', sub: 'pin' }, d('digital-id-phone-verified', { ...auth, ...did })),
    ).toBe(true);
    // The document can be sent again while the CA still waits for the confirmation.
    expect(reachable({ step: 'digital-id', sub: 'intro' }, d('document-recognized', auth))).toBe(true);
    // Once identified, the identification screens are done.
    expect(reachable({ step: 'confirm-document' }, d('identified', auth))).toBe(false);
    expect(reachable({ step: 'digital-id', sub: 'document' }, d('identified', { ...auth, ...did }))).toBe(
      false,
    );
    expect(reachable({ step: 'consent' }, d('identified', auth))).toBe(true);
    expect(reachable({ step: 'agreement' }, d('identified', auth))).toBe(false);
    expect(reachable({ step: 'submitted' }, d('awaiting-approval', auth))).toBe(true);
  });

  it('treats a started or typed-in application as in progress, a submitted one not', () => {
    const blank: WizardData = { kind: 'individual', template: 'individual', iin: '', bin: '' };
    expect(inProgress({ step: 'start' }, blank)).toBe(false);
    expect(inProgress({ step: 'start' }, { ...blank, iin: '8503' })).toBe(true);
    expect(inProgress({ step: 'consent' }, { ...blank, app: baseApp('identified') })).toBe(true);
    expect(inProgress({ step: 'submitted' }, { ...blank, app: baseApp('submitted') })).toBe(false);
  });
});

describe('the wizard progress kept for the tab', () => {
  it('round-trips what it keeps and nothing else', () => {
    const storage = memoryStorage();
    const picture = { base64: 'AA==', dataUrl: 'data:,' };
    saveWizard(
      {
        place: { step: 'digital-id', sub: 'pin' },
        data: {
          kind: 'legal-entity',
          template: 'employee',
          iin: '911212307895',
          bin: '150440000013',
          app: baseApp('phone-verified'),
          auth: { token: 'secret-token', expiresAt: '2025-03-02T00:00:00Z' },
          otpClock: { expiresAt: 1, resendAt: 2 },
          // Not kept: pictures and the PIN.
          did: { selfie: picture, pin: '4831' },
        } as WizardData,
      },
      storage,
    );
    const raw = storage.getItem('kzpki-portal-wizard') ?? '';
    expect(raw).not.toContain('4831');
    expect(raw).not.toContain('data:,');
    const back = loadWizard(storage);
    expect(back?.place).toEqual({ step: 'digital-id', sub: 'pin' });
    expect(back?.data.auth?.token).toBe('secret-token');
    expect(back?.data.app?.status).toBe('phone-verified');
    expect(back?.data.otpClock).toEqual({ expiresAt: 1, resendAt: 2 });
    clearWizard(storage);
    expect(loadWizard(storage)).toBeUndefined();
  });
  it('ignores what is not its own shape', () => {
    const storage = memoryStorage();
    for (const junk of ['not json', '{"v":2}', '{"v":1,"place":{"step":"nowhere"},"data":{}}', 'null']) {
      storage.setItem('kzpki-portal-wizard', junk);
      expect(loadWizard(storage), junk).toBeUndefined();
    }
  });
});

describe('key file names remembered by serial number', () => {
  it('keeps the newest entries, lower-cases serials and ignores junk', () => {
    const storage = memoryStorage();
    rememberKeyFiles([{ serialHex: 'ABCDEF01', fileName: 'RSA256_0a1b.p12' }], storage);
    expect(knownKeyFiles(storage).get('abcdef01')).toBe('RSA256_0a1b.p12');
    for (let n = 0; n < MAX_ENTRIES + 5; n++)
      rememberKeyFiles(
        [{ serialHex: n.toString(16).padStart(4, '0'), fileName: `AUTH_RSA256_${n}.p12` }],
        storage,
      );
    const known = knownKeyFiles(storage);
    expect(known.size).toBe(MAX_ENTRIES);
    expect(known.has('abcdef01')).toBe(false);
    storage.setItem('kzpki-portal-key-files', '[{"serialHex":"<script>","fileName":"x"}]');
    expect(knownKeyFiles(storage).size).toBe(0);
  });
});

describe('key algorithms in words', () => {
  it('names the GOST generations in the page language and shows other labels as they are', async () => {
    const { ru } = await import('../src/app/i18n/messages-ru.js');
    const t = (k: keyof typeof ru) => ru[k];
    expect(keyAlgorithmText(t, 'GOST-2015-512')).toBe('ГОСТ Р 34.10-2015, 512 бит');
    expect(keyAlgorithmMessage('GOST-2004')).toBe('alg.gost2004');
    expect(keyAlgorithmText(t, 'RSA-2048')).toBe('RSA-2048');
  });
});

describe('the keys of an application', () => {
  const person = {
    iin: '911212307895',
    surname: 'НУРЛАНОВ',
    givenName: 'ДАНИЯР',
    fullName: 'НУРЛАНОВ ДАНИЯР',
  };
  const organization = { bin: '150440000013', name: 'ТОО «KZPKI ДЕМО»' };

  it('a legal entity gets one GOST-2015-512 key and request, an individual an RSA AUTH + SIGN pair', async () => {
    expect(keyKindFor('legal-entity')).toBe('gost');
    expect(keyKindFor('individual')).toBe('rsa');
    const gost = await generateRequests({ person, organization, template: 'employee' });
    if (gost.kind !== 'gost') throw new Error(`expected a GOST key, got ${gost.kind}`);
    const csr = await verifyCsr(gost.csrPem);
    expect(csr.keyAlgorithm).toBe('GOST-2015-512');
    expect(csr.subjectString).toContain('150440000013');
    expect(csr.subjectString).toContain('911212307895');
    const rsa = await generateRequests({ person, template: 'individual' });
    if (rsa.kind !== 'rsa') throw new Error(`expected an RSA pair, got ${rsa.kind}`);
    for (const k of [rsa.auth, rsa.sign]) expect((await verifyCsr(k.csrPem)).keyAlgorithm).toBe('RSA-2048');
  });

  it('keeps the GOST key sealed: the stored bytes are not the key, and it comes back the same', async () => {
    const key = GostPrivateKey.generate('gost2015-512');
    const stored = await sealGostKey(key);
    expect(stored.wrappingKey.extractable).toBe(false);
    expect(stored.algorithm).toBe('GOST-2015-512');
    const scalar = key.exportScalar();
    const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
    expect(hex(stored.sealed)).not.toContain(hex(scalar));
    // Structured clone is what IndexedDB stores.
    const again = await unsealGostKey(structuredClone(stored));
    expect(hex(again.publicKeyInfo)).toBe(hex(key.publicKeyInfo));
    const data = new TextEncoder().encode('installation challenge');
    expect(verifyGost(key.signatureAlgorithm, key.publicKeyInfo, data, again.sign(data))).toBe(true);
    const tampered = { ...stored, sealed: stored.sealed.map((b, n) => (n === 0 ? b ^ 1 : b)) };
    await expect(unsealGostKey(tampered)).rejects.toMatchObject({ code: 'ERR_STORAGE' });
  });

  it('builds the one GOST512_<ski>.p12 with the password, and signs the installation with the key', async () => {
    const caKey = GostPrivateKey.generate('gost2015-512');
    const root = await issueCertificate({
      publicKey: caKey.publicKeyInfo,
      subject: [
        { type: '2.5.4.6', value: 'KZ' },
        { type: '2.5.4.3', value: 'kzpki GOST TEST root' },
      ],
      profile: rootCaProfile(),
      issuerKey: caKey,
    });
    const made = await generateRequests({ person, organization, template: 'signer' });
    if (made.kind !== 'gost') throw new Error('expected a GOST key');
    const leaf = await issueCertificate({
      csr: made.csrPem,
      profile: gostTemplateProfile('signer'),
      issuer: root.der,
      issuerKey: caKey,
    });
    const issued: IssuedGostCertificate = {
      purpose: 'auth+sign',
      serialHex: leaf.serialHex,
      subject: '',
      skiHex: leaf.subjectKeyId,
      fileName: `GOST512_${leaf.subjectKeyId}.p12`,
      notBefore: leaf.notBefore.toISOString(),
      notAfter: leaf.notAfter.toISOString(),
      pem: leaf.pem,
      der: Buffer.from(leaf.der).toString('base64'),
    };
    const caCert = {
      name: 'gost-root' as const,
      fileName: 'root.cer',
      subject: '',
      serialHex: root.serialHex,
      skiHex: root.subjectKeyId,
      notBefore: root.notBefore.toISOString(),
      notAfter: root.notAfter.toISOString(),
      pem: root.pem,
    };
    const bundle: CertificateBundle = {
      applicationNumber: '73717378150611',
      certificates: [],
      gostCertificates: [issued],
      chain: [caCert],
    };
    expect(certificatesToInstall(bundle, 'gost').map((c) => c.purpose)).toEqual(['auth+sign']);
    // An RSA pair cannot take a GOST bundle, nor a GOST key an RSA one.
    expect(() => certificatesToInstall(bundle, 'rsa')).toThrow(
      expect.objectContaining({ code: 'ERR_KEYS_NOT_FOUND' }),
    );
    expect(() => certificatesToInstall({ ...bundle, gostCertificates: [] }, 'gost')).toThrow(
      expect.objectContaining({ code: 'ERR_KEYS_NOT_FOUND' }),
    );
    // A key that is not the certified one is refused.
    await expect(
      buildKeyFiles({
        bundle,
        keys: { kind: 'gost', key: GostPrivateKey.generate('gost2015-512') },
        password: 'Portal2025x',
        format: 'legacy',
      }),
    ).rejects.toMatchObject({ code: 'ERR_KEYS_NOT_FOUND' });

    const keys = { kind: 'gost' as const, key: made.key };
    const [file, ...more] = await buildKeyFiles({ bundle, keys, password: 'Portal2025x', format: 'legacy' });
    expect(more).toHaveLength(0);
    if (!file) throw new Error('no key file');
    expect(file.fileName).toBe(`GOST512_${leaf.subjectKeyId}.p12`);
    expect(file.purpose).toBe('auth+sign');
    expect(FILE_PURPOSE_LABEL[file.purpose]).toBe('done.authSign');
    await expect(openPkcs12(file.bytes, 'Wrong2025x')).rejects.toMatchObject({
      code: 'ERR_PKCS12_BAD_PASSWORD',
    });
    const p12 = await openPkcs12(file.bytes, 'Portal2025x');
    expect(p12.signingKey).toBeInstanceOf(GostPrivateKey);
    // The certificate only, as the NCA's key files: the bundle's chain is offered apart (issue 13).
    expect(p12.chain).toHaveLength(0);
    const info = inspectCertificate(p12.certificate);
    expect(info.keyAlgorithm).toBe('GOST-2015-512');
    expect(info.keyPurpose).toBe('auth+sign');
    const chain = await verifyChain({ certificate: p12.certificate, trustAnchors: [root.der] });
    expect(chain.valid).toBe(true);
    // The key check page and the cabinet open the GOST file too, and prove the key is the certified one.
    const checked = await inspectFile(file.bytes, 'Portal2025x');
    expect(checked).toMatchObject({ kind: 'key-file', keyMatches: true, fileName: file.fileName });
    const opened = await openKeyFileFor(file.bytes, 'Portal2025x', 'sign');
    expect(opened.purpose).toBe('auth+sign');
    expect(opened.privateKey).toBeInstanceOf(GostPrivateKey);

    const challenge = new TextEncoder().encode('kzpki installation');
    const proof = await signInstallationItem(keys, 'auth+sign', challenge);
    expect(verifyGost(made.key.signatureAlgorithm, made.key.publicKeyInfo, challenge, proof)).toBe(true);
    const pair = await generateKeyPair('RSA-2048');
    await expect(
      signInstallationItem({ kind: 'rsa', auth: pair, sign: pair }, 'auth+sign', challenge),
    ).rejects.toMatchObject({
      code: 'ERR_KEYS_NOT_FOUND',
    });
  });
});
