/**
 * DER of signature AlgorithmIdentifiers, memoised per scheme: the same few bytes go into every
 * certificate and request this package signs (twice in a certificate: in the TBSCertificate and
 * after it), so they are built once from `signatureAlgorithmIdentifier`.
 */
import type { SignatureScheme } from './sign.js';
import { signatureAlgorithmIdentifier } from './sign.js';

const algIdCache = new Map<string, Uint8Array>();

/** DER of the signature AlgorithmIdentifier for `scheme` (see `signatureAlgorithmIdentifier`). */
export function signatureAlgorithmDer(scheme: SignatureScheme): Uint8Array {
  let der = algIdCache.get(scheme.oid);
  if (!der) {
    der = new Uint8Array(signatureAlgorithmIdentifier(scheme).toSchema().toBER(false));
    algIdCache.set(scheme.oid, der);
  }
  return der;
}
