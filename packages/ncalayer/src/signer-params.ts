/**
 * Which keys a site asks for, as `basics.sign` `signerParams` (docs/domain.md, NCALayer): the key
 * purpose by extendedKeyUsage (1.3.6.1.5.5.7.3.4 selects SIGN keys, 1.3.6.1.5.5.7.3.2 AUTH keys),
 * the holder's role OIDs, IIN and BIN, and whether test CAs are admitted (`chain: []`).
 */
import { NCA_OIDS, toBase64, toDer } from '@kzpki/pki';
import { NCALayerError } from './errors.js';
import type { BasicsSignerParams } from './protocol.js';

/** The purpose a key must have. */
export type KeyPurposeFilter = 'sign' | 'auth' | 'any';

/** The extendedKeyUsage OID of each purpose (the NCA puts clientAuth in AUTH certificates, emailProtection in SIGN ones). */
export const PURPOSE_EKU: Readonly<Record<'sign' | 'auth', string>> = {
  sign: NCA_OIDS.eku.emailProtection,
  auth: NCA_OIDS.eku.clientAuth,
};

/** Which keys the person may choose. */
export interface KeySelection {
  /** The key's purpose: `sign` (SIGN keys, the default for signing), `auth`, or `any`. */
  purpose?: KeyPurposeFilter;
  /** Role OIDs the certificate must carry besides the purpose (e.g. `NCA_OIDS.role.firstManager`). */
  roles?: string[];
  /** The holder's IIN. */
  iin?: string;
  /** The organisation's BIN. */
  bin?: string;
  /** The certificate's serial number (hex). */
  serialNumber?: string;
  /**
   * Admit keys of any CA, the NCA's test CAs included (`signerParams.chain = []`). Without it,
   * NCALayer admits only keys of the NCA's production CAs. Never set it in production.
   */
  allowTestKeys?: boolean;
  /** Admit only keys issued under these CA certificates (DER, PEM or base64); overrides `allowTestKeys`. */
  caCertificates?: Array<Uint8Array | string>;
}

const DIGITS_12 = /^\d{12}$/;

/**
 * `signerParams` for a {@link KeySelection}.
 * @throws {NCALayerError} `ERR_INVALID_ARGUMENT` for an IIN or BIN that is not 12 digits, or an
 *   unreadable CA certificate.
 * @example
 * ```ts
 * signerParamsOf({ purpose: 'sign', roles: [NCA_OIDS.role.firstManager], bin: '940140000385' });
 * // { extKeyUsageOids: ['1.3.6.1.5.5.7.3.4', '1.2.398.3.3.4.1.2.1'], bin: '940140000385' }
 * ```
 */
export function signerParamsOf(selection: KeySelection = {}): BasicsSignerParams {
  const oids: string[] = [];
  const purpose = selection.purpose ?? 'sign';
  if (purpose !== 'any') oids.push(PURPOSE_EKU[purpose]);
  for (const r of selection.roles ?? []) {
    if (typeof r !== 'string' || !/^\d+(\.\d+)+$/.test(r))
      throw new NCALayerError('ERR_INVALID_ARGUMENT', `Not an OID: ${JSON.stringify(r)}`);
    if (!oids.includes(r)) oids.push(r);
  }
  const params: BasicsSignerParams = { extKeyUsageOids: oids };
  for (const field of ['iin', 'bin'] as const) {
    const value = selection[field];
    if (value === undefined) continue;
    if (typeof value !== 'string' || !DIGITS_12.test(value))
      throw new NCALayerError('ERR_INVALID_ARGUMENT', `${field.toUpperCase()} must be 12 digits`);
    params[field] = value;
  }
  if (selection.serialNumber !== undefined) {
    if (!/^[0-9a-fA-F]+$/.test(selection.serialNumber))
      throw new NCALayerError('ERR_INVALID_ARGUMENT', 'serialNumber must be hex');
    params.serialNumber = selection.serialNumber.toLowerCase();
  }
  if (selection.caCertificates) {
    params.chain = selection.caCertificates.map((c) => {
      try {
        return toBase64(
          typeof c === 'string' ? toDer(c, c.includes('-----BEGIN') ? 'CERTIFICATE' : undefined) : c,
        );
      } catch (cause) {
        throw new NCALayerError('ERR_INVALID_ARGUMENT', 'A CA certificate is not DER, PEM or base64', {
          cause,
        });
      }
    });
  } else if (selection.allowTestKeys) params.chain = [];
  return params;
}
