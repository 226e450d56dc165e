/**
 * The report of `verifyCms`: one typed, JSON-serialisable document saying whether a CMS is valid
 * and why, with per signer the certificate facts, the signature, the times, the chain and the
 * revocation status, and the evidence gathered.
 */

import type { TimestampFailureReason } from '../tsp/token.js';
import type { ChainFailureReason } from '../x509/chain.js';
import type { CertificateInfo } from '../x509/inspect.js';
import type { DigestName } from './digest.js';
import type { CmsEvidence } from './evidence.js';
import type { RevocationCheck } from './revocation.js';
import type { SignatureFailureReason } from './signer-check.js';

/**
 * Why a CMS or a signer is not valid (stable codes).
 *
 * - `malformed`, `no-signers`: the CMS cannot be read, or has no SignerInfo;
 * - the {@link SignatureFailureReason}s: `certificate-not-found`, `content-missing`,
 *   `digest-mismatch` (content changed, or wrong detached content), `signature-invalid`,
 *   `signed-attributes-invalid`, `signing-certificate-mismatch`, `unsupported-algorithm`,
 *   `key-invalid`;
 * - `key-usage`: the signer certificate's keyUsage allows neither digitalSignature nor
 *   nonRepudiation;
 * - `timestamp-invalid`, `timestamp-imprint-mismatch` (a timestamp over another signature),
 *   `timestamp-policy-not-accepted`;
 * - `untrusted-ca` (the path ends at no configured trust anchor, or no issuer was found),
 *   `certificate-expired`, `certificate-not-yet-valid` (at the validation time), `chain-invalid`
 *   (any other path failure);
 * - `revoked` (at or before the validation time), `revocation-unknown` (no source could tell);
 * - `policy-failed`: a caller policy (`requireSignKey()`, ...) is not met.
 */
export type CmsFailureReason =
  | 'malformed'
  | 'no-signers'
  | SignatureFailureReason
  | 'key-usage'
  | 'timestamp-invalid'
  | 'timestamp-imprint-mismatch'
  | 'timestamp-policy-not-accepted'
  | 'untrusted-ca'
  | 'certificate-expired'
  | 'certificate-not-yet-valid'
  | 'chain-invalid'
  | 'revoked'
  | 'revocation-unknown'
  | 'policy-failed';

/** A signature timestamp of a signer, as verified. */
export interface CmsTimestampReport {
  valid: boolean;
  /** Why not valid: the token's own check, or the TSA certificate's revocation at genTime. */
  reason?: TimestampFailureReason | 'tsa-revoked' | 'tsa-revocation-unknown';
  message?: string;
  /** genTime (ISO 8601). */
  genTime?: string;
  policy?: string;
  serialNumber?: string;
  /** Imprint hash (name when known, else OID). */
  hash?: string;
  /** `true` when the imprint is the hash of this signer's signature value. */
  imprintMatches: boolean;
  /** The TSA certificate's subject (RFC 4514). */
  tsa?: string;
  /** The TSA certificate chain at genTime. */
  chain?: CmsChainReport;
  /** Revocation of the TSA certificate (and its CAs) at genTime. */
  revocation?: CmsRevocationReport;
}

/** The certificate path of a signer or TSA. */
export interface CmsChainReport {
  valid: boolean;
  reason?: ChainFailureReason;
  message?: string;
  /** From the certificate (index 0) to the trust anchor. */
  certificates: { subject: string; serialNumber: string; notBefore: string; notAfter: string }[];
}

/** Revocation of a path: overall, and per certificate checked (the anchor is not). */
export interface CmsRevocationReport {
  /** Worst of the per-certificate results; `not-checked` when checking is off or the path is not valid. */
  status: 'good' | 'revoked' | 'unknown' | 'not-checked';
  message?: string;
  certificates: RevocationCheck[];
}

/** One signer. */
export interface CmsSignerReport {
  /** Position in signerInfos. */
  index: number;
  /** `true` when every check passed. */
  valid: boolean;
  /** The first failure. */
  reason?: CmsFailureReason;
  message?: string;
  /** The signature over the signed attributes verifies and the message digest matches the content. */
  signatureValid: boolean;
  digestAlgorithm: { oid: string; name?: DigestName };
  signatureAlgorithm: { oid: string };
  /** The signingTime attribute (ISO 8601), a claim of the signer. */
  signingTime?: string;
  /** The ESS signing-certificate attribute, when present. */
  signingCertificate?: { version: 'v1' | 'v2'; matches: boolean | undefined };
  /** The signer certificate as `inspectCertificate` describes it (IIN, BIN, roles, template, purpose...). */
  certificate?: CertificateInfo;
  /** `true` when the certificate is for signing (SIGN: nonRepudiation / emailProtection), not AUTH only. */
  signKey: boolean;
  /** The timestamp used for the validation time (the earliest valid one), or the first one that failed. */
  timestamp?: CmsTimestampReport;
  /** Every signature timestamp found. */
  timestamps: CmsTimestampReport[];
  /** The time the certificate was validated at (ISO 8601). */
  validationTime: string;
  /** Where that time came from: a valid timestamp, the caller's `at`, or the present. */
  validationTimeSource: 'timestamp' | 'at' | 'now';
  chain: CmsChainReport;
  revocation: CmsRevocationReport;
}

/** A policy result. */
export interface CmsPolicyResult {
  id: string;
  satisfied: boolean;
  message?: string;
}

/** The report of `verifyCms`. */
export interface CmsVerificationReport {
  /** `true` when there is at least one signer, every signer is valid and every policy is met. */
  valid: boolean;
  /** The first failure (a signer's, or `policy-failed`). */
  reason?: CmsFailureReason;
  message?: string;
  /** The signer the reason comes from. */
  failedSigner?: number;
  /** eContentType. */
  contentType: string;
  detached: boolean;
  /** When the verification ran (ISO 8601). */
  verifiedAt: string;
  signers: CmsSignerReport[];
  policies: CmsPolicyResult[];
  /** Everything needed to re-verify later, offline. */
  evidence: CmsEvidence;
}
