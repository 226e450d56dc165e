/**
 * OCSP `CertID` (RFC 6960 §4.1.1): how a request names a certificate and a response says which
 * certificate a status is for.
 *
 * ```asn1
 * CertID ::= SEQUENCE {
 *     hashAlgorithm       AlgorithmIdentifier,
 *     issuerNameHash      OCTET STRING, -- Hash of issuer's DN
 *     issuerKeyHash       OCTET STRING, -- Hash of issuer's public key
 *     serialNumber        CertificateSerialNumber }
 * ```
 *
 * The issuer's DN is hashed exactly as encoded in the issuer certificate's subject, and the key
 * hash covers the value of its subjectPublicKey BIT STRING (no tag, length or unused-bits octet).
 * NCA clients send SHA-256 or SHA-1 CertIDs (docs/domain.md, Status services).
 */

import { getCrypto } from '../crypto-provider.js';
import { fromHex, toHex } from '../der/encoding.js';
import { DER_TAG, type DerElement, type DerReader } from '../der/reader.js';
import {
  normalizeSerialHex,
  type SerialInput,
  serialHexFromContent,
  serialMagnitude,
} from '../der/serial.js';
import { derInteger, derNull, derOctetString, derOid, derSequence } from '../der/writer.js';
import { PkiError } from '../errors.js';
import { HASH_OIDS, type HashName } from '../signature/algorithms.js';
import type { CertificateInput } from '../x509/certificate.js';
import { type CertificateFields, readCertificateFields } from '../x509/certificate-fields.js';

/** Hash algorithms this package computes CertIDs with (every {@link HashName}). */
export type OcspHashAlgorithm = HashName;

/** OIDs of the {@link OcspHashAlgorithm}s (the package's {@link HASH_OIDS}). */
export const OCSP_HASH_OIDS: Readonly<Record<OcspHashAlgorithm, string>> = HASH_OIDS;

const HASH_BY_OID: ReadonlyMap<string, OcspHashAlgorithm> = new Map(
  Object.entries(OCSP_HASH_OIDS).map(([name, oid]) => [oid, name as OcspHashAlgorithm]),
);

/** A CertID in plain form. Hashes and serial are lower-case hex. */
export interface OcspCertId {
  /** The hash algorithm by name, or its dotted OID when it is none of {@link OcspHashAlgorithm}. */
  hashAlgorithm: OcspHashAlgorithm | (string & {});
  /** Hex hash of the issuer's DN. */
  issuerNameHash: string;
  /** Hex hash of the issuer's public key. */
  issuerKeyHash: string;
  /** Canonical serial hex (see `normalizeSerialHex`). */
  serialHex: string;
  /**
   * The CertID exactly as it was encoded (set by the parsers). A response built from a parsed
   * request echoes these octets, so clients that compare CertIDs byte for byte find their answer.
   */
  der?: Uint8Array;
}

/** `true` when `name` is one of the hash algorithms this package computes. */
export function isOcspHashAlgorithm(name: unknown): name is OcspHashAlgorithm {
  return typeof name === 'string' && Object.hasOwn(OCSP_HASH_OIDS, name);
}

/**
 * DER of a CertID: `der` when present, otherwise encoded from the fields. The hash
 * AlgorithmIdentifier carries NULL parameters, as OpenSSL and the NCA encode it.
 * @throws {PkiError} `ERR_INVALID_ARGUMENT` for malformed fields.
 */
export function encodeCertId(certId: OcspCertId): Uint8Array {
  if (certId.der) return certId.der;
  const oid = isOcspHashAlgorithm(certId.hashAlgorithm)
    ? OCSP_HASH_OIDS[certId.hashAlgorithm]
    : certId.hashAlgorithm;
  try {
    return derSequence(
      derSequence(derOid(oid), derNull()),
      derOctetString(fromHex(certId.issuerNameHash)),
      derOctetString(fromHex(certId.issuerKeyHash)),
      derInteger(serialMagnitude(certId.serialHex)),
    );
  } catch (cause) {
    throw new PkiError('ERR_INVALID_ARGUMENT', 'Malformed CertID', { cause });
  }
}

