/**
 * A tiny PKI for the CRL and OCSP tests: a CA, end-entity certificates and a delegated OCSP
 * responder, made directly with pkijs + WebCrypto so that these tests do not depend on the
 * package's own issuance code (developed and tested separately).
 */
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { getCrypto, getPkijsEngine } from '../../src/crypto-provider.js';
import { toPem } from '../../src/der/encoding.js';

export type TestKeyAlg = 'RSA-2048' | 'ECDSA-P256';

/** A certificate with its key pair. */
export interface TestCert {
  der: Uint8Array;
  pem: string;
  cert: pkijs.Certificate;
  keys: CryptoKeyPair;
  serialHex: string;
}

export async function generateTestKeys(alg: TestKeyAlg = 'RSA-2048'): Promise<CryptoKeyPair> {
  const params =
    alg === 'RSA-2048'
      ? {
          name: 'RSASSA-PKCS1-v1_5',
          modulusLength: 2048,
          publicExponent: new Uint8Array([1, 0, 1]),
          hash: 'SHA-256',
        }
      : { name: 'ECDSA', namedCurve: 'P-256' };
  return (await getCrypto().subtle.generateKey(params, true, ['sign', 'verify'])) as CryptoKeyPair;
}

function name(cn: string, o = 'kzpki test'): pkijs.RelativeDistinguishedNames {
  // One attribute per RDN (pkijs would put them all into one multi-valued RDN).
  const avas = [
    new pkijs.AttributeTypeAndValue({ type: '2.5.4.6', value: new asn1js.PrintableString({ value: 'KZ' }) }),
    new pkijs.AttributeTypeAndValue({ type: '2.5.4.10', value: new asn1js.Utf8String({ value: o }) }),
    new pkijs.AttributeTypeAndValue({ type: '2.5.4.3', value: new asn1js.Utf8String({ value: cn }) }),
  ];
  const seq = new asn1js.Sequence({ value: avas.map((a) => new asn1js.Set({ value: [a.toSchema()] })) });
  return new pkijs.RelativeDistinguishedNames({ schema: asn1js.fromBER(seq.toBER(false)).result });
}

let serialCounter = 0x1000;

/** Options of {@link makeTestCert}. */
export interface MakeCertOptions {
  cn: string;
  issuer?: TestCert;
  keys?: CryptoKeyPair;
  alg?: TestKeyAlg;
  ca?: boolean;
  ocspSigning?: boolean;
  noCheck?: boolean;
  noSki?: boolean;
  keyUsage?: number; // first octet of the KeyUsage BIT STRING
  notBefore?: Date;
  notAfter?: Date;
  serial?: Uint8Array;
}

/** Issues a certificate with pkijs (self-signed when no issuer). */
export async function makeTestCert(o: MakeCertOptions): Promise<TestCert> {
  const engine = getPkijsEngine();
  const keys = o.keys ?? (await generateTestKeys(o.alg));
  const cert = new pkijs.Certificate();
  cert.version = 2;
  const serial =
    o.serial ??
    Uint8Array.from([0x4b, 0x77, 0x9c, (serialCounter >> 8) & 0xff, serialCounter++ & 0xff, 0x01]);
  cert.serialNumber = new asn1js.Integer({ valueHex: serial.slice().buffer });
  const subject = name(o.cn);
  cert.subject = subject;
  cert.issuer = o.issuer ? o.issuer.cert.subject : subject;
  cert.notBefore.value = o.notBefore ?? new Date(Date.now() - 3_600_000);
  cert.notAfter.value = o.notAfter ?? new Date(Date.now() + 365 * 86_400_000);
  await cert.subjectPublicKeyInfo.importKey(keys.publicKey, engine);
  const ski = new Uint8Array(
    await getCrypto().subtle.digest(
      'SHA-1',
      cert.subjectPublicKeyInfo.subjectPublicKey.valueBlock.valueHexView as BufferSource,
    ),
  );
  const exts: pkijs.Extension[] = [];
  if (o.ca) {
    exts.push(
      new pkijs.Extension({
        extnID: '2.5.29.19',
        critical: true,
        extnValue: new pkijs.BasicConstraints({ cA: true }).toSchema().toBER(false),
      }),
    );
  }
  const ku = o.keyUsage ?? (o.ca ? 0x06 : 0x80); // keyCertSign|cRLSign or digitalSignature
  exts.push(
    new pkijs.Extension({
      extnID: '2.5.29.15',
      critical: true,
      extnValue: new asn1js.BitString({ valueHex: Uint8Array.of(ku).buffer, unusedBits: 1 }).toBER(false),
    }),
  );
  if (!o.noSki) {
    exts.push(
      new pkijs.Extension({
        extnID: '2.5.29.14',
        extnValue: new asn1js.OctetString({ valueHex: ski.buffer }).toBER(false),
      }),
    );
  }
  if (o.issuer) {
    const issuerSki = o.issuer.cert.extensions?.find((e) => e.extnID === '2.5.29.14');
    if (issuerSki) {
      const keyId = (asn1js.fromBER(issuerSki.extnValue.valueBlock.valueHexView).result as asn1js.OctetString)
        .valueBlock.valueHexView;
      exts.push(
        new pkijs.Extension({
          extnID: '2.5.29.35',
          extnValue: new pkijs.AuthorityKeyIdentifier({
            keyIdentifier: new asn1js.OctetString({ valueHex: keyId.slice().buffer }),
          })
            .toSchema()
            .toBER(false),
        }),
      );
    }
  }
  if (o.ocspSigning) {
    exts.push(
      new pkijs.Extension({
        extnID: '2.5.29.37',
        extnValue: new pkijs.ExtKeyUsage({ keyPurposes: ['1.3.6.1.5.5.7.3.9'] }).toSchema().toBER(false),
      }),
    );
  }
  if (o.noCheck) {
    exts.push(
      new pkijs.Extension({ extnID: '1.3.6.1.5.5.7.48.1.5', extnValue: new asn1js.Null().toBER(false) }),
    );
  }
  cert.extensions = exts;
  const signer = o.issuer?.keys.privateKey ?? keys.privateKey;
  await cert.sign(signer, 'SHA-256', engine);
  const der = new Uint8Array(cert.toSchema(true).toBER(false));
  const parsed = new pkijs.Certificate({ schema: asn1js.fromBER(der.slice().buffer).result });
  let hex = Array.from(serial, (b) => b.toString(16).padStart(2, '0')).join('');
  while (hex.startsWith('00') && hex.length > 2) hex = hex.slice(2);
  return { der, pem: toPem(der, 'CERTIFICATE'), cert: parsed, keys, serialHex: hex };
}

/** A CA with a leaf, a second leaf and a delegated OCSP responder. */
export interface TestPki {
  ca: TestCert;
  leaf: TestCert;
  leaf2: TestCert;
  responder: TestCert;
}

export async function makeTestPki(alg: TestKeyAlg = 'RSA-2048'): Promise<TestPki> {
  const ca = await makeTestCert({ cn: `Test CA ${alg}`, ca: true, alg });
  const [leaf, leaf2, responder] = await Promise.all([
    makeTestCert({ cn: 'Leaf One', issuer: ca, alg }),
    makeTestCert({ cn: 'Leaf Two', issuer: ca, alg }),
    makeTestCert({ cn: 'OCSP RESPONDER', issuer: ca, alg, ocspSigning: true, noCheck: true }),
  ]);
  return { ca, leaf, leaf2, responder };
}
