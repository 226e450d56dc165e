import { hasNcaFixtures, readNcaFixture } from '@kzpki/test-fixtures';
import { describe, expect, it } from 'vitest';
import { NCA_OIDS } from '../../src/profiles/oids.js';
import {
  APPROVER_ROLES,
  getTemplate,
  issuingCaProfile,
  isTemplateName,
  mayApprove,
  ncaOperatorProfile,
  ncaStaffProfile,
  ocspResponderProfile,
  rootCaProfile,
  TEMPLATE_NAMES,
  TEMPLATES,
  templateProfile,
} from '../../src/profiles/templates.js';
import { inspectCertificate } from '../../src/x509/inspect.js';

const CLIENT_AUTH = '1.3.6.1.5.5.7.3.2';
const EMAIL_PROTECTION = '1.3.6.1.5.5.7.3.4';
const LEGAL = ['first-manager', 'signer', 'finance', 'hr', 'employee', 'treasury'] as const;

describe('TEMPLATES', () => {
  it('has the individual and the six legal-entity templates', () => {
    expect(TEMPLATE_NAMES).toEqual(['individual', ...LEGAL]);
    expect(TEMPLATES.individual.kind).toBe('individual');
    for (const name of LEGAL) expect(TEMPLATES[name].kind).toBe('legal-entity');
  });

  it('uses the titles of the NCA issuance page', () => {
    expect(TEMPLATE_NAMES.map((n) => TEMPLATES[n].title.ru)).toEqual([
      'Физическое лицо',
      'Первый руководитель',
      'Сотрудник с правом подписи',
      'Сотрудник с правом подписи финансовых документов',
      'Сотрудник отдела кадров',
      'Сотрудник организации',
      'Участник ИС Казначейство-Клиент',
    ]);
    for (const n of TEMPLATE_NAMES) {
      expect(TEMPLATES[n].title.kk.length).toBeGreaterThan(3);
      expect(TEMPLATES[n].title.en.length).toBeGreaterThan(3);
    }
  });

  it('needs BIN and first-manager approval exactly where the NCA does', () => {
    for (const n of TEMPLATE_NAMES) {
      const t = TEMPLATES[n];
      expect(t.binRequired).toBe(t.kind === 'legal-entity');
      expect(t.firstManagerApproval).toBe(t.kind === 'legal-entity' && n !== 'first-manager');
    }
    expect(TEMPLATES.treasury.requiredSubjectFields).toEqual([
      'organization',
      'bin',
      'roleCode',
      'businessCategory',
    ]);
    expect(TEMPLATES.individual.requiredSubjectFields).toEqual([]);
  });

  it('says who confirms each template: the first manager or a signer acting for them (the NCA guide)', () => {
    const legal = ['first-manager', 'signer'];
    expect(Object.fromEntries(TEMPLATE_NAMES.map((n) => [n, TEMPLATES[n].approverRoles]))).toEqual({
      individual: [],
      'first-manager': [],
      signer: legal,
      finance: legal,
      hr: legal,
      employee: legal,
      treasury: legal,
    });
    for (const n of TEMPLATE_NAMES) {
      const t = TEMPLATES[n];
      // One concept: the yes/no flag is the role list being non-empty, and the first manager is always in it.
      expect(t.firstManagerApproval).toBe(t.approverRoles.length > 0);
      if (t.firstManagerApproval) expect(t.approverRoles[0]).toBe('first-manager');
      // An approver role is a template whose holder belongs to the organisation.
      for (const r of t.approverRoles) expect(TEMPLATES[r].kind).toBe('legal-entity');
    }
    expect(APPROVER_ROLES).toEqual(['first-manager', 'signer']);
    expect(mayApprove('employee', ['legal-entity', 'signer'])).toBe(true);
    expect(mayApprove('signer', ['legal-entity', 'first-manager'])).toBe(true);
    // HR approval is not in the NCA's guide.
    expect(mayApprove('employee', ['legal-entity', 'hr'])).toBe(false);
    expect(mayApprove('finance', ['legal-entity', 'employee'])).toBe(false);
    expect(mayApprove('individual', ['legal-entity', 'first-manager'])).toBe(false);
  });

  it('names the extra registry check of the first-manager and Treasury-Client templates', () => {
    expect(
      TEMPLATE_NAMES.filter((n) => TEMPLATES[n].registryCheck).map((n) => [n, TEMPLATES[n].registryCheck]),
    ).toEqual([
      ['first-manager', 'first-manager'],
      ['treasury', 'treasury-participant'],
    ]);
  });

  it('carries the role OIDs: legal entity first, then the role', () => {
    expect(TEMPLATES.individual.roleOids).toEqual(['1.2.398.3.3.4.1.1']);
    expect(TEMPLATES['first-manager'].roleOids).toEqual(['1.2.398.3.3.4.1.2', '1.2.398.3.3.4.1.2.1']);
    expect(TEMPLATES.signer.roleOids).toEqual(['1.2.398.3.3.4.1.2', '1.2.398.3.3.4.1.2.2']);
    expect(TEMPLATES.finance.roleOids).toEqual(['1.2.398.3.3.4.1.2', '1.2.398.3.3.4.1.2.3']);
    expect(TEMPLATES.hr.roleOids).toEqual(['1.2.398.3.3.4.1.2', '1.2.398.3.3.4.1.2.4']);
    expect(TEMPLATES.employee.roleOids).toEqual(['1.2.398.3.3.4.1.2', '1.2.398.3.3.4.1.2.5']);
    expect(TEMPLATES.treasury.roleOids).toEqual(['1.2.398.3.3.4.1.2', '1.2.398.5.19.1.2.2.1']);
  });

  it('rejects unknown names with ERR_TEMPLATE_UNKNOWN', () => {
    expect(isTemplateName('hr')).toBe(true);
    expect(isTemplateName('toString')).toBe(false);
    expect(() => getTemplate('ceo')).toThrow(expect.objectContaining({ code: 'ERR_TEMPLATE_UNKNOWN' }));
    expect(() => templateProfile('constructor' as never, 'auth')).toThrow(
      expect.objectContaining({ code: 'ERR_TEMPLATE_UNKNOWN' }),
    );
  });
});

