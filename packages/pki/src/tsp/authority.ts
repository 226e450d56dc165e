/**
 * A time-stamping authority (RFC 3161): answers TimeStampReqs with TimeStampResps whose tokens are
 * CMS SignedData over a TSTInfo, signed through the package's signature module (RSA, ECDSA or GOST
 * keys) with the ESS signingCertificateV2 attribute (RFC 5816). The reference services run it over
 * HTTP (`application/timestamp-query` → `application/timestamp-reply`); it holds no state besides
 * its key and certificate.
 *
 * Requests are checked as RFC 3161 §2.4.1 asks: version 1, a known imprint hash with a digest of
 * the right length (else badAlg / badDataFormat), a policy the TSA accepts (unacceptedPolicy), no
 * extensions it does not understand (unacceptedExtension). The token echoes the MessageImprint and
 * nonce exactly; the TSA certificate goes into the token only when certReq is true (§2.4.1).
 */

import { computeDigest, DIGEST_LENGTHS, DIGEST_NAMES, type DigestName } from '../cms/digest.js';
import { bytesOf } from '../cms/input.js';
import { CMS_CONTENT_TYPES, TIME_STAMPING_EKU } from '../cms/oids.js';
import { assembleSignedData, buildSignerInfo, type CmsSignerOptions } from '../cms/sign.js';
import { randomBytes } from '../crypto-provider.js';
import type { BytesLike } from '../der/encoding.js';
import {
  derExplicit,
  derGeneralizedTime,
  derImplicitPrimitive,
  derOctetString,
  derOid,
  derSequence,
  derSmallInteger,
  derUnsignedInteger,
} from '../der/writer.js';
import { isPkiError, PkiError } from '../errors.js';
import type { CertificateProfile } from '../profiles/profile.js';
import type { SigningKey } from '../signature/sign.js';
import { type CertificateInput, certificateToDer } from '../x509/certificate.js';
import { readCertificateFields } from '../x509/certificate-fields.js';
import { parseTimestampRequest, type TimestampRequestInfo } from './request.js';
import { encodePkiStatusInfo, encodeTimestampRejection } from './response.js';
import { isTimestampingCertificate } from './token.js';

/** Options of {@link prepareTimestampAuthority}. */
export interface TimestampAuthorityOptions {
  /** The TSA's private key. */
  key: SigningKey;
  /** The TSA certificate: critical extKeyUsage id-kp-timeStamping only (see {@link tsaCertificateProfile}). */
  certificate: CertificateInput;
  /** The CA certificates to put beside the TSA certificate when certReq is true. */
  chain?: CertificateInput[];
  /** The policy of tokens issued when the request names none (e.g. `NCA_TSA_POLICY_OIDS.rsa`). */
  policy: string;
  /** Policies a request may ask for (default: only `policy`). */
  acceptedPolicies?: readonly string[];
  /** Imprint hashes accepted (default: every digest this package knows). */
  acceptedHashes?: readonly DigestName[];
  /** accuracy written into TSTInfo (default 1 second; `false` to leave it out). */
  accuracy?: { seconds?: number; millis?: number; micros?: number } | false;
  /** Writes the TSA's subject as TSTInfo.tsa (directoryName). Default `false`. */
  includeTsaName?: boolean;
  /** Source of the time (default `() => new Date()`); genTime is written in whole seconds. */
  clock?: () => Date;
  /** Source of serial numbers (default: 16 random octets, unique for practical purposes). */
  serialNumber?: () => Uint8Array;
}

/** A prepared TSA: see {@link prepareTimestampAuthority}. */
export interface TimestampAuthority {
  /** The TSA certificate DER. */
  readonly certificate: Uint8Array;
  /** The default policy. */
  readonly policy: string;
  /**
   * Answers a TimeStampReq (DER) with a TimeStampResp (DER): granted with a token, or a rejection
   * with a failInfo. Never throws for bad requests; throws only when signing itself fails.
   */
  respond(request: BytesLike): Promise<Uint8Array>;
}

/**
 * The certificate profile of a TSA certificate (RFC 3161 §2.3): digitalSignature and
 * nonRepudiation (critical), extKeyUsage id-kp-timeStamping only, critical; 5 years by default.
 * @example
 * ```ts
 * const tsa = await issueCertificate({ publicKey, subject, profile: tsaCertificateProfile(), issuer: ca, issuerKey });
 * ```
 */
export function tsaCertificateProfile(opts: { validityDays?: number } = {}): CertificateProfile {
  return {
    name: 'tsa',
    keyUsage: ['digitalSignature', 'nonRepudiation'],
    keyUsageCritical: true,
    extKeyUsage: [TIME_STAMPING_EKU],
    extKeyUsageCritical: true,
    policies: [],
    validityDays: opts.validityDays ?? 5 * 365,
  };
}

/** `Accuracy` DER. */
function encodeAccuracy(a: { seconds?: number; millis?: number; micros?: number }): Uint8Array {
  const parts: Uint8Array[] = [];
  if (a.seconds) parts.push(derSmallInteger(a.seconds));
  if (a.millis) parts.push(derImplicitPrimitive(0, derSmallInteger(a.millis).subarray(2)));
  if (a.micros) parts.push(derImplicitPrimitive(1, derSmallInteger(a.micros).subarray(2)));
  return derSequence(...parts);
}

