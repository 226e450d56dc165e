/**
 * ECDSA signature encodings: WebCrypto signs and verifies the raw form r||s (each coordinate-sized,
 * big-endian); X.509, CMS and PKCS #10 carry
 *
 * ```asn1
 * Ecdsa-Sig-Value  ::=  SEQUENCE  {           -- RFC 3279 §2.2.3
 *      r     INTEGER,
 *      s     INTEGER  }
 * ```
 */
import { DER_TAG, DerReader } from '../der/reader.js';
import { derSequence, derUnsignedInteger } from '../der/writer.js';
import { PkiError } from '../errors.js';

/**
 * WebCrypto ECDSA signature (r||s, fixed length) to DER `Ecdsa-Sig-Value`.
 * @example
 * ```ts
 * const der = ecdsaRawToDer(new Uint8Array(await crypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, key, data)));
 * ```
 */
export function ecdsaRawToDer(raw: Uint8Array): Uint8Array {
  if (raw.length === 0 || raw.length % 2 !== 0) {
    throw new PkiError('ERR_INVALID_ARGUMENT', 'A raw ECDSA signature has two halves of equal length');
  }
  const half = raw.length / 2;
  return derSequence(derUnsignedInteger(raw.subarray(0, half)), derUnsignedInteger(raw.subarray(half)));
}

/**
 * DER `Ecdsa-Sig-Value` to WebCrypto's raw r||s with `size` bytes each (32 for P-256, 48 for
 * P-384, 66 for P-521). Strict DER: no trailing bytes, positive minimally encoded integers.
 * @throws {PkiError} `ERR_SIGNATURE_INVALID` when `der` is not such a value or r or s is too large.
 * @example
 * ```ts
 * const raw = ecdsaDerToRaw(certificateSignature, 32);
 * ```
 */
export function ecdsaDerToRaw(der: Uint8Array, size: number): Uint8Array {
  const r: DerReader = new DerReader(der, 'ERR_SIGNATURE_INVALID', 'ECDSA signature');
  const parts = r.childList(r.root(DER_TAG.SEQUENCE, 'Ecdsa-Sig-Value'));
  if (parts.length !== 2) r.fail('expected SEQUENCE { r, s }');
  const out = new Uint8Array(size * 2);
  parts.forEach((el, i) => {
    if (el.tag !== DER_TAG.INTEGER) r.fail('expected INTEGER', el.start);
    let v = r.content(el);
    if (v.length === 0 || v[0]! & 0x80) r.fail('r and s must be positive', el.start);
    if (v.length > 1 && v[0] === 0 && !(v[1]! & 0x80)) r.fail('integer is not minimally encoded', el.start);
    if (v[0] === 0) v = v.subarray(1);
    if (v.length > size) r.fail('integer larger than the curve order', el.start);
    out.set(v, i * size + (size - v.length));
  });
  return out;
}
