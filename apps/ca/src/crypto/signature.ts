/**
 * Verifies a signature made with the key of a certificate, as the NCA's clients make them:
 * RSASSA-PKCS1-v1_5 with SHA-256 for RSA keys, ECDSA (DER `Ecdsa-Sig-Value`, as in X.509) with
 * SHA-256 (P-256) or SHA-384 (P-384) for EC keys. Used for certificate logins, approvals and
 * proofs of possession.
 */
import { ecdsaDerToRaw, getCrypto, importSpki, parseCertificate, signatureSchemeFor } from '@kzpki/pki';

/** SubjectPublicKeyInfo DER of a certificate. */
export function certificateSpki(certificateDer: Uint8Array): Uint8Array {
  return new Uint8Array(parseCertificate(certificateDer).subjectPublicKeyInfo.toSchema().toBER(false));
}

/**
 * `true` when `signature` over `data` verifies with the certificate's public key; `false` for a
 * wrong or malformed signature or an unsupported key (never throws for bad input).
 */
export async function verifyWithCertificate(
  certificateDer: Uint8Array,
  data: Uint8Array,
  signature: Uint8Array,
): Promise<boolean> {
  try {
    const key = await importSpki(certificateSpki(certificateDer), 'SHA-256');
    const scheme = signatureSchemeFor(key);
    let sig = signature;
    if (key.algorithm.name === 'ECDSA') {
      const size = (key.algorithm as EcKeyAlgorithm).namedCurve === 'P-384' ? 48 : 32;
      sig = ecdsaDerToRaw(signature, size);
    }
    return await getCrypto().subtle.verify(scheme.params, key, sig as BufferSource, data as BufferSource);
  } catch {
    return false;
  }
}
