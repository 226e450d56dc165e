/**
 * The certificate issuance primitive of the reference CA: one function makes the self-signed root,
 * the issuing CA certificate and every end-entity certificate (AUTH, SIGN, OCSP responder, staff).
 *
 * ```asn1
 * TBSCertificate  ::=  SEQUENCE  {                              -- RFC 5280 §4.1
 *      version         [0]  EXPLICIT Version DEFAULT v1,        -- always v3 (2) here
 *      serialNumber         CertificateSerialNumber,
 *      signature            AlgorithmIdentifier,
 *      issuer               Name,
 *      validity             Validity,
 *      subject              Name,
 *      subjectPublicKeyInfo SubjectPublicKeyInfo,
 *      issuerUniqueID  [1]  IMPLICIT UniqueIdentifier OPTIONAL, -- never written
 *      subjectUniqueID [2]  IMPLICIT UniqueIdentifier OPTIONAL, -- never written
 *      extensions      [3]  EXPLICIT Extensions OPTIONAL }
 * Validity ::= SEQUENCE { notBefore Time, notAfter Time }
 * Time ::= CHOICE { utcTime UTCTime, generalTime GeneralizedTime }
 * ```
 *
 * Performance: the TBSCertificate is written once with a direct DER writer, splicing the issuer
 * Name and the subject's SubjectPublicKeyInfo as their exact DER, and signed once. Everything
 * derived from the issuer certificate (its Name, key identifier, key check) is computed once per
 * issuer and cached (see {@link prepareIssuer}).
 */
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { type CsrInfo, isCsrInfo, type VerifyCsrOptions, verifyCsr } from '../csr/csr.js';
import { type BytesLike, bytesEqual, toArrayBuffer, toBytes, toHex, toPem } from '../der/encoding.js';
import {
  derBitString,
  derExplicit,
  derSequence,
  derSmallInteger,
  derTime,
  derUnsignedInteger,
} from '../der/writer.js';
import { isPkiError, PkiError } from '../errors.js';
import { isCryptoKey } from '../keys/key-algorithm.js';
import { exportSpki } from '../keys/keys.js';
import {
  inspectPublicKey,
  type PublicKeyInfo,
  type PublicKeyPolicy,
  resolvePolicy,
  validatePublicKey,
} from '../keys/public-key.js';
import type { CertificateProfile, ExtensionName } from '../profiles/profile.js';
import { prepareSigner, type SigningKey } from '../signature/sign.js';
import { verifySignature } from '../signature/verify.js';
import { type CertificateInput, certificateToDer, parseCertificate } from './certificate.js';
import { EXTENSION_OIDS } from './extension-oids.js';
import {
  authorityInfoAccessExtension,
  authorityKeyIdentifierExtension,
  basicConstraintsExtension,
  certificatePoliciesExtension,
  distributionPointsExtension,
  extKeyUsageExtension,
  KEY_USAGE_BITS,
  keyUsageExtension,
  keyUsageNames,
  ncaPrivateExtension,
  ocspNoCheckExtension,
  subjectAltNameExtension,
  subjectKeyIdentifierExtension,
} from './extensions.js';
import { type NameInput, nameToDer } from './name.js';
import { randomSerial, serialMagnitude } from './serial.js';
import { type KeyIdMethod, keyIdHash, subjectKeyIdentifier } from './ski.js';

/** Where relying parties find revocation data and the issuer's certificate. */
export interface CertificateUrls {
  /** Full CRL URLs (cRLDistributionPoints; several URLs are mirrors of one CRL). */
  crl?: string[];
  /** Delta CRL URLs (freshestCRL, RFC 5280 §4.2.1.15). */
  deltaCrl?: string[];
  /** OCSP responder URLs (AuthorityInfoAccess id-ad-ocsp). */
  ocsp?: string[];
  /** URLs of the issuer's certificate (AuthorityInfoAccess id-ad-caIssuers). */
  caIssuers?: string[];
  /** CPS URL, attached as a CPS qualifier to every policy (the NCA uses `http://pki.gov.kz/cps`). */
  cps?: string;
}

/** Explicit validity; see {@link IssueCertificateOptions.validity}. */
export interface CertificateValidity {
  /** Start of validity (default: now minus the backdate). */
  notBefore?: Date;
  /** End of validity (default: `notBefore` plus `profile.validityDays`). */
  notAfter?: Date;
}

