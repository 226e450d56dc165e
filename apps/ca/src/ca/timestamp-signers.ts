/**
 * The status service's time-stamping authorities (RFC 3161): the CA certifies one TSA key per
 * issuing CA and TSA policy, and keeps none of them. As with the delegated OCSP responders
 * (`init-ca.ts`), the key is generated here, sealed at once under the status KEK
 * (`KZPKI_STATUS_PASSPHRASE`, `sealTimestampSignerKey` of `@kzpki/ca-store`) and dropped; the
 * status service opens it from the store's `timestamp_signers` table and answers `POST /tsp`.
 *
 * The TSA certificate (RFC 3161 §2.3): keyUsage digitalSignature + nonRepudiation (critical),
 * extKeyUsage id-kp-timeStamping only, critical; certificatePolicies = the NCA TSA policy its tokens
 * carry (docs/domain.md: 1.2.398.3.3.2.6.2 for RSA, 1.2.398.3.3.2.6.4 for GOST R 34.10-2015); the
 * issuing CA's CRL, delta CRL, OCSP and caIssuers URLs, so that verifiers can check it like any
 * end-entity certificate.
 *
 * Renewal follows the responders: a TSA whose certificate has less than `renewBeforeMs` left, or
 * whose key was sealed under a status passphrase that has since changed, gets a new key and
 * certificate (the old certificate stays on record and keeps verifying the tokens it signed); a
 * store created before TSAs existed gets them at its next start.
 */
import type { CaRepository, StatusKek, TimestampSignerRecord } from '@kzpki/ca-store';
import { sealTimestampSignerKey } from '@kzpki/ca-store';
import {
  type CertificateUrls,
  type DistinguishedName,
  encodeGostPkcs8,
  exportPkcs8,
  exportSpki,
  GOST_END_ENTITY_KEY_ALGORITHM,
  GostPrivateKey,
  generateKeyPair,
  issueCertificate,
  type KeyAlgorithmName,
  NCA_OIDS,
  NCA_TSA_POLICY_OIDS,
  type SigningKey,
  tsaCertificateProfile,
} from '@kzpki/pki';
import { certificateRecord } from '../issuance/certificate-record.js';
import { TEST_CA_ORGANIZATION } from './hierarchy.js';

/** The TSAs the reference CA certifies: RSA (from the RSA issuing CA) and GOST-2015 (from the GOST one). */
export type TimestampSignerName = 'tsa' | 'gost-tsa';

/** Common names of the TSA certificates (loudly not the NCA's). */
export const TSA_COMMON_NAMES: Readonly<Record<TimestampSignerName, string>> = {
  tsa: 'KZPKI TEST TSA (RSA)',
  'gost-tsa': 'KZPKI TEST TSA (GOST 2015)',
};

/** The TSA policy of each TSA (docs/domain.md, §7): the NCA's RSA and GOST-2015 policies. */
export const TSA_POLICIES: Readonly<Record<TimestampSignerName, string>> = {
  tsa: NCA_TSA_POLICY_OIDS.rsa,
  'gost-tsa': NCA_TSA_POLICY_OIDS.gost2015,
};

/** Default validity of a TSA certificate in days (renewed `renewBeforeDays` before its end). */
export const TSA_VALIDITY_DAYS = 365;

/** One TSA to have: who issues it, under which policy, with which key algorithm. */
export interface TimestampSignerSpec {
  name: TimestampSignerName;
  /** The issuing CA (its certificate and key sign the TSA certificate). */
  issuer: { certificate: Uint8Array; privateKey: SigningKey; skiHex: string };
  /** TSA policy of its tokens (also written into certificatePolicies). */
  policy: string;
  /** Key algorithm of a new TSA key: a WebCrypto algorithm, or `GOST-2015-512`. */
  algorithm: KeyAlgorithmName | typeof GOST_END_ENTITY_KEY_ALGORITHM;
  /** CRL, delta CRL, OCSP and caIssuers URLs of the issuer. */
  urls: CertificateUrls;
}

/** Options of {@link ensureTimestampSigners}. */
export interface EnsureTimestampSignersOptions {
  /** The status KEK the keys are sealed under. */
  kek: StatusKek;
  /** The status passphrase changed since the last start: every TSA gets a new key. */
  kekChanged: boolean;
  /** Validity of new TSA certificates in days (default {@link TSA_VALIDITY_DAYS}). */
  validityDays?: number;
  /** Renew when less than this is left (milliseconds). */
  renewBeforeMs: number;
  now: Date;
}

/** A TSA in use (public). */
export interface TimestampSignerInfo {
  name: TimestampSignerName;
  policy: string;
  issuerSkiHex: string;
  /** DER certificate. */
  certificate: Uint8Array;
  serialHex: string;
  skiHex: string;
  notAfter: Date;
}

/** Result of {@link ensureTimestampSigners}. */
export interface TimestampSignersResult {
  created: TimestampSignerName[];
  renewed: TimestampSignerName[];
  signers: TimestampSignerInfo[];
}

