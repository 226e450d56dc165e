/**
 * The public "check application status" page (seed 001, step 27): user data, application data and
 * the table of status changes, with the texts in ru/kk/en.
 */
import type { ApplicationRecord, ApplicationStatusView, StatusHistoryEntry } from '../store/types.js';
import { STATUS_TEXTS } from './statuses.js';
import { TEMPLATE_POLICIES } from './template-policy.js';

/** Full name as the NCA writes it: SURNAME NAME PATRONYMIC. */
export function fullName(p: { surname: string; givenName: string; patronymic?: string }): string {
  return [p.surname, p.givenName, p.patronymic].filter((x) => x !== undefined && x !== '').join(' ');
}

/** Builds the status page of a numbered application. */
export function buildStatusView(app: ApplicationRecord, history: readonly StatusHistoryEntry[]): ApplicationStatusView {
  if (app.number === undefined) throw new TypeError('buildStatusView: the application has no number yet');
  const org = app.data.organization;
  return {
    user: {
      kind: app.kind,
      iin: app.iin,
      fullName: fullName(app.data.person),
      ...(org ? { bin: org.bin, organization: org.name } : {}),
    },
    application: {
      number: app.number,
      createdAt: app.createdAt.toISOString(),
      template: app.template,
      templateTitle: TEMPLATE_POLICIES[app.template].title,
      kind: app.kind,
      status: app.status,
      statusText: STATUS_TEXTS[app.status],
    },
    history: history.map((h) => ({ status: h.status, at: h.at.toISOString(), text: STATUS_TEXTS[h.status] })),
  };
}
