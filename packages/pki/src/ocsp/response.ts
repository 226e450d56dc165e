/**
 * Building OCSP responses (RFC 6960 §4.2), including the unsigned error responses.
 *
 * ```asn1
 * OCSPResponse ::= SEQUENCE {
 *    responseStatus         OCSPResponseStatus,
 *    responseBytes          [0] EXPLICIT ResponseBytes OPTIONAL }
 *
 * OCSPResponseStatus ::= ENUMERATED {
 *     successful            (0),  -- Response has valid confirmations
 *     malformedRequest      (1),  -- Illegal confirmation request
 *     internalError         (2),  -- Internal error in issuer
 *     tryLater              (3),  -- Try again later
 *                                 -- (4) is not used
 *     sigRequired           (5),  -- Must sign the request
 *     unauthorized          (6)   -- Request unauthorized }
 *
 * ResponseBytes ::= SEQUENCE {
 *     responseType   OBJECT IDENTIFIER,
 *     response       OCTET STRING }
 *
 * BasicOCSPResponse ::= SEQUENCE {
 *    tbsResponseData      ResponseData,
 *    signatureAlgorithm   AlgorithmIdentifier,
 *    signature            BIT STRING,
 *    certs            [0] EXPLICIT SEQUENCE OF Certificate OPTIONAL }
 *
 * ResponseData ::= SEQUENCE {
 *    version              [0] EXPLICIT Version DEFAULT v1,
 *    responderID              ResponderID,
 *    producedAt               GeneralizedTime,
 *    responses                SEQUENCE OF SingleResponse,
 *    responseExtensions   [1] EXPLICIT Extensions OPTIONAL }
 *
 * ResponderID ::= CHOICE {
 *    byName   [1] Name,
 *    byKey    [2] KeyHash }    -- SHA-1 hash of the responder's public key
 *
 * SingleResponse ::= SEQUENCE {
 *    certID                       CertID,
 *    certStatus                   CertStatus,
 *    thisUpdate                   GeneralizedTime,
 *    nextUpdate         [0]       EXPLICIT GeneralizedTime OPTIONAL,
 *    singleExtensions   [1]       EXPLICIT Extensions OPTIONAL }
 *
 * CertStatus ::= CHOICE {
 *     good        [0]     IMPLICIT NULL,
 *     revoked     [1]     IMPLICIT RevokedInfo,
 *     unknown     [2]     IMPLICIT UnknownInfo }
 *
 * RevokedInfo ::= SEQUENCE {
 *     revocationTime              GeneralizedTime,
 *     revocationReason    [0]     EXPLICIT CRLReason OPTIONAL }
 * ```
 * (The OCSP module uses EXPLICIT tags, so ResponderID's `[1]`/`[2]` wrap a full Name/OCTET STRING.)
 *
 * The parts that do not change between responses (ResponderID, AlgorithmIdentifier, `certs`) are
 * encoded once by {@link prepareOcspResponder}; a response then costs a few small copies plus one
 * signature, which is what the status service needs for live (nonce) requests and for refilling
 * its cache of pre-produced responses.
 */

import { CRL_REASON_CODES, type CrlReason, isCrlReason } from '../crl/reason.js';
import { getCrypto } from '../crypto-provider.js';
import {
  derBitString,
  derEnumerated,
  derExplicit,
  derGeneralizedTime,
  derOctetString,
  derOid,
  derSequence,
  derTlv,
} from '../der/writer.js';
import { PkiError } from '../errors.js';
import { prepareSigner, type SigningKey } from '../signature/sign.js';
import type { CertificateInput } from '../x509/certificate.js';
import { certificateToDer } from '../x509/certificate.js';
import { readCertificateFields } from '../x509/certificate-fields.js';
import { encodeCertId, type OcspCertId } from './cert-id.js';
import { encodeNonceExtension, type OcspNonceEncoding } from './nonce.js';

/** id-pkix-ocsp-basic. */
export const OCSP_BASIC_RESPONSE_OID = '1.3.6.1.5.5.7.48.1.1';

/** The status of a whole OCSP response. */
export type OcspResponseStatus =
  | 'successful'
  | 'malformedRequest'
  | 'internalError'
  | 'tryLater'
  | 'sigRequired'
  | 'unauthorized';

/** ENUMERATED values of {@link OcspResponseStatus}. */
export const OCSP_RESPONSE_STATUS_CODES: Readonly<Record<OcspResponseStatus, number>> = Object.freeze({
  successful: 0,
  malformedRequest: 1,
  internalError: 2,
  tryLater: 3,
  sigRequired: 5,
  unauthorized: 6,
});

/** The status of one certificate. `reason` `unspecified` (or absent) omits revocationReason. */
export type OcspCertStatus =
  | { type: 'good' }
  | { type: 'revoked'; revocationTime: Date; reason?: CrlReason }
  | { type: 'unknown' };

