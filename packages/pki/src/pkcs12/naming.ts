/**
 * The NCA RK conventions for naming key stores: the file is `<PREFIX>_<ski>.p12` and both the
 * friendlyName and the localKeyID of its bags are the hex SubjectKeyIdentifier of the certificate
 * (docs/domain.md, Key files and their names): `AUTH_RSA256_…` / `RSA256_…` for the two RSA keys of a person, `GOSTKNCA_…`
 * (GOST 34.310-2004) and `GOST512_…` (GOST R 34.10-2015, 512-bit) for the single GOST key.
 */
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { toHex } from '../der/encoding.js';
import { PkiError } from '../errors.js';
import { type CertificateInput, parseCertificate } from '../x509/certificate.js';
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

/** `true` when the certificate is an NCA AUTH certificate: keyEncipherment or clientAuth. */
function isAuthCertificate(cert: pkijs.Certificate): boolean {
  for (const ext of cert.extensions ?? []) {
    if (ext.extnID === PKCS12_OIDS.keyUsage) {
      const parsed = asn1js.fromBER(ext.extnValue.valueBlock.valueHexView);
      if (parsed.offset !== -1 && parsed.result instanceof asn1js.BitString) {
        const bits = parsed.result.valueBlock.valueHexView;
        // KeyUsage bit 2 (keyEncipherment) is the 0x20 bit of the first byte.
        if (bits.length > 0 && (bits[0]! & 0x20) !== 0) return true;
      }
    }
    if (ext.extnID === PKCS12_OIDS.extKeyUsage && ext.parsedValue instanceof pkijs.ExtKeyUsage) {
      if (ext.parsedValue.keyPurposes.includes(PKCS12_OIDS.clientAuth)) return true;
    }
  }
  return false;
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
  const cert = parseCertificate(certificate);
  const ski = certificateKeyId(cert);
  const algorithm = cert.subjectPublicKeyInfo.algorithm.algorithmId;
  const auth = isAuthCertificate(cert) ? 'AUTH_' : '';
  if (algorithm === PKCS12_OIDS.rsaEncryption) return `${auth}RSA256_${ski}.p12`;
  if (algorithm === PKCS12_OIDS.ecPublicKey) {
    const params = cert.subjectPublicKeyInfo.algorithm.algorithmParams;
    const curve =
      params instanceof asn1js.ObjectIdentifier ? EC_CURVE_BITS[params.valueBlock.toString()] : undefined;
    if (curve) return `${auth}ECDSA${curve}_${ski}.p12`;
  }
  if (algorithm === PKCS12_OIDS.gost2004) return `GOSTKNCA_${ski}.p12`;
  if (algorithm === PKCS12_OIDS.gost2015_512) return `GOST512_${ski}.p12`;
  throw new PkiError(
    'ERR_UNSUPPORTED_ALGORITHM',
    `No NCA key file naming convention for key algorithm ${algorithm}`,
  );
}
