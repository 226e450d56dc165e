/**
 * NCA certificate templates as data, and the certificate profiles they yield.
 *
 * A template is what the user picks on the NCA issuance page ("individual", or one of the six
 * legal-entity templates). The NCA issues two generations (docs/domain.md, Certificate profiles),
 * and {@link Template.generation} says which one it issues for a template today:
 *
 * - `gost-2015` (legal entities): one GOST R 34.10-2015 512-bit key and one certificate
 *   ({@link gostTemplateProfile}), keyUsage digitalSignature + nonRepudiation + keyAgreement,
 *   extKeyUsage emailProtection then the role OIDs, policy 1.2.398.3.3.2, the NCA private extension,
 *   serial = SKI with the top bit cleared, extension order and criticality per template as in the
 *   NCA's TEST-2022 certificates.
 * - `rsa` (individuals; legal entities on request, the older generation): two profiles, AUTH and
 *   SIGN, one per key ({@link templateProfile}):
 *
 * | purpose | keyUsage (critical)                | extKeyUsage                                |
 * |---------|------------------------------------|--------------------------------------------|
 * | AUTH    | digitalSignature, keyEncipherment  | clientAuth, then the template's role OIDs  |
 * | SIGN    | digitalSignature, nonRepudiation   | emailProtection, then the role OIDs        |
 *
 * certificatePolicies: individual AUTH 1.2.398.3.3.2.4 / SIGN 1.2.398.3.3.2.3; legal entity AUTH
 * 1.2.398.3.3.2.2 / SIGN 1.2.398.3.3.2.1, each with the CPS pointer and a user notice. Validity 365
 * days, 20-byte serials, SKI = SHA-1 of the whole SubjectPublicKeyInfo.
 *
 * Identification method: the NCA defines OIDs for how the holder was identified
 * (1.2.398.3.3.4.3.*), also carried in extKeyUsage. None of the NCA certificates in the fixtures
 * carries one, so the templates do not add it; the method depends on the issuance channel, not
 * on the template, and the caller passes it (`identification: 'remote-digital-id'` for the remote
 * flow of the seeds) to {@link templateProfile}, which then appends its OID after the role OIDs.
 */
import { PkiError } from '../errors.js';
import {
  type CertificateRole,
  type IdentificationMethod,
  identificationMethodOid,
  NCA_OIDS,
  type OidLanguage,
} from './oids.js';
import type { CertificateProfile, ExtensionName, KeyPurpose, KeyUsageName } from './profile.js';

/** Names of the NCA certificate templates. */
export type TemplateName =
  | 'individual'
  | 'first-manager'
  | 'signer'
  | 'finance'
  | 'hr'
  | 'employee'
  | 'treasury';

/**
 * The key and certificate layout the NCA issues: `rsa` (an RSA-2048 AUTH and SIGN pair) or
 * `gost-2015` (one GOST R 34.10-2015 512-bit key, one certificate).
 */
export type KeyGeneration = 'rsa' | 'gost-2015';

/** Every key generation. */
export const KEY_GENERATIONS: readonly KeyGeneration[] = ['rsa', 'gost-2015'];

/** Whom a template is for. */
export type TemplateKind = 'individual' | 'legal-entity';

/**
 * Roles (as {@link CertificateRole} names them, read from the approver's certificate) that may
 * confirm an application of the same organisation.
 */
export type ApproverRole = Extract<CertificateRole, 'first-manager' | 'signer'>;

/**
 * A state-registry check made when an application starts, besides the applicant being in the
 * registry of individuals (and the organisation in that of legal entities):
 * `first-manager`: the IIN is the registered head of the organisation;
 * `treasury-participant`: the IIN is a registered Treasury-Client participant of it.
 */
export type RegistryCheck = 'first-manager' | 'treasury-participant';

/** Subject fields a template needs besides the person's name and IIN (see `buildNcaSubject`). */
export type TemplateSubjectField = 'organization' | 'bin' | 'roleCode' | 'businessCategory';

