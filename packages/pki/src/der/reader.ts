/**
 * A small, strict DER reader (ITU-T X.690 §8, §10) for the structures this package parses from
 * untrusted input: CRLs, OCSP requests and OCSP responses.
 *
 * Why not asn1js/pkijs objects: a real NCA full CRL has ~420k entries and building an object tree
 * for each one is slow and memory hungry; the reader instead walks the bytes in place and hands out
 * offsets, so callers decode only what they need. Every read is bounds-checked against the parent
 * element and every loop advances, so malformed input can only end in a {@link PkiError} (with the
 * code the caller chose), never in a TypeError, a huge allocation or a hang. Indefinite lengths
 * (BER) are rejected; only low tag numbers (< 31) occur in the structures read here.
 */

import { PkiError, type PkiErrorCode } from '../errors.js';
import { type BytesLike, fromBase64, parsePem, toBytes } from './encoding.js';

/** One TLV element located inside a byte buffer. All offsets are absolute. */
export interface DerElement {
  /** The identifier octet (class, constructed bit and tag number, e.g. 0x30 for SEQUENCE). */
  tag: number;
  /** Offset of the identifier octet. */
  start: number;
  /** Offset of the first content octet. */
  contentStart: number;
  /** Offset just past the last content octet. */
  end: number;
}

/** Universal and context tags the parsers of this package look for. */
export const DER_TAG = {
  BOOLEAN: 0x01,
  INTEGER: 0x02,
  BIT_STRING: 0x03,
  OCTET_STRING: 0x04,
  NULL: 0x05,
  OID: 0x06,
  ENUMERATED: 0x0a,
  UTF8_STRING: 0x0c,
  PRINTABLE_STRING: 0x13,
  IA5_STRING: 0x16,
  UTC_TIME: 0x17,
  GENERALIZED_TIME: 0x18,
  SEQUENCE: 0x30,
  SET: 0x31,
} as const;

/** Context-specific tag `[n]`, constructed (EXPLICIT tagging or an IMPLICIT constructed type). */
export function contextTag(n: number): number {
  return 0xa0 | n;
}

/** Context-specific tag `[n]`, primitive (IMPLICIT tagging of a primitive type). */
export function contextPrimitiveTag(n: number): number {
  return 0x80 | n;
}

/**
 * Reads DER from one buffer; every failure is a {@link PkiError} with the code given at construction,
 * so that a CRL parser reports `ERR_CRL_INVALID` and an OCSP parser `ERR_OCSP_REQUEST_INVALID`.
 */
export class DerReader {
  /** The bytes being read. */
  readonly bytes: Uint8Array;
  private readonly code: PkiErrorCode;
  private readonly what: string;

  /**
   * @param bytes the DER to read
   * @param code the error code every failure carries
   * @param what a noun for error messages, e.g. `CRL`
   */
  constructor(bytes: Uint8Array, code: PkiErrorCode, what: string) {
    this.bytes = bytes;
    this.code = code;
    this.what = what;
  }

  /** Throws the reader's error with `message` (the offset goes into `details`). */
  fail(message: string, offset?: number): never {
    throw new PkiError(this.code, `Malformed ${this.what}: ${message}`, {
      details: offset === undefined ? {} : { offset },
    });
  }

  /**
   * Reads the TLV that starts at `offset` and must end by `limit`.
   * X.690 §8.1.3: short form length < 128; long form: 0x80 | number of length octets.
   */
  read(offset: number, limit: number): DerElement {
    const b = this.bytes;
    if (offset + 2 > limit) this.fail('truncated element', offset);
    const tag = b[offset]!;
    if ((tag & 0x1f) === 0x1f) this.fail('high tag numbers are not used in this structure', offset);
    let len = b[offset + 1]!;
    let p = offset + 2;
    if (len & 0x80) {
      const n = len & 0x7f;
      if (n === 0) this.fail('indefinite length is not DER', offset);
      // Four length octets already allow 4 GiB, far beyond anything we accept.
      if (n > 4) this.fail('length field too long', offset);
      if (p + n > limit) this.fail('truncated length', offset);
      len = 0;
      for (let i = 0; i < n; i++) len = len * 256 + b[p + i]!;
      p += n;
    }
    if (len > limit - p) this.fail('element longer than its container', offset);
    return { tag, start: offset, contentStart: p, end: p + len };
  }

