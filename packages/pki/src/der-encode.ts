/**
 * A small DER encoder (ITU-T X.690 §10) for the structures this package signs on its hot path
 * (certificates, requests). It writes bytes directly and splices pre-encoded DER (an issuer Name, a
 * SubjectPublicKeyInfo) without re-encoding it, which keeps issuance several times cheaper than
 * building an asn1js object tree and keeps copied structures byte-exact. Parsing stays with
 * asn1js/pkijs. Internal: not exported from the package index.
 */
import { PkiError } from './errors.js';

/** Universal tags used by the writers below. */
export const DER_TAG = {
  boolean: 0x01,
  integer: 0x02,
  bitString: 0x03,
  octetString: 0x04,
  null: 0x05,
  oid: 0x06,
  utf8String: 0x0c,
  printableString: 0x13,
  ia5String: 0x16,
  utcTime: 0x17,
  generalizedTime: 0x18,
  sequence: 0x30,
  set: 0x31,
} as const;

/** Concatenates byte strings into one new array. */
export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** One TLV: `tag` (a single identifier octet), DER definite length, then the contents. */
export function derTlv(tag: number, ...contents: Uint8Array[]): Uint8Array {
  let len = 0;
  for (const c of contents) len += c.length;
  const lenBytes = len < 0x80 ? 1 : len < 0x100 ? 2 : len < 0x10000 ? 3 : len < 0x1000000 ? 4 : 5;
  const out = new Uint8Array(1 + lenBytes + len);
  out[0] = tag;
  if (lenBytes === 1) out[1] = len;
  else {
    // Long form: 0x80 | number of length octets, then the length big-endian (X.690 §8.1.3.5).
    out[1] = 0x80 | (lenBytes - 1);
    for (let i = lenBytes - 1, v = len; i >= 1; i--, v = Math.floor(v / 256)) out[1 + i] = v & 0xff;
  }
  let o = 1 + lenBytes;
  for (const c of contents) {
    out.set(c, o);
    o += c.length;
  }
  return out;
}

/** SEQUENCE of already encoded elements. */
export function derSequence(...elements: Uint8Array[]): Uint8Array {
  return derTlv(DER_TAG.sequence, ...elements);
}

/**
 * SET OF already encoded elements, sorted as DER requires (X.690 §11.6: ascending order of the
 * encodings compared as octet strings, shorter padded with zeros).
 */
export function derSetOf(...elements: Uint8Array[]): Uint8Array {
  const sorted = [...elements].sort((a, b) => {
    const n = Math.max(a.length, b.length);
    for (let i = 0; i < n; i++) {
      const d = (a[i] ?? 0) - (b[i] ?? 0);
      if (d !== 0) return d;
    }
    return 0;
  });
  return derTlv(DER_TAG.set, ...sorted);
}

/** `[n] EXPLICIT` wrapper (context-specific, constructed). */
export function derExplicit(n: number, ...elements: Uint8Array[]): Uint8Array {
  return derTlv(0xa0 | n, ...elements);
}

/** `[n] IMPLICIT` of a primitive type: the contents with a context-specific primitive tag. */
export function derImplicitPrimitive(n: number, contents: Uint8Array): Uint8Array {
  return derTlv(0x80 | n, contents);
}

/** `[n] IMPLICIT` of a constructed type (SEQUENCE, SET OF, CHOICE alternatives that are constructed). */
export function derImplicitConstructed(n: number, ...elements: Uint8Array[]): Uint8Array {
  return derTlv(0xa0 | n, ...elements);
}

const DER_NULL = Uint8Array.of(DER_TAG.null, 0);

/** NULL. */
export function derNull(): Uint8Array {
  return DER_NULL;
}

/** BOOLEAN (DER: TRUE is 0xFF). */
export function derBoolean(value: boolean): Uint8Array {
  return Uint8Array.of(DER_TAG.boolean, 1, value ? 0xff : 0);
}

/**
 * INTEGER holding the unsigned big-endian number `magnitude`: leading zero octets are dropped and
 * one 0x00 is prepended when the top bit is set, so the value stays non-negative (X.690 §8.3.2).
 */
export function derUnsignedInteger(magnitude: Uint8Array): Uint8Array {
  let i = 0;
  while (i < magnitude.length - 1 && magnitude[i] === 0) i++;
  const v = magnitude.subarray(i);
  if (v.length === 0) return Uint8Array.of(DER_TAG.integer, 1, 0);
  return v[0]! & 0x80 ? derTlv(DER_TAG.integer, Uint8Array.of(0), v) : derTlv(DER_TAG.integer, v);
}