/** One NCA certificate template. */
export interface Template {
  /** Template name. */
  readonly name: TemplateName;
  /** Individual or legal-entity template. */
  readonly kind: TemplateKind;
  /** Title as the NCA issuance pages show it (ru), with kk/en translations. */
  readonly title: Readonly<Record<OidLanguage, string>>;
  /** Role OIDs, in certificate order, appended to extKeyUsage after the purpose OID. */
  readonly roleOids: readonly string[];
  /** Whether the application needs the organisation's BIN. */
  readonly binRequired: boolean;
  /**
   * What the NCA issues for this template today: RSA AUTH+SIGN for individuals, one GOST-2015 key
   * for legal entities (the RSA pair stays available on request as the older generation).
   */
  readonly generation: KeyGeneration;
  /**
   * Who confirms an application before issuance (docs/domain.md, Remote issuance for legal
   * entities): holders of these roles at the same organisation. As the NCA's guide for legal
   * entities says, the first manager confirms every legal-entity template but their own, or the
   * person acting for them, an employee with signing right. Empty: no confirmation.
   */
  readonly approverRoles: readonly ApproverRole[];
  /**
   * Whether the organisation's first manager (or someone acting for them) must confirm the
   * application: `approverRoles.length > 0`, for callers that need only yes or no.
   */
  readonly firstManagerApproval: boolean;
  /** The extra registry check when an application starts, if the template has one. */
  readonly registryCheck?: RegistryCheck;
  /** Subject fields the template requires besides surname, given name and IIN. */
  readonly requiredSubjectFields: readonly TemplateSubjectField[];
}

const LEGAL_SUBJECT: readonly TemplateSubjectField[] = ['organization', 'bin'];
/** The first manager, or the person acting for them with signing right (docs/domain.md). */
const FIRST_MANAGER_OR_SIGNER: readonly ApproverRole[] = ['first-manager', 'signer'];

/**
 * The NCA templates. Russian titles are those of the NCA issuance page (docs/domain.md, Templates and role OIDs); Kazakh and
 * English titles are this project's translations.
 */
export const TEMPLATES: Readonly<Record<TemplateName, Template>> = {
  individual: {
    name: 'individual',
    kind: 'individual',
    title: { ru: 'Физическое лицо', kk: 'Жеке тұлға', en: 'Individual' },
    roleOids: [NCA_OIDS.role.individual],
    binRequired: false,
    generation: 'rsa',
    approverRoles: [],
    firstManagerApproval: false,
    requiredSubjectFields: [],
  },
  'first-manager': {
    name: 'first-manager',
    kind: 'legal-entity',
    title: { ru: 'Первый руководитель', kk: 'Бірінші басшы', en: 'First manager' },
    roleOids: [NCA_OIDS.role.legalEntity, NCA_OIDS.role.firstManager],
    binRequired: true,
    generation: 'gost-2015',
    approverRoles: [],
    firstManagerApproval: false,
    registryCheck: 'first-manager',
    requiredSubjectFields: LEGAL_SUBJECT,
  },
  signer: {
    name: 'signer',
    kind: 'legal-entity',
    title: {
      ru: 'Сотрудник с правом подписи',
      kk: 'Қол қою құқығы бар қызметкер',
      en: 'Employee with signing right',
    },
    roleOids: [NCA_OIDS.role.legalEntity, NCA_OIDS.role.signer],
    binRequired: true,
    generation: 'gost-2015',
    approverRoles: FIRST_MANAGER_OR_SIGNER,
    firstManagerApproval: true,
    requiredSubjectFields: LEGAL_SUBJECT,
  },
  finance: {
    name: 'finance',
    kind: 'legal-entity',
    title: {
      ru: 'Сотрудник с правом подписи финансовых документов',
      kk: 'Қаржылық құжаттарға қол қою құқығы бар қызметкер',
      en: 'Employee with the right to sign financial documents',
    },
    roleOids: [NCA_OIDS.role.legalEntity, NCA_OIDS.role.finance],
    binRequired: true,
    generation: 'gost-2015',
    approverRoles: FIRST_MANAGER_OR_SIGNER,
    firstManagerApproval: true,
    requiredSubjectFields: LEGAL_SUBJECT,
  },
  hr: {
    name: 'hr',
    kind: 'legal-entity',
    title: { ru: 'Сотрудник отдела кадров', kk: 'Кадр бөлімінің қызметкері', en: 'HR employee' },
    roleOids: [NCA_OIDS.role.legalEntity, NCA_OIDS.role.hr],
    binRequired: true,
    generation: 'gost-2015',
    approverRoles: FIRST_MANAGER_OR_SIGNER,
    firstManagerApproval: true,
    requiredSubjectFields: LEGAL_SUBJECT,
  },
  employee: {
    name: 'employee',
    kind: 'legal-entity',
    title: { ru: 'Сотрудник организации', kk: 'Ұйым қызметкері', en: 'Organisation employee' },
    roleOids: [NCA_OIDS.role.legalEntity, NCA_OIDS.role.employee],
    binRequired: true,
    generation: 'gost-2015',
    approverRoles: FIRST_MANAGER_OR_SIGNER,
    firstManagerApproval: true,
    requiredSubjectFields: LEGAL_SUBJECT,
  },
  treasury: {
    name: 'treasury',
    kind: 'legal-entity',
    title: {
      ru: 'Участник ИС Казначейство-Клиент',
      kk: '«Қазынашылық-Клиент» АЖ қатысушысы',
      en: 'Treasury-Client information system participant',
    },
    roleOids: [NCA_OIDS.role.legalEntity, NCA_OIDS.role.treasuryClient],
    binRequired: true,
    generation: 'gost-2015',
    approverRoles: FIRST_MANAGER_OR_SIGNER,
    firstManagerApproval: true,
    registryCheck: 'treasury-participant',
    requiredSubjectFields: [...LEGAL_SUBJECT, 'roleCode', 'businessCategory'],
  },
};