/** An issuer certificate with everything issuance needs from it, computed once. */
export interface PreparedIssuer {
  /** The certificate DER. */
  readonly der: Uint8Array;
  /** The parsed certificate. */
  readonly certificate: pkijs.Certificate;
  /** The issuer's subject Name, exact DER: the `issuer` of the certificates it issues. */
  readonly subjectDer: Uint8Array;
  /** The issuer certificate's own issuer Name, exact DER (for a full authorityKeyIdentifier). */
  readonly issuerNameDer: Uint8Array;
  /** The issuer certificate's serial number, unsigned magnitude (for a full authorityKeyIdentifier). */
  readonly serial: Uint8Array;
  /** The issuer's key identifier (its SKI extension, or RFC 5280 method 1 when it has none). */
  readonly keyIdentifier: Uint8Array;
  /** The issuer's public key (valid; its size policy is applied by {@link issueCertificate}). */
  readonly spki: PublicKeyInfo;
  /** End of the issuer's validity. */
  readonly notAfter: Date;
}

/** Options of {@link issueCertificate}. */
export interface IssueCertificateOptions {
  /**
   * The request: a {@link CsrInfo} from `verifyCsr`, or the request itself (DER/PEM/base64), which
   * is then verified (signature and key policy). Supplies the public key, and the subject unless
   * `subject` is given.
   */
  csr?: CsrInfo | string | BytesLike;
  /** The subject's public key (CryptoKey or SubjectPublicKeyInfo DER), when there is no `csr`. */
  publicKey?: CryptoKey | BytesLike;
  /** Subject name; overrides the request's. Required without a `csr`. */
  subject?: NameInput;
  /** What goes into the certificate besides subject, key, issuer, serial and URLs. */
  profile: CertificateProfile;
  /** The issuer certificate (or {@link prepareIssuer}'s result). Absent: self-signed with `issuerKey`. */
  issuer?: CertificateInput | PreparedIssuer;
  /**
   * The issuer's private key (for a self-signed certificate, the subject's own private key): a
   * WebCrypto key or a `SoftwareSigningKey`.
   */
  issuerKey: SigningKey;
  /** Serial number (unsigned bytes or hex); default {@link randomSerial}(). */
  serial?: Uint8Array | string;
  /** Explicit validity; past dates are allowed (e.g. for test certificates that have expired). */
  validity?: CertificateValidity;
  /** Seconds the default notBefore lies in the past, for relying parties with slow clocks (default 60). */
  backdateSeconds?: number;
  /** CRL, delta CRL, OCSP, caIssuers and CPS URLs. */
  urls?: CertificateUrls;
  /**
   * How the subjectKeyIdentifier is computed: `rfc5280` (default, method 1) or `spki-sha1` (SHA-1 of
   * the whole SubjectPublicKeyInfo, as the NCA's RSA end-entity certificates have it).
   */
  keyIdMethod?: KeyIdMethod;
  /**
   * Key policy for the subject and issuer keys (same as `verifyCsr`; default `ISSUANCE_KEY_POLICY`:
   * RSA 2048 to 8192 bits with e = 65537, ECDSA P-256/P-384).
   */
  keyPolicy?: VerifyCsrOptions;
}

/** A certificate made by {@link issueCertificate}. */
export interface IssuedCertificate {
  /** The certificate DER. */
  der: Uint8Array;
  /** The certificate PEM (computed on first read). */
  readonly pem: string;
  /** Serial number, canonical hex (lower case, no leading zero octets). */
  serialHex: string;
  /** Start of validity, as encoded (whole seconds). */
  notBefore: Date;
  /** End of validity, as encoded (whole seconds). */
  notAfter: Date;
  /** SubjectKeyIdentifier hex (lower case): the NCA key-file name suffix and PKCS#12 friendlyName. */
  subjectKeyId: string;
}

const DEFAULT_BACKDATE_SECONDS = 60;
const DAY_MS = 86_400_000;

