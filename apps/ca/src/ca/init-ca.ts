/**
 * Creates the TEST CA hierarchy on first start: a root CA (RSA-4096), an issuing CA (RSA-4096, as
 * the NCA's CA keys are), a delegated OCSP responder (RSA-2048, short-lived, renewed here) and the
 * NCA operator's AUTH certificate (RSA-2048). Private keys are stored encrypted under the
 * passphrase (see `crypto/key-envelope.ts`); later starts only load and, when the OCSP responder
 * or operator certificate is close to its end, renew it.
 */
import {
  buildNcaSubject,
  type CertificateProfile,
  type CertificateUrls,
  type DistinguishedName,
  exportPkcs8,
  exportSpki,
  generateKeyPair,
  type IssuedCertificate,
  issueCertificate,
  issuingCaProfile,
  type KeyAlgorithmName,
  ncaOperatorProfile,
  ocspResponderProfile,
  rootCaProfile,
} from '@kzpki/pki';
import { encryptPrivateKey, newKekParams } from '../crypto/key-envelope.js';
import { certificateRecord } from '../issuance/certificate-record.js';
import type { CaRepository } from '../store/repository.js';
import type { CaKeyName } from '../store/types.js';
import { CA_FILE_NAMES, caSubject, endEntityUrls, issuingCaUrls, statusEndpoints } from './hierarchy.js';
import { type CaKeyMaterial, type CaMaterial, KEK_SETTING, kekFor, keyAad, openCaKey } from './material.js';

/** The NCA staff member who holds the operator certificate. */
export interface OperatorIdentity {
  surname: string;
  givenName: string;
  patronymic?: string;
  iin: string;
  bin: string;
  organization: string;
}

/** Default operator (the operator of `data/demo.json`). */
export const DEFAULT_OPERATOR: OperatorIdentity = {
  surname: 'СЕРИКБАЕВ',
  givenName: 'ДАУРЕН',
  patronymic: 'МАРАТОВИЧ',
  iin: '971122303339',
  bin: '940140000385',
  organization: 'KZPKI TEST CA (NOT A REAL CA)',
};

/** Options of {@link initCa}. */
export interface InitCaOptions {
  /** Passphrase protecting the CA keys at rest. */
  passphrase: string;
  /** Public base URL of the status service (written into certificates). */
  statusBaseUrl: string;
  /**
   * Key algorithms; defaults: root and issuing `RSA-4096`, OCSP responder and operator `RSA-2048`.
   * Tests pass `RSA-2048` everywhere to start fast.
   */
  keyAlgorithms?: Partial<Record<CaKeyName, KeyAlgorithmName>>;
  /** Holder of the operator certificate. */
  operator?: OperatorIdentity;
  /** Validity of the OCSP responder certificate in days (default 90). */
  ocspResponderValidityDays?: number;
  /** Renew the OCSP responder and operator certificates when fewer days remain (default 30). */
  renewBeforeDays?: number;
  /** Clock. */
  now?: () => Date;
}

/** Result of {@link initCa}. */
export interface InitCaResult {
  /** Keys created by this call. */
  created: CaKeyName[];
  /** Service certificates renewed by this call. */
  renewed: CaKeyName[];
  material: CaMaterial;
}

const DEFAULT_ALGORITHMS: Record<CaKeyName, KeyAlgorithmName> = {
  root: 'RSA-4096',
  issuing: 'RSA-4096',
  'ocsp-responder': 'RSA-2048',
  operator: 'RSA-2048',
};

interface Plan {
  name: CaKeyName;
  subject: DistinguishedName;
  profile: CertificateProfile;
  urls?: CertificateUrls;
  kind: 'ca' | 'service';
}

/**
 * Creates whatever part of the CA hierarchy is missing, renews expiring service certificates, and
 * returns the loaded material.
 * @throws {CaError} `ERR_UNAUTHORIZED` when the store was initialised with another passphrase.
 * @example
 * ```ts
 * const store = openCaStore(join(dataDir, 'ca.sqlite'));
 * const { material } = await initCa(store, { passphrase, statusBaseUrl: 'http://127.0.0.1:8081' });
 * ```
 */
