/**
 * People's names from certificate subjects as the CA sends them: RFC 4514 strings such as
 * `CN=НУРЛАНОВ ДАНИЯР,SURNAME=НУРЛАНОВ,SERIALNUMBER=IIN911212307895,C=KZ,G=АСКАРОВИЧ`.
 * `@kzpki/pki` writes this form (`formatName`) but reads only DER names, and the table rows need
 * only three attributes, so the string is split here (RFC 4514 §3 escapes: `\,` and `\XX`).
 */

/** The attributes of an RFC 4514 string, in order (multi-valued RDNs flattened). */
export function parseDn(dn: string): Array<{ type: string; value: string }> {
  const out: Array<{ type: string; value: string }> = [];
  let type = '';
  let value = '';
  let inValue = false;
  const bytes: number[] = [];
  const flushBytes = (): void => {
    if (bytes.length > 0) value += new TextDecoder().decode(new Uint8Array(bytes.splice(0)));
  };
  const push = (): void => {
    flushBytes();
    if (type.trim() !== '') out.push({ type: type.trim().toUpperCase(), value: value.trim() });
    type = '';
    value = '';
    inValue = false;
  };
  for (let i = 0; i < dn.length; i++) {
    const c = dn[i] as string;
    if (!inValue) {
      if (c === '=') inValue = true;
      else type += c;
      continue;
    }
    if (c === '\\' && i + 1 < dn.length) {
      const hex = dn.slice(i + 1, i + 3);
      if (/^[0-9A-Fa-f]{2}$/.test(hex)) {
        bytes.push(Number.parseInt(hex, 16));
        i += 2;
      } else {
        flushBytes();
        value += dn[i + 1];
        i += 1;
      }
      continue;
    }
    if (c === ',' || c === '+') {
      push();
      continue;
    }
    flushBytes();
    value += c;
  }
  push();
  return out;
}

/** The first value of an attribute (`CN`, `G`/`GIVENNAME`, `O`...). */
export function dnValue(dn: string, ...types: string[]): string | undefined {
  const wanted = types.map((t) => t.toUpperCase());
  return parseDn(dn).find((a) => wanted.includes(a.type))?.value;
}

/**
 * The holder as people say it: the NCA's CN is "SURNAME GIVEN-NAME" and GIVENNAME holds the
 * patronymic, so the full name is CN followed by GIVENNAME (docs/domain.md, certificate
 * profiles). Falls back to the whole string when there is no CN.
 *
 * @example
 * ```ts
 * ownerName('CN=НУРЛАНОВ ДАНИЯР,SURNAME=НУРЛАНОВ,SERIALNUMBER=IIN911212307895,C=KZ,G=АСКАРОВИЧ');
 * // 'НУРЛАНОВ ДАНИЯР АСКАРОВИЧ'
 * ```
 */
export function ownerName(dn: string): string {
  const cn = dnValue(dn, 'CN', '2.5.4.3');
  if (!cn) return dn;
  const patronymic = dnValue(dn, 'G', 'GIVENNAME', '2.5.4.42');
  return patronymic && !cn.includes(patronymic) ? `${cn} ${patronymic}` : cn;
}

/** The organisation (O) of a subject, if any. */
export function organizationOf(dn: string): string | undefined {
  return dnValue(dn, 'O', '2.5.4.10');
}