function checkAccuracy(a: { seconds?: number; millis?: number; micros?: number }): void {
  const ok = (v: number | undefined, max: number) =>
    v === undefined || (Number.isInteger(v) && v >= 0 && v <= max);
  if (!ok(a.seconds, 2 ** 31) || !ok(a.millis, 999) || !ok(a.micros, 999)) {
    throw new PkiError('ERR_INVALID_ARGUMENT', 'accuracy: seconds >= 0, millis and micros 0..999');
  }
}

/**
 * Prepares a TSA: checks its certificate (timestamping only) and options once.
 *
 * @throws {PkiError} `ERR_CERTIFICATE_INVALID` when the certificate is not a TSA certificate,
 *   `ERR_INVALID_ARGUMENT` for bad options.
 * @example
 * ```ts
 * const tsa = await prepareTimestampAuthority({ key, certificate, policy: NCA_TSA_POLICY_OIDS.rsa });
 * server.post('/tsp', async (req) => reply(await tsa.respond(req.body), 'application/timestamp-reply'));
 * ```
 */
export async function prepareTimestampAuthority(
  options: TimestampAuthorityOptions,
): Promise<TimestampAuthority> {
  if (typeof options !== 'object' || options === null)
    throw new PkiError('ERR_INVALID_ARGUMENT', 'Options are required');
  const cert = readCertificateFields(options.certificate);
  if (!isTimestampingCertificate(cert)) {
    throw new PkiError(
      'ERR_CERTIFICATE_INVALID',
      'A TSA certificate needs a critical extKeyUsage with id-kp-timeStamping only (RFC 3161 §2.3)',
    );
  }
  derOid(options.policy);
  const policies = options.acceptedPolicies ?? [options.policy];
  for (const p of policies) derOid(p);
  const hashes = options.acceptedHashes ?? DIGEST_NAMES;
  const accuracy = options.accuracy === undefined ? { seconds: 1 } : options.accuracy;
  if (accuracy) checkAccuracy(accuracy);
  const chain = (options.chain ?? []).map((c) => certificateToDer(c));
  const clock = options.clock ?? (() => new Date());
  const serial = options.serialNumber ?? (() => randomBytes(16));
  const signer: CmsSignerOptions = { key: options.key, certificate: cert.der, certificates: chain };
  // The TSA's name as GeneralName directoryName [4] (EXPLICIT: Name is a CHOICE).
  const tsaName = options.includeTsaName ? derExplicit(0, derExplicit(4, cert.subjectDer)) : undefined;

  async function grant(req: TimestampRequestInfo): Promise<Uint8Array> {
    const genTime = clock();
    const fields = [
      derSmallInteger(1),
      derOid(req.policy ?? options.policy),
      req.messageImprintDer,
      derUnsignedInteger(serial()),
      derGeneralizedTime(genTime),
    ];
    if (accuracy && (accuracy.seconds || accuracy.millis || accuracy.micros))
      fields.push(encodeAccuracy(accuracy));
    if (req.nonceDer) fields.push(req.nonceDer);
    if (tsaName) fields.push(tsaName);
    const tstInfo = derSequence(...fields);
    const built = await buildSignerInfo({ ...signer, signingTime: genTime }, CMS_CONTENT_TYPES.tstInfo, (d) =>
      computeDigest(d, tstInfo),
    );
    const token = assembleSignedData({
      version: 3,
      digestAlgorithms: [built.digestAlgorithm],
      encapContentInfo: derSequence(
        derOid(CMS_CONTENT_TYPES.tstInfo),
        derExplicit(0, derOctetString(tstInfo)),
      ),
      certificates: req.certReq ? built.certificates : [],
      crls: [],
      signerInfos: [built.der],
    });
    return derSequence(encodePkiStatusInfo('granted'), token);
  }

  return Object.freeze({
    certificate: cert.der,
    policy: options.policy,
    async respond(request: BytesLike): Promise<Uint8Array> {
      let req: TimestampRequestInfo;
      try {
        req = parseTimestampRequest(bytesOf(request, 'request', false));
      } catch (e) {
        if (isPkiError(e))
          return encodeTimestampRejection('badDataFormat', 'The request is not a TimeStampReq');
        throw e;
      }
      if (req.version !== 1)
        return encodeTimestampRejection('badRequest', 'Only version 1 requests are supported');
      const hash = req.imprint.hash;
      if (!hash || !hashes.includes(hash)) {
        return encodeTimestampRejection('badAlg', `Imprint hash ${req.imprint.hashOid} is not accepted`);
      }
      if (req.imprint.digest.length !== DIGEST_LENGTHS[hash]) {
        return encodeTimestampRejection(
          'badDataFormat',
          `A ${hash} imprint has ${DIGEST_LENGTHS[hash]} octets`,
        );
      }
      if (req.policy !== undefined && !policies.includes(req.policy)) {
        return encodeTimestampRejection('unacceptedPolicy', `Policy ${req.policy} is not accepted`);
      }
      if (req.extensions.length > 0) {
        return encodeTimestampRejection('unacceptedExtension', 'Request extensions are not supported');
      }
      return grant(req);
    },
  });
}
