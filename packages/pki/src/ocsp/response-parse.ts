/**
 * Parsing OCSP responses (RFC 6960 §4.2; the ASN.1 is quoted in `ocsp/response.ts`) from
 * untrusted bytes into plain values. Signatures are checked by `verifyOcspResponse`.
 */
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { type CrlReason, crlReasonFromCode } from '../crl/reason.js';
import { type BytesLike, toArrayBuffer, toHex } from '../der/encoding.js';
import {
  contextPrimitiveTag,
  contextTag,
  DER_TAG,
  type DerElement,
  DerReader,
  derInput,
  readExtensions,
  withDerErrors,
} from '../der/reader.js';
import { EXTENSION_OIDS } from '../x509/extension-oids.js';
import { type OcspCertId, readCertId } from './cert-id.js';
import { decodeNonce, OCSP_NONCE_OID, type OcspNonceEncoding } from './nonce.js';
import type { OcspExtensionInfo } from './request.js';
import { OCSP_BASIC_RESPONSE_OID, OCSP_RESPONSE_STATUS_CODES, type OcspResponseStatus } from './response.js';

/** id-pkix-ocsp-extended-revoke (RFC 6960 §4.4.8). */
const EXTENDED_REVOKE_OID = EXTENSION_OIDS.ocspExtendedRevoke;

const STATUS_BY_CODE = new Map<number, OcspResponseStatus>(
  Object.entries(OCSP_RESPONSE_STATUS_CODES).map(([k, v]) => [v, k as OcspResponseStatus]),
);

/** A certificate status as read from a response. */
export type OcspCertStatusInfo =
  | { type: 'good' }
  | { type: 'revoked'; revocationTime: Date; reason?: CrlReason }
  | { type: 'unknown' };

/** One SingleResponse. */
export interface OcspSingleResponseInfo {
  /** The CertID (with its exact octets in `der`). */
  certId: OcspCertId;
  /** good / revoked (time, reason) / unknown. */
  status: OcspCertStatusInfo;
  /** thisUpdate. */
  thisUpdate: Date;
  /** nextUpdate, when present. */
  nextUpdate?: Date;
  /** singleExtensions. */
  extensions: OcspExtensionInfo[];
}

/** How the responder identified itself. */
export type OcspResponderIdInfo =
  | {
      type: 'byName';
      /** The Name (for `decodeName` / `formatName`). */
      name: pkijs.RelativeDistinguishedNames;
      /** The Name exactly as encoded. */
      nameDer: Uint8Array;
    }
  | {
      type: 'byKey';
      /** SHA-1 of the responder's public key, hex. */
      keyHash: string;
    };

/**
 * A parsed OCSP response. For a status other than `successful` only `der` and `status` are set
 * (and `responses`/`certificates`/`extensions` are empty).
 */
export interface OcspResponseInfo {
  /** The whole response. */
  der: Uint8Array;
  /** responseStatus. */
  status: OcspResponseStatus;
  /** responseType OID (id-pkix-ocsp-basic for every response this parser accepts). */
  responseType?: string;
  /** ResponseData version (1). */
  version?: number;
  /** ResponderID. */
  responderId?: OcspResponderIdInfo;
  /** producedAt. */
  producedAt?: Date;
  /** The SingleResponses in order. */
  responses: OcspSingleResponseInfo[];
  /** The nonce value echoed, when present. */
  nonce?: Uint8Array;
  /** How the nonce was encoded. */
  nonceEncoding?: OcspNonceEncoding;
  /** `true` when the responder announces extended revoke (RFC 6960 §4.4.8). */
  extendedRevoke: boolean;
  /** responseExtensions. */
  extensions: OcspExtensionInfo[];
  /** The `certs` field: certificates as DER (usually the responder certificate). */
  certificates: Uint8Array[];
  /** The signed ResponseData bytes. */
  tbs?: Uint8Array;
  /** signatureAlgorithm OID and TLV. */
  signatureAlgorithm?: string;
  signatureAlgorithmDer?: Uint8Array;
  /** signature bits. */
  signature?: Uint8Array;
}

