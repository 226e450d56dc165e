/**
 * DER building blocks for tests that craft deliberately odd structures (a certificate for an
 * RSA key with e = 1, an OCSP request with a wrong version, ...), which no encoder we ship will
 * produce on purpose. Definite lengths up to two octets: enough for certificates and requests.
 *
 * @example
 * ```ts
 * const [tbs, sigAlg, sigValue] = derChildren(certificateDer);
 * const forgedSpki = rsaSpkiWithExponentOne(spkiDer);
 * ```
 */
import { createHash } from 'node:crypto';

/** A DER TLV of `tag` whose content is `parts` concatenated. */
export function derTlv(tag: number, ...parts: Uint8Array[]): Uint8Array {
  const len = parts.reduce((n, p) => n + p.length, 0);
  if (len > 0xffff) throw new RangeError('derTlv: content longer than 65535 octets');
  const head = len < 0x80 ? [tag, len] : len < 0x100 ? [tag, 0x81, len] : [tag, 0x82, len >> 8, len & 0xff];
  const out = new Uint8Array(head.length + len);
  out.set(head);
  let o = head.length;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** Header length and content length of the TLV at `at`. */
function header(der: Uint8Array, at: number): [number, number] {
  const l = der[at + 1];
  if (l === undefined) throw new RangeError('derChildren: truncated TLV');
  if (l < 0x80) return [2, l];
  const n = l & 0x7f;
  let v = 0;
  for (let i = 0; i < n; i++) v = v * 256 + (der[at + 2 + i] ?? 0);
  return [2 + n, v];
}

/** The content octets of the TLV at the start of `der`. */
export function derContent(der: Uint8Array): Uint8Array {
  const [h, len] = header(der, 0);
  return der.subarray(h, h + len);
}

/** The child TLVs of the constructed TLV (SEQUENCE, SET) at the start of `der`. */
export function derChildren(der: Uint8Array): Uint8Array[] {
  const [h, len] = header(der, 0);
  const out: Uint8Array[] = [];
  for (let p = h; p < h + len; ) {
    const [ch, cl] = header(der, p);
    out.push(der.subarray(p, p + ch + cl));
    p += ch + cl;
  }
  return out;
}

/**
 * The RSA SubjectPublicKeyInfo `spki` with its public exponent replaced by 1: a key for which
 * the "signature" of anything is its padded hash ({@link pkcs1v15PaddedSha256}).
 *
 * ```asn1
 * SubjectPublicKeyInfo ::= SEQUENCE { algorithm AlgorithmIdentifier, subjectPublicKey BIT STRING }
 * RSAPublicKey ::= SEQUENCE { modulus INTEGER, publicExponent INTEGER }   -- RFC 8017 A.1.1
 * ```
 */
export function rsaSpkiWithExponentOne(spki: Uint8Array): Uint8Array {
  const [algId, bitString] = derChildren(spki);
  if (!algId || !bitString) throw new RangeError('rsaSpkiWithExponentOne: not a SubjectPublicKeyInfo');
  const rsaPublicKey = derContent(bitString).subarray(1); // after the unused-bits octet
  const [modulus] = derChildren(rsaPublicKey);
  if (!modulus) throw new RangeError('rsaSpkiWithExponentOne: not an RSA key');
  return derTlv(0x30, algId, derTlv(0x03, Uint8Array.of(0), derTlv(0x30, modulus, Uint8Array.of(2, 1, 1))));
}

/**
 * EMSA-PKCS1-v1_5 (RFC 8017 §9.2) of SHA-256(`data`) for a `modulusOctets`-octet RSA key:
 * `00 01 FF..FF 00 || DigestInfo`. With e = 1 it is a "valid" signature of `data`.
 */
export function pkcs1v15PaddedSha256(data: Uint8Array, modulusOctets = 256): Uint8Array {
  const digestInfo = Buffer.concat([
    Buffer.from('MDEwDQYJYIZIAWUDBAIBBQAEIA==', 'base64'), // DigestInfo prefix for SHA-256
    createHash('sha256').update(data).digest(),
  ]);
  const em = new Uint8Array(modulusOctets);
  em[1] = 1;
  em.fill(0xff, 2, modulusOctets - digestInfo.length - 1);
  em.set(digestInfo, modulusOctets - digestInfo.length);
  return em;
}
