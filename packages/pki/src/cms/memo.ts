/**
 * Small bounded memos for what a relying party decodes over and over: the same few CA, TSA and
 * signer certificates (parsed by pkijs, described by `inspectCertificate`) and OCSP issuer hashes.
 * Decoding a certificate with pkijs costs more than checking its RSA signature, so a verification
 * service that sees the NCA's CAs on every request would otherwise spend most of its time there.
 * Keys are the full DER (as base64), so a hit is the very same certificate.
 */
import type * as pkijs from 'pkijs';
import { toBase64 } from '../der/encoding.js';
import { type OcspIssuer, prepareOcspIssuer } from '../ocsp/cert-id.js';
import { type CertificateInput, certificateToDer, parseCertificate } from '../x509/certificate.js';
import { type CertificateFields, readCertificateFields } from '../x509/certificate-fields.js';
import { type CertificateInfo, inspectCertificate } from '../x509/inspect.js';

const MAX = 256;

class Memo<T> {
  private readonly map = new Map<string, T>();

  get(key: string, make: () => T): T {
    const hit = this.map.get(key);
    if (hit !== undefined) {
      this.map.delete(key); // most recently used last
      this.map.set(key, hit);
      return hit;
    }
    const value = make();
    if (this.map.size >= MAX) this.map.delete(this.map.keys().next().value!);
    this.map.set(key, value);
    return value;
  }
}

const parsed = new Memo<pkijs.Certificate>();
const fields = new Memo<CertificateFields>();
const ders = new Memo<Uint8Array>();
const inspected = new Memo<CertificateInfo>();
const issuers = new Memo<Promise<OcspIssuer>>();

/** The pkijs certificate of `der` (shared: callers must not modify it). */
export function parsedCertificate(der: Uint8Array): pkijs.Certificate {
  return parsed.get(toBase64(der), () => parseCertificate(der));
}

/**
 * `readCertificateFields(der)`, shared (callers must not modify it). `readCertificateFields`
 * validates every certificate with a full pkijs parse, which dominates a verification otherwise.
 */
export function certificateFields(der: Uint8Array): CertificateFields {
  return fields.get(toBase64(der), () => readCertificateFields(der));
}

/** `certificateToDer(input)` for byte inputs (memoised), and as is for the other forms. */
export function certificateDer(input: CertificateInput): Uint8Array {
  if (input instanceof Uint8Array) return ders.get(toBase64(input), () => certificateToDer(input));
  return certificateToDer(input);
}

/** `inspectCertificate(der)`, as a fresh copy the caller may keep or change. */
export function inspectedCertificate(der: Uint8Array): CertificateInfo {
  return structuredClone(inspected.get(toBase64(der), () => inspectCertificate(der)));
}

/** `prepareOcspIssuer(der)`, shared. */
export function ocspIssuer(der: Uint8Array): Promise<OcspIssuer> {
  const key = toBase64(der);
  return issuers.get(key, () => prepareOcspIssuer(der));
}
