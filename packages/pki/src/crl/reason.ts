/**
 * Revocation reasons, shared by CRL entries and OCSP `RevokedInfo` (RFC 5280 §5.3.1):
 *
 * ```asn1
 * CRLReason ::= ENUMERATED {
 *      unspecified             (0),
 *      keyCompromise           (1),
 *      cACompromise            (2),
 *      affiliationChanged      (3),
 *      superseded              (4),
 *      cessationOfOperation    (5),
 *      certificateHold         (6),
 *           -- value 7 is not used
 *      removeFromCRL           (8),
 *      privilegeWithdrawn      (9),
 *      aACompromise           (10) }
 * ```
 *
 * The NCA uses keyCompromise, affiliationChanged, superseded, cessationOfOperation,
 * certificateHold and no reason at all (docs/domain.md, Status services).
 */

/** A revocation reason by its RFC 5280 name. */
export type CrlReason =
  | 'unspecified'
  | 'keyCompromise'
  | 'cACompromise'
  | 'affiliationChanged'
  | 'superseded'
  | 'cessationOfOperation'
  | 'certificateHold'
  | 'removeFromCRL'
  | 'privilegeWithdrawn'
  | 'aACompromise';

/** The ENUMERATED value of each reason. */
export const CRL_REASON_CODES: Readonly<Record<CrlReason, number>> = Object.freeze({
  unspecified: 0,
  keyCompromise: 1,
  cACompromise: 2,
  affiliationChanged: 3,
  superseded: 4,
  cessationOfOperation: 5,
  certificateHold: 6,
  removeFromCRL: 8,
  privilegeWithdrawn: 9,
  aACompromise: 10,
});

const BY_CODE: ReadonlyArray<CrlReason | undefined> = (() => {
  const t: Array<CrlReason | undefined> = new Array(11).fill(undefined);
  for (const [name, code] of Object.entries(CRL_REASON_CODES)) t[code] = name as CrlReason;
  return t;
})();

/** The reason for an ENUMERATED value, or `undefined` for 7 and values above 10. */
export function crlReasonFromCode(code: number): CrlReason | undefined {
  return BY_CODE[code];
}

/** `true` when `value` is one of the {@link CrlReason} names. */
export function isCrlReason(value: unknown): value is CrlReason {
  return typeof value === 'string' && Object.hasOwn(CRL_REASON_CODES, value);
}
