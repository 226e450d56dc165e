/**
 * The certificate profiles table of the guides, generated from `@kzpki/pki`'s `TEMPLATES` and
 * `templateProfile` (the data the CA issues from), so the documentation cannot drift from the
 * code.
 */
import { escapeHtml } from './markdown.js';

/** What the table needs from `@kzpki/pki`. */
export interface ProfileSource {
  TEMPLATES: Readonly<
    Record<
      string,
      {
        name: string;
        kind: string;
        title: Readonly<Record<'ru' | 'kk' | 'en', string>>;
        binRequired: boolean;
        firstManagerApproval: boolean;
        requiredSubjectFields: readonly string[];
      }
    >
  >;
  templateProfile(
    name: never,
    purpose: 'auth' | 'sign',
  ): {
    keyUsage: readonly string[];
    keyUsageCritical: boolean;
    extKeyUsage: readonly string[];
    policies: readonly string[];
    validityDays: number;
  };
  describeOid(oid: string): string;
}

function oidList(pki: ProfileSource, oids: readonly string[]): string {
  return oids
    .map((oid) => {
      const name = pki.describeOid(oid);
      return `<code>${escapeHtml(oid)}</code>${name !== oid ? ` ${escapeHtml(name)}` : ''}`;
    })
    .join('<br>');
}

/** The HTML table: one row per template and key (AUTH, SIGN). */
export function profilesTable(pki: ProfileSource): string {
  const rows: string[] = [];
  for (const t of Object.values(pki.TEMPLATES)) {
    for (const purpose of ['auth', 'sign'] as const) {
      const p = pki.templateProfile(t.name as never, purpose);
      const subject = [
        'CN, SURNAME, SERIALNUMBER=IIN…, C=KZ',
        ...t.requiredSubjectFields.map(
          (f) =>
            ({
              organization: 'O',
              bin: 'OU=BIN…',
              roleCode: 'DC (role code)',
              businessCategory: 'businessCategory',
            })[f] ?? f,
        ),
        'GIVENNAME (patronymic)',
      ];
      rows.push(
        `<tr>${
          purpose === 'auth'
            ? `<td rowspan="2"><strong>${escapeHtml(t.name)}</strong><br>${escapeHtml(t.title.ru)}<br><span class="muted">${escapeHtml(
                t.title.en,
              )}</span></td><td rowspan="2">${escapeHtml(t.kind)}${t.firstManagerApproval ? '<br>approved by the first manager' : ''}</td>`
            : ''
        }<td>${purpose.toUpperCase()}</td><td>${escapeHtml(p.keyUsage.join(', '))}${p.keyUsageCritical ? ' (critical)' : ''}</td><td>${oidList(
          pki,
          p.extKeyUsage,
        )}</td><td>${oidList(pki, p.policies)}</td>${purpose === 'auth' ? `<td rowspan="2">${escapeHtml(subject.join(', '))}</td>` : ''}</tr>`,
      );
    }
  }
  return `<table class="profiles"><thead><tr><th>template</th><th>kind</th><th>key</th><th>keyUsage</th><th>extKeyUsage (purpose, roles)</th><th>certificatePolicies</th><th>subject</th></tr></thead><tbody>${rows.join(
    '',
  )}</tbody></table>`;
}
