/**
 * RFC 3161 timestamp tokens: reading the TSTInfo and verifying a token — the TSA's signature (a
 * CMS SignedData over the TSTInfo with the ESS signing-certificate attribute, RFC 3161 §2.4.1,
 * RFC 5816), that the TSA certificate is for timestamping only (a critical extKeyUsage with
 * id-kp-timeStamping alone, RFC 3161 §2.3), its chain at the time of the timestamp, the message
 * imprint, the nonce and the policy.
 *
 * ```asn1
 * TimeStampToken ::= ContentInfo                            -- RFC 3161 §2.4.2
 *   -- contentType is id-signedData; eContentType is id-ct-TSTInfo
 *
 * TSTInfo ::= SEQUENCE  {
 *    version                      INTEGER  { v1(1) },
 *    policy                       TSAPolicyId,
 *    messageImprint               MessageImprint,
 *    serialNumber                 INTEGER,
 *    genTime                      GeneralizedTime,
 *    accuracy                     Accuracy                 OPTIONAL,
 *    ordering                     BOOLEAN             DEFAULT FALSE,
 *    nonce                        INTEGER                  OPTIONAL,
 *    tsa                          [0] GeneralName          OPTIONAL,
 *    extensions                   [1] IMPLICIT Extensions   OPTIONAL  }
 *
 * Accuracy ::= SEQUENCE {
 *    seconds        INTEGER              OPTIONAL,
 *    millis     [0] INTEGER  (1..999)    OPTIONAL,
 *    micros     [1] INTEGER  (1..999)    OPTIONAL  }
 * ```
 */
import * as pkijs from 'pkijs';
import { computeDigest, type DigestName, digestNameOfOid } from '../cms/digest.js';
import { bytesOf } from '../cms/input.js';
import { certificateDer, inspectedCertificate, parsedCertificate } from '../cms/memo.js';
import { CMS_CONTENT_TYPES, TIME_STAMPING_EKU } from '../cms/oids.js';
import { type CmsSignedData, isCmsSignedData, parseCms } from '../cms/parse.js';
import { checkSignerInfo, readCertificates, type SignatureFailureReason } from '../cms/signer-check.js';
import { decodeAsn1 } from '../der/asn1-decode.js';
import { type BytesLike, bytesEqual, toHex } from '../der/encoding.js';
import { normalizeSerialHex } from '../der/serial.js';
import { isPkiError, PkiError } from '../errors.js';
import { NCA_OIDS } from '../profiles/oids.js';
import type { CertificateInput } from '../x509/certificate.js';
import type { CertificateFields } from '../x509/certificate-fields.js';
import { type ChainResult, verifyChain } from '../x509/chain.js';
import { decodeName, formatName } from '../x509/name.js';

/** What a TSTInfo says. */
export interface TimestampInfo {
  version: number;
  /** The TSA policy the token was issued under. */
  policy: string;
  /** The message imprint: hash OID, name when known, digest. */
  imprint: { hashOid: string; hash?: DigestName; digest: Uint8Array };
  /** serialNumber, canonical lower-case hex. */
  serialNumber: string;
  /** genTime. */
  genTime: Date;
  /** accuracy, when present. */
  accuracy?: { seconds: number; millis: number; micros: number };
  ordering: boolean;
  /** nonce, canonical hex. */
  nonce?: string;
  /** The TSA name (RFC 4514 text for a directoryName). */
  tsa?: string;
  /** OIDs of the TSTInfo extensions. */
  extensions: string[];
  /** The TSTInfo DER (the eContent). */
  der: Uint8Array;
}

/** A token read by {@link parseTimestampToken}. */
export interface TimestampToken {
  /** The token (ContentInfo) DER. */
  der: Uint8Array;
  /** The token as a CMS SignedData. */
  cms: CmsSignedData;
  info: TimestampInfo;
}

function fail(message: string, cause?: unknown): never {
  throw new PkiError(
    'ERR_TSP_INVALID',
    `Malformed timestamp token: ${message}`,
    cause === undefined ? {} : { cause },
  );
}

/**
 * Reads a TSTInfo.
 * @throws {PkiError} `ERR_TSP_INVALID` when it is not one.
 * @example
 * ```ts
 * const info = parseTstInfo(parseCms(token).content!);
 * ```
 */
