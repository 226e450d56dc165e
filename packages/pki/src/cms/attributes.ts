/**
 * The CMS and CAdES attributes this package writes and checks: content type, message digest,
 * signing time (RFC 5652 §11), the ESS signing-certificate attributes (RFC 2634 §5.4, RFC 5035 §3)
 * that bind a signature to its certificate, and the signature timestamp (RFC 3161 Appendix A).
 *
 * ```asn1
 * Attribute ::= SEQUENCE {                                    -- RFC 5652 §5.3
 *   attrType OBJECT IDENTIFIER,
 *   attrValues SET OF AttributeValue }
 *
 * SigningCertificateV2 ::=  SEQUENCE {                       -- RFC 5035 §3
 *   certs        SEQUENCE OF ESSCertIDv2,
 *   policies     SEQUENCE OF PolicyInformation OPTIONAL }
 *
 * ESSCertIDv2 ::=  SEQUENCE {
 *   hashAlgorithm           AlgorithmIdentifier DEFAULT {algorithm id-sha256},
 *   certHash                 Hash,
 *   issuerSerial             IssuerSerial OPTIONAL }
 *
 * SigningCertificate ::=  SEQUENCE {                         -- RFC 2634 §5.4
 *   certs        SEQUENCE OF ESSCertID,
 *   policies     SEQUENCE OF PolicyInformation OPTIONAL }
 *
 * ESSCertID ::=  SEQUENCE {
 *   certHash                 Hash,                           -- SHA-1
 *   issuerSerial             IssuerSerial OPTIONAL }
 *
 * IssuerSerial ::= SEQUENCE {
 *   issuer                   GeneralNames,
 *   serialNumber             CertificateSerialNumber }
 * ```
 */
import { bytesEqual } from '../der/encoding.js';
import { DER_TAG, DerReader } from '../der/reader.js';
import { serialMagnitude } from '../der/serial.js';
import {
  derExplicit,
  derOctetString,
  derOid,
  derSequence,
  derSetOf,
  derTime,
  derUnsignedInteger,
} from '../der/writer.js';
import { PkiError } from '../errors.js';
import { readAlgorithmIdentifier } from '../signature/algorithms.js';
import type { CertificateFields } from '../x509/certificate-fields.js';
import { computeDigest, type DigestName, digestAlgorithmIdentifier, digestNameOfOid } from './digest.js';
import { CMS_ATTRIBUTES } from './oids.js';
import type { CmsAttribute } from './parse.js';

/** An attribute to write: its type and the DER of each value. */
export interface CmsAttributeInput {
  oid: string;
  values: Uint8Array[];
}

/**
 * `Attribute` DER (values sorted as DER SET OF requires).
 * @example
 * ```ts
 * const attr = encodeAttribute({ oid: CMS_ATTRIBUTES.signatureTimeStampToken, values: [token] });
 * ```
 */
export function encodeAttribute(attr: CmsAttributeInput): Uint8Array {
  if (attr.values.length === 0)
    throw new PkiError('ERR_INVALID_ARGUMENT', `Attribute ${attr.oid} has no value`);
  return derSequence(derOid(attr.oid), derSetOf(...attr.values));
}

/** `SET OF Attribute` DER: the bytes a signature over signed attributes covers (RFC 5652 §5.4). */
export function encodeAttributeSet(attrs: readonly CmsAttributeInput[]): Uint8Array {
  return derSetOf(...attrs.map(encodeAttribute));
}

/** id-contentType. */
export function contentTypeAttribute(contentType: string): CmsAttributeInput {
  return { oid: CMS_ATTRIBUTES.contentType, values: [derOid(contentType)] };
}

/** id-messageDigest. */
export function messageDigestAttribute(digest: Uint8Array): CmsAttributeInput {
  return { oid: CMS_ATTRIBUTES.messageDigest, values: [derOctetString(digest)] };
}

/** id-signingTime (UTCTime for 1950-2049, GeneralizedTime otherwise; RFC 5652 §11.3). */
export function signingTimeAttribute(time: Date): CmsAttributeInput {
  return { oid: CMS_ATTRIBUTES.signingTime, values: [derTime(time)] };
}

/** `IssuerSerial` of a certificate: its issuer as a directoryName and its serial number. */
function issuerSerial(cert: CertificateFields): Uint8Array {
  return derSequence(
    derSequence(derExplicit(4, cert.issuerDer)),
    derUnsignedInteger(serialMagnitude(cert.serialHex)),
  );
}

/**
 * id-aa-signingCertificateV2 with one ESSCertIDv2 for `cert` (hash SHA-256 unless given; the
 * hashAlgorithm field is left out for SHA-256, its DEFAULT, as DER requires) and its IssuerSerial.
 */
export async function signingCertificateV2Attribute(
  cert: CertificateFields,
  hash: DigestName = 'SHA-256',
): Promise<CmsAttributeInput> {
  const certHash = await computeDigest(hash, cert.der);
  const id = derSequence(
    ...(hash === 'SHA-256' ? [] : [digestAlgorithmIdentifier(hash)]),
    derOctetString(certHash),
    issuerSerial(cert),
  );
  return { oid: CMS_ATTRIBUTES.signingCertificateV2, values: [derSequence(derSequence(id))] };
}

