/**
 * Reading an NCA certificate into a plain, JSON-serialisable description: who it is for (IIN, BIN,
 * names, organisation), what it is for (purpose, roles, policies), its key and its links (OCSP,
 * CRL, delta CRL, CA certificate). Parses every generation of NCA certificates, including GOST
 * ones (their signatures are not verified here).
 */
import * as asn1js from 'asn1js';
import type * as pkijs from 'pkijs';
import { getCrypto } from '../crypto-provider.js';
import { decodeAsn1 } from '../der/asn1-decode.js';
import { bytesEqual, toHex } from '../der/encoding.js';
import { PkiError } from '../errors.js';
import { keyFamilyOf } from '../keys/key-algorithm.js';
import { readSpki } from '../keys/public-key.js';
import {
  type CertificateRole,
  type IdentificationMethod,
  identificationMethodOfOid,
  lookupOid,
  NCA_OIDS,
  roleOfOid,
} from '../profiles/oids.js';
import type { KeyUsageName } from '../profiles/profile.js';
import { TEMPLATE_NAMES, TEMPLATES, type TemplateName } from '../profiles/templates.js';
import { findSignatureAlgorithm, type HashName, isHashName } from '../signature/algorithms.js';
import { verifySignature } from '../signature/verify.js';
import { type CertificateInput, certificateToDer, parseCertificate } from './certificate.js';
import { readCertificateFields } from './certificate-fields.js';
import {
  extensionMap,
  integerHex,
  readAuthorityInfoAccess,
  readAuthorityKeyId,
  readBasicConstraints,
  readDistributionPointUris,
  readExtKeyUsage,
  readKeyUsage,
  readPolicies,
  readSubjectAltEmails,
  readSubjectKeyId,
} from './inspect-extensions.js';
import { attributeShortName, type DistinguishedName, decodeName, formatName, namesEqual } from './name.js';

/** A name in both forms. */
export interface NameInfo {
  /** RFC 4514 string (last RDN first), e.g. `GIVENNAME=ТЕСТОВИЧ,C=KZ,...,CN=ТЕСТОВ ТЕСТ`. */
  dn: string;
  /**
   * Values by short name (CN, SURNAME, SERIALNUMBER, C, O, OU, GIVENNAME, E, DC, UID,
   * BUSINESSCATEGORY, ...) or by OID for types without one; the first value of a repeated type.
   */
  fields: Record<string, string>;
  /** Every attribute in encoding order. */
  attributes: DistinguishedName;
}

/** What a certificate's key is for, in NCA terms. */
export type CertificatePurpose = 'auth' | 'sign' | 'auth+sign' | 'other';

/** One extension present in the certificate. */
export interface ExtensionInfo {
  /** Extension OID. */
  oid: string;
  /** Short name (e.g. `keyUsage`) when known. */
  name?: string;
  /** Whether it is marked critical. */
  critical: boolean;
}

