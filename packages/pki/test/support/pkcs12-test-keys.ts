/**
 * Keys and certificates for the PKCS #12 tests, made with @peculiar/x509 so these tests depend on
 * neither OpenSSL nor the package's own issuance code.
 */
import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(webcrypto as unknown as Crypto);

/** A key pair and its certificate. */
export interface TestIdentity {
  keys: CryptoKeyPair;
  der: Uint8Array;
  cert: x509.X509Certificate;
  /** Hex SKI written into the certificate. */
  ski: string;
}

const RSA = {
  name: 'RSASSA-PKCS1-v1_5',
  hash: 'SHA-256',
  publicExponent: new Uint8Array([1, 0, 1]),
  modulusLength: 2048,
};
const EC = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };

let serial = 1;

/** Options of {@link makeIdentity}. */
export interface IdentityOptions {
  subject: string;
  algorithm?: 'RSA' | 'EC';
  /** Issuer; self-signed when absent. */
  issuer?: TestIdentity;
  ca?: boolean;
  /** `auth`: digitalSignature + keyEncipherment + clientAuth; `sign`: digitalSignature + nonRepudiation. */
  purpose?: 'auth' | 'sign';
  /** Leave out the SKI extension (the SKI then is SHA-1 of the public key). */
  noSki?: boolean;
}

/** Generates a key pair and a certificate for it. */
export async function makeIdentity(options: IdentityOptions): Promise<TestIdentity> {
  const alg = options.algorithm === 'EC' ? EC : RSA;
  const keys = (await webcrypto.subtle.generateKey(alg, true, ['sign', 'verify'])) as CryptoKeyPair;
  const skiExt = await x509.SubjectKeyIdentifierExtension.create(keys.publicKey);
  const extensions: x509.Extension[] = [];
  if (!options.noSki) extensions.push(skiExt);
  if (options.ca) {
    extensions.push(new x509.BasicConstraintsExtension(true, undefined, true));
    extensions.push(
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
    );
  } else if (options.purpose === 'auth') {
    extensions.push(
      new x509.KeyUsagesExtension(
        x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment,
        true,
      ),
    );
    extensions.push(new x509.ExtendedKeyUsageExtension(['1.3.6.1.5.5.7.3.2']));
  } else if (options.purpose === 'sign') {
    extensions.push(
      new x509.KeyUsagesExtension(
        x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.nonRepudiation,
        true,
      ),
    );
    extensions.push(new x509.ExtendedKeyUsageExtension(['1.3.6.1.5.5.7.3.4']));
  }
  const issuer = options.issuer;
  const issuerAlg = issuer?.keys.privateKey.algorithm.name === 'ECDSA' ? EC : issuer ? RSA : alg;
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: (serial++).toString(16).padStart(2, '0'),
    subject: options.subject,
    issuer: issuer ? issuer.cert.subject : options.subject,
    notBefore: new Date('2025-01-01T00:00:00Z'),
    notAfter: new Date('2035-01-01T00:00:00Z'),
    signingAlgorithm: issuerAlg,
    publicKey: keys.publicKey,
    signingKey: issuer ? issuer.keys.privateKey : keys.privateKey,
    extensions,
  });
  return { keys, der: new Uint8Array(cert.rawData), cert, ski: skiExt.keyId };
}

/** PEM of DER bytes (for handing keys and certificates to external tools). */
export function pem(der: Uint8Array | ArrayBuffer, label: string): string {
  const b64 = Buffer.from(der instanceof ArrayBuffer ? new Uint8Array(der) : der).toString('base64');
  return `-----BEGIN ${label}-----\n${b64.replace(/.{64}/g, '$&\n')}\n-----END ${label}-----\n`;
}

/** PKCS #8 DER of a key pair's private key. */
export async function pkcs8Of(keys: CryptoKeyPair): Promise<Uint8Array> {
  return new Uint8Array(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey));
}
