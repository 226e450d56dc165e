import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  bytesEqual,
  fromBase64,
  fromHex,
  isPkiError,
  parsePem,
  toBase64,
  toBase64Url,
  toDer,
  toHex,
  toPem,
} from '../../src/index.js';

const enc = (s: string) => new TextEncoder().encode(s);

describe('base64 (RFC 4648 §10 test vectors)', () => {
  const vectors: Array<[string, string]> = [
    ['', ''],
    ['f', 'Zg=='],
    ['fo', 'Zm8='],
    ['foo', 'Zm9v'],
    ['foob', 'Zm9vYg=='],
    ['fooba', 'Zm9vYmE='],
    ['foobar', 'Zm9vYmFy'],
  ];
  it.each(vectors)('%j <-> %j', (plain, b64) => {
    expect(toBase64(enc(plain))).toBe(b64);
    expect(new TextDecoder().decode(fromBase64(b64))).toBe(plain);
  });

  it('base64url has no padding and uses -_', () => {
    expect(toBase64Url(Uint8Array.of(0xfb, 0xff))).toBe('-_8');
    expect(fromBase64('-_8')).toEqual(Uint8Array.of(0xfb, 0xff));
  });

  it('rejects characters outside the alphabet and impossible lengths with ERR_ENCODING_INVALID', () => {
    for (const bad of ['Zm9v!', 'Z', 'Zm9vY', 'Жж==']) {
      expect(() => fromBase64(bad)).toThrow(expect.objectContaining({ code: 'ERR_ENCODING_INVALID' }));
    }
  });

  it('round-trips any bytes, also beyond the 32 KiB chunk size', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 70_000 }), (bytes) => {
        expect(fromBase64(toBase64(bytes))).toEqual(bytes);
        expect(fromBase64(toBase64Url(bytes))).toEqual(bytes);
      }),
      { numRuns: 60 },
    );
  });
});

describe('hex', () => {
  it('encodes lower case and decodes case-insensitively, ignoring colons and spaces', () => {
    expect(toHex(Uint8Array.of(0, 0x0f, 0xab))).toBe('000fab');
    expect(fromHex('00:0F AB')).toEqual(Uint8Array.of(0, 0x0f, 0xab));
  });
  it('rejects odd length and non-hex', () => {
    expect(() => fromHex('abc')).toThrow(expect.objectContaining({ code: 'ERR_ENCODING_INVALID' }));
    expect(() => fromHex('zz')).toThrow(expect.objectContaining({ code: 'ERR_ENCODING_INVALID' }));
  });
  it('round-trips', () => {
    fc.assert(
      fc.property(fc.uint8Array(), (b) => {
        expect(fromHex(toHex(b))).toEqual(b);
      }),
    );
  });
});

describe('PEM (RFC 7468)', () => {
  it('wraps at 64 characters and parses back, several blocks in order', () => {
    const a = new Uint8Array(100).map((_, i) => i);
    const b = Uint8Array.of(0x30, 0x00);
    const pem = toPem(a, 'CERTIFICATE') + toPem(b, 'X509 CRL');
    const lines = pem.split('\n');
    expect(lines[1]).toHaveLength(64);
    const blocks = parsePem(pem);
    expect(blocks.map((x) => x.label)).toEqual(['CERTIFICATE', 'X509 CRL']);
    expect(blocks[0]!.der).toEqual(a);
    expect(blocks[1]!.der).toEqual(b);
  });

  it('toDer accepts PEM text, PEM bytes, DER bytes and base64; picks the labelled block', () => {
    const der = Uint8Array.of(0x30, 0x03, 0x02, 0x01, 0x05);
    const pem = toPem(Uint8Array.of(0x30, 0x00), 'PRIVATE KEY') + toPem(der, 'CERTIFICATE');
    expect(toDer(pem, 'CERTIFICATE')).toEqual(der);
    expect(toDer(enc(pem), 'CERTIFICATE')).toEqual(der);
    expect(toDer(der)).toBe(der);
    expect(toDer(toBase64(der))).toEqual(der);
  });

  it('says what is wrong for other input', () => {
    expect(() => toDer('hello, world!')).toThrow(expect.objectContaining({ code: 'ERR_ENCODING_INVALID' }));
    try {
      toDer(toPem(Uint8Array.of(0x30, 0), 'X509 CRL'), 'CERTIFICATE');
      expect.unreachable();
    } catch (e) {
      expect(isPkiError(e, 'ERR_ENCODING_INVALID')).toBe(true);
    }
  });
});

describe('bytesEqual', () => {
  it('compares content and length', () => {
    expect(bytesEqual(Uint8Array.of(1, 2), Uint8Array.of(1, 2))).toBe(true);
    expect(bytesEqual(Uint8Array.of(1, 2), Uint8Array.of(1, 3))).toBe(false);
    expect(bytesEqual(Uint8Array.of(1, 2), Uint8Array.of(1, 2, 3))).toBe(false);
    expect(bytesEqual(new Uint8Array(0), new ArrayBuffer(0))).toBe(true);
  });
});
