/**
 * The application statuses and their texts in Russian, Kazakh and English: the vocabulary both
 * the CA (which moves applications through them) and the status service (which shows them on the
 * "check application status" page) read from the store. The Russian texts of `awaiting-approval`,
 * `issued` and `installed` are quoted from the NCA guides; the others follow the wording of the same
 * guides (SMS code from 1414, moderation, user agreement). See docs/domain.md, "Remote issuance for individuals".
 * Which transitions are allowed is the CA's business (`apps/ca/src/flow/transitions.ts`).
 */
/** Every status an application can be in (the `ApplicationStatus` enum of `openapi/ca.yaml`). */
export const APPLICATION_STATUSES = [
  'otp-sent',
  'phone-verified',
  'digital-id-code-sent',
  'digital-id-phone-verified',
  'document-recognized',
  'moderation',
  'identified',
  'identification-rejected',
  'consent-given',
  'agreement-accepted',
  'awaiting-approval',
  'approved',
  'submitted',
  'rejected',
  'issued',
  'installed',
  'revoked',
  'expired',
] as const;

/** An application status. */
export type ApplicationStatus = (typeof APPLICATION_STATUSES)[number];

/** A text in the three languages of the NCA site. */
export interface LocalizedText {
  ru: string;
  kk: string;
  en: string;
}

/** The status texts shown on the status page and in the API. */
export const STATUS_TEXTS: Readonly<Record<ApplicationStatus, LocalizedText>> = {
  'otp-sent': {
    ru: 'Одноразовый пароль отправлен на номер телефона',
    kk: 'Бір реттік құпиясөз телефон нөміріне жіберілді',
    en: 'One-time password sent to the phone number',
  },
  'phone-verified': {
    ru: 'Пользователь зарегистрирован в базе мобильных граждан',
    kk: 'Пайдаланушы мобильді азаматтар базасында тіркелген',
    en: 'User is registered in the Mobile Citizens Database',
  },
  'digital-id-code-sent': {
    ru: 'Код Digital ID отправлен на номер телефона, зарегистрированный в базе мобильных граждан',
    kk: 'Digital ID коды мобильді азаматтар базасында тіркелген телефон нөміріне жіберілді',
    en: 'Digital ID code sent to the phone number registered in the Mobile Citizens Database',
  },
  'digital-id-phone-verified': {
    ru: 'Номер телефона подтверждён в Digital ID. Ожидание идентификации',
    kk: 'Телефон нөмірі Digital ID-де расталды. Сәйкестендіру күтілуде',
    en: 'Phone number confirmed in Digital ID. Awaiting identification',
  },
  'document-recognized': {
    ru: 'Данные удостоверения личности распознаны. Ожидание подтверждения пользователем',
    kk: 'Жеке куәліктің деректері танылды. Пайдаланушының растауы күтілуде',
    en: "Identity document data recognised. Awaiting the user's confirmation",
  },
  moderation: {
    ru: 'Документ направлен на проверку (модерацию) оператору',
    kk: 'Құжат операторға тексеруге (модерацияға) жіберілді',
    en: 'The document has been sent to an operator for checking (moderation)',
  },
  identified: {
    ru: 'Пользователь идентифицирован центром регистрации',
    kk: 'Пайдаланушы тіркеу орталығында сәйкестендірілді',
    en: 'User identified by the registration centre',
  },
  'identification-rejected': {
    ru: 'Документ не прошёл проверку (модерацию). Идентификация отклонена',
    kk: 'Құжат тексеруден (модерациядан) өтпеді. Сәйкестендіру қабылданбады',
    en: 'The document failed the check (moderation). Identification rejected',
  },
  'consent-given': {
    ru: 'Предоставлен доступ к сведениям и удостоверению личности',
    kk: 'Мәліметтер мен жеке куәлікке қол жеткізуге рұқсат берілді',
    en: 'Access to the personal data and identity document granted',
  },
  'agreement-accepted': {
    ru: 'Пользовательское соглашение принято',
    kk: 'Пайдаланушылық келісім қабылданды',
    en: 'User agreement accepted',
  },
  'awaiting-approval': {
    ru: 'Пользователь идентифицирован центром регистрации. Ожидание подтверждения первого руководителя',
    kk: 'Пайдаланушы тіркеу орталығында сәйкестендірілді. Бірінші басшының растауы күтілуде',
    en: 'User identified by the registration centre. Awaiting confirmation by the first manager',
  },
  approved: {
    ru: 'Заявка подтверждена первым руководителем',
    kk: 'Өтінімді бірінші басшы растады',
    en: 'Application confirmed by the first manager',
  },
  submitted: {
    ru: 'Заявка подана. Ожидание выпуска регистрационных свидетельств (сертификатов)',
    kk: 'Өтінім берілді. Тіркеу куәліктерін (сертификаттарды) шығару күтілуде',
    en: 'Application submitted. Awaiting issuance of the registration certificates',
  },
  rejected: {
    ru: 'Заявка отклонена первым руководителем',
    kk: 'Өтінімді бірінші басшы қабылдамады',
    en: 'Application rejected by the first manager',
  },
  issued: {
    ru: 'Выпущенные регистрационные свидетельства (сертификаты) по заявке',
    kk: 'Өтінім бойынша шығарылған тіркеу куәліктері (сертификаттар)',
    en: 'Registration certificates issued for the application',
  },
  installed: {
    ru: 'Сертификаты установлены',
    kk: 'Сертификаттар орнатылды',
    en: 'Certificates installed',
  },
  revoked: {
    ru: 'Регистрационные свидетельства (сертификаты) по заявке отозваны',
    kk: 'Өтінім бойынша тіркеу куәліктері (сертификаттар) кері қайтарылды',
    en: 'The registration certificates of the application have been revoked',
  },
  expired: {
    ru: 'Срок действия заявки истёк',
    kk: 'Өтінімнің қолданылу мерзімі өтті',
    en: 'The application has expired',
  },
};

/** Statuses from which no transition leads anywhere. */
export const TERMINAL_STATUSES: ReadonlySet<ApplicationStatus> = new Set([
  'identification-rejected',
  'rejected',
  'revoked',
  'expired',
]);

/** Statuses of applications that have not yet got their certificates (these expire). */
export const UNFINISHED_STATUSES: readonly ApplicationStatus[] = [
  'otp-sent',
  'phone-verified',
  'digital-id-code-sent',
  'digital-id-phone-verified',
  'document-recognized',
  'moderation',
  'identified',
  'consent-given',
  'agreement-accepted',
  'awaiting-approval',
  'approved',
  'submitted',
];

/** `true` for statuses that expire when the application is too old. */
export function isUnfinished(status: ApplicationStatus): boolean {
  return UNFINISHED_STATUSES.includes(status);
}
