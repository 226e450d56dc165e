/**
 * Caller policies over a verified CMS: the questions integrators ask beyond "is the signature
 * valid" — is a signer the first manager of this organisation (or holds its signing right), is it
 * this person, was a SIGN key used, is there a timestamp. Each policy is met or not, with a
 * message; `verifyCms` reports them and is valid only when all are met.
 */
import type { CmsSignerReport } from './report.js';

/** A policy `verifyCms` checks after the signers. */
export interface CmsPolicy {
  /** Stable identifier, e.g. `first-manager-of:940140000385`. */
  readonly id: string;
  /** `undefined` when met, else why not. */
  check(signers: readonly CmsSignerReport[]): string | undefined;
}

/**
 * Met when a valid signer is the first manager (role 1.2.398.3.3.4.1.2.1) of the organisation with
 * this BIN — or, with `allowSigningRight`, an employee with signing right (1.2.398.3.3.4.1.2.2).
 * @example
 * ```ts
 * await verifyCms(p7s, { trustAnchors, policies: [requireFirstManagerOf('940140000385', { allowSigningRight: true })] });
 * ```
 */
export function requireFirstManagerOf(bin: string, options: { allowSigningRight?: boolean } = {}): CmsPolicy {
  const roles = options.allowSigningRight ? ['first-manager', 'signer'] : ['first-manager'];
  return {
    id: `${options.allowSigningRight ? 'first-manager-or-signer-of' : 'first-manager-of'}:${bin}`,
    check(signers) {
      const ok = signers.some(
        (s) => s.valid && s.certificate?.bin === bin && s.certificate.roles.some((r) => roles.includes(r)),
      );
      return ok
        ? undefined
        : `No valid signer is the ${options.allowSigningRight ? 'first manager or a person with signing right' : 'first manager'} of BIN ${bin}`;
    },
  };
}

/**
 * Met when a valid signer is the individual with this IIN (the certificate's SERIALNUMBER).
 * @example
 * ```ts
 * policies: [requireIndividual('871008401427')]
 * ```
 */
export function requireIndividual(iin: string): CmsPolicy {
  return {
    id: `individual:${iin}`,
    check(signers) {
      return signers.some((s) => s.valid && s.certificate?.iin === iin)
        ? undefined
        : `No valid signer has IIN ${iin}`;
    },
  };
}

/**
 * Met when every signer used a SIGN key (nonRepudiation / emailProtection), not an AUTH key.
 * @example
 * ```ts
 * policies: [requireSignKey()]
 * ```
 */
export function requireSignKey(): CmsPolicy {
  return {
    id: 'sign-key',
    check(signers) {
      const bad = signers.filter((s) => !s.signKey).map((s) => s.index);
      return bad.length === 0 ? undefined : `Signer(s) ${bad.join(', ')} used a key that is not a SIGN key`;
    },
  };
}

/**
 * Met when every signer has a valid signature timestamp.
 * @example
 * ```ts
 * policies: [requireTimestamp()]
 * ```
 */
export function requireTimestamp(): CmsPolicy {
  return {
    id: 'timestamp',
    check(signers) {
      const bad = signers.filter((s) => !s.timestamp?.valid).map((s) => s.index);
      return bad.length === 0 ? undefined : `Signer(s) ${bad.join(', ')} have no valid signature timestamp`;
    },
  };
}
