/**
 * Readers of the X.509 v3 extensions (RFC 5280 §4.2) that inspection and chain validation need,
 * returning plain values. Internal to the package (not re-exported from the index).
 *
 * Every reader throws {@link PkiError} `ERR_CERTIFICATE_INVALID` when the extension is present but
 * malformed, and returns an "absent" value (`undefined` / empty list) when it is not present.
 */
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { decodeAsn1 } from '../der/asn1-decode.js';
import { toHex } from '../der/encoding.js';
import { PkiError } from '../errors.js';
import { NCA_OIDS } from '../profiles/oids.js';
import type { KeyUsageName } from '../profiles/profile.js';

const EXT = NCA_OIDS.extension;

/** The extensions of a certificate by OID. Duplicates are malformed (RFC 5280 §4.2). */
export function extensionMap(cert: pkijs.Certificate): Map<string, pkijs.Extension> {
  const map = new Map<string, pkijs.Extension>();
  for (const ext of cert.extensions ?? []) {
    if (map.has(ext.extnID)) {
      throw new PkiError('ERR_CERTIFICATE_INVALID', `Certificate has extension ${ext.extnID} twice`, {
        details: { extension: ext.extnID },
      });
    }
    map.set(ext.extnID, ext);
  }
  return map;
}

function malformed(oid: string, cause?: unknown): PkiError {
  return new PkiError('ERR_CERTIFICATE_INVALID', `Malformed certificate extension ${oid}`, {
    cause,
    details: { extension: oid },
  });
}

/** The parsed value of a pkijs extension, or a typed error if pkijs could not parse it. */
function parsed<T>(ext: pkijs.Extension, type: abstract new (...args: never[]) => T): T {
  let value: unknown;
  try {
    value = ext.parsedValue; // pkijs parses lazily; asn1js may throw on malformed strings
  } catch (cause) {
    throw malformed(ext.extnID, cause);
  }
  if (!(value instanceof type)) throw malformed(ext.extnID);
  const error = (value as { parsingError?: string }).parsingError;
  if (error !== undefined) throw malformed(ext.extnID, error);
  return value;
}

/** The DER inside extnValue, decoded by asn1js. */
function innerAsn1(ext: pkijs.Extension): asn1js.AsnType {
  const value = decodeAsn1(ext.extnValue.getValue());
  if (value === undefined) throw malformed(ext.extnID);
  return value;
}

/**
 * ```asn1
 * KeyUsage ::= BIT STRING { digitalSignature (0), nonRepudiation (1), keyEncipherment (2),
 *   dataEncipherment (3), keyAgreement (4), keyCertSign (5), cRLSign (6), encipherOnly (7),
 *   decipherOnly (8) }
 * ```
 */
export const KEY_USAGE_BITS: readonly KeyUsageName[] = [
  'digitalSignature',
  'nonRepudiation',
  'keyEncipherment',
  'dataEncipherment',
  'keyAgreement',
  'keyCertSign',
  'cRLSign',
  'encipherOnly',
  'decipherOnly',
];

/** keyUsage bits set, in bit order, or `undefined` when the extension is absent. */
export function readKeyUsage(exts: Map<string, pkijs.Extension>): KeyUsageName[] | undefined {
  const ext = exts.get(EXT.keyUsage);
  if (!ext) return undefined;
  const bits = innerAsn1(ext);
  if (!(bits instanceof asn1js.BitString) || bits.idBlock.isConstructed) throw malformed(ext.extnID);
  const bytes = bits.valueBlock.valueHexView;
  const out: KeyUsageName[] = [];
  KEY_USAGE_BITS.forEach((name, i) => {
    if ((bytes[i >> 3] ?? 0) & (0x80 >> (i & 7))) out.push(name);
  });
  return out;
}

/** extKeyUsage purpose OIDs in certificate order, or `undefined` when absent. */
export function readExtKeyUsage(exts: Map<string, pkijs.Extension>): string[] | undefined {
  const ext = exts.get(EXT.extKeyUsage);
  return ext ? [...parsed(ext, pkijs.ExtKeyUsage).keyPurposes] : undefined;
}

/**
 * ```asn1
 * BasicConstraints ::= SEQUENCE {
 *   cA                      BOOLEAN DEFAULT FALSE,
 *   pathLenConstraint       INTEGER (0..MAX) OPTIONAL }
 * ```
 * A pathLenConstraint too large for a JavaScript number reads as no limit.
 */
export function readBasicConstraints(
  exts: Map<string, pkijs.Extension>,
): { ca: boolean; pathLength?: number; critical: boolean } | undefined {
  const ext = exts.get(EXT.basicConstraints);
  if (!ext) return undefined;
  const bc = parsed(ext, pkijs.BasicConstraints);
  const len = bc.pathLenConstraint;
  if (typeof len === 'number') {
    if (len < 0) throw malformed(ext.extnID);
    return { ca: bc.cA, pathLength: len, critical: ext.critical };
  }
  return { ca: bc.cA, critical: ext.critical };
}

/** certificatePolicies: policy OIDs and the CPS URIs of their qualifiers. */
export function readPolicies(exts: Map<string, pkijs.Extension>): { policies: string[]; cpsUris: string[] } {
  const ext = exts.get(EXT.certificatePolicies);
  if (!ext) return { policies: [], cpsUris: [] };
  const policies: string[] = [];
  const cpsUris: string[] = [];
  for (const info of parsed(ext, pkijs.CertificatePolicies).certificatePolicies) {
    policies.push(info.policyIdentifier);
    for (const q of info.policyQualifiers ?? []) {
      // id-qt-cps (RFC 5280 §4.2.1.4): CPSuri ::= IA5String
      if (q.policyQualifierId === '1.3.6.1.5.5.7.2.1' && q.qualifier instanceof asn1js.IA5String) {
        cpsUris.push(q.qualifier.valueBlock.value.trim());
      }
    }
  }
  return { policies, cpsUris };
}

