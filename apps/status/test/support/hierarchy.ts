/**
 * A real certificate hierarchy for the tests and the benchmark, made with `@kzpki/pki`: a root
 * CA, an issuing CA, delegated OCSP responders (EKU OCSPSigning, id-pkix-ocsp-nocheck) of both, and
 * end-entity certificates from the NCA templates, with the URLs the CA writes into them. The test
 * plays the CA here: it signs the CRLs the status service then serves (the service never signs one).
 */
import {
  buildCrl,
  buildNcaSubject,
  type CrlEntryInput,
  generateKeyPair,
  type IssuedCertificate,
  issueCertificate,
  issuingCaProfile,
  NCA_OIDS,
  ocspResponderProfile,
  rootCaProfile,
  templateProfile,
} from '@kzpki/pki';
import { crlUrl } from '../../src/http/download-handler.js';
import type { MemoryStatusSource } from '../../src/source/memory-source.js';
import type { StatusMaterial } from '../../src/source/status-source.js';

/** The hierarchy's CA material and what is needed to make more certificates. */
export interface TestHierarchy {
  root: { cert: IssuedCertificate; keys: CryptoKeyPair };
  issuing: { cert: IssuedCertificate; keys: CryptoKeyPair };
  /** Delegated OCSP responder of the issuing CA. */
  responder: { cert: IssuedCertificate; keys: CryptoKeyPair };
  /** Delegated OCSP responder of the root (not in {@link TestHierarchy.material}). */
  rootResponder: { cert: IssuedCertificate; keys: CryptoKeyPair };
  /** A key pair shared by the end-entity certificates (only their serials matter here). */
  subjectKeys: CryptoKeyPair;
  /** Material for a status source: `root` (no OCSP signer) and `issuing` (its delegated responder). */
  material: StatusMaterial;
  /** Issues an end-entity certificate from the issuing CA (AUTH, individual template). */
  issue(opts?: { serial?: string; notAfter?: Date; notBefore?: Date }): Promise<IssuedCertificate>;
  /**
   * Signs a CRL as the CA (`issuing` or `root`): a full CRL with freshestCRL, or with `deltaOf` a
   * delta CRL on that base. Numbers are the caller's.
   */
  signCrl(
    ca: 'issuing' | 'root',
    opts: {
      crlNumber: bigint;
      entries?: CrlEntryInput[];
      deltaOf?: bigint;
      thisUpdate?: Date;
      validityMs?: number;
    },
  ): Promise<Uint8Array>;
  /** Signs and hands over a full CRL (numbered `crlNumber`) and an empty delta on it, for both CAs. */
  publishCrls(source: MemoryStatusSource, crlNumber: bigint, issuingEntries?: CrlEntryInput[]): Promise<void>;
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
  const [rootKeys, issuingKeys, responderKeys, rootResponderKeys, subjectKeys] = await Promise.all([
    generateKeyPair('RSA-2048'),
    generateKeyPair('RSA-2048'),
    generateKeyPair('RSA-2048'),
    generateKeyPair('ECDSA-P256'),
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
  const rootResponder = await issueCertificate({
    subject: cn('ROOT OCSP RESPONDER'),
    publicKey: rootResponderKeys.publicKey,
    profile: ocspResponderProfile(),
    issuer: root.der,
    issuerKey: rootKeys.privateKey,
  });
  const material: StatusMaterial = {
    issuers: [
      { id: ROOT_ID, certificate: root.der },
      {
        id: ISSUING_ID,
        certificate: issuing.der,
        ocspSigner: { certificate: responder.der, privateKey: responderKeys.privateKey },
      },
    ],
    trustAnchors: [root.der],
  };
  const signCrl: TestHierarchy['signCrl'] = (ca, opts) => {
    const id = ca === 'root' ? ROOT_ID : ISSUING_ID;
    const thisUpdate = opts.thisUpdate ?? new Date();
    return buildCrl({
      issuer: ca === 'root' ? root.der : issuing.der,
      issuerKey: ca === 'root' ? rootKeys.privateKey : issuingKeys.privateKey,
      crlNumber: opts.crlNumber,
      thisUpdate,
      nextUpdate: new Date(thisUpdate.getTime() + (opts.validityMs ?? 3_600_000)),
      entries: opts.entries ?? [],
      ...(opts.deltaOf !== undefined
        ? { deltaOf: opts.deltaOf }
        : { freshestCrlUrls: [crlUrl(statusUrl, id, 'delta')] }),
    });
  };
  let n = 0;
  return {
    root: { cert: root, keys: rootKeys },
    issuing: { cert: issuing, keys: issuingKeys },
    responder: { cert: responder, keys: responderKeys },
    rootResponder: { cert: rootResponder, keys: rootResponderKeys },
    subjectKeys,
    material,
    signCrl,
    async publishCrls(source, crlNumber, issuingEntries = []) {
      for (const ca of ['issuing', 'root'] as const) {
        const id = ca === 'root' ? ROOT_ID : ISSUING_ID;
        await source.publishCrl(
          id,
          await signCrl(ca, { crlNumber, entries: ca === 'issuing' ? issuingEntries : [] }),
        );
        await source.publishCrl(id, await signCrl(ca, { crlNumber: crlNumber + 1n, deltaOf: crlNumber }));
      }
    },
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
