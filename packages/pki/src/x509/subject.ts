/**
 * The subject DN of an NCA end-entity certificate, built from a person's data in the order and
 * string types the NCA uses (docs/domain.md, Certificate profiles; checked against the NCA test certificates):
 *
 * | # | attribute          | value                         | string type      |
 * |---|--------------------|-------------------------------|------------------|
 * | 1 | DC                 | Treasury-Client role code     | IA5String        |
 * | 2 | CN                 | "SURNAME NAME"                | UTF8String       |
 * | 3 | SURNAME            | surname                       | UTF8String       |
 * | 4 | SERIALNUMBER       | "IIN" + 12 digits             | PrintableString  |
 * | 5 | C                  | KZ                            | PrintableString  |
 * | 6 | O                  | organisation (legal entities) | UTF8String       |
 * | 7 | OU                 | "BIN" + 12 digits             | UTF8String       |
 * | 8 | BUSINESSCATEGORY   | Treasury participant code     | UTF8String       |
 * | 9 | GIVENNAME          | patronymic                    | UTF8String       |
 * |10 | E                  | e-mail                        | IA5String        |
 *
 * Rows 1 and 8 appear in Treasury-Client certificates only; where the NCA puts E is not seen in
 * any available certificate, so it goes last.
 */
import { type IinError, parseBin, parseIin } from '@kzpki/iin';
import { PkiError } from '../errors.js';
import { NCA_OIDS } from '../profiles/oids.js';
import { getTemplate, type TemplateName, type TemplateSubjectField } from '../profiles/templates.js';
import type { DistinguishedName } from './name.js';

/** Input of {@link buildNcaSubject}. */
export interface NcaSubjectInput {
  /** Surname (фамилия). */
  surname: string;
  /** First name (имя). */
  givenName: string;
  /** Patronymic (отчество), written to GIVENNAME as the NCA does. */
  patronymic?: string;
  /** IIN: 12 digits, optionally prefixed `IIN`. */
  iin: string;
  /** BIN of the organisation (legal entities): 12 digits, optionally prefixed `BIN`. */
  bin?: string;
  /** Organisation name (legal entities). */
  organization?: string;
  /** E-mail address. */
  email?: string;
  /** Treasury-Client role code, e.g. `ROLE02` (DC). */
  roleCode?: string;
  /** Treasury-Client participant code (businessCategory). */
  businessCategory?: string;
  /** When given, the fields the template requires must be present and no foreign ones. */
  template?: TemplateName;
  /**
   * Check the IIN/BIN check digit and structure (default `true`). `false` admits the NCA's own
   * test identifiers (IIN123456789011, BIN123456789021), which fail the check.
   */
  checksum?: boolean;
  /** Write the person's names in upper case as the NCA does (default `true`). */
  upperCase?: boolean;
}

/** RFC 5280 Appendix A upper bounds. */
const UB_COMMON_NAME = 64;
const UB_EMAIL = 255;
const UB_BUSINESS_CATEGORY = 128;

function invalid(field: string, message: string, cause?: unknown): PkiError {
  return new PkiError('ERR_SUBJECT_INVALID', message, { cause, details: { field } });
}

/** Trimmed text with inner white space collapsed; rejects empty text and control characters. */
function text(field: string, value: unknown, max = 32_768): string {
  if (typeof value !== 'string') throw invalid(field, `${field} must be a string`);
  const v = value.trim().replace(/\s+/g, ' ');
  if (v.length === 0) throw invalid(field, `${field} is empty`);
  if (/[\x00-\x1f\x7f-\x9f]/.test(v)) throw invalid(field, `${field} contains control characters`);
  if ([...v].length > max) throw invalid(field, `${field} is longer than ${max} characters`);
  return v;
}

function present(value: unknown): boolean {
  return value !== undefined && value !== null && value !== '';
}

/**
 * Builds the subject DN of an NCA end-entity certificate (see the table above).
 *
 * @throws {PkiError} `ERR_SUBJECT_INVALID` (with `details.field`) for a missing or malformed field,
 *   an IIN/BIN that fails validation (the `@kzpki/iin` error is the `cause`), or fields that do not
 *   fit the template; `ERR_TEMPLATE_UNKNOWN` for an unknown template.
 * @example
 * ```ts
 * const dn = buildNcaSubject({
 *   surname: 'Тестов', givenName: 'Тест', patronymic: 'Тестович',
 *   iin: '871008401427', bin: '940140000385', organization: 'АО "ТЕСТ"',
 *   template: 'employee',
 * });
 * formatName(dn);
 * // 'GIVENNAME=ТЕСТОВИЧ,OU=BIN940140000385,O=АО \"ТЕСТ\",C=KZ,SERIALNUMBER=IIN871008401427,SURNAME=ТЕСТОВ,CN=ТЕСТОВ ТЕСТ'
 * ```
 */
