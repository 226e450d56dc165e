/**
 * The X.509 v3 extensions this package writes into certificates and requests (RFC 5280 §4.2),
 * encoded directly as DER. Each builder returns a complete `Extension`:
 *
 * ```asn1
 * Extension  ::=  SEQUENCE  {
 *      extnID      OBJECT IDENTIFIER,
 *      critical    BOOLEAN DEFAULT FALSE,
 *      extnValue   OCTET STRING
 *                  -- contains the DER encoding of an ASN.1 value
 *                  -- corresponding to the extension type identified
 *                  -- by extnID
 *      }
 * ```
 */
import {
  derBitString,
  derBoolean,
  derExplicit,
  derIa5String,
  derImplicitConstructed,
  derImplicitPrimitive,
  derNull,
  derOctetString,
  derOid,
  derSequence,
  derSmallInteger,
  derUnsignedInteger,
  derUtf8String,
  ia5Bytes,
} from '../der/writer.js';
import { PkiError } from '../errors.js';
import type { KeyUsageName } from '../profiles/profile.js';
import { ACCESS_METHOD_OIDS, EXTENSION_OIDS } from './extension-oids.js';

/** id-qt-cps, the CPS pointer policy qualifier (RFC 5280 §4.2.1.4). */
export const CPS_QUALIFIER_OID = '1.3.6.1.5.5.7.2.1';

/** id-qt-unotice, the user notice policy qualifier (RFC 5280 §4.2.1.4). */
export const USER_NOTICE_QUALIFIER_OID = '1.3.6.1.5.5.7.2.2';

/** The NCA's private extension (docs/domain.md, GOST) and the one OID its value holds. */
export const NCA_PRIVATE_EXTENSION_OID = '1.2.398.3.3.5';
const NCA_PRIVATE_EXTENSION_VALUE_OID = '1.2.398.3.3.5.1.1';

/** Bit positions of the KeyUsage named bits (RFC 5280 §4.2.1.3). */
export const KEY_USAGE_BITS: Readonly<Record<KeyUsageName, number>> = {
  digitalSignature: 0,
  nonRepudiation: 1,
  keyEncipherment: 2,
  dataEncipherment: 3,
  keyAgreement: 4,
  keyCertSign: 5,
  cRLSign: 6,
  encipherOnly: 7,
  decipherOnly: 8,
};

const KEY_USAGE_BY_BIT = Object.fromEntries(
  Object.entries(KEY_USAGE_BITS).map(([name, bit]) => [bit, name as KeyUsageName]),
) as Record<number, KeyUsageName>;

/** An Extension with the given value (the DER that goes inside extnValue). */
export function encodeExtension(oid: string, critical: boolean, value: Uint8Array): Uint8Array {
  // DER omits a BOOLEAN equal to its DEFAULT (X.690 §11.5).
  return critical
    ? derSequence(derOid(oid), derBoolean(true), derOctetString(value))
    : derSequence(derOid(oid), derOctetString(value));
}

/**
 * The KeyUsage BIT STRING contents for a set of usages, as DER wants a named-bit list: trailing
 * zero bits removed (X.690 §11.2.2), so the unused-bits count follows the highest bit set.
 * @throws {PkiError} `ERR_PROFILE_INVALID` for an unknown usage name or an empty list.
 */
export function keyUsageBits(usages: readonly KeyUsageName[]): { bytes: Uint8Array; unusedBits: number } {
  let highest = -1;
  const bytes = new Uint8Array(2);
  for (const u of usages) {
    const bit = KEY_USAGE_BITS[u];
    if (bit === undefined)
      throw new PkiError('ERR_PROFILE_INVALID', `Unknown key usage ${JSON.stringify(u)}`);
    bytes[bit >> 3]! |= 0x80 >> (bit & 7);
    highest = Math.max(highest, bit);
  }
  if (highest < 0) throw new PkiError('ERR_PROFILE_INVALID', 'KeyUsage needs at least one bit');
  return { bytes: bytes.slice(0, (highest >> 3) + 1), unusedBits: 7 - (highest & 7) };
}

/** The usage names of KeyUsage BIT STRING contents (in bit order; bits past decipherOnly ignored). */
export function keyUsageNames(bytes: Uint8Array): KeyUsageName[] {
  const names: KeyUsageName[] = [];
  for (let bit = 0; bit <= 8; bit++) {
    if ((bytes[bit >> 3] ?? 0) & (0x80 >> (bit & 7))) names.push(KEY_USAGE_BY_BIT[bit]!);
  }
  return names;
}