/** Every template name, individual first. */
export const TEMPLATE_NAMES: readonly TemplateName[] = Object.keys(TEMPLATES) as TemplateName[];

/** Every role that confirms some template, in first-seen order (first manager, signer). */
export const APPROVER_ROLES: readonly ApproverRole[] = [
  ...new Set(TEMPLATE_NAMES.flatMap((n) => TEMPLATES[n].approverRoles)),
];

/**
 * Whether a holder of `roles` (from their certificate) may confirm an application made with
 * `template` (the organisation must match too; that is the CA's check).
 * @example
 * ```ts
 * mayApprove('employee', ['legal-entity', 'signer']); // true: acting for the first manager
 * mayApprove('employee', ['legal-entity', 'hr']); // false: the NCA's guide names no HR approval
 * ```
 */
export function mayApprove(template: TemplateName, roles: readonly string[]): boolean {
  return TEMPLATES[template].approverRoles.some((r) => roles.includes(r));
}

/** What a key purpose puts into a certificate (docs/domain.md, Certificate profiles). */
const PURPOSES: Readonly<Record<KeyPurpose, { keyUsage: readonly KeyUsageName[]; eku: string }>> = {
  auth: { keyUsage: ['digitalSignature', 'keyEncipherment'], eku: NCA_OIDS.eku.clientAuth },
  sign: { keyUsage: ['digitalSignature', 'nonRepudiation'], eku: NCA_OIDS.eku.emailProtection },
};

/** certificatePolicies by template kind and purpose. */
const POLICIES: Readonly<Record<TemplateKind, Readonly<Record<KeyPurpose, string>>>> = {
  individual: { auth: NCA_OIDS.policy.individualAuth, sign: NCA_OIDS.policy.individualSign },
  'legal-entity': { auth: NCA_OIDS.policy.legalEntityAuth, sign: NCA_OIDS.policy.legalEntitySign },
};

/** Validity of NCA end-entity certificates for file keys. */
export const END_ENTITY_VALIDITY_DAYS = 365;
/** Default validity of a root CA certificate (20 years). */
export const ROOT_CA_VALIDITY_DAYS = 20 * 365;
/** Default validity of an issuing CA certificate (10 years). */
export const ISSUING_CA_VALIDITY_DAYS = 10 * 365;
/**
 * Default validity of an OCSP responder certificate. Short, because a responder certificate with
 * id-pkix-ocsp-nocheck cannot itself be revoked in any way a client checks (RFC 6960 §4.2.2.2.1).
 */
export const OCSP_RESPONDER_VALIDITY_DAYS = 30;

/** `true` when `name` is a template name. */
export function isTemplateName(name: unknown): name is TemplateName {
  return typeof name === 'string' && Object.hasOwn(TEMPLATES, name);
}

/**
 * The template called `name`.
 * @throws {PkiError} `ERR_TEMPLATE_UNKNOWN` for any other name.
 */
export function getTemplate(name: string): Template {
  if (!isTemplateName(name)) {
    throw new PkiError('ERR_TEMPLATE_UNKNOWN', `Unknown certificate template: ${JSON.stringify(name)}`, {
      details: { known: TEMPLATE_NAMES },
    });
  }
  return TEMPLATES[name];
}

