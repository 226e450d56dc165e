/**
 * PKCS#10 certification requests (RFC 2986): creating them for an NCA template and key purpose,
 * and verifying them on the CA side (signature, key policy, subject, requested AUTH/SIGN usage).
 *
 * ```asn1
 * CertificationRequestInfo ::= SEQUENCE {                      -- RFC 2986 §4.1
 *      version       INTEGER { v1(0) } (v1,...),
 *      subject       Name,
 *      subjectPKInfo SubjectPublicKeyInfo{{ PKInfoAlgorithms }},
 *      attributes    [0] Attributes{{ CRIAttributes }}
 * }
 * Attributes { ATTRIBUTE:IOSet } ::= SET OF Attribute{{ IOSet }}
 *
 * CertificationRequest ::= SEQUENCE {                          -- RFC 2986 §4.2
 *      certificationRequestInfo CertificationRequestInfo,
 *      signatureAlgorithm AlgorithmIdentifier{{ SignatureAlgorithms }},
 *      signature          BIT STRING
 * }
 * ```
 */
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { type BytesLike, toArrayBuffer, toBytes, toDer } from '../der/encoding.js';
import { derBitString, derImplicitConstructed, derSequence, derSmallInteger } from '../der/writer.js';
import { isPkiError, PkiError } from '../errors.js';
import { isCryptoKey, type KeyAlgorithmLabel } from '../keys/key-algorithm.js';
import { exportSpki } from '../keys/keys.js';
import {
  type PublicKeyInfo,
  type PublicKeyPolicy,
  readSpki,
  type SpkiEnvelope,
  validatePublicKey,
} from '../keys/public-key.js';
import { NCA_OIDS, roleOfOid } from '../profiles/oids.js';
import type { CertificateProfile, KeyPurpose, KeyUsageName } from '../profiles/profile.js';
import { type TemplateName, templateProfile } from '../profiles/templates.js';
import { findSignatureAlgorithm } from '../signature/algorithms.js';
import { isSoftwareSigningKey, prepareSigner, type SigningKey } from '../signature/sign.js';
import { importVerificationKey, verifySignature } from '../signature/verify.js';
import { type DistinguishedName, decodeName, formatName, nameToDer } from '../x509/name.js';
import {
  extensionRequestAttribute,
  inferPurpose,
  inferTemplate,
  parseExtensionRequest,
} from './extension-request.js';

/** Options of {@link createCsr}. */
export interface CreateCsrOptions {
  /**
   * The key pair: the public key (a CryptoKey or SubjectPublicKeyInfo DER; optional for a
   * `SoftwareSigningKey`, which carries its own) goes into the request, the private key signs it.
   */
  keys: { publicKey?: CryptoKey | BytesLike; privateKey: SigningKey };
  /** Subject name, e.g. from `buildNcaSubject`. */
  subject: DistinguishedName;
  /** NCA template; with `purpose`, the request asks for that profile's keyUsage and extKeyUsage. */
  template?: TemplateName;
  /** AUTH or SIGN key. Alone (no template) it requests the purpose's keyUsage and EKU without roles. */
  purpose?: KeyPurpose;
  /** Request the keyUsage/extKeyUsage of this profile instead (e.g. an OCSP responder profile). */
  profile?: CertificateProfile;
}

function requestedProfile(
  opts: CreateCsrOptions,
): Parameters<typeof extensionRequestAttribute>[0] | undefined {
  if (opts.profile) return opts.profile;
  if (opts.template !== undefined) {
    if (opts.purpose === undefined) {
      throw new PkiError('ERR_INVALID_ARGUMENT', 'A template request needs a purpose (auth or sign)');
    }
    return templateProfile(opts.template, opts.purpose);
  }
  if (opts.purpose !== undefined) {
    // The purpose's own usages (same for every template), without any role OID.
    const p = templateProfile('individual', opts.purpose);
    return { ...p, extKeyUsage: p.extKeyUsage.filter((oid) => roleOfOid(oid) === undefined) };
  }
  return undefined;
}

/**
 * Creates a PKCS#10 request signed with the private key (sha256WithRSAEncryption for RSA,
 * ecdsa-with-SHA256/384 for P-256/P-384). With a template and purpose (or a profile) it carries an
 * extensionRequest attribute with the profile's keyUsage and extKeyUsage, which is how the CA maps
 * the request to the AUTH or SIGN certificate.
 *
 * @returns the request as DER
 * @throws {PkiError} `ERR_INVALID_ARGUMENT` for a bad subject or missing purpose,
 *   `ERR_TEMPLATE_UNKNOWN`, `ERR_KEY_INVALID` when the keys are not a matching pair,
 *   `ERR_UNSUPPORTED_ALGORITHM` for keys this package cannot sign with.
 * @example
 * ```ts
 * const keys = await generateKeyPair('RSA-2048');
 * const subject = buildNcaSubject({ surname: 'ТЕСТОВ', givenName: 'ТЕСТ', iin: '850315300128' });
 * const der = await createCsr({ keys, subject, template: 'individual', purpose: 'auth' });
 * const pem = toPem(der, 'CERTIFICATE REQUEST');
 * ```
 */
