/**
 * The exact bytes and few extension values of an X.509 certificate (RFC 5280 §4.1) that CRL and
 * OCSP code needs: the subject Name as encoded (a CRL's issuer and an OCSP CertID's
 * issuerNameHash must use these very octets), the public key BIT STRING (issuerKeyHash, ResponderID
 * byKey), the SubjectKeyIdentifier (CRL AKI), extendedKeyUsage (OCSP delegation) and keyUsage.
 *
 * ```asn1
 * Certificate  ::=  SEQUENCE  {
 *      tbsCertificate       TBSCertificate,
 *      signatureAlgorithm   AlgorithmIdentifier,
 *      signatureValue       BIT STRING  }
 *
 * TBSCertificate  ::=  SEQUENCE  {
 *      version         [0]  EXPLICIT Version DEFAULT v1,
 *      serialNumber         CertificateSerialNumber,
 *      signature            AlgorithmIdentifier,
 *      issuer               Name,
 *      validity             Validity,
 *      subject              Name,
 *      subjectPublicKeyInfo SubjectPublicKeyInfo,
 *      issuerUniqueID  [1]  IMPLICIT UniqueIdentifier OPTIONAL,
 *      subjectUniqueID [2]  IMPLICIT UniqueIdentifier OPTIONAL,
 *      extensions      [3]  EXPLICIT Extensions OPTIONAL }
 * ```
 */

import { contextTag, DER_TAG, DerReader, readExtensions, withDerErrors } from '../der/reader.js';
import { serialHexFromContent } from '../der/serial.js';
import { type CertificateInput, certificateToDer } from './certificate.js';
import { EXTENSION_OIDS } from './extension-oids.js';

const EXT = EXTENSION_OIDS;

/** Bits of `KeyUsage ::= BIT STRING` (RFC 5280 §4.2.1.3), bit 0 first. */
export const KEY_USAGE_BIT = {
  digitalSignature: 0,
  nonRepudiation: 1,
  keyEncipherment: 2,
  dataEncipherment: 3,
  keyAgreement: 4,
  keyCertSign: 5,
  cRLSign: 6,
  encipherOnly: 7,
  decipherOnly: 8,
} as const;

/** What CRL and OCSP code reads from a certificate. Byte fields are views into `der`. */
export interface CertificateFields {
  /** The whole certificate. */
  der: Uint8Array;
  /** tbsCertificate (the signed part). */
  tbs: Uint8Array;
  /** Canonical serial hex (see `normalizeSerialHex`). */
  serialHex: string;
  /** The issuer Name, exactly as encoded. */
  issuerDer: Uint8Array;
  /** The subject Name, exactly as encoded. */
  subjectDer: Uint8Array;
  /** The SubjectPublicKeyInfo TLV. */
  spki: Uint8Array;
  /** The value of the subjectPublicKey BIT STRING (no unused-bits octet). */
  publicKeyBits: Uint8Array;
  /** Validity. */
  notBefore: Date;
  notAfter: Date;
  /** The outer signatureAlgorithm TLV and the signature bits. */
  signatureAlgorithm: Uint8Array;
  signature: Uint8Array;
  /** keyIdentifier of the SubjectKeyIdentifier extension, when present. */
  subjectKeyIdentifier?: Uint8Array;
  /** keyUsage bits (bit i set = usage i of {@link KEY_USAGE_BIT}), when the extension is present. */
  keyUsage?: number;
  /** extendedKeyUsage purposes, when present. */
  extKeyUsage?: string[];
  /** basicConstraints cA. */
  isCa: boolean;
  /** `true` when id-pkix-ocsp-nocheck is present (RFC 6960 §4.2.2.2.1). */
  ocspNoCheck: boolean;
}

/**
 * Reads {@link CertificateFields} from a certificate in any input form.
 * @throws {PkiError} `ERR_CERTIFICATE_INVALID` when it is not a well-formed certificate.
 */
export function readCertificateFields(input: CertificateInput): CertificateFields {
  return decodeCertificateFields(certificateToDer(input));
}

/**
 * {@link readCertificateFields} of DER bytes with the DER reader alone, without the full pkijs
 * parse that `certificateToDer` validates with (about 2 ms per certificate): for code that only
 * reads a few fields and takes no security decision on them (a key file's name), not for
 * certificates whose whole structure must be valid. Not exported from the package.
 * @throws {PkiError} `ERR_CERTIFICATE_INVALID` when what it reads is malformed.
 */
