/**
 * Verifying and producing the `SIGNED{}` pattern shared by CRLs and OCSP responses
 * (to-be-signed bytes, AlgorithmIdentifier, BIT STRING signature) from raw DER, so that a 40 MB
 * CRL is hashed straight from its buffer.
 */
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { getPkijsEngine } from '../crypto-provider.js';
import { toArrayBuffer } from '../der/encoding.js';
import { DER_TAG, DerReader } from '../der/reader.js';
import { PkiError } from '../errors.js';
import { type SignatureScheme, signatureAlgorithmIdentifier, signatureSchemeFor, signData } from './sign.js';

/** Signature algorithms {@link verifySignedData} can check with WebCrypto. */
const VERIFIABLE = new Set([
  '1.2.840.113549.1.1.5', // sha1WithRSAEncryption
  '1.2.840.113549.1.1.11', // sha256WithRSAEncryption
  '1.2.840.113549.1.1.12', // sha384WithRSAEncryption
  '1.2.840.113549.1.1.13', // sha512WithRSAEncryption
  '1.2.840.113549.1.1.10', // RSASSA-PSS
  '1.2.840.10045.4.1', // ecdsa-with-SHA1
  '1.2.840.10045.4.3.2', // ecdsa-with-SHA256
  '1.2.840.10045.4.3.3', // ecdsa-with-SHA384
  '1.2.840.10045.4.3.4', // ecdsa-with-SHA512
]);

/** OID of an AlgorithmIdentifier TLV. */
export function algorithmOid(algorithmIdentifier: Uint8Array): string {
  const r: DerReader = new DerReader(algorithmIdentifier, 'ERR_ASN1_INVALID', 'AlgorithmIdentifier');
  const seq = r.root(DER_TAG.SEQUENCE, 'AlgorithmIdentifier');
  return r.oid(r.read(seq.contentStart, seq.end));
}

/**
 * Checks `signature` over `tbs` with the key in `spki` (a SubjectPublicKeyInfo TLV).
 * A signature that does not verify, or is malformed (also its AlgorithmIdentifier), gives `false`.
 * @throws {PkiError} `ERR_UNSUPPORTED_ALGORITHM` for algorithms WebCrypto cannot check (e.g. the
 *   KZ GOST ones), `ERR_KEY_INVALID` when the public key cannot be imported.
 */
export async function verifySignedData(
  tbs: Uint8Array,
  algorithmIdentifier: Uint8Array,
  signature: Uint8Array,
  spki: Uint8Array,
): Promise<boolean> {
  let oid: string;
  let alg: pkijs.AlgorithmIdentifier;
  try {
    oid = algorithmOid(algorithmIdentifier);
    alg = new pkijs.AlgorithmIdentifier({
      schema: asn1js.fromBER(toArrayBuffer(algorithmIdentifier)).result,
    });
  } catch {
    return false; // a malformed AlgorithmIdentifier cannot carry a valid signature
  }
  if (!VERIFIABLE.has(oid)) {
    throw new PkiError(
      'ERR_UNSUPPORTED_ALGORITHM',
      `Signature algorithm ${oid} is not supported for verification`,
    );
  }
  let publicKeyInfo: pkijs.PublicKeyInfo;
  try {
    publicKeyInfo = new pkijs.PublicKeyInfo({ schema: asn1js.fromBER(toArrayBuffer(spki)).result });
  } catch (cause) {
    throw new PkiError('ERR_KEY_INVALID', 'Malformed SubjectPublicKeyInfo', { cause });
  }
  const engine = getPkijsEngine();
  try {
    // Imported once here only to tell a bad key (an error) from a bad signature (false).
    await engine.getPublicKey(publicKeyInfo, alg);
  } catch (cause) {
    throw new PkiError('ERR_KEY_INVALID', 'The public key cannot be used with this signature algorithm', {
      cause,
    });
  }
  try {
    const bits = new asn1js.BitString({ valueHex: toArrayBuffer(signature) });
    return await engine.verifyWithPublicKey(tbs as BufferSource, bits, publicKeyInfo, alg);
  } catch {
    // A malformed ECDSA signature value is just an invalid signature.
    return false;
  }
}

/** A signer prepared once: the scheme, the encoded AlgorithmIdentifier and the key. */
export interface PreparedSigner {
  /** The WebCrypto scheme of the key. */
  scheme: SignatureScheme;
  /** DER of the AlgorithmIdentifier written next to the signature. */
  algorithmIdentifier: Uint8Array;
  /** Signs bytes, returning X.509-ready signature octets. */
  sign(data: Uint8Array): Promise<Uint8Array>;
}

/**
 * Prepares signing with `key` (RSASSA-PKCS1-v1_5 or ECDSA, see `signatureSchemeFor`).
 * @throws {PkiError} `ERR_UNSUPPORTED_ALGORITHM` for other keys, `ERR_INVALID_ARGUMENT` for a
 *   key without the `sign` usage.
 */
export function prepareSigner(key: CryptoKey): PreparedSigner {
  if (!key || typeof key !== 'object' || !('algorithm' in key)) {
    throw new PkiError('ERR_INVALID_ARGUMENT', 'A CryptoKey is required to sign');
  }
  if (key.type !== 'private' || !key.usages.includes('sign')) {
    throw new PkiError('ERR_INVALID_ARGUMENT', 'The signing key must be a private key with the "sign" usage');
  }
  const scheme = signatureSchemeFor(key);
  return {
    scheme,
    algorithmIdentifier: new Uint8Array(signatureAlgorithmIdentifier(scheme).toSchema().toBER(false)),
    sign: (data) => signData(key, data),
  };
}