/** Objects made by prepareIssuer, and the issuer keys already proven to match each. */
const preparedKeys = new WeakMap<PreparedIssuer, WeakSet<SigningKey>>();
/** Cache of prepared issuers by input object (parsed certificates by identity, byte arrays by content). */
const byObject = new WeakMap<object, PreparedIssuer>();
/** Small cache by content for issuers given as text or fresh byte arrays. */
const byContent: PreparedIssuer[] = [];
const BY_CONTENT_MAX = 16;

function isPreparedIssuer(value: unknown): value is PreparedIssuer {
  return typeof value === 'object' && value !== null && preparedKeys.has(value as PreparedIssuer);
}

function notCa(message: string): PkiError {
  return new PkiError('ERR_INVALID_ARGUMENT', `The issuer certificate cannot issue: ${message}`);
}

/** An issuer key identifier from the SKI extension, else RFC 5280 method 1. */
async function issuerKeyIdentifier(cert: pkijs.Certificate, spki: Uint8Array): Promise<Uint8Array> {
  const ext = cert.extensions?.find((e) => e.extnID === EXTENSION_OIDS.subjectKeyIdentifier);
  if (ext) {
    let value: asn1js.AsnType | undefined;
    try {
      value = asn1js.fromBER(ext.extnValue.valueBlock.valueHexView).result;
    } catch {
      value = undefined; // asn1js throws on some malformed values
    }
    if (value instanceof asn1js.OctetString && value.valueBlock.valueHexView.length > 0) {
      return new Uint8Array(value.valueBlock.valueHexView);
    }
    throw new PkiError('ERR_CERTIFICATE_INVALID', 'Malformed SubjectKeyIdentifier in the issuer certificate');
  }
  return subjectKeyIdentifier(spki);
}

/**
 * Reads an issuer certificate once for any number of {@link issueCertificate} calls: its exact
 * subject Name, key identifier and public key, and checks that it may issue certificates
 * (basicConstraints cA, keyCertSign when keyUsage is present). `issueCertificate` calls this
 * itself and caches the result, so passing the certificate directly is fine; this is for callers
 * that prefer to hold the prepared form.
 *
 * @throws {PkiError} `ERR_CERTIFICATE_INVALID` for a malformed certificate; `ERR_INVALID_ARGUMENT`
 *   for a certificate that is not a CA certificate.
 */
export async function prepareIssuer(certificate: CertificateInput | PreparedIssuer): Promise<PreparedIssuer> {
  if (isPreparedIssuer(certificate)) return certificate;
  if (typeof certificate === 'object' && certificate !== null) {
    const hit = byObject.get(certificate);
    // Byte arrays are compared too, in case the caller reused the buffer for another certificate.
    if (hit && (certificate instanceof pkijs.Certificate || bytesEqual(hit.der, certificate))) return hit;
  }
  let der: Uint8Array;
  try {
    der = certificateToDer(certificate);
  } catch (cause) {
    if (isPkiError(cause)) throw cause;
    throw new PkiError('ERR_CERTIFICATE_INVALID', 'The issuer certificate is not well-formed DER', { cause });
  }
  const cached = byContent.find((p) => p.der.length === der.length && bytesEqual(p.der, der));
  if (cached) return cached;

  let cert: pkijs.Certificate;
  let asn1: ReturnType<typeof asn1js.fromBER>;
  try {
    cert = parseCertificate(der);
    asn1 = asn1js.fromBER(toArrayBuffer(der));
  } catch (cause) {
    if (isPkiError(cause)) throw cause;
    throw new PkiError('ERR_CERTIFICATE_INVALID', 'The issuer certificate is not well-formed DER', { cause });
  }
  const tbs = (asn1.result as asn1js.Sequence).valueBlock.value[0] as asn1js.Sequence;
  // version [0] is present in every v3 certificate, so subject and SPKI are elements 5 and 6.
  const [subjectNode, spkiNode] = tbs.valueBlock.value.slice(5, 7);
  const issuerNode = tbs.valueBlock.value[3];
  if (
    cert.version !== 2 ||
    !(subjectNode instanceof asn1js.Sequence) ||
    !(issuerNode instanceof asn1js.Sequence) ||
    !(spkiNode instanceof asn1js.Sequence)
  ) {
    throw notCa('not an X.509 v3 certificate');
  }
  const bc = cert.extensions?.find((e) => e.extnID === EXTENSION_OIDS.basicConstraints);
  if (!bc || !(bc.parsedValue instanceof pkijs.BasicConstraints) || !bc.parsedValue.cA) {
    throw notCa('basicConstraints cA is not set');
  }
  const ku = cert.extensions?.find((e) => e.extnID === EXTENSION_OIDS.keyUsage);
  if (ku) {
    const bits = ku.parsedValue;
    if (!(bits instanceof asn1js.BitString))
      throw new PkiError('ERR_CERTIFICATE_INVALID', 'Malformed keyUsage');
    if (!keyUsageNames(new Uint8Array(bits.valueBlock.valueHexView)).includes('keyCertSign')) {
      throw notCa('keyUsage lacks keyCertSign');
    }
  }
  const spkiDer = new Uint8Array(spkiNode.valueBeforeDecodeView);
  const prepared: PreparedIssuer = Object.freeze({
    der,
    certificate: cert,
    subjectDer: new Uint8Array(subjectNode.valueBeforeDecodeView),
    issuerNameDer: new Uint8Array(issuerNode!.valueBeforeDecodeView),
    // The INTEGER's content as is (a sign octet dropped): issuers outside this package may have
    // serials that serialMagnitude refuses for new certificates.
    serial: serialContent(new Uint8Array(cert.serialNumber.valueBlock.valueHexView)),
    keyIdentifier: await issuerKeyIdentifier(cert, spkiDer),
    spki: inspectPublicKey(spkiDer),
    notAfter: cert.notAfter.value,
  });
  preparedKeys.set(prepared, new WeakSet());
  if (typeof certificate === 'object' && certificate !== null) byObject.set(certificate, prepared);
  byContent.push(prepared);
  if (byContent.length > BY_CONTENT_MAX) byContent.shift();
  return prepared;
}