export async function createCsr(opts: CreateCsrOptions): Promise<Uint8Array> {
  const { publicKey, privateKey } = opts.keys ?? {};
  const software = isSoftwareSigningKey(privateKey);
  if (!(software || isCryptoKey(privateKey)) || (publicKey === undefined && !software)) {
    throw new PkiError(
      'ERR_INVALID_ARGUMENT',
      'keys must hold a privateKey (CryptoKey or SoftwareSigningKey) and its publicKey',
    );
  }
  const signer = prepareSigner(privateKey);
  const spki =
    publicKey === undefined
      ? (privateKey as { publicKeyInfo: Uint8Array }).publicKeyInfo
      : isCryptoKey(publicKey)
        ? await exportSpki(publicKey)
        : toBytes(publicKey);
  const profile = requestedProfile(opts);
  const attributes = profile ? [extensionRequestAttribute(profile)] : [];
  const info = derSequence(
    derSmallInteger(0),
    nameToDer(opts.subject),
    spki,
    // attributes [0] IMPLICIT SET OF Attribute: always present, even when empty (RFC 2986 §4.1).
    derImplicitConstructed(0, ...attributes),
  );
  const signature = await signer.sign(info);
  // Proof that the two keys belong together: a request that does not verify is useless to the CA.
  let paired: boolean;
  try {
    paired = await verifySignature({ data: info, algorithm: signer.oid, signature, publicKeyInfo: spki });
  } catch (cause) {
    if (isPkiError(cause, 'ERR_KEY_INVALID')) paired = false;
    else throw cause;
  }
  if (!paired) throw new PkiError('ERR_KEY_INVALID', 'publicKey and privateKey are not a key pair');
  const der = derSequence(info, signer.algorithmIdentifier, derBitString(signature));
  return der;
}

/**
 * Key policy applied by {@link verifyCsr}: a `PublicKeyPolicy` whose fields default to
 * `ISSUANCE_KEY_POLICY` (RSA from `minRsaBits` 2048 to `maxRsaBits` 8192 bits, the latter bounding
 * the verification cost, with public exponent 65537; ECDSA on P-256 or P-384).
 */
export interface VerifyCsrOptions extends PublicKeyPolicy {}

/** What {@link verifyCsr} found in a request whose signature verified. */
export interface CsrInfo {
  /** The request DER. */
  der: Uint8Array;
  /** Subject name, attributes in encoding order. */
  subject: DistinguishedName;
  /** The subject Name exactly as encoded in the request. */
  subjectDer: Uint8Array;
  /** Subject as an RFC 4514 string. */
  subjectString: string;
  /**
   * The public key, imported for verification (RSA keys as RSASSA-PKCS1-v1_5 with SHA-256); absent
   * for GOST keys, which WebCrypto lacks (use `spki` with `verifySignature`).
   */
  publicKey?: CryptoKey;
  /** The SubjectPublicKeyInfo exactly as encoded in the request. */
  spki: Uint8Array;
  /** Key algorithm, e.g. `RSA-2048`, `ECDSA-P256`. */
  keyAlgorithm: KeyAlgorithmLabel;
  /** Key size in bits (RSA modulus, or curve size). */
  keyBits: number;
  /** Signature algorithm OID of the request. */
  signatureAlgorithm: string;
  /** AUTH or SIGN, inferred from the requested usages; absent when they do not say. */
  purpose?: KeyPurpose;
  /** The NCA template whose role OIDs the request carries in its requested extKeyUsage. */
  template?: TemplateName;
  /** Requested keyUsage bits. */
  requestedKeyUsage: KeyUsageName[];
  /** Requested extKeyUsage OIDs. */
  requestedExtKeyUsage: string[];
  /** Every requested extension (OID, criticality). */
  requestedExtensions: { oid: string; critical: boolean }[];
  /** The 12-digit IIN from SERIALNUMBER=IIN…, if present (check digit not verified). */
  iin?: string;
  /** The 12-digit BIN from OU=BIN…, if present (check digit not verified). */
  bin?: string;
  /** E-mail from the subject (E) or a requested subjectAltName rfc822Name. */
  email?: string;
}

function csrInvalid(message: string, cause?: unknown): PkiError {
  return new PkiError('ERR_CSR_INVALID', message, cause === undefined ? {} : { cause });
}