function validityDays(value: number | undefined, fallback: number): number {
  const days = value ?? fallback;
  // 100 years is far beyond any sensible certificate and keeps dates inside GeneralizedTime.
  if (!Number.isInteger(days) || days < 1 || days > 36_525) {
    throw new PkiError('ERR_PROFILE_INVALID', `validityDays must be an integer from 1 to 36525, got ${days}`);
  }
  return days;
}

function checkPurpose(purpose: unknown): KeyPurpose {
  if (purpose !== 'auth' && purpose !== 'sign') {
    throw new PkiError('ERR_PROFILE_INVALID', `Key purpose must be 'auth' or 'sign', got ${String(purpose)}`);
  }
  return purpose;
}

/** Options of {@link templateProfile}. */
export interface TemplateProfileOptions {
  /** Validity in days (default {@link END_ENTITY_VALIDITY_DAYS}). */
  validityDays?: number;
  /** Appends the identification-method OID to extKeyUsage (after the role OIDs). */
  identification?: IdentificationMethod;
}

/**
 * The AUTH or SIGN certificate profile of an NCA template.
 *
 * @throws {PkiError} `ERR_TEMPLATE_UNKNOWN` for an unknown template, `ERR_PROFILE_INVALID` for a bad
 *   purpose or validity.
 * @example
 * ```ts
 * const p = templateProfile('first-manager', 'sign');
 * // p.keyUsage    -> ['digitalSignature', 'nonRepudiation'] (critical)
 * // p.extKeyUsage -> ['1.3.6.1.5.5.7.3.4', '1.2.398.3.3.4.1.2', '1.2.398.3.3.4.1.2.1']
 * // p.policies    -> ['1.2.398.3.3.2.1']
 * ```
 */
export function templateProfile(
  name: TemplateName,
  purpose: KeyPurpose,
  opts: TemplateProfileOptions = {},
): CertificateProfile {
  const template = getTemplate(name);
  const use = PURPOSES[checkPurpose(purpose)];
  const extKeyUsage = [use.eku, ...template.roleOids];
  if (opts.identification !== undefined) extKeyUsage.push(identificationMethodOid(opts.identification));
  return {
    name: `${template.name}/${purpose}`,
    purpose,
    keyUsage: [...use.keyUsage],
    keyUsageCritical: true,
    extKeyUsage,
    extKeyUsageCritical: false,
    policies: [POLICIES[template.kind][purpose]],
    validityDays: validityDays(opts.validityDays, END_ENTITY_VALIDITY_DAYS),
    // As the NCA's RSA certificates (ҰКО 3.0 RSA TEST): SKI over the whole SPKI, so key files are
    // named as the NCA's; a user notice beside the CPS pointer; 20-byte serials.
    keyIdMethod: 'spki-sha1',
    policyUserNotice: true,
    serialBytes: 20,
  };
}

/** Key usage of the NCA's GOST-2015 end-entity certificates (one key for both uses). */
const GOST_KEY_USAGE: readonly KeyUsageName[] = ['digitalSignature', 'nonRepudiation', 'keyAgreement'];

/** How an NCA GOST-2015 certificate lays out its extensions. */
interface GostLayout {
  readonly order: readonly ExtensionName[];
  readonly aiaOcspFirst: boolean;
  readonly keyUsageCritical: boolean;
  readonly extKeyUsageCritical: boolean;
}

const TAIL: readonly ExtensionName[] = ['subjectKeyIdentifier', 'authorityKeyIdentifier', 'ncaPrivate'];
/** The layout of most TEST-2022 certificates (employee, Treasury-Client). */
const GOST_COMMON: GostLayout = {
  order: [
    'extKeyUsage',
    'certificatePolicies',
    'authorityInfoAccess',
    'cRLDistributionPoints',
    'freshestCRL',
    'keyUsage',
    ...TAIL,
  ],
  aiaOcspFirst: true,
  keyUsageCritical: true,
  extKeyUsageCritical: false,
};

/**
 * Extension layouts of the NCA's GOST-2015 certificates per template, as the TEST-2022 certificates
 * in the fixtures have them (gost2015_individual, _ceo, _can_sign, _employee, _treasury_client).
 * The NCA has no fixture for finance and HR: they take the common layout.
 */