export function decodeCertificateFields(der: Uint8Array): CertificateFields {
  return withDerErrors('ERR_CERTIFICATE_INVALID', 'certificate', () => {
    const r: DerReader = new DerReader(der, 'ERR_CERTIFICATE_INVALID', 'certificate');
    const cert = r.root(DER_TAG.SEQUENCE, 'Certificate');
    const [tbsEl, algEl, sigEl] = r.childList(cert);
    if (!tbsEl || !algEl || !sigEl || tbsEl.tag !== DER_TAG.SEQUENCE) r.fail('bad Certificate', 0);
    const tbs = r.childList(tbsEl);
    let i = 0;
    if (tbs[0]?.tag === contextTag(0)) i++;
    const serialEl = tbs[i++];
    i++; // signature
    const issuerEl = tbs[i++];
    const validityEl = tbs[i++];
    const subjectEl = tbs[i++];
    const spkiEl = tbs[i++];
    if (
      serialEl?.tag !== DER_TAG.INTEGER ||
      issuerEl?.tag !== DER_TAG.SEQUENCE ||
      validityEl?.tag !== DER_TAG.SEQUENCE ||
      subjectEl?.tag !== DER_TAG.SEQUENCE ||
      spkiEl?.tag !== DER_TAG.SEQUENCE
    ) {
      r.fail('bad TBSCertificate', tbsEl.start);
    }
    const [nbEl, naEl] = r.childList(validityEl);
    const spkiParts = r.childList(spkiEl);
    if (!nbEl || !naEl || spkiParts.length !== 2) r.fail('bad TBSCertificate', tbsEl.start);
    const fields: CertificateFields = {
      der,
      tbs: r.tlv(tbsEl),
      serialHex: serialHexFromContent(r.content(serialEl)),
      issuerDer: r.tlv(issuerEl),
      subjectDer: r.tlv(subjectEl),
      spki: r.tlv(spkiEl),
      publicKeyBits: r.bitStringBytes(spkiParts[1]!, 'subjectPublicKey'),
      notBefore: r.time(nbEl, 'notBefore'),
      notAfter: r.time(naEl, 'notAfter'),
      signatureAlgorithm: r.tlv(algEl),
      signature: r.bitStringBytes(sigEl, 'signatureValue'),
      isCa: false,
      ocspNoCheck: false,
    };
    for (; i < tbs.length; i++) {
      const el = tbs[i]!;
      if (el.tag !== contextTag(3)) continue; // issuer/subject unique IDs
      const [extsEl] = r.childList(el);
      if (!extsEl) r.fail('empty extensions', el.start);
      for (const ext of readExtensions(r, extsEl)) {
        const v = r;
        const top = () => v.read(ext.value.start, ext.value.end);
        switch (ext.oid) {
          case EXT.subjectKeyIdentifier: {
            const k = top();
            if (k.tag !== DER_TAG.OCTET_STRING) v.fail('bad SubjectKeyIdentifier', k.start);
            fields.subjectKeyIdentifier = v.content(k);
            break;
          }
          case EXT.keyUsage: {
            const k = top();
            const c = v.content(k);
            if (k.tag !== DER_TAG.BIT_STRING || c.length < 1) v.fail('bad KeyUsage', k.start);
            let bits = 0;
            for (let b = 0; b < 16 && b < (c.length - 1) * 8; b++) {
              if (c[1 + (b >> 3)]! & (0x80 >> (b & 7))) bits |= 1 << b;
            }
            fields.keyUsage = bits;
            break;
          }
          case EXT.basicConstraints: {
            const k = top();
            if (k.tag !== DER_TAG.SEQUENCE) v.fail('bad BasicConstraints', k.start);
            const first = v.childList(k)[0];
            fields.isCa = first?.tag === DER_TAG.BOOLEAN && v.boolean(first);
            break;
          }
          case EXT.extKeyUsage: {
            const k = top();
            if (k.tag !== DER_TAG.SEQUENCE) v.fail('bad ExtKeyUsageSyntax', k.start);
            fields.extKeyUsage = v.childList(k).map((o) => v.oid(o));
            break;
          }
          case EXT.ocspNoCheck:
            fields.ocspNoCheck = true;
            break;
        }
      }
    }
    return fields;
  });
}

/** `true` when the certificate has no keyUsage extension or has the given bit set. */
export function allowsKeyUsage(fields: CertificateFields, bit: number): boolean {
  return fields.keyUsage === undefined || (fields.keyUsage & (1 << bit)) !== 0;
}

/**
 * The SubjectPublicKeyInfo of a certificate, exactly as encoded in it (a copy), for
 * `verifySignature` and `validatePublicKey`.
 * @throws {PkiError} `ERR_CERTIFICATE_INVALID` when it is not a well-formed certificate.
 * @example
 * ```ts
 * const ok = await verifySignature({
 *   data, signature, publicKeyInfo: certificatePublicKeyInfo(loginCertPem),
 *   algorithm: SIGNATURE_OIDS.sha256WithRSAEncryption,
 * });
 * ```
 */
export function certificatePublicKeyInfo(input: CertificateInput): Uint8Array {
  return readCertificateFields(input).spki.slice();
}
