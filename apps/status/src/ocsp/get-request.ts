/**
 * Decoding of OCSP requests sent with HTTP GET (RFC 6960 Appendix A.1, RFC 5019 §5):
 *
 *   GET {url}/{url-encoding of base-64 encoding of the DER encoding of the OCSPRequest}
 *
 * Clients differ in what "url-encoding" means: OpenSSL and most browsers percent-encode the
 * standard alphabet (`%2F`, `%2B`, `%3D`), some leave `/` and `+` as they are (so the request may
 * span several path segments), and some use base64url. All of these are accepted.
 */
import { fromBase64 } from '@kzpki/pki';
import { StatusError } from '../errors.js';

/**
 * DER bytes of the request encoded in the path after `/ocsp/` (`encoded` excludes that prefix
 * and any query string).
 * @throws {StatusError} `ERR_VALIDATION` when it is not (percent-encoded) base64 or is longer
 * than `maxBytes` once decoded.
 */
export function decodeOcspGetPath(encoded: string, maxBytes: number): Uint8Array {
  let text: string;
  try {
    text = encoded.includes('%') ? decodeURIComponent(encoded) : encoded;
  } catch (cause) {
    throw new StatusError('ERR_VALIDATION', 'OCSP GET request is not valid percent-encoding', { cause });
  }
  // Base64 text longer than 4/3 of the limit cannot decode to an acceptable request.
  if (text.length === 0 || text.length > Math.ceil(maxBytes / 3) * 4 + 4) {
    throw new StatusError('ERR_VALIDATION', 'OCSP GET request is empty or too large');
  }
  if (!/^[A-Za-z0-9+/_\-=]+$/.test(text)) {
    throw new StatusError('ERR_VALIDATION', 'OCSP GET request is not base64');
  }
  try {
    const der = fromBase64(text);
    if (der.length > maxBytes) throw new StatusError('ERR_VALIDATION', 'OCSP GET request too large');
    return der;
  } catch (cause) {
    if (cause instanceof StatusError) throw cause;
    throw new StatusError('ERR_VALIDATION', 'OCSP GET request is not base64', { cause });
  }
}