/** Reads a CertID element (used by the request and response parsers with their error codes). */
export function readCertId(r: DerReader, el: DerElement): OcspCertId {
  if (el.tag !== DER_TAG.SEQUENCE) r.fail('expected CertID', el.start);
  const alg = r.expect(el.contentStart, el.end, DER_TAG.SEQUENCE, 'hashAlgorithm');
  const nameHash = r.expect(alg.end, el.end, DER_TAG.OCTET_STRING, 'issuerNameHash');
  const keyHash = r.expect(nameHash.end, el.end, DER_TAG.OCTET_STRING, 'issuerKeyHash');
  const serial = r.expect(keyHash.end, el.end, DER_TAG.INTEGER, 'serialNumber');
  if (serial.end !== el.end) r.fail('trailing data in CertID', serial.end);
  if (serial.end === serial.contentStart) r.fail('empty serialNumber', serial.start);
  const oid = r.oid(r.read(alg.contentStart, alg.end));
  return {
    hashAlgorithm: HASH_BY_OID.get(oid) ?? oid,
    issuerNameHash: toHex(r.content(nameHash)),
    issuerKeyHash: toHex(r.content(keyHash)),
    serialHex: serialHexFromContent(r.content(serial)),
    der: r.tlv(el).slice(),
  };
}

/** A cache key identifying a CertID by value (hash algorithm, both hashes, canonical serial). */
export function certIdKey(certId: OcspCertId): string {
  return `${certId.hashAlgorithm}:${certId.issuerNameHash}:${certId.issuerKeyHash}:${normalizeSerialHex(certId.serialHex)}`;
}

/**
 * An issuer prepared for OCSP: its name and key hashes under every {@link OcspHashAlgorithm},
 * computed once, so that matching a request's CertIDs and making CertIDs for serials is
 * synchronous (what the status service does on every request).
 */
export interface OcspIssuer {
  /** The issuer certificate's fields. */
  certificate: CertificateFields;
  /** Hex name and key hashes by algorithm. */
  hashes: Readonly<Record<OcspHashAlgorithm, { issuerNameHash: string; issuerKeyHash: string }>>;
  /** `true` when `certId` names a certificate of this issuer (its serial aside). */
  matches(certId: OcspCertId): boolean;
  /** The CertID of this issuer's certificate with `serial`. */
  certId(serial: SerialInput, hash?: OcspHashAlgorithm): OcspCertId;
}

/**
 * Prepares {@link OcspIssuer} for a CA certificate.
 * @throws {PkiError} `ERR_CERTIFICATE_INVALID` for a bad certificate.
 * @example
 * ```ts
 * const ca = await prepareOcspIssuer(caPem);
 * for (const id of parseOcspRequest(body).certIds) {
 *   if (!ca.matches(id)) return buildOcspErrorResponse('unauthorized');
 * }
 * ```
 */
export async function prepareOcspIssuer(issuerCert: CertificateInput): Promise<OcspIssuer> {
  const certificate = readCertificateFields(issuerCert);
  const subtle = getCrypto().subtle;
  const entries = await Promise.all(
    (Object.keys(OCSP_HASH_OIDS) as OcspHashAlgorithm[]).map(async (alg) => {
      const [n, k] = await Promise.all([
        subtle.digest(alg, certificate.subjectDer as BufferSource),
        subtle.digest(alg, certificate.publicKeyBits as BufferSource),
      ]);
      return [
        alg,
        { issuerNameHash: toHex(new Uint8Array(n)), issuerKeyHash: toHex(new Uint8Array(k)) },
      ] as const;
    }),
  );
  const hashes = Object.fromEntries(entries) as OcspIssuer['hashes'];
  return {
    certificate,
    hashes,
    matches(certId) {
      if (!isOcspHashAlgorithm(certId.hashAlgorithm)) return false;
      const h = hashes[certId.hashAlgorithm];
      return (
        h.issuerNameHash === certId.issuerNameHash.toLowerCase() &&
        h.issuerKeyHash === certId.issuerKeyHash.toLowerCase()
      );
    },
    certId(serial, hash = 'SHA-1') {
      if (!isOcspHashAlgorithm(hash))
        throw new PkiError('ERR_UNSUPPORTED_ALGORITHM', `Unsupported CertID hash ${hash}`);
      let serialHex: string;
      try {
        serialHex = normalizeSerialHex(serial);
      } catch (cause) {
        throw new PkiError('ERR_INVALID_ARGUMENT', 'Serial number must be hex text or bytes', { cause });
      }
      return { hashAlgorithm: hash, ...hashes[hash], serialHex };
    },
  };
}

/**
 * The CertID of the certificate with `serial` issued by `issuerCert`.
 * @param hash `SHA-1` (default; RFC 5019 clients and OpenSSL use it) or a SHA-2 algorithm.
 * @throws {PkiError} `ERR_CERTIFICATE_INVALID`, `ERR_INVALID_ARGUMENT`, `ERR_UNSUPPORTED_ALGORITHM`.
 */
export async function computeCertId(
  issuerCert: CertificateInput,
  serial: SerialInput,
  hash: OcspHashAlgorithm = 'SHA-1',
): Promise<OcspCertId> {
  return (await prepareOcspIssuer(issuerCert)).certId(serial, hash);
}