/** The plain description of a certificate returned by {@link inspectCertificate}. */
export interface CertificateInfo {
  /** X.509 version (3 for every NCA certificate). */
  version: number;
  /** Serial number, lower-case hex without a sign octet. */
  serialNumber: string;
  subject: NameInfo;
  issuer: NameInfo;
  /** IIN from SERIALNUMBER=IIN…; absent for information systems and CAs. */
  iin?: string;
  /** BIN from OU=BIN… (legal entities). */
  bin?: string;
  commonName?: string;
  surname?: string;
  /**
   * First name. NCA certificates hold it only in CN ("SURNAME NAME"), so it is CN minus the
   * surname; for other certificates it is GIVENNAME.
   */
  givenName?: string;
  /** Patronymic: the NCA puts it into GIVENNAME (2.5.4.42). */
  patronymic?: string;
  organization?: string;
  /** E (emailAddress) attribute, else the first rfc822Name of subjectAltName. */
  email?: string;
  /** Treasury-Client role code (DC). */
  roleCode?: string;
  /** Treasury-Client participant code (businessCategory). */
  businessCategory?: string;
  /**
   * `auth` (clientAuth), `sign` (emailProtection), `auth+sign` (both, and every certificate of the
   * NCA's GOST-2015 generation, policy 1.2.398.3.3.2, whose one key serves both uses), `other`
   * (CA, OCSP responder, anything else).
   */
  keyPurpose: CertificatePurpose;
  /** Template-style role names from the role OIDs (e.g. `legal-entity`, `first-manager`). */
  roles: CertificateRole[];
  /** Role OIDs found in extKeyUsage (the NCA role arcs and the Treasury-Client OID). */
  roleOids: string[];
  /** The NCA template the roles correspond to, when one does. */
  template?: TemplateName;
  /** How the holder was identified, when the certificate says so. */
  identificationMethod?: IdentificationMethod;
  /** certificatePolicies OIDs. */
  policies: string[];
  /** CPS URIs of the policy qualifiers. */
  cpsUris: string[];
  /** `RSA-2048`, `ECDSA-P256`, `Ed25519`, `GOST-2004`, `GOST-2015-512`, ...; the OID when unknown. */
  keyAlgorithm: string;
  keyAlgorithmOid: string;
  /** Key size in bits (RSA modulus, EC field), when known. */
  keySize?: number;
  /** e.g. `sha256WithRSAEncryption`, `ecdsa-with-SHA256`, `gost34310-2015-512-with-streebog512`. */
  signatureAlgorithm: string;
  signatureAlgorithmOid: string;
  /** ISO 8601 (UTC). */
  notBefore: string;
  /** ISO 8601 (UTC). */
  notAfter: string;
  ocspUrls: string[];
  crlUrls: string[];
  /** freshestCRL (delta CRL) URLs. */
  deltaCrlUrls: string[];
  caIssuerUrls: string[];
  /** Lower-case hex. */
  subjectKeyId?: string;
  /** Lower-case hex of the keyIdentifier. */
  authorityKeyId?: string;
  /** basicConstraints cA. */
  isCa: boolean;
  /** basicConstraints pathLenConstraint. */
  pathLength?: number;
  keyUsage: KeyUsageName[];
  keyUsageCritical: boolean;
  /** extKeyUsage OIDs in certificate order (purposes and roles). */
  extKeyUsage: string[];
  /** id-pkix-ocsp-nocheck present (delegated OCSP responder). */
  ocspNoCheck: boolean;
  /** Subject and issuer names are equal. */
  selfIssued: boolean;
  extensions: ExtensionInfo[];
}

const ATTR = NCA_OIDS.attribute;
const NCA_ROLE_ARCS = ['1.2.398.3.3.4.1.', '1.2.398.3.3.4.2'];

function nameInfo(rdns: pkijs.RelativeDistinguishedNames): NameInfo {
  const attributes = decodeName(rdns);
  const fields: Record<string, string> = {};
  for (const a of attributes) {
    const key = attributeShortName(a.type) ?? a.type;
    if (!Object.hasOwn(fields, key)) fields[key] = a.value;
  }
  return { dn: formatName(rdns), fields, attributes };
}

function first(dn: DistinguishedName, type: string, re?: RegExp): string | undefined {
  for (const a of dn) {
    if (a.type !== type || a.encoding === 'der') continue;
    if (!re) return a.value;
    const m = re.exec(a.value);
    if (m) return m[1];
  }
  return undefined;
}

function bitLength(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length && bytes[i] === 0) i++;
  if (i === bytes.length) return 0;
  return (bytes.length - i - 1) * 8 + (32 - Math.clz32(bytes[i]!));
}

const CURVES: Readonly<Record<string, { name: string; bits: number }>> = {
  [NCA_OIDS.curve.p256]: { name: 'P256', bits: 256 },
  [NCA_OIDS.curve.p384]: { name: 'P384', bits: 384 },
  [NCA_OIDS.curve.p521]: { name: 'P521', bits: 521 },
};