/** `KeyUsage ::= BIT STRING { digitalSignature (0), ... }` (RFC 5280 §4.2.1.3). */
export function keyUsageExtension(usages: readonly KeyUsageName[], critical: boolean): Uint8Array {
  const { bytes, unusedBits } = keyUsageBits(usages);
  return encodeExtension(EXTENSION_OIDS.keyUsage, critical, derBitString(bytes, unusedBits));
}

/** `ExtKeyUsageSyntax ::= SEQUENCE SIZE (1..MAX) OF KeyPurposeId` (RFC 5280 §4.2.1.12). */
export function extKeyUsageExtension(purposes: readonly string[], critical: boolean): Uint8Array {
  if (purposes.length === 0)
    throw new PkiError('ERR_PROFILE_INVALID', 'ExtendedKeyUsage needs at least one OID');
  return encodeExtension(EXTENSION_OIDS.extKeyUsage, critical, derSequence(...purposes.map(profileOid)));
}

/**
 * ```asn1
 * BasicConstraints ::= SEQUENCE {                  -- RFC 5280 §4.2.1.9
 *      cA                      BOOLEAN DEFAULT FALSE,
 *      pathLenConstraint       INTEGER (0..MAX) OPTIONAL }
 * ```
 */
export function basicConstraintsExtension(bc: {
  ca: boolean;
  pathLength?: number;
  critical: boolean;
}): Uint8Array {
  const fields: Uint8Array[] = [];
  if (bc.ca) fields.push(derBoolean(true));
  if (bc.pathLength !== undefined) {
    // RFC 5280 §4.2.1.9: pathLenConstraint only makes sense with cA set.
    if (!bc.ca) throw new PkiError('ERR_PROFILE_INVALID', 'pathLength requires a CA profile');
    fields.push(derSmallInteger(bc.pathLength));
  }
  return encodeExtension(EXTENSION_OIDS.basicConstraints, bc.critical, derSequence(...fields));
}

/**
 * ```asn1
 * certificatePolicies ::= SEQUENCE SIZE (1..MAX) OF PolicyInformation   -- RFC 5280 §4.2.1.4
 * PolicyInformation ::= SEQUENCE {
 *      policyIdentifier   CertPolicyId,
 *      policyQualifiers   SEQUENCE SIZE (1..MAX) OF PolicyQualifierInfo OPTIONAL }
 * PolicyQualifierInfo ::= SEQUENCE {
 *      policyQualifierId  PolicyQualifierId,       -- id-qt-cps | id-qt-unotice
 *      qualifier          ANY DEFINED BY policyQualifierId }   -- CPSuri ::= IA5String
 * UserNotice ::= SEQUENCE { noticeRef NoticeReference OPTIONAL, explicitText DisplayText OPTIONAL }
 * ```
 * @param cpsUri when given, each policy carries it as a CPS pointer qualifier (as the NCA does)
 * @param userNotice when true (needs `cpsUri`), each policy also carries a user notice whose
 *   explicitText is the CPS URL as a UTF8String, as in the NCA's RSA certificates
 */
export function certificatePoliciesExtension(
  policies: readonly string[],
  cpsUri?: string,
  userNotice = false,
): Uint8Array {
  if (policies.length === 0) throw new PkiError('ERR_PROFILE_INVALID', 'certificatePolicies needs a policy');
  if (userNotice && cpsUri === undefined) {
    throw new PkiError('ERR_PROFILE_INVALID', 'A policy user notice needs the CPS URL');
  }
  const qualifiers: Uint8Array[] = [];
  if (cpsUri !== undefined) {
    const url = checkUrl(cpsUri);
    qualifiers.push(derSequence(derOid(CPS_QUALIFIER_OID), derIa5String(url)));
    if (userNotice) {
      qualifiers.push(derSequence(derOid(USER_NOTICE_QUALIFIER_OID), derSequence(derUtf8String(url))));
    }
  }
  const info = qualifiers.length === 0 ? [] : [derSequence(...qualifiers)];
  return encodeExtension(
    EXTENSION_OIDS.certificatePolicies,
    false,
    derSequence(...policies.map((p) => derSequence(profileOid(p), ...info))),
  );
}

/**
 * The NCA's private extension 1.2.398.3.3.5 (not critical), whose value in every NCA GOST-2015
 * end-entity certificate of the fixtures is `SEQUENCE { 1.2.398.3.3.5.1.1 }`. The NCA does not
 * publish its meaning; it is written as seen.
 */
export function ncaPrivateExtension(): Uint8Array {
  return encodeExtension(
    NCA_PRIVATE_EXTENSION_OID,
    false,
    derSequence(derOid(NCA_PRIVATE_EXTENSION_VALUE_OID)),
  );
}

