/**
 * Signature algorithms for what this package signs (certificates, CRLs, OCSP responses, CSRs),
 * chosen from the signing key: sha256WithRSAEncryption for RSA (as the NCA uses), ecdsa-with-SHA256
 * for P-256 and ecdsa-with-SHA384 for P-384.
 */
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { getCrypto } from '../crypto-provider.js';
import { PkiError } from '../errors.js';

/** OIDs of the signature algorithms this package emits and verifies. */
export const SIGNATURE_OIDS = {
  sha1WithRSAEncryption: '1.2.840.113549.1.1.5',
  sha256WithRSAEncryption: '1.2.840.113549.1.1.11',
  sha384WithRSAEncryption: '1.2.840.113549.1.1.12',
  sha512WithRSAEncryption: '1.2.840.113549.1.1.13',
  ecdsaWithSHA256: '1.2.840.10045.4.3.2',
  ecdsaWithSHA384: '1.2.840.10045.4.3.3',
  ecdsaWithSHA512: '1.2.840.10045.4.3.4',
} as const;

/** How a key signs: the WebCrypto parameters and the X.509 AlgorithmIdentifier OID. */
export interface SignatureScheme {
  /** Signature algorithm OID written into the signed structure. */
  oid: string;
  /** Parameters for `crypto.subtle.sign`. */
  params: Algorithm | EcdsaParams;
  /** Hash name, e.g. `SHA-256`. */
  hash: 'SHA-1' | 'SHA-256' | 'SHA-384' | 'SHA-512';
}

/**
 * The scheme this package uses to sign with `key`.
 * @throws {PkiError} `ERR_UNSUPPORTED_ALGORITHM` for keys that are neither RSASSA-PKCS1-v1_5 nor ECDSA.
 */
export function signatureSchemeFor(key: CryptoKey): SignatureScheme {
  const alg = key.algorithm as RsaHashedKeyAlgorithm & EcKeyAlgorithm;
  if (alg.name === 'RSASSA-PKCS1-v1_5') {
    const hash = (alg.hash?.name ?? 'SHA-256') as SignatureScheme['hash'];
    const oid = {
      'SHA-1': SIGNATURE_OIDS.sha1WithRSAEncryption,
      'SHA-256': SIGNATURE_OIDS.sha256WithRSAEncryption,
      'SHA-384': SIGNATURE_OIDS.sha384WithRSAEncryption,
      'SHA-512': SIGNATURE_OIDS.sha512WithRSAEncryption,
    }[hash];
    return { oid, params: { name: 'RSASSA-PKCS1-v1_5' }, hash };
  }
  if (alg.name === 'ECDSA') {
    if (alg.namedCurve === 'P-256') {
      return {
        oid: SIGNATURE_OIDS.ecdsaWithSHA256,
        params: { name: 'ECDSA', hash: 'SHA-256' },
        hash: 'SHA-256',
      };
    }
    if (alg.namedCurve === 'P-384') {
      return {
        oid: SIGNATURE_OIDS.ecdsaWithSHA384,
        params: { name: 'ECDSA', hash: 'SHA-384' },
        hash: 'SHA-384',
      };
    }
  }
  throw new PkiError('ERR_UNSUPPORTED_ALGORITHM', `Cannot sign with a ${alg.name} key`);
}

/**
 * The AlgorithmIdentifier for a scheme. RFC 4055 §5: RSA PKCS#1 v1.5 identifiers carry NULL
 * parameters; RFC 5758 §3.2: ECDSA identifiers MUST omit them.
 */
export function signatureAlgorithmIdentifier(scheme: SignatureScheme): pkijs.AlgorithmIdentifier {
  return new pkijs.AlgorithmIdentifier({
    algorithmId: scheme.oid,
    ...(scheme.oid.startsWith('1.2.840.113549') ? { algorithmParams: new asn1js.Null() } : {}),
  });
}

/**
 * Signs `data` with `key` and returns the signature in the encoding X.509 expects
 * (ECDSA: DER `Ecdsa-Sig-Value` ::= SEQUENCE { r INTEGER, s INTEGER }, RFC 3279 §2.2.3,
 * converted from WebCrypto's raw r||s).
 */
export async function signData(key: CryptoKey, data: Uint8Array): Promise<Uint8Array> {
  const scheme = signatureSchemeFor(key);
  const sig = new Uint8Array(await getCrypto().subtle.sign(scheme.params, key, data as BufferSource));
  return scheme.oid.startsWith('1.2.840.10045') ? ecdsaRawToDer(sig) : sig;
}

/** WebCrypto ECDSA signature (r||s, fixed length) to DER Ecdsa-Sig-Value. */
export function ecdsaRawToDer(raw: Uint8Array): Uint8Array {
  const half = raw.length / 2;
  const int = (b: Uint8Array): Uint8Array => {
    let i = 0;
    while (i < b.length - 1 && b[i] === 0) i++;
    const v = b.subarray(i);
    return v[0]! & 0x80 ? Uint8Array.of(0, ...v) : v;
  };
  const r = int(raw.subarray(0, half));
  const s = int(raw.subarray(half));
  const seq = new asn1js.Sequence({
    value: [
      new asn1js.Integer({ valueHex: r.slice().buffer }),
      new asn1js.Integer({ valueHex: s.slice().buffer }),
    ],
  });
  return new Uint8Array(seq.toBER(false));
}

/** DER Ecdsa-Sig-Value to WebCrypto's raw r||s with `size` bytes each. */
export function ecdsaDerToRaw(der: Uint8Array, size: number): Uint8Array {
  const parsed = asn1js.fromBER(der as BufferSource);
  const seq = parsed.result as asn1js.Sequence;
  if (parsed.offset === -1 || !(seq instanceof asn1js.Sequence) || seq.valueBlock.value.length !== 2) {
    throw new PkiError('ERR_SIGNATURE_INVALID', 'Malformed ECDSA signature');
  }
  const out = new Uint8Array(size * 2);
  seq.valueBlock.value.forEach((v, i) => {
    let b = new Uint8Array((v as asn1js.Integer).valueBlock.valueHexView);
    while (b.length > size && b[0] === 0) b = b.subarray(1);
    if (b.length > size) throw new PkiError('ERR_SIGNATURE_INVALID', 'Malformed ECDSA signature');
    out.set(b, i * size + (size - b.length));
  });
  return out;
}