export async function initCa(store: CaRepository, opts: InitCaOptions): Promise<InitCaResult> {
  const now = opts.now ?? (() => new Date());
  const algorithms = { ...DEFAULT_ALGORITHMS, ...opts.keyAlgorithms };
  await store.initSetting(KEK_SETTING, JSON.stringify(newKekParams()));
  const kek = (await kekFor(store, opts.passphrase)) as Uint8Array;
  const renewBeforeMs = (opts.renewBeforeDays ?? 30) * 86_400_000;
  const created: CaKeyName[] = [];
  const renewed: CaKeyName[] = [];
  const loaded = new Map<CaKeyName, CaKeyMaterial>();

  const plans: Plan[] = [
    { name: 'root', subject: caSubject('root'), profile: rootCaProfile(), kind: 'ca' },
    {
      name: 'issuing',
      subject: caSubject('issuing'),
      profile: issuingCaProfile(),
      urls: issuingCaUrls(opts.statusBaseUrl),
      kind: 'ca',
    },
    {
      name: 'ocsp-responder',
      subject: caSubject('ocsp-responder'),
      profile: ocspResponderProfile({ validityDays: opts.ocspResponderValidityDays ?? 90 }),
      urls: { caIssuers: [statusEndpoints(opts.statusBaseUrl, CA_FILE_NAMES.issuing).caIssuers] },
      kind: 'service',
    },
    {
      name: 'operator',
      subject: buildNcaSubject(opts.operator ?? DEFAULT_OPERATOR),
      profile: ncaOperatorProfile(),
      urls: endEntityUrls(opts.statusBaseUrl),
      kind: 'service',
    },
  ];

  for (const plan of plans) {
    const existing = await store.getCaKey(plan.name);
    if (existing) {
      const material = await openCaKey(existing, kek); // proves the passphrase
      const renewable = plan.kind === 'service';
      if (!renewable || material.notAfter.getTime() - now().getTime() > renewBeforeMs) {
        loaded.set(plan.name, material);
        continue;
      }
    }
    const issuerName: CaKeyName | undefined =
      plan.name === 'root' ? undefined : plan.name === 'issuing' ? 'root' : 'issuing';
    const issuer = issuerName === undefined ? undefined : (loaded.get(issuerName) as CaKeyMaterial);
    const keys = await generateKeyPair(algorithms[plan.name], { extractable: true });
    const issued: IssuedCertificate = await issueCertificate({
      publicKey: keys.publicKey,
      subject: plan.subject,
      profile: plan.profile,
      ...(issuer
        ? { issuer: issuer.certificate, issuerKey: issuer.privateKey }
        : { issuerKey: keys.privateKey }),
      validity: { notBefore: now() },
      ...(plan.urls ? { urls: plan.urls } : {}),
    });
    const pkcs8 = await exportPkcs8(keys.privateKey);
    const encryptedKey = encryptPrivateKey(kek, pkcs8, keyAad(plan.name, issued.subjectKeyId));
    pkcs8.fill(0);
    const createdAt = now();
    await store.putCaKey(
      {
        name: plan.name,
        certificate: issued.der,
        skiHex: issued.subjectKeyId,
        serialHex: issued.serialHex,
        encryptedKey,
        createdAt,
      },
      certificateRecord(issued, {
        issuerSkiHex: issuer ? issuer.skiHex : issued.subjectKeyId,
        kind: plan.kind,
        spki: await exportSpki(keys.publicKey),
        createdAt,
      }),
      {
        actor: 'system',
        action: existing ? 'ca.key-renewed' : 'ca.key-created',
        entity: `ca-key:${plan.name}`,
        details: {
          serialHex: issued.serialHex,
          skiHex: issued.subjectKeyId,
          algorithm: algorithms[plan.name],
        },
      },
      { replace: existing !== undefined },
    );
    (existing ? renewed : created).push(plan.name);
    const stored = await store.getCaKey(plan.name);
    loaded.set(plan.name, await openCaKey(stored!, kek));
  }
  const get = (n: CaKeyName): CaKeyMaterial => loaded.get(n) as CaKeyMaterial;
  return {
    created,
    renewed,
    material: {
      root: get('root'),
      issuing: get('issuing'),
      ocspResponder: get('ocsp-responder'),
      operator: get('operator'),
    },
  };
}