/** One SingleResponse to sign. */
export interface OcspSingleResponseInput {
  /** The CertID, usually as parsed from the request (its exact octets are echoed). */
  certId: OcspCertId;
  /** good / revoked / unknown. */
  status: OcspCertStatus;
  /** When the status was known to be correct. */
  thisUpdate: Date;
  /** When newer information will be available (lets caches keep the response until then). */
  nextUpdate?: Date;
}

/** How the responder names itself: `byKey` (SHA-1 of its public key, the default) or `byName`. */
export type OcspResponderIdType = 'byKey' | 'byName';

/** Options of {@link prepareOcspResponder}. */
export interface OcspResponderOptions {
  /** The responder's certificate: a delegated responder (EKU OCSPSigning) or the CA itself. */
  responderCertificate: CertificateInput;
  /** Its private key: a WebCrypto key or a `SoftwareSigningKey`. */
  responderKey: SigningKey;
  /** ResponderID form; default `byKey`, as the NCA responder uses. */
  responderId?: OcspResponderIdType;
  /** Extra certificates for the `certs` field (e.g. the issuing CA), after the responder's. */
  certificates?: readonly CertificateInput[];
  /** Put the responder certificate into `certs` (default `true`: clients need it to verify). */
  includeResponderCertificate?: boolean;
}

/** What varies from one response to the next. */
export interface OcspResponseContent {
  /** The SingleResponses (at least one). */
  responses: readonly OcspSingleResponseInput[];
  /** The request's nonce value, to echo. */
  nonce?: Uint8Array;
  /** The request's nonce encoding (default `wrapped`), so the echo matches octet for octet. */
  nonceEncoding?: OcspNonceEncoding;
  /** producedAt (default: now). */
  producedAt?: Date;
}

/** A responder whose fixed parts are encoded once; see {@link prepareOcspResponder}. */
export interface OcspResponder {
  /** The responder certificate (DER). */
  certificate: Uint8Array;
  /** The encoded ResponderID. */
  responderIdDer: Uint8Array;
  /** Builds and signs a `successful` OCSPResponse. */
  sign(content: OcspResponseContent): Promise<Uint8Array>;
}

/** Options of {@link buildOcspResponse}. */
export type BuildOcspResponseOptions = OcspResponderOptions & OcspResponseContent;

/** Whole seconds: DER GeneralizedTime here carries no fraction. */
function now(): Date {
  return new Date(Math.floor(Date.now() / 1000) * 1000);
}

function checkDate(d: unknown, what: string): Date {
  if (!(d instanceof Date) || Number.isNaN(d.getTime())) {
    throw new PkiError('ERR_INVALID_ARGUMENT', `${what} must be a valid Date`);
  }
  return d;
}

const GOOD = Uint8Array.of(0x80, 0x00);
const UNKNOWN = Uint8Array.of(0x82, 0x00);

/**
 * DER of one SingleResponse.
 * @throws {PkiError} `ERR_INVALID_ARGUMENT` for a malformed status, date or CertID.
 */
export function encodeSingleResponse(response: OcspSingleResponseInput): Uint8Array {
  if (!response || typeof response !== 'object')
    throw new PkiError('ERR_INVALID_ARGUMENT', 'Bad SingleResponse');
  const { status } = response;
  let certStatus: Uint8Array;
  switch (status?.type) {
    case 'good':
      certStatus = GOOD;
      break;
    case 'unknown':
      certStatus = UNKNOWN;
      break;
    case 'revoked': {
      const time = derGeneralizedTime(checkDate(status.revocationTime, 'revocationTime'));
      if (status.reason !== undefined && !isCrlReason(status.reason)) {
        throw new PkiError('ERR_INVALID_ARGUMENT', `Unknown revocation reason ${String(status.reason)}`);
      }
      certStatus =
        status.reason === undefined || status.reason === 'unspecified'
          ? derTlv(0xa1, time)
          : derTlv(0xa1, time, derExplicit(0, Uint8Array.of(0x0a, 0x01, CRL_REASON_CODES[status.reason])));
      break;
    }
    default:
      throw new PkiError('ERR_INVALID_ARGUMENT', 'Certificate status must be good, revoked or unknown');
  }
  const parts = [
    encodeCertId(response.certId),
    certStatus,
    derGeneralizedTime(checkDate(response.thisUpdate, 'thisUpdate')),
  ];
  if (response.nextUpdate !== undefined) {
    parts.push(derExplicit(0, derGeneralizedTime(checkDate(response.nextUpdate, 'nextUpdate'))));
  }
  return derSequence(...parts);
}

