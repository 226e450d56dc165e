/**
 * Human-readable renderings (the default output of the inspection commands). `--json` prints the
 * underlying objects instead; these texts may change, the JSON shapes are stable.
 */
import type { CertificateInfo, CrlInfo } from '@kzpki/pki';
import { describeOid, formatName } from '@kzpki/pki';

/** Aligned `label: value` lines; empty values are left out. */
export function table(rows: Array<[string, string | number | undefined | null]>, indent = ''): string {
  const shown = rows.filter(
    (r): r is [string, string | number] => r[1] !== undefined && r[1] !== null && r[1] !== '',
  );
  const width = Math.max(0, ...shown.map(([k]) => k.length));
  return shown.map(([k, v]) => `${indent}${`${k}:`.padEnd(width + 2)}${v}\n`).join('');
}

function oids(list: readonly string[]): string {
  return list
    .map((oid) => {
      const name = describeOid(oid);
      return name === oid ? oid : `${name} (${oid})`;
    })
    .join(', ');
}

/** The certificate as a few lines: who, what for, which CA, valid when, where to check it. */
export function formatCertificate(info: CertificateInfo, now = new Date()): string {
  const expired = new Date(info.notAfter) < now;
  const early = new Date(info.notBefore) > now;
  const validity = `${info.notBefore} .. ${info.notAfter}${expired ? ' (EXPIRED)' : early ? ' (NOT YET VALID)' : ''}`;
  return table([
    ['subject', info.subject.dn],
    ['issuer', info.issuer.dn],
    ['serial', info.serialNumber],
    ['IIN', info.iin],
    ['BIN', info.bin],
    ['name', [info.surname, info.givenName, info.patronymic].filter(Boolean).join(' ')],
    ['organization', info.organization],
    ['e-mail', info.email],
    ['purpose', info.keyPurpose],
    ['template', info.template],
    ['roles', info.roles.join(', ')],
    ['role OIDs', info.roleOids.join(', ')],
    ['policies', oids(info.policies)],
    ['key', `${info.keyAlgorithm}${info.keySize ? ` (${info.keySize} bits)` : ''}`],
    ['signature', info.signatureAlgorithm],
    ['validity', validity],
    ['key usage', info.keyUsage.join(', ')],
    ['ext key usage', oids(info.extKeyUsage)],
    [
      'CA',
      info.isCa ? `yes${info.pathLength !== undefined ? `, path length ${info.pathLength}` : ''}` : undefined,
    ],
    ['OCSP', info.ocspUrls.join(', ')],
    ['CRL', info.crlUrls.join(', ')],
    ['delta CRL', info.deltaCrlUrls.join(', ')],
    ['CA issuers', info.caIssuerUrls.join(', ')],
    ['SKI', info.subjectKeyId],
    ['AKI', info.authorityKeyId],
  ]);
}

/** A CRL as the `crl inspect --json` output shows it. */
export interface CrlSummary {
  issuer: string;
  version: number;
  kind: 'full' | 'delta';
  crlNumber?: string;
  baseCrlNumber?: string;
  thisUpdate: string;
  nextUpdate?: string;
  /** nextUpdate has passed. */
  stale: boolean;
  authorityKeyId?: string;
  freshestCrlUrls: string[];
  signatureAlgorithm: string;
  entryCount: number;
  entries: Array<{ serialHex: string; revocationDate: string; reason?: string; invalidityDate?: string }>;
  /** Signature checked against `--issuer` (absent without it). */
  signatureValid?: boolean;
}

/** The JSON-ready summary of a parsed CRL (at most `maxEntries` entries listed). */
export function crlSummary(crl: CrlInfo, maxEntries: number, now = new Date()): CrlSummary {
  return {
    issuer: formatName(crl.issuer),
    version: crl.version,
    kind: crl.isDelta ? 'delta' : 'full',
    ...(crl.crlNumber !== undefined ? { crlNumber: crl.crlNumber.toString() } : {}),
    ...(crl.baseCrlNumber !== undefined ? { baseCrlNumber: crl.baseCrlNumber.toString() } : {}),
    thisUpdate: crl.thisUpdate.toISOString(),
    ...(crl.nextUpdate ? { nextUpdate: crl.nextUpdate.toISOString() } : {}),
    stale: crl.nextUpdate !== undefined && crl.nextUpdate < now,
    ...(crl.authorityKeyId ? { authorityKeyId: crl.authorityKeyId } : {}),
    freshestCrlUrls: crl.freshestCrlUrls,
    signatureAlgorithm: describeOid(crl.signatureAlgorithm),
    entryCount: crl.entryCount,
    entries: crl.entries.slice(0, maxEntries).map((e) => ({
      serialHex: e.serialHex,
      revocationDate: e.revocationDate.toISOString(),
      ...(e.reason ? { reason: e.reason } : {}),
      ...(e.invalidityDate ? { invalidityDate: e.invalidityDate.toISOString() } : {}),
    })),
  };
}

/** The CRL summary as text. */
export function formatCrl(s: CrlSummary): string {
  const head = table([
    ['issuer', s.issuer],
    ['kind', s.kind === 'delta' ? `delta (base CRL ${s.baseCrlNumber})` : 'full'],
    ['CRL number', s.crlNumber],
    ['this update', s.thisUpdate],
    ['next update', s.nextUpdate ? `${s.nextUpdate}${s.stale ? ' (STALE)' : ''}` : undefined],
    ['AKI', s.authorityKeyId],
    ['delta CRL at', s.freshestCrlUrls.join(', ')],
    ['signature', s.signatureAlgorithm],
    [
      'signature check',
      s.signatureValid === undefined
        ? undefined
        : s.signatureValid
          ? 'valid (signed by --issuer)'
          : 'INVALID',
    ],
    ['entries', s.entryCount],
  ]);
  const rows = s.entries.map(
    (e) => `  ${e.serialHex}  ${e.revocationDate}${e.reason ? `  ${e.reason}` : ''}\n`,
  );
  const more = s.entryCount > s.entries.length ? `  ... ${s.entryCount - s.entries.length} more\n` : '';
  return head + rows.join('') + more;
}

/** Indents every non-empty line of `text`. */
export function indent(text: string, by = '  '): string {
  return text.replace(/^(?=.)/gm, by);
}
