/**
 * The NCA's information-system template through the CA: a legal entity's first manager, logged into
 * the personal cabinet, asks for the certificate of one of the organisation's information systems
 * with one GOST R 34.10-2015 512-bit request. The subject names the system, not a person (CN = its
 * name, UID, O and OU = the organisation; no IIN, see `buildInformationSystemSubject`); the GOST
 * issuing CA issues it with `informationSystemProfile()` (extKeyUsage 1.2.398.3.3.4.1.2 +
 * 1.2.398.3.3.4.1.2.6, policy 1.2.398.3.3.2, three years), as the NCA's TEST-2022
 * gost2015_infosystem. No application, number or identification: the first manager's certificate
 * login is the organisation's authority.
 */

import { type CertificateRecord, isDuplicate } from '@kzpki/ca-store';
import { formatName, informationSystemProfile, issueCertificate, NCA_OIDS } from '@kzpki/pki';
import { endEntityUrls, NCA_CPS_URL } from '../ca/hierarchy.js';
import { sha256Hex } from '../crypto/hash.js';
import { CaError } from '../errors.js';
import { certificateRecord } from './certificate-record.js';
import type { CaContext } from './context.js';
import { GOST_KEY_ALGORITHMS, verifyRequest } from './csr-policy.js';
import { checkValidity, type IssueOptions } from './issue.js';

/** The cabinet holder asking (from the session's certificate). */
export interface InformationSystemRequester {
  iin?: string;
  bin?: string;
  organization?: string;
  roles: string[];
}

const norm = (v: string | undefined): string => (v ?? '').trim().replace(/\s+/g, ' ').toUpperCase();

/**
 * Issues an information-system certificate for the requester's organisation.
 * @throws {CaError} `ERR_FORBIDDEN` unless the requester is a first manager of an organisation;
 *   the request checks of `verifyRequest` (GOST-2015-512 only); `ERR_CSR_SUBJECT_MISMATCH` for an
 *   IIN in the subject, a missing CN or UID, another BIN or organisation name;
 *   `ERR_CSR_TEMPLATE_MISMATCH` for usages the template does not grant; `ERR_CSR_KEY_REUSED`;
 *   `ERR_TEST_MODE_REQUIRED` / `ERR_VALIDITY_INVALID` for an explicit validity (test mode only,
 *   checked as for applications: the "expired" information systems of test packs).
 * @example
 * ```ts
 * const record = await issueInformationSystemCertificate(ctx, session.holder, csrPem);
 * ```
 */
export async function issueInformationSystemCertificate(
  ctx: CaContext,
  requester: InformationSystemRequester,
  csrText: string,
  opts: IssueOptions = {},
): Promise<CertificateRecord> {
  const bin = requester.bin;
  if (bin === undefined || !requester.roles.includes('first-manager')) {
    throw new CaError(
      'ERR_FORBIDDEN',
      "Only the organisation's first manager obtains its information systems' certificates",
    );
  }
  // Before the request is looked at: outside test mode no explicit validity is taken at all.
  checkValidity(ctx, opts.validity, 'gost');
  const csr = await verifyRequest(csrText, GOST_KEY_ALGORITHMS);
  const attr = (oid: string) => csr.subject.find((a) => a.type === oid)?.value;
  const mismatch = (why: string) => new CaError('ERR_CSR_SUBJECT_MISMATCH', why);
  if (csr.iin !== undefined)
    throw mismatch('An information-system request names the system, not a person: no IIN');
  if (csr.bin !== bin) throw mismatch(`The request names BIN ${csr.bin ?? '(none)'}, not the organisation`);
  const name = attr(NCA_OIDS.attribute.commonName);
  const uid = attr(NCA_OIDS.attribute.userId);
  if (!name?.trim() || !uid?.trim())
    throw mismatch("The request's subject needs the system's name (CN) and UID");
  const org = attr(NCA_OIDS.attribute.organization);
  if (org !== undefined && norm(org) !== norm(requester.organization)) {
    throw mismatch("The request's O is not the organisation's name");
  }
  const profile = informationSystemProfile();
  const extra = [
    ...csr.requestedKeyUsage.filter((u) => !profile.keyUsage.includes(u)),
    ...csr.requestedExtKeyUsage.filter((o) => !profile.extKeyUsage.includes(o)),
  ];
  if (extra.length > 0) {
    throw new CaError(
      'ERR_CSR_TEMPLATE_MISMATCH',
      `The request asks for usages the information-system template does not grant: ${extra.join(', ')}`,
    );
  }
  const keySha256 = sha256Hex(csr.spki);
  if (await ctx.store.publicKeyCertified(keySha256)) {
    throw new CaError(
      'ERR_CSR_KEY_REUSED',
      'A certificate for this public key was already issued; generate a new key',
    );
  }
  const { gostIssuing } = ctx.material;
  const issued = await issueCertificate({
    publicKey: csr.spki,
    subject: csr.subject,
    profile,
    issuer: gostIssuing.certificate,
    issuerKey: gostIssuing.privateKey,
    validity: opts.validity ?? { notBefore: ctx.now() },
    urls: { ...endEntityUrls(ctx.config.statusBaseUrl, 'gost'), cps: NCA_CPS_URL },
  });
  const record = certificateRecord(issued, {
    issuerSkiHex: gostIssuing.skiHex,
    kind: 'end-entity',
    spki: csr.spki,
    createdAt: ctx.now(),
    known: { subject: formatName(csr.subject), purpose: 'auth+sign', bin },
  });
  try {
    await ctx.store.putCertificate(record, {
      actor: `holder:${requester.iin ?? bin}`,
      action: 'certificate.information-system-issued',
      entity: `certificate:${record.serialHex}`,
      details: { bin, uid, name, keySha256, notAfter: record.notAfter.toISOString() },
    });
  } catch (e) {
    if (isDuplicate(e, 'public-key')) {
      throw new CaError('ERR_CSR_KEY_REUSED', 'A certificate for this key was issued meanwhile', {
        cause: e,
      });
    }
    throw e;
  }
  return record;
}