/** `SubjectKeyIdentifier ::= KeyIdentifier` (OCTET STRING, RFC 5280 §4.2.1.2); never critical. */
export function subjectKeyIdentifierExtension(keyId: Uint8Array): Uint8Array {
  return encodeExtension(EXTENSION_OIDS.subjectKeyIdentifier, false, derOctetString(keyId));
}

/**
 * ```asn1
 * AuthorityKeyIdentifier ::= SEQUENCE {            -- RFC 5280 §4.2.1.1; never critical
 *    keyIdentifier             [0] KeyIdentifier           OPTIONAL,
 *    authorityCertIssuer       [1] GeneralNames            OPTIONAL,
 *    authorityCertSerialNumber [2] CertificateSerialNumber OPTIONAL  }
 * ```
 * keyIdentifier is the issuer's SKI, as the NCA writes it in end-entity certificates. With
 * `issuerCert` (the issuer certificate's own issuer Name DER and serial magnitude), authorityCertIssuer
 * (`directoryName [4]`) and authorityCertSerialNumber follow, as in the NCA's CA certificates.
 */
export function authorityKeyIdentifierExtension(
  keyId: Uint8Array,
  issuerCert?: { nameDer: Uint8Array; serial: Uint8Array },
): Uint8Array {
  const fields = [derImplicitPrimitive(0, keyId)];
  if (issuerCert) {
    fields.push(derImplicitConstructed(1, derExplicit(4, issuerCert.nameDer)));
    const integer = derUnsignedInteger(issuerCert.serial);
    integer[0] = 0x82; // [2] IMPLICIT CertificateSerialNumber: same length and content as the INTEGER
    fields.push(integer);
  }
  return encodeExtension(EXTENSION_OIDS.authorityKeyIdentifier, false, derSequence(...fields));
}

/**
 * One DistributionPoint whose fullName lists `urls` (several URIs of one point are mirrors of the
 * same CRL, RFC 5280 §4.2.1.13), under cRLDistributionPoints or freshestCRL (same syntax, §4.2.1.15).
 *
 * ```asn1
 * CRLDistributionPoints ::= SEQUENCE SIZE (1..MAX) OF DistributionPoint
 * DistributionPoint ::= SEQUENCE {
 *      distributionPoint       [0]     DistributionPointName OPTIONAL,
 *      reasons                 [1]     ReasonFlags OPTIONAL,
 *      cRLIssuer               [2]     GeneralNames OPTIONAL }
 * DistributionPointName ::= CHOICE {
 *      fullName                [0]     GeneralNames,
 *      nameRelativeToCRLIssuer [1]     RelativeDistinguishedName }
 * GeneralName ::= CHOICE { ..., uniformResourceIdentifier [6] IA5String, ... }
 * ```
 */
export function distributionPointsExtension(
  urls: readonly string[],
  oid:
    | typeof EXTENSION_OIDS.cRLDistributionPoints
    | typeof EXTENSION_OIDS.freshestCRL = EXTENSION_OIDS.cRLDistributionPoints,
): Uint8Array {
  if (urls.length === 0) throw new PkiError('ERR_INVALID_ARGUMENT', 'A distribution point needs a URL');
  // [0] on the CHOICE DistributionPointName is explicit (X.680 §31.2.7), so both tags are constructed.
  const fullName = derImplicitConstructed(0, ...urls.map(uriGeneralName));
  return encodeExtension(oid, false, derSequence(derSequence(derImplicitConstructed(0, fullName))));
}

/**
 * ```asn1
 * AuthorityInfoAccessSyntax ::= SEQUENCE SIZE (1..MAX) OF AccessDescription   -- RFC 5280 §4.2.2.1
 * AccessDescription ::= SEQUENCE {
 *      accessMethod          OBJECT IDENTIFIER,
 *      accessLocation        GeneralName  }
 * ```
 * caIssuers entries come first, then OCSP, as in the NCA's RSA certificates (`ocspFirst` swaps them).
 */
export function authorityInfoAccessExtension(access: {
  caIssuers?: readonly string[];
  ocsp?: readonly string[];
  /** OCSP entries first (as in most NCA GOST-2015 certificates). */
  ocspFirst?: boolean;
}): Uint8Array {
  const caIssuers = (access.caIssuers ?? []).map((u) =>
    derSequence(derOid(ACCESS_METHOD_OIDS.caIssuers), uriGeneralName(u)),
  );
  const ocsp = (access.ocsp ?? []).map((u) =>
    derSequence(derOid(ACCESS_METHOD_OIDS.ocsp), uriGeneralName(u)),
  );
  const entries = access.ocspFirst ? [...ocsp, ...caIssuers] : [...caIssuers, ...ocsp];
  if (entries.length === 0) throw new PkiError('ERR_INVALID_ARGUMENT', 'AuthorityInfoAccess needs a URL');
  return encodeExtension(EXTENSION_OIDS.authorityInfoAccess, false, derSequence(...entries));
}

