/**
 * OCSP requests (RFC 6960 §4.1): creating them (as a relying party or test client does) and
 * parsing them from untrusted input (as the responder does).
 *
 * ```asn1
 * OCSPRequest ::= SEQUENCE {
 *     tbsRequest              TBSRequest,
 *     optionalSignature   [0] EXPLICIT Signature OPTIONAL }
 *
 * TBSRequest ::= SEQUENCE {
 *     version             [0] EXPLICIT Version DEFAULT v1,
 *     requestorName       [1] EXPLICIT GeneralName OPTIONAL,
 *     requestList             SEQUENCE OF Request,
 *     requestExtensions   [2] EXPLICIT Extensions OPTIONAL }
 *
 * Request ::= SEQUENCE {
 *     reqCert                     CertID,
 *     singleRequestExtensions [0] EXPLICIT Extensions OPTIONAL }
 * ```
 */

import { randomBytes } from '../crypto-provider.js';
import { type BytesLike, bytesEqual } from '../der/encoding.js';
import { contextTag, DER_TAG, DerReader, derInput, readExtensions, withDerErrors } from '../der/reader.js';
import { derExplicit, derSequence } from '../der/writer.js';
import { PkiError } from '../errors.js';
import type { CertificateInput } from '../x509/certificate.js';
import { readCertificateFields } from '../x509/certificate-fields.js';
import {
  encodeCertId,
  type OcspCertId,
  type OcspHashAlgorithm,
  prepareOcspIssuer,
  readCertId,
} from './cert-id.js';
import {
  decodeNonce,
  encodeNonceExtension,
  OCSP_NONCE_DEFAULT_LENGTH,
  OCSP_NONCE_OID,
  type OcspNonceEncoding,
} from './nonce.js';

/** A certificate to ask about, with the certificate of its issuer. */
export interface OcspRequestTarget {
  /** The certificate whose status is asked. */
  certificate: CertificateInput;
  /** The certificate of the CA that issued it. */
  issuer: CertificateInput;
}

/** Options of {@link createOcspRequest}: `certificates`, or one `certificate` + `issuer`. */
export interface CreateOcspRequestOptions {
  /** Several certificates in one request. */
  certificates?: readonly OcspRequestTarget[];
  /** One certificate (with `issuer`). */
  certificate?: CertificateInput;
  /** The issuer of `certificate`. */
  issuer?: CertificateInput;
  /** CertID hash algorithm (default `SHA-1`, what RFC 5019 clients and OpenSSL use). */
  hash?: OcspHashAlgorithm;
  /**
   * Nonce: `true` (default) for 8 random octets as NCA clients send, `false` for none (the
   * response may then come from a cache), or the octets to send (1..128).
   */
  nonce?: boolean | Uint8Array;
}

/** What {@link createOcspRequest} returns. */
export interface CreatedOcspRequest {
  /** The DER request (POST body, or base64 in a GET URL). */
  der: Uint8Array;
  /** The nonce value sent, to check the response with. */
  nonce?: Uint8Array;
  /** The CertIDs asked about, in order. */
  certIds: OcspCertId[];
}

/** An extension as listed by the parsers. */
export interface OcspExtensionInfo {
  /** extnID. */
  oid: string;
  /** critical flag. */
  critical: boolean;
}

/** A parsed OCSP request. */
export interface OcspRequestInfo {
  /** Always 1 (v1): other versions are rejected. */
  version: number;
  /** The CertIDs asked about, in request order (never empty). */
  certIds: OcspCertId[];
  /** The nonce value, when the request has the nonce extension. */
  nonce?: Uint8Array;
  /** How the nonce was encoded; pass it to the response builder to echo it exactly. */
  nonceEncoding?: OcspNonceEncoding;
  /** requestExtensions (nonce included). */
  extensions: OcspExtensionInfo[];
  /** `true` when the request carries optionalSignature (not verified here). */
  signed: boolean;
  /** `true` when the request names its requestor. */
  hasRequestorName: boolean;
}

/**
 * Builds an OCSP request.
 * @throws {PkiError} `ERR_INVALID_ARGUMENT` when no certificate is given, a certificate's issuer
 *   name is not the given issuer's subject, or the nonce is out of range;
 *   `ERR_CERTIFICATE_INVALID` for malformed certificates.
 * @example
 * ```ts
 * const { der, nonce } = await createOcspRequest({ certificate: leafPem, issuer: caPem, hash: 'SHA-256' });
 * const res = await fetch(ocspUrl, { method: 'POST', headers: { 'content-type': 'application/ocsp-request' }, body: der });
 * const check = await verifyOcspResponse(new Uint8Array(await res.arrayBuffer()), { issuer: caPem, nonce });
 * ```
 */