describe('templateProfile', () => {
  it('yields AUTH and SIGN exactly as docs/domain.md (Certificate profiles) for every template', () => {
    for (const name of TEMPLATE_NAMES) {
      const legal = TEMPLATES[name].kind === 'legal-entity';
      const auth = templateProfile(name, 'auth');
      expect(auth).toEqual({
        name: `${name}/auth`,
        purpose: 'auth',
        keyUsage: ['digitalSignature', 'keyEncipherment'],
        keyUsageCritical: true,
        extKeyUsage: [CLIENT_AUTH, ...TEMPLATES[name].roleOids],
        extKeyUsageCritical: false,
        policies: [legal ? '1.2.398.3.3.2.2' : '1.2.398.3.3.2.4'],
        validityDays: 365,
        // As the NCA's RSA certificates: SKI over the whole SPKI, CPS + user notice, 20-byte serials.
        keyIdMethod: 'spki-sha1',
        policyUserNotice: true,
        serialBytes: 20,
      });
      const sign = templateProfile(name, 'sign');
      expect(sign).toEqual({
        name: `${name}/sign`,
        purpose: 'sign',
        keyUsage: ['digitalSignature', 'nonRepudiation'],
        keyUsageCritical: true,
        extKeyUsage: [EMAIL_PROTECTION, ...TEMPLATES[name].roleOids],
        extKeyUsageCritical: false,
        policies: [legal ? '1.2.398.3.3.2.1' : '1.2.398.3.3.2.3'],
        validityDays: 365,
        // As the NCA's RSA certificates: SKI over the whole SPKI, CPS + user notice, 20-byte serials.
        keyIdMethod: 'spki-sha1',
        policyUserNotice: true,
        serialBytes: 20,
      });
    }
  });

  it('appends the identification method after the roles when asked', () => {
    expect(templateProfile('employee', 'sign', { identification: 'remote-digital-id' }).extKeyUsage).toEqual([
      EMAIL_PROTECTION,
      '1.2.398.3.3.4.1.2',
      '1.2.398.3.3.4.1.2.5',
      '1.2.398.3.3.4.3.2.1',
    ]);
  });

  it('returns fresh objects (callers may change them)', () => {
    const a = templateProfile('hr', 'auth');
    a.extKeyUsage.push('1.2.3');
    a.keyUsage.pop();
    expect(templateProfile('hr', 'auth').extKeyUsage).toHaveLength(3);
    expect(templateProfile('hr', 'auth').keyUsage).toHaveLength(2);
    expect(TEMPLATES.hr.roleOids).toHaveLength(2);
  });

  it('validates purpose and validity', () => {
    expect(templateProfile('individual', 'auth', { validityDays: 30 }).validityDays).toBe(30);
    for (const validityDays of [0, -1, 1.5, Number.NaN, 40_000]) {
      expect(() => templateProfile('individual', 'auth', { validityDays })).toThrow(
        expect.objectContaining({ code: 'ERR_PROFILE_INVALID' }),
      );
    }
    expect(() => templateProfile('individual', 'both' as never)).toThrow(
      expect.objectContaining({ code: 'ERR_PROFILE_INVALID' }),
    );
  });
});