  /** Reads the TLV at `offset` and checks its tag. */
  expect(offset: number, limit: number, tag: number, name: string): DerElement {
    const el = this.read(offset, limit);
    if (el.tag !== tag) this.fail(`expected ${name}`, offset);
    return el;
  }

  /** Reads the only element of the whole buffer (trailing bytes are an error). */
  root(tag: number, name: string): DerElement {
    const el = this.expect(0, this.bytes.length, tag, name);
    if (el.end !== this.bytes.length) this.fail('trailing bytes after the structure', el.end);
    return el;
  }

  /** The children of a constructed element, in order (a SEQUENCE OF may be long; iterate lazily). */
  *children(parent: DerElement): Generator<DerElement> {
    let p = parent.contentStart;
    while (p < parent.end) {
      const el = this.read(p, parent.end);
      yield el;
      p = el.end;
    }
  }

  /** All children of a constructed element as an array (for short SEQUENCEs). */
  childList(parent: DerElement): DerElement[] {
    return [...this.children(parent)];
  }

  /** The content octets of an element (a view, not a copy). */
  content(el: DerElement): Uint8Array {
    return this.bytes.subarray(el.contentStart, el.end);
  }

  /** The full TLV bytes of an element (a view, not a copy). */
  tlv(el: DerElement): Uint8Array {
    return this.bytes.subarray(el.start, el.end);
  }

  /** A small non-negative INTEGER or ENUMERATED (at most 6 content octets). */
  smallInteger(el: DerElement, name: string): number {
    const len = el.end - el.contentStart;
    if (len < 1 || len > 6) this.fail(`${name} out of range`, el.start);
    if (this.bytes[el.contentStart]! & 0x80) this.fail(`${name} is negative`, el.start);
    let v = 0;
    for (let i = el.contentStart; i < el.end; i++) v = v * 256 + this.bytes[i]!;
    return v;
  }

  /** A non-negative INTEGER of any size as a bigint. */
  bigInteger(el: DerElement, name: string): bigint {
    const len = el.end - el.contentStart;
    if (len < 1) this.fail(`${name} is empty`, el.start);
    if (this.bytes[el.contentStart]! & 0x80) this.fail(`${name} is negative`, el.start);
    let v = 0n;
    for (let i = el.contentStart; i < el.end; i++) v = (v << 8n) | BigInt(this.bytes[i]!);
    return v;
  }

  /** OBJECT IDENTIFIER content to dotted text (X.690 §8.19). */
  oid(el: DerElement): string {
    if (el.tag !== DER_TAG.OID) this.fail('expected OBJECT IDENTIFIER', el.start);
    const b = this.bytes;
    if (el.end === el.contentStart) this.fail('empty OBJECT IDENTIFIER', el.start);
    if (b[el.end - 1]! & 0x80) this.fail('truncated OBJECT IDENTIFIER', el.start);
    const arcs: string[] = [];
    let v = 0n;
    let first = true;
    for (let i = el.contentStart; i < el.end; i++) {
      const byte = b[i]!;
      v = (v << 7n) | BigInt(byte & 0x7f);
      if (byte & 0x80) continue;
      if (first) {
        // The first subidentifier packs two arcs: 40 * X + Y (X <= 2).
        const x = v < 40n ? 0n : v < 80n ? 1n : 2n;
        arcs.push(x.toString(), (v - 40n * x).toString());
        first = false;
      } else arcs.push(v.toString());
      v = 0n;
    }
    return arcs.join('.');
  }

  /** BOOLEAN (DER: 0x00 or 0xFF, but any non-zero octet is read as TRUE). */
  boolean(el: DerElement): boolean {
    if (el.tag !== DER_TAG.BOOLEAN || el.end - el.contentStart !== 1) this.fail('bad BOOLEAN', el.start);
    return this.bytes[el.contentStart] !== 0;
  }

  /** The bits of a BIT STRING whose unused-bits count must be 0 (signatures, public keys). */
  bitStringBytes(el: DerElement, name: string): Uint8Array {
    if (el.tag !== DER_TAG.BIT_STRING || el.end - el.contentStart < 1) this.fail(`bad ${name}`, el.start);
    if (this.bytes[el.contentStart] !== 0) this.fail(`${name} has unused bits`, el.start);
    return this.bytes.subarray(el.contentStart + 1, el.end);
  }

