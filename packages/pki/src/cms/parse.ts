/**
 * Reading CMS SignedData (RFC 5652 §5) into a plain description that keeps the exact bytes of
 * every part: verification needs the signed attributes exactly as signed, and adding a signer or a
 * timestamp must copy the other SignerInfos, certificates and CRLs unchanged.
 *
 * Structure and field decoding are pkijs's (`ContentInfo`, `SignedData`, `SignerInfo`); the byte
 * ranges come from the asn1js tree pkijs was built from. BER input (indefinite lengths, constructed
 * OCTET STRINGs, as some Java providers write) is accepted.
 *
 * ```asn1
 * ContentInfo ::= SEQUENCE {
 *   contentType ContentType,
 *   content [0] EXPLICIT ANY DEFINED BY contentType }
 *
 * SignedData ::= SEQUENCE {
 *   version CMSVersion,
 *   digestAlgorithms DigestAlgorithmIdentifiers,
 *   encapContentInfo EncapsulatedContentInfo,
 *   certificates [0] IMPLICIT CertificateSet OPTIONAL,
 *   crls [1] IMPLICIT RevocationInfoChoices OPTIONAL,
 *   signerInfos SignerInfos }
 *
 * EncapsulatedContentInfo ::= SEQUENCE {
 *   eContentType ContentType,
 *   eContent [0] EXPLICIT OCTET STRING OPTIONAL }
 *
 * SignerInfo ::= SEQUENCE {
 *   version CMSVersion,
 *   sid SignerIdentifier,
 *   digestAlgorithm DigestAlgorithmIdentifier,
 *   signedAttrs [0] IMPLICIT SignedAttributes OPTIONAL,
 *   signatureAlgorithm SignatureAlgorithmIdentifier,
 *   signature SignatureValue,
 *   unsignedAttrs [1] IMPLICIT UnsignedAttributes OPTIONAL }
 *
 * SignerIdentifier ::= CHOICE {
 *   issuerAndSerialNumber IssuerAndSerialNumber,
 *   subjectKeyIdentifier [0] SubjectKeyIdentifier }
 *
 * Attribute ::= SEQUENCE {
 *   attrType OBJECT IDENTIFIER,
 *   attrValues SET OF AttributeValue }
 * ```
 */
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { decodeAsn1 } from '../der/asn1-decode.js';
import { type BytesLike, toHex } from '../der/encoding.js';
import { contextTag, DER_TAG, type DerElement, DerReader, derInput } from '../der/reader.js';
import { normalizeSerialHex } from '../der/serial.js';
import { PkiError } from '../errors.js';
import { readAlgorithmIdentifier } from '../signature/algorithms.js';
import { type DigestName, digestNameOfOid } from './digest.js';
import { CMS_ATTRIBUTES, CMS_CONTENT_TYPES } from './oids.js';

/** One attribute of a SignerInfo: its type and the encodings of its values. */
export interface CmsAttribute {
  /** attrType. */
  oid: string;
  /** Each AttributeValue's TLV, exactly as found. */
  values: Uint8Array[];
}

/** An AlgorithmIdentifier: its OID and its exact TLV. */
export interface CmsAlgorithm {
  oid: string;
  der: Uint8Array;
}

/** How a SignerInfo names its certificate. */
export type CmsSignerId =
  | {
      type: 'issuerAndSerialNumber';
      /** The issuer Name TLV. */
      issuer: Uint8Array;
      /** Serial number, canonical lower-case hex. */
      serialNumber: string;
    }
  | {
      type: 'subjectKeyIdentifier';
      /** The SubjectKeyIdentifier octets. */
      keyId: Uint8Array;
    };

/** One SignerInfo as found in the SignedData. */
export interface CmsSignerInfo {
  /** Position in signerInfos (0 = first). */
  index: number;
  /** CMSVersion: 1 with issuerAndSerialNumber, 3 with subjectKeyIdentifier. */
  version: number;
  sid: CmsSignerId;
  digestAlgorithm: CmsAlgorithm & { name?: DigestName };
  signatureAlgorithm: CmsAlgorithm;
  /** SignatureValue octets. */
  signature: Uint8Array;
  /**
   * The signed attributes: the DER the signature covers (the `[0] IMPLICIT` field re-tagged as
   * `SET OF`, RFC 5652 §5.4) and the attributes in it.
   */
  signedAttributes?: { der: Uint8Array; attributes: CmsAttribute[] };
  /** Unsigned attributes (empty when absent). */
  unsignedAttributes: CmsAttribute[];
  /** id-contentType attribute value. */
  contentType?: string;
  /** id-messageDigest attribute value. */
  messageDigest?: Uint8Array;
  /** id-signingTime attribute value. */
  signingTime?: Date;
  /** Every id-aa-signatureTimeStampToken value (a TimeStampToken, ContentInfo TLV), in order. */
  timestampTokens: Uint8Array[];
  /** This SignerInfo's TLV, exactly as found. */
  der: Uint8Array;
}