function serialContent(integer: Uint8Array): Uint8Array {
  return integer.length > 1 && integer[0] === 0 && (integer[1]! & 0x80) !== 0
    ? integer.slice(1)
    : integer.slice();
}

/** Proves once per issuer that `issuerKey` is the private key of the issuer certificate. */
async function checkIssuerKey(issuer: PreparedIssuer, issuerKey: SigningKey): Promise<void> {
  const checked = preparedKeys.get(issuer)!;
  if (checked.has(issuerKey)) return;
  const signer = prepareSigner(issuerKey);
  const probe = new TextEncoder().encode('kzpki issuer key check');
  const signature = await signer.sign(probe);
  if (!(await signedBy(issuer.spki, signer.oid, signature, probe))) {
    throw new PkiError(
      'ERR_KEY_INVALID',
      "issuerKey is not the private key of the issuer certificate's public key",
    );
  }
  checked.add(issuerKey);
}

/** Whether `signature` verifies with `key`; a key of another family than the signer's does not. */
async function signedBy(
  key: PublicKeyInfo,
  oid: string,
  signature: Uint8Array,
  data: Uint8Array,
): Promise<boolean> {
  try {
    return await verifySignature({ data, algorithm: oid, signature, publicKeyInfo: key.der });
  } catch (e) {
    if (isPkiError(e, 'ERR_KEY_INVALID')) return false;
    throw e;
  }
}

function checkProfile(profile: CertificateProfile): void {
  const bad = (m: string) => new PkiError('ERR_PROFILE_INVALID', `Profile ${profile?.name ?? '?'}: ${m}`);
  if (typeof profile !== 'object' || profile === null)
    throw new PkiError('ERR_PROFILE_INVALID', 'profile is required');
  if (!Number.isFinite(profile.validityDays) || profile.validityDays <= 0)
    throw bad('validityDays must be positive');
  if (
    !Array.isArray(profile.keyUsage) ||
    !Array.isArray(profile.extKeyUsage) ||
    !Array.isArray(profile.policies)
  ) {
    throw bad('keyUsage, extKeyUsage and policies must be arrays');
  }
  for (const u of profile.keyUsage)
    if (!Object.hasOwn(KEY_USAGE_BITS, u)) throw bad(`unknown key usage ${u}`);
  if (profile.basicConstraints?.ca && !profile.keyUsage.includes('keyCertSign')) {
    throw bad('a CA profile needs keyCertSign'); // RFC 5280 §4.2.1.9
  }
  if (!profile.basicConstraints?.ca && profile.keyUsage.includes('keyCertSign')) {
    throw bad('keyCertSign requires basicConstraints cA'); // RFC 5280 §4.2.1.3
  }
  for (const name of profile.extensionOrder ?? []) {
    if (!DEFAULT_EXTENSION_ORDER.includes(name))
      throw bad(`unknown extension ${String(name)} in extensionOrder`);
  }
}