const GOST_LAYOUTS: Readonly<Record<TemplateName, GostLayout>> = {
  individual: {
    order: [
      'certificatePolicies',
      'authorityInfoAccess',
      'cRLDistributionPoints',
      'freshestCRL',
      'extKeyUsage',
      'keyUsage',
      ...TAIL,
    ],
    aiaOcspFirst: true,
    keyUsageCritical: true,
    extKeyUsageCritical: false,
  },
  'first-manager': {
    order: [
      'extKeyUsage',
      'certificatePolicies',
      'cRLDistributionPoints',
      'freshestCRL',
      'keyUsage',
      'authorityInfoAccess',
      ...TAIL,
    ],
    aiaOcspFirst: false,
    keyUsageCritical: true,
    extKeyUsageCritical: false,
  },
  // The signer's certificate marks extKeyUsage critical and keyUsage not critical.
  signer: { ...GOST_COMMON, keyUsageCritical: false, extKeyUsageCritical: true },
  finance: GOST_COMMON,
  hr: GOST_COMMON,
  employee: GOST_COMMON,
  treasury: GOST_COMMON,
};

/** Options of {@link gostTemplateProfile}. */
export type GostTemplateProfileOptions = TemplateProfileOptions;

/** Key algorithm label (as `inspectPublicKey` gives it) of the NCA's GOST-2015 end-entity keys. */
export const GOST_END_ENTITY_KEY_ALGORITHM = 'GOST-2015-512';

/**
 * The certificate profile of an NCA template in the GOST-2015 generation: one GOST R 34.10-2015
 * 512-bit key and one certificate (docs/domain.md, GOST).
 *
 * @throws {PkiError} `ERR_TEMPLATE_UNKNOWN` for an unknown template, `ERR_PROFILE_INVALID` for a bad
 *   validity.
 * @example
 * ```ts
 * const p = gostTemplateProfile('signer');
 * // p.keyUsage    -> ['digitalSignature', 'nonRepudiation', 'keyAgreement'] (not critical)
 * // p.extKeyUsage -> ['1.3.6.1.5.5.7.3.4', '1.2.398.3.3.4.1.2', '1.2.398.3.3.4.1.2.2'] (critical)
 * // p.policies    -> ['1.2.398.3.3.2']; p.serialFromKeyId -> true
 * ```
 */
export function gostTemplateProfile(
  name: TemplateName,
  opts: GostTemplateProfileOptions = {},
): CertificateProfile {
  const template = getTemplate(name);
  const layout = GOST_LAYOUTS[template.name];
  const extKeyUsage = [NCA_OIDS.eku.emailProtection, ...template.roleOids];
  if (opts.identification !== undefined) extKeyUsage.push(identificationMethodOid(opts.identification));
  return {
    name: `${template.name}/gost`,
    keyUsage: [...GOST_KEY_USAGE],
    keyUsageCritical: layout.keyUsageCritical,
    extKeyUsage,
    extKeyUsageCritical: layout.extKeyUsageCritical,
    policies: [NCA_OIDS.policy.endEntity],
    validityDays: validityDays(opts.validityDays, END_ENTITY_VALIDITY_DAYS),
    extensionOrder: layout.order,
    aiaOcspFirst: layout.aiaOcspFirst,
    ncaPrivateExtension: true,
    serialFromKeyId: true,
    keyIdMethod: 'rfc5280',
    keyAlgorithm: GOST_END_ENTITY_KEY_ALGORITHM,
  };
}

/** Validity of the NCA's information-system certificates (three years). */
export const INFORMATION_SYSTEM_VALIDITY_DAYS = 3 * 365;

/**
 * The profile of a legal entity's information-system certificate, as the NCA's TEST-2022
 * gost2015_infosystem has it: one GOST-2015 512-bit key, extKeyUsage 1.2.398.3.3.4.1.2 +
 * 1.2.398.3.3.4.1.2.6 (no emailProtection), policy 1.2.398.3.3.2, three years. Its subject names the
 * system, not a person (see `buildInformationSystemSubject`). It is not one of the six application
 * templates of the issuance page: no person is identified for it.
 * @example
 * ```ts
 * informationSystemProfile().extKeyUsage; // ['1.2.398.3.3.4.1.2', '1.2.398.3.3.4.1.2.6']
 * ```
 */