/** Drops repeated entries, keeping the first (the NCA test CA lists its OCSP URL twice). */
function unique(list: string[]): string[] {
  return [...new Set(list)];
}

/**
 * URIs of a GeneralName list. The 2015-2018 production NCA CA certificates put two URLs into one
 * URI, separated by a line break and `URL=`; since a URI cannot contain white space (RFC 3986),
 * such values are split into their URLs.
 */
function uris(names: pkijs.GeneralName[] | undefined): string[] {
  const out: string[] = [];
  for (const n of names ?? []) {
    if (n.type !== 6 || typeof n.value !== 'string') continue; // uniformResourceIdentifier [6] IA5String
    for (const token of n.value.split(/\s+/)) {
      const url = token.replace(/^URL=/i, '');
      if (url) out.push(url);
    }
  }
  return out;
}

/**
 * Full-name URIs of cRLDistributionPoints (`2.5.29.31`) or freshestCRL (`2.5.29.46`).
 * ```asn1
 * CRLDistributionPoints ::= SEQUENCE SIZE (1..MAX) OF DistributionPoint
 * DistributionPoint ::= SEQUENCE {
 *   distributionPoint       [0]     DistributionPointName OPTIONAL,
 *   reasons                 [1]     ReasonFlags OPTIONAL,
 *   cRLIssuer               [2]     GeneralNames OPTIONAL }
 * DistributionPointName ::= CHOICE {
 *   fullName                [0]     GeneralNames,
 *   nameRelativeToCRLIssuer [1]     RelativeDistinguishedName }
 * ```
 */
export function readDistributionPointUris(exts: Map<string, pkijs.Extension>, oid: string): string[] {
  const ext = exts.get(oid);
  if (!ext) return [];
  const out: string[] = [];
  for (const dp of parsed(ext, pkijs.CRLDistributionPoints).distributionPoints) {
    if (Array.isArray(dp.distributionPoint)) out.push(...uris(dp.distributionPoint));
  }
  return unique(out);
}

/**
 * authorityInfoAccess URIs by access method.
 * ```asn1
 * AuthorityInfoAccessSyntax ::= SEQUENCE SIZE (1..MAX) OF AccessDescription
 * AccessDescription ::= SEQUENCE { accessMethod OBJECT IDENTIFIER, accessLocation GeneralName }
 * ```
 */
export function readAuthorityInfoAccess(exts: Map<string, pkijs.Extension>): {
  ocsp: string[];
  caIssuers: string[];
} {
  const ext = exts.get(EXT.authorityInfoAccess);
  const result = { ocsp: [] as string[], caIssuers: [] as string[] };
  if (!ext) return result;
  for (const ad of parsed(ext, pkijs.InfoAccess).accessDescriptions) {
    if (ad.accessMethod === NCA_OIDS.accessMethod.ocsp) result.ocsp.push(...uris([ad.accessLocation]));
    else if (ad.accessMethod === NCA_OIDS.accessMethod.caIssuers)
      result.caIssuers.push(...uris([ad.accessLocation]));
  }
  return { ocsp: unique(result.ocsp), caIssuers: unique(result.caIssuers) };
}

/** subjectKeyIdentifier bytes (`KeyIdentifier ::= OCTET STRING`), or `undefined`. */
export function readSubjectKeyId(exts: Map<string, pkijs.Extension>): Uint8Array | undefined {
  const ext = exts.get(EXT.subjectKeyIdentifier);
  if (!ext) return undefined;
  const ski = innerAsn1(ext);
  if (!(ski instanceof asn1js.OctetString) || ski.idBlock.isConstructed) throw malformed(ext.extnID);
  return new Uint8Array(ski.valueBlock.valueHexView);
}

/**
 * authorityKeyIdentifier keyIdentifier bytes, or `undefined`.
 * ```asn1
 * AuthorityKeyIdentifier ::= SEQUENCE {
 *   keyIdentifier             [0] KeyIdentifier           OPTIONAL,
 *   authorityCertIssuer       [1] GeneralNames            OPTIONAL,
 *   authorityCertSerialNumber [2] CertificateSerialNumber OPTIONAL  }
 * ```
 */
export function readAuthorityKeyId(exts: Map<string, pkijs.Extension>): Uint8Array | undefined {
  const ext = exts.get(EXT.authorityKeyIdentifier);
  if (!ext) return undefined;
  const aki = parsed(ext, pkijs.AuthorityKeyIdentifier);
  return aki.keyIdentifier ? new Uint8Array(aki.keyIdentifier.valueBlock.valueHexView) : undefined;
}

/** rfc822Name entries of subjectAltName. */
export function readSubjectAltEmails(exts: Map<string, pkijs.Extension>): string[] {
  const ext = exts.get(EXT.subjectAltName);
  if (!ext) return [];
  return parsed(ext, pkijs.AltName)
    .altNames.filter((n) => n.type === 1 && typeof n.value === 'string')
    .map((n) => n.value as string);
}

/** Unsigned hex of an INTEGER's content octets (the sign octet 00 of a positive value dropped). */
export function integerHex(value: asn1js.Integer): string {
  let bytes = value.valueBlock.valueHexView;
  while (bytes.length > 1 && bytes[0] === 0) bytes = bytes.subarray(1);
  return toHex(bytes);
}

/** SubjectPublicKeyInfo as DER. */
export function spkiDer(cert: pkijs.Certificate): Uint8Array {
  return new Uint8Array(cert.subjectPublicKeyInfo.toSchema().toBER(false));
}