/** A CMS SignedData, read by {@link parseCms}. */
export interface CmsSignedData {
  /** The ContentInfo bytes that were read. */
  der: Uint8Array;
  /** SignedData version. */
  version: number;
  /** eContentType (id-data for documents, id-ct-TSTInfo for timestamp tokens). */
  contentType: string;
  /** The eContent octets; absent for a detached signature. */
  content?: Uint8Array;
  /** `true` when the content is not inside (a detached signature). */
  detached: boolean;
  /** digestAlgorithms. */
  digestAlgorithms: CmsAlgorithm[];
  /** The X.509 certificates of the certificates field (DER), in order; other choices are skipped. */
  certificates: Uint8Array[];
  /** The X.509 CRLs of the crls field (DER), in order; other choices are skipped. */
  crls: Uint8Array[];
  signers: CmsSignerInfo[];
  /** Exact TLVs of the parts, for re-assembling the SignedData without touching them. */
  raw: {
    digestAlgorithms: Uint8Array[];
    encapContentInfo: Uint8Array;
    /** Every CertificateChoices element (X.509 or not). */
    certificates: Uint8Array[];
    /** Every RevocationInfoChoice element. */
    crls: Uint8Array[];
    signerInfos: Uint8Array[];
  };
}

/** Limits on what is read from untrusted input. */
const MAX_SIGNERS = 64;

function fail(message: string, cause?: unknown): never {
  throw new PkiError('ERR_CMS_INVALID', `Malformed CMS: ${message}`, cause === undefined ? {} : { cause });
}

/** The exact TLV of an asn1js element. */
export function tlvOf(el: asn1js.AsnType): Uint8Array {
  return new Uint8Array((el as asn1js.BaseBlock).valueBeforeDecodeView);
}

