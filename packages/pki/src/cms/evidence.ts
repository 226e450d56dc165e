/**
 * Evidence for long-term validation: everything a later, offline re-verification of a CMS needs
 * besides the CMS itself and the trust anchors — the certificates of every path (signers and
 * TSAs), the OCSP responses and CRLs that decided revocation, and the timestamp tokens. Kept as a
 * JSON document with base64 DER so it can sit beside the signed document in any store.
 *
 * Re-verify with `verifyCms(cms, { trustAnchors, evidence, revocation: { offline: true } })`.
 */
import { type BytesLike, fromBase64, toBase64, toBytes } from '../der/encoding.js';
import { PkiError } from '../errors.js';

/** The evidence document (JSON-serialisable). */
export interface CmsEvidence {
  format: 'kzpki-cms-evidence';
  version: 1;
  /** When it was gathered (ISO 8601). */
  createdAt: string;
  /** Certificates (base64 DER): signer and TSA paths, trust anchors included. */
  certificates: string[];
  /** OCSP responses (base64 DER) used for the revocation decisions. */
  ocspResponses: string[];
  /** CRLs (base64 DER) used for the revocation decisions. */
  crls: string[];
  /** Signature timestamp tokens (base64 DER) found in the CMS. */
  timestampTokens: string[];
}

/** Collects unique DER items into an evidence document. */
export class EvidenceCollector {
  private readonly certs = new Set<string>();
  private readonly ocsp = new Set<string>();
  private readonly crls = new Set<string>();
  private readonly tokens = new Set<string>();

  addCertificate(der: Uint8Array): void {
    this.certs.add(toBase64(der));
  }
  addOcspResponse(der: Uint8Array): void {
    this.ocsp.add(toBase64(der));
  }
  addCrl(der: Uint8Array): void {
    this.crls.add(toBase64(der));
  }
  addTimestampToken(der: Uint8Array): void {
    this.tokens.add(toBase64(der));
  }

  /** The evidence document. */
  toEvidence(createdAt: Date): CmsEvidence {
    return {
      format: 'kzpki-cms-evidence',
      version: 1,
      createdAt: createdAt.toISOString(),
      certificates: [...this.certs],
      ocspResponses: [...this.ocsp],
      crls: [...this.crls],
      timestampTokens: [...this.tokens],
    };
  }
}

/**
 * Reads an evidence document (the object, or its JSON text/bytes) and checks its shape.
 * @throws {PkiError} `ERR_INVALID_ARGUMENT` when it is not one.
 * @example
 * ```ts
 * const evidence = parseCmsEvidence(await readFile('contract.evidence.json'));
 * const report = await verifyCms(p7s, { trustAnchors, evidence, revocation: { offline: true } });
 * ```
 */
export function parseCmsEvidence(input: CmsEvidence | string | BytesLike): CmsEvidence {
  let value: unknown = input;
  if (
    typeof input === 'string' ||
    input instanceof Uint8Array ||
    input instanceof ArrayBuffer ||
    ArrayBuffer.isView(input)
  ) {
    const text = typeof input === 'string' ? input : new TextDecoder().decode(toBytes(input as BytesLike));
    try {
      value = JSON.parse(text);
    } catch (cause) {
      throw new PkiError('ERR_INVALID_ARGUMENT', 'Evidence is not JSON', { cause });
    }
  }
  const e = value as Partial<CmsEvidence>;
  const lists = ['certificates', 'ocspResponses', 'crls', 'timestampTokens'] as const;
  if (typeof e !== 'object' || e === null || e.format !== 'kzpki-cms-evidence' || e.version !== 1) {
    throw new PkiError('ERR_INVALID_ARGUMENT', 'Not a kzpki CMS evidence document (format/version)');
  }
  for (const k of lists) {
    const list = e[k];
    if (!Array.isArray(list) || list.some((x) => typeof x !== 'string')) {
      throw new PkiError('ERR_INVALID_ARGUMENT', `Evidence field ${k} must be a list of base64 strings`);
    }
    for (const item of list) fromBase64(item); // throws ERR_ENCODING_INVALID for non-base64
  }
  return {
    format: 'kzpki-cms-evidence',
    version: 1,
    createdAt: String(e.createdAt ?? ''),
    certificates: [...e.certificates!],
    ocspResponses: [...e.ocspResponses!],
    crls: [...e.crls!],
    timestampTokens: [...e.timestampTokens!],
  };
}
