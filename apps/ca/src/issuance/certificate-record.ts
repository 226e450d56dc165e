/** Turns a freshly issued certificate into the record the store keeps. */

import type { CertificatePurpose, CertificateRecord } from '@kzpki/ca-store';
import type { TemplateName } from '@kzpki/pki';
import { formatName, type IssuedCertificate, inspectCertificate } from '@kzpki/pki';
import { sha256Hex } from '../crypto/hash.js';

/** What the issuer already knows about an end-entity certificate (saves parsing it back). */
export interface KnownCertificateFields {
  subject: string;
  purpose?: CertificatePurpose;
  iin?: string;
  bin?: string;
}

/** Fields of the record that issuance knows and the certificate does not say. */
export interface CertificateRecordContext {
  issuerSkiHex: string;
  kind: CertificateRecord['kind'];
  /** SubjectPublicKeyInfo DER of the certified key. */
  spki: Uint8Array;
  applicationId?: string;
  template?: TemplateName;
  createdAt: Date;
  /** Subject, purpose, IIN and BIN when the caller knows them; otherwise read from the certificate. */
  known?: KnownCertificateFields;
}

/** The store record of an issued certificate (IIN, BIN, purpose read back from the certificate). */
export function certificateRecord(
  issued: IssuedCertificate,
  ctx: CertificateRecordContext,
): CertificateRecord {
  const info: KnownCertificateFields = ctx.known ?? readFields(issued.der);
  const purpose = info.purpose;
  return {
    serialHex: issued.serialHex,
    issuerSkiHex: ctx.issuerSkiHex,
    status: 'good',
    notBefore: issued.notBefore,
    notAfter: issued.notAfter,
    der: issued.der,
    spkiSha256: sha256Hex(ctx.spki),
    subject: info.subject,
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

function readFields(der: Uint8Array): KnownCertificateFields {
  const info = inspectCertificate(der);
  return {
    subject: formatName(info.subject.attributes),
    ...(info.keyPurpose === 'auth' || info.keyPurpose === 'sign' || info.keyPurpose === 'auth+sign'
      ? { purpose: info.keyPurpose }
      : {}),
    ...(info.iin ? { iin: info.iin } : {}),
    ...(info.bin ? { bin: info.bin } : {}),
  };
}
