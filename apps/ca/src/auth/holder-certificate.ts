/**
 * Accepting a certificate presented by a holder (cabinet login, operator login, approval
 * signature): it must be well-formed, chain to this CA's root through the issuing CA at the
 * current time (in the RSA hierarchy, or in the GOST one for a legal entity's GOST certificate), be one this CA issued and still holds as good (not revoked, not on hold), and have
 * the key purpose the use needs.
 */

import type { CertificateRecord } from '@kzpki/ca-store';
import {
  bytesEqual,
  type CertificateInfo,
  certificateToDer,
  inspectCertificate,
  verifyChain,
} from '@kzpki/pki';
import { CaError } from '../errors.js';
import type { CaContext } from '../issuance/context.js';

/** A certificate accepted from a holder. */
export interface AcceptedCertificate {
  der: Uint8Array;
  info: CertificateInfo;
  record: CertificateRecord;
}

/**
 * Checks a holder's certificate for `purpose`.
 * @throws {CaError} `ERR_CERTIFICATE_INVALID`, `ERR_CERTIFICATE_EXPIRED`, `ERR_CERTIFICATE_UNTRUSTED`,
 *   `ERR_CERTIFICATE_REVOKED`, `ERR_CERTIFICATE_WRONG_PURPOSE`.
 */
export async function acceptHolderCertificate(
  ctx: CaContext,
  text: string,
  purpose: 'auth' | 'sign',
): Promise<AcceptedCertificate> {
  let der: Uint8Array;
  let info: CertificateInfo;
  try {
    der = certificateToDer(text.trim());
    info = inspectCertificate(der);
  } catch (cause) {
    throw new CaError('ERR_CERTIFICATE_INVALID', 'Not a well-formed X.509 certificate', { cause });
  }
  const m = ctx.material;
  const gost = info.authorityKeyId !== undefined && info.authorityKeyId === m.gostIssuing.skiHex;
  const [issuing, root] = gost ? [m.gostIssuing, m.gostRoot] : [m.issuing, m.root];
  const chain = await verifyChain({
    certificate: der,
    intermediates: [issuing.certificate],
    trustAnchors: [root.certificate],
    at: ctx.now(),
  });
  if (!chain.valid) {
    if (chain.reason === 'expired' || chain.reason === 'not-yet-valid') {
      throw new CaError('ERR_CERTIFICATE_EXPIRED', `The certificate is not valid now (${chain.reason})`);
    }
    throw new CaError(
      'ERR_CERTIFICATE_UNTRUSTED',
      `The certificate does not chain to this CA (${chain.reason})`,
    );
  }
  const record = await ctx.store.getCertificateBySerial(issuing.skiHex, info.serialNumber);
  if (!record || !bytesEqual(record.der, der)) {
    throw new CaError('ERR_CERTIFICATE_UNTRUSTED', 'This CA has no record of the certificate');
  }
  if (record.status !== 'good') {
    throw new CaError(
      'ERR_CERTIFICATE_REVOKED',
      `The certificate is ${record.status === 'hold' ? 'on hold' : 'revoked'}`,
    );
  }
  if (info.keyPurpose !== purpose && info.keyPurpose !== 'auth+sign') {
    throw new CaError(
      'ERR_CERTIFICATE_WRONG_PURPOSE',
      `A ${purpose.toUpperCase()} certificate is required, this one is ${info.keyPurpose.toUpperCase()}`,
    );
  }
  const full = await ctx.store.getCertificate(record.serialHex);
  return { der, info, record: full as CertificateRecord };
}
