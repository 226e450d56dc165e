/**
 * `verifyCms`: verification of a CMS SignedData as a relying party in Kazakhstan needs it, in one
 * typed report. For every signer:
 *
 * 1. the signature over the signed attributes, and the message digest against the content
 *    (attached, or given for a detached CMS), the ESS signing-certificate attribute if present;
 * 2. the signature timestamps (CAdES-T): each token's TSA signature, TSA certificate (timestamping
 *    only) and chain at genTime, the TSA's revocation at genTime, and that its imprint is the hash
 *    of THIS signer's signature value; the earliest valid one fixes the validation time;
 * 3. the certificate path to the configured trust anchors, validated AT that time (the timestamp's
 *    genTime; else the caller's `at`; else now), every link, not only the issuer;
 * 4. the revocation of every certificate of the path at that time, by OCSP or CRL, with the
 *    evidence kept; a source that cannot tell gives `unknown` and the signer is not valid;
 * 5. the certificate facts (`inspectCertificate`: IIN, BIN, roles, template, key purpose) and
 *    whether a SIGN key was used.
 *
 * Then the caller's policies (`requireFirstManagerOf`, `requireIndividual`, `requireSignKey`,
 * `requireTimestamp`). The report also carries the evidence for offline re-verification.
 *
 * Named `verifyCms` because `verifySignature` is the package's low-level signature check.
 */

import type * as pkijs from 'pkijs';
import { type BytesLike, fromBase64 } from '../der/encoding.js';
import { isPkiError, PkiError } from '../errors.js';
import { verifyTimestampToken } from '../tsp/token.js';
import type { CertificateInput } from '../x509/certificate.js';
import { allowsKeyUsage, type CertificateFields, KEY_USAGE_BIT } from '../x509/certificate-fields.js';
import { type ChainFailureReason, type ChainResult, verifyChain } from '../x509/chain.js';
import type { CertificateInfo } from '../x509/inspect.js';
import { type CmsEvidence, EvidenceCollector, parseCmsEvidence } from './evidence.js';
import { bytesOf } from './input.js';
import { certificateDer, certificateFields, inspectedCertificate, parsedCertificate } from './memo.js';
import { type CmsSignedData, type CmsSignerInfo, isCmsSignedData, parseCms } from './parse.js';
import type { CmsPolicy } from './policy.js';
import type {
  CmsChainReport,
  CmsFailureReason,
  CmsPolicyResult,
  CmsRevocationReport,
  CmsSignerReport,
  CmsTimestampReport,
  CmsVerificationReport,
} from './report.js';
import { type RevocationCheck, RevocationChecker, type RevocationOptions } from './revocation.js';
import { checkSignerInfo, readCertificates } from './signer-check.js';

/** Options of {@link verifyCms}. */
export interface VerifyCmsOptions {
  /** The signed content of a detached CMS (for an attached one, checked instead of the inner content). */
  content?: BytesLike | string;
  /** The CA certificates trusted as path ends (NCA roots, the reference CA's roots). */
  trustAnchors: CertificateInput[];
  /** More certificates that may complete paths (issuing CAs missing from the CMS). */
  intermediates?: CertificateInput[];
  /** Trust anchors for TSA certificates (default: `trustAnchors`). */
  tsaTrustAnchors?: CertificateInput[];
  /** Accepted TSA policies (default: any). */
  timestampPolicies?: readonly string[];
  /** Validation time for signers without a valid timestamp (default: now), e.g. for archives. */
  at?: Date;
  /** Revocation checking (default: OCSP then CRL over the network); `false` turns it off. */
  revocation?: RevocationOptions | false;
  /** Policies every report must meet. */
  policies?: readonly CmsPolicy[];
  /** Evidence exported earlier (its certificates complete paths, its OCSP/CRLs decide revocation). */
  evidence?: CmsEvidence | string | BytesLike;
}

/** Signature timestamps verified per signer (the earliest valid one counts). */
const MAX_TIMESTAMPS = 8;

const CHAIN_REASONS: Partial<Record<ChainFailureReason, CmsFailureReason>> = {
  'no-issuer': 'untrusted-ca',
  untrusted: 'untrusted-ca',
  expired: 'certificate-expired',
  'not-yet-valid': 'certificate-not-yet-valid',
  'unsupported-algorithm': 'unsupported-algorithm',
};

function chainReport(result: ChainResult): CmsChainReport {
  const certificates = result.chain.map((c) => {
    const f = certificateFields(c.der);
    return {
      subject: c.subject,
      serialNumber: c.serialNumber,
      notBefore: f.notBefore.toISOString(),
      notAfter: f.notAfter.toISOString(),
    };
  });
  return result.valid
    ? { valid: true, certificates }
    : { valid: false, reason: result.reason, message: result.message, certificates };
}