export async function createOcspRequest(options: CreateOcspRequestOptions): Promise<CreatedOcspRequest> {
  if (!options || typeof options !== 'object')
    throw new PkiError('ERR_INVALID_ARGUMENT', 'Options are required');
  const targets: OcspRequestTarget[] = [...(options.certificates ?? [])];
  if (options.certificate !== undefined || options.issuer !== undefined) {
    if (options.certificate === undefined || options.issuer === undefined) {
      throw new PkiError('ERR_INVALID_ARGUMENT', 'Give both certificate and issuer');
    }
    targets.push({ certificate: options.certificate, issuer: options.issuer });
  }
  if (targets.length === 0) throw new PkiError('ERR_INVALID_ARGUMENT', 'No certificate to ask about');
  const hash = options.hash ?? 'SHA-1';

  const issuers = new Map<CertificateInput, Awaited<ReturnType<typeof prepareOcspIssuer>>>();
  const certIds: OcspCertId[] = [];
  for (const t of targets) {
    let issuer = issuers.get(t.issuer);
    if (!issuer) {
      issuer = await prepareOcspIssuer(t.issuer);
      issuers.set(t.issuer, issuer);
    }
    const cert = readCertificateFields(t.certificate);
    if (!bytesEqual(cert.issuerDer, issuer.certificate.subjectDer)) {
      throw new PkiError(
        'ERR_INVALID_ARGUMENT',
        "The certificate's issuer is not the given issuer certificate",
      );
    }
    certIds.push(issuer.certId(cert.serialHex, hash));
  }

  let nonce: Uint8Array | undefined;
  if (options.nonce instanceof Uint8Array) {
    if (options.nonce.length < 1 || options.nonce.length > 128) {
      throw new PkiError('ERR_INVALID_ARGUMENT', 'A nonce has 1 to 128 octets');
    }
    nonce = options.nonce.slice();
  } else if (options.nonce !== false) nonce = randomBytes(OCSP_NONCE_DEFAULT_LENGTH);

  const requestList = derSequence(...certIds.map((id) => derSequence(encodeCertId(id))));
  const tbs = nonce
    ? derSequence(requestList, derExplicit(2, derSequence(encodeNonceExtension(nonce))))
    : derSequence(requestList);
  const der = derSequence(tbs);
  return nonce ? { der, nonce, certIds } : { der, certIds };
}

/**
 * Parses an OCSP request from untrusted input: DER bytes (a POST body), or text holding the
 * base64 of the DER, URL-encoded or not (the last path segment of an RFC 5019 §5 GET request).
 * @throws {PkiError} `ERR_OCSP_REQUEST_INVALID` for anything but a well-formed v1 request with at
 *   least one CertID (the responder answers `malformedRequest`).
 * @example
 * ```ts
 * let req: OcspRequestInfo;
 * try { req = parseOcspRequest(body); } catch { return buildOcspErrorResponse('malformedRequest'); }
 * ```
 */
export function parseOcspRequest(input: BytesLike | string): OcspRequestInfo {
  let source = input;
  if (typeof source === 'string' && source.includes('%')) {
    try {
      source = decodeURIComponent(source);
    } catch (cause) {
      throw new PkiError('ERR_OCSP_REQUEST_INVALID', 'Malformed URL encoding of the OCSP request', { cause });
    }
  }
  const der = derInput(source, 'OCSP REQUEST', 'ERR_OCSP_REQUEST_INVALID', 'OCSP request');
  return withDerErrors('ERR_OCSP_REQUEST_INVALID', 'OCSP request', () => {
    const r: DerReader = new DerReader(der, 'ERR_OCSP_REQUEST_INVALID', 'OCSP request');
    const root = r.root(DER_TAG.SEQUENCE, 'OCSPRequest');
    const tbs = r.expect(root.contentStart, root.end, DER_TAG.SEQUENCE, 'TBSRequest');
    let signed = false;
    if (tbs.end < root.end) {
      const sig = r.expect(tbs.end, root.end, contextTag(0), 'optionalSignature');
      if (sig.end !== root.end) r.fail('trailing data in OCSPRequest', sig.end);
      r.expect(sig.contentStart, sig.end, DER_TAG.SEQUENCE, 'Signature');
      signed = true;
    }
    const info: OcspRequestInfo = {
      version: 1,
      certIds: [],
      extensions: [],
      signed,
      hasRequestorName: false,
    };
    const parts = r.childList(tbs);
    let i = 0;
    if (parts[i]?.tag === contextTag(0)) {
      const v = r.expect(parts[i]!.contentStart, parts[i]!.end, DER_TAG.INTEGER, 'version');
      if (r.smallInteger(v, 'version') !== 0) r.fail('unsupported OCSP request version', v.start);
      i++;
    }
    if (parts[i]?.tag === contextTag(1)) {
      info.hasRequestorName = true;
      i++;
    }
    const list = parts[i++];
    if (!list || list.tag !== DER_TAG.SEQUENCE) r.fail('expected requestList', tbs.start);
    for (const req of r.children(list)) {
      if (req.tag !== DER_TAG.SEQUENCE) r.fail('expected Request', req.start);
      const certIdEl = r.read(req.contentStart, req.end);
      info.certIds.push(readCertId(r, certIdEl));
      if (certIdEl.end < req.end) {
        const ext = r.expect(certIdEl.end, req.end, contextTag(0), 'singleRequestExtensions');
        if (ext.end !== req.end) r.fail('trailing data in Request', ext.end);
        readExtensions(r, r.read(ext.contentStart, ext.end));
      }
    }
    if (info.certIds.length === 0) r.fail('empty requestList', list.start);
    const extsEl = parts[i++];
    if (extsEl) {
      if (extsEl.tag !== contextTag(2)) r.fail('unexpected element in TBSRequest', extsEl.start);
      const exts = r.read(extsEl.contentStart, extsEl.end);
      for (const ext of readExtensions(r, exts)) {
        if (info.extensions.some((e) => e.oid === ext.oid))
          r.fail(`duplicate extension ${ext.oid}`, exts.start);
        info.extensions.push({ oid: ext.oid, critical: ext.critical });
        if (ext.oid === OCSP_NONCE_OID) {
          const { value, encoding } = decodeNonce(der.subarray(ext.value.start, ext.value.end));
          if (value.length === 0) r.fail('empty nonce', ext.value.start);
          info.nonce = value;
          info.nonceEncoding = encoding;
        }
      }
    }
    if (i < parts.length) r.fail('unexpected element in TBSRequest', parts[i]!.start);
    return info;
  });
}
