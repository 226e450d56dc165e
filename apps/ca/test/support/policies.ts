/**
 * The certificatePolicies extension of a certificate, for comparing the reference CA's with the
 * NCA's byte for byte (policy OID, CPS qualifier, user notice).
 */
import { type CertificateInput, parseCertificate } from '@kzpki/pki';

/** The certificatePolicies extension's DER (the whole Extension) in hex; '' when absent. */
export function policiesExtensionHex(cert: CertificateInput): string {
  const ext = parseCertificate(cert).extensions?.find((e) => e.extnID === '2.5.29.32');
  return ext ? Buffer.from(ext.toSchema().toBER(false)).toString('hex') : '';
}

/** Each policy's qualifier OIDs: CPS pointer 1.3.6.1.5.5.7.2.1, user notice 1.3.6.1.5.5.7.2.2. */
export function policyQualifierIds(cert: CertificateInput): string[][] {
  const ext = parseCertificate(cert).extensions?.find((e) => e.extnID === '2.5.29.32');
  const parsed = ext?.parsedValue as
    | { certificatePolicies: { policyQualifiers?: { policyQualifierId: string }[] }[] }
    | undefined;
  return (parsed?.certificatePolicies ?? []).map((p) =>
    (p.policyQualifiers ?? []).map((q) => q.policyQualifierId),
  );
}
