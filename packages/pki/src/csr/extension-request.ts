/**
 * The extensionRequest attribute of a PKCS#10 request (PKCS#9, RFC 2985 §5.4.2), by which an NCA
 * key-holder asks for the keyUsage and extKeyUsage of its template's AUTH or SIGN profile, so the
 * CA can tell which of the two certificates a request is for (and for which template), and how
 * the CA reads it back.
 *
 * ```asn1
 * Attribute ::= SEQUENCE {                                   -- RFC 2986 §4.1
 *      type   ATTRIBUTE.&id({IOSet}),
 *      values SET SIZE(1..MAX) OF ATTRIBUTE.&Type({IOSet}{@type}) }
 * extensionRequest ATTRIBUTE ::= {                           -- RFC 2985 §5.4.2
 *      WITH SYNTAX ExtensionRequest
 *      SINGLE VALUE TRUE
 *      ID pkcs-9-at-extensionRequest }                       -- 1.2.840.113549.1.9.14
 * ExtensionRequest ::= Extensions                            -- SEQUENCE SIZE (1..MAX) OF Extension
 * ```
 */
import * as asn1js from 'asn1js';
import { toArrayBuffer } from '../der/encoding.js';
import { derOid, derSequence, derSetOf } from '../der/writer.js';
import { PkiError } from '../errors.js';
import { identificationMethodOfOid, NCA_OIDS, roleOfOid } from '../profiles/oids.js';
import type { CertificateProfile, KeyPurpose, KeyUsageName } from '../profiles/profile.js';
import { TEMPLATE_NAMES, TEMPLATES, type TemplateName } from '../profiles/templates.js';
import { EXTENSION_OIDS } from '../x509/extension-oids.js';
import { extKeyUsageExtension, keyUsageExtension, keyUsageNames } from '../x509/extensions.js';

/** pkcs-9-at-extensionRequest. */
export const EXTENSION_REQUEST_OID = '1.2.840.113549.1.9.14';

/** What a request asks for in its extensionRequest attribute. */
export interface RequestedExtensions {
  /** Requested KeyUsage bits (empty when not requested). */
  keyUsage: KeyUsageName[];
  /** Requested ExtendedKeyUsage OIDs in request order (empty when not requested). */
  extKeyUsage: string[];
  /** rfc822Name entries of a requested subjectAltName. */
  emails: string[];
  /** Every requested extension (OID and criticality), in request order. */
  extensions: { oid: string; critical: boolean }[];
}

/**
 * The extensionRequest Attribute (DER) asking for the keyUsage and extKeyUsage of `profile`, with
 * the profile's criticality.
 */
export function extensionRequestAttribute(
  profile: Pick<CertificateProfile, 'keyUsage' | 'keyUsageCritical' | 'extKeyUsage' | 'extKeyUsageCritical'>,
): Uint8Array {
  const extensions: Uint8Array[] = [];
  if (profile.keyUsage.length > 0)
    extensions.push(keyUsageExtension(profile.keyUsage, profile.keyUsageCritical));
  if (profile.extKeyUsage.length > 0) {
    extensions.push(extKeyUsageExtension(profile.extKeyUsage, profile.extKeyUsageCritical ?? false));
  }
  if (extensions.length === 0)
    throw new PkiError('ERR_PROFILE_INVALID', 'Nothing to request: no KU and no EKU');
  return derSequence(derOid(EXTENSION_REQUEST_OID), derSetOf(derSequence(...extensions)));
}

function invalid(message: string, cause?: unknown): PkiError {
  return new PkiError('ERR_CSR_INVALID', message, cause === undefined ? {} : { cause });
}

function parseValue(bytes: Uint8Array, what: string): asn1js.AsnType {
  let parsed: ReturnType<typeof asn1js.fromBER>;
  try {
    parsed = asn1js.fromBER(toArrayBuffer(bytes));
  } catch (cause) {
    throw invalid(`Malformed ${what}`, cause); // asn1js throws on some malformed values
  }
  if (parsed.offset === -1 || parsed.offset !== bytes.length) throw invalid(`Malformed ${what}`);
  return parsed.result;
}

/**
 * Reads the extensionRequest among a request's attributes (each an asn1js `Attribute` SEQUENCE).
 * Other attributes (challengePassword, ...) are ignored.
 * @throws {PkiError} `ERR_CSR_INVALID` for a malformed or repeated extensionRequest, a repeated
 *   extension, or malformed keyUsage / extKeyUsage / subjectAltName values.
 */