/** Key algorithm name and size from SubjectPublicKeyInfo. */
function keyAlgorithm(spki: pkijs.PublicKeyInfo): { name: string; bits?: number } {
  const oid = spki.algorithm.algorithmId;
  const K = NCA_OIDS.keyAlgorithm;
  switch (oid) {
    case K.rsaEncryption:
    case K.rsassaPss: {
      // RSAPublicKey ::= SEQUENCE { modulus INTEGER, publicExponent INTEGER }
      const key = decodeAsn1(spki.subjectPublicKey.valueBlock.valueHexView);
      const modulus = key instanceof asn1js.Sequence ? key.valueBlock.value[0] : undefined;
      if (!(modulus instanceof asn1js.Integer)) {
        throw new PkiError('ERR_CERTIFICATE_INVALID', 'Malformed RSA public key');
      }
      const bits = bitLength(modulus.valueBlock.valueHexView);
      return { name: `${oid === K.rsassaPss ? 'RSA-PSS' : 'RSA'}-${bits}`, bits };
    }
    case K.ecPublicKey: {
      const params = spki.algorithm.algorithmParams;
      const curveOid = params instanceof asn1js.ObjectIdentifier ? params.valueBlock.toString() : undefined;
      const curve = curveOid ? CURVES[curveOid] : undefined;
      return curve
        ? { name: `ECDSA-${curve.name}`, bits: curve.bits }
        : { name: `ECDSA-${curveOid ?? 'explicit'}` };
    }
    case K.ed25519:
      return { name: 'Ed25519', bits: 256 };
    case K.ed448:
      return { name: 'Ed448', bits: 456 };
    case K.gost2004:
      return { name: 'GOST-2004', bits: 256 };
    case K.gost2015_512:
      return { name: 'GOST-2015-512', bits: 512 };
    default:
      return { name: oid };
  }
}

function isoDate(time: pkijs.Time, what: string): string {
  const d = time.value;
  if (!(d instanceof Date) || Number.isNaN(d.getTime())) {
    throw new PkiError('ERR_CERTIFICATE_INVALID', `Certificate ${what} is not a valid time`);
  }
  return d.toISOString();
}

/** The template whose role OIDs the certificate carries (the most specific one). */
function matchTemplate(roleOids: readonly string[]): TemplateName | undefined {
  let best: TemplateName | undefined;
  let bestLength = 0;
  for (const name of TEMPLATE_NAMES) {
    const wanted = TEMPLATES[name].roleOids;
    if (wanted.length > bestLength && wanted.every((o) => roleOids.includes(o))) {
      best = name;
      bestLength = wanted.length;
    }
  }
  return best;
}

function purposeOf(
  isCa: boolean,
  keyUsage: readonly KeyUsageName[],
  eku: readonly string[],
  policies: readonly string[],
): CertificatePurpose {
  if (isCa) return 'other';
  // GOST-2015 generation: one certificate per key, used both to sign and to log in.
  if (policies.includes(NCA_OIDS.policy.endEntity) && keyUsage.includes('digitalSignature'))
    return 'auth+sign';
  const auth = eku.includes(NCA_OIDS.eku.clientAuth);
  const sign = eku.includes(NCA_OIDS.eku.emailProtection);
  if (auth && sign) return 'auth+sign';
  if (auth) return 'auth';
  if (sign) return 'sign';
  return 'other';
}