function wholeSeconds(d: Date): Date {
  return new Date(Math.floor(d.getTime() / 1000) * 1000);
}

function validityOf(opts: IssueCertificateOptions): { notBefore: Date; notAfter: Date } {
  const v = opts.validity ?? {};
  for (const d of [v.notBefore, v.notAfter]) {
    if (d !== undefined && (!(d instanceof Date) || Number.isNaN(d.getTime()))) {
      throw new PkiError('ERR_INVALID_ARGUMENT', 'validity dates must be valid Date objects');
    }
  }
  const backdate = opts.backdateSeconds ?? DEFAULT_BACKDATE_SECONDS;
  if (!Number.isFinite(backdate) || backdate < 0) {
    throw new PkiError('ERR_INVALID_ARGUMENT', 'backdateSeconds must be a non-negative number');
  }
  const now = wholeSeconds(new Date());
  const notBefore = wholeSeconds(v.notBefore ?? new Date(now.getTime() - backdate * 1000));
  // Exactly validityDays from notBefore, backdate included, as the NCA's certificates (365 days to the second).
  const notAfter = wholeSeconds(
    v.notAfter ?? new Date(notBefore.getTime() + opts.profile.validityDays * DAY_MS),
  );
  if (notAfter.getTime() <= notBefore.getTime()) {
    throw new PkiError('ERR_INVALID_ARGUMENT', 'notAfter must be later than notBefore');
  }
  return { notBefore, notAfter };
}

async function subjectKey(
  opts: IssueCertificateOptions,
  csr: CsrInfo | undefined,
  policy: PublicKeyPolicy,
): Promise<{ spki: PublicKeyInfo; subjectDer: Uint8Array | undefined }> {
  if (csr && opts.publicKey !== undefined) {
    throw new PkiError('ERR_INVALID_ARGUMENT', 'Give either csr or publicKey, not both');
  }
  let spki: PublicKeyInfo;
  if (csr) spki = validatePublicKey(csr.spki, policy);
  else if (opts.publicKey === undefined)
    throw new PkiError('ERR_INVALID_ARGUMENT', 'csr or publicKey is required');
  else if (isCryptoKey(opts.publicKey)) spki = validatePublicKey(await exportSpki(opts.publicKey), policy);
  else spki = validatePublicKey(toBytes(opts.publicKey), policy);
  return { spki, subjectDer: csr?.subjectDer };
}

/** The default extension order (see {@link issueCertificate}). */
const DEFAULT_EXTENSION_ORDER: readonly ExtensionName[] = [
  'basicConstraints',
  'keyUsage',
  'extKeyUsage',
  'authorityKeyIdentifier',
  'subjectKeyIdentifier',
  'certificatePolicies',
  'cRLDistributionPoints',
  'freshestCRL',
  'authorityInfoAccess',
  'ocspNoCheck',
  'subjectAltName',
  'ncaPrivate',
];

/** The extensions in the profile's order, then any others in the default order. */
function orderExtensions(
  byName: ReadonlyMap<ExtensionName, Uint8Array>,
  order: readonly ExtensionName[] | undefined,
): Uint8Array[] {
  const names = [...(order ?? []), ...DEFAULT_EXTENSION_ORDER];
  const out: Uint8Array[] = [];
  const seen = new Set<ExtensionName>();
  for (const name of names) {
    if (seen.has(name)) continue;
    seen.add(name);
    const ext = byName.get(name);
    if (ext) out.push(ext);
  }
  return out;
}

/**
 * A serial number made from a key identifier as the NCA's GOST-2015 CA does: the identifier with
 * its top bit cleared, so that the INTEGER is positive and keeps the identifier's 20 bytes
 * (docs/domain.md, GOST). Unique as long as keys are: the CA refuses a key it has certified before.
 * @example
 * ```ts
 * toHex(serialFromKeyId(fromHex('979fdd544a7f9a19b77ad38275ca45f20b84e590'))); // '179fdd54…e590'
 * ```
 */
