/**
 * Making CMS SignedData (RFC 5652 §5) in the CAdES-BES form (ETSI EN 319 122-1, RFC 5126 §4.3.1):
 * every SignerInfo signs its attributes contentType, messageDigest, signingTime and
 * signingCertificateV2 (RFC 5035), and names its certificate by issuer and serial number.
 *
 * Signatures go through the package's signature module, so any {@link SigningKey} signs: RSA and
 * ECDSA WebCrypto keys, GOST keys ({@link GostPrivateKey}) and other software or hardware keys.
 * The digest follows the signature algorithm (SHA-256 for RSA keys made by this package,
 * Streebog-512 for GOST R 34.10-2015, docs/domain.md §GOST).
 *
 * {@link addCmsSigner} adds a SignerInfo to an existing SignedData and copies everything else as
 * it was: the other SignerInfos (their unsigned attributes and timestamps included), the
 * certificates, CRLs and the encapsulated content keep their exact bytes.
 *
 * ```asn1
 * SignedData ::= SEQUENCE {                                 -- RFC 5652 §5.1
 *   version CMSVersion,
 *   digestAlgorithms DigestAlgorithmIdentifiers,
 *   encapContentInfo EncapsulatedContentInfo,
 *   certificates [0] IMPLICIT CertificateSet OPTIONAL,
 *   crls [1] IMPLICIT RevocationInfoChoices OPTIONAL,
 *   signerInfos SignerInfos }
 *
 * SignerInfo ::= SEQUENCE {                                 -- RFC 5652 §5.3
 *   version CMSVersion,                                     -- 1 here
 *   sid SignerIdentifier,                                   -- issuerAndSerialNumber here
 *   digestAlgorithm DigestAlgorithmIdentifier,
 *   signedAttrs [0] IMPLICIT SignedAttributes OPTIONAL,
 *   signatureAlgorithm SignatureAlgorithmIdentifier,
 *   signature SignatureValue,
 *   unsignedAttrs [1] IMPLICIT UnsignedAttributes OPTIONAL }
 *
 * IssuerAndSerialNumber ::= SEQUENCE {
 *   issuer Name,
 *   serialNumber CertificateSerialNumber }
 * ```
 */
import { type BytesLike, bytesEqual } from '../der/encoding.js';
import { serialMagnitude } from '../der/serial.js';
import {
  derExplicit,
  derOctetString,
  derOid,
  derSequence,
  derSetOf,
  derSmallInteger,
  derTlv,
  derUnsignedInteger,
} from '../der/writer.js';
import { PkiError } from '../errors.js';
import { isCryptoKey } from '../keys/key-algorithm.js';
import { readAlgorithmIdentifier } from '../signature/algorithms.js';
import { isSoftwareSigningKey, prepareSigner, type SigningKey } from '../signature/sign.js';
import { verifySignature } from '../signature/verify.js';
import type { CertificateInput } from '../x509/certificate.js';
import { type CertificateFields, readCertificateFields } from '../x509/certificate-fields.js';
import {
  type CmsAttributeInput,
  contentTypeAttribute,
  encodeAttributeSet,
  messageDigestAttribute,
  signingCertificateV2Attribute,
  signingTimeAttribute,
} from './attributes.js';
import {
  computeDigest,
  DIGEST_LENGTHS,
  type DigestName,
  digestAlgorithmIdentifier,
  digestForSignatureAlgorithm,
} from './digest.js';
import { bytesOf } from './input.js';
import { certificateFields } from './memo.js';
import { CMS_CONTENT_TYPES } from './oids.js';
import { type CmsSignedData, isCmsSignedData, parseCms } from './parse.js';

/** One signer of {@link signCms} / {@link addCmsSigner}. */
export interface CmsSignerOptions {
  /** The private key (WebCrypto key or `SoftwareSigningKey`, e.g. a `GostPrivateKey`). */
  key: SigningKey;
  /** The signer's certificate (its public key must match `key`). */
  certificate: CertificateInput;
  /** More certificates to put into the SignedData (e.g. the issuing CA), besides the signer's. */
  certificates?: CertificateInput[];
  /** signingTime attribute value (default: now); `false` leaves the attribute out. */
  signingTime?: Date | false;
  /** More signed attributes (after contentType, messageDigest, signingTime, signingCertificateV2). */
  signedAttributes?: CmsAttributeInput[];
  /** Unsigned attributes (e.g. a timestamp obtained separately). */
  unsignedAttributes?: CmsAttributeInput[];
}