function describe(cert: pkijs.Certificate): CertificateInfo {
  const exts = extensionMap(cert);
  const subject = nameInfo(cert.subject);
  const issuer = nameInfo(cert.issuer);
  const s = subject.attributes;

  const keyUsage = readKeyUsage(exts) ?? [];
  const extKeyUsage = readExtKeyUsage(exts) ?? [];
  const bc = readBasicConstraints(exts);
  const { policies, cpsUris } = readPolicies(exts);
  const aia = readAuthorityInfoAccess(exts);
  const ski = readSubjectKeyId(exts);
  const aki = readAuthorityKeyId(exts);
  const isCa = bc?.ca ?? false;

  const roleOids = extKeyUsage.filter(
    (o) => NCA_ROLE_ARCS.some((arc) => o.startsWith(arc)) || o === NCA_OIDS.role.treasuryClient,
  );
  const roles = [...new Set(roleOids.map(roleOfOid).filter((r): r is CertificateRole => r !== undefined))];
  const identificationMethod = extKeyUsage.map(identificationMethodOfOid).find((m) => m !== undefined);

  const commonName = first(s, ATTR.commonName);
  const surname = first(s, ATTR.surname);
  const givenNameAttr = first(s, ATTR.givenName);
  // NCA convention: CN = "SURNAME NAME", GIVENNAME = patronymic.
  const ncaStyle = commonName !== undefined && surname !== undefined && commonName.startsWith(`${surname} `);
  const givenName = ncaStyle ? commonName.slice(surname.length + 1).trim() || undefined : givenNameAttr;
  const patronymic = ncaStyle ? givenNameAttr : undefined;
  const email = first(s, ATTR.emailAddress) ?? readSubjectAltEmails(exts)[0];
  const key = keyAlgorithm(cert.subjectPublicKeyInfo);
  const sigOid = cert.signatureAlgorithm.algorithmId;
  const template = matchTemplate(roleOids);

  const info: CertificateInfo = {
    version: cert.version + 1,
    serialNumber: integerHex(cert.serialNumber),
    subject,
    issuer,
    keyPurpose: purposeOf(isCa, keyUsage, extKeyUsage, policies),
    roles,
    roleOids,
    policies,
    cpsUris,
    keyAlgorithm: key.name,
    keyAlgorithmOid: cert.subjectPublicKeyInfo.algorithm.algorithmId,
    signatureAlgorithm: lookupOid(sigOid)?.name ?? sigOid,
    signatureAlgorithmOid: sigOid,
    notBefore: isoDate(cert.notBefore, 'notBefore'),
    notAfter: isoDate(cert.notAfter, 'notAfter'),
    ocspUrls: aia.ocsp,
    crlUrls: readDistributionPointUris(exts, NCA_OIDS.extension.crlDistributionPoints),
    deltaCrlUrls: readDistributionPointUris(exts, NCA_OIDS.extension.freshestCrl),
    caIssuerUrls: aia.caIssuers,
    isCa,
    keyUsage,
    keyUsageCritical: exts.get(NCA_OIDS.extension.keyUsage)?.critical ?? false,
    extKeyUsage,
    ocspNoCheck: exts.has(NCA_OIDS.extension.ocspNoCheck),
    selfIssued: namesEqual(cert.subject, cert.issuer),
    extensions: [...exts.values()].map((e) => {
      const name = lookupOid(e.extnID)?.name;
      return name === undefined
        ? { oid: e.extnID, critical: e.critical }
        : { oid: e.extnID, name, critical: e.critical };
    }),
  };
  // Optional fields are set only when present, so the object has no `undefined` members.
  const optional: Partial<CertificateInfo> = {
    iin: first(s, ATTR.serialNumber, /^IIN(\d{12})$/),
    bin: first(s, ATTR.organizationalUnit, /^BIN(\d{12})$/),
    commonName,
    surname,
    givenName,
    patronymic,
    organization: first(s, ATTR.organization),
    email,
    roleCode: first(s, ATTR.domainComponent),
    businessCategory: first(s, ATTR.businessCategory),
    template,
    identificationMethod,
    keySize: key.bits,
    subjectKeyId: ski ? toHex(ski) : undefined,
    authorityKeyId: aki ? toHex(aki) : undefined,
    pathLength: bc?.pathLength,
  };
  for (const [k, v] of Object.entries(optional)) {
    if (v !== undefined) (info as unknown as Record<string, unknown>)[k] = v;
  }
  return info;
}

/** Options of {@link inspectCertificate} that ask for the signature to be checked. */
export interface InspectCertificateOptions {
  /** The certificate of the supposed issuer: its public key checks the signature. */
  issuer: CertificateInput;
}

/** {@link CertificateInfo} with the result of checking the signature against a given issuer. */
export interface CertificateInfoWithSignature extends CertificateInfo {
  /**
   * `true` when the signature verifies with the issuer's public key (and the outer and inner
   * signature algorithms agree, RFC 5280 §4.1.1.2); `false` otherwise, including an issuer key of
   * another family than the signature algorithm (e.g. an RSA issuer for a GOST signature).
   */
  signatureValid: boolean;
  /** `true` when the certificate's issuer name equals the issuer's subject name (RFC 5280 §7.1). */
  issuerNameMatches: boolean;
}

