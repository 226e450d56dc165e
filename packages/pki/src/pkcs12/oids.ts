/**
 * Object identifiers of PKCS #12 (RFC 7292), PKCS #7/CMS content types, PKCS #5 (RFC 8018),
 * RFC 9579 PBMAC1 and the digests and ciphers they reference.
 * Digest, key-algorithm and extension OIDs are the package's own (`HASH_OIDS`,
 * `KEY_ALGORITHM_OIDS`, `EXTENSION_OIDS`), named here as the PKCS #12 code uses them.
 */
import { KEY_ALGORITHM_OIDS } from '../keys/key-algorithm.js';
import { HASH_OIDS } from '../signature/algorithms.js';
import { EXTENSION_OIDS } from '../x509/extension-oids.js';

/** The OIDs the PKCS #12 code uses, by name. */
export const PKCS12_OIDS = {
  // PKCS #7 / CMS content types (RFC 5652)
  data: '1.2.840.113549.1.7.1',
  signedData: '1.2.840.113549.1.7.2',
  envelopedData: '1.2.840.113549.1.7.3',
  encryptedData: '1.2.840.113549.1.7.6',
  // RFC 7292 §4.2 bag types
  keyBag: '1.2.840.113549.1.12.10.1.1',
  pkcs8ShroudedKeyBag: '1.2.840.113549.1.12.10.1.2',
  certBag: '1.2.840.113549.1.12.10.1.3',
  crlBag: '1.2.840.113549.1.12.10.1.4',
  secretBag: '1.2.840.113549.1.12.10.1.5',
  safeContentsBag: '1.2.840.113549.1.12.10.1.6',
  // RFC 7292 §4.2.3 certificate types
  x509Certificate: '1.2.840.113549.1.9.22.1',
  // PKCS #9 attributes (RFC 2985)
  friendlyName: '1.2.840.113549.1.9.20',
  localKeyId: '1.2.840.113549.1.9.21',
  // RFC 7292 Appendix C: PKCS #12 PBE
  pbeWithSHAAnd128BitRC4: '1.2.840.113549.1.12.1.1',
  pbeWithSHAAnd40BitRC4: '1.2.840.113549.1.12.1.2',
  pbeWithSHAAnd3KeyTripleDESCBC: '1.2.840.113549.1.12.1.3',
  pbeWithSHAAnd2KeyTripleDESCBC: '1.2.840.113549.1.12.1.4',
  pbeWithSHAAnd128BitRC2CBC: '1.2.840.113549.1.12.1.5',
  pbeWithSHAAnd40BitRC2CBC: '1.2.840.113549.1.12.1.6',
  // RFC 8018 (PKCS #5 v2.1)
  pbkdf2: '1.2.840.113549.1.5.12',
  pbes2: '1.2.840.113549.1.5.13',
  pbmac1: '1.2.840.113549.1.5.14',
  hmacWithSHA1: '1.2.840.113549.2.7',
  hmacWithSHA256: '1.2.840.113549.2.9',
  hmacWithSHA384: '1.2.840.113549.2.10',
  hmacWithSHA512: '1.2.840.113549.2.11',
  desEde3Cbc: '1.2.840.113549.3.7',
  aes128Cbc: '2.16.840.1.101.3.4.1.2',
  aes192Cbc: '2.16.840.1.101.3.4.1.22',
  aes256Cbc: '2.16.840.1.101.3.4.1.42',
  // Digests (MacData DigestInfo)
  sha1: HASH_OIDS['SHA-1'],
  sha256: HASH_OIDS['SHA-256'],
  sha384: HASH_OIDS['SHA-384'],
  sha512: HASH_OIDS['SHA-512'],
  // Key algorithms (PKCS #8 privateKeyAlgorithm / SubjectPublicKeyInfo)
  rsaEncryption: KEY_ALGORITHM_OIDS.rsaEncryption,
  ecPublicKey: KEY_ALGORITHM_OIDS.ecPublicKey,
  secp256r1: KEY_ALGORITHM_OIDS.secp256r1,
  secp384r1: KEY_ALGORITHM_OIDS.secp384r1,
  secp521r1: KEY_ALGORITHM_OIDS.secp521r1,
  gost2004: KEY_ALGORITHM_OIDS.gost2004,
  gost2015Prefix: '1.2.398.3.10.1.1.2.',
  gost2015_512: KEY_ALGORITHM_OIDS.gost2015_512,
  // X.509 extensions
  subjectKeyIdentifier: EXTENSION_OIDS.subjectKeyIdentifier,
  keyUsage: EXTENSION_OIDS.keyUsage,
  extKeyUsage: EXTENSION_OIDS.extKeyUsage,
  clientAuth: '1.3.6.1.5.5.7.3.2',
} as const;
