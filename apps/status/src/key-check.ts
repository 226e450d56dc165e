/**
 * The NCA site's "check EDS key" page: a certificate goes in; out come its NCA reading
 * (`inspectCertificate`), whether it chains to this CA's trust anchor now (`verifyChain`), and
 * its revocation status here.
 */
import {
  type CertificateInfo,
  inspectCertificate,
  isPkiError,
  parseCertificate,
  toDer,
  verifyChain,
} from '@kzpki/pki';
import { StatusError } from './errors.js';
import type { StatusMaterial, StatusSource } from './source/status-source.js';

/** Result of {@link KeyChecker.check} (`KeyCheckResult` in `openapi/status.yaml`). */
export interface KeyCheckResult {
  /** The certificate as the NCA profiles read it. */
  certificate: CertificateInfo;
  /** Chain validation against this CA's trust anchors, now. */
  chain: {
    valid: boolean;
    issuedByThisCa: boolean;
    reason?: string;
    message?: string;
    /** Subjects from the certificate up to the anchor (as far as the path was built). */
    path: string[];
  };
  /** Status in this CA's records (`unknown` for certificates of other CAs or unknown serials). */
  revocation: { status: 'good' | 'revoked' | 'unknown'; revokedAt?: string; reason?: string };
  /** When the check ran (ISO 8601). */
  checkedAt: string;
}

interface KnownIssuer {
  id: string;
  der: Uint8Array;
  subjectDn: string;
  subjectKeyId?: string;
}

/** Checks uploaded certificates against the CA material and the status source. */
export class KeyChecker {
  private readonly issuers: KnownIssuer[];
  private readonly intermediates: Uint8Array[];

  /**
   * @example
   * ```ts
   * const checker = new KeyChecker(source, await source.material());
   * const result = await checker.check(pemText);
   * ```
   */
  constructor(
    private readonly source: StatusSource,
    private readonly material: StatusMaterial,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.issuers = material.issuers.map((m) => {
      const info = inspectCertificate(m.certificate);
      return { id: m.id, der: m.certificate, subjectDn: info.subject.dn, subjectKeyId: info.subjectKeyId };
    });
    this.intermediates = material.issuers.map((m) => m.certificate);
  }

  /**
   * Checks one certificate (PEM text, DER, or base64).
   * @throws {StatusError} `ERR_CERTIFICATE_INVALID` when the input is not a certificate.
   */
  async check(input: string | Uint8Array): Promise<KeyCheckResult> {
    let der: Uint8Array;
    let info: CertificateInfo;
    try {
      der = toDer(
        input,
        typeof input === 'string' && input.includes('-----BEGIN') ? 'CERTIFICATE' : undefined,
      );
      parseCertificate(der);
      info = inspectCertificate(der);
    } catch (cause) {
      const detail = isPkiError(cause) ? cause.message : 'not a certificate';
      throw new StatusError('ERR_CERTIFICATE_INVALID', `The upload is not an X.509 certificate: ${detail}`, {
        cause,
      });
    }
    const at = this.now();
    const issuer = this.issuerOf(info);
    const chain = await verifyChain({
      certificate: der,
      intermediates: this.intermediates,
      trustAnchors: this.material.trustAnchors,
      at,
    });
    const result: KeyCheckResult = {
      certificate: info,
      chain: {
        valid: chain.valid,
        issuedByThisCa: issuer !== undefined,
        path: chain.chain.map((c) => c.subject),
        ...(chain.valid ? {} : { reason: chain.reason, message: chain.message }),
      },
      revocation: { status: 'unknown' },
      checkedAt: at.toISOString(),
    };
    if (issuer) {
      const record = await this.source.lookup(issuer.id, info.serialNumber);
      if (record?.state === 'good') result.revocation = { status: 'good' };
      else if (record) {
        result.revocation = {
          status: 'revoked',
          ...(record.revokedAt ? { revokedAt: record.revokedAt.toISOString() } : {}),
          ...(record.state === 'hold'
            ? { reason: 'certificateHold' }
            : record.reason
              ? { reason: record.reason }
              : {}),
        };
      }
    }
    return result;
  }

  /** Our CA that issued the certificate: matched by authority key id, else by issuer name. */
  private issuerOf(info: CertificateInfo): KnownIssuer | undefined {
    if (info.authorityKeyId) {
      const byKey = this.issuers.find((i) => i.subjectKeyId === info.authorityKeyId);
      if (byKey) return byKey;
    }
    return this.issuers.find(
      (i) => i.subjectDn === info.issuer.dn && !(info.authorityKeyId && i.subjectKeyId),
    );
  }
}