describe.skipIf(!hasNcaFixtures())('templates against real NCA certificates', () => {
  // The RSA generation: one AUTH and one SIGN certificate per person, as the templates describe.
  const cases = [
    ['ee-test/rsa_individual_auth_2022.pem', 'individual', 'auth'],
    ['ee-test/rsa_individual_sign_2022.pem', 'individual', 'sign'],
    ['ee-test/rsa_individual_auth_2018_prodchain.pem', 'individual', 'auth'],
    ['ee-test/gost2004_ceo_sign_2022.pem', 'first-manager', 'sign'],
  ] as const;
  it.each(cases)('%s matches %s/%s', (file, template, purpose) => {
    const info = inspectCertificate(readNcaFixture(file));
    const profile = templateProfile(template, purpose);
    expect(info.template).toBe(template);
    expect(info.keyPurpose).toBe(purpose);
    expect(info.keyUsage).toEqual(profile.keyUsage);
    expect(info.keyUsageCritical).toBe(profile.keyUsageCritical);
    expect(info.extKeyUsage).toEqual(profile.extKeyUsage);
    expect(info.policies).toEqual(profile.policies);
    const days = (Date.parse(info.notAfter) - Date.parse(info.notBefore)) / 86_400_000;
    expect(days).toBe(profile.validityDays);
  });
});

describe('CA-side profiles', () => {
  it('root CA: keyCertSign + cRLSign, CA critical, 20 years', () => {
    expect(rootCaProfile()).toEqual({
      name: 'root-ca',
      keyUsage: ['keyCertSign', 'cRLSign'],
      keyUsageCritical: true,
      extKeyUsage: [],
      policies: [NCA_OIDS.policy.rootCa],
      basicConstraints: { ca: true, critical: true },
      validityDays: 7300,
    });
    expect(rootCaProfile({ pathLength: 1 }).basicConstraints).toEqual({
      ca: true,
      pathLength: 1,
      critical: true,
    });
  });

  it('issuing CA: pathLen 0, 10 years', () => {
    const p = issuingCaProfile();
    expect(p.basicConstraints).toEqual({ ca: true, pathLength: 0, critical: true });
    expect(p.keyUsage).toEqual(['keyCertSign', 'cRLSign']);
    expect(p.policies).toEqual([NCA_OIDS.policy.issuingCa]);
    expect(p.validityDays).toBe(3650);
    expect(() => issuingCaProfile({ pathLength: -1 })).toThrow(
      expect.objectContaining({ code: 'ERR_PROFILE_INVALID' }),
    );
  });

  it('OCSP responder: digitalSignature, OCSPSigning, ocspNoCheck, short-lived', () => {
    const p = ocspResponderProfile();
    expect(p.keyUsage).toEqual(['digitalSignature']);
    expect(p.extKeyUsage).toEqual(['1.3.6.1.5.5.7.3.9']);
    expect(p.ocspNoCheck).toBe(true);
    expect(p.basicConstraints).toBeUndefined();
    expect(p.validityDays).toBeLessThanOrEqual(90);
  });

  it('NCA operator: AUTH-style with role 1.2.398.3.3.4.2.3', () => {
    const p = ncaOperatorProfile();
    expect(p.purpose).toBe('auth');
    expect(p.keyUsage).toEqual(['digitalSignature', 'keyEncipherment']);
    expect(p.extKeyUsage).toEqual([CLIENT_AUTH, '1.2.398.3.3.4.2.3']);
    expect(ncaStaffProfile('admin').extKeyUsage).toEqual([CLIENT_AUTH, '1.2.398.3.3.4.2.1']);
    expect(() => ncaStaffProfile('root' as never)).toThrow(
      expect.objectContaining({ code: 'ERR_PROFILE_INVALID' }),
    );
  });
});
