/**
 * Certificate roles in words: the names `@kzpki/pki`'s OID registry gives each role in ru, kk and
 * en, instead of the keys the API and `inspectCertificate` use (`first-manager`, `nca-operator`).
 * The registry comes with the lazily loaded PKI chunk, which every screen showing roles has
 * already loaded to open a key file or read a certificate.
 */
import { useEffect, useState } from 'preact/hooks';
import { loadPki } from '../crypto/pki.js';
import type { Lang } from '../i18n/i18n.js';
import { useI18n } from '../i18n/i18n.js';

type Names = ReadonlyMap<string, Readonly<Record<Lang, string>>>;

let cached: Names | undefined;

/** Role key → names, from the registry (built once). */
export async function roleNames(): Promise<Names> {
  if (!cached) {
    const pki = await loadPki();
    const names = new Map<string, Readonly<Record<Lang, string>>>();
    for (const e of pki.listOids('role')) if (e.role && !names.has(e.role)) names.set(e.role, e);
    cached = names;
  }
  return cached;
}

/** The roles, comma-separated, in the page's language. */
export function RoleNames(props: { roles: readonly string[] }) {
  const i = useI18n();
  const [names, setNames] = useState<Names | undefined>(cached);
  useEffect(() => {
    if (!names) void roleNames().then(setNames);
  }, []);
  if (!names) return null;
  return <>{props.roles.map((r) => names.get(r)?.[i.lang] ?? i.t('role.unknown')).join(', ')}</>;
}