export function parseTstInfo(der: Uint8Array): TimestampInfo {
  const root = decodeAsn1(der);
  if (!root) fail('TSTInfo is not a single DER element');
  let tst: pkijs.TSTInfo;
  try {
    tst = new pkijs.TSTInfo({ schema: root });
  } catch (cause) {
    fail('eContent does not match TSTInfo', cause);
  }
  if (tst.version !== 1) fail(`TSTInfo version ${tst.version} is not 1`);
  if (Number.isNaN(tst.genTime.getTime())) fail('genTime is not a valid time');
  const hashOid = tst.messageImprint.hashAlgorithm.algorithmId;
  const hash = digestNameOfOid(hashOid);
  const info: TimestampInfo = {
    version: tst.version,
    policy: tst.policy,
    imprint: {
      hashOid,
      ...(hash ? { hash } : {}),
      digest: new Uint8Array(tst.messageImprint.hashedMessage.valueBlock.valueHexView),
    },
    serialNumber: normalizeSerialHex(toHex(tst.serialNumber.valueBlock.valueHexView)),
    genTime: tst.genTime,
    ordering: tst.ordering ?? false,
    extensions: (tst.extensions ?? []).map((e) => e.extnID),
    der,
  };
  if (tst.accuracy) {
    info.accuracy = {
      seconds: tst.accuracy.seconds ?? 0,
      millis: tst.accuracy.millis ?? 0,
      micros: tst.accuracy.micros ?? 0,
    };
  }
  if (tst.nonce) info.nonce = normalizeSerialHex(toHex(tst.nonce.valueBlock.valueHexView));
  if (tst.tsa) {
    // GeneralName directoryName [4]: a Name; other forms are shown by their value.
    info.tsa =
      tst.tsa.type === 4
        ? formatName(decodeName(tst.tsa.value as pkijs.RelativeDistinguishedNames))
        : String(tst.tsa.value);
  }
  return info;
}

/**
 * Reads a TimeStampToken (a ContentInfo with a SignedData over a TSTInfo): DER, PEM or base64.
 * @throws {PkiError} `ERR_TSP_INVALID` when it is not one.
 * @example
 * ```ts
 * const { info } = parseTimestampToken(token);
 * info.genTime; info.policy; // '1.2.398.3.3.2.6.4'
 * ```
 */
export function parseTimestampToken(input: BytesLike | string | CmsSignedData): TimestampToken {
  let cms: CmsSignedData;
  try {
    cms = isCmsSignedData(input) ? input : parseCms(input);
  } catch (cause) {
    if (isPkiError(cause, 'ERR_CMS_INVALID')) fail(cause.message, cause);
    throw cause;
  }
  if (cms.contentType !== CMS_CONTENT_TYPES.tstInfo)
    fail(`eContentType ${cms.contentType} is not id-ct-TSTInfo`);
  if (cms.content === undefined) fail('the TSTInfo is missing');
  return { der: cms.der, cms, info: parseTstInfo(cms.content) };
}

/** Why a timestamp token is not acceptable. */
export type TimestampFailureReason =
  /** The token is not a well-formed TimeStampToken or has other than one SignerInfo. */
  | 'malformed'
  /** The TSA's certificate is neither in the token nor supplied. */
  | 'tsa-certificate-not-found'
  /** The TSA signature does not verify (or its digest does not match the TSTInfo). */
  | 'signature-invalid'
  /** The token lacks the ESS signing-certificate attribute, or it names another certificate. */
  | 'signing-certificate-invalid'
  /** The TSA certificate is not for timestamping (critical extKeyUsage id-kp-timeStamping only). */
  | 'tsa-not-authorized'
  /** The message imprint is not the hash of the data it should cover. */
  | 'imprint-mismatch'
  /** The nonce is not the one sent. */
  | 'nonce-mismatch'
  /** The policy is not among the accepted ones. */
  | 'policy-not-accepted'
  /** The TSA certificate does not chain to a trust anchor at genTime. */
  | 'chain-invalid'
  /** A hash or signature algorithm this package cannot check. */
  | 'unsupported-algorithm';

/** Options of {@link verifyTimestampToken}. */
export interface VerifyTimestampOptions {
  /** The data the imprint must be the hash of (hashed with the token's imprint hash)... */
  data?: BytesLike;
  /** ...or the digest the imprint must equal. */
  digest?: Uint8Array;
  /** The nonce sent (hex); the token must carry it. */
  nonce?: string;
  /** Accepted TSA policies (default: any). */
  policies?: readonly string[];
  /** Trust anchors for the TSA certificate; without them the chain is not checked. */
  trustAnchors?: CertificateInput[];
  /** More certificates: the TSA's (when the token lacks it) and intermediate CAs. */
  certificates?: CertificateInput[];
}

/** Outcome of {@link verifyTimestampToken}. */
export interface TimestampVerification {
  /** `true` when nothing failed. */
  valid: boolean;
  /** The first failure. */
  reason?: TimestampFailureReason;
  /** Every failure, in the order checked. */
  failures: TimestampFailureReason[];
  /** Human-readable detail of the first failure. */
  message?: string;
  /** The token's TSTInfo (absent only when the token is malformed). */
  info?: TimestampInfo;
  /** The TSA certificate DER, when found. */
  tsaCertificate?: Uint8Array;
  /** The TSA chain result at genTime, when trust anchors were given. */
  chain?: ChainResult;
}

const SIGNATURE_REASONS: Readonly<Record<SignatureFailureReason, TimestampFailureReason>> = {
  'certificate-not-found': 'tsa-certificate-not-found',
  'content-missing': 'malformed',
  'digest-mismatch': 'signature-invalid',
  'signature-invalid': 'signature-invalid',
  'signed-attributes-invalid': 'malformed',
  'signing-certificate-mismatch': 'signing-certificate-invalid',
  'unsupported-algorithm': 'unsupported-algorithm',
  'key-invalid': 'signature-invalid',
};