export function serialFromKeyId(keyId: Uint8Array): Uint8Array {
  if (keyId.length === 0) throw new PkiError('ERR_INVALID_ARGUMENT', 'An empty key identifier');
  const serial = keyId.slice();
  serial[0] = serial[0]! & 0x7f;
  return serial;
}

/**
 * Issues an X.509 v3 certificate.
 *
 * Extensions, by default in this order, as the profile and URLs call for them: basicConstraints,
 * keyUsage, extKeyUsage (criticality per profile), authorityKeyIdentifier (keyIdentifier = the
 * issuer's SKI; the certificate's own SKI when self-signed), subjectKeyIdentifier (`keyIdMethod`,
 * else the profile's), certificatePolicies (with the CPS URL when given, and the user notice when
 * the profile asks), cRLDistributionPoints, freshestCRL, authorityInfoAccess (caIssuers, OCSP; OCSP
 * first when the profile asks), id-pkix-ocsp-nocheck when `profile.ocspNoCheck`, subjectAltName,
 * the NCA private extension when `profile.ncaPrivateExtension`. `profile.extensionOrder` reorders
 * them (the NCA GOST-2015 templates). The serial is random (20 bytes) unless given or
 * `profile.serialFromKeyId` (the SKI with its top bit cleared).
 * The issuer Name is copied byte for byte from the issuer certificate's subject.
 *
 * @throws {PkiError} `ERR_PROFILE_INVALID`, `ERR_SUBJECT_INVALID` (no subject), `ERR_INVALID_ARGUMENT`
 *   (bad serial, validity, URL, an issuer that is not a CA), `ERR_KEY_INVALID` (issuerKey does not
 *   match the issuer or the self-signed public key, or a subject or issuer public key is invalid),
 *   `ERR_KEY_TOO_WEAK` (a subject or issuer key below `keyPolicy`), and `verifyCsr`'s errors.
 * @example
 * ```ts
 * const rootKeys = await generateKeyPair('RSA-4096', { extractable: false });
 * const root = await issueCertificate({
 *   publicKey: rootKeys.publicKey, subject: [{ type: '2.5.4.3', value: 'Test Root' }],
 *   profile: rootCaProfile(), issuerKey: rootKeys.privateKey,
 * });
 * const leaf = await issueCertificate({
 *   csr: csrPem, profile: templateProfile('individual', 'auth'),
 *   issuer: issuingCa.der, issuerKey: issuingKeys.privateKey,
 *   urls: { crl: ['http://ca.test/crl/ca.crl'], deltaCrl: ['http://ca.test/crl/ca_d.crl'],
 *           ocsp: ['http://ca.test/ocsp'], caIssuers: ['http://ca.test/cert/ca.cer'] },
 * });
 * ```
 */
