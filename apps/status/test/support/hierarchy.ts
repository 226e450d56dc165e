/**
 * A real certificate hierarchy for the tests and the benchmark, made with `@kzpki/pki`: a root
 * CA, an issuing CA, a delegated OCSP responder (EKU OCSPSigning, id-pkix-ocsp-nocheck) and
 * end-entity certificates from the NCA templates, with the URLs the CA writes into them.
 */
import {
  buildNcaSubject,
  generateKeyPair,
  type IssuedCertificate,
  issueCertificate,
  issuingCaProfile,
  NCA_OIDS,
  ocspResponderProfile,
  rootCaProfile,
  templateProfile,
} from '@kzpki/pki';
import { crlUrl } from '../../src/crl/crl-publisher.js';
import type { IssuerMaterial, StatusMaterial } from '../../src/source/status-source.js';

/** The hierarchy's CA material and what is needed to make more certificates. */
export interface TestHierarchy {
  root: { cert: IssuedCertificate; keys: CryptoKeyPair };
  issuing: { cert: IssuedCertificate; keys: CryptoKeyPair };
  responder: { cert: IssuedCertificate; keys: CryptoKeyPair };
  /** A key pair shared by the end-entity certificates (only their serials matter here). */
  subjectKeys: CryptoKeyPair;
  /** Material for a status source: `root` (CRL signed by the root key, no OCSP) and `issuing`. */
  material: StatusMaterial;
  /** Issues an end-entity certificate from the issuing CA (AUTH, individual template). */
  issue(opts?: { serial?: string; notAfter?: Date; notBefore?: Date }): Promise<IssuedCertificate>;
}

/** The name used for the issuing CA in URLs. */
export const ISSUING_ID = 'issuing';
/** The name used for the root CA in URLs. */
export const ROOT_ID = 'root';

/**
 * Makes the hierarchy. `statusUrl` is where the status service will listen (written into the
 * end-entity certificates' CDP, freshestCRL, AIA).
 */
export async function makeHierarchy(statusUrl = 'http://127.0.0.1:8081'): Promise<TestHierarchy> {
  const [rootKeys, issuingKeys, responderKeys, subjectKeys] = await Promise.all([
    generateKeyPair('RSA-2048'),
    generateKeyPair('RSA-2048'),
    generateKeyPair('RSA-2048'),
    generateKeyPair('RSA-2048'),
  ]);
  const cn = (value: string) => [
    { type: NCA_OIDS.attribute.commonName, value },
    { type: NCA_OIDS.attribute.country, value: 'KZ', encoding: 'printable' as const },
  ];
  const root = await issueCertificate({
    subject: cn('kzpki TEST status root CA'),
    publicKey: rootKeys.publicKey,
    profile: rootCaProfile(),
    issuerKey: rootKeys.privateKey,
  });
  const issuing = await issueCertificate({
    subject: cn('kzpki TEST status issuing CA'),
    publicKey: issuingKeys.publicKey,
    profile: issuingCaProfile(),
    issuer: root.der,
    issuerKey: rootKeys.privateKey,
    urls: { crl: [crlUrl(statusUrl, ROOT_ID, 'full')] },
  });
  const responder = await issueCertificate({
    subject: cn('OCSP RESPONDER'),
    publicKey: responderKeys.publicKey,
    profile: ocspResponderProfile(),
    issuer: issuing.der,
    issuerKey: issuingKeys.privateKey,
  });
  const material: StatusMaterial = {
    issuers: [
      { id: ROOT_ID, certificate: root.der, crlSigner: rootKeys.privateKey } satisfies IssuerMaterial,
      {
        id: ISSUING_ID,
        certificate: issuing.der,
        crlSigner: issuingKeys.privateKey,
        ocspSigner: { certificate: responder.der, privateKey: responderKeys.privateKey },
      },
    ],
    trustAnchors: [root.der],
  };
  let n = 0;
  return {
    root: { cert: root, keys: rootKeys },
    issuing: { cert: issuing, keys: issuingKeys },
    responder: { cert: responder, keys: responderKeys },
    subjectKeys,
    material,
    async issue(opts = {}) {
      n++;
      return issueCertificate({
        subject: buildNcaSubject({ surname: 'ТЕСТОВ', givenName: `ТЕСТ${n}`, iin: '871008401427' }),
        publicKey: subjectKeys.publicKey,
        profile: templateProfile('individual', 'auth'),
        issuer: issuing.der,
        issuerKey: issuingKeys.privateKey,
        ...(opts.serial ? { serial: opts.serial } : {}),
        ...(opts.notAfter || opts.notBefore
          ? { validity: { notAfter: opts.notAfter, notBefore: opts.notBefore } }
          : {}),
        urls: {
          crl: [crlUrl(statusUrl, ISSUING_ID, 'full')],
          deltaCrl: [crlUrl(statusUrl, ISSUING_ID, 'delta')],
          ocsp: [`${statusUrl}/ocsp`],
          caIssuers: [`${statusUrl}/ca/${ISSUING_ID}.crt`],
        },
      });
    },
  };
}