/** Options of {@link signCms}. */
export interface SignCmsOptions {
  /** The content to sign (text is signed as UTF-8). Required unless `contentDigest` is given. */
  content?: BytesLike | string;
  /**
   * The content's digest, computed by the caller, instead of the content (what signing services
   * that never see the document receive): it becomes the messageDigest attribute, and the
   * SignedData is detached. Its algorithm must be the one each signer's key signs with
   * (SHA-256 for RSA and P-256 keys, Streebog-512 for GOST R 34.10-2015 512-bit keys).
   */
  contentDigest?: BytesLike;
  /** Leave the content out of the SignedData (a detached signature). Default `false`. */
  detached?: boolean;
  /** One signer or several (each adds a SignerInfo). */
  signers: CmsSignerOptions | CmsSignerOptions[];
  /** eContentType (default id-data). */
  contentType?: string;
  /** Put the signers' certificates into the SignedData (default `true`). */
  includeCertificates?: boolean;
}

/** A SignerInfo made by {@link buildSignerInfo}, with what the SignedData needs beside it. */
export interface BuiltSignerInfo {
  /** SignerInfo DER. */
  der: Uint8Array;
  /** DER of its DigestAlgorithmIdentifier (for digestAlgorithms). */
  digestAlgorithm: Uint8Array;
  /** The signature value (what a CAdES-T timestamp covers). */
  signature: Uint8Array;
  /** The signer's certificate and the extra ones, DER. */
  certificates: Uint8Array[];
}

function contentBytes(content: BytesLike | string): Uint8Array {
  return bytesOf(content, 'content');
}

function checkSigner(signer: CmsSignerOptions): void {
  if (typeof signer !== 'object' || signer === null) {
    throw new PkiError('ERR_INVALID_ARGUMENT', 'A signer needs { key, certificate }');
  }
  if (!isCryptoKey(signer.key) && !isSoftwareSigningKey(signer.key)) {
    throw new PkiError(
      'ERR_INVALID_ARGUMENT',
      'signer.key must be a private CryptoKey or a SoftwareSigningKey',
    );
  }
  if (signer.signingTime !== undefined && signer.signingTime !== false) {
    if (!(signer.signingTime instanceof Date) || Number.isNaN(signer.signingTime.getTime())) {
      throw new PkiError('ERR_INVALID_ARGUMENT', 'signingTime must be a valid Date or false');
    }
  }
}

/** A certificate's fields (memoised for byte input: a TSA signs with one certificate all day). */
function certFields(input: CertificateInput): CertificateFields {
  return input instanceof Uint8Array ? certificateFields(input) : readCertificateFields(input);
}

/** `IssuerAndSerialNumber ::= SEQUENCE { issuer Name, serialNumber CertificateSerialNumber }` */
function issuerAndSerialNumber(cert: CertificateFields): Uint8Array {
  return derSequence(cert.issuerDer, derUnsignedInteger(serialMagnitude(cert.serialHex)));
}

/**
 * Makes one SignerInfo (version 1, issuerAndSerialNumber) over content whose digest is supplied
 * by `digestOf`. Checks that the key belongs to the certificate: a software key by its public key,
 * a WebCrypto key by verifying the signature it just made.
 *
 * @throws {PkiError} `ERR_KEY_INVALID` when the key does not match the certificate,
 *   `ERR_CERTIFICATE_INVALID` for a malformed certificate, as `prepareSigner` for unusable keys.
 */
export async function buildSignerInfo(
  signer: CmsSignerOptions,
  contentType: string,
  digestOf: (digest: DigestName) => Promise<Uint8Array>,
): Promise<BuiltSignerInfo> {
  checkSigner(signer);
  const cert = certFields(signer.certificate);
  const prepared = prepareSigner(signer.key);
  if (isSoftwareSigningKey(signer.key) && !bytesEqual(signer.key.publicKeyInfo, cert.spki)) {
    throw new PkiError('ERR_KEY_INVALID', 'The signing key does not belong to the signer certificate');
  }
  const digestName = digestForSignatureAlgorithm(prepared.algorithm);
  const attrs: CmsAttributeInput[] = [
    contentTypeAttribute(contentType),
    messageDigestAttribute(await digestOf(digestName)),
  ];
  if (signer.signingTime !== false) attrs.push(signingTimeAttribute(signer.signingTime ?? new Date()));
  attrs.push(await signingCertificateV2Attribute(cert));
  for (const a of signer.signedAttributes ?? []) attrs.push(a);
  const signedAttrs = encodeAttributeSet(attrs);
  const signature = await prepared.sign(signedAttrs);
  if (!isSoftwareSigningKey(signer.key)) {
    const ok = await verifySignature({
      data: signedAttrs,
      algorithm: prepared.algorithmIdentifier,
      signature,
      publicKeyInfo: cert.spki,
    });
    if (!ok)
      throw new PkiError('ERR_KEY_INVALID', 'The signing key does not belong to the signer certificate');
  }
  const digestAlgorithm = digestAlgorithmIdentifier(digestName);
  const unsigned = signer.unsignedAttributes ?? [];
  // [0] IMPLICIT SignedAttributes: the SET OF with its tag replaced (RFC 5652 §5.3).
  const signedField = signedAttrs.slice();
  signedField[0] = 0xa0;
  const parts = [
    derSmallInteger(1),
    issuerAndSerialNumber(cert),
    digestAlgorithm,
    signedField,
    prepared.algorithmIdentifier,
    derOctetString(signature),
  ];
  if (unsigned.length > 0) {
    const set = encodeAttributeSet(unsigned);
    set[0] = 0xa1;
    parts.push(set);
  }
  const extra = (signer.certificates ?? []).map((c) => certFields(c).der);
  return { der: derSequence(...parts), digestAlgorithm, signature, certificates: [cert.der, ...extra] };
}

