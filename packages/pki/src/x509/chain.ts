/**
 * Certificate path building and validation (RFC 5280 §6, the parts an NCA relying party needs):
 * issuer candidates by name chaining (preferring authorityKeyIdentifier = subjectKeyIdentifier),
 * the public keys (`validatePublicKey`, `VERIFICATION_KEY_POLICY`), signatures (every algorithm of
 * `verifySignature`), validity at a given time, basicConstraints cA and pathLenConstraint,
 * keyUsage keyCertSign, unknown critical extensions, ending at a trust anchor.
 *
 * Not covered: certificate policies processing and name constraints (a certificate marking
 * nameConstraints or policyConstraints critical is rejected as `critical-extension` rather than
 * silently accepted), revocation (see the CRL and OCSP modules), GOST signatures
 * (`unsupported-algorithm`).
 */
import type * as pkijs from 'pkijs';
import { bytesEqual } from '../der/encoding.js';
import { isPkiError, PkiError } from '../errors.js';
import { VERIFICATION_KEY_POLICY, validatePublicKey } from '../keys/public-key.js';
import { NCA_OIDS } from '../profiles/oids.js';
import { verifySignature } from '../signature/verify.js';
import { type CertificateInput, certificateToDer, parseCertificate } from './certificate.js';
import {
  extensionMap,
  integerHex,
  readAuthorityKeyId,
  readBasicConstraints,
  readExtKeyUsage,
  readKeyUsage,
  readSubjectKeyId,
  spkiDer,
} from './inspect-extensions.js';
import { formatName, namesEqual } from './name.js';

/** Why a chain did not validate. */
export type ChainFailureReason =
  /** No supplied certificate could have issued one in the path. */
  | 'no-issuer'
  /** The path ends at a self-issued certificate that is not a trust anchor. */
  | 'untrusted'
  /** A certificate's notAfter is before `at`. */
  | 'expired'
  /** A certificate's notBefore is after `at`. */
  | 'not-yet-valid'
  /** A signature does not verify with its issuer's key. */
  | 'signature'
  /** An issuer is not a CA (basicConstraints absent or cA false). */
  | 'not-ca'
  /** An issuer's keyUsage lacks keyCertSign. */
  | 'key-usage'
  /** An issuer's pathLenConstraint is exceeded. */
  | 'path-length'
  /** A signature algorithm or key this implementation cannot verify (e.g. Ed25519). */
  | 'unsupported-algorithm'
  /** A key in the path is below `VERIFICATION_KEY_POLICY` (e.g. RSA under 1024 bits). */
  | 'weak-key'
  /** A certificate has a critical extension this implementation does not process. */
  | 'critical-extension'
  /** A certificate's extensions or key are malformed, or a key is invalid (e.g. RSA e = 1). */
  | 'malformed';

/** One certificate of a path. */
export interface ChainCertificate {
  /** RFC 4514 subject. */
  subject: string;
  /** RFC 4514 issuer. */
  issuer: string;
  /** Lower-case hex serial number. */
  serialNumber: string;
  /** DER encoding. */
  der: Uint8Array;
}

/** Result of {@link verifyChain}: the path from the certificate (index 0) to the trust anchor. */
export type ChainResult =
  | { valid: true; chain: ChainCertificate[] }
  | {
      valid: false;
      reason: ChainFailureReason;
      /** Human-readable detail. */
      message: string;
      /** Position in `chain` of the certificate at fault (0 = the certificate itself). */
      index: number;
      /** The path that was tried, as far as it was built. */
      chain: ChainCertificate[];
    };

/** Input of {@link verifyChain}. */
export interface VerifyChainOptions {
  /** The end-entity (or any) certificate to validate. */
  certificate: CertificateInput;
  /** Untrusted certificates that may complete the path. */
  intermediates?: CertificateInput[];
  /** Trusted certificates (roots, or any CA the caller trusts); a path must end at one. */
  trustAnchors: CertificateInput[];
  /** Time of validation (default: now). */
  at?: Date;
}

