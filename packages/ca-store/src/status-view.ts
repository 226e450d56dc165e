/**
 * The public "check application status" page: user data, application data and the table of
 * status changes, with the texts in ru/kk/en (docs/domain.md, "Remote issuance for individuals").
 * Built here, from the store's records, so that the CA's API and the status service answer the same
 * page from the same data.
 *
 * Anyone who has (or guesses) an application number reads this page, so the person is masked: the
 * IIN shows its last four digits only (the first six are the birth date) and the name its
 * initials, enough for the applicant to recognise their application and too little to learn who
 * applied. The organisation's BIN and name stay: they are public in the state register of legal
 * entities. The applicant sees their full data through their own session (`getApplication`).
 */
import { TEMPLATES } from '@kzpki/pki';
import { isUnfinished, STATUS_TEXTS } from './application-status.js';
import type { ApplicationRecord, ApplicationStatusView, StatusHistoryEntry } from './types.js';

/**
 * Full name as the NCA writes it: SURNAME NAME PATRONYMIC.
 * @example
 * ```ts
 * fullName({ surname: 'ТЕСТОВ', givenName: 'ТЕСТ' }); // 'ТЕСТОВ ТЕСТ'
 * ```
 */
export function fullName(p: { surname: string; givenName: string; patronymic?: string }): string {
  return [p.surname, p.givenName, p.patronymic].filter((x) => x !== undefined && x !== '').join(' ');
}

/**
 * An IIN with all but its last four digits masked.
 * @example
 * ```ts
 * maskIin('850315300128'); // '********0128'
 * ```
 */
export function maskIin(iin: string): string {
  return `${'*'.repeat(Math.max(0, iin.length - 4))}${iin.slice(-4)}`;
}

/**
 * The initials of a name, surname first.
 * @example
 * ```ts
 * initials({ surname: 'АХМЕТОВ', givenName: 'АЙДАР', patronymic: 'СЕРИКОВИЧ' }); // 'А. А. С.'
 * ```
 */
export function initials(p: { surname: string; givenName: string; patronymic?: string }): string {
  return [p.surname, p.givenName, p.patronymic]
    .filter((x): x is string => x !== undefined && x !== '')
    .map((x) => `${Array.from(x)[0]}.`)
    .join(' ');
}

/**
 * Builds the status page of a numbered application (the person masked, see above). With `now`, an unfinished application whose
 * time is up reads as `expired` even before the expiry sweep has written it (the page never shows
 * a stale "awaiting…" for an application that can no longer proceed).
 * @throws {TypeError} when the application has no number yet.
 * @example
 * ```ts
 * const view = buildStatusView(app, await store.getStatusHistory(app.id), new Date());
 * view.application.statusText.ru;
 * ```
 */
export function buildStatusView(
  app: ApplicationRecord,
  history: readonly StatusHistoryEntry[],
  now?: Date,
): ApplicationStatusView {
  const number = app.number;
  if (number === undefined) throw new TypeError('buildStatusView: the application has no number yet');
  if (now && isUnfinished(app.status) && app.expiresAt.getTime() <= now.getTime()) {
    app = { ...app, status: 'expired' };
    history = [...history, { status: 'expired', at: app.expiresAt, actor: 'system' }];
  }
  const org = app.data.organization;
  return {
    user: {
      kind: app.kind,
      iin: maskIin(app.iin),
      fullName: initials(app.data.person),
      ...(org ? { bin: org.bin, organization: org.name } : {}),
    },
    application: {
      number,
      createdAt: app.createdAt.toISOString(),
      template: app.template,
      templateTitle: { ...TEMPLATES[app.template].title },
      kind: app.kind,
      status: app.status,
      statusText: STATUS_TEXTS[app.status],
    },
    history: history.map((h) => ({ status: h.status, at: h.at.toISOString(), text: STATUS_TEXTS[h.status] })),
  };
}
