/**
 * Verifies a signature made with the key of a certificate, as the NCA's clients make them (the
 * algorithm `@kzpki/pki` signs with for that key: RSASSA-PKCS1-v1_5 with SHA-256 for RSA keys,
 * ECDSA with SHA-256 on P-256 and SHA-384 on P-384, DER `Ecdsa-Sig-Value` as in X.509). Used for
 * certificate logins, approvals and proofs of possession. The key is validated first (RSA modulus
 * and exponent, EC point on the curve; `VERIFICATION_KEY_POLICY`), so a certificate for a key such
 * as RSA with e = 1, whose "signatures" anybody can make, never verifies.
 */
import { certificatePublicKeyInfo, defaultSignatureAlgorithm, verifySignature } from '@kzpki/pki';

/**
 * `true` when `signature` over `data` verifies with the certificate's public key; `false` for a
 * wrong or malformed signature, an invalid or unsupported key, or a malformed certificate (never
 * throws for bad input).
 */
export async function verifyWithCertificate(
  certificateDer: Uint8Array,
  data: Uint8Array,
  signature: Uint8Array,
): Promise<boolean> {
  let publicKeyInfo: Uint8Array;
  try {
    publicKeyInfo = certificatePublicKeyInfo(certificateDer);
  } catch {
    return false;
  }
  return verifyWithPublicKeyInfo(publicKeyInfo, data, signature);
}

/**
 * {@link verifyWithCertificate} with the certified SubjectPublicKeyInfo itself, when the CA
 * already holds it (the key of a request it certified): saves reading the certificate (a full
 * pkijs parse, about 2 ms). The key is validated the same way; never throws for bad input.
 */
export async function verifyWithPublicKeyInfo(
  publicKeyInfo: Uint8Array,
  data: Uint8Array,
  signature: Uint8Array,
): Promise<boolean> {
  try {
    const algorithm = defaultSignatureAlgorithm(publicKeyInfo).oid;
    return await verifySignature({ data, algorithm, signature, publicKeyInfo });
  } catch {
    return false;
  }
}