/**
 * Describes a certificate as a plain, JSON-serialisable object (see {@link CertificateInfo}).
 * Fingerprints need a digest, which WebCrypto only offers asynchronously: use
 * {@link certificateFingerprint}. Given `{ issuer }`, it also checks the signature with the
 * issuer's public key (RSA, ECDSA and the KZ GOST algorithms) and resolves to a
 * {@link CertificateInfoWithSignature}: signatures are verified asynchronously (WebCrypto), so
 * that form returns a Promise. It does not validate a chain: see `verifyChain`.
 *
 * @throws {PkiError} `ERR_CERTIFICATE_INVALID` when the input (or the issuer) is not a well-formed
 *   certificate (including malformed or duplicated extensions); with an issuer, the errors of
 *   `verifySignature` for unsupported algorithms and invalid issuer keys (as a rejected Promise).
 * @example
 * ```ts
 * const info = inspectCertificate(pem);
 * info.iin;        // '123456789011'
 * info.keyPurpose; // 'auth'
 * info.roles;      // ['individual']
 * const checked = await inspectCertificate(pem, { issuer: caPem });
 * checked.signatureValid; // true for a GOST R 34.10-2015 certificate signed by that CA
 * ```
 */
export function inspectCertificate(input: CertificateInput): CertificateInfo;
export function inspectCertificate(
  input: CertificateInput,
  options: InspectCertificateOptions,
): Promise<CertificateInfoWithSignature>;
export function inspectCertificate(
  input: CertificateInput,
  options?: InspectCertificateOptions,
): CertificateInfo | Promise<CertificateInfoWithSignature> {
  if (options !== undefined) return inspectWithIssuer(input, options);
  try {
    return describe(parseCertificate(input));
  } catch (cause) {
    if (cause instanceof PkiError) throw cause;
    throw new PkiError('ERR_CERTIFICATE_INVALID', 'Certificate cannot be read', { cause });
  }
}

async function inspectWithIssuer(
  input: CertificateInput,
  options: InspectCertificateOptions,
): Promise<CertificateInfoWithSignature> {
  if (typeof options !== 'object' || options === null || options.issuer === undefined) {
    throw new PkiError('ERR_INVALID_ARGUMENT', 'inspectCertificate options need an issuer certificate');
  }
  const info = inspectCertificate(input);
  const cert = readCertificateFields(input);
  const issuer = readCertificateFields(options.issuer);
  const issuerNameMatches = bytesEqual(cert.issuerDer, issuer.subjectDer);
  const parsed = parseCertificate(input);
  const inner = new Uint8Array(parsed.signature.toSchema().toBER(false));
  let signatureValid = false;
  if (bytesEqual(inner, cert.signatureAlgorithm)) {
    const algorithm = findSignatureAlgorithm(info.signatureAlgorithmOid);
    const family = keyFamilyOf(readSpki(issuer.spki).algorithmOid);
    signatureValid =
      algorithm !== undefined && family !== undefined && algorithm.family !== family
        ? false
        : await verifySignature({
            data: cert.tbs,
            algorithm: cert.signatureAlgorithm,
            signature: cert.signature,
            publicKeyInfo: issuer.spki,
          });
  }
  return { ...info, signatureValid, issuerNameMatches };
}

/** Hash functions for {@link certificateFingerprint} (every {@link HashName}). */
export type FingerprintHash = HashName;

/**
 * Fingerprint of a certificate: the hash of its DER encoding, lower-case hex.
 *
 * @throws {PkiError} `ERR_CERTIFICATE_INVALID` for a malformed certificate, `ERR_INVALID_ARGUMENT`
 *   for an unknown hash.
 * @example
 * ```ts
 * await certificateFingerprint(pem);          // SHA-256
 * await certificateFingerprint(pem, 'SHA-1');
 * ```
 */
export async function certificateFingerprint(
  input: CertificateInput,
  hash: FingerprintHash = 'SHA-256',
): Promise<string> {
  if (!isHashName(hash)) {
    throw new PkiError('ERR_INVALID_ARGUMENT', `Unsupported fingerprint hash: ${String(hash)}`);
  }
  const der = certificateToDer(input);
  return toHex(new Uint8Array(await getCrypto().subtle.digest(hash, der as BufferSource)));
}