export async function issueCertificate(opts: IssueCertificateOptions): Promise<IssuedCertificate> {
  checkProfile(opts.profile);
  const { profile } = opts;
  const issuer = opts.issuer === undefined ? undefined : await prepareIssuer(opts.issuer);
  const policy = resolvePolicy(opts.keyPolicy);
  if (issuer) {
    validatePublicKey(issuer.spki, policy);
    await checkIssuerKey(issuer, opts.issuerKey);
  }
  const signer = prepareSigner(opts.issuerKey);

  const csr =
    opts.csr === undefined
      ? undefined
      : isCsrInfo(opts.csr)
        ? opts.csr
        : await verifyCsr(opts.csr, opts.keyPolicy);
  const { spki, subjectDer: csrSubject } = await subjectKey(opts, csr, policy);
  const subjectDer = opts.subject !== undefined ? nameToDer(opts.subject) : csrSubject;
  // An empty subject needs a critical subjectAltName (RFC 5280 §4.1.2.6), which is not written here.
  if (!subjectDer || subjectDer.length <= 2) {
    throw new PkiError('ERR_SUBJECT_INVALID', 'The certificate needs a non-empty subject');
  }
  const { notBefore, notAfter } = validityOf(opts);
  const keyIdMethod = opts.keyIdMethod ?? profile.keyIdMethod;
  const ski = keyIdHash(keyIdMethod === 'spki-sha1' ? spki.der : spki.subjectPublicKey);
  const serial = serialMagnitude(
    opts.serial ?? (profile.serialFromKeyId ? serialFromKeyId(ski) : randomSerial(profile.serialBytes)),
  );
  if (profile.keyAlgorithm !== undefined && spki.algorithm !== profile.keyAlgorithm) {
    throw new PkiError(
      'ERR_KEY_INVALID',
      `Profile ${profile.name} is for ${profile.keyAlgorithm} keys, not ${spki.algorithm}`,
    );
  }
  const urls = opts.urls ?? {};

  const byName = new Map<ExtensionName, Uint8Array>();
  if (profile.basicConstraints)
    byName.set('basicConstraints', basicConstraintsExtension(profile.basicConstraints));
  if (profile.keyUsage.length > 0)
    byName.set('keyUsage', keyUsageExtension(profile.keyUsage, profile.keyUsageCritical));
  if (profile.extKeyUsage.length > 0) {
    byName.set(
      'extKeyUsage',
      extKeyUsageExtension(profile.extKeyUsage, profile.extKeyUsageCritical ?? false),
    );
  }
  byName.set(
    'authorityKeyIdentifier',
    authorityKeyIdentifierExtension(
      issuer ? issuer.keyIdentifier : ski,
      profile.authorityKeyIdentifierIssuer
        ? issuer
          ? { nameDer: issuer.issuerNameDer, serial: issuer.serial }
          : { nameDer: subjectDer, serial } // self-signed: its own name and serial
        : undefined,
    ),
  );
  byName.set('subjectKeyIdentifier', subjectKeyIdentifierExtension(ski));
  if (profile.policies.length > 0) {
    byName.set(
      'certificatePolicies',
      // The user notice repeats the CPS URL, so without one there is none.
      certificatePoliciesExtension(
        profile.policies,
        urls.cps,
        profile.policyUserNotice === true && urls.cps !== undefined,
      ),
    );
  }
  if (urls.crl?.length)
    byName.set(
      'cRLDistributionPoints',
      distributionPointsExtension(urls.crl, EXTENSION_OIDS.cRLDistributionPoints),
    );
  if (urls.deltaCrl?.length)
    byName.set('freshestCRL', distributionPointsExtension(urls.deltaCrl, EXTENSION_OIDS.freshestCRL));
  if (urls.caIssuers?.length || urls.ocsp?.length) {
    byName.set(
      'authorityInfoAccess',
      authorityInfoAccessExtension({
        caIssuers: urls.caIssuers ?? [],
        ocsp: urls.ocsp ?? [],
        ocspFirst: profile.aiaOcspFirst ?? false,
      }),
    );
  }
  if (profile.ocspNoCheck) byName.set('ocspNoCheck', ocspNoCheckExtension());
  if (profile.subjectAltName) byName.set('subjectAltName', subjectAltNameExtension(profile.subjectAltName));
  if (profile.ncaPrivateExtension) byName.set('ncaPrivate', ncaPrivateExtension());
  const extensions = orderExtensions(byName, profile.extensionOrder);

  const algorithm = signer.algorithmIdentifier;
  const tbs = derSequence(
    derExplicit(0, derSmallInteger(2)), // v3
    derUnsignedInteger(serial),
    algorithm,
    issuer ? issuer.subjectDer : subjectDer,
    derSequence(derTime(notBefore), derTime(notAfter)),
    subjectDer,
    spki.der,
    derExplicit(3, derSequence(...extensions)),
  );
  const signature = await signer.sign(tbs);
  if (!issuer && !(await signedBy(spki, signer.oid, signature, tbs))) {
    throw new PkiError(
      'ERR_KEY_INVALID',
      'A self-signed certificate needs issuerKey to be the private key of publicKey',
    );
  }
  const der = derSequence(tbs, algorithm, derBitString(signature));
  let pem: string | undefined;
  return {
    der,
    // Computed on first use: base64 costs about as much as an ECDSA signature.
    get pem() {
      pem ??= toPem(der, 'CERTIFICATE');
      return pem;
    },
    serialHex: toHex(serial),
    notBefore,
    notAfter,
    subjectKeyId: toHex(ski),
  };
}
