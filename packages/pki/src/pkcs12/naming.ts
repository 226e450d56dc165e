/**
 * The NCA RK conventions for naming key stores: the file is `<PREFIX>_<ski>.p12` and both the
 * friendlyName and the localKeyID of its bags are the hex SubjectKeyIdentifier of the certificate
 * (docs/domain.md, Key files and their names): `AUTH_RSA256_…` / `RSA256_…` for the two RSA keys of a person, `GOSTKNCA_…`
 * (GOST 34.310-2004) and `GOST512_…` (GOST R 34.10-2015, 512-bit) for the single GOST key.
 */
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { toDer, toHex } from '../der/encoding.js';
import { DER_TAG, DerReader, withDerErrors } from '../der/reader.js';
import { PkiError } from '../errors.js';
import { type CertificateInput, parseCertificate } from '../x509/certificate.js';
import { decodeCertificateFields, KEY_USAGE_BIT } from '../x509/certificate-fields.js';
import { keyIdHash } from '../x509/ski.js';
import { PKCS12_OIDS } from './oids.js';

/**
 * The SubjectKeyIdentifier of `certificate` as lower-case hex: the value of its SKI extension, or,
 * when it has none, SHA-1 of the subjectPublicKey BIT STRING value (RFC 5280 §4.2.1.2 method 1).
 */
export function certificateKeyId(certificate: CertificateInput): string {
  const cert = parseCertificate(certificate);
  const ext = cert.extensions?.find((e) => e.extnID === PKCS12_OIDS.subjectKeyIdentifier);
  if (ext) {
    const parsed = asn1js.fromBER(ext.extnValue.valueBlock.valueHexView);
    if (parsed.offset !== -1 && parsed.result instanceof asn1js.OctetString) {
      return toHex(parsed.result.valueBlock.valueHexView);
    }
  }
  return toHex(keyIdHash(cert.subjectPublicKeyInfo.subjectPublicKey.valueBlock.valueHexView));
}

const EC_CURVE_BITS: Readonly<Record<string, string>> = {
  [PKCS12_OIDS.secp256r1]: '256',
  [PKCS12_OIDS.secp384r1]: '384',
  [PKCS12_OIDS.secp521r1]: '521',
};

/**
 * The DER of a certificate given in any form, without the full pkijs parse (the DER reader that
 * reads the fields checks what it reads).
 */
function derOf(certificate: CertificateInput): Uint8Array {
  if (certificate instanceof pkijs.Certificate) return new Uint8Array(certificate.toSchema().toBER(false));
  try {
    return toDer(
      certificate,
      typeof certificate === 'string' && certificate.includes('BEGIN CERTIFICATE')
        ? 'CERTIFICATE'
        : undefined,
    );
  } catch (cause) {
    throw new PkiError('ERR_CERTIFICATE_INVALID', 'Certificate is not PEM, DER or base64', { cause });
  }
}

/** The algorithm OID of a SubjectPublicKeyInfo and its parameters when they are an OID (a curve). */
function spkiAlgorithm(spki: Uint8Array): { algorithm: string; parameter?: string } {
  return withDerErrors('ERR_CERTIFICATE_INVALID', 'certificate', () => {
    const r: DerReader = new DerReader(spki, 'ERR_CERTIFICATE_INVALID', 'certificate');
    const [algEl] = r.childList(r.root(DER_TAG.SEQUENCE, 'SubjectPublicKeyInfo'));
    if (algEl?.tag !== DER_TAG.SEQUENCE) r.fail('bad SubjectPublicKeyInfo', 0);
    const [oidEl, paramsEl] = r.childList(algEl);
    if (oidEl?.tag !== DER_TAG.OID) r.fail('bad AlgorithmIdentifier', algEl.start);
    return {
      algorithm: r.oid(oidEl),
      ...(paramsEl?.tag === DER_TAG.OID ? { parameter: r.oid(paramsEl) } : {}),
    };
  });
}

/**
 * The NCA file name for the key store of `certificate`.
 *
 * | key | AUTH (keyEncipherment or clientAuth) | otherwise |
 * |---|---|---|
 * | RSA | `AUTH_RSA256_<ski>.p12` | `RSA256_<ski>.p12` |
 * | GOST 34.310-2004 | `GOSTKNCA_<ski>.p12` | `GOSTKNCA_<ski>.p12` |
 * | GOST R 34.10-2015 512 | `GOST512_<ski>.p12` | `GOST512_<ski>.p12` |
 * | ECDSA P-256/384/521 (not issued by the NCA; this package's extension) | `AUTH_ECDSA256_<ski>.p12` | `ECDSA256_<ski>.p12` (384, 521 likewise) |
 *
 * GOST keys carry one certificate for both purposes, so their names have no AUTH_ prefix.
 *
 * @example
 * ```ts
 * ncaKeyFileName(authCertPem); // 'AUTH_RSA256_6b361b864c679601b652fe387f61fcd9303c0327.p12'
 * ```
 * @throws {PkiError} `ERR_CERTIFICATE_INVALID` on a malformed certificate,
 *   `ERR_UNSUPPORTED_ALGORITHM` for key types without an NCA naming convention.
 */
export function ncaKeyFileName(certificate: CertificateInput): string {
  // Read at the DER level: a full pkijs parse costs about 2 ms, more than the rest of presenting
  // a certificate, and nothing here is trusted on the strength of it (the name is a label).
  const fields = decodeCertificateFields(derOf(certificate));
  const ski = toHex(fields.subjectKeyIdentifier ?? keyIdHash(fields.publicKeyBits));
  const { algorithm, parameter } = spkiAlgorithm(fields.spki);
  // AUTH: keyUsage keyEncipherment, or extendedKeyUsage clientAuth.
  const isAuth =
    allowsKeyUsageBit(fields.keyUsage, KEY_USAGE_BIT.keyEncipherment) ||
    (fields.extKeyUsage?.includes(PKCS12_OIDS.clientAuth) ?? false);
  const auth = isAuth ? 'AUTH_' : '';
  if (algorithm === PKCS12_OIDS.rsaEncryption) return `${auth}RSA256_${ski}.p12`;
  if (algorithm === PKCS12_OIDS.ecPublicKey) {
    const curve = parameter === undefined ? undefined : EC_CURVE_BITS[parameter];
    if (curve) return `${auth}ECDSA${curve}_${ski}.p12`;
  }
  if (algorithm === PKCS12_OIDS.gost2004) return `GOSTKNCA_${ski}.p12`;
  if (algorithm === PKCS12_OIDS.gost2015_512) return `GOST512_${ski}.p12`;
  throw new PkiError(
    'ERR_UNSUPPORTED_ALGORITHM',
    `No NCA key file naming convention for key algorithm ${algorithm}`,
  );
}

/** `true` when keyUsage is present and has `bit` set (an absent keyUsage grants no AUTH name). */
function allowsKeyUsageBit(keyUsage: number | undefined, bit: number): boolean {
  return keyUsage !== undefined && (keyUsage & (1 << bit)) !== 0;
}