/** `id-pkix-ocsp-nocheck` with its NULL value (RFC 6960 §4.2.2.2.1), for delegated OCSP responders. */
export function ocspNoCheckExtension(): Uint8Array {
  return encodeExtension(EXTENSION_OIDS.ocspNoCheck, false, derNull());
}

/**
 * ```asn1
 * SubjectAltName ::= GeneralNames                                  -- RFC 5280 §4.2.1.6
 * GeneralNames ::= SEQUENCE SIZE (1..MAX) OF GeneralName
 * GeneralName ::= CHOICE { ..., dNSName [2] IA5String, ..., iPAddress [7] OCTET STRING, ... }
 * ```
 * Not critical: the subject is not empty in the certificates this package issues.
 * @throws {PkiError} `ERR_PROFILE_INVALID` for a malformed host name or IP address, or no entry.
 */
export function subjectAltNameExtension(names: {
  dns?: readonly string[];
  ip?: readonly string[];
}): Uint8Array {
  const entries = [
    ...(names.dns ?? []).map((d) => derImplicitPrimitive(2, ia5Bytes(checkDnsName(d)))),
    ...(names.ip ?? []).map((ip) => derImplicitPrimitive(7, ipAddressBytes(ip))),
  ];
  if (entries.length === 0) throw new PkiError('ERR_PROFILE_INVALID', 'subjectAltName needs a name');
  return encodeExtension(EXTENSION_OIDS.subjectAltName, false, derSequence(...entries));
}

/** A preferred-name-syntax host name (RFC 1034 §3.5, RFC 5280 §4.2.1.6), ASCII (A-labels). */
function checkDnsName(name: string): string {
  const label = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;
  if (typeof name !== 'string' || name.length > 253 || !name.split('.').every((l) => label.test(l)))
    throw new PkiError('ERR_PROFILE_INVALID', `Not a DNS name: ${JSON.stringify(name)}`);
  return name;
}

/** An IPv4 (4 octets) or IPv6 (16 octets) address, network byte order (RFC 5280 §4.2.1.6). */
function ipAddressBytes(text: string): Uint8Array {
  const bad = () => new PkiError('ERR_PROFILE_INVALID', `Not an IP address: ${JSON.stringify(text)}`);
  if (typeof text !== 'string') throw bad();
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
  if (v4) {
    const octets = v4.slice(1).map(Number);
    if (octets.some((o) => o > 255)) throw bad();
    return new Uint8Array(octets);
  }
  const halves = text.split('::');
  if (halves.length > 2 || !/^[0-9A-Fa-f:]+$/.test(text)) throw bad();
  const groups = (h: string) => (h === '' ? [] : h.split(':'));
  const head = groups(halves[0] ?? '');
  const tail = halves.length === 2 ? groups(halves[1] ?? '') : [];
  const missing = 8 - head.length - tail.length;
  if ((halves.length === 1 && missing !== 0) || (halves.length === 2 && missing < 1)) throw bad();
  const all = [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill('0'), ...tail];
  const out = new Uint8Array(16);
  all.forEach((g, i) => {
    if (!/^[0-9A-Fa-f]{1,4}$/.test(g)) throw bad();
    const v = Number.parseInt(g, 16);
    out[i * 2] = v >> 8;
    out[i * 2 + 1] = v & 0xff;
  });
  return out;
}

/** A GeneralName uniformResourceIdentifier (`[6] IMPLICIT IA5String`). */
function uriGeneralName(url: string): Uint8Array {
  return derImplicitPrimitive(6, ia5Bytes(checkUrl(url)));
}

/**
 * URLs go into IA5String: absolute, ASCII-only (RFC 5280 §4.2.1.6; convert IRIs first).
 * @throws {PkiError} `ERR_INVALID_ARGUMENT` otherwise.
 */
function checkUrl(url: string): string {
  let ok = typeof url === 'string' && /^[\x21-\x7e]+$/.test(url);
  if (ok) {
    try {
      new URL(url);
    } catch {
      ok = false;
    }
  }
  if (!ok) throw new PkiError('ERR_INVALID_ARGUMENT', `Not an absolute ASCII URL: ${JSON.stringify(url)}`);
  return url;
}

/** A profile OID, reported as a profile error when malformed. */
function profileOid(oid: string): Uint8Array {
  try {
    return derOid(oid);
  } catch (cause) {
    throw new PkiError('ERR_PROFILE_INVALID', `Not an OID in the profile: ${JSON.stringify(oid)}`, { cause });
  }
}
