/**
 * The OCSP nonce extension (RFC 6960 §4.4.1, RFC 8954), id-pkix-ocsp-nonce 1.3.6.1.5.5.7.48.1.2:
 *
 * ```asn1
 * Nonce ::= OCTET STRING(SIZE(1..32))
 * ```
 *
 * As an extension, the extnValue OCTET STRING holds the DER of `Nonce`, so the nonce is wrapped
 * twice (`04 0a 04 08 <8 octets>`): this is what OpenSSL sends and what the NCA responder echoes
 * (fixture `ocsp__ocsp_response_individual_sign_2004.bin`). Some clients (e.g. Bouncy Castle
 * code written as `new DEROctetString(nonce)`) put the raw octets directly into extnValue. Both are
 * read; the form is remembered as {@link OcspNonceEncoding} so a response can echo the request's
 * extension octet for octet, which is how clients compare it.
 */
import { derOctetString, derOid, derSequence } from '../der/writer.js';
import { EXTENSION_OIDS } from '../x509/extension-oids.js';

/** id-pkix-ocsp-nonce. */
export const OCSP_NONCE_OID = EXTENSION_OIDS.ocspNonce;

/** `wrapped`: extnValue holds `Nonce` DER (RFC 6960); `raw`: extnValue holds the octets themselves. */
export type OcspNonceEncoding = 'wrapped' | 'raw';

/** Default nonce length: what NCA clients send (docs/domain.md, Status services). */
export const OCSP_NONCE_DEFAULT_LENGTH = 8;

/** Splits extnValue contents into the nonce value and its encoding. */
export function decodeNonce(extnValue: Uint8Array): { value: Uint8Array; encoding: OcspNonceEncoding } {
  // Wrapped when the octets are exactly one short-form or long-form OCTET STRING TLV.
  if (extnValue.length >= 2 && extnValue[0] === 0x04) {
    let len = extnValue[1]!;
    let p = 2;
    if (len & 0x80) {
      const n = len & 0x7f;
      if (n >= 1 && n <= 2 && extnValue.length >= 2 + n) {
        len = 0;
        for (let i = 0; i < n; i++) len = len * 256 + extnValue[2 + i]!;
        p = 2 + n;
      } else p = -1;
    }
    if (p > 0 && p + len === extnValue.length) {
      return { value: extnValue.slice(p), encoding: 'wrapped' };
    }
  }
  return { value: extnValue.slice(), encoding: 'raw' };
}

/** The nonce `Extension` TLV (non-critical) for `value` in the given encoding. */
export function encodeNonceExtension(value: Uint8Array, encoding: OcspNonceEncoding = 'wrapped'): Uint8Array {
  const extnValue = encoding === 'wrapped' ? derOctetString(value) : value;
  return derSequence(derOid(OCSP_NONCE_OID), derOctetString(extnValue));
}
