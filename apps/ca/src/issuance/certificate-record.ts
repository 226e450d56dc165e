/** Turns a freshly issued certificate into the record the store keeps. */
import { formatName, type IssuedCertificate, inspectCertificate } from '@kzpki/pki';
import { sha256Hex } from '../crypto/hash.js';
import type { CaTemplateName } from '../flow/template-policy.js';
import type { CertificateRecord } from '../store/types.js';

/** Fields of the record that issuance knows and the certificate does not say. */
export interface CertificateRecordContext {
  issuerSkiHex: string;
  kind: CertificateRecord['kind'];
  /** SubjectPublicKeyInfo DER of the certified key. */
  spki: Uint8Array;
  applicationId?: string;
  template?: CaTemplateName;
  createdAt: Date;
}

/** The store record of an issued certificate (IIN, BIN, purpose read back from the certificate). */
export function certificateRecord(issued: IssuedCertificate, ctx: CertificateRecordContext): CertificateRecord {
  const info = inspectCertificate(issued.der);
  const purpose = info.keyPurpose === 'auth' || info.keyPurpose === 'sign' ? info.keyPurpose : undefined;
  return {
    serialHex: issued.serialHex,
    issuerSkiHex: ctx.issuerSkiHex,
    status: 'good',
    notBefore: issued.notBefore,
    notAfter: issued.notAfter,
    der: issued.der,
    spkiSha256: sha256Hex(ctx.spki),
    subject: formatName(info.subject.attributes),
    skiHex: issued.subjectKeyId,
    kind: ctx.kind,
    ...(purpose ? { purpose } : {}),
    ...(ctx.template ? { template: ctx.template } : {}),
    ...(info.iin ? { iin: info.iin } : {}),
    ...(info.bin ? { bin: info.bin } : {}),
    ...(ctx.applicationId ? { applicationId: ctx.applicationId } : {}),
    createdAt: ctx.createdAt,
  };
}
