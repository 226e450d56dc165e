/**
 * Who to try against the reference CA: the demo persons and organisations of its simulated
 * registries (`apps/ca/data/demo.json`), sorted into what each one is good for.
 */
import type { DemoData } from '@kzpki/ca';
import type { DemoPersonas, Persona, SpecialPerson } from '@kzpki/cli';
import type { TemplateName } from '@kzpki/pki';

function fullName(p: { surname: string; givenName: string; patronymic?: string }): string {
  return [p.surname, p.givenName, p.patronymic].filter(Boolean).join(' ');
}

/**
 * Sorts the demo data: an ordinary individual, a first manager, and for every other template the
 * employee the data assigns to it (test-only NCA identifiers excluded unless `testOnly`).
 */
export function demoPersonas(data: DemoData, options: { testOnly?: boolean } = {}): DemoPersonas {
  const visible = <T extends { testOnly?: boolean }>(x: T): boolean =>
    options.testOnly === true || x.testOnly !== true;
  const persons = new Map(data.persons.filter(visible).map((p) => [p.iin, p]));
  const orgs = data.organizations.filter(visible);
  const inOrganization = new Set(
    orgs.flatMap((o) => [
      o.firstManagerIin,
      ...o.employees.map((e) => e.iin),
      ...(o.treasuryParticipants ?? []).map((t) => t.iin),
    ]),
  );
  const ordinary = (iin: string): boolean => {
    const p = persons.get(iin);
    return p !== undefined && p.phone !== null && !p.presentedDocument && !p.faceMismatch;
  };
  const byTemplate: Partial<Record<TemplateName, Persona>> = {};
  const firstManagers = new Map<string, Persona>();
  for (const o of orgs) {
    const fm = persons.get(o.firstManagerIin);
    if (fm && ordinary(fm.iin)) {
      firstManagers.set(o.bin, {
        template: 'first-manager',
        iin: fm.iin,
        bin: o.bin,
        name: fullName(fm),
        organization: o.name,
      });
    }
  }
  const individual = [...persons.values()].find(
    (p) => ordinary(p.iin) && !inOrganization.has(p.iin) && p.iin !== data.operator.iin,
  );
  if (individual)
    byTemplate.individual = { template: 'individual', iin: individual.iin, name: fullName(individual) };
  // The organisation with most templates among its employees comes first (its first manager approves them).
  const ranked = [...orgs].sort(
    (a, b) =>
      new Set(b.employees.map((e) => e.template)).size - new Set(a.employees.map((e) => e.template)).size,
  );
  for (const o of ranked) {
    const fm = firstManagers.get(o.bin);
    if (!fm) continue;
    byTemplate['first-manager'] ??= fm;
    for (const e of o.employees) {
      const p = persons.get(e.iin);
      const template = e.template as TemplateName;
      if (!p || !ordinary(p.iin) || byTemplate[template]) continue;
      byTemplate[template] = {
        template,
        iin: p.iin,
        bin: o.bin,
        name: fullName(p),
        organization: o.name,
        approverIin: fm.iin,
      };
    }
  }
  const special: SpecialPerson[] = [...persons.values()]
    .filter((p) => p.phone === null || p.presentedDocument || p.faceMismatch)
    .map((p) => ({
      iin: p.iin,
      name: fullName(p),
      note:
        p.phone === null
          ? 'no phone in the Mobile Citizens Database (ERR_PHONE_NOT_REGISTERED)'
          : 'document differs from the registry (operator moderation)',
    }));
  return { byTemplate, special, firstManagers };
}

/** The personas of the demo data bundled with `@kzpki/ca` (loaded on demand: it pulls in the CA). */
export async function loadDemoPersonas(options: { testOnly?: boolean } = {}): Promise<DemoPersonas> {
  const { loadDemoData } = await import('@kzpki/ca');
  return demoPersonas(loadDemoData(), options);
}