export function parseExtensionRequest(attributes: readonly asn1js.AsnType[]): RequestedExtensions {
  const out: RequestedExtensions = { keyUsage: [], extKeyUsage: [], emails: [], extensions: [] };
  let found = false;
  for (const attr of attributes) {
    const [type, values] = attr instanceof asn1js.Sequence ? attr.valueBlock.value : [];
    if (!(type instanceof asn1js.ObjectIdentifier) || !(values instanceof asn1js.Set)) {
      throw invalid('Malformed request attribute');
    }
    if (type.valueBlock.toString() !== EXTENSION_REQUEST_OID) continue;
    if (found || values.valueBlock.value.length !== 1)
      throw invalid('extensionRequest must be single-valued');
    found = true;
    const exts = values.valueBlock.value[0];
    if (!(exts instanceof asn1js.Sequence)) throw invalid('Malformed extensionRequest');
    for (const ext of exts.valueBlock.value) readExtension(ext, out);
  }
  return out;
}

function readExtension(ext: asn1js.AsnType, out: RequestedExtensions): void {
  const parts = ext instanceof asn1js.Sequence ? ext.valueBlock.value : [];
  const [idNode] = parts;
  const critNode = parts.length === 3 ? parts[1] : undefined;
  const valueNode = parts[parts.length - 1];
  if (
    parts.length < 2 ||
    parts.length > 3 ||
    !(idNode instanceof asn1js.ObjectIdentifier) ||
    (critNode !== undefined && !(critNode instanceof asn1js.Boolean)) ||
    !(valueNode instanceof asn1js.OctetString)
  ) {
    throw invalid('Malformed requested extension');
  }
  const oid = idNode.valueBlock.toString();
  if (out.extensions.some((e) => e.oid === oid)) throw invalid(`Extension ${oid} requested twice`);
  out.extensions.push({ oid, critical: critNode instanceof asn1js.Boolean && critNode.valueBlock.value });
  const value = new Uint8Array(valueNode.valueBlock.valueHexView);
  if (oid === EXTENSION_OIDS.keyUsage) {
    const bits = parseValue(value, 'keyUsage');
    if (!(bits instanceof asn1js.BitString)) throw invalid('Malformed keyUsage');
    out.keyUsage = keyUsageNames(new Uint8Array(bits.valueBlock.valueHexView));
  } else if (oid === EXTENSION_OIDS.extKeyUsage) {
    const seq = parseValue(value, 'extKeyUsage');
    if (!(seq instanceof asn1js.Sequence)) throw invalid('Malformed extKeyUsage');
    out.extKeyUsage = seq.valueBlock.value.map((p) => {
      if (!(p instanceof asn1js.ObjectIdentifier)) throw invalid('Malformed extKeyUsage');
      return p.valueBlock.toString();
    });
  } else if (oid === EXTENSION_OIDS.subjectAltName) {
    const seq = parseValue(value, 'subjectAltName');
    if (!(seq instanceof asn1js.Sequence)) throw invalid('Malformed subjectAltName');
    for (const name of seq.valueBlock.value) {
      // rfc822Name [1] IMPLICIT IA5String (RFC 5280 §4.2.1.6)
      if (name.idBlock.tagClass === 3 && name.idBlock.tagNumber === 1 && !name.idBlock.isConstructed) {
        const bytes = (name as asn1js.Primitive).valueBlock.valueHexView;
        out.emails.push(String.fromCharCode(...bytes));
      }
    }
  }
}

/**
 * Which NCA key a request is for, from what it requests: AUTH signals are clientAuth and
 * keyEncipherment, SIGN signals are emailProtection and nonRepudiation (docs/domain.md, Certificate profiles). `undefined`
 * when there are signals of both kinds or of neither.
 */
export function inferPurpose(
  keyUsage: readonly KeyUsageName[],
  extKeyUsage: readonly string[],
): KeyPurpose | undefined {
  const auth = extKeyUsage.includes(NCA_OIDS.eku.clientAuth) || keyUsage.includes('keyEncipherment');
  const sign = extKeyUsage.includes(NCA_OIDS.eku.emailProtection) || keyUsage.includes('nonRepudiation');
  if (auth === sign) return undefined;
  return auth ? 'auth' : 'sign';
}

/**
 * The NCA template whose role OIDs are exactly the role OIDs among `extKeyUsage` (purpose and
 * identification-method OIDs aside), or `undefined` when none matches.
 */
export function inferTemplate(extKeyUsage: readonly string[]): TemplateName | undefined {
  const roles = new Set(
    extKeyUsage.filter((oid) => roleOfOid(oid) !== undefined && identificationMethodOfOid(oid) === undefined),
  );
  if (roles.size === 0) return undefined;
  return TEMPLATE_NAMES.find((name) => {
    const wanted = TEMPLATES[name].roleOids;
    return wanted.length === roles.size && wanted.every((oid) => roles.has(oid));
  });
}