/** Parts of a SignedData for {@link assembleSignedData}; each is an exact TLV. */
export interface SignedDataParts {
  version: number;
  digestAlgorithms: Uint8Array[];
  encapContentInfo: Uint8Array;
  certificates: Uint8Array[];
  crls: Uint8Array[];
  signerInfos: Uint8Array[];
}

function uniqueBytes(list: readonly Uint8Array[]): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (const b of list) if (!out.some((x) => bytesEqual(x, b))) out.push(b);
  return out;
}

/**
 * ContentInfo DER of a SignedData made of the given TLVs. digestAlgorithms and certificates are
 * written as DER SET OF (sorted, duplicates removed); signerInfos keep their order, so that signer
 * indexes stay stable when signers are added.
 */
export function assembleSignedData(parts: SignedDataParts): Uint8Array {
  const fields = [
    derSmallInteger(parts.version),
    derSetOf(...uniqueBytes(parts.digestAlgorithms)),
    parts.encapContentInfo,
  ];
  const certs = uniqueBytes(parts.certificates);
  if (certs.length > 0) {
    const set = derSetOf(...certs);
    set[0] = 0xa0; // [0] IMPLICIT CertificateSet
    fields.push(set);
  }
  if (parts.crls.length > 0) {
    const set = derSetOf(...uniqueBytes(parts.crls));
    set[0] = 0xa1; // [1] IMPLICIT RevocationInfoChoices
    fields.push(set);
  }
  fields.push(derTlv(0x31, ...parts.signerInfos));
  return derSequence(derOid(CMS_CONTENT_TYPES.signedData), derExplicit(0, derSequence(...fields)));
}

/**
 * RFC 5652 §5.1: version 3 when the content is not id-data (or a SignerInfo is version 3), else 1
 * (this package writes no attribute certificates or other revocation formats).
 */
function signedDataVersion(contentType: string, signerVersions: readonly number[]): number {
  return contentType !== CMS_CONTENT_TYPES.data || signerVersions.some((v) => v === 3) ? 3 : 1;
}

function digestOidOf(algorithmIdentifier: Uint8Array): string {
  return readAlgorithmIdentifier(algorithmIdentifier).oid;
}

/** A memo of content digests by algorithm, computed on first use. */
function digestMemo(content: Uint8Array): (d: DigestName) => Promise<Uint8Array> {
  const memo = new Map<DigestName, Promise<Uint8Array>>();
  return (d) => {
    let p = memo.get(d);
    if (!p) {
      p = computeDigest(d, content);
      memo.set(d, p);
    }
    return p;
  };
}

/** A caller's digest for {@link buildSignerInfo}, checked against the length the signer's algorithm gives. */
function givenDigest(digest: Uint8Array): (d: DigestName) => Promise<Uint8Array> {
  return async (d) => {
    if (digest.length !== DIGEST_LENGTHS[d]) {
      throw new PkiError(
        'ERR_INVALID_ARGUMENT',
        `contentDigest has ${digest.length} bytes, but the signer's key signs ${d} digests (${DIGEST_LENGTHS[d]} bytes)`,
      );
    }
    return digest;
  };
}

/**
 * Signs `content` as a CMS SignedData in CAdES-BES form and returns the ContentInfo DER.
 *
 * @throws {PkiError} `ERR_INVALID_ARGUMENT` for bad options, `ERR_KEY_INVALID` when a key does not
 *   belong to its certificate, `ERR_CERTIFICATE_INVALID` for a malformed certificate,
 *   `ERR_UNSUPPORTED_ALGORITHM` for keys the signature module cannot sign with.
 * @example
 * ```ts
 * const { privateKey, certificate } = await openPkcs12(p12, 'Qwerty12');
 * const p7s = await signCms({ content: 'Hello', signers: { key: privateKey, certificate } });
 * const detached = await signCms({ content: pdf, detached: true, signers: [rsaSigner, gostSigner] });
 * const overDigest = await signCms({ contentDigest: sha256OfPdf, signers: rsaSigner }); // detached
 * ```
 */
