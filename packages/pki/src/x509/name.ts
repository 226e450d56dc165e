/**
 * Distinguished names (RFC 5280 §4.1.2.4): a plain-data form ({@link DistinguishedName}),
 * encoding to and decoding from pkijs, RFC 4514 string form, and RFC 5280 §7.1 comparison.
 *
 * ```asn1
 * Name ::= CHOICE { -- only one possibility for now --
 *   rdnSequence  RDNSequence }
 * RDNSequence ::= SEQUENCE OF RelativeDistinguishedName
 * RelativeDistinguishedName ::= SET SIZE (1..MAX) OF AttributeTypeAndValue
 * AttributeTypeAndValue ::= SEQUENCE {
 *   type     AttributeType,            -- OBJECT IDENTIFIER
 *   value    AttributeValue }          -- ANY -- DEFINED BY AttributeType
 * DirectoryString ::= CHOICE {
 *   teletexString    TeletexString (SIZE (1..MAX)),
 *   printableString  PrintableString (SIZE (1..MAX)),
 *   universalString  UniversalString (SIZE (1..MAX)),
 *   utf8String       UTF8String (SIZE (1..MAX)),
 *   bmpString        BMPString (SIZE (1..MAX)) }
 * ```
 *
 * The NCA writes one attribute per RDN, so {@link DistinguishedName} is a flat list in encoding
 * order; a multi-valued RDN of a foreign certificate decodes to its attributes in order, and
 * {@link formatName} / {@link namesEqual} given the pkijs object keep the grouping.
 */
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { decodeAsn1 } from '../der/asn1-decode.js';
import { toHex } from '../der/encoding.js';
import { derOid, derSequence, derSetOf, derTlv } from '../der/writer.js';
import { PkiError } from '../errors.js';
import { lookupOid, NCA_OIDS } from '../profiles/oids.js';

/**
 * ASN.1 string type of an attribute value. `der` is the escape hatch for values that are not
 * strings (or not decodable ones): `value` then holds `#` and the hex of the whole DER element.
 */
export type DnValueEncoding =
  | 'utf8'
  | 'printable'
  | 'ia5'
  | 'bmp'
  | 'teletex'
  | 'universal'
  | 'numeric'
  | 'visible'
  | 'der';

/** One attribute of a name. */
export interface DnAttribute {
  /** Attribute type OID, e.g. `2.5.4.3` (CN). */
  type: string;
  /** The value as text (see {@link DnValueEncoding} `der` for non-string values). */
  value: string;
  /**
   * ASN.1 string type. When absent, {@link encodeName} uses PrintableString for C and
   * SERIALNUMBER, IA5String for E (emailAddress) and DC, UTF8String for everything else.
   */
  encoding?: DnValueEncoding;
}

/** A distinguished name: one attribute per RDN, in encoding order (the NCA's CN first). */
export type DistinguishedName = DnAttribute[];

/** A name in either form this module accepts. */
export type NameInput = DistinguishedName | pkijs.RelativeDistinguishedNames;

const TAG_OF: Readonly<Record<Exclude<DnValueEncoding, 'der'>, number>> = {
  utf8: 12,
  printable: 19,
  ia5: 22,
  bmp: 30,
  teletex: 20,
  universal: 28,
  numeric: 18,
  visible: 26,
};
const ENCODING_OF_TAG: ReadonlyMap<number, Exclude<DnValueEncoding, 'der'>> = new Map(
  Object.entries(TAG_OF).map(([k, v]) => [v, k as Exclude<DnValueEncoding, 'der'>]),
);

/** Attributes whose syntax fixes the string type (X.520, RFC 4519, PKCS#9). */
const FIXED_ENCODING: Readonly<Record<string, Exclude<DnValueEncoding, 'der'>>> = {
  [NCA_OIDS.attribute.country]: 'printable',
  [NCA_OIDS.attribute.serialNumber]: 'printable',
  [NCA_OIDS.attribute.emailAddress]: 'ia5',
  [NCA_OIDS.attribute.domainComponent]: 'ia5',
};

