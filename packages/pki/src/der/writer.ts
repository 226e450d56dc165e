/**
 * A hand-written DER encoder (ITU-T X.690 §8, §10) for the structures this package signs: CRLs
 * with up to millions of entries, OCSP responses on the hot path of the status service, and
 * certificates and requests on the issuance hot path. It writes bytes directly and splices
 * pre-encoded DER (an issuer Name, a SubjectPublicKeyInfo) without re-encoding it, which keeps
 * issuance several times cheaper than building an asn1js object tree and keeps copied structures
 * byte-exact. Parsing stays with asn1js/pkijs and `der/reader.ts`. Internal: not exported from the
 * package index.
 *
 * Two styles: small helpers that return a TLV as a fresh `Uint8Array` from already-encoded parts
 * (lengths are known, so a SEQUENCE is one allocation and one copy per part), and
 * {@link DerChunks}, chunked storage that a long run of elements is written into directly,
 * without an object per element.
 */
import { PkiError } from '../errors.js';

/** Universal tags used by the writers below. */
export const DER_TAG = {
  boolean: 0x01,
  integer: 0x02,
  bitString: 0x03,
  octetString: 0x04,
  null: 0x05,
  oid: 0x06,
  enumerated: 0x0a,
  utf8String: 0x0c,
  printableString: 0x13,
  ia5String: 0x16,
  bmpString: 0x1e,
  utcTime: 0x17,
  generalizedTime: 0x18,
  sequence: 0x30,
  set: 0x31,
} as const;

/** Number of octets the DER length field of a `len`-octet content takes (X.690 §8.1.3). */
export function derLengthSize(len: number): number {
  if (len < 0x80) return 1;
  if (len < 0x100) return 2;
  if (len < 0x10000) return 3;
  if (len < 0x1000000) return 4;
  return 5;
}

/** Size of a whole TLV with a one-octet tag and `len` content octets. */
export function derTlvSize(len: number): number {
  return 1 + derLengthSize(len) + len;
}

/** Writes tag and length at `offset` of `out`; returns the offset of the first content octet. */
export function writeDerHeader(out: Uint8Array, offset: number, tag: number, len: number): number {
  out[offset++] = tag;
  if (len < 0x80) {
    out[offset++] = len;
    return offset;
  }
  const n = derLengthSize(len) - 1;
  out[offset++] = 0x80 | n;
  for (let i = n - 1; i >= 0; i--) out[offset++] = Math.floor(len / 2 ** (8 * i)) & 0xff;
  return offset;
}

/** Concatenates byte arrays into one. */
export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  let len = 0;
  for (const p of parts) len += p.length;
  const out = new Uint8Array(len);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/**
 * One TLV: `tag` (a single identifier octet), DER definite length (long form: 0x80 | number of
 * length octets, then the length big-endian, X.690 §8.1.3.5), then the concatenation of `parts`
 * (already DER).
 */