function worst(checks: RevocationCheck[]): CmsRevocationReport['status'] {
  if (checks.some((c) => c.status === 'revoked')) return 'revoked';
  if (checks.some((c) => c.status === 'unknown')) return 'unknown';
  return 'good';
}

/** Checks the revocation of every certificate of a valid path but the anchor, at `at`. */
async function pathRevocation(
  checker: RevocationChecker | undefined,
  chain: ChainResult,
  at: Date,
  now: Date,
): Promise<CmsRevocationReport> {
  if (!checker) return { status: 'not-checked', message: 'revocation checking is off', certificates: [] };
  if (!chain.valid)
    return { status: 'not-checked', message: 'the certificate path is not valid', certificates: [] };
  const certificates: RevocationCheck[] = [];
  for (let i = 0; i + 1 < chain.chain.length; i++) {
    const cert = certificateFields(chain.chain[i]!.der);
    const issuer = certificateFields(chain.chain[i + 1]!.der);
    certificates.push(await checker.check(cert, issuer, at, now));
  }
  const status = worst(certificates);
  const report: CmsRevocationReport = { status, certificates };
  const bad = certificates.find((c) => c.status !== 'good');
  if (bad) {
    report.message =
      bad.status === 'revoked'
        ? `${bad.subject} was revoked at ${bad.revocationTime}`
        : `${bad.subject}: status unknown (${bad.message ?? 'no source'})`;
  }
  return report;
}

interface Context {
  cms: CmsSignedData;
  content: Uint8Array | undefined;
  candidates: CertificateFields[];
  pathCertificates: Uint8Array[];
  trustAnchors: Uint8Array[];
  tsaTrustAnchors: Uint8Array[];
  /** Parsed once per verification (memoised across verifications). */
  parsedAnchors: pkijs.Certificate[];
  parsedIntermediates: pkijs.Certificate[];
  options: VerifyCmsOptions;
  checker: RevocationChecker | undefined;
  evidence: EvidenceCollector;
  now: Date;
}

async function verifyTimestamps(ctx: Context, signer: CmsSignerInfo): Promise<CmsTimestampReport[]> {
  const out: CmsTimestampReport[] = [];
  // Unsigned attributes are not protected: bound the work a crafted CMS can ask for.
  for (const token of signer.timestampTokens.slice(0, MAX_TIMESTAMPS)) {
    ctx.evidence.addTimestampToken(token);
    const v = await verifyTimestampToken(token, {
      data: signer.signature,
      ...(ctx.options.timestampPolicies ? { policies: ctx.options.timestampPolicies } : {}),
      trustAnchors: ctx.tsaTrustAnchors,
      certificates: ctx.pathCertificates,
    });
    const report: CmsTimestampReport = {
      valid: v.valid,
      imprintMatches: !v.failures.includes('imprint-mismatch') && v.info !== undefined,
    };
    if (v.reason) report.reason = v.reason;
    if (v.message) report.message = v.message;
    if (v.info) {
      report.genTime = v.info.genTime.toISOString();
      report.policy = v.info.policy;
      report.serialNumber = v.info.serialNumber;
      report.hash = v.info.imprint.hash ?? v.info.imprint.hashOid;
    }
    if (v.tsaCertificate) {
      try {
        report.tsa = inspectedCertificate(v.tsaCertificate).subject.dn;
      } catch {
        // the subject is informative only
      }
    }
    if (v.chain) {
      report.chain = chainReport(v.chain);
      for (const c of v.chain.chain) ctx.evidence.addCertificate(c.der);
    }
    if (v.valid && v.chain && v.info) {
      const revocation = await pathRevocation(ctx.checker, v.chain, v.info.genTime, ctx.now);
      report.revocation = revocation;
      if (revocation.status === 'revoked' || revocation.status === 'unknown') {
        report.valid = false;
        report.reason = revocation.status === 'revoked' ? 'tsa-revoked' : 'tsa-revocation-unknown';
        report.message = `TSA certificate revocation at genTime: ${revocation.message}`;
      }
    }
    out.push(report);
  }
  return out;
}

function timestampFailure(ts: CmsTimestampReport): CmsFailureReason {
  if (ts.reason === 'imprint-mismatch') return 'timestamp-imprint-mismatch';
  if (ts.reason === 'policy-not-accepted') return 'timestamp-policy-not-accepted';
  if (ts.reason === 'tsa-revoked') return 'revoked';
  if (ts.reason === 'tsa-revocation-unknown') return 'revocation-unknown';
  return 'timestamp-invalid';
}