/** The request's parts, exactly as encoded. */
interface CsrParts {
  info: asn1js.Sequence;
  name: asn1js.Sequence;
  spki: asn1js.Sequence;
  attributes: asn1js.AsnType[];
  algorithm: asn1js.ObjectIdentifier;
  algorithmIdentifier: Uint8Array;
  signature: asn1js.BitString;
}

function splitCsr(der: Uint8Array): CsrParts {
  let parsed: ReturnType<typeof asn1js.fromBER>;
  try {
    parsed = asn1js.fromBER(toArrayBuffer(der));
  } catch (cause) {
    // asn1js throws (rather than reporting) on some malformed string and time values.
    throw csrInvalid('Certification request is not well-formed DER', cause);
  }
  if (parsed.offset === -1 || parsed.offset !== der.length) {
    throw csrInvalid('Certification request is not a single well-formed DER element');
  }
  const root = parsed.result;
  const [info, algId, signature] = root instanceof asn1js.Sequence ? root.valueBlock.value : [];
  const [version, name, spki, attrs, ...extra] = info instanceof asn1js.Sequence ? info.valueBlock.value : [];
  const [algorithm, , ...algExtra] = algId instanceof asn1js.Sequence ? algId.valueBlock.value : [];
  if (
    !(root instanceof asn1js.Sequence) ||
    root.valueBlock.value.length !== 3 ||
    !(info instanceof asn1js.Sequence) ||
    !(version instanceof asn1js.Integer) ||
    !(name instanceof asn1js.Sequence) ||
    !(spki instanceof asn1js.Sequence) ||
    extra.length > 0 ||
    !(algorithm instanceof asn1js.ObjectIdentifier) ||
    algExtra.length > 0 ||
    !(signature instanceof asn1js.BitString)
  ) {
    throw csrInvalid('Bytes are DER but not a PKCS#10 certification request');
  }
  if (version.valueBlock.valueDec !== 0 || version.valueBlock.valueHexView.length !== 1) {
    throw csrInvalid('Unsupported certification request version (must be v1 = 0)');
  }
  let attributes: asn1js.AsnType[] = [];
  if (attrs !== undefined) {
    // [0] IMPLICIT SET OF Attribute; some encoders omit an empty one, which is tolerated.
    if (attrs.idBlock.tagClass !== 3 || attrs.idBlock.tagNumber !== 0 || !attrs.idBlock.isConstructed) {
      throw csrInvalid('Malformed request attributes');
    }
    attributes = (attrs as asn1js.Constructed).valueBlock.value;
  }
  return {
    info,
    name,
    spki,
    attributes,
    algorithm,
    algorithmIdentifier: new Uint8Array((algId as asn1js.Sequence).valueBeforeDecodeView),
    signature,
  };
}

const IIN_RE = /^IIN(\d{12})$/;
const BIN_RE = /^BIN(\d{12})$/;

function subjectIds(subject: DistinguishedName): { iin?: string; bin?: string; email?: string } {
  const out: { iin?: string; bin?: string; email?: string } = {};
  for (const { type, value } of subject) {
    if (type === NCA_OIDS.attribute.serialNumber) out.iin ??= IIN_RE.exec(value)?.[1];
    else if (type === NCA_OIDS.attribute.organizationalUnit) out.bin ??= BIN_RE.exec(value)?.[1];
    else if (type === NCA_OIDS.attribute.emailAddress) out.email ??= value;
  }
  for (const k of ['iin', 'bin', 'email'] as const) if (out[k] === undefined) delete out[k];
  return out;
}

/**
 * Verifies a PKCS#10 request as a CA does before issuing: structure, the public key (valid, and
 * within the key policy: by default RSA 2048 to 8192 bits with e = 65537, ECDSA on P-256/P-384; see
 * `validatePublicKey`), and the signature (proof of possession), then reports the subject, the key,
 * and what the request asks for (AUTH or SIGN, template, usages).
 *
 * @param input DER, PEM (`CERTIFICATE REQUEST` or `NEW CERTIFICATE REQUEST`) or base64
 * @throws {PkiError} `ERR_CSR_INVALID` when the input is not a well-formed request;
 *   `ERR_KEY_INVALID` for an invalid public key (even modulus, public exponent 1 or even, a point
 *   off the curve or at infinity); `ERR_KEY_TOO_WEAK` for an RSA key below `minRsaBits` or with
 *   another exponent than the policy's; `ERR_UNSUPPORTED_ALGORITHM` for other key or signature
 *   algorithms (including SHA-1 signatures); `ERR_CSR_SIGNATURE_INVALID` when the signature does
 *   not verify with the request's key.
 * @example
 * ```ts
 * const csr = await verifyCsr(pem);
 * if (csr.purpose === 'auth' && csr.template === 'individual') { ... }
 * ```
 */
