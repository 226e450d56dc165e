/**
 * What the CA needs to know about each certificate template besides its certificate profile
 * (which `@kzpki/pki` owns): the kind of applicant, the titles shown to people (the template names
 * of docs/domain.md, Templates and role OIDs), the registry check made at the start, and who approves it.
 */
import type { LocalizedText } from '@kzpki/ca-store';

/** The templates this CA issues. */
export const TEMPLATE_NAMES = [
  'individual',
  'first-manager',
  'signer',
  'finance',
  'hr',
  'employee',
  'treasury',
] as const;

/** A template name (same names as `@kzpki/pki`'s `TemplateName`). */
export type CaTemplateName = (typeof TEMPLATE_NAMES)[number];

/** Kind of applicant. */
export type ApplicationKind = 'individual' | 'legal-entity';

/** Roles (as `inspectCertificate` names them) that may approve applications. */
export type ApproverRole = 'first-manager' | 'signer' | 'hr';

/** Policy of one template. */
export interface TemplatePolicy {
  readonly kind: ApplicationKind;
  readonly title: LocalizedText;
  /** Roles whose holders (same BIN) may approve; empty: no approval step. */
  readonly approverRoles: readonly ApproverRole[];
  /** Extra registry check at the start. */
  readonly registryCheck?: 'first-manager' | 'treasury-participant';
}

/**
 * Template policies. A first manager approves everything; a person with signing right acts for
 * the first manager (docs/domain.md, Remote issuance for legal entities) except for granting signing right itself; HR confirms ordinary
 * employees (docs/domain.md, Templates and role OIDs: role 1.2.398.3.3.4.1.2.4).
 */
export const TEMPLATE_POLICIES: Readonly<Record<CaTemplateName, TemplatePolicy>> = {
  individual: {
    kind: 'individual',
    title: { ru: 'Физическое лицо', kk: 'Жеке тұлға', en: 'Individual' },
    approverRoles: [],
  },
  'first-manager': {
    kind: 'legal-entity',
    title: { ru: 'Первый руководитель', kk: 'Бірінші басшы', en: 'First manager' },
    approverRoles: [],
    registryCheck: 'first-manager',
  },
  signer: {
    kind: 'legal-entity',
    title: {
      ru: 'Сотрудник с правом подписи',
      kk: 'Қол қою құқығы бар қызметкер',
      en: 'Employee with signing right',
    },
    approverRoles: ['first-manager'],
  },
  finance: {
    kind: 'legal-entity',
    title: {
      ru: 'Сотрудник с правом подписи финансовых документов',
      kk: 'Қаржылық құжаттарға қол қою құқығы бар қызметкер',
      en: 'Employee with the right to sign financial documents',
    },
    approverRoles: ['first-manager', 'signer'],
  },
  hr: {
    kind: 'legal-entity',
    title: { ru: 'Сотрудник отдела кадров', kk: 'Кадр бөлімінің қызметкері', en: 'HR employee' },
    approverRoles: ['first-manager', 'signer'],
  },
  employee: {
    kind: 'legal-entity',
    title: { ru: 'Сотрудник организации', kk: 'Ұйым қызметкері', en: 'Organisation employee' },
    approverRoles: ['first-manager', 'signer', 'hr'],
  },
  treasury: {
    kind: 'legal-entity',
    title: {
      ru: 'Участник ИС Казначейство-Клиент',
      kk: '«Қазынашылық-Клиент» АЖ қатысушысы',
      en: 'Treasury-Client information system participant',
    },
    approverRoles: ['first-manager', 'signer'],
    registryCheck: 'treasury-participant',
  },
};

/** `true` for a known template name. */
export function isTemplateName(value: string): value is CaTemplateName {
  return (TEMPLATE_NAMES as readonly string[]).includes(value);
}

/** `true` when a holder with `roles` may approve an application made with `template`. */
export function mayApprove(template: CaTemplateName, roles: readonly string[]): boolean {
  return TEMPLATE_POLICIES[template].approverRoles.some((r) => roles.includes(r));
}
