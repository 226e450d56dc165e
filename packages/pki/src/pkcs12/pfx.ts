/**
 * The outer layers of a PKCS #12 file (RFC 7292 §4 and §4.1): the PFX, its authSafe ContentInfo
 * and the AuthenticatedSafe sequence of ContentInfos (plain `data` or password-encrypted
 * `encryptedData`, RFC 5652 §8).
 *
 * ```asn1
 * PFX ::= SEQUENCE {
 *     version    INTEGER {v3(3)}(v3,...),
 *     authSafe   ContentInfo,
 *     macData    MacData OPTIONAL }
 * AuthenticatedSafe ::= SEQUENCE OF ContentInfo
 *     -- Data if unencrypted, EncryptedData if password-encrypted, EnvelopedData if public key-encrypted
 * ContentInfo ::= SEQUENCE {
 *     contentType ContentType,
 *     content     [0] EXPLICIT ANY DEFINED BY contentType OPTIONAL }
 * EncryptedData ::= SEQUENCE {
 *     version              CMSVersion,
 *     encryptedContentInfo EncryptedContentInfo,
 *     unprotectedAttrs     [1] IMPLICIT UnprotectedAttributes OPTIONAL }
 * EncryptedContentInfo ::= SEQUENCE {
 *     contentType                ContentType,
 *     contentEncryptionAlgorithm ContentEncryptionAlgorithmIdentifier,
 *     encryptedContent           [0] IMPLICIT EncryptedContent OPTIONAL }
 * ```
 */
import {
  derExplicit,
  derImplicitPrimitive,
  derOctetString,
  derOid,
  derSequence,
  derSmallInteger,
} from '../der/writer.js';
import { PkiError } from '../errors.js';
import {
  type Asn1Node,
  decodeBer,
  explicit,
  implicitOctets,
  invalid,
  octets,
  oid,
  sequence,
  smallInteger,
} from './asn1.js';
import { PKCS12_OIDS } from './oids.js';

/** The decoded PFX. */
export interface Pfx {
  /** The octets of the authSafe `data` content: what the MAC covers and the AuthenticatedSafe DER/BER. */
  authSafeContent: Uint8Array;
  /** MacData, when present. */
  macData?: Asn1Node;
}

/** One ContentInfo of the AuthenticatedSafe. */
export type AuthSafeEntry =
  | { kind: 'data'; safeContents: Uint8Array }
  | { kind: 'encrypted'; algorithm: Asn1Node; ciphertext: Uint8Array };

function contentInfo(node: Asn1Node | undefined, what: string): { type: string; content: Asn1Node } {
  const [typeNode, contentNode] = sequence(node, what, 1, 2);
  const type = oid(typeNode, `${what}.contentType`);
  if (contentNode === undefined) throw invalid(`${what} has no content`);
  return { type, content: explicit(contentNode, 0, `${what}.content`) };
}

/**
 * Decodes the PFX. Trailing bytes after it are ignored, as OpenSSL does.
 * @throws {PkiError} `ERR_PKCS12_INVALID`, or `ERR_PKCS12_UNSUPPORTED` for public-key integrity
 *   mode (signedData) and versions other than 3.
 */
export function parsePfx(bytes: Uint8Array): Pfx {
  const [versionNode, authSafe, macData] = sequence(decodeBer(bytes, 'PFX', true), 'PFX', 2, 3);
  const version = smallInteger(versionNode, 'PFX.version', 1000);
  if (version !== 3) throw new PkiError('ERR_PKCS12_UNSUPPORTED', `Unsupported PFX version ${version}`);
  const { type, content } = contentInfo(authSafe, 'PFX.authSafe');
  if (type === PKCS12_OIDS.signedData) {
    throw new PkiError(
      'ERR_PKCS12_UNSUPPORTED',
      'PKCS#12 public-key integrity mode (signedData) is not supported',
    );
  }
  if (type !== PKCS12_OIDS.data) throw invalid(`authSafe content type ${type}`);
  return { authSafeContent: octets(content, 'authSafe data'), ...(macData ? { macData } : {}) };
}

/**
 * Decodes the AuthenticatedSafe.
 * @throws {PkiError} `ERR_PKCS12_INVALID`, or `ERR_PKCS12_UNSUPPORTED` for public-key privacy mode.
 */
export function parseAuthenticatedSafe(content: Uint8Array): AuthSafeEntry[] {
  return sequence(decodeBer(content, 'AuthenticatedSafe'), 'AuthenticatedSafe').map((node) => {
    const { type, content: inner } = contentInfo(node, 'AuthenticatedSafe ContentInfo');
    if (type === PKCS12_OIDS.data) return { kind: 'data', safeContents: octets(inner, 'SafeContents data') };
    if (type === PKCS12_OIDS.encryptedData) {
      const [, eci] = sequence(inner, 'EncryptedData', 2, 3);
      const [ctNode, algorithm, encrypted] = sequence(eci, 'EncryptedContentInfo', 2, 3);
      if (oid(ctNode, 'EncryptedContentInfo.contentType') !== PKCS12_OIDS.data) {
        throw invalid('EncryptedContentInfo must carry data');
      }
      if (encrypted === undefined) throw invalid('EncryptedContentInfo has no encryptedContent');
      sequence(algorithm, 'contentEncryptionAlgorithm', 1, 2);
      return {
        kind: 'encrypted',
        algorithm: algorithm!,
        ciphertext: implicitOctets(encrypted, 0, 'encryptedContent'),
      };
    }
    if (type === PKCS12_OIDS.envelopedData) {
      throw new PkiError(
        'ERR_PKCS12_UNSUPPORTED',
        'PKCS#12 public-key privacy mode (envelopedData) is not supported',
      );
    }
    throw invalid(`AuthenticatedSafe content type ${type}`);
  });
}

/** ContentInfo ::= SEQUENCE { contentType OID, content [0] EXPLICIT ANY } (RFC 5652 §3). */
function encodeContentInfo(type: string, content: Uint8Array): Uint8Array {
  return derSequence(derOid(type), derExplicit(0, content));
}

/** A `data` ContentInfo wrapping DER `bytes`. */
export function dataContentInfo(bytes: Uint8Array): Uint8Array {
  return encodeContentInfo(PKCS12_OIDS.data, derOctetString(bytes));
}

/**
 * An `encryptedData` ContentInfo (RFC 5652 §8):
 * ```asn1
 * EncryptedData ::= SEQUENCE { version CMSVersion (0), encryptedContentInfo EncryptedContentInfo }
 * EncryptedContentInfo ::= SEQUENCE {
 *   contentType ContentType, contentEncryptionAlgorithm AlgorithmIdentifier,
 *   encryptedContent [0] IMPLICIT OCTET STRING OPTIONAL }
 * ```
 */
export function encryptedDataContentInfo(algorithm: Uint8Array, ciphertext: Uint8Array): Uint8Array {
  const eci = derSequence(derOid(PKCS12_OIDS.data), algorithm, derImplicitPrimitive(0, ciphertext));
  return encodeContentInfo(PKCS12_OIDS.encryptedData, derSequence(derSmallInteger(0), eci));
}

/** DER of an AuthenticatedSafe (SEQUENCE OF ContentInfo). */
export function encodeAuthenticatedSafe(entries: Uint8Array[]): Uint8Array {
  return derSequence(...entries);
}

/** DER of a PFX (version 3) around the AuthenticatedSafe DER and optional MacData. */
export function encodePfx(authSafeContent: Uint8Array, macData?: Uint8Array): Uint8Array {
  return derSequence(derSmallInteger(3), dataContentInfo(authSafeContent), ...(macData ? [macData] : []));
}