export function derTlv(tag: number, ...parts: Uint8Array[]): Uint8Array {
  let len = 0;
  for (const p of parts) len += p.length;
  const out = new Uint8Array(derTlvSize(len));
  let o = writeDerHeader(out, 0, tag, len);
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** `SEQUENCE { parts... }` from precomputed parts. */
export function derSequence(...parts: Uint8Array[]): Uint8Array {
  return derTlv(DER_TAG.sequence, ...parts);
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
export function derExplicit(n: number, ...parts: Uint8Array[]): Uint8Array {
  return derTlv(0xa0 | n, ...parts);
}

/** `[n] IMPLICIT` of a primitive type: context-specific, primitive, with the given content. */
export function derImplicitPrimitive(n: number, content: Uint8Array): Uint8Array {
  return derTlv(0x80 | n, content);
}

/** `[n] IMPLICIT` of a constructed type (SEQUENCE, SET OF, CHOICE alternatives that are constructed). */
export function derImplicitConstructed(n: number, ...elements: Uint8Array[]): Uint8Array {
  return derTlv(0xa0 | n, ...elements);
}

/** OCTET STRING. */
export function derOctetString(bytes: Uint8Array): Uint8Array {
  return derTlv(DER_TAG.octetString, bytes);
}

/**
 * BIT STRING with `unusedBits` (0..7) padding bits in the last octet; the default 0 is whole
 * octets, as signatures and public keys are.
 */
export function derBitString(bytes: Uint8Array, unusedBits = 0): Uint8Array {
  return derTlv(DER_TAG.bitString, Uint8Array.of(unusedBits), bytes);
}

/** BOOLEAN (DER: TRUE is 0xFF). */
export function derBoolean(value: boolean): Uint8Array {
  return Uint8Array.of(DER_TAG.boolean, 0x01, value ? 0xff : 0x00);
}

/** NULL. */
export function derNull(): Uint8Array {
  return Uint8Array.of(DER_TAG.null, 0x00);
}

const utf8 = new TextEncoder();

/** UTF8String. */
export function derUtf8String(text: string): Uint8Array {
  return derTlv(DER_TAG.utf8String, utf8.encode(text));
}

/** BMPString: UTF-16 code units, big-endian (X.690 §8.23.8; PKCS #9 friendlyName). */
export function derBmpString(text: string): Uint8Array {
  const content = new Uint8Array(text.length * 2);
  for (let i = 0; i < text.length; i++) {
    const u = text.charCodeAt(i);
    content[2 * i] = u >> 8;
    content[2 * i + 1] = u & 0xff;
  }
  return derTlv(DER_TAG.bmpString, content);
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

/**
 * IA5String (see {@link ia5Bytes}), e.g. URIs in GeneralName. `tag` replaces the universal tag,
 * for `[n] IMPLICIT IA5String` alternatives.
 * @throws {PkiError} `ERR_INVALID_ARGUMENT` on a non-ASCII character.
 */
export function derIa5String(text: string, tag: number = DER_TAG.ia5String): Uint8Array {
  return derTlv(tag, ia5Bytes(text));
}

/**
 * Minimal big-endian two's-complement content octets of a non-negative integer given as its
 * unsigned magnitude (leading zero octets are dropped, one is added back when the top bit is set).
 */
export function integerContent(magnitude: Uint8Array): Uint8Array {
  let i = 0;
  while (i < magnitude.length - 1 && magnitude[i] === 0) i++;
  const m = magnitude.subarray(i);
  if (m.length === 0) return Uint8Array.of(0);
  if (m[0]! & 0x80) {
    const out = new Uint8Array(m.length + 1);
    out.set(m, 1);
    return out;
  }
  return m.slice();
}

/** Unsigned big-endian magnitude of a non-negative bigint (at least one octet). */
export function bigintToBytes(value: bigint): Uint8Array {
  if (value < 0n) throw new PkiError('ERR_INVALID_ARGUMENT', 'Negative integers are not encoded here');
  let hex = value.toString(16);
  if (hex.length % 2) hex = `0${hex}`;
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

/**
 * INTEGER holding the unsigned big-endian number `magnitude`: leading zero octets are dropped and
 * one 0x00 is prepended when the top bit is set, so the value stays non-negative (X.690 §8.3.2).
 * Same octets as {@link derInteger} with a `Uint8Array`, without copying the magnitude first.
 */
export function derUnsignedInteger(magnitude: Uint8Array): Uint8Array {
  let i = 0;
  while (i < magnitude.length - 1 && magnitude[i] === 0) i++;
  const v = magnitude.subarray(i);
  if (v.length === 0) return Uint8Array.of(DER_TAG.integer, 1, 0);
  return v[0]! & 0x80 ? derTlv(DER_TAG.integer, Uint8Array.of(0), v) : derTlv(DER_TAG.integer, v);
}

/**
 * INTEGER from a small non-negative safe integer.
 * @throws {PkiError} `ERR_INVALID_ARGUMENT` for a negative, fractional or unsafe number.
 */
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

/** INTEGER from a non-negative number, bigint, or unsigned big-endian magnitude. */
export function derInteger(value: number | bigint | Uint8Array): Uint8Array {
  const magnitude =
    value instanceof Uint8Array
      ? value
      : bigintToBytes(typeof value === 'bigint' ? value : BigInt(checkedNonNegative(value)));
  return derTlv(DER_TAG.integer, integerContent(magnitude));
}

/** ENUMERATED (small non-negative values: OCSP response status, CRL reasons). */
export function derEnumerated(value: number): Uint8Array {
  return derTlv(DER_TAG.enumerated, integerContent(bigintToBytes(BigInt(checkedNonNegative(value)))));
}

function checkedNonNegative(n: number): number {
  if (!Number.isSafeInteger(n) || n < 0)
    throw new PkiError('ERR_INVALID_ARGUMENT', 'Expected a non-negative integer');
  return n;
}

const OID_RE = /^([0-2])\.(0|[1-9]\d*)(\.(0|[1-9]\d*))*$/;
const oidCache = new Map<string, Uint8Array>();

/**
 * OBJECT IDENTIFIER from dotted text (X.690 §8.19: first two arcs combined as 40*X+Y, each
 * subidentifier base-128 big-endian with the continuation bit). Arcs are canonical decimal (no
 * leading zeros). Encodings are memoised (profiles repeat the same few dozen OIDs), so callers
 * must not modify the returned array.
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

/** Throws unless `date` is a valid Date; returns its time in ms. */
function timeOf(date: Date): number {
  const t = date instanceof Date ? date.getTime() : Number.NaN;
  if (!Number.isFinite(t)) throw new PkiError('ERR_INVALID_ARGUMENT', 'Invalid date');
  return t;
}

/**
 * `true` when RFC 5280 §4.1.2.5 requires UTCTime for this date (years 1950 through 2049);
 * GeneralizedTime otherwise.
 */
export function usesUtcTime(date: Date): boolean {
  timeOf(date);
  const y = date.getUTCFullYear();
  return y >= 1950 && y < 2050;
}

/** Size in octets of the TLV {@link writeDerTime} writes for `date`. */
export function derTimeSize(date: Date, generalized = false): number {
  return !generalized && usesUtcTime(date) ? 15 : 17;
}

function put2(out: Uint8Array, o: number, v: number): void {
  out[o] = 0x30 + ((v / 10) | 0);
  out[o + 1] = 0x30 + (v % 10);
}

/**
 * Writes `Time` at `offset`: UTCTime `YYMMDDHHMMSSZ` for 1950..2049, else GeneralizedTime
 * `YYYYMMDDHHMMSSZ` (RFC 5280 §4.1.2.5: seconds present, no fraction, always Zulu).
 * With `generalized`, GeneralizedTime is used whatever the year (OCSP times, invalidityDate).
 * Returns the offset after the TLV.
 */
export function writeDerTime(out: Uint8Array, offset: number, date: Date, generalized = false): number {
  timeOf(date);
  const d = date;
  const year = d.getUTCFullYear();
  if (year < 0 || year > 9999) throw new PkiError('ERR_INVALID_ARGUMENT', 'Year out of range for X.509 time');
  let o = offset;
  if (!generalized && year >= 1950 && year < 2050) {
    out[o++] = DER_TAG.utcTime;
    out[o++] = 13;
    put2(out, o, year % 100);
    o += 2;
  } else {
    out[o++] = DER_TAG.generalizedTime;
    out[o++] = 15;
    put2(out, o, (year / 100) | 0);
    put2(out, o + 2, year % 100);
    o += 4;
  }
  put2(out, o, d.getUTCMonth() + 1);
  put2(out, o + 2, d.getUTCDate());
  put2(out, o + 4, d.getUTCHours());
  put2(out, o + 6, d.getUTCMinutes());
  put2(out, o + 8, d.getUTCSeconds());
  out[o + 10] = 0x5a; // 'Z'
  return o + 11;
}

/**
 * A certificate validity `Time` per RFC 5280 §4.1.2.5 as a fresh TLV: UTCTime `YYMMDDHHMMSSZ` for
 * the years 1950 to 2049, GeneralizedTime `YYYYMMDDHHMMSSZ` otherwise, always UTC, no fractional
 * seconds (milliseconds are dropped).
 * @throws {PkiError} `ERR_INVALID_ARGUMENT` for an invalid date or a year outside 0..9999.
 */
export function derTime(date: Date): Uint8Array {
  const out = new Uint8Array(derTimeSize(date));
  writeDerTime(out, 0, date);
  return out;
}

/** GeneralizedTime `YYYYMMDDHHMMSSZ` (OCSP times, invalidityDate) as a fresh TLV. */
export function derGeneralizedTime(date: Date): Uint8Array {
  const out = new Uint8Array(17);
  writeDerTime(out, 0, date, true);
  return out;
}

/** UTCTime `YYMMDDHHMMSSZ`; only for 1950..2049. */
export function derUtcTime(date: Date): Uint8Array {
  if (!usesUtcTime(date)) throw new PkiError('ERR_INVALID_ARGUMENT', 'UTCTime holds years 1950..2049 only');
  return derTime(date);
}

const EMPTY = new Uint8Array(0);

/**
 * Storage for a long run of small DER elements (the entries of a large CRL) written in one pass:
 * fixed-size chunks instead of one growing array, so that no write ever copies what came before
 * (a doubling buffer would copy tens of megabytes at once, stalling the event loop), and
 * {@link copyInto} moves the result into its final place in slices, yielding in between.
 */
export class DerChunks {
  private readonly chunkSize: number;
  private readonly done: Uint8Array[] = [];
  private doneSize = 0;
  /** The chunk being written. */
  current: Uint8Array;
  /** Write position in {@link current}. */
  offset = 0;

  constructor(chunkSize = 1 << 20) {
    this.chunkSize = chunkSize;
    this.current = new Uint8Array(chunkSize);
  }

  /**
   * Makes room for an element of `n` octets and returns the chunk to write it into, at
   * {@link offset}; the caller writes and then advances {@link offset}.
   */
  reserve(n: number): Uint8Array {
    if (this.offset + n > this.current.length) {
      if (this.offset > 0) {
        this.done.push(this.current.subarray(0, this.offset));
        this.doneSize += this.offset;
      }
      this.current = new Uint8Array(Math.max(this.chunkSize, n));
      this.offset = 0;
    }
    return this.current;
  }

  /** Octets written so far. */
  get size(): number {
    return this.doneSize + this.offset;
  }

  /**
   * Moves everything written into `out` at `at`, calling `pause` after every `sliceBytes` octets
   * (e.g. to yield to the event loop), and releases the chunks (the object is empty afterwards).
   * Returns the offset after the copy.
   */
  async copyInto(
    out: Uint8Array,
    at: number,
    pause?: () => Promise<void>,
    sliceBytes = 8 << 20,
  ): Promise<number> {
    let o = at;
    let sinceYield = 0;
    const parts = [...this.done, this.current.subarray(0, this.offset)];
    for (let i = 0; i < parts.length; i++) {
      const part = parts[i]!;
      out.set(part, o);
      o += part.length;
      // Let the garbage collector take copied chunks while the rest is still being copied.
      parts[i] = EMPTY;
      sinceYield += part.length;
      if (pause && sinceYield >= sliceBytes) {
        sinceYield = 0;
        await pause();
      }
    }
    this.done.length = 0;
    this.doneSize = 0;
    this.current = EMPTY;
    this.offset = 0;
    return o;
  }
}

/** Tag and length octets of a TLV with `len` content octets. */
export function derHeader(tag: number, len: number): Uint8Array {
  const out = new Uint8Array(1 + derLengthSize(len));
  writeDerHeader(out, 0, tag, len);
  return out;
}
