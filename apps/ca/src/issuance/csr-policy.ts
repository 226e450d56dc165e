/**
 * What the CA checks in each certificate request before accepting an application (step 5):
 * signature (proof of possession) and key strength (`verifyCsr`), the allowed key algorithms, that
 * the subject names the identified person and organisation (IIN, BIN, name), and that the
 * requested key usages fit the template and the key's purpose (an employee cannot ask for the
 * first-manager role, an AUTH request cannot ask for nonRepudiation). A legal entity's single GOST
 * request is checked the same way against the template's GOST-2015 profile; its public key was
 * validated by `verifyCsr` (a point of tc26-512-paramSetA in the prime-order subgroup, not the
 * identity: `decodeGostSpki`).
 */

import type { ApplicationRecord } from '@kzpki/ca-store';
import {
  type CsrInfo,
  GOST_END_ENTITY_KEY_ALGORITHM,
  gostTemplateProfile,
  isPkiError,
  NCA_OIDS,
  type TemplateName,
  templateProfile,
  verifyCsr,
} from '@kzpki/pki';
import { CaError } from '../errors.js';

/** Key algorithms accepted for end-entity keys (the NCA's RSA generation uses RSA-2048). */
export const ALLOWED_KEY_ALGORITHMS: readonly string[] = [
  'RSA-2048',
  'RSA-3072',
  'RSA-4096',
  'ECDSA-P256',
  'ECDSA-P384',
];

function norm(v: string | undefined): string {
  return (v ?? '').trim().replace(/\s+/g, ' ').toUpperCase().replace(/Ё/g, 'Е');
}

function attr(csr: CsrInfo, oid: string): string | undefined {
  return csr.subject.find((a) => a.type === oid)?.value;
}

/** Key algorithm of a legal entity's single request (GOST R 34.10-2015, 512 bits, as the NCA's). */
export const GOST_KEY_ALGORITHMS: readonly string[] = [GOST_END_ENTITY_KEY_ALGORITHM];

/**
 * Verifies the request's signature and key; maps `@kzpki/pki` errors to CA codes.
 * @param allowed key algorithms accepted (default the RSA/ECDSA ones of an AUTH + SIGN pair)
 */
export async function verifyRequest(
  text: string,
  allowed: readonly string[] = ALLOWED_KEY_ALGORITHMS,
): Promise<CsrInfo> {
  let csr: CsrInfo;
  try {
    csr = await verifyCsr(text);
  } catch (cause) {
    if (isPkiError(cause, 'ERR_CSR_SIGNATURE_INVALID')) {
      throw new CaError('ERR_CSR_SIGNATURE_INVALID', 'The request signature does not verify with its key', {
        cause,
      });
    }
    if (isPkiError(cause, 'ERR_KEY_TOO_WEAK'))
      throw new CaError('ERR_KEY_TOO_WEAK', (cause as Error).message, { cause });
    // A key no signature may be trusted with (RSA e = 1, an even modulus, a point off the curve).
    if (isPkiError(cause, 'ERR_KEY_INVALID')) {
      throw new CaError(
        'ERR_CSR_INVALID',
        `The request's public key cannot be used: ${(cause as Error).message}`,
        {
          cause,
        },
      );
    }
    if (isPkiError(cause, 'ERR_UNSUPPORTED_ALGORITHM')) {
      throw new CaError('ERR_KEY_ALGORITHM_NOT_ALLOWED', (cause as Error).message, { cause });
    }
    throw new CaError('ERR_CSR_INVALID', 'Not a well-formed PKCS#10 certification request', { cause });
  }
  if (!allowed.includes(csr.keyAlgorithm)) {
    throw new CaError(
      'ERR_KEY_ALGORITHM_NOT_ALLOWED',
      `Key algorithm ${csr.keyAlgorithm} is not accepted here (expected ${allowed.join(', ')})`,
    );
  }
  return csr;
}

/**
 * Checks a verified request against the application.
 * @throws {CaError} `ERR_CSR_SUBJECT_MISMATCH`, `ERR_CSR_TEMPLATE_MISMATCH`, `ERR_EMAIL_MISMATCH`.
 */