/**
 * Issues the TSAs of `specs` that the store lacks, and renews those close to their end or sealed
 * under an old status passphrase.
 * @example
 * ```ts
 * const tsa = await ensureTimestampSigners(store, [
 *   { name: 'tsa', issuer: issuing, policy: NCA_TSA_POLICY_OIDS.rsa, algorithm: 'RSA-2048', urls: endEntityUrls(statusBaseUrl) },
 * ], { kek: statusKek, kekChanged: false, renewBeforeMs: 30 * 86_400_000, now: new Date() });
 * ```
 */
export async function ensureTimestampSigners(
  store: CaRepository,
  specs: readonly TimestampSignerSpec[],
  opts: EnsureTimestampSignersOptions,
): Promise<TimestampSignersResult> {
  const result: TimestampSignersResult = { created: [], renewed: [], signers: [] };
  const stored = await store.listTimestampSigners();
  for (const spec of specs) {
    const ski = spec.issuer.skiHex.toLowerCase();
    const existing = stored.find((s) => s.issuerSkiHex === ski && s.policy === spec.policy);
    if (
      existing &&
      !opts.kekChanged &&
      existing.notAfter.getTime() - opts.now.getTime() > opts.renewBeforeMs
    ) {
      result.signers.push(info(spec.name, existing));
      continue;
    }
    const record = await issueTimestampSigner(store, spec, opts, existing !== undefined);
    (existing ? result.renewed : result.created).push(spec.name);
    result.signers.push(info(spec.name, record));
  }
  return result;
}

function info(name: TimestampSignerName, r: TimestampSignerRecord): TimestampSignerInfo {
  return {
    name,
    policy: r.policy,
    issuerSkiHex: r.issuerSkiHex,
    certificate: r.certificate,
    serialHex: r.serialHex,
    skiHex: r.skiHex,
    notAfter: r.notAfter,
  };
}

/** The subject of a TSA certificate: C=KZ, O=KZPKI TEST (NOT A REAL CA), CN=KZPKI TEST TSA (…). */
export function tsaSubject(name: TimestampSignerName): DistinguishedName {
  return [
    { type: NCA_OIDS.attribute.country, value: 'KZ' },
    { type: NCA_OIDS.attribute.organization, value: TEST_CA_ORGANIZATION },
    { type: NCA_OIDS.attribute.commonName, value: TSA_COMMON_NAMES[name] },
  ];
}

/** Issues one TSA; its key is sealed for the status service and dropped. */
async function issueTimestampSigner(
  store: CaRepository,
  spec: TimestampSignerSpec,
  opts: EnsureTimestampSignersOptions,
  renewal: boolean,
): Promise<TimestampSignerRecord> {
  let spki: Uint8Array;
  let pkcs8: Uint8Array;
  if (spec.algorithm === GOST_END_ENTITY_KEY_ALGORITHM) {
    const key = GostPrivateKey.generate('gost2015-512');
    spki = key.publicKeyInfo;
    pkcs8 = encodeGostPkcs8(key);
  } else {
    const keys = await generateKeyPair(spec.algorithm, { extractable: true });
    spki = await exportSpki(keys.publicKey);
    pkcs8 = await exportPkcs8(keys.privateKey);
  }
  try {
    const issued = await issueCertificate({
      publicKey: spki,
      subject: tsaSubject(spec.name),
      profile: {
        ...tsaCertificateProfile({ validityDays: opts.validityDays ?? TSA_VALIDITY_DAYS }),
        policies: [spec.policy],
      },
      issuer: spec.issuer.certificate,
      issuerKey: spec.issuer.privateKey,
      validity: { notBefore: opts.now },
      urls: spec.urls,
    });
    const record: TimestampSignerRecord = {
      issuerSkiHex: spec.issuer.skiHex.toLowerCase(),
      policy: spec.policy,
      certificate: issued.der,
      serialHex: issued.serialHex,
      skiHex: issued.subjectKeyId,
      notAfter: issued.notAfter,
      encryptedKey: sealTimestampSignerKey(
        opts.kek,
        pkcs8,
        spec.issuer.skiHex,
        spec.policy,
        issued.subjectKeyId,
      ),
      createdAt: opts.now,
    };
    await store.putTimestampSigner(
      record,
      certificateRecord(issued, {
        issuerSkiHex: spec.issuer.skiHex.toLowerCase(),
        kind: 'service',
        spki,
        createdAt: opts.now,
      }),
      {
        actor: 'system',
        action: renewal ? 'ca.tsa-renewed' : 'ca.tsa-created',
        entity: `tsa:${spec.name}`,
        details: {
          serialHex: issued.serialHex,
          skiHex: issued.subjectKeyId,
          policy: spec.policy,
          algorithm: spec.algorithm,
        },
      },
    );
    return record;
  } finally {
    pkcs8.fill(0);
  }
}