const OID_RE = /^[0-2](\.(0|[1-9]\d*))+$/;
// X.680 §41.4 PrintableString alphabet.
const PRINTABLE_RE = /^[A-Za-z0-9 '()+,\-./:=?]*$/;
const LONE_SURROGATE_RE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function invalid(message: string, details: Record<string, unknown>): PkiError {
  return new PkiError('ERR_INVALID_ARGUMENT', message, { details });
}

/** Short name of an attribute type (CN, SURNAME, SERIALNUMBER, ...), or `undefined` if it has none. */
export function attributeShortName(type: string): string | undefined {
  const entry = lookupOid(type);
  return entry?.group === 'attribute' ? entry.name : undefined;
}

function charsetOk(encoding: Exclude<DnValueEncoding, 'der'>, value: string): boolean {
  switch (encoding) {
    case 'utf8':
    case 'universal':
      return !LONE_SURROGATE_RE.test(value);
    case 'bmp':
      return !/[\uD800-\uDFFF]/.test(value); // BMPString cannot hold characters beyond U+FFFF
    case 'printable':
      return PRINTABLE_RE.test(value);
    case 'ia5':
      return /^[\x00-\x7f]*$/.test(value);
    case 'numeric':
      return /^[0-9 ]*$/.test(value);
    case 'visible':
      return /^[\x20-\x7e]*$/.test(value);
    case 'teletex':
      // Read and written as ISO 8859-1, which is what real-world TeletexStrings hold.
      return /^[\x00-\xff]*$/.test(value);
  }
}

function stringContents(encoding: Exclude<DnValueEncoding, 'der'>, value: string): Uint8Array {
  switch (encoding) {
    case 'utf8':
      return new TextEncoder().encode(value);
    case 'bmp': {
      const out = new Uint8Array(value.length * 2);
      for (let i = 0; i < value.length; i++) {
        out[2 * i] = value.charCodeAt(i) >> 8;
        out[2 * i + 1] = value.charCodeAt(i) & 0xff;
      }
      return out;
    }
    case 'universal': {
      const cps = [...value].map((c) => c.codePointAt(0)!);
      const out = new Uint8Array(cps.length * 4);
      cps.forEach((cp, i) => {
        out[4 * i + 1] = (cp >> 16) & 0xff;
        out[4 * i + 2] = (cp >> 8) & 0xff;
        out[4 * i + 3] = cp & 0xff;
      });
      return out;
    }
    default:
      return Uint8Array.from(value, (c) => c.charCodeAt(0));
  }
}

/** Builds the DER of one AttributeValue, validating it. */
function attributeValueDer(attr: DnAttribute, index: number): Uint8Array {
  const fixed = FIXED_ENCODING[attr.type];
  const encoding = attr.encoding ?? fixed ?? 'utf8';
  if (encoding === 'der') {
    const m = /^#((?:[0-9a-fA-F]{2})+)$/.exec(attr.value);
    const bytes = m ? Uint8Array.from(m[1]!.match(/../g)!, (h) => Number.parseInt(h, 16)) : undefined;
    if (!bytes || decodeAsn1(bytes) === undefined) {
      throw invalid(
        `Name attribute ${index} (${attr.type}): 'der' value must be '#' and the hex of one DER element`,
        {
          index,
          type: attr.type,
        },
      );
    }
    return bytes;
  }
  if (!Object.hasOwn(TAG_OF, encoding)) {
    throw invalid(`Name attribute ${index} (${attr.type}): unknown encoding ${String(encoding)}`, { index });
  }
  if (fixed !== undefined && encoding !== fixed) {
    throw invalid(`Name attribute ${index} (${attr.type}) must be encoded as ${fixed}, not ${encoding}`, {
      index,
      type: attr.type,
    });
  }
  if (typeof attr.value !== 'string' || attr.value.length === 0) {
    throw invalid(`Name attribute ${index} (${attr.type}) has an empty value`, { index, type: attr.type });
  }
  if (!charsetOk(encoding, attr.value)) {
    throw invalid(`Name attribute ${index} (${attr.type}) has characters a ${encoding} string cannot hold`, {
      index,
      type: attr.type,
    });
  }
  if (attr.type === NCA_OIDS.attribute.country && attr.value.length !== 2) {
    throw invalid(`Country (C) must be a two-letter code, got ${JSON.stringify(attr.value)}`, { index });
  }
  return derTlv(TAG_OF[encoding], stringContents(encoding, attr.value));
}

/**
 * Encodes a name, one RDN per attribute, in the given order.
 *
 * The returned object carries its DER encoding (`valueBeforeDecode`), so pkijs writes exactly these
 * bytes; pkijs would otherwise put all attributes into a single multi-valued RDN.
 *
 * @throws {PkiError} `ERR_INVALID_ARGUMENT` for a type that is not a dotted OID, an empty value, a
 *   value its string type cannot hold, or a string type X.520 forbids for the attribute (C and
 *   SERIALNUMBER are PrintableString, E and DC are IA5String).
 * @example
 * ```ts
 * const rdns = encodeName([
 *   { type: '2.5.4.3', value: 'ТЕСТОВ ТЕСТ' },
 *   { type: '2.5.4.5', value: 'IIN123456789011' },
 *   { type: '2.5.4.6', value: 'KZ' },
 * ]);
 * ```
 */
export function encodeName(dn: DistinguishedName): pkijs.RelativeDistinguishedNames {
  return new pkijs.RelativeDistinguishedNames({ schema: decodeAsn1(encodeNameDer(dn))! });
}

/** DER of a name given as attributes, one RDN per attribute, in order (see {@link encodeName}). */
function encodeNameDer(dn: DistinguishedName): Uint8Array {
  if (!Array.isArray(dn)) throw invalid('A distinguished name must be an array of attributes', {});
  const rdns = dn.map((attr, index) => {
    if (typeof attr?.type !== 'string' || !OID_RE.test(attr.type)) {
      throw invalid(`Name attribute ${index}: type must be a dotted OID, got ${String(attr?.type)}`, {
        index,
      });
    }
    // RelativeDistinguishedName ::= SET OF AttributeTypeAndValue (here one attribute each)
    return derSetOf(derSequence(derOid(attr.type), attributeValueDer(attr, index)));
  });
  return derSequence(...rdns);
}

/** One attribute as read from the encoding. */
interface RawAttribute {
  type: string;
  /** DER of the AttributeValue element. */
  der: Uint8Array;
}

/** Header length of a DER element (identifier + length octets). */
function headerLength(der: Uint8Array): number {
  let i = 1;
  if ((der[0]! & 0x1f) === 0x1f) while (i < der.length && der[i++]! & 0x80);
  const first = der[i] ?? 0;
  return i + 1 + (first & 0x80 ? first & 0x7f : 0);
}

function blockDer(block: asn1js.AsnType): Uint8Array {
  const before = (block as asn1js.BaseBlock).valueBeforeDecodeView;
  return before && before.byteLength > 0 ? new Uint8Array(before) : new Uint8Array(block.toBER(false));
}

/** The RDNs of a name as raw attributes, keeping multi-valued RDNs together. */
function rawRdns(name: NameInput): RawAttribute[][] {
  if (Array.isArray(name)) {
    return name.map((attr, index) => [{ type: attr.type, der: attributeValueDer(attr, index) }]);
  }
  if (!(name instanceof pkijs.RelativeDistinguishedNames)) {
    throw invalid('Expected a DistinguishedName array or a pkijs RelativeDistinguishedNames', {});
  }
  let seq: asn1js.Sequence;
  try {
    seq = name.toSchema();
  } catch (cause) {
    throw new PkiError('ERR_ASN1_INVALID', 'Malformed name', { cause });
  }
  const out: RawAttribute[][] = [];
  for (const set of seq.valueBlock.value) {
    const rdn: RawAttribute[] = [];
    for (const atv of (set as asn1js.Set).valueBlock.value ?? []) {
      const [oid, value] = (atv as asn1js.Sequence).valueBlock.value ?? [];
      if (!(oid instanceof asn1js.ObjectIdentifier) || value === undefined) {
        throw new PkiError('ERR_ASN1_INVALID', 'Malformed AttributeTypeAndValue in a name');
      }
      rdn.push({ type: oid.valueBlock.toString(), der: blockDer(value) });
    }
    out.push(rdn);
  }
  return out;
}

/** Decodes the string held by a DER AttributeValue, or `undefined` when it is not a readable string. */
function decodeString(
  der: Uint8Array,
): { value: string; encoding: Exclude<DnValueEncoding, 'der'> } | undefined {
  const tag = der[0]!;
  const encoding = ENCODING_OF_TAG.get(tag); // universal, primitive tags only
  if (encoding === undefined) return undefined;
  const c = der.subarray(headerLength(der));
  switch (encoding) {
    case 'utf8':
      return { value: new TextDecoder('utf-8').decode(c), encoding };
    case 'bmp': {
      if (c.length % 2) return undefined;
      let s = '';
      for (let i = 0; i < c.length; i += 2) s += String.fromCharCode((c[i]! << 8) | c[i + 1]!);
      return { value: s, encoding };
    }
    case 'universal': {
      if (c.length % 4) return undefined;
      let s = '';
      for (let i = 0; i < c.length; i += 4) {
        const cp = ((c[i]! << 24) | (c[i + 1]! << 16) | (c[i + 2]! << 8) | c[i + 3]!) >>> 0;
        if (cp > 0x10ffff) return undefined;
        s += String.fromCodePoint(cp);
      }
      return { value: s, encoding };
    }
    default: {
      let s = '';
      for (const b of c) s += String.fromCharCode(b);
      return { value: s, encoding };
    }
  }
}

function toAttribute(raw: RawAttribute): DnAttribute {
  const s = decodeString(raw.der);
  return s
    ? { type: raw.type, value: s.value, encoding: s.encoding }
    : { type: raw.type, value: `#${toHex(raw.der)}`, encoding: 'der' };
}

/**
 * Decodes a name into plain data, in encoding order, keeping each value's string type. Values that
 * are not strings come back with `encoding: 'der'` and `value` = `#` + hex of their DER. The
 * attributes of a multi-valued RDN come back one after another.
 *
 * @throws {PkiError} `ERR_ASN1_INVALID` when the name's structure is malformed.
 */
export function decodeName(rdns: pkijs.RelativeDistinguishedNames): DistinguishedName {
  return rawRdns(rdns).flatMap((rdn) => rdn.map(toAttribute));
}

/** RFC 4514 §2.4 escaping of a string value. */
function escapeValue(value: string): string {
  let out = '';
  for (let i = 0; i < value.length; i++) {
    const ch = value[i]!;
    const code = ch.charCodeAt(0);
    if ('"+,;<>\\'.includes(ch)) out += `\\${ch}`;
    else if ((ch === ' ' || ch === '#') && i === 0) out += `\\${ch}`;
    else if (ch === ' ' && i === value.length - 1) out += '\\ ';
    // NUL must be escaped; other control characters are escaped too so that a name is safe to log.
    else if (code < 0x20 || code === 0x7f) out += `\\${code.toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return out;
}

function formatAttribute(raw: RawAttribute): string {
  const short = attributeShortName(raw.type);
  // RFC 4514 §2.4: a type in dotted form takes the '#' hex form of the BER value.
  if (short === undefined) return `${raw.type}=#${toHex(raw.der)}`;
  const s = decodeString(raw.der);
  return s ? `${short}=${escapeValue(s.value)}` : `${short}=#${toHex(raw.der)}`;
}

/**
 * The RFC 4514 string of a name: RDNs from last to first, separated by `,`; the attributes of a
 * multi-valued RDN joined by `+`. Types with a short name use it (CN, SURNAME, SERIALNUMBER, C, L,
 * ST, STREET, O, OU, T, GIVENNAME, BUSINESSCATEGORY, DC, UID, E); others appear as dotted OIDs with
 * the value as `#` and the hex of its BER encoding.
 *
 * @example
 * ```ts
 * formatName(decodeName(cert.subject));
 * // 'GIVENNAME=ТЕСТОВИЧ,C=KZ,SERIALNUMBER=IIN123456789011,SURNAME=ТЕСТОВ,CN=ТЕСТОВ ТЕСТ'
 * ```
 */
export function formatName(name: NameInput): string {
  return rawRdns(name)
    .reverse()
    .map((rdn) => rdn.map(formatAttribute).join('+'))
    .join(',');
}

/** RFC 4518-style preparation, simplified: NFKC, case folding, insignificant space removed. */
function prepare(value: string): string {
  return value.normalize('NFKC').toLowerCase().trim().replace(/\s+/g, ' ');
}

function matchKey(raw: RawAttribute): string {
  const s = decodeString(raw.der);
  return `${raw.type}\u0000${s ? `s${prepare(s.value)}` : `#${toHex(raw.der)}`}`;
}

/**
 * Whether two names are the same (RFC 5280 §7.1): same number of RDNs, each with the same set of
 * attributes; string values match after Unicode normalisation, case folding and collapsing of
 * white space, whatever their string types; other values match byte for byte.
 *
 * @throws {PkiError} `ERR_ASN1_INVALID` when a name's structure is malformed.
 */
export function namesEqual(a: NameInput, b: NameInput): boolean {
  const x = rawRdns(a);
  const y = rawRdns(b);
  if (x.length !== y.length) return false;
  for (let i = 0; i < x.length; i++) {
    const kx = x[i]!.map(matchKey).sort();
    const ky = y[i]!.map(matchKey).sort();
    if (kx.length !== ky.length || kx.some((k, j) => k !== ky[j])) return false;
  }
  return true;
}

/** DER encoding of a name (the `Name` SEQUENCE). */
export function nameToDer(name: NameInput): Uint8Array {
  return Array.isArray(name) ? encodeNameDer(name) : new Uint8Array(name.toSchema().toBER(false));
}
