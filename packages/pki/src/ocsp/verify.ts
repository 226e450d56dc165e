/**
 * Verifying OCSP responses as a client must (RFC 6960 §3.2 and §4.2.2.2): the signature, that the
 * signer is the CA or a responder the CA delegated to (issued by the CA, EKU id-kp-OCSPSigning),
 * that the answers are about the certificates asked for, that they are current, and that the
 * nonce came back.
 */

import { getCrypto } from '../crypto-provider.js';
import { type BytesLike, bytesEqual, toHex } from '../der/encoding.js';
import { normalizeSerialHex } from '../der/serial.js';
import { PkiError } from '../errors.js';
import { verifySignature } from '../signature/verify.js';
import type { CertificateInput } from '../x509/certificate.js';
import { type CertificateFields, readCertificateFields } from '../x509/certificate-fields.js';
import { type OcspCertId, prepareOcspIssuer } from './cert-id.js';
import { type OcspResponseInfo, parseOcspResponse } from './response-parse.js';

/** id-kp-OCSPSigning. */
const OCSP_SIGNING_EKU = '1.3.6.1.5.5.7.3.9';

/** Why a response is not acceptable. */
export type OcspVerificationFailure =
  /** responseStatus is not `successful` (nothing signed to check). */
  | 'not-successful'
  /** No certificate matching the ResponderID was found (in `certs`, the options or the issuer). */
  | 'responder-not-found'
  /** The response signature does not verify with the responder's key. */
  | 'signature-invalid'
  /** The signer is neither the CA nor a certificate the CA issued with EKU OCSPSigning. */
  | 'responder-not-authorized'
  /** The delegated responder certificate is not valid at the checked time. */
  | 'responder-certificate-expired'
  /** A SingleResponse is for another issuer, or a requested CertID has no answer. */
  | 'cert-id-mismatch'
  /** The response has no SingleResponse. */
  | 'no-responses'
  /** thisUpdate is in the future, beyond the allowed clock skew. */
  | 'not-yet-valid'
  /** nextUpdate is in the past, beyond the allowed clock skew. */
  | 'expired';

/** Options of {@link verifyOcspResponse}. */
export interface VerifyOcspResponseOptions {
  /** The CA that issued the certificates asked about. */
  issuer: CertificateInput;
  /** The nonce sent in the request; when given the response must echo it. */
  nonce?: Uint8Array;
  /** Time to check validity at (default: now). */
  at?: Date;
  /** A responder certificate known out of band, tried besides those in the response. */
  responderCertificate?: CertificateInput;
  /** The CertIDs that were asked about: each must be answered. */
  certIds?: readonly OcspCertId[];
  /** Allowed clock difference in ms for thisUpdate/nextUpdate (default 5 minutes). */
  clockSkewMs?: number;
}

/** The outcome of {@link verifyOcspResponse}. */
export interface OcspVerification {
  /** `true` when there are no failures. */
  valid: boolean;
  /** Everything that is wrong (empty when valid). */
  failures: OcspVerificationFailure[];
  /** Who signed: the CA itself or a delegated responder. */
  signer?: 'issuer' | 'delegated';
  /** The signer's certificate (DER), when found. */
  signerCertificate?: Uint8Array;
  /** `true` when the delegated responder certificate has id-pkix-ocsp-nocheck. */
  signerNoCheck?: boolean;
  /** The parsed response. */
  response: OcspResponseInfo;
}

async function sha1Hex(data: Uint8Array): Promise<string> {
  return toHex(new Uint8Array(await getCrypto().subtle.digest('SHA-1', data as BufferSource)));
}

/**
 * Verifies an OCSP response.
 *
 * @throws {PkiError} `ERR_OCSP_NONCE_MISMATCH` when `nonce` is given and the response does not
 *   echo it (a possible replay; nothing else about such a response matters),
 *   `ERR_OCSP_RESPONSE_INVALID` for a malformed response, `ERR_CERTIFICATE_INVALID` for a bad
 *   issuer certificate, `ERR_UNSUPPORTED_ALGORITHM` for signature algorithms this package does not know.
 * @example
 * ```ts
 * const { der, nonce, certIds } = await createOcspRequest({ certificate: leaf, issuer: ca });
 * const result = await verifyOcspResponse(responseDer, { issuer: ca, nonce, certIds });
 * if (result.valid) console.log(result.response.responses[0]?.status.type);
 * ```
 */
