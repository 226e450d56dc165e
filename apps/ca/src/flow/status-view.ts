/**
 * The public "check application status" page (seed 001, step 27): user data, application data and
 * the table of status changes, with the texts in ru/kk/en.
 */
import type { ApplicationRecord, ApplicationStatusView, StatusHistoryEntry } from '../store/types.js';
import { isUnfinished, STATUS_TEXTS } from './statuses.js';
import { TEMPLATE_POLICIES } from './template-policy.js';

/** Full name as the NCA writes it: SURNAME NAME PATRONYMIC. */
export function fullName(p: { surname: string; givenName: string; patronymic?: string }): string {
  return [p.surname, p.givenName, p.patronymic].filter((x) => x !== undefined && x !== '').join(' ');
}

/**
 * Builds the status page of a numbered application. With `now`, an unfinished application whose
 * time is up reads as `expired` even before the expiry sweep has written it (the page never shows
 * a stale "awaiting…" for an application that can no longer proceed).
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
      iin: app.iin,
      fullName: fullName(app.data.person),
      ...(org ? { bin: org.bin, organization: org.name } : {}),
    },
    application: {
      number,
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