/** INTEGER from a small non-negative safe integer. */
export function derSmallInteger(value: number): Uint8Array {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new PkiError('ERR_INVALID_ARGUMENT', `Not a non-negative integer: ${value}`);
  }
  const bytes: number[] = [];
  let v = value;
  do {
    bytes.unshift(v % 256);
    v = Math.floor(v / 256);
  } while (v > 0);
  return derUnsignedInteger(Uint8Array.from(bytes));
}

/** OCTET STRING. */
export function derOctetString(contents: Uint8Array): Uint8Array {
  return derTlv(DER_TAG.octetString, contents);
}

/** BIT STRING with `unusedBits` (0..7) padding bits in the last octet. */
export function derBitString(contents: Uint8Array, unusedBits = 0): Uint8Array {
  return derTlv(DER_TAG.bitString, Uint8Array.of(unusedBits), contents);
}

const OID_RE = /^([0-2])\.(0|[1-9]\d*)(\.(0|[1-9]\d*))*$/;
const oidCache = new Map<string, Uint8Array>();

/**
 * OBJECT IDENTIFIER from dotted text (X.690 §8.19: first two arcs combined as 40*X+Y, each
 * subidentifier base-128 big-endian with the continuation bit). Encodings are memoised: profiles
 * repeat the same few dozen OIDs.
 * @throws {PkiError} `ERR_INVALID_ARGUMENT` for text that is not an OID.
 */
export function derOid(oid: string): Uint8Array {
  const cached = oidCache.get(oid);
  if (cached) return cached;
  const m = OID_RE.exec(oid);
  if (!m || (m[1] !== '2' && BigInt(m[2]!) >= 40n)) {
    throw new PkiError('ERR_INVALID_ARGUMENT', `Not an object identifier: ${JSON.stringify(oid)}`);
  }
  const arcs = oid.split('.').map((a) => BigInt(a));
  const subids = [arcs[0]! * 40n + arcs[1]!, ...arcs.slice(2)];
  const body: number[] = [];
  for (const id of subids) {
    const chunk: number[] = [Number(id & 0x7fn)];
    for (let v = id >> 7n; v > 0n; v >>= 7n) chunk.unshift(Number(v & 0x7fn) | 0x80);
    body.push(...chunk);
  }
  const der = derTlv(DER_TAG.oid, Uint8Array.from(body));
  if (oidCache.size < 1024) oidCache.set(oid, der);
  return der;
}

const utf8 = new TextEncoder();

/** UTF8String. */
export function derUtf8String(text: string): Uint8Array {
  return derTlv(DER_TAG.utf8String, utf8.encode(text));
}

/**
 * The octets of an IA5String (ASCII) value. URIs in certificates are IA5String (RFC 5280
 * §4.2.1.6): internationalised names must be converted (RFC 3987 §3.1) by the caller.
 * @throws {PkiError} `ERR_INVALID_ARGUMENT` on a non-ASCII character.
 */
export function ia5Bytes(text: string): Uint8Array {
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c > 0x7f) throw new PkiError('ERR_INVALID_ARGUMENT', `Not an IA5String (ASCII) value: ${text}`);
    out[i] = c;
  }
  return out;
}

/** IA5String (see {@link ia5Bytes}). */
export function derIa5String(text: string): Uint8Array {
  return derTlv(DER_TAG.ia5String, ia5Bytes(text));
}

const pad = (n: number, width: number): string => n.toString().padStart(width, '0');

/**
 * A certificate validity time per RFC 5280 §4.1.2.5: UTCTime `YYMMDDHHMMSSZ` for the years 1950
 * to 2049, GeneralizedTime `YYYYMMDDHHMMSSZ` otherwise, always UTC, no fractional seconds
 * (milliseconds are dropped).
 * @throws {PkiError} `ERR_INVALID_ARGUMENT` for an invalid date or a year outside 0..9999.
 */
export function derTime(date: Date): Uint8Array {
  const t = date.getTime();
  const year = date.getUTCFullYear();
  if (!Number.isFinite(t) || year < 0 || year > 9999) {
    throw new PkiError('ERR_INVALID_ARGUMENT', 'Time is not a valid date between the years 0 and 9999');
  }
  const rest =
    pad(date.getUTCMonth() + 1, 2) +
    pad(date.getUTCDate(), 2) +
    pad(date.getUTCHours(), 2) +
    pad(date.getUTCMinutes(), 2) +
    pad(date.getUTCSeconds(), 2) +
    'Z';
  if (year >= 1950 && year < 2050) return derTlv(DER_TAG.utcTime, utf8.encode(pad(year % 100, 2) + rest));
  return derTlv(DER_TAG.generalizedTime, utf8.encode(pad(year, 4) + rest));
}