export async function verifyOcspResponse(
  input: BytesLike | string | OcspResponseInfo,
  options: VerifyOcspResponseOptions,
): Promise<OcspVerification> {
  if (!options || typeof options !== 'object')
    throw new PkiError('ERR_INVALID_ARGUMENT', 'Options are required');
  const response = isResponseInfo(input) ? input : parseOcspResponse(input);
  const failures: OcspVerificationFailure[] = [];
  const result: OcspVerification = { valid: false, failures, response };
  if (
    response.status !== 'successful' ||
    !response.tbs ||
    !response.signatureAlgorithmDer ||
    !response.signature
  ) {
    failures.push('not-successful');
    return result;
  }
  if (options.nonce !== undefined) {
    if (!response.nonce || !bytesEqual(response.nonce, options.nonce)) {
      throw new PkiError(
        'ERR_OCSP_NONCE_MISMATCH',
        response.nonce
          ? 'The response nonce differs from the request nonce'
          : 'The response does not echo the nonce',
      );
    }
  }
  const issuer = await prepareOcspIssuer(options.issuer);
  const at = options.at ?? new Date();
  const skew = options.clockSkewMs ?? 5 * 60_000;

  // Candidates for the signer: the certs field, the given responder certificate, the CA itself.
  const candidates: CertificateFields[] = [];
  for (const der of response.certificates) {
    try {
      candidates.push(readCertificateFields(der));
    } catch {
      // An unreadable extra certificate cannot be the signer; ignore it.
    }
  }
  if (options.responderCertificate !== undefined)
    candidates.push(readCertificateFields(options.responderCertificate));
  candidates.push(issuer.certificate);

  let signer: CertificateFields | undefined;
  const id = response.responderId;
  for (const c of candidates) {
    if (
      id?.type === 'byName'
        ? bytesEqual(c.subjectDer, id.nameDer)
        : id?.keyHash === (await sha1Hex(c.publicKeyBits))
    ) {
      signer = c;
      break;
    }
  }
  if (!signer) {
    failures.push('responder-not-found');
  } else {
    result.signerCertificate = signer.der;
    if (
      !(await verifySignature({
        data: response.tbs,
        algorithm: response.signatureAlgorithmDer,
        signature: response.signature,
        publicKeyInfo: signer.spki,
      }))
    ) {
      failures.push('signature-invalid');
    }
    const isIssuer =
      bytesEqual(signer.subjectDer, issuer.certificate.subjectDer) &&
      bytesEqual(signer.publicKeyBits, issuer.certificate.publicKeyBits);
    if (isIssuer) {
      result.signer = 'issuer';
    } else {
      result.signer = 'delegated';
      result.signerNoCheck = signer.ocspNoCheck;
      // RFC 6960 §4.2.2.2: issued directly by the CA, and id-kp-OCSPSigning in extendedKeyUsage.
      const issuedByCa =
        bytesEqual(signer.issuerDer, issuer.certificate.subjectDer) &&
        (await verifySignature({
          data: signer.tbs,
          algorithm: signer.signatureAlgorithm,
          signature: signer.signature,
          publicKeyInfo: issuer.certificate.spki,
        }));
      if (!issuedByCa || !signer.extKeyUsage?.includes(OCSP_SIGNING_EKU))
        failures.push('responder-not-authorized');
      if (at < signer.notBefore || at > signer.notAfter) failures.push('responder-certificate-expired');
    }
  }

  if (response.responses.length === 0) failures.push('no-responses');
  let idMismatch = response.responses.some((s) => !issuer.matches(s.certId));
  for (const asked of options.certIds ?? []) {
    const answered = response.responses.some(
      (s) =>
        s.certId.hashAlgorithm === asked.hashAlgorithm &&
        s.certId.issuerNameHash === asked.issuerNameHash.toLowerCase() &&
        s.certId.issuerKeyHash === asked.issuerKeyHash.toLowerCase() &&
        s.certId.serialHex === normalizeSerialHex(asked.serialHex),
    );
    if (!answered) idMismatch = true;
  }
  if (idMismatch) failures.push('cert-id-mismatch');
  const t = at.getTime();
  if (response.responses.some((s) => s.thisUpdate.getTime() > t + skew)) failures.push('not-yet-valid');
  if (response.responses.some((s) => s.nextUpdate && s.nextUpdate.getTime() < t - skew))
    failures.push('expired');

  result.valid = failures.length === 0;
  return result;
}

function isResponseInfo(x: unknown): x is OcspResponseInfo {
  return typeof x === 'object' && x !== null && 'status' in x && 'responses' in x && 'der' in x;
}
