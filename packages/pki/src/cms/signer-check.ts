/**
 * The cryptographic check of one SignerInfo (RFC 5652 §5.6): find the signer's certificate, check
 * the content-type and message-digest attributes against the content, the signature over the
 * signed attributes (or over the content when there are none), and the ESS signing-certificate
 * attribute against the certificate. Used for document signers and for the TSA signer of a
 * timestamp token alike. Certificate trust, time and revocation are checked elsewhere.
 *
 * Signature algorithms are resolved as producers write them: the signature OIDs of the package's
 * table, and also the bare key OIDs (rsaEncryption, id-ecPublicKey, the GOST key OIDs) that
 * OpenSSL and others put into SignerInfo.signatureAlgorithm, combined with the digest algorithm.
 */

import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { bytesEqual, toArrayBuffer } from '../der/encoding.js';
import { isPkiError } from '../errors.js';
import { KEY_ALGORITHM_OIDS, keyFamilyOf } from '../keys/key-algorithm.js';
import {
  findSignatureAlgorithm,
  isHashName,
  SIGNATURE_ALGORITHMS,
  signatureAlgorithmFor,
} from '../signature/algorithms.js';
import { verifySignature } from '../signature/verify.js';
import type { CertificateFields } from '../x509/certificate-fields.js';
import { namesEqual } from '../x509/name.js';
import { essCertIdMatches, readSigningCertificate, type SigningCertificateRef } from './attributes.js';
import { computeDigest } from './digest.js';
import { certificateFields } from './memo.js';
import type { CmsSignerInfo } from './parse.js';

/** Why the signature of a SignerInfo does not check out. */
export type SignatureFailureReason =
  /** No certificate in the CMS (or supplied) matches the SignerInfo's sid. */
  | 'certificate-not-found'
  /** A detached CMS was given without its content. */
  | 'content-missing'
  /** The messageDigest attribute differs from the digest of the content (content changed). */
  | 'digest-mismatch'
  /** The signature over the signed attributes (or the content) does not verify. */
  | 'signature-invalid'
  /** contentType or messageDigest attribute missing, or contentType differs from eContentType. */
  | 'signed-attributes-invalid'
  /** The ESS signing-certificate attribute names another certificate. */
  | 'signing-certificate-mismatch'
  /** A digest or signature algorithm (or key) this package cannot check. */
  | 'unsupported-algorithm'
  /** The signer's public key is malformed or below the key policy. */
  | 'key-invalid';

/** Outcome of {@link checkSignerInfo}. */
export interface SignerCheck {
  /**
   * `true` when the signature over the signed attributes (or the content) verifies and the
   * message digest matches the content. A `failure` may still be set (signing-certificate
   * mismatch) when this is `true`.
   */
  signatureValid: boolean;
  /** The signer's certificate, when found. */
  certificate?: CertificateFields;
  /** Why not valid. */
  failure?: { reason: SignatureFailureReason; message: string };
  /** The signing-certificate attribute: which version, and whether it matches the certificate. */
  signingCertificate?: { version: 'v1' | 'v2'; matches: boolean | undefined };
}

const GOST_KEY_OIDS: readonly string[] = [
  KEY_ALGORITHM_OIDS.gost2004,
  KEY_ALGORITHM_OIDS.gost2015_256,
  KEY_ALGORITHM_OIDS.gost2015_512,
];

/**
 * The signature algorithm to verify with: the AlgorithmIdentifier DER when the package knows its
 * OID (parameters are then checked), else a signature OID built from a bare key OID and the
 * digest; `undefined` when neither works.
 */
export function resolveSignatureAlgorithm(signer: CmsSignerInfo): Uint8Array | string | undefined {
  const { oid, der } = signer.signatureAlgorithm;
  if (findSignatureAlgorithm(oid)) return der;
  const hash = signer.digestAlgorithm.name;
  if (oid === KEY_ALGORITHM_OIDS.rsaEncryption && isHashName(hash)) {
    return signatureAlgorithmFor('RSASSA-PKCS1-v1_5', hash).oid;
  }
  if (oid === KEY_ALGORITHM_OIDS.ecPublicKey && isHashName(hash))
    return signatureAlgorithmFor('ECDSA', hash).oid;
  if (GOST_KEY_OIDS.includes(oid)) {
    const family = keyFamilyOf(oid);
    return SIGNATURE_ALGORITHMS.find((a) => a.family === family)?.oid;
  }
  return undefined;
}