/**
 * Prepares a responder: checks the key, encodes ResponderID, the signature AlgorithmIdentifier
 * and the `certs` field once.
 * @throws {PkiError} `ERR_CERTIFICATE_INVALID`, `ERR_INVALID_ARGUMENT`, `ERR_UNSUPPORTED_ALGORITHM`.
 * @example
 * ```ts
 * const responder = await prepareOcspResponder({ responderCertificate: ocspCertPem, responderKey });
 * const der = await responder.sign({
 *   responses: [{ certId: req.certIds[0], status: { type: 'good' }, thisUpdate: new Date() }],
 *   nonce: req.nonce,
 *   nonceEncoding: req.nonceEncoding,
 * });
 * ```
 */
export async function prepareOcspResponder(options: OcspResponderOptions): Promise<OcspResponder> {
  if (!options || typeof options !== 'object')
    throw new PkiError('ERR_INVALID_ARGUMENT', 'Options are required');
  const signer = prepareSigner(options.responderKey);
  const cert = readCertificateFields(options.responderCertificate);
  const idType = options.responderId ?? 'byKey';
  let responderIdDer: Uint8Array;
  if (idType === 'byKey') {
    const keyHash = new Uint8Array(
      await getCrypto().subtle.digest('SHA-1', cert.publicKeyBits as BufferSource),
    );
    responderIdDer = derExplicit(2, derOctetString(keyHash));
  } else if (idType === 'byName') {
    responderIdDer = derExplicit(1, cert.subjectDer);
  } else {
    throw new PkiError('ERR_INVALID_ARGUMENT', 'responderId must be byKey or byName');
  }
  const certs: Uint8Array[] = [];
  if (options.includeResponderCertificate !== false) certs.push(cert.der);
  for (const c of options.certificates ?? []) certs.push(certificateToDer(c));
  const certsField = certs.length ? derExplicit(0, derSequence(...certs)) : new Uint8Array(0);
  const responseTypeOid = derOid(OCSP_BASIC_RESPONSE_OID);
  const successful = derEnumerated(0);

  return {
    certificate: cert.der,
    responderIdDer,
    async sign(content) {
      if (!content || !Array.isArray(content.responses) || content.responses.length === 0) {
        throw new PkiError('ERR_INVALID_ARGUMENT', 'At least one SingleResponse is required');
      }
      const producedAt =
        content.producedAt === undefined ? now() : checkDate(content.producedAt, 'producedAt');
      const tbsParts = [
        responderIdDer,
        derGeneralizedTime(producedAt),
        derSequence(...content.responses.map(encodeSingleResponse)),
      ];
      if (content.nonce !== undefined) {
        if (!(content.nonce instanceof Uint8Array) || content.nonce.length === 0) {
          throw new PkiError('ERR_INVALID_ARGUMENT', 'nonce must be non-empty bytes');
        }
        tbsParts.push(
          derExplicit(1, derSequence(encodeNonceExtension(content.nonce, content.nonceEncoding))),
        );
      }
      const tbs = derSequence(...tbsParts);
      const signature = await signer.sign(tbs);
      const basic = derSequence(tbs, signer.algorithmIdentifier, derBitString(signature), certsField);
      return derSequence(successful, derExplicit(0, derSequence(responseTypeOid, derOctetString(basic))));
    },
  };
}

/**
 * Builds and signs a `successful` OCSP response (BasicOCSPResponse). For many responses with the
 * same responder, {@link prepareOcspResponder} avoids redoing the fixed parts.
 * @throws {PkiError} `ERR_INVALID_ARGUMENT`, `ERR_CERTIFICATE_INVALID`, `ERR_UNSUPPORTED_ALGORITHM`.
 * @example
 * ```ts
 * const req = parseOcspRequest(body);
 * const der = await buildOcspResponse({
 *   responderCertificate: ocspCertPem,
 *   responderKey,
 *   responses: req.certIds.map((certId) => ({ certId, status: { type: 'good' }, thisUpdate: new Date() })),
 *   nonce: req.nonce,
 *   nonceEncoding: req.nonceEncoding,
 * });
 * ```
 */
export async function buildOcspResponse(options: BuildOcspResponseOptions): Promise<Uint8Array> {
  const responder = await prepareOcspResponder(options);
  return responder.sign(options);
}

/**
 * An unsigned error response (RFC 6960 §4.2.1: no responseBytes), e.g. `malformedRequest` for
 * garbage or `unauthorized` for a CA this responder does not serve.
 * @throws {PkiError} `ERR_INVALID_ARGUMENT` for `successful` or an unknown status.
 */
export function buildOcspErrorResponse(status: Exclude<OcspResponseStatus, 'successful'>): Uint8Array {
  const code = OCSP_RESPONSE_STATUS_CODES[status as OcspResponseStatus];
  if (code === undefined || code === 0 || !Object.hasOwn(OCSP_RESPONSE_STATUS_CODES, status)) {
    throw new PkiError('ERR_INVALID_ARGUMENT', `Not an OCSP error status: ${String(status)}`);
  }
  return Uint8Array.of(0x30, 0x03, 0x0a, 0x01, code);
}