  /**
   * `Time ::= CHOICE { utcTime UTCTime, generalTime GeneralizedTime }` (RFC 5280 §4.1.2.5) as a Date.
   * Accepts what real-world encoders emit: seconds optional in UTCTime, fractional seconds in
   * GeneralizedTime, `Z` or a ±hhmm offset.
   */
  time(el: DerElement, name: string): Date {
    const t = this.fastTime(el);
    return t === undefined ? this.timeFromText(el, name) : new Date(t);
  }

  /**
   * The DER forms RFC 5280 mandates (`YYMMDDHHMMSSZ`, `YYYYMMDDHHMMSSZ`) decoded without a regex or
   * string, since a large CRL has one per entry; `undefined` for anything else.
   */
  fastTime(el: DerElement): number | undefined {
    const b = this.bytes;
    const len = el.end - el.contentStart;
    const utc = el.tag === DER_TAG.UTC_TIME;
    if (!((utc && len === 13) || (el.tag === DER_TAG.GENERALIZED_TIME && len === 15))) return undefined;
    if (b[el.end - 1] !== 0x5a) return undefined;
    let p = el.contentStart;
    let year = digits2(b, p);
    p += 2;
    if (year < 0) return undefined;
    if (utc) year += year >= 50 ? 1900 : 2000;
    else {
      const low = digits2(b, p);
      if (low < 0) return undefined;
      year = year * 100 + low;
      p += 2;
    }
    const month = digits2(b, p);
    const day = digits2(b, p + 2);
    const hour = digits2(b, p + 4);
    const minute = digits2(b, p + 6);
    const second = digits2(b, p + 8);
    // digits2 gives a negative number for non-digits, which fails these range checks.
    if (month < 1 || month > 12 || day < 1 || day > 31 || hour < 0 || hour > 23) return undefined;
    if (minute < 0 || minute > 59 || second < 0 || second > 60) return undefined;
    if (year < 100) return undefined; // Date.UTC would map it to 19xx; the slow path handles it
    return Date.UTC(year, month - 1, day, hour, minute, second);
  }

  /** The general (regular-expression) path of {@link time}, for every form it accepts. */
  timeFromText(el: DerElement, name: string): Date {
    const b = this.bytes;
    const len = el.end - el.contentStart;
    if (len > 40) this.fail(`${name} is too long`, el.start);
    let s = '';
    for (let i = el.contentStart; i < el.end; i++) s += String.fromCharCode(b[i]!);
    const m =
      el.tag === DER_TAG.UTC_TIME
        ? /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})?()(Z|[+-]\d{4})$/.exec(s)
        : el.tag === DER_TAG.GENERALIZED_TIME
          ? /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})?(?:[.,](\d{1,9}))?(Z|[+-]\d{4})$/.exec(s)
          : null;
    if (!m) this.fail(`${name} is not a valid UTCTime or GeneralizedTime`, el.start);
    let year = Number(m[1]);
    // RFC 5280 §4.1.2.5.1: UTCTime YY >= 50 is 19YY, otherwise 20YY.
    if (el.tag === DER_TAG.UTC_TIME) year += year >= 50 ? 1900 : 2000;
    const month = Number(m[2]);
    const day = Number(m[3]);
    const hour = Number(m[4]);
    const minute = Number(m[5]);
    const second = Number(m[6] ?? '0');
    const ms = m[7] ? Math.floor(Number(`0.${m[7]}`) * 1000) : 0;
    if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) {
      this.fail(`${name} has an out-of-range field`, el.start);
    }
    const d = new Date(Date.UTC(2000, month - 1, day, hour, minute, second, ms));
    d.setUTCFullYear(year, month - 1, day); // Date.UTC maps years 0..99 to 19xx
    let t = d.getTime();
    const zone = m[8]!;
    if (zone !== 'Z') {
      const off = Number(zone.slice(1, 3)) * 60 + Number(zone.slice(3, 5));
      t -= (zone[0] === '+' ? 1 : -1) * off * 60_000;
    }
    return new Date(t);
  }
}