async function verifySigner(ctx: Context, signer: CmsSignerInfo): Promise<CmsSignerReport> {
  const failures: { reason: CmsFailureReason; message: string }[] = [];
  const check = await checkSignerInfo(signer, ctx.cms.contentType, ctx.content, ctx.candidates);
  if (check.failure) failures.push(check.failure);
  let certificate: CertificateInfo | undefined;
  if (check.certificate) {
    try {
      certificate = inspectedCertificate(check.certificate.der);
    } catch (e) {
      if (!isPkiError(e)) throw e;
      failures.push({
        reason: 'key-invalid',
        message: `The signer certificate cannot be read: ${e.message}`,
      });
    }
    const cert = check.certificate;
    if (
      cert.keyUsage !== undefined &&
      !allowsKeyUsage(cert, KEY_USAGE_BIT.digitalSignature) &&
      !allowsKeyUsage(cert, KEY_USAGE_BIT.nonRepudiation)
    ) {
      failures.push({
        reason: 'key-usage',
        message: 'The certificate keyUsage allows neither digitalSignature nor nonRepudiation',
      });
    }
  }

  const timestamps = await verifyTimestamps(ctx, signer);
  const valid = timestamps
    .filter((t) => t.valid)
    .sort((a, b) => Date.parse(a.genTime!) - Date.parse(b.genTime!));
  const timestamp = valid[0] ?? timestamps[0];
  if (timestamps.length > 0 && valid.length === 0) {
    failures.push({
      reason: timestampFailure(timestamps[0]!),
      message: `Timestamp: ${timestamps[0]!.message}`,
    });
  }
  let validationTime: Date;
  let validationTimeSource: CmsSignerReport['validationTimeSource'];
  if (valid[0]) {
    validationTime = new Date(valid[0].genTime!);
    validationTimeSource = 'timestamp';
  } else if (ctx.options.at) {
    validationTime = ctx.options.at;
    validationTimeSource = 'at';
  } else {
    validationTime = ctx.now;
    validationTimeSource = 'now';
  }

  let chain: CmsChainReport = { valid: false, message: 'no signer certificate', certificates: [] };
  let revocation: CmsRevocationReport = {
    status: 'not-checked',
    message: 'no signer certificate',
    certificates: [],
  };
  if (check.certificate) {
    const result = await verifyChain({
      certificate: parsedCertificate(check.certificate.der),
      intermediates: ctx.parsedIntermediates,
      trustAnchors: ctx.parsedAnchors,
      at: validationTime,
    });
    chain = chainReport(result);
    for (const c of result.chain) ctx.evidence.addCertificate(c.der);
    if (!result.valid) {
      failures.push({
        reason: CHAIN_REASONS[result.reason] ?? 'chain-invalid',
        message: `Certificate path at ${validationTime.toISOString()}: ${result.message}`,
      });
    }
    revocation = await pathRevocation(ctx.checker, result, validationTime, ctx.now);
    if (revocation.status === 'revoked') failures.push({ reason: 'revoked', message: revocation.message! });
    if (revocation.status === 'unknown')
      failures.push({ reason: 'revocation-unknown', message: revocation.message! });
  }

  const purpose = certificate?.keyPurpose;
  const report: CmsSignerReport = {
    index: signer.index,
    valid: failures.length === 0,
    signatureValid: check.signatureValid,
    digestAlgorithm: {
      oid: signer.digestAlgorithm.oid,
      ...(signer.digestAlgorithm.name ? { name: signer.digestAlgorithm.name } : {}),
    },
    signatureAlgorithm: { oid: signer.signatureAlgorithm.oid },
    signKey: purpose === 'sign' || purpose === 'auth+sign',
    timestamps,
    validationTime: validationTime.toISOString(),
    validationTimeSource,
    chain,
    revocation,
  };
  if (failures[0]) {
    report.reason = failures[0].reason;
    report.message = failures[0].message;
  }
  if (signer.signingTime) report.signingTime = signer.signingTime.toISOString();
  if (check.signingCertificate) report.signingCertificate = check.signingCertificate;
  if (certificate) report.certificate = certificate;
  if (timestamp) report.timestamp = timestamp;
  return report;
}

function contentOf(content: BytesLike | string): Uint8Array {
  return bytesOf(content, 'content');
}

function anchors(list: CertificateInput[] | undefined, what: string): Uint8Array[] {
  if (!Array.isArray(list))
    throw new PkiError('ERR_INVALID_ARGUMENT', `${what} must be a list of certificates`);
  return list.map((c) => certificateDer(c));
}

