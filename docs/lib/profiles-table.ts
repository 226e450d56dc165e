/**
 * The certificate profiles table of the guides, generated from `@kzpki/pki`'s `TEMPLATES` and
 * `templateProfile` (the data the CA issues from), so the documentation cannot drift from the
 * code. It is written as a Markdown table and rendered with the rest of the page.
 */

/** What the table needs from `@kzpki/pki`. */
export interface ProfileSource {
  TEMPLATES: Readonly<
    Record<
      string,
      {
        name: string;
        kind: string;
        title: Readonly<Record<'ru' | 'kk' | 'en', string>>;
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
  };
  describeOid(oid: string): string;
}

/** Subject attributes by the template's required fields (the name and IIN are always there). */
const SUBJECT_FIELDS: Readonly<Record<string, string>> = {
  organization: 'O',
  bin: 'OU=BIN…',
  roleCode: 'DC (role code)',
  businessCategory: 'businessCategory',
};

/** Text for a table cell: no pipes or line breaks. */
function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\s*\n\s*/g, ' ');
}

function oidList(pki: ProfileSource, oids: readonly string[]): string {
  return oids
    .map((oid) => {
      const name = pki.describeOid(oid);
      return `\`${oid}\`${name !== oid ? ` ${cell(name)}` : ''}`;
    })
    .join('; ');
}

/**
 * The Markdown table: one row per template and key (AUTH, SIGN).
 *
 * @example
 * ```ts
 * import * as pki from '@kzpki/pki';
 * profilesMarkdown(pki); // '| template | kind | key | ...'
 * ```
 */
export function profilesMarkdown(pki: ProfileSource): string {
  const rows = [
    '| template | kind | key | keyUsage | extKeyUsage (purpose, roles) | certificatePolicies | subject |',
    '| --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const t of Object.values(pki.TEMPLATES)) {
    const subject = [
      'CN, SURNAME, SERIALNUMBER=IIN…, C=KZ',
      ...t.requiredSubjectFields.map((f) => SUBJECT_FIELDS[f] ?? f),
      'GIVENNAME (patronymic)',
    ].join(', ');
    for (const purpose of ['auth', 'sign'] as const) {
      const p = pki.templateProfile(t.name as never, purpose);
      const template = `**${t.name}** ${cell(t.title.ru)} (${cell(t.title.en)})`;
      const kind = `${t.kind}${t.firstManagerApproval ? ', approved by the first manager' : ''}`;
      rows.push(
        `| ${template} | ${kind} | ${purpose.toUpperCase()} | ${p.keyUsage.join(', ')}${p.keyUsageCritical ? ' (critical)' : ''} | ${oidList(
          pki,
          p.extKeyUsage,
        )} | ${oidList(pki, p.policies)} | ${subject} |`,
      );
    }
  }
  return `${rows.join('\n')}\n`;
}
