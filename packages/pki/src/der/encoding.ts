/**
 * Byte encodings used across the package: PEM (RFC 7468), base64, hex. Browser-safe (no Buffer).
 */
import { PkiError } from '../errors.js';

/** Anything that holds bytes: a Uint8Array, an ArrayBuffer or another ArrayBuffer view. */
export type BytesLike = Uint8Array | ArrayBuffer | ArrayBufferView;

/** Returns a Uint8Array view of `data` (no copy where possible). */
export function toBytes(data: BytesLike): Uint8Array {
  if (data instanceof Uint8Array) return data;
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

/** Copies `bytes` into a fresh, exactly sized ArrayBuffer (what pkijs/asn1js and WebCrypto want). */
export function toArrayBuffer(bytes: BytesLike): ArrayBuffer {
  const b = toBytes(bytes);
  const out = new ArrayBuffer(b.byteLength);
  new Uint8Array(out).set(b);
  return out;
}

const B64_INDEX = (() => {
  const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  const t = new Int16Array(256).fill(-1);
  for (let i = 0; i < B64.length; i++) t[B64.charCodeAt(i)] = i;
  t['-'.charCodeAt(0)] = 62; // base64url
  t['_'.charCodeAt(0)] = 63;
  return t;
})();

/** Standard base64 (with padding). */
export function toBase64(data: BytesLike): string {
  const b = toBytes(data);
  // btoa (Node 16+, browsers) over binary strings built in chunks: far faster than per-byte concatenation.
  let binary = '';
  for (let i = 0; i < b.length; i += 0x8000) {
    binary += String.fromCharCode.apply(null, b.subarray(i, i + 0x8000) as unknown as number[]);
  }
  return btoa(binary);
}

/** Base64url without padding (RFC 4648 §5), as used in URLs (OCSP GET, RFC 5019). */
export function toBase64Url(data: BytesLike): string {
  return toBase64(data).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/**
 * Decodes base64 or base64url; white space is ignored, padding optional.
 * @throws {PkiError} `ERR_ENCODING_INVALID` on any other character or an impossible length.
 */
export function fromBase64(text: string): Uint8Array {
  const clean = text.replace(/[\s=]+/g, '');
  if (clean.length % 4 === 1) throw new PkiError('ERR_ENCODING_INVALID', 'Invalid base64: impossible length');
  const out = new Uint8Array(Math.floor((clean.length * 3) / 4));
  let acc = 0;
  let bits = 0;
  let o = 0;
  for (let i = 0; i < clean.length; i++) {
    const v = B64_INDEX[clean.charCodeAt(i) & 0xff]!;
    if (v < 0 || clean.charCodeAt(i) > 0xff) {
      throw new PkiError('ERR_ENCODING_INVALID', `Invalid base64 character at position ${i}`);
    }
    acc = (acc << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (acc >> bits) & 0xff;
    }
  }
  return out.subarray(0, o);
}

/** Lower-case hex of `data`. */
export function toHex(data: BytesLike): string {
  const b = toBytes(data);
  let s = '';
  for (let i = 0; i < b.length; i++) s += (b[i]! < 16 ? '0' : '') + b[i]!.toString(16);
  return s;
}

/**
 * Decodes hex (case-insensitive; spaces and colons ignored).
 * @throws {PkiError} `ERR_ENCODING_INVALID` on odd length or non-hex characters.
 */
export function fromHex(text: string): Uint8Array {
  const clean = text.replace(/[\s:]/g, '');
  if (clean.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(clean)) {
    throw new PkiError('ERR_ENCODING_INVALID', 'Invalid hex string');
  }
  const out = new Uint8Array(clean.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(clean.substr(i * 2, 2), 16);
  return out;
}

/** A PEM block found by {@link parsePem}. */
export interface PemBlock {
  /** The label, e.g. `CERTIFICATE`, `X509 CRL`, `CERTIFICATE REQUEST`. */
  label: string;
  /** The decoded DER bytes. */
  der: Uint8Array;
}

const PEM_RE = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/g;

/**
 * Every PEM block in `text` (RFC 7468), in order.
 * @throws {PkiError} `ERR_ENCODING_INVALID` if a block's body is not base64.
 */
export function parsePem(text: string): PemBlock[] {
  const blocks: PemBlock[] = [];
  for (const m of text.matchAll(PEM_RE)) {
    // Explanatory headers (RFC 1421 style "Proc-Type: ...") precede a blank line; skip them.
    let body = m[2] ?? '';
    if (body.includes(':')) body = body.slice(body.search(/\r?\n\r?\n/) + 1);
    blocks.push({ label: m[1]!, der: fromBase64(body) });
  }
  return blocks;
}

/** Encodes DER as PEM with 64-character lines (RFC 7468 §2). */
export function toPem(der: BytesLike, label: string): string {
  const b64 = toBase64(der);
  const lines: string[] = [];
  for (let i = 0; i < b64.length; i += 64) lines.push(b64.slice(i, i + 64));
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

/**
 * Accepts PEM text, PEM bytes, raw DER bytes or base64 text and returns DER.
 * With `label`, a PEM input must contain a block with that label (the first one is taken).
 * @throws {PkiError} `ERR_ENCODING_INVALID` when the input is none of these.
 */
export function toDer(input: string | BytesLike, label?: string): Uint8Array {
  let text: string | undefined;
  if (typeof input === 'string') text = input;
  else {
    const b = toBytes(input);
    // DER always starts with a SEQUENCE tag (0x30) for the structures we read; PEM starts with '-'.
    if (b.length > 0 && b[0] === 0x30) return b;
    text = new TextDecoder('utf-8', { fatal: false }).decode(b);
  }
  if (text.includes('-----BEGIN')) {
    const blocks = parsePem(text);
    const block = label ? blocks.find((x) => x.label === label) : blocks[0];
    if (!block)
      throw new PkiError('ERR_ENCODING_INVALID', `No PEM block${label ? ` labelled ${label}` : ''} found`);
    return block.der;
  }
  const trimmed = text.trim();
  if (trimmed.length > 0 && /^[A-Za-z0-9+/=_\-\s]+$/.test(trimmed)) return fromBase64(trimmed);
  throw new PkiError('ERR_ENCODING_INVALID', 'Input is neither DER, PEM nor base64');
}

/** Constant-time equality of two byte strings (length is not secret). */
export function bytesEqual(a: BytesLike, b: BytesLike): boolean {
  const x = toBytes(a);
  const y = toBytes(b);
  if (x.length !== y.length) return false;
  let d = 0;
  for (let i = 0; i < x.length; i++) d |= x[i]! ^ y[i]!;
  return d === 0;
}
