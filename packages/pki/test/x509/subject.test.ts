import { generateBin, generateIin, IinError } from '@kzpki/iin';
import { hasNcaFixtures, readNcaFixture } from '@kzpki/test-fixtures';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { toHex } from '../../src/der/encoding.js';
import { PkiError } from '../../src/errors.js';
import { parseCertificate } from '../../src/x509/certificate.js';
import { decodeName, encodeName, formatName, nameToDer } from '../../src/x509/name.js';
import { buildNcaSubject, type NcaSubjectInput } from '../../src/x509/subject.js';

const person = { surname: 'Тестов', givenName: 'Тест', patronymic: 'Тестович', iin: '871008401427' };
const legal = { ...person, bin: '940140000385', organization: 'АО "ТЕСТ"' };

function subjectError(fn: () => unknown): PkiError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(PkiError);
    expect((e as PkiError).code).toBe('ERR_SUBJECT_INVALID');
    return e as PkiError;
  }
  throw new Error('expected ERR_SUBJECT_INVALID');
}

describe('buildNcaSubject', () => {
  it('writes the NCA order and string types for an individual', () => {
    expect(buildNcaSubject(person)).toEqual([
      { type: '2.5.4.3', value: 'ТЕСТОВ ТЕСТ', encoding: 'utf8' },
      { type: '2.5.4.4', value: 'ТЕСТОВ', encoding: 'utf8' },
      { type: '2.5.4.5', value: 'IIN871008401427', encoding: 'printable' },
      { type: '2.5.4.6', value: 'KZ', encoding: 'printable' },
      { type: '2.5.4.42', value: 'ТЕСТОВИЧ', encoding: 'utf8' },
    ]);
  });

  it('adds O and OU for a legal entity and E last', () => {
    const dn = buildNcaSubject({ ...legal, email: 'test@example.kz', template: 'employee' });
    expect(formatName(dn)).toBe(
      'E=test@example.kz,GIVENNAME=ТЕСТОВИЧ,OU=BIN940140000385,O=АО \\"ТЕСТ\\",C=KZ,' +
        'SERIALNUMBER=IIN871008401427,SURNAME=ТЕСТОВ,CN=ТЕСТОВ ТЕСТ',
    );
    expect(dn.at(-1)).toEqual({ type: '1.2.840.113549.1.9.1', value: 'test@example.kz', encoding: 'ia5' });
  });

  it('adds DC first and businessCategory before GIVENNAME for Treasury-Client', () => {
    const dn = buildNcaSubject({
      ...legal,
      roleCode: 'ROLE02',
      businessCategory: 'KS1234',
      template: 'treasury',
    });
    expect(dn.map((a) => a.type)).toEqual([
      '0.9.2342.19200300.100.1.25',
      '2.5.4.3',
      '2.5.4.4',
      '2.5.4.5',
      '2.5.4.6',
      '2.5.4.10',
      '2.5.4.11',
      '2.5.4.15',
      '2.5.4.42',
    ]);
  });

  it('accepts IIN/BIN prefixes and spaces, normalises names, keeps case on request', () => {
    const dn = buildNcaSubject({
      ...legal,
      iin: ' IIN871008401427 ',
      bin: 'BIN940140000385',
      surname: ' Ким  Ли ',
    });
    expect(dn[0]!.value).toBe('КИМ ЛИ ТЕСТ');
    expect(dn[2]!.value).toBe('IIN871008401427');
    expect(dn[5]!.value).toBe('BIN940140000385');
    expect(buildNcaSubject({ ...person, upperCase: false })[0]!.value).toBe('Тестов Тест');
    expect(buildNcaSubject({ ...person, patronymic: undefined }).map((a) => a.type)).not.toContain(
      '2.5.4.42',
    );
  });

  it('validates the IIN and BIN check digits unless told not to', () => {
    const e = subjectError(() => buildNcaSubject({ ...person, iin: '871008401428' }));
    expect(e.details).toEqual({ field: 'iin' });
    expect(e.cause).toBeInstanceOf(IinError);
    expect((e.cause as IinError).code).toBe('ERR_CHECKSUM');
    expect(subjectError(() => buildNcaSubject({ ...legal, bin: '940140000386' })).details).toEqual({
      field: 'bin',
    });
    // The NCA's own test identifiers fail the check digit.
    subjectError(() => buildNcaSubject({ ...person, iin: '123456789011' }));
    const dn = buildNcaSubject({ ...legal, iin: '123456789011', bin: '123456789021', checksum: false });
    expect(dn[2]!.value).toBe('IIN123456789011');
  });

  it.each<[string, Partial<NcaSubjectInput>, string]>([
    ['an empty surname', { surname: '  ' }, 'surname'],
    ['a non-string given name', { givenName: 42 as never }, 'givenName'],
    ['a control character', { givenName: 'Те\u0007ст' }, 'givenName'],
    ['a CN longer than 64 characters', { givenName: 'Т'.repeat(60) }, 'givenName'],
    ['a BIN without organisation', { bin: '940140000385' }, 'organization'],
    ['an organisation without BIN', { organization: 'АО' }, 'bin'],
    ['a non-ASCII e-mail', { email: 'тест@пример.kz' }, 'email'],
    ['an e-mail without @', { email: 'test.example.kz' }, 'email'],
    ['a role code without participant code', { roleCode: 'ROLE02' }, 'businessCategory'],
    ['a role code with spaces', { roleCode: 'ROLE 02', businessCategory: 'KS1' }, 'roleCode'],
    ['an IIN of 11 digits', { iin: '87100840142' }, 'iin'],
  ])('rejects %s', (_, change, field) => {
    expect(subjectError(() => buildNcaSubject({ ...person, ...change })).details).toEqual({ field });
  });

  it('enforces the template subject requirements', () => {
    expect(subjectError(() => buildNcaSubject({ ...person, template: 'hr' })).details).toEqual({
      field: 'organization',
    });
    expect(subjectError(() => buildNcaSubject({ ...legal, template: 'individual' })).details).toEqual({
      field: 'organization',
    });
    expect(subjectError(() => buildNcaSubject({ ...legal, template: 'treasury' })).details).toEqual({
      field: 'roleCode',
    });
    expect(
      subjectError(() =>
        buildNcaSubject({ ...legal, roleCode: 'ROLE02', businessCategory: 'KS1', template: 'signer' }),
      ).details,
    ).toEqual({ field: 'roleCode' });
    expect(() => buildNcaSubject({ ...person, template: 'boss' as never })).toThrow(
      expect.objectContaining({ code: 'ERR_TEMPLATE_UNKNOWN' }),
    );
  });

  it('always yields an encodable name holding the IIN and BIN (property)', { timeout: 30_000 }, () => {
    const name = fc.stringMatching(/^[А-ЯЁӘІҢҒҮҰҚӨҺа-яёәіңғүұқөһ-]{1,20}$/);
    fc.assert(
      fc.property(
        name,
        name,
        fc.option(name, { nil: undefined }),
        fc.boolean(),
        (surname, givenName, patronymic, isLegal) => {
          const iin = generateIin();
          const bin = generateBin();
          const dn = buildNcaSubject({
            surname,
            givenName,
            patronymic,
            iin,
            ...(isLegal ? { bin, organization: `ТОО «${surname}»` } : {}),
          });
          const back = decodeName(encodeName(dn));
          expect(back).toEqual(dn);
          expect(back.find((a) => a.type === '2.5.4.5')?.value).toBe(`IIN${iin}`);
          expect(back.some((a) => a.value === `BIN${bin}`)).toBe(isLegal);
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe.skipIf(!hasNcaFixtures())('buildNcaSubject against NCA certificates', () => {
  const subjectHex = (file: string) => toHex(nameToDer(parseCertificate(readNcaFixture(file)).subject));
  const test = { checksum: false } as const;

  it('reproduces an individual subject byte for byte', () => {
    const dn = buildNcaSubject({
      surname: 'ТЕСТОВ',
      givenName: 'ТЕСТ',
      patronymic: 'ТЕСТОВИЧ',
      iin: '123456789011',
      ...test,
    });
    expect(toHex(nameToDer(dn))).toBe(subjectHex('ee-test/rsa_individual_auth_2022.pem'));
  });

  it('reproduces a legal-entity subject byte for byte', () => {
    const dn = buildNcaSubject({
      surname: 'ТЕСТОВ',
      givenName: 'ТЕСТ',
      patronymic: 'ТЕСТОВИЧ',
      iin: '123456789011',
      bin: '123456789021',
      organization: 'АО "ТЕСТ"',
      template: 'first-manager',
      ...test,
    });
    expect(toHex(nameToDer(dn))).toBe(subjectHex('ee-test/gost2015_ceo_2026.pem'));
  });

  it('reproduces the Treasury-Client subject byte for byte', () => {
    const dn = buildNcaSubject({
      surname: 'ТЕСТТОВ',
      givenName: 'ТЕСТТ',
      patronymic: 'ТЕСТТОВИЧ',
      iin: '123456789012',
      bin: '123456789021',
      organization: 'АО "ТЕСТ"',
      roleCode: 'ROLE02',
      businessCategory: 'KS1234',
      template: 'treasury',
      ...test,
    });
    expect(toHex(nameToDer(dn))).toBe(subjectHex('ee-test/gost2015_treasury_client_2026.pem'));
  });
});