export async function signCms(options: SignCmsOptions): Promise<Uint8Array> {
  if (typeof options !== 'object' || options === null)
    throw new PkiError('ERR_INVALID_ARGUMENT', 'Options are required');
  if ((options.content === undefined) === (options.contentDigest === undefined))
    throw new PkiError('ERR_INVALID_ARGUMENT', 'Give either content or contentDigest');
  const signers = Array.isArray(options.signers) ? options.signers : [options.signers];
  if (signers.length === 0) throw new PkiError('ERR_INVALID_ARGUMENT', 'At least one signer is required');
  const contentType = options.contentType ?? CMS_CONTENT_TYPES.data;
  derOid(contentType); // validates
  const content = options.content === undefined ? undefined : contentBytes(options.content);
  const digestOf = content
    ? digestMemo(content)
    : givenDigest(bytesOf(options.contentDigest as BytesLike, 'contentDigest'));
  const built: BuiltSignerInfo[] = [];
  for (const s of signers) built.push(await buildSignerInfo(s, contentType, digestOf));
  const encap = derSequence(
    derOid(contentType),
    ...(options.detached || !content ? [] : [derExplicit(0, derOctetString(content))]),
  );
  return assembleSignedData({
    version: signedDataVersion(contentType, [1]),
    digestAlgorithms: built.map((b) => b.digestAlgorithm),
    encapContentInfo: encap,
    certificates: options.includeCertificates === false ? [] : built.flatMap((b) => b.certificates),
    crls: [],
    signerInfos: built.map((b) => b.der),
  });
}

/** Options of {@link addCmsSigner}. */
export interface AddCmsSignerOptions {
  /** The content of a detached CMS (required then; for an attached one it must equal the content). */
  content?: BytesLike | string;
  /** Put the new signer's certificates into the SignedData (default `true`). */
  includeCertificates?: boolean;
}

/**
 * Adds a signer to an existing CMS SignedData. The existing SignerInfos, certificates, CRLs and
 * encapsulated content are copied byte for byte (their signatures, unsigned attributes and
 * timestamps stay valid); the new SignerInfo is appended, its digest algorithm and certificates
 * added when missing.
 *
 * @throws {PkiError} `ERR_CMS_INVALID` for malformed input, `ERR_CMS_CONTENT_MISSING` for a
 *   detached CMS without `content`, `ERR_INVALID_ARGUMENT` when `content` differs from the
 *   attached content, as {@link signCms} for the signer.
 * @example
 * ```ts
 * const twoSigners = await addCmsSigner(p7s, { key: managerKey, certificate: managerCert });
 * ```
 */
export async function addCmsSigner(
  cms: BytesLike | string | CmsSignedData,
  signer: CmsSignerOptions,
  options: AddCmsSignerOptions = {},
): Promise<Uint8Array> {
  const parsed = isCmsSignedData(cms) ? cms : parseCms(cms);
  let content: Uint8Array;
  if (parsed.content !== undefined) {
    content = parsed.content;
    if (options.content !== undefined && !bytesEqual(contentBytes(options.content), content)) {
      throw new PkiError('ERR_INVALID_ARGUMENT', 'content differs from the content inside the CMS');
    }
  } else {
    if (options.content === undefined) {
      throw new PkiError(
        'ERR_CMS_CONTENT_MISSING',
        'The CMS is detached: pass the signed content to add a signer',
      );
    }
    content = contentBytes(options.content);
  }
  const built = await buildSignerInfo(signer, parsed.contentType, digestMemo(content));
  return assembleSignedData({
    version: Math.max(parsed.version, signedDataVersion(parsed.contentType, [1])),
    // A digest algorithm already listed (with NULL or absent parameters) is not listed twice.
    digestAlgorithms: parsed.digestAlgorithms.some((d) => d.oid === digestOidOf(built.digestAlgorithm))
      ? parsed.raw.digestAlgorithms
      : [...parsed.raw.digestAlgorithms, built.digestAlgorithm],
    encapContentInfo: parsed.raw.encapContentInfo,
    certificates: [
      ...parsed.raw.certificates,
      ...(options.includeCertificates === false ? [] : built.certificates),
    ],
    crls: parsed.raw.crls,
    signerInfos: [...parsed.raw.signerInfos, built.der],
  });
}