/** Extensions whose criticality this module honours (RFC 5280 §4.2: others, if critical, reject). */
const PROCESSED = new Set<string>([
  NCA_OIDS.extension.keyUsage,
  NCA_OIDS.extension.extKeyUsage,
  NCA_OIDS.extension.basicConstraints,
  NCA_OIDS.extension.subjectKeyIdentifier,
  NCA_OIDS.extension.authorityKeyIdentifier,
  NCA_OIDS.extension.certificatePolicies,
  NCA_OIDS.extension.subjectAltName,
  NCA_OIDS.extension.issuerAltName,
  NCA_OIDS.extension.crlDistributionPoints,
  NCA_OIDS.extension.freshestCrl,
  NCA_OIDS.extension.authorityInfoAccess,
  NCA_OIDS.extension.subjectInfoAccess,
  NCA_OIDS.extension.ocspNoCheck,
  NCA_OIDS.extension.privateKeyUsagePeriod,
]);

/**
 * Longest path tried, most complete paths validated and most search steps taken, so that hostile
 * input (many certificates with the same name) cannot make the search explode.
 */
const MAX_DEPTH = 12;
const MAX_PATHS = 16;
const MAX_STEPS = 1000;

interface Node {
  cert: pkijs.Certificate;
  der: Uint8Array;
  anchor: boolean;
  ski?: Uint8Array;
  aki?: Uint8Array;
  selfIssued: boolean;
}

class ChainFailure {
  constructor(
    readonly reason: ChainFailureReason,
    readonly message: string,
    readonly index: number,
  ) {}
}

function node(input: CertificateInput, anchor: boolean): Node {
  let cert: pkijs.Certificate;
  try {
    cert = parseCertificate(input);
  } catch (cause) {
    if (cause instanceof PkiError) throw cause;
    throw new PkiError('ERR_CERTIFICATE_INVALID', 'Certificate cannot be decoded', { cause });
  }
  const n: Node = {
    cert,
    der: certificateToDer(cert),
    anchor,
    selfIssued: namesEqual(cert.subject, cert.issuer),
  };
  // Key identifiers only steer the search; a malformed extension surfaces during validation.
  try {
    const exts = extensionMap(cert);
    n.ski = readSubjectKeyId(exts);
    n.aki = readAuthorityKeyId(exts);
  } catch {
    /* reported as 'malformed' when the certificate is validated */
  }
  return n;
}

function link(n: Node): ChainCertificate {
  return {
    subject: formatName(n.cert.subject),
    issuer: formatName(n.cert.issuer),
    serialNumber: integerHex(n.cert.serialNumber),
    der: n.der,
  };
}

/** Issuer candidates of `child`: name chaining; AKI = SKI matches and trust anchors first. */
function issuersOf(child: Node, pool: readonly Node[], path: readonly Node[]): Node[] {
  const found = pool.filter(
    (n) => !path.some((p) => bytesEqual(p.der, n.der)) && namesEqual(child.cert.issuer, n.cert.subject),
  );
  const score = (n: Node): number =>
    (child.aki && n.ski ? (bytesEqual(child.aki, n.ski) ? 0 : 4) : 2) + (n.anchor ? 0 : 1);
  return found.sort((a, b) => score(a) - score(b));
}

type Search = { paths: Node[][]; steps: number; deadEnd?: ChainFailure & { path: Node[] } };

function search(path: Node[], pool: readonly Node[], out: Search): void {
  if (out.paths.length >= MAX_PATHS || ++out.steps > MAX_STEPS) return;
  const current = path[path.length - 1]!;
  if (current.anchor) {
    out.paths.push(path);
    return;
  }
  const candidates = path.length < MAX_DEPTH ? issuersOf(current, pool, path) : [];
  if (candidates.length === 0) {
    if (!out.deadEnd) {
      const index = path.length - 1;
      const failure = current.selfIssued
        ? new ChainFailure(
            'untrusted',
            `Self-issued certificate ${formatName(current.cert.subject)} is not a trust anchor`,
            index,
          )
        : new ChainFailure(
            'no-issuer',
            `No issuer found for ${formatName(current.cert.subject)} (issuer ${formatName(current.cert.issuer)})`,
            index,
          );
      out.deadEnd = Object.assign(failure, { path });
    }
    return;
  }
  for (const c of candidates) search([...path, c], pool, out);
}