function nameMatches(a: Uint8Array, b: Uint8Array): boolean {
  if (bytesEqual(a, b)) return true;
  try {
    const x = new pkijs.RelativeDistinguishedNames({ schema: asn1js.fromBER(toArrayBuffer(a)).result });
    const y = new pkijs.RelativeDistinguishedNames({ schema: asn1js.fromBER(toArrayBuffer(b)).result });
    return namesEqual(x, y);
  } catch {
    return false;
  }
}

/** The certificate among `candidates` that the SignerInfo's sid names. */
export function findSignerCertificate(
  signer: CmsSignerInfo,
  candidates: readonly CertificateFields[],
): CertificateFields | undefined {
  const sid = signer.sid;
  if (sid.type === 'subjectKeyIdentifier') {
    return candidates.find((c) => c.subjectKeyIdentifier && bytesEqual(c.subjectKeyIdentifier, sid.keyId));
  }
  return candidates.find((c) => c.serialHex === sid.serialNumber && nameMatches(c.issuerDer, sid.issuer));
}

/** Reads certificates, skipping those that are not well-formed (they cannot be the signer's). */
export function readCertificates(ders: readonly Uint8Array[]): CertificateFields[] {
  const out: CertificateFields[] = [];
  for (const der of ders) {
    try {
      out.push(certificateFields(der));
    } catch {
      // an unreadable extra certificate is ignored
    }
  }
  return out;
}

function failed(
  reason: SignatureFailureReason,
  message: string,
  certificate?: CertificateFields,
): SignerCheck {
  return { signatureValid: false, failure: { reason, message }, ...(certificate ? { certificate } : {}) };
}

/**
 * Checks one SignerInfo over `content` with `eContentType`, taking its certificate from
 * `candidates`.
 *
 * @example
 * ```ts
 * const cms = parseCms(p7s);
 * const check = await checkSignerInfo(cms.signers[0]!, cms.contentType, cms.content, readCertificates(cms.certificates));
 * check.signatureValid; // true
 * ```
 */
export async function checkSignerInfo(
  signer: CmsSignerInfo,
  eContentType: string,
  content: Uint8Array | undefined,
  candidates: readonly CertificateFields[],
): Promise<SignerCheck> {
  const cert = findSignerCertificate(signer, candidates);
  if (!cert) return failed('certificate-not-found', 'No certificate matches the SignerInfo');
  if (content === undefined)
    return failed('content-missing', 'Detached CMS: the content was not given', cert);
  const algorithm = resolveSignatureAlgorithm(signer);
  if (algorithm === undefined) {
    return failed(
      'unsupported-algorithm',
      `Signature algorithm ${signer.signatureAlgorithm.oid} is not supported`,
      cert,
    );
  }
  const attrs = signer.signedAttributes;
  let data = content;
  let ref: SigningCertificateRef | undefined;
  if (attrs) {
    // RFC 5652 §5.3: with signed attributes, contentType and messageDigest MUST be present.
    if (signer.contentType === undefined || signer.messageDigest === undefined) {
      return failed('signed-attributes-invalid', 'contentType or messageDigest attribute missing', cert);
    }
    if (signer.contentType !== eContentType) {
      return failed('signed-attributes-invalid', 'The contentType attribute differs from eContentType', cert);
    }
    const digestName = signer.digestAlgorithm.name;
    if (!digestName) {
      return failed(
        'unsupported-algorithm',
        `Digest algorithm ${signer.digestAlgorithm.oid} is not supported`,
        cert,
      );
    }
    const digest = await computeDigest(digestName, content);
    if (!bytesEqual(digest, signer.messageDigest)) {
      return failed('digest-mismatch', 'The content does not match the messageDigest attribute', cert);
    }
    try {
      ref = readSigningCertificate(attrs.attributes);
    } catch (e) {
      return failed('signed-attributes-invalid', (e as Error).message, cert);
    }
    data = attrs.der;
  }
  let ok: boolean;
  try {
    ok = await verifySignature({ data, algorithm, signature: signer.signature, publicKeyInfo: cert.spki });
  } catch (e) {
    if (isPkiError(e, 'ERR_UNSUPPORTED_ALGORITHM')) return failed('unsupported-algorithm', e.message, cert);
    if (isPkiError(e)) return failed('key-invalid', e.message, cert);
    throw e;
  }
  if (!ok) return failed('signature-invalid', 'The signature does not verify with the certificate key', cert);
  const result: SignerCheck = { signatureValid: true, certificate: cert };
  if (ref) {
    const matches = await essCertIdMatches(ref, cert);
    result.signingCertificate = { version: ref.version, matches };
    if (matches === false) {
      // The signature itself verifies; the signer is still not acceptable.
      return {
        ...result,
        failure: {
          reason: 'signing-certificate-mismatch',
          message: 'The signing-certificate attribute names another certificate',
        },
      };
    }
  }
  return result;
}