function readStatus(r: DerReader, el: DerElement): OcspCertStatusInfo {
  if (el.tag === contextPrimitiveTag(0)) {
    if (el.end !== el.contentStart) r.fail('good must be NULL', el.start);
    return { type: 'good' };
  }
  if (el.tag === contextPrimitiveTag(2)) {
    if (el.end !== el.contentStart) r.fail('unknown must be NULL', el.start);
    return { type: 'unknown' };
  }
  if (el.tag !== contextTag(1)) r.fail('bad CertStatus', el.start);
  const time = r.expect(el.contentStart, el.end, DER_TAG.GENERALIZED_TIME, 'revocationTime');
  const status: OcspCertStatusInfo = { type: 'revoked', revocationTime: r.time(time, 'revocationTime') };
  if (time.end < el.end) {
    const wrap = r.expect(time.end, el.end, contextTag(0), 'revocationReason');
    if (wrap.end !== el.end) r.fail('trailing data in RevokedInfo', wrap.end);
    const e = r.expect(wrap.contentStart, wrap.end, DER_TAG.ENUMERATED, 'CRLReason');
    if (e.end !== wrap.end) r.fail('trailing data in revocationReason', e.end);
    const reason = crlReasonFromCode(r.smallInteger(e, 'CRLReason'));
    if (!reason) r.fail('unknown CRLReason', e.start);
    status.reason = reason;
  }
  return status;
}

function readSingle(r: DerReader, el: DerElement): OcspSingleResponseInfo {
  if (el.tag !== DER_TAG.SEQUENCE) r.fail('expected SingleResponse', el.start);
  const parts = r.childList(el);
  const [idEl, statusEl, thisEl] = parts;
  if (!idEl || !statusEl || !thisEl) r.fail('incomplete SingleResponse', el.start);
  if (thisEl.tag !== DER_TAG.GENERALIZED_TIME) r.fail('thisUpdate must be GeneralizedTime', thisEl.start);
  const single: OcspSingleResponseInfo = {
    certId: readCertId(r, idEl),
    status: readStatus(r, statusEl),
    thisUpdate: r.time(thisEl, 'thisUpdate'),
    extensions: [],
  };
  let i = 3;
  if (parts[i]?.tag === contextTag(0)) {
    const t = r.expect(parts[i]!.contentStart, parts[i]!.end, DER_TAG.GENERALIZED_TIME, 'nextUpdate');
    single.nextUpdate = r.time(t, 'nextUpdate');
    i++;
  }
  if (parts[i]?.tag === contextTag(1)) {
    single.extensions = readExtensions(r, r.read(parts[i]!.contentStart, parts[i]!.end)).map((x) => ({
      oid: x.oid,
      critical: x.critical,
    }));
    i++;
  }
  if (i !== parts.length) r.fail('unexpected element in SingleResponse', parts[i]!.start);
  return single;
}

/**
 * Parses an OCSP response.
 * @throws {PkiError} `ERR_OCSP_RESPONSE_INVALID` for anything that is not a well-formed response
 *   (a successful one must be a BasicOCSPResponse).
 * @example
 * ```ts
 * const res = parseOcspResponse(der);
 * if (res.status === 'successful') console.log(res.responses[0]?.status.type);
 * ```
 */