export function checkRequestFits(
  csr: CsrInfo,
  app: ApplicationRecord,
  purpose: 'auth' | 'sign',
  email: string | undefined,
): void {
  const label = purpose.toUpperCase();
  checkSubjectFits(csr, app, label, email);
  if (csr.purpose !== purpose) {
    throw new CaError(
      'ERR_CSR_TEMPLATE_MISMATCH',
      `The ${label} request does not ask for ${label} key usages`,
    );
  }
  checkUsagesFit(csr, app, label, templateProfile(app.template as TemplateName, purpose));
}

/**
 * Checks a verified GOST request (a legal entity's one key) against the application: the subject
 * as for an RSA pair, the requested usages within the template's GOST-2015 profile.
 * @throws {CaError} `ERR_CSR_SUBJECT_MISMATCH`, `ERR_CSR_TEMPLATE_MISMATCH`, `ERR_EMAIL_MISMATCH`.
 */
export function checkGostRequestFits(csr: CsrInfo, app: ApplicationRecord, email: string | undefined): void {
  checkSubjectFits(csr, app, 'GOST', email);
  checkUsagesFit(csr, app, 'GOST', gostTemplateProfile(app.template as TemplateName));
}

function checkSubjectFits(
  csr: CsrInfo,
  app: ApplicationRecord,
  label: string,
  email: string | undefined,
): void {
  if (csr.iin !== app.iin) {
    throw new CaError(
      'ERR_CSR_SUBJECT_MISMATCH',
      `The ${label} request names IIN ${csr.iin ?? '(none)'}, not the applicant`,
    );
  }
  if (csr.bin !== app.bin) {
    throw new CaError(
      'ERR_CSR_SUBJECT_MISMATCH',
      `The ${label} request names BIN ${csr.bin ?? '(none)'}, not the organisation`,
    );
  }
  const p = app.data.person;
  const cn = attr(csr, NCA_OIDS.attribute.commonName);
  if (norm(cn) !== norm(`${p.surname} ${p.givenName}`)) {
    throw new CaError(
      'ERR_CSR_SUBJECT_MISMATCH',
      `The ${label} request's CN is not the identified person's name`,
    );
  }
  const surname = attr(csr, NCA_OIDS.attribute.surname);
  if (surname !== undefined && norm(surname) !== norm(p.surname)) {
    throw new CaError(
      'ERR_CSR_SUBJECT_MISMATCH',
      `The ${label} request's SURNAME is not the identified person's`,
    );
  }
  const org = attr(csr, NCA_OIDS.attribute.organization);
  if (org !== undefined && norm(org) !== norm(app.data.organization?.name)) {
    throw new CaError('ERR_CSR_SUBJECT_MISMATCH', `The ${label} request's O is not the organisation's name`);
  }
  if (csr.email !== undefined && (email === undefined || csr.email.toLowerCase() !== email.toLowerCase())) {
    throw new CaError(
      'ERR_EMAIL_MISMATCH',
      `The ${label} request's e-mail differs from the application form`,
    );
  }
}

function checkUsagesFit(
  csr: CsrInfo,
  app: ApplicationRecord,
  label: string,
  profile: { keyUsage: readonly string[]; extKeyUsage: readonly string[] },
): void {
  const ku = csr.requestedKeyUsage.filter((u) => !profile.keyUsage.includes(u));
  const eku = csr.requestedExtKeyUsage.filter((o) => !profile.extKeyUsage.includes(o));
  if (ku.length > 0 || eku.length > 0) {
    throw new CaError(
      'ERR_CSR_TEMPLATE_MISMATCH',
      `The ${label} request asks for usages the ${app.template} template does not grant: ${[...ku, ...eku].join(', ')}`,
    );
  }
  if (csr.template !== undefined && csr.template !== app.template) {
    throw new CaError(
      'ERR_CSR_TEMPLATE_MISMATCH',
      `The ${label} request is for template ${csr.template}, not ${app.template}`,
    );
  }
}