/**
 * `true` when the certificate may sign timestamps (RFC 3161 §2.3): extKeyUsage present, critical,
 * with id-kp-timeStamping as its only purpose.
 * @example
 * ```ts
 * if (!isTimestampingCertificate(tsaCertDer)) throw new Error('not a TSA certificate');
 * ```
 */
export function isTimestampingCertificate(cert: CertificateFields | Uint8Array): boolean {
  const der = cert instanceof Uint8Array ? cert : cert.der;
  try {
    const info = inspectedCertificate(der);
    const eku = info.extensions.find((e) => e.oid === NCA_OIDS.extension.extKeyUsage);
    return (
      eku?.critical === true && info.extKeyUsage.length === 1 && info.extKeyUsage[0] === TIME_STAMPING_EKU
    );
  } catch {
    return false;
  }
}

/**
 * Verifies a timestamp token: TSA signature and signing-certificate attribute, TSA certificate
 * purpose, and (as far as the options ask) imprint, nonce, policy and the TSA chain at genTime.
 * Revocation of the TSA certificate is not checked here (see `verifyCms`).
 *
 * @example
 * ```ts
 * const v = await verifyTimestampToken(token, { data: signatureValue, trustAnchors: [root] });
 * if (v.valid) console.log(v.info!.genTime);
 * ```
 */
export async function verifyTimestampToken(
  token: BytesLike | string | CmsSignedData,
  options: VerifyTimestampOptions = {},
): Promise<TimestampVerification> {
  const failures: TimestampFailureReason[] = [];
  const messages: string[] = [];
  const out: TimestampVerification = { valid: false, failures };
  const add = (reason: TimestampFailureReason, message: string) => {
    failures.push(reason);
    messages.push(message);
  };
  let parsed: TimestampToken;
  try {
    parsed = parseTimestampToken(token);
  } catch (e) {
    if (!isPkiError(e)) throw e;
    add('malformed', e.message);
    return finish(out, messages);
  }
  const { cms, info } = parsed;
  out.info = info;
  const signer = cms.signers[0];
  if (!signer || cms.signers.length !== 1) {
    add('malformed', 'A timestamp token has exactly one SignerInfo (RFC 3161 §2.4.2)');
    return finish(out, messages);
  }
  const extra = (options.certificates ?? []).map((c) => certificateDer(c));
  const candidates = readCertificates([...cms.certificates, ...extra]);
  const check = await checkSignerInfo(signer, cms.contentType, cms.content, candidates);
  if (check.certificate) out.tsaCertificate = check.certificate.der;
  if (check.failure) add(SIGNATURE_REASONS[check.failure.reason], check.failure.message);
  else if (!check.signingCertificate) {
    add(
      'signing-certificate-invalid',
      'The token lacks the ESS signing-certificate attribute (RFC 3161 §2.4.1)',
    );
  }
  if (check.certificate && !isTimestampingCertificate(check.certificate)) {
    add(
      'tsa-not-authorized',
      'The TSA certificate lacks a critical extKeyUsage with id-kp-timeStamping only',
    );
  }
  if (options.digest !== undefined || options.data !== undefined) {
    let expected: Uint8Array | undefined = options.digest;
    if (expected === undefined) {
      if (info.imprint.hash)
        expected = await computeDigest(info.imprint.hash, bytesOf(options.data, 'data', false));
      else add('unsupported-algorithm', `Imprint hash ${info.imprint.hashOid} is not supported`);
    }
    if (expected !== undefined && !bytesEqual(expected, info.imprint.digest)) {
      add('imprint-mismatch', 'The message imprint is not the hash of the timestamped data');
    }
  }
  if (options.nonce !== undefined && info.nonce !== normalizeSerialHex(options.nonce)) {
    add('nonce-mismatch', 'The token does not carry the nonce sent');
  }
  if (options.policies && !options.policies.includes(info.policy)) {
    add('policy-not-accepted', `TSA policy ${info.policy} is not accepted`);
  }
  if (options.trustAnchors && check.certificate) {
    const intermediates = [...cms.certificates, ...extra].flatMap((der) => {
      try {
        return [parsedCertificate(der)];
      } catch {
        return []; // an unreadable certificate cannot be in a path
      }
    });
    const chain = await verifyChain({
      certificate: parsedCertificate(check.certificate.der),
      intermediates,
      trustAnchors: options.trustAnchors.map((a) => parsedCertificate(certificateDer(a))),
      at: info.genTime,
    });
    out.chain = chain;
    if (!chain.valid) add('chain-invalid', `TSA certificate chain: ${chain.reason}: ${chain.message}`);
  }
  return finish(out, messages);
}

function finish(out: TimestampVerification, messages: string[]): TimestampVerification {
  out.valid = out.failures.length === 0;
  if (!out.valid) {
    out.reason = out.failures[0]!;
    out.message = messages[0]!;
  }
  return out;
}
