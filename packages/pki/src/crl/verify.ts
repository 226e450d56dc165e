/**
 * Verifying a CRL against its issuer's certificate (RFC 5280 §6.3.3 steps (f) and (g) as they
 * concern the CRL itself: issuer name, cRLSign key usage, signature).
 */
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { type BytesLike, bytesEqual, toArrayBuffer } from '../der/encoding.js';
import { verifySignature } from '../signature/verify.js';
import type { CertificateInput } from '../x509/certificate.js';
import { allowsKeyUsage, KEY_USAGE_BIT, readCertificateFields } from '../x509/certificate-fields.js';
import { type CrlInfo, parseCrl } from './parse.js';

function namesMatch(a: Uint8Array, b: Uint8Array): boolean {
  if (bytesEqual(a, b)) return true;
  // RFC 5280 §7.1: names also match after case-folding and white-space normalisation.
  try {
    const x = new pkijs.RelativeDistinguishedNames({ schema: asn1js.fromBER(toArrayBuffer(a)).result });
    const y = new pkijs.RelativeDistinguishedNames({ schema: asn1js.fromBER(toArrayBuffer(b)).result });
    return x.isEqual(y);
  } catch {
    return false;
  }
}

/**
 * `true` when `crl` was issued and signed by `issuerCert`: the CRL issuer equals the certificate's
 * subject, the certificate's keyUsage (if present) allows cRLSign, the inner and outer signature
 * algorithms agree (RFC 5280 §5.1.1.2), and the signature verifies with its public key.
 * Freshness (thisUpdate/nextUpdate) is the caller's policy and not checked here.
 *
 * @throws {PkiError} `ERR_CRL_INVALID` for a malformed CRL, `ERR_CERTIFICATE_INVALID` for a bad
 *   certificate, `ERR_UNSUPPORTED_ALGORITHM` for signature algorithms `verifySignature` does not know, and its
 *   key errors (`ERR_KEY_INVALID`, `ERR_KEY_TOO_WEAK`) for an unusable issuer key.
 * @example
 * ```ts
 * if (!(await verifyCrl(crlDer, caCertPem))) throw new Error('CRL not signed by our CA');
 * ```
 */
export async function verifyCrl(
  crl: CrlInfo | string | BytesLike,
  issuerCert: CertificateInput,
): Promise<boolean> {
  const info = isCrlInfo(crl) ? crl : parseCrl(crl);
  const issuer = readCertificateFields(issuerCert);
  if (!namesMatch(info.issuerDer, issuer.subjectDer)) return false;
  if (!allowsKeyUsage(issuer, KEY_USAGE_BIT.cRLSign)) return false;
  if (!bytesEqual(info.signatureAlgorithmDer, info.tbsSignatureAlgorithmDer)) return false;
  return verifySignature({
    data: info.tbs,
    algorithm: info.signatureAlgorithmDer,
    signature: info.signature,
    publicKeyInfo: issuer.spki,
  });
}

function isCrlInfo(x: unknown): x is CrlInfo {
  return typeof x === 'object' && x !== null && 'tbs' in x && 'find' in x && 'issuerDer' in x;
}
