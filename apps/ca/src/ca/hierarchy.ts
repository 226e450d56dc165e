/**
 * Names of the TEST CA hierarchy and the status-service URLs written into certificates. The names
 * say loudly that this is not the NCA: nothing here may ever be mistaken for a real certificate.
 */
import type { CertificateUrls, DistinguishedName } from '@kzpki/pki';
import { NCA_OIDS } from '@kzpki/pki';
import type { HierarchyName } from './material.js';

/** Organisation name of every CA certificate. */
export const TEST_CA_ORGANIZATION = 'KZPKI TEST (NOT A REAL CA)';

/** Common names of the CA certificates. */
export const CA_COMMON_NAMES = {
  root: 'KZPKI TEST ROOT CA (RSA)',
  issuing: 'KZPKI TEST ISSUING CA (RSA)',
  'ocsp-responder': 'KZPKI TEST OCSP RESPONDER',
  'root-ocsp-responder': 'KZPKI TEST ROOT OCSP RESPONDER',
  'gost-root': 'KZPKI TEST ROOT CA (GOST 2015)',
  'gost-issuing': 'KZPKI TEST ISSUING CA (GOST 2015)',
  'gost-ocsp-responder': 'KZPKI TEST OCSP RESPONDER (GOST)',
  'gost-root-ocsp-responder': 'KZPKI TEST ROOT OCSP RESPONDER (GOST)',
} as const;

/**
 * File names (without extension) under which the status service publishes each CA's certificate
 * and CRLs: `${status}/ca/<name>.crt`, `${status}/crl/<name>.crl`, `${status}/crl/<name>-delta.crl`.
 */
export const CA_FILE_NAMES = {
  root: 'kzpki-test-root-rsa',
  issuing: 'kzpki-test-issuing-rsa',
  'ocsp-responder': 'kzpki-test-ocsp-responder',
  'root-ocsp-responder': 'kzpki-test-root-ocsp-responder',
  'gost-root': 'kzpki-test-root-gost',
  'gost-issuing': 'kzpki-test-issuing-gost',
  'gost-ocsp-responder': 'kzpki-test-ocsp-responder-gost',
  'gost-root-ocsp-responder': 'kzpki-test-root-ocsp-responder-gost',
} as const;

/** The two hierarchies side by side: RSA (the older NCA generation) and GOST R 34.10-2015 512-bit. */
export type Hierarchy = 'rsa' | 'gost';

/** The CA key names of each hierarchy. */
export const HIERARCHY_KEYS = {
  rsa: { root: 'root', issuing: 'issuing' },
  gost: { root: 'gost-root', issuing: 'gost-issuing' },
} as const;

/**
 * The NCA's attribute order of each CA certificate's Name (its TEST CAs have C and CN only): the
 * roots and the GOST issuing CA encode CN then C (as НЕГІЗГІ КО TEST (RSA) and ҰЛТТЫҚ
 * КУӘЛАНДЫРУШЫ ОРТАЛЫҚ (GOST) TEST 2022), the RSA issuing CA C then CN (as ҰКО 3.0 (RSA TEST)).
 * The end-entity certificates' issuer DN is the issuing CA's, so it comes out as the NCA's; the
 * TEST marking stays in the CN.
 */
const NCA_CA_NAME_ORDER: Readonly<Record<string, 'cn-c' | 'c-cn'>> = {
  root: 'cn-c',
  issuing: 'c-cn',
  'gost-root': 'cn-c',
  'gost-issuing': 'cn-c',
};

/**
 * The subject of a CA certificate. The CAs (root, issuing, GOST root and issuing) carry the NCA's
 * attribute set, C and CN in its order; the delegated OCSP responders, which the NCA's certificates
 * do not show, keep C=KZ, O=KZPKI TEST (NOT A REAL CA), CN=… (encoding order).
 * @example
 * ```ts
 * caSubject('issuing'); // C=KZ, CN=KZPKI TEST ISSUING CA (RSA), as C=KZ, CN=ҰКО 3.0 (RSA TEST)
 * ```
 */
export function caSubject(name: Exclude<HierarchyName, 'operator'>): DistinguishedName {
  const country = { type: NCA_OIDS.attribute.country, value: 'KZ' };
  const commonName = { type: NCA_OIDS.attribute.commonName, value: CA_COMMON_NAMES[name] };
  const order = NCA_CA_NAME_ORDER[name];
  if (order === 'cn-c') return [commonName, country];
  if (order === 'c-cn') return [country, commonName];
  return [country, { type: NCA_OIDS.attribute.organization, value: TEST_CA_ORGANIZATION }, commonName];
}

/**
 * The CPS pointer (and user-notice text) of the end-entity certificates' policies. The policies are
 * the NCA's own OIDs (1.2.398.3.3.2.x), whose practice statement is the NCA's, so the reference CA
 * names it exactly as the NCA's certificates do and its certificatePolicies come out byte for byte
 * as theirs.
 */
export const NCA_CPS_URL = 'http://pki.gov.kz/cps';

/** Where the status service publishes an issuer's CRLs and certificate, and answers OCSP. */
export interface StatusEndpoints {
  crl: string;
  deltaCrl: string;
  ocsp: string;
  caIssuers: string;
}

/** The status-service URLs of one issuer (the contract between the CA and apps/status). */
export function statusEndpoints(statusBaseUrl: string, issuerFileName: string): StatusEndpoints {
  const base = statusBaseUrl.replace(/\/+$/, '');
  return {
    crl: `${base}/crl/${issuerFileName}.crl`,
    deltaCrl: `${base}/crl/${issuerFileName}-delta.crl`,
    ocsp: `${base}/ocsp`,
    caIssuers: `${base}/ca/${issuerFileName}.crt`,
  };
}

/**
 * URLs for certificates issued by the issuing CA (end entities, operator): full CRL
 * (cRLDistributionPoints), delta CRL (freshestCRL), OCSP and caIssuers (AIA).
 */
export function endEntityUrls(statusBaseUrl: string, hierarchy: Hierarchy = 'rsa'): CertificateUrls {
  const e = statusEndpoints(statusBaseUrl, CA_FILE_NAMES[HIERARCHY_KEYS[hierarchy].issuing]);
  return { crl: [e.crl], deltaCrl: [e.deltaCrl], ocsp: [e.ocsp], caIssuers: [e.caIssuers] };
}

/** URLs for the issuing CA certificate (issued by the root): the root's CRL and certificate. */
export function issuingCaUrls(statusBaseUrl: string, hierarchy: Hierarchy = 'rsa'): CertificateUrls {
  const e = statusEndpoints(statusBaseUrl, CA_FILE_NAMES[HIERARCHY_KEYS[hierarchy].root]);
  return { crl: [e.crl], caIssuers: [e.caIssuers] };
}