/** Reports a failed public-key check of certificate `index` (its key, or a key it is verified with). */
function keyFailure(e: unknown, index: number): ChainFailure {
  if (isPkiError(e, 'ERR_KEY_TOO_WEAK')) return new ChainFailure('weak-key', (e as Error).message, index);
  if (isPkiError(e, 'ERR_UNSUPPORTED_ALGORITHM')) {
    return new ChainFailure('unsupported-algorithm', (e as Error).message, index);
  }
  return new ChainFailure('malformed', `Public key cannot be used: ${(e as Error).message}`, index);
}

/** Verifies `child`'s signature with `issuer`'s public key; throws a {@link ChainFailure}. */
async function checkSignature(
  child: pkijs.Certificate,
  issuer: pkijs.Certificate,
  index: number,
): Promise<void> {
  const algorithm = new Uint8Array(child.signatureAlgorithm.toSchema().toBER(false));
  if (!bytesEqual(algorithm, new Uint8Array(child.signature.toSchema().toBER(false)))) {
    // RFC 5280 §4.1.1.2: signatureAlgorithm MUST equal the signature field of the TBS.
    throw new ChainFailure(
      'signature',
      'signatureAlgorithm differs from the TBSCertificate signature field',
      index,
    );
  }
  let ok: boolean;
  try {
    ok = await verifySignature({
      data: new Uint8Array(child.tbsView),
      algorithm,
      signature: new Uint8Array(child.signatureValue.valueBlock.valueHexView),
      publicKeyInfo: spkiDer(issuer),
    });
  } catch (e) {
    // A signature that cannot be checked is reported at the child; an unusable key at its issuer.
    throw keyFailure(e, isPkiError(e, 'ERR_UNSUPPORTED_ALGORITHM') ? index : index + 1);
  }
  if (!ok)
    throw new ChainFailure('signature', `Signature of ${formatName(child.subject)} does not verify`, index);
}

/** Validates one complete path (index 0 = certificate, last = trust anchor). */
async function validate(path: readonly Node[], at: Date): Promise<void> {
  const last = path.length - 1;
  for (let i = 0; i <= last; i++) {
    const { cert, anchor } = path[i]!;
    const name = formatName(cert.subject);
    let exts: Map<string, pkijs.Extension>;
    let bc: ReturnType<typeof readBasicConstraints>;
    let ku: ReturnType<typeof readKeyUsage>;
    try {
      exts = extensionMap(cert);
      bc = readBasicConstraints(exts);
      ku = readKeyUsage(exts);
      // Not used by path validation, but a malformed one makes the certificate malformed.
      readExtKeyUsage(exts);
      readSubjectKeyId(exts);
      readAuthorityKeyId(exts);
    } catch (e) {
      throw new ChainFailure('malformed', (e as Error).message, i);
    }
    for (const ext of exts.values()) {
      if (ext.critical && !PROCESSED.has(ext.extnID)) {
        throw new ChainFailure(
          'critical-extension',
          `${name} has unsupported critical extension ${ext.extnID}`,
          i,
        );
      }
    }
    if (at < cert.notBefore.value) {
      throw new ChainFailure(
        'not-yet-valid',
        `${name} is valid from ${cert.notBefore.value.toISOString()}`,
        i,
      );
    }
    if (at > cert.notAfter.value) {
      throw new ChainFailure('expired', `${name} expired at ${cert.notAfter.value.toISOString()}`, i);
    }
    if (i > 0) {
      // Issuer checks (RFC 5280 §6.1.4 (k), (l), (n)). A trust anchor without the extensions
      // (an X.509 v1 root) is trusted as configured.
      if (bc ? !bc.ca : !anchor) {
        throw new ChainFailure('not-ca', `${name} is not a CA certificate (basicConstraints)`, i);
      }
      if (ku && !ku.includes('keyCertSign')) {
        throw new ChainFailure('key-usage', `${name} keyUsage does not allow keyCertSign`, i);
      }
      if (bc?.pathLength !== undefined) {
        // Non-self-issued intermediate CA certificates below this one (the certificate itself excluded).
        const below = path.slice(1, i).filter((n) => !n.selfIssued).length;
        if (below > bc.pathLength) {
          throw new ChainFailure(
            'path-length',
            `${name} allows ${bc.pathLength} intermediate CA certificate(s) below it, the path has ${below}`,
            i,
          );
        }
      }
    }
    try {
      // Every key in the path is checked (RFC 5280 leaves it to the relying party): validity and
      // VERIFICATION_KEY_POLICY. The end entity's key is not used here, so one of an algorithm
      // this package does not know is left to whoever uses it.
      validatePublicKey(spkiDer(cert), VERIFICATION_KEY_POLICY);
    } catch (e) {
      if (!(i === 0 && isPkiError(e, 'ERR_UNSUPPORTED_ALGORITHM'))) throw keyFailure(e, i);
    }
    if (i < last) await checkSignature(cert, path[i + 1]!.cert, i);
  }
}

