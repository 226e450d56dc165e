/**
 * The `applications` row → record mapping that the SQLite and PostgreSQL stores share: the columns
 * are the same, only the type the driver gives times in differs (ISO text in SQLite, `Date` from pg).
 */
import type { TemplateKind, TemplateName } from '@kzpki/pki';
import type { ApplicationStatus } from './application-status.js';
import { opt } from './certificate-row.js';
import { decodeJson } from './sqlite/json-codec.js';
import type { ApplicationData, ApplicationRecord } from './types.js';

/** An `applications` row; `T` is how the driver returns times. */
export interface ApplicationRow<T> {
  id: string;
  number: string | null;
  kind: string;
  template: string;
  iin: string;
  bin: string | null;
  status: string;
  created_at: T;
  updated_at: T;
  expires_at: T;
  submitted_at: T | null;
  data: string;
}

/** A row as an {@link ApplicationRecord}; `asDate` turns the driver's time value into a `Date`. */
export function applicationFromRow<T>(r: ApplicationRow<T>, asDate: (v: T) => Date): ApplicationRecord {
  return {
    id: r.id,
    ...opt('number', r.number),
    kind: r.kind as TemplateKind,
    template: r.template as TemplateName,
    iin: r.iin,
    ...opt('bin', r.bin),
    status: r.status as ApplicationStatus,
    createdAt: asDate(r.created_at),
    updatedAt: asDate(r.updated_at),
    expiresAt: asDate(r.expires_at),
    ...opt('submittedAt', r.submitted_at === null ? null : asDate(r.submitted_at)),
    data: decodeJson<ApplicationData>(r.data),
  };
}
