/**
 * Strict, typed access to BER/DER decoded by asn1js for the PKCS #12 parsers: every helper checks
 * the node's type and throws `ERR_PKCS12_INVALID` (naming the field) instead of returning
 * `undefined` or letting a TypeError escape. BER forms PKCS #12 files really use are accepted
 * (indefinite lengths, constructed OCTET STRINGs, as in NCA key stores written by Java).
 * Key stores are written with `der/writer.ts`, the package's one DER writer.
 */
import * as asn1js from 'asn1js';
import { toArrayBuffer } from '../der/encoding.js';
import { PkiError } from '../errors.js';

/** Any decoded ASN.1 value. */
export type Asn1Node = asn1js.AsnType;

/** Nesting limit for constructed OCTET STRING chunks (real files use one level). */
const MAX_OCTET_STRING_DEPTH = 8;

/** The error every reader throws: the file is not well-formed PKCS #12. */
export function invalid(what: string, cause?: unknown): PkiError {
  return new PkiError(
    'ERR_PKCS12_INVALID',
    `Malformed PKCS#12: ${what}`,
    cause === undefined ? {} : { cause },
  );
}

/**
 * Decodes one BER value that must fill `bytes` exactly (or, with `allowTrailing`, start it).
 * @throws {PkiError} `ERR_PKCS12_INVALID`
 */
export function decodeBer(bytes: Uint8Array, what: string, allowTrailing = false): Asn1Node {
  let parsed: ReturnType<typeof asn1js.fromBER>;
  try {
    parsed = asn1js.fromBER(toArrayBuffer(bytes));
  } catch (cause) {
    // Deeply nested input can exhaust the stack inside asn1js.
    throw invalid(`${what} is not BER`, cause);
  }
  if (parsed.offset === -1 || parsed.result.error) {
    throw invalid(`${what} is not BER (${parsed.result.error || 'decoding failed'})`);
  }
  if (!allowTrailing && parsed.offset !== bytes.length) throw invalid(`${what} has trailing data`);
  return parsed.result;
}

/** The children of a SEQUENCE, checking their number. */
export function sequence(
  node: Asn1Node | undefined,
  what: string,
  min = 0,
  max = Number.POSITIVE_INFINITY,
): Asn1Node[] {
  if (!(node instanceof asn1js.Sequence)) throw invalid(`${what} is not a SEQUENCE`);
  const items = node.valueBlock.value;
  if (items.length < min || items.length > max) throw invalid(`${what} has ${items.length} elements`);
  return items;
}

/** The children of a SET. */
export function set(node: Asn1Node | undefined, what: string): Asn1Node[] {
  if (!(node instanceof asn1js.Set)) throw invalid(`${what} is not a SET`);
  return node.valueBlock.value;
}

/** The dotted string of an OBJECT IDENTIFIER. */
export function oid(node: Asn1Node | undefined, what: string): string {
  if (!(node instanceof asn1js.ObjectIdentifier)) throw invalid(`${what} is not an OBJECT IDENTIFIER`);
  const value = node.valueBlock.toString();
  if (!value) throw invalid(`${what} is an empty OBJECT IDENTIFIER`);
  return value;
}

/** A non-negative INTEGER as a number; values above `max` come back as `Infinity` (callers reject them). */
export function smallInteger(node: Asn1Node | undefined, what: string, max: number): number {
  if (!(node instanceof asn1js.Integer)) throw invalid(`${what} is not an INTEGER`);
  const bytes = node.valueBlock.valueHexView;
  if (bytes.length === 0 || (bytes[0]! & 0x80) !== 0) throw invalid(`${what} is negative or empty`);
  let value = 0;
  for (const b of bytes) {
    value = value * 256 + b;
    if (value > max) return Number.POSITIVE_INFINITY;
  }
  return value;
}

function concat(chunks: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let off = 0;
  for (const c of chunks) {
    out.set(c, off);
    off += c.length;
  }
  return out;
}

/** Contents of an OCTET STRING node, joining the chunks of the constructed (BER) form. */
function octetContents(node: Asn1Node, what: string, depth: number): Uint8Array {
  if (depth > MAX_OCTET_STRING_DEPTH) throw invalid(`${what} nests too deeply`);
  if (node instanceof asn1js.OctetString) {
    if (!node.valueBlock.isConstructed) return node.valueBlock.valueHexView;
    return concat(node.valueBlock.value.map((c) => octetContents(c, what, depth + 1)));
  }
  throw invalid(`${what} is not an OCTET STRING`);
}

/** Contents of an OCTET STRING (primitive or constructed). */
export function octets(node: Asn1Node | undefined, what: string): Uint8Array {
  if (!node) throw invalid(`${what} is missing`);
  return octetContents(node, what, 0);
}

/** `true` when `node` carries the context-specific tag `[tag]`. */
export function isContextTag(node: Asn1Node | undefined, tag: number): boolean {
  return node !== undefined && node.idBlock.tagClass === 3 && node.idBlock.tagNumber === tag;
}

/** The single value inside `[tag] EXPLICIT`. */
export function explicit(node: Asn1Node | undefined, tag: number, what: string): Asn1Node {
  if (!isContextTag(node, tag) || !(node instanceof asn1js.Constructed))
    throw invalid(`${what} is not [${tag}] EXPLICIT`);
  const inner = node.valueBlock.value;
  if (inner.length !== 1) throw invalid(`${what} must hold exactly one value`);
  return inner[0]!;
}

/** Contents of `[tag] IMPLICIT OCTET STRING`, primitive or constructed. */
export function implicitOctets(node: Asn1Node | undefined, tag: number, what: string): Uint8Array {
  if (!isContextTag(node, tag)) throw invalid(`${what} is not [${tag}] IMPLICIT`);
  if (node instanceof asn1js.Constructed) {
    return concat(node.valueBlock.value.map((c) => octetContents(c, what, 1)));
  }
  if (node instanceof asn1js.Primitive) return node.valueBlock.valueHexView;
  throw invalid(`${what} is not an OCTET STRING`);
}

/** A BMPString value. */
export function bmpString(node: Asn1Node | undefined, what: string): string {
  if (!(node instanceof asn1js.BmpString)) throw invalid(`${what} is not a BMPString`);
  if (node.valueBlock.valueHexView.length % 2 !== 0) throw invalid(`${what} has an odd length`);
  return node.valueBlock.value;
}