export function informationSystemProfile(opts: { validityDays?: number } = {}): CertificateProfile {
  return {
    name: 'information-system/gost',
    keyUsage: [...GOST_KEY_USAGE],
    keyUsageCritical: true,
    extKeyUsage: [NCA_OIDS.role.legalEntity, NCA_OIDS.role.informationSystem],
    extKeyUsageCritical: false,
    policies: [NCA_OIDS.policy.endEntity],
    validityDays: validityDays(opts.validityDays, INFORMATION_SYSTEM_VALIDITY_DAYS),
    extensionOrder: [
      'certificatePolicies',
      'keyUsage',
      'extKeyUsage',
      'cRLDistributionPoints',
      'authorityInfoAccess',
      'freshestCRL',
      ...TAIL,
    ],
    aiaOcspFirst: true,
    ncaPrivateExtension: true,
    serialFromKeyId: true,
    keyIdMethod: 'rfc5280',
    keyAlgorithm: GOST_END_ENTITY_KEY_ALGORITHM,
  };
}

/** Options of the CA-side profiles. */
export interface CaProfileOptions {
  /** Validity in days. */
  validityDays?: number;
  /** basicConstraints pathLenConstraint; absent = unlimited. */
  pathLength?: number;
  /**
   * Lay the certificate out as the NCA's CA certificates of this generation (the TEST roots and
   * issuing CAs in the fixtures): no path length, authorityKeyIdentifier with the issuer's issuer
   * and serial, serial = SKI with the top bit cleared (a random 20-byte serial for the RSA issuing
   * CA, as ҰКО 3.0 RSA TEST), the NCA's extension order, and for a
   * `gost-2015` issuing CA the end-entity policy 1.2.398.3.3.2 its TEST-2022 certificate carries.
   */
  nca?: KeyGeneration;
}

/** Extension order of the NCA's CA certificates (ҰКО 3.0 RSA TEST, TEST-2022 GOST) per generation. */
const NCA_CA_ORDER: Readonly<
  Record<'root' | 'issuing', Readonly<Record<KeyGeneration, readonly ExtensionName[]>>>
> = {
  root: {
    rsa: [
      'subjectKeyIdentifier',
      'authorityKeyIdentifier',
      'basicConstraints',
      'keyUsage',
      'certificatePolicies',
    ],
    'gost-2015': [
      'basicConstraints',
      'keyUsage',
      'subjectKeyIdentifier',
      'authorityKeyIdentifier',
      'certificatePolicies',
    ],
  },
  issuing: {
    rsa: [
      'subjectKeyIdentifier',
      'authorityKeyIdentifier',
      'basicConstraints',
      'keyUsage',
      'authorityInfoAccess',
      'certificatePolicies',
      'cRLDistributionPoints',
    ],
    'gost-2015': [
      'basicConstraints',
      'keyUsage',
      'cRLDistributionPoints',
      'subjectKeyIdentifier',
      'authorityKeyIdentifier',
      'authorityInfoAccess',
      'certificatePolicies',
    ],
  },
};

function ncaCaLayout(
  kind: 'root' | 'issuing',
  generation: KeyGeneration | undefined,
): Partial<CertificateProfile> {
  if (generation === undefined) return {};
  if (!KEY_GENERATIONS.includes(generation)) {
    throw new PkiError('ERR_PROFILE_INVALID', `Unknown key generation: ${String(generation)}`);
  }
  return {
    extensionOrder: NCA_CA_ORDER[kind][generation],
    authorityKeyIdentifierIssuer: true,
    // Serial = SKI with the top bit cleared in both roots and the GOST issuing CA; ҰКО 3.0 (RSA
    // TEST) has an unrelated 20-byte serial.
    ...(kind === 'issuing' && generation === 'rsa' ? { serialBytes: 20 } : { serialFromKeyId: true }),
    keyIdMethod: 'rfc5280',
  };
}

function pathLength(value: number | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!Number.isInteger(value) || value < 0 || value > 255) {
    throw new PkiError('ERR_PROFILE_INVALID', `pathLength must be an integer from 0 to 255, got ${value}`);
  }
  return value;
}

function caProfile(
  name: string,
  policy: string,
  days: number,
  pathLen: number | undefined,
): CertificateProfile {
  return {
    name,
    keyUsage: ['keyCertSign', 'cRLSign'],
    keyUsageCritical: true,
    extKeyUsage: [],
    policies: [policy],
    basicConstraints:
      pathLen === undefined
        ? { ca: true, critical: true }
        : { ca: true, pathLength: pathLen, critical: true },
    validityDays: days,
  };
}