export async function verifyCsr(input: string | BytesLike, opts: VerifyCsrOptions = {}): Promise<CsrInfo> {
  let der: Uint8Array;
  try {
    const label =
      typeof input === 'string' && input.includes('BEGIN NEW CERTIFICATE REQUEST')
        ? 'NEW CERTIFICATE REQUEST'
        : typeof input === 'string' && input.includes('-----BEGIN')
          ? 'CERTIFICATE REQUEST'
          : undefined;
    der = toDer(input, label);
  } catch (cause) {
    throw csrInvalid('Certification request is not PEM, DER or base64', cause);
  }
  const parts = splitCsr(der);

  let envelope: SpkiEnvelope;
  let subject: DistinguishedName;
  let subjectString: string;
  let requested: ReturnType<typeof parseExtensionRequest>;
  try {
    envelope = readSpki(parts.spki.valueBeforeDecodeView);
    const rdns = new pkijs.RelativeDistinguishedNames({ schema: parts.name });
    subject = decodeName(rdns);
    subjectString = formatName(rdns);
    requested = parseExtensionRequest(parts.attributes);
  } catch (cause) {
    if (isPkiError(cause, 'ERR_UNSUPPORTED_ALGORITHM') || isPkiError(cause, 'ERR_CSR_INVALID')) throw cause;
    throw csrInvalid('Malformed subject, public key or attributes in the certification request', cause);
  }
  // Validity (e.g. e = 1, points off the curve) and the key policy: ERR_KEY_INVALID, ERR_KEY_TOO_WEAK.
  const key: PublicKeyInfo = validatePublicKey(envelope.der, opts);

  const signatureAlgorithm = parts.algorithm.valueBlock.toString();
  const sigAlg = findSignatureAlgorithm(signatureAlgorithm);
  // SHA-1 signatures no longer prove anything a CA may rely on (RFC 9155 deprecates them too).
  if (!sigAlg || sigAlg.hash === 'SHA-1') {
    throw new PkiError(
      'ERR_UNSUPPORTED_ALGORITHM',
      `Unsupported request signature algorithm ${signatureAlgorithm}`,
    );
  }
  if (sigAlg.family !== key.family) {
    throw new PkiError(
      'ERR_CSR_SIGNATURE_INVALID',
      `Signature algorithm ${signatureAlgorithm} does not fit a ${key.algorithm} key`,
    );
  }
  let ok = false;
  try {
    ok =
      parts.signature.valueBlock.unusedBits === 0 &&
      (await verifySignature({
        data: parts.info.valueBeforeDecodeView,
        algorithm: parts.algorithmIdentifier,
        signature: new Uint8Array(parts.signature.valueBlock.valueHexView),
        publicKeyInfo: key.der,
        keyPolicy: opts,
      }));
  } catch (cause) {
    if (isPkiError(cause, 'ERR_KEY_INVALID')) {
      throw csrInvalid('The crypto provider rejected the request public key', cause);
    }
    throw cause;
  }
  if (!ok)
    throw new PkiError('ERR_CSR_SIGNATURE_INVALID', 'The request signature does not verify with its key');

  const publicKey =
    key.family === 'rsa' || key.family === 'ec'
      ? await importVerificationKey(
          key,
          key.family === 'rsa'
            ? { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }
            : { name: 'ECDSA', namedCurve: key.curve! },
        )
      : undefined;
  const ids = subjectIds(subject);
  const email = ids.email ?? requested.emails[0];
  const purpose = inferPurpose(requested.keyUsage, requested.extKeyUsage);
  const template = inferTemplate(requested.extKeyUsage);
  return {
    der,
    subject,
    subjectDer: new Uint8Array(parts.name.valueBeforeDecodeView),
    subjectString,
    ...(publicKey ? { publicKey } : {}),
    spki: new Uint8Array(key.der),
    keyAlgorithm: key.algorithm,
    keyBits: key.bits,
    signatureAlgorithm,
    ...(purpose ? { purpose } : {}),
    ...(template ? { template } : {}),
    requestedKeyUsage: requested.keyUsage,
    requestedExtKeyUsage: requested.extKeyUsage,
    requestedExtensions: requested.extensions,
    ...(ids.iin ? { iin: ids.iin } : {}),
    ...(ids.bin ? { bin: ids.bin } : {}),
    ...(email ? { email } : {}),
  };
}

/** `true` when `value` looks like a {@link CsrInfo} (already verified request). */
export function isCsrInfo(value: unknown): value is CsrInfo {
  return (
    typeof value === 'object' &&
    value !== null &&
    'spki' in value &&
    'subjectDer' in value &&
    'requestedKeyUsage' in value
  );
}