export function parseOcspResponse(input: BytesLike | string): OcspResponseInfo {
  const der = derInput(input, 'OCSP RESPONSE', 'ERR_OCSP_RESPONSE_INVALID', 'OCSP response');
  return withDerErrors('ERR_OCSP_RESPONSE_INVALID', 'OCSP response', () => {
    const r: DerReader = new DerReader(der, 'ERR_OCSP_RESPONSE_INVALID', 'OCSP response');
    const root = r.root(DER_TAG.SEQUENCE, 'OCSPResponse');
    const statusEl = r.expect(root.contentStart, root.end, DER_TAG.ENUMERATED, 'responseStatus');
    const status = STATUS_BY_CODE.get(r.smallInteger(statusEl, 'responseStatus'));
    if (!status) r.fail('unknown responseStatus', statusEl.start);
    const info: OcspResponseInfo = {
      der,
      status,
      responses: [],
      extendedRevoke: false,
      extensions: [],
      certificates: [],
    };
    if (statusEl.end === root.end) {
      if (status === 'successful') r.fail('successful response without responseBytes', root.start);
      return info;
    }
    const bytesWrap = r.expect(statusEl.end, root.end, contextTag(0), 'responseBytes');
    if (bytesWrap.end !== root.end) r.fail('trailing data in OCSPResponse', bytesWrap.end);
    const rb = r.expect(bytesWrap.contentStart, bytesWrap.end, DER_TAG.SEQUENCE, 'ResponseBytes');
    if (rb.end !== bytesWrap.end) r.fail('bad responseBytes', rb.end);
    const typeEl = r.read(rb.contentStart, rb.end);
    info.responseType = r.oid(typeEl);
    const octets = r.expect(typeEl.end, rb.end, DER_TAG.OCTET_STRING, 'response');
    if (octets.end !== rb.end) r.fail('trailing data in ResponseBytes', octets.end);
    if (info.responseType !== OCSP_BASIC_RESPONSE_OID)
      r.fail(`unsupported responseType ${info.responseType}`, typeEl.start);

    const basic = r.expect(octets.contentStart, octets.end, DER_TAG.SEQUENCE, 'BasicOCSPResponse');
    if (basic.end !== octets.end) r.fail('trailing data in response', basic.end);
    const [tbsEl, algEl, sigEl, certsEl, extra] = r.childList(basic);
    if (!tbsEl || !algEl || !sigEl || extra) r.fail('bad BasicOCSPResponse', basic.start);
    if (tbsEl.tag !== DER_TAG.SEQUENCE || algEl.tag !== DER_TAG.SEQUENCE)
      r.fail('bad BasicOCSPResponse', basic.start);
    info.tbs = r.tlv(tbsEl);
    info.signatureAlgorithmDer = r.tlv(algEl);
    info.signatureAlgorithm = r.oid(r.read(algEl.contentStart, algEl.end));
    info.signature = r.bitStringBytes(sigEl, 'signature');
    if (certsEl) {
      if (certsEl.tag !== contextTag(0)) r.fail('bad certs', certsEl.start);
      const seq = r.expect(certsEl.contentStart, certsEl.end, DER_TAG.SEQUENCE, 'certs');
      for (const c of r.children(seq)) {
        if (c.tag !== DER_TAG.SEQUENCE) r.fail('bad certificate in certs', c.start);
        info.certificates.push(r.tlv(c));
      }
    }

    const parts = r.childList(tbsEl);
    let i = 0;
    info.version = 1;
    if (parts[i]?.tag === contextTag(0)) {
      const v = r.expect(parts[i]!.contentStart, parts[i]!.end, DER_TAG.INTEGER, 'version');
      if (r.smallInteger(v, 'version') !== 0) r.fail('unsupported ResponseData version', v.start);
      i++;
    }
    const idEl = parts[i++];
    if (idEl?.tag === contextTag(1)) {
      const nameEl = r.expect(idEl.contentStart, idEl.end, DER_TAG.SEQUENCE, 'byName');
      const nameDer = r.tlv(nameEl);
      info.responderId = {
        type: 'byName',
        nameDer,
        name: new pkijs.RelativeDistinguishedNames({ schema: asn1js.fromBER(toArrayBuffer(nameDer)).result }),
      };
    } else if (idEl?.tag === contextTag(2)) {
      const k = r.expect(idEl.contentStart, idEl.end, DER_TAG.OCTET_STRING, 'byKey');
      info.responderId = { type: 'byKey', keyHash: toHex(r.content(k)) };
    } else r.fail('bad ResponderID', idEl?.start ?? tbsEl.start);
    const producedEl = parts[i++];
    if (!producedEl || producedEl.tag !== DER_TAG.GENERALIZED_TIME) r.fail('bad producedAt', tbsEl.start);
    info.producedAt = r.time(producedEl, 'producedAt');
    const list = parts[i++];
    if (!list || list.tag !== DER_TAG.SEQUENCE) r.fail('bad responses', tbsEl.start);
    for (const s of r.children(list)) info.responses.push(readSingle(r, s));
    const extsEl = parts[i];
    if (extsEl?.tag === contextTag(1)) {
      i++;
      for (const ext of readExtensions(r, r.read(extsEl.contentStart, extsEl.end))) {
        info.extensions.push({ oid: ext.oid, critical: ext.critical });
        if (ext.oid === OCSP_NONCE_OID) {
          const { value, encoding } = decodeNonce(der.subarray(ext.value.start, ext.value.end));
          info.nonce = value;
          info.nonceEncoding = encoding;
        } else if (ext.oid === EXTENDED_REVOKE_OID) info.extendedRevoke = true;
      }
    }
    if (i !== parts.length) r.fail('unexpected element in ResponseData', parts[i]!.start);
    return info;
  });
}