/**
 * Profile of a self-signed root CA certificate: keyCertSign + cRLSign (critical), basicConstraints
 * CA (critical, no path length limit unless given), the NCA root policy, 20 years.
 */
export function rootCaProfile(opts: CaProfileOptions = {}): CertificateProfile {
  return {
    ...caProfile(
      'root-ca',
      NCA_OIDS.policy.rootCa,
      validityDays(opts.validityDays, ROOT_CA_VALIDITY_DAYS),
      pathLength(opts.pathLength),
    ),
    ...ncaCaLayout('root', opts.nca),
  };
}

/**
 * Profile of an issuing (subordinate) CA certificate: keyCertSign + cRLSign (critical),
 * basicConstraints CA with pathLenConstraint 0 (it issues end-entity certificates only), the NCA
 * CA policy, 10 years. With `nca`, laid out as the NCA's issuing CA of that generation (no path
 * length, as the NCA's).
 * @example
 * ```ts
 * issuingCaProfile({ nca: 'gost-2015' }); // as ҰЛТТЫҚ КУӘЛАНДЫРУШЫ ОРТАЛЫҚ (GOST) TEST 2022
 * ```
 */
export function issuingCaProfile(opts: CaProfileOptions = {}): CertificateProfile {
  return {
    ...caProfile(
      'issuing-ca',
      opts.nca === 'gost-2015' ? NCA_OIDS.policy.endEntity : NCA_OIDS.policy.issuingCa,
      validityDays(opts.validityDays, ISSUING_CA_VALIDITY_DAYS),
      // The NCA's issuing CAs carry no path length.
      pathLength(opts.pathLength ?? (opts.nca === undefined ? 0 : undefined)),
    ),
    ...ncaCaLayout('issuing', opts.nca),
  };
}

/**
 * Profile of a delegated OCSP responder certificate (RFC 6960 §4.2.2.2): digitalSignature
 * (critical), extKeyUsage id-kp-OCSPSigning, id-pkix-ocsp-nocheck, short validity.
 */
export function ocspResponderProfile(opts: { validityDays?: number } = {}): CertificateProfile {
  return {
    name: 'ocsp-responder',
    keyUsage: ['digitalSignature'],
    keyUsageCritical: true,
    extKeyUsage: [NCA_OIDS.eku.ocspSigning],
    extKeyUsageCritical: false,
    policies: [],
    ocspNoCheck: true,
    validityDays: validityDays(opts.validityDays, OCSP_RESPONDER_VALIDITY_DAYS),
  };
}

/** NCA staff roles (1.2.398.3.3.4.2.*). */
export type NcaStaffRole = 'admin' | 'manager' | 'operator';

const STAFF_ROLE_OIDS: Readonly<Record<NcaStaffRole, string>> = {
  admin: NCA_OIDS.role.ncaAdmin,
  manager: NCA_OIDS.role.ncaManager,
  operator: NCA_OIDS.role.ncaOperator,
};

/**
 * Profile of an NCA staff member's authentication certificate: AUTH-style (digitalSignature +
 * keyEncipherment critical, clientAuth) with the staff role OID, the legal-entity AUTH policy
 * (staff act as employees of the NCA organisation; this project's choice, the NCA does not
 * publish its staff profile), 365 days.
 */
export function ncaStaffProfile(
  role: NcaStaffRole,
  opts: { validityDays?: number } = {},
): CertificateProfile {
  if (!Object.hasOwn(STAFF_ROLE_OIDS, role)) {
    throw new PkiError('ERR_PROFILE_INVALID', `Unknown NCA staff role: ${String(role)}`);
  }
  return {
    name: `nca-${role}/auth`,
    purpose: 'auth',
    keyUsage: [...PURPOSES.auth.keyUsage],
    keyUsageCritical: true,
    extKeyUsage: [NCA_OIDS.eku.clientAuth, STAFF_ROLE_OIDS[role]],
    extKeyUsageCritical: false,
    policies: [NCA_OIDS.policy.legalEntityAuth],
    validityDays: validityDays(opts.validityDays, END_ENTITY_VALIDITY_DAYS),
  };
}

/** Profile of an NCA operator's authentication certificate (role 1.2.398.3.3.4.2.3); see {@link ncaStaffProfile}. */
export function ncaOperatorProfile(opts: { validityDays?: number } = {}): CertificateProfile {
  return ncaStaffProfile('operator', opts);
}