/** Two ASCII digits at `p` as a number, or a negative number when either is not a digit. */
function digits2(b: Uint8Array, p: number): number {
  const h = b[p]! - 0x30;
  const l = b[p + 1]! - 0x30;
  return h < 0 || h > 9 || l < 0 || l > 9 ? -1000 : h * 10 + l;
}

/** One `Extension` (RFC 5280 §4.1): its OID, criticality and the content of `extnValue`. */
export interface DerExtension {
  /** extnID. */
  oid: string;
  /** critical (DEFAULT FALSE). */
  critical: boolean;
  /** Offsets of the octets inside the extnValue OCTET STRING (the DER of the extension's value). */
  value: { start: number; end: number };
}

/**
 * Reads `Extensions ::= SEQUENCE SIZE (1..MAX) OF Extension` (RFC 5280 §4.1):
 *
 * ```asn1
 * Extension  ::=  SEQUENCE  {
 *      extnID      OBJECT IDENTIFIER,
 *      critical    BOOLEAN DEFAULT FALSE,
 *      extnValue   OCTET STRING }
 * ```
 */
export function readExtensions(r: DerReader, seq: DerElement): DerExtension[] {
  if (seq.tag !== DER_TAG.SEQUENCE) r.fail('expected Extensions', seq.start);
  const out: DerExtension[] = [];
  for (const ext of r.children(seq)) {
    if (ext.tag !== DER_TAG.SEQUENCE) r.fail('expected Extension', ext.start);
    const parts = r.childList(ext);
    const oidEl = parts[0];
    if (!oidEl || parts.length > 3) r.fail('bad Extension', ext.start);
    let critical = false;
    let valueEl = parts[1];
    if (parts.length === 3) {
      critical = r.boolean(parts[1]!);
      valueEl = parts[2];
    }
    if (!valueEl || valueEl.tag !== DER_TAG.OCTET_STRING) r.fail('bad extnValue', ext.start);
    out.push({ oid: r.oid(oidEl), critical, value: { start: valueEl.contentStart, end: valueEl.end } });
  }
  return out;
}

/**
 * Runs a parser and turns anything that is not already a {@link PkiError} (e.g. from pkijs while
 * decoding an embedded Name) into one with `code`, keeping the original as `cause`.
 */
export function withDerErrors<T>(code: PkiErrorCode, what: string, parse: () => T): T {
  try {
    return parse();
  } catch (cause) {
    if (cause instanceof PkiError) throw cause;
    throw new PkiError(code, `Malformed ${what}`, { cause });
  }
}

/**
 * DER bytes from what a caller hands a parser: DER bytes, PEM text or bytes (the block labelled
 * `label`, else the first), or base64 text. Bytes that are not PEM are taken as DER as they are,
 * so binary garbage reaches the DER reader (and its typed error) instead of a text decoder.
 */
export function derInput(
  input: string | BytesLike,
  label: string,
  code: PkiErrorCode,
  what: string,
): Uint8Array {
  let text: string;
  if (typeof input === 'string') text = input;
  else {
    let b: Uint8Array;
    try {
      b = toBytes(input);
    } catch (cause) {
      throw new PkiError(code, `${what} must be bytes or text`, { cause });
    }
    let i = 0;
    while (i < b.length && i < 64 && (b[i] === 0x20 || b[i] === 0x09 || b[i] === 0x0a || b[i] === 0x0d)) i++;
    if (b[i] !== 0x2d) return b; // not '-----BEGIN'
    text = new TextDecoder('utf-8', { fatal: false }).decode(b);
  }
  try {
    if (text.includes('-----BEGIN')) {
      const blocks = parsePem(text);
      const block = blocks.find((x) => x.label === label) ?? blocks[0];
      if (block) return block.der;
      throw new PkiError(code, `No PEM block in the ${what} text`);
    }
    const clean = text.replace(/\s+/g, '');
    if (clean.length === 0 || !/^[A-Za-z0-9+/=_-]+$/.test(clean))
      throw new PkiError(code, `${what} text is neither PEM nor base64`);
    return fromBase64(clean);
  } catch (cause) {
    if (cause instanceof PkiError && cause.code === code) throw cause;
    throw new PkiError(code, `${what} is not valid PEM or base64`, { cause });
  }
}