/** The content octets of an OCTET STRING, primitive or constructed (BER, X.690 §8.7.3). */
export function octetsOf(el: asn1js.AsnType, depth = 0): Uint8Array {
  if (
    !(el instanceof asn1js.OctetString) &&
    !(el instanceof asn1js.Constructed) &&
    !(el instanceof asn1js.Primitive)
  ) {
    fail('expected an OCTET STRING');
  }
  const block = el as asn1js.OctetString;
  if (!block.idBlock.isConstructed) return new Uint8Array(block.valueBlock.valueHexView);
  if (depth > 8) fail('OCTET STRING nested too deeply');
  const parts = (block.valueBlock as unknown as { value: asn1js.AsnType[] }).value.map((p) =>
    octetsOf(p, depth + 1),
  );
  let len = 0;
  for (const p of parts) len += p.length;
  const out = new Uint8Array(len);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

function children(el: asn1js.AsnType): asn1js.AsnType[] {
  const value = (el as asn1js.Constructed).valueBlock?.value;
  if (!Array.isArray(value)) fail('expected a constructed element');
  return value;
}

function isContext(el: asn1js.AsnType, n: number): boolean {
  return el.idBlock.tagClass === 3 && el.idBlock.tagNumber === n;
}

function isUniversal(el: asn1js.AsnType, n: number): boolean {
  return el.idBlock.tagClass === 1 && el.idBlock.tagNumber === n;
}

function readAttributes(el: asn1js.AsnType): CmsAttribute[] {
  return children(el).map((attr) => {
    const [type, values, ...extra] = children(attr);
    if (
      !(type instanceof asn1js.ObjectIdentifier) ||
      !values ||
      !isUniversal(values, 17) ||
      extra.length > 0
    ) {
      fail('bad Attribute');
    }
    return { oid: type.valueBlock.toString(), values: children(values).map(tlvOf) };
  });
}

function single(attrs: CmsAttribute[], oid: string): Uint8Array | undefined {
  const found = attrs.filter((a) => a.oid === oid);
  if (found.length === 0) return undefined;
  // RFC 5652 §11.1-§11.3: these attributes occur once, with exactly one value.
  if (found.length > 1 || found[0]!.values.length !== 1) fail(`attribute ${oid} must have one value`);
  return found[0]!.values[0];
}

function decodeOne(der: Uint8Array, what: string): asn1js.AsnType {
  const el = decodeAsn1(der);
  if (!el) fail(`bad ${what}`);
  return el;
}

function readSignerInfo(el: asn1js.AsnType, index: number): CmsSignerInfo {
  let info: pkijs.SignerInfo;
  try {
    info = new pkijs.SignerInfo({ schema: el });
  } catch (cause) {
    fail(`SignerInfo ${index} does not match its definition`, cause);
  }
  const parts = children(el);
  // version, sid, digestAlgorithm, [0] signedAttrs?, signatureAlgorithm, signature, [1] unsignedAttrs?
  const digestEl = parts[2]!;
  const hasSigned = parts[3] !== undefined && isContext(parts[3], 0);
  const sigAlgEl = parts[hasSigned ? 4 : 3];
  if (!sigAlgEl) fail(`SignerInfo ${index} lacks a signature algorithm`);
  let sid: CmsSignerId;
  if (info.sid instanceof pkijs.IssuerAndSerialNumber) {
    sid = {
      type: 'issuerAndSerialNumber',
      issuer: tlvOf(children(parts[1]!)[0]!),
      serialNumber: normalizeSerialHex(toHex(info.sid.serialNumber.valueBlock.valueHexView)),
    };
  } else {
    const keyId = info.sid as asn1js.AsnType;
    if (!isContext(keyId, 0)) fail(`SignerInfo ${index} has an unknown SignerIdentifier`);
    sid = { type: 'subjectKeyIdentifier', keyId: octetsOf(keyId) };
  }
  let signedAttributes: CmsSignerInfo['signedAttributes'];
  if (hasSigned) {
    const der = new Uint8Array(info.signedAttrs!.encodedValue); // re-tagged SET OF (0x31) by pkijs
    signedAttributes = { der, attributes: readAttributes(parts[3]!) };
  }
  const last = parts[parts.length - 1]!;
  const unsignedAttributes = isContext(last, 1) ? readAttributes(last) : [];
  const digestOid = info.digestAlgorithm.algorithmId;
  const out: CmsSignerInfo = {
    index,
    version: info.version,
    sid,
    digestAlgorithm: { oid: digestOid, der: tlvOf(digestEl) },
    signatureAlgorithm: { oid: info.signatureAlgorithm.algorithmId, der: tlvOf(sigAlgEl) },
    signature: octetsOf(info.signature),
    ...(signedAttributes ? { signedAttributes } : {}),
    unsignedAttributes,
    timestampTokens: unsignedAttributes
      .filter((a) => a.oid === CMS_ATTRIBUTES.signatureTimeStampToken)
      .flatMap((a) => a.values),
    der: tlvOf(el),
  };
  const name = digestNameOfOid(digestOid);
  if (name) out.digestAlgorithm.name = name;
  if (signedAttributes) {
    const attrs = signedAttributes.attributes;
    const ct = single(attrs, CMS_ATTRIBUTES.contentType);
    if (ct) {
      const v = decodeOne(ct, 'contentType attribute');
      if (!(v instanceof asn1js.ObjectIdentifier)) fail('contentType attribute is not an OID');
      out.contentType = v.valueBlock.toString();
    }
    const md = single(attrs, CMS_ATTRIBUTES.messageDigest);
    if (md) {
      const v = decodeOne(md, 'messageDigest attribute');
      if (!(v instanceof asn1js.OctetString)) fail('messageDigest attribute is not an OCTET STRING');
      out.messageDigest = octetsOf(v);
    }
    const st = single(attrs, CMS_ATTRIBUTES.signingTime);
    if (st) {
      const v = decodeOne(st, 'signingTime attribute');
      if (!(v instanceof asn1js.UTCTime) && !(v instanceof asn1js.GeneralizedTime)) {
        fail('signingTime attribute is not a Time');
      }
      const t = v.toDate();
      if (Number.isNaN(t.getTime())) fail('signingTime attribute is not a valid time');
      out.signingTime = t;
    }
  }
  return out;
}

/**
 * Reads a CMS SignedData (a ContentInfo of type id-signedData): DER or BER bytes, PEM (`CMS`,
 * `PKCS7`), or base64 text.
 *
 * @throws {PkiError} `ERR_CMS_INVALID` when the input is not a SignedData.
 * @example
 * ```ts
 * const cms = parseCms(p7sBytes);
 * cms.detached;                    // false
 * cms.signers[0]?.signingTime;     // Date
 * new TextDecoder().decode(cms.content);
 * ```
 */
export function parseCms(input: BytesLike | string): CmsSignedData {
  const der = derInput(input, 'CMS', 'ERR_CMS_INVALID', 'CMS');
  return parseDer(der) ?? parseBer(der);
}

/**
 * The DER fast path: the envelope, certificates and CRLs are located with the package's DER
 * reader, only the SignerInfos go through asn1js/pkijs. Building the asn1js tree of a whole
 * SignedData (certificates included) costs several times the rest of a verification (measured:
 * `asn1js.fromBER` of a 3 kB CMS with two certificates ~2 ms, one SignerInfo ~0.25 ms); BER input
 * (indefinite lengths, constructed strings) or anything unexpected returns `undefined` and takes
 * the full pkijs path, which also produces the error messages.
 */
function parseDer(der: Uint8Array): CmsSignedData | undefined {
  try {
    const r: DerReader = new DerReader(der, 'ERR_CMS_INVALID', 'CMS');
    const [typeEl, wrap, more] = r.childList(r.root(DER_TAG.SEQUENCE, 'ContentInfo'));
    if (
      !typeEl ||
      !wrap ||
      more ||
      wrap.tag !== contextTag(0) ||
      r.oid(typeEl) !== CMS_CONTENT_TYPES.signedData
    ) {
      return undefined;
    }
    const inner = r.childList(wrap);
    if (inner.length !== 1 || inner[0]!.tag !== DER_TAG.SEQUENCE) return undefined;
    const parts = r.childList(inner[0]!);
    const [versionEl, digestSet, encap] = parts;
    const signerSet = parts[parts.length - 1];
    if (
      !versionEl ||
      !digestSet ||
      !encap ||
      !signerSet ||
      parts.length < 4 ||
      versionEl.tag !== DER_TAG.INTEGER ||
      digestSet.tag !== DER_TAG.SET ||
      encap.tag !== DER_TAG.SEQUENCE ||
      signerSet.tag !== DER_TAG.SET
    ) {
      return undefined;
    }
    let certsEl: DerElement | undefined;
    let crlsEl: DerElement | undefined;
    for (const p of parts.slice(3, -1)) {
      if (p.tag === contextTag(0) && !certsEl && !crlsEl) certsEl = p;
      else if (p.tag === contextTag(1) && !crlsEl) crlsEl = p;
      else return undefined;
    }
    const [ctEl, eContentEl, extra] = r.childList(encap);
    if (!ctEl || extra || (eContentEl && eContentEl.tag !== contextTag(0))) return undefined;
    let content: Uint8Array | undefined;
    if (eContentEl) {
      const octets = r.childList(eContentEl);
      if (octets.length !== 1 || octets[0]!.tag !== DER_TAG.OCTET_STRING) return undefined;
      content = r.content(octets[0]!).slice();
    }
    const digests = r.childList(digestSet);
    const rawSigners = r.childList(signerSet);
    if (rawSigners.length > MAX_SIGNERS) fail(`more than ${MAX_SIGNERS} signers`);
    const rawCerts = certsEl ? r.childList(certsEl) : [];
    const rawCrls = crlsEl ? r.childList(crlsEl) : [];
    const tlv = (el: DerElement) => r.tlv(el).slice();
    const signers = rawSigners.map((el, i) => {
      if (el.tag !== DER_TAG.SEQUENCE) fail(`SignerInfo ${i} is not a SEQUENCE`);
      const asn = decodeAsn1(r.tlv(el));
      if (!asn) fail(`SignerInfo ${i} is not DER`);
      return readSignerInfo(asn, i);
    });
    const out: CmsSignedData = {
      der,
      version: r.smallInteger(versionEl, 'version'),
      contentType: r.oid(ctEl),
      detached: content === undefined,
      digestAlgorithms: digests.map((d) => {
        const alg = r.tlv(d).slice();
        return { oid: readAlgorithmIdentifier(alg).oid, der: alg };
      }),
      certificates: rawCerts.filter((c) => c.tag === DER_TAG.SEQUENCE).map(tlv),
      crls: rawCrls.filter((c) => c.tag === DER_TAG.SEQUENCE).map(tlv),
      signers,
      raw: {
        digestAlgorithms: digests.map(tlv),
        encapContentInfo: tlv(encap),
        certificates: rawCerts.map(tlv),
        crls: rawCrls.map(tlv),
        signerInfos: rawSigners.map(tlv),
      },
    };
    if (content !== undefined) out.content = content;
    return out;
  } catch (e) {
    // Not DER as this path reads it: the pkijs path decides (and words the error).
    if (e instanceof PkiError) return undefined;
    throw e;
  }
}

function parseBer(der: Uint8Array): CmsSignedData {
  const root = decodeAsn1(der);
  if (!root) fail('not a single BER element');
  let ci: pkijs.ContentInfo;
  try {
    ci = new pkijs.ContentInfo({ schema: root });
  } catch (cause) {
    fail('not a ContentInfo', cause);
  }
  if (ci.contentType !== CMS_CONTENT_TYPES.signedData)
    fail(`content type ${ci.contentType} is not id-signedData`);
  const sdEl = ci.content as asn1js.AsnType;
  let sd: pkijs.SignedData;
  try {
    sd = new pkijs.SignedData({ schema: sdEl });
  } catch (cause) {
    fail('SignedData does not match its definition', cause);
  }
  const parts = children(sdEl);
  const digestSet = parts[1]!;
  const encap = parts[2]!;
  let certsEl: asn1js.AsnType | undefined;
  let crlsEl: asn1js.AsnType | undefined;
  for (const p of parts.slice(3, -1)) {
    if (isContext(p, 0)) certsEl = p;
    else if (isContext(p, 1)) crlsEl = p;
  }
  const signerSet = parts[parts.length - 1]!;
  const rawSigners = children(signerSet);
  if (rawSigners.length > MAX_SIGNERS) fail(`more than ${MAX_SIGNERS} signers`);

  const encapParts = children(encap);
  let content: Uint8Array | undefined;
  if (encapParts[1]) {
    const inner = children(encapParts[1])[0];
    if (!inner || !isUniversal(inner, 4)) fail('eContent is not an OCTET STRING');
    content = octetsOf(inner);
  }
  const rawCerts = certsEl ? children(certsEl) : [];
  const rawCrls = crlsEl ? children(crlsEl) : [];
  const out: CmsSignedData = {
    der,
    version: sd.version,
    contentType: sd.encapContentInfo.eContentType,
    detached: content === undefined,
    digestAlgorithms: children(digestSet).map((d, i) => ({
      oid: sd.digestAlgorithms[i]!.algorithmId,
      der: tlvOf(d),
    })),
    // CertificateChoices: certificate is a plain SEQUENCE; the other choices are tagged.
    certificates: rawCerts.filter((c) => isUniversal(c, 16)).map(tlvOf),
    // RevocationInfoChoice: crl is a plain SEQUENCE; other [1] is tagged.
    crls: rawCrls.filter((c) => isUniversal(c, 16)).map(tlvOf),
    signers: rawSigners.map(readSignerInfo),
    raw: {
      digestAlgorithms: children(digestSet).map(tlvOf),
      encapContentInfo: tlvOf(encap),
      certificates: rawCerts.map(tlvOf),
      crls: rawCrls.map(tlvOf),
      signerInfos: rawSigners.map(tlvOf),
    },
  };
  if (content !== undefined) out.content = content;
  return out;
}

/**
 * The content a CMS SignedData carries (its eContent).
 * @throws {PkiError} `ERR_CMS_CONTENT_MISSING` for a detached signature, `ERR_CMS_INVALID` for
 *   malformed input.
 * @example
 * ```ts
 * const text = new TextDecoder().decode(extractCmsContent(p7s));
 * ```
 */
export function extractCmsContent(input: BytesLike | string | CmsSignedData): Uint8Array {
  const cms = isCmsSignedData(input) ? input : parseCms(input);
  if (cms.content === undefined) {
    throw new PkiError('ERR_CMS_CONTENT_MISSING', 'The CMS is detached: it does not carry the content');
  }
  return cms.content;
}

/**
 * `true` for the result of {@link parseCms}.
 * @example
 * ```ts
 * const cms = isCmsSignedData(input) ? input : parseCms(input);
 * ```
 */
export function isCmsSignedData(value: unknown): value is CmsSignedData {
  return (
    typeof value === 'object' &&
    value !== null &&
    Array.isArray((value as CmsSignedData).signers) &&
    typeof (value as CmsSignedData).raw === 'object' &&
    (value as CmsSignedData).der instanceof Uint8Array
  );
}
