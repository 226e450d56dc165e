/**
 * Decoding X.509 certificates (RFC 5280 §4.1) from PEM, DER or base64 into pkijs objects.
 *
 * ```asn1
 * Certificate  ::=  SEQUENCE  {
 *      tbsCertificate       TBSCertificate,
 *      signatureAlgorithm   AlgorithmIdentifier,
 *      signatureValue       BIT STRING  }
 * ```
 */
import * as pkijs from 'pkijs';
import { decodeAsn1 } from '../der/asn1-decode.js';
import { type BytesLike, toDer, toPem } from '../der/encoding.js';
import { PkiError } from '../errors.js';

/** A certificate as callers hand it over: PEM text, PEM bytes, DER bytes, base64, or already parsed. */
export type CertificateInput = string | BytesLike | pkijs.Certificate;

/**
 * Parses a certificate.
 * @throws {PkiError} `ERR_CERTIFICATE_INVALID` when the bytes are not a well-formed certificate.
 */
export function parseCertificate(input: CertificateInput): pkijs.Certificate {
  if (input instanceof pkijs.Certificate) return input;
  let der: Uint8Array;
  try {
    der = toDer(
      input,
      typeof input === 'string' && input.includes('BEGIN CERTIFICATE') ? 'CERTIFICATE' : undefined,
    );
  } catch (cause) {
    throw new PkiError('ERR_CERTIFICATE_INVALID', 'Certificate is not PEM, DER or base64', { cause });
  }
  const asn1 = decodeAsn1(der);
  if (!asn1) throw new PkiError('ERR_CERTIFICATE_INVALID', 'Certificate is not a single valid DER element');
  try {
    return new pkijs.Certificate({ schema: asn1 });
  } catch (cause) {
    throw new PkiError('ERR_CERTIFICATE_INVALID', 'Bytes are DER but not an X.509 certificate', { cause });
  }
}

/** DER bytes of a certificate given in any {@link CertificateInput} form. */
export function certificateToDer(input: CertificateInput): Uint8Array {
  // toSchema() without the encode flag keeps the original TBS bytes, so the signature stays valid.
  if (input instanceof pkijs.Certificate) return new Uint8Array(input.toSchema().toBER(false));
  parseCertificate(input); // validates
  return toDer(input);
}

/** PEM text of a certificate. */
export function certificateToPem(input: CertificateInput): string {
  return toPem(certificateToDer(input), 'CERTIFICATE');
}