/** One ESSCertID(v2) as read. */
export interface EssCertId {
  hash: DigestName | undefined;
  hashOid: string;
  certHash: Uint8Array;
  /** The IssuerSerial TLV, when present. */
  issuerSerial?: Uint8Array;
}

/** What the signing-certificate attribute of a SignerInfo says. */
export interface SigningCertificateRef {
  /** `v2` for id-aa-signingCertificateV2, `v1` for id-aa-signingCertificate. */
  version: 'v1' | 'v2';
  /** The ESSCertIDs; the first identifies the signer's certificate (RFC 5035 §3). */
  certs: EssCertId[];
}

const SHA256_OID = '2.16.840.1.101.3.4.2.1';
const SHA1_OID = '1.3.14.3.2.26';

/**
 * Reads the SigningCertificateV2 (preferred) or SigningCertificate attribute among signed
 * attributes; `undefined` when neither is present.
 * @throws {PkiError} `ERR_CMS_INVALID` when the attribute is malformed or repeated.
 * @example
 * ```ts
 * const ref = readSigningCertificate(parseCms(p7s).signers[0]!.signedAttributes!.attributes);
 * ref?.version; // 'v2'
 * ```
 */
export function readSigningCertificate(attrs: readonly CmsAttribute[]): SigningCertificateRef | undefined {
  for (const [oid, version] of [
    [CMS_ATTRIBUTES.signingCertificateV2, 'v2'],
    [CMS_ATTRIBUTES.signingCertificate, 'v1'],
  ] as const) {
    const found = attrs.filter((a) => a.oid === oid);
    if (found.length === 0) continue;
    if (found.length > 1 || found[0]!.values.length !== 1) {
      throw new PkiError('ERR_CMS_INVALID', `Malformed CMS: ${oid} must occur once with one value`);
    }
    const value = found[0]!.values[0]!;
    const r: DerReader = new DerReader(value, 'ERR_CMS_INVALID', 'signing-certificate attribute');
    const [certsEl] = r.childList(r.root(DER_TAG.SEQUENCE, 'SigningCertificate'));
    if (!certsEl || certsEl.tag !== DER_TAG.SEQUENCE) r.fail('expected certs');
    const certs: EssCertId[] = [];
    for (const idEl of r.children(certsEl)) {
      if (idEl.tag !== DER_TAG.SEQUENCE) r.fail('expected ESSCertID', idEl.start);
      const parts = r.childList(idEl);
      let i = 0;
      let hashOid = version === 'v2' ? SHA256_OID : SHA1_OID;
      if (version === 'v2' && parts[0]?.tag === DER_TAG.SEQUENCE) {
        hashOid = readAlgorithmIdentifier(r.tlv(parts[0])).oid;
        i++;
      }
      const hashEl = parts[i++];
      if (!hashEl || hashEl.tag !== DER_TAG.OCTET_STRING) r.fail('expected certHash', idEl.start);
      const serialEl = parts[i];
      if (serialEl && serialEl.tag !== DER_TAG.SEQUENCE) r.fail('bad issuerSerial', serialEl.start);
      certs.push({
        hash: digestNameOfOid(hashOid),
        hashOid,
        certHash: r.content(hashEl).slice(),
        ...(serialEl ? { issuerSerial: r.tlv(serialEl).slice() } : {}),
      });
    }
    if (certs.length === 0) r.fail('no ESSCertID');
    return { version, certs };
  }
  return undefined;
}

/**
 * Whether the first ESSCertID of `ref` identifies `cert` (RFC 5035 §3: the first one is the
 * signer's): its hash over the certificate DER, and its IssuerSerial when present.
 * @returns `undefined` when the hash algorithm is unknown.
 */
export async function essCertIdMatches(
  ref: SigningCertificateRef,
  cert: CertificateFields,
): Promise<boolean | undefined> {
  const first = ref.certs[0]!;
  if (!first.hash) return undefined;
  const hash = await computeDigest(first.hash, cert.der);
  if (!bytesEqual(hash, first.certHash)) return false;
  if (first.issuerSerial && !bytesEqual(first.issuerSerial, issuerSerial(cert))) {
    // Other encoders may write the issuer Name differently; compare the serial at least and the
    // name semantically would need the GeneralNames decoder: treat the exact form as the contract.
    return issuerSerialSerialMatches(first.issuerSerial, cert);
  }
  return true;
}

function issuerSerialSerialMatches(der: Uint8Array, cert: CertificateFields): boolean {
  try {
    const r: DerReader = new DerReader(der, 'ERR_CMS_INVALID', 'IssuerSerial');
    const [, serialEl] = r.childList(r.root(DER_TAG.SEQUENCE, 'IssuerSerial'));
    if (!serialEl || serialEl.tag !== DER_TAG.INTEGER) return false;
    return bytesEqual(r.content(serialEl), derUnsignedInteger(serialMagnitude(cert.serialHex)).subarray(2));
  } catch {
    return false;
  }
}