/**
 * Verifies a CMS SignedData (attached or detached; CAdES-BES or CAdES-T; RSA, ECDSA and GOST
 * signers) and returns one report. Malformed input gives a report with reason `malformed`, not an
 * exception.
 *
 * @throws {PkiError} only for bad options (`ERR_INVALID_ARGUMENT`, `ERR_CERTIFICATE_INVALID` for a
 *   trust anchor that is not a certificate).
 * @example
 * ```ts
 * const report = await verifyCms(p7s, {
 *   trustAnchors: [ncaRootRsa, ncaRootGost],
 *   policies: [requireFirstManagerOf('940140000385'), requireSignKey()],
 * });
 * if (!report.valid) console.log(report.reason, report.message);
 * report.signers[0]?.certificate?.iin;
 * report.signers[0]?.timestamp?.genTime;
 * await store.put(id, JSON.stringify(report.evidence)); // re-verify later, offline
 * ```
 */
export async function verifyCms(
  input: BytesLike | string | CmsSignedData,
  options: VerifyCmsOptions,
): Promise<CmsVerificationReport> {
  if (typeof options !== 'object' || options === null)
    throw new PkiError('ERR_INVALID_ARGUMENT', 'Options are required');
  if (options.at !== undefined && (!(options.at instanceof Date) || Number.isNaN(options.at.getTime()))) {
    throw new PkiError('ERR_INVALID_ARGUMENT', 'at must be a valid Date');
  }
  const now = new Date();
  const trustAnchors = anchors(options.trustAnchors, 'trustAnchors');
  const tsaTrustAnchors = options.tsaTrustAnchors
    ? anchors(options.tsaTrustAnchors, 'tsaTrustAnchors')
    : trustAnchors;
  const intermediates = (options.intermediates ?? []).map((c) => certificateDer(c));
  const supplied = options.evidence !== undefined ? parseCmsEvidence(options.evidence) : undefined;
  const evidence = new EvidenceCollector();
  const empty = (reason: CmsFailureReason, message: string, cms?: CmsSignedData): CmsVerificationReport => ({
    valid: false,
    reason,
    message,
    contentType: cms?.contentType ?? '',
    detached: cms?.detached ?? false,
    verifiedAt: now.toISOString(),
    signers: [],
    policies: [],
    evidence: evidence.toEvidence(now),
  });

  let cms: CmsSignedData;
  try {
    cms = isCmsSignedData(input) ? input : parseCms(input);
  } catch (e) {
    if (isPkiError(e)) return empty('malformed', e.message);
    throw e;
  }
  if (cms.signers.length === 0) return empty('no-signers', 'The SignedData has no SignerInfo', cms);

  const evidenceCerts = (supplied?.certificates ?? []).map((b) => fromBase64(b));
  const pathCertificates = [...cms.certificates, ...intermediates, ...evidenceCerts];
  const checker =
    options.revocation === false
      ? undefined
      : new RevocationChecker(
          options.revocation ?? {},
          supplied ? { ocspResponses: supplied.ocspResponses, crls: supplied.crls } : undefined,
        );
  const ctx: Context = {
    cms,
    content: options.content !== undefined ? contentOf(options.content) : cms.content,
    candidates: readCertificates(pathCertificates),
    pathCertificates,
    trustAnchors,
    tsaTrustAnchors,
    parsedAnchors: trustAnchors.map(parsedCertificate),
    // Certificates in the CMS come from the signer: the unreadable ones cannot be in a path.
    parsedIntermediates: pathCertificates.flatMap((der) => {
      try {
        return [parsedCertificate(der)];
      } catch {
        return [];
      }
    }),
    options,
    checker,
    evidence,
    now,
  };

  const signers: CmsSignerReport[] = [];
  for (const s of cms.signers) signers.push(await verifySigner(ctx, s));
  for (const a of trustAnchors) evidence.addCertificate(a);
  if (checker) {
    for (const der of checker.gathered.ocspResponses) evidence.addOcspResponse(der);
    for (const der of checker.gathered.crls) evidence.addCrl(der);
  }

  const policies: CmsPolicyResult[] = (options.policies ?? []).map((p) => {
    const message = p.check(signers);
    return message === undefined ? { id: p.id, satisfied: true } : { id: p.id, satisfied: false, message };
  });
  const report: CmsVerificationReport = {
    valid: signers.every((s) => s.valid) && policies.every((p) => p.satisfied),
    contentType: cms.contentType,
    detached: cms.detached,
    verifiedAt: now.toISOString(),
    signers,
    policies,
    evidence: evidence.toEvidence(now),
  };
  const badSigner = signers.find((s) => !s.valid);
  const badPolicy = policies.find((p) => !p.satisfied);
  if (badSigner) {
    report.reason = badSigner.reason!;
    report.message = `Signer ${badSigner.index}: ${badSigner.message}`;
    report.failedSigner = badSigner.index;
  } else if (badPolicy) {
    report.reason = 'policy-failed';
    report.message = `Policy ${badPolicy.id}: ${badPolicy.message}`;
  }
  return report;
}