/**
 * Builds a path from `certificate` through `intermediates` to one of `trustAnchors` and validates
 * it at `at`. Problems are reported as a typed `reason`: the first found, walking from the
 * certificate to the anchor and checking for each certificate its extensions, its validity, its
 * CA constraints (when it is an issuer), then the signature on it. When several paths exist, the
 * first valid one is returned, or else the failure of the most plausible one.
 *
 * @throws {PkiError} `ERR_CERTIFICATE_INVALID` when an input is not a certificate,
 *   `ERR_INVALID_ARGUMENT` for a bad `at`.
 * @example
 * ```ts
 * const r = await verifyChain({ certificate: userPem, intermediates: [ncaPem], trustAnchors: [rootPem] });
 * if (!r.valid) console.log(r.reason, r.message); // e.g. 'expired'
 * ```
 */
export async function verifyChain(options: VerifyChainOptions): Promise<ChainResult> {
  const at = options.at ?? new Date();
  if (!(at instanceof Date) || Number.isNaN(at.getTime())) {
    throw new PkiError('ERR_INVALID_ARGUMENT', '`at` must be a valid Date');
  }
  const leaf = node(options.certificate, false);
  const anchors = (options.trustAnchors ?? []).map((c) => node(c, true));
  const intermediates = (options.intermediates ?? []).map((c) => node(c, false));
  // A certificate is a trust anchor when its subject and public key are those of a trusted one.
  const isAnchor = (n: Node): boolean =>
    anchors.some(
      (a) =>
        bytesEqual(a.der, n.der) ||
        (namesEqual(a.cert.subject, n.cert.subject) && bytesEqual(spkiDer(a.cert), spkiDer(n.cert))),
    );
  leaf.anchor = isAnchor(leaf);
  for (const n of intermediates) n.anchor = isAnchor(n);
  const pool = [...anchors, ...intermediates.filter((n) => !anchors.some((a) => bytesEqual(a.der, n.der)))];

  const found: Search = { paths: [], steps: 0 };
  search([leaf], pool, found);
  if (found.paths.length === 0) {
    const d = found.deadEnd;
    if (!d) {
      return {
        valid: false,
        reason: 'no-issuer',
        message: 'No path found within the search limits',
        index: 0,
        chain: [link(leaf)],
      };
    }
    return { valid: false, reason: d.reason, message: d.message, index: d.index, chain: d.path.map(link) };
  }
  let firstFailure: { failure: ChainFailure; path: Node[] } | undefined;
  for (const path of found.paths) {
    try {
      await validate(path, at);
      return { valid: true, chain: path.map(link) };
    } catch (e) {
      if (!(e instanceof ChainFailure)) throw e;
      firstFailure ??= { failure: e, path };
    }
  }
  const { failure, path } = firstFailure!;
  return {
    valid: false,
    reason: failure.reason,
    message: failure.message,
    index: failure.index,
    chain: path.map(link),
  };
}