export function buildNcaSubject(input: NcaSubjectInput): DistinguishedName {
  if (typeof input !== 'object' || input === null) throw invalid('input', 'Subject input must be an object');
  const checksum = input.checksum !== false;
  const person = (v: string): string => (input.upperCase === false ? v : v.toUpperCase());

  const surname = person(text('surname', input.surname));
  const givenName = person(text('givenName', input.givenName));
  const cn = `${surname} ${givenName}`;
  if ([...cn].length > UB_COMMON_NAME) {
    throw invalid(
      'givenName',
      `CN "SURNAME NAME" exceeds ${UB_COMMON_NAME} characters (RFC 5280 ub-common-name)`,
    );
  }
  const patronymic = present(input.patronymic) ? person(text('patronymic', input.patronymic)) : undefined;

  let iin: string;
  try {
    iin = parseIin(typeof input.iin === 'string' ? input.iin : String(input.iin), { checksum }).iin;
  } catch (cause) {
    throw invalid('iin', `Invalid IIN: ${(cause as IinError).message}`, cause);
  }
  let bin: string | undefined;
  if (present(input.bin)) {
    try {
      bin = parseBin(String(input.bin), { checksum }).bin;
    } catch (cause) {
      throw invalid('bin', `Invalid BIN: ${(cause as IinError).message}`, cause);
    }
  }
  const organization = present(input.organization) ? text('organization', input.organization) : undefined;
  if ((bin === undefined) !== (organization === undefined)) {
    throw invalid(
      bin === undefined ? 'bin' : 'organization',
      'A legal-entity subject needs both BIN and organization',
    );
  }

  let email: string | undefined;
  if (present(input.email)) {
    email = text('email', input.email, UB_EMAIL);
    if (!/^[\x21-\x7e]+@[\x21-\x7e]+$/.test(email) || email.split('@').length !== 2) {
      throw invalid('email', 'email must be an ASCII address local@domain');
    }
  }
  let roleCode: string | undefined;
  if (present(input.roleCode)) {
    roleCode = text('roleCode', input.roleCode, 64);
    if (!/^[\x21-\x7e]+$/.test(roleCode))
      throw invalid('roleCode', 'roleCode must be printable ASCII without spaces');
  }
  const businessCategory = present(input.businessCategory)
    ? text('businessCategory', input.businessCategory, UB_BUSINESS_CATEGORY)
    : undefined;
  if ((roleCode === undefined) !== (businessCategory === undefined)) {
    throw invalid(
      roleCode === undefined ? 'roleCode' : 'businessCategory',
      'A Treasury-Client subject needs both roleCode and businessCategory',
    );
  }

  if (input.template !== undefined) {
    const template = getTemplate(input.template);
    const given: Record<TemplateSubjectField, boolean> = {
      organization: organization !== undefined,
      bin: bin !== undefined,
      roleCode: roleCode !== undefined,
      businessCategory: businessCategory !== undefined,
    };
    for (const field of Object.keys(given) as TemplateSubjectField[]) {
      const required = template.requiredSubjectFields.includes(field);
      if (required && !given[field]) throw invalid(field, `Template ${template.name} requires ${field}`);
      if (!required && given[field]) throw invalid(field, `Template ${template.name} does not take ${field}`);
    }
  }

  const A = NCA_OIDS.attribute;
  const dn: DistinguishedName = [];
  if (roleCode !== undefined) dn.push({ type: A.domainComponent, value: roleCode, encoding: 'ia5' });
  dn.push(
    { type: A.commonName, value: cn, encoding: 'utf8' },
    { type: A.surname, value: surname, encoding: 'utf8' },
    { type: A.serialNumber, value: `IIN${iin}`, encoding: 'printable' },
    { type: A.country, value: 'KZ', encoding: 'printable' },
  );
  if (organization !== undefined) dn.push({ type: A.organization, value: organization, encoding: 'utf8' });
  if (bin !== undefined) dn.push({ type: A.organizationalUnit, value: `BIN${bin}`, encoding: 'utf8' });
  if (businessCategory !== undefined) {
    dn.push({ type: A.businessCategory, value: businessCategory, encoding: 'utf8' });
  }
  if (patronymic !== undefined) dn.push({ type: A.givenName, value: patronymic, encoding: 'utf8' });
  if (email !== undefined) dn.push({ type: A.emailAddress, value: email, encoding: 'ia5' });
  return dn;
}

/** Input of {@link buildInformationSystemSubject}. */
export interface InformationSystemSubjectInput {
  /** The information system's identifier (UID), e.g. `1.2.398.6.10.1.1` in the NCA's test certificate. */
  uid: string;
  /** The system's name (CN), e.g. `ИС "Тест"`. */
  name: string;
  /** Organisation name (O). */
  organization: string;
  /** The organisation's BIN, 12 digits (OU = "BIN" + BIN). */
  bin: string;
  /** Verify the BIN check digit (default true; the NCA's test BIN does not pass it). */
  checksum?: boolean;
}

/**
 * The subject DN of a legal entity's information-system certificate, as the NCA's TEST-2022
 * certificate has it: UID, CN = the system's name, C = KZ, O, OU = "BIN…" (UTF8String but C), no
 * person and no IIN.
 * @throws {PkiError} `ERR_SUBJECT_INVALID` for a missing or malformed field.
 * @example
 * ```ts
 * buildInformationSystemSubject({ uid: '1.2.398.6.10.1.1', name: 'ИС "Тест"', organization: 'АО "ТЕСТ"', bin: '150440000013' });
 * ```
 */
export function buildInformationSystemSubject(input: InformationSystemSubjectInput): DistinguishedName {
  if (typeof input !== 'object' || input === null) throw invalid('input', 'Subject input must be an object');
  const uid = text('uid', input.uid, 256);
  const name = text('name', input.name, UB_COMMON_NAME);
  const organization = text('organization', input.organization);
  let bin: string;
  try {
    bin = parseBin(String(input.bin), { checksum: input.checksum !== false }).bin;
  } catch (cause) {
    throw invalid('bin', `Invalid BIN: ${(cause as IinError).message}`, cause);
  }
  const A = NCA_OIDS.attribute;
  return [
    { type: A.userId, value: uid, encoding: 'utf8' },
    { type: A.commonName, value: name, encoding: 'utf8' },
    { type: A.country, value: 'KZ', encoding: 'printable' },
    { type: A.organization, value: organization, encoding: 'utf8' },
    { type: A.organizationalUnit, value: `BIN${bin}`, encoding: 'utf8' },
  ];
}
