/**
 * Creates the TEST CA hierarchy on first start: a root CA (RSA-4096), an issuing CA (RSA-4096, as
 * the NCA's CA keys are), the NCA operator's AUTH certificate (RSA-2048), and one delegated OCSP
 * responder per CA (RSA-2048, short-lived, renewed here; RFC 6960 §4.2.2.2: extKeyUsage
 * id-kp-OCSPSigning and id-pkix-ocsp-nocheck). Beside it, a GOST R 34.10-2015 512-bit hierarchy as
 * the NCA's TEST-2022 GOST chain (root and issuing CA laid out by `rootCaProfile`/`issuingCaProfile`
 * with `nca: 'gost-2015'`), with GOST delegated responders of its own; a store created before it
 * gets it on its next start. Later starts only load and, when a responder or the operator
 * certificate is close to its end, renew it.
 *
 * Two secrets, two key-encryption keys (`@kzpki/ca-store`, `keys/`):
 * - the CA's keys (root, issuing, operator) are encrypted under the CA KEK (`passphrase`,
 *   `KZPKI_CA_PASSPHRASE`);
 * - the responder keys are sealed under the status KEK (`statusPassphrase`,
 *   `KZPKI_STATUS_PASSPHRASE`), the only secret the status service gets; the CA keeps no copy.
 *   When the status passphrase changes, the next start issues new responders under the new one.
 * - so are the keys of the status service's time-stamping authorities (`timestamp-signers.ts`): an
 *   RSA TSA from the RSA issuing CA (NCA TSA policy 1.2.398.3.3.2.6.2) and a GOST-2015 TSA from the
 *   GOST issuing CA (1.2.398.3.3.2.6.4), renewed like the responders.
 *
 * The CAs are published in the store for the status service (public certificates and the URL names
 * of `CA_FILE_NAMES`).
 */
import {
  type CaKeyName,
  type CaRepository,
  DEV_STATUS_PASSPHRASE,
  deriveStatusKek,
  encryptPrivateKey,
  type KekParams,
  newKekParams,
  type StatusKek,
  sealResponderKey,
} from '@kzpki/ca-store';
import {
  buildNcaSubject,
  type CertificateProfile,
  type CertificateUrls,
  type DistinguishedName,
  encodeGostPkcs8,
  exportPkcs8,
  exportSpki,
  GOST_END_ENTITY_KEY_ALGORITHM,
  GostPrivateKey,
  generateKeyPair,
  type IssuedCertificate,
  issueCertificate,
  issuingCaProfile,
  type KeyAlgorithmName,
  ncaOperatorProfile,
  ocspResponderProfile,
  rootCaProfile,
  type SigningKey,
} from '@kzpki/pki';
import { loadMacKeys } from '../crypto/mac-keys.js';
import { CaError } from '../errors.js';
import { certificateRecord } from '../issuance/certificate-record.js';
import { CA_FILE_NAMES, caSubject, endEntityUrls, issuingCaUrls, statusEndpoints } from './hierarchy.js';
import {
  type CaCertificateInfo,
  type CaKeyMaterial,
  type CaMaterial,
  certificateInfo,
  gostMaterial,
  type HierarchyName,
  KEK_SETTING,
  kekFor,
  keyAad,
  openCaKey,
  type ResponderName,
  rsaMaterial,
} from './material.js';
import { ensureTimestampSigners, type TimestampSignersResult, TSA_POLICIES } from './timestamp-signers.js';

/**
 * Days by which a new root and issuing CA certificate are backdated: room for the "expired" test
 * pairs of `kzpki testpack` (valid two years ago to one year ago), which test mode may only place
 * within the issuing CA's own validity.
 */
export const CA_BACKDATE_DAYS = 3 * 365;

/** Setting that holds the status KEK parameters and check value (the KEK itself is never stored). */
export const STATUS_KEK_SETTING = 'status-kek';

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
  /**
   * Passphrase under which the OCSP responder keys are sealed for the status service
   * (`KZPKI_STATUS_PASSPHRASE`; the status service must be given the same). Must differ from
   * `passphrase`. Default: the public development value `DEV_STATUS_PASSPHRASE`.
   */
  statusPassphrase?: string;
  /** Public base URL of the status service (written into certificates). */
  statusBaseUrl: string;
  /**
   * Key algorithms of the RSA hierarchy; defaults: root and issuing `RSA-4096`, OCSP responders and
   * operator `RSA-2048`. Tests pass `RSA-2048` everywhere to start fast. The GOST hierarchy's keys
   * are always GOST R 34.10-2015 512-bit.
   */
  keyAlgorithms?: Partial<Record<RsaHierarchyName, KeyAlgorithmName>>;
  /** Holder of the operator certificate. */
  operator?: OperatorIdentity;
  /** Validity of the OCSP responder certificates in days (default 90). */
  ocspResponderValidityDays?: number;
  /** Validity of the TSA certificates in days (default 365; renewed like the responders). */
  tsaValidityDays?: number;
  /** Renew the OCSP responder and operator certificates when fewer days remain (default 30). */
  renewBeforeDays?: number;
  /** Clock. */
  now?: () => Date;
}

/** Result of {@link initCa}. */
export interface InitCaResult {
  /** Keys and responders created by this call. */
  created: HierarchyName[];
  /** Service certificates (operator, responders) renewed by this call. */
  renewed: HierarchyName[];
  material: CaMaterial;
  /**
   * The status service's TSAs (RFC 3161): created or renewed by this call, and those in use; their
   * keys are sealed under the status passphrase, as the responders' (`timestamp-signers.ts`).
   */
  timestampSigners: TimestampSignersResult;
}

/** Members of the GOST hierarchy (always GOST R 34.10-2015 512-bit keys). */
type GostHierarchyName = 'gost-root' | 'gost-issuing' | 'gost-ocsp-responder' | 'gost-root-ocsp-responder';

/** Members of the RSA hierarchy (and the operator), whose key algorithms a caller may choose. */
export type RsaHierarchyName = Exclude<HierarchyName, GostHierarchyName>;

/** Key algorithm of a member: a WebCrypto algorithm, or the GOST-2015 512-bit software key. */
type MemberAlgorithm = KeyAlgorithmName | typeof GOST_END_ENTITY_KEY_ALGORITHM;

const DEFAULT_ALGORITHMS: Record<HierarchyName, MemberAlgorithm> = {
  root: 'RSA-4096',
  issuing: 'RSA-4096',
  'ocsp-responder': 'RSA-2048',
  'root-ocsp-responder': 'RSA-2048',
  operator: 'RSA-2048',
  'gost-root': GOST_END_ENTITY_KEY_ALGORITHM,
  'gost-issuing': GOST_END_ENTITY_KEY_ALGORITHM,
  'gost-ocsp-responder': GOST_END_ENTITY_KEY_ALGORITHM,
  'gost-root-ocsp-responder': GOST_END_ENTITY_KEY_ALGORITHM,
};

/** Which CA issues each CA key (undefined: self-signed). */
const ISSUER_OF: Record<CaKeyName, CaKeyName | undefined> = {
  root: undefined,
  issuing: 'root',
  operator: 'issuing',
  'gost-root': undefined,
  'gost-issuing': 'gost-root',
};

interface Plan {
  name: CaKeyName;
  subject: DistinguishedName;
  profile: CertificateProfile;
  urls?: CertificateUrls;
  kind: 'ca' | 'service';
}

/** A new key pair of a member: what issuance, the store and the key envelope need. */
interface NewKeyPair {
  privateKey: SigningKey;
  /** SubjectPublicKeyInfo DER. */
  spki: Uint8Array;
  /** The PKCS#8 private key (the caller wipes it). */
  pkcs8(): Promise<Uint8Array>;
}

/** Generates a key pair: WebCrypto (extractable, to be sealed) or a GOST-2015 512-bit software key. */
async function newKeyPair(algorithm: MemberAlgorithm): Promise<NewKeyPair> {
  if (algorithm === GOST_END_ENTITY_KEY_ALGORITHM) {
    const key = GostPrivateKey.generate('gost2015-512');
    return { privateKey: key, spki: key.publicKeyInfo, pkcs8: async () => encodeGostPkcs8(key) };
  }
  const keys = await generateKeyPair(algorithm, { extractable: true });
  return {
    privateKey: keys.privateKey,
    spki: await exportSpki(keys.publicKey),
    pkcs8: () => exportPkcs8(keys.privateKey),
  };
}

/**
 * Creates whatever part of the CA hierarchy is missing, renews expiring service certificates,
 * publishes the CAs for the status service, and returns the loaded material.
 * @throws {CaError} `ERR_UNAUTHORIZED` when the store was initialised with another passphrase;
 *   `ERR_VALIDATION` when the status passphrase equals the CA passphrase.
 * @example
 * ```ts
 * const store = openCaStore(join(dataDir, 'ca.sqlite'));
 * const { material } = await initCa(store, { passphrase, statusPassphrase, statusBaseUrl: 'http://127.0.0.1:8081' });
 * ```
 */
export async function initCa(store: CaRepository, opts: InitCaOptions): Promise<InitCaResult> {
  const now = opts.now ?? (() => new Date());
  const statusPassphrase = opts.statusPassphrase ?? DEV_STATUS_PASSPHRASE;
  if (statusPassphrase === opts.passphrase) {
    throw new CaError(
      'ERR_VALIDATION',
      'The status passphrase (KZPKI_STATUS_PASSPHRASE) must differ from the CA passphrase (KZPKI_CA_PASSPHRASE)',
    );
  }
  const algorithms = { ...DEFAULT_ALGORITHMS, ...opts.keyAlgorithms };
  await store.initSetting(KEK_SETTING, JSON.stringify(newKekParams()));
  const kek = (await kekFor(store, opts.passphrase)) as Uint8Array;
  const renewBeforeMs = (opts.renewBeforeDays ?? 30) * 86_400_000;
  const created: HierarchyName[] = [];
  const renewed: HierarchyName[] = [];
  const loaded = new Map<CaKeyName, CaKeyMaterial>();

  const plans: Plan[] = [
    // Both hierarchies laid out as the NCA's TEST CAs (AKI with the issuer's issuer and serial, no
    // path length, the NCA's extension order): RSA as НЕГІЗГІ КО TEST (RSA) and ҰКО 3.0 (RSA TEST).
    { name: 'root', subject: caSubject('root'), profile: rootCaProfile({ nca: 'rsa' }), kind: 'ca' },
    {
      name: 'issuing',
      subject: caSubject('issuing'),
      profile: issuingCaProfile({ nca: 'rsa' }),
      urls: issuingCaUrls(opts.statusBaseUrl),
      kind: 'ca',
    },
    {
      name: 'operator',
      subject: buildNcaSubject(opts.operator ?? DEFAULT_OPERATOR),
      profile: ncaOperatorProfile(),
      urls: endEntityUrls(opts.statusBaseUrl),
      kind: 'service',
    },
    {
      name: 'gost-root',
      subject: caSubject('gost-root'),
      profile: rootCaProfile({ nca: 'gost-2015' }),
      kind: 'ca',
    },
    {
      name: 'gost-issuing',
      subject: caSubject('gost-issuing'),
      profile: issuingCaProfile({ nca: 'gost-2015' }),
      urls: issuingCaUrls(opts.statusBaseUrl, 'gost'),
      kind: 'ca',
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
    const issuerName = ISSUER_OF[plan.name];
    const issuer = issuerName === undefined ? undefined : (loaded.get(issuerName) as CaKeyMaterial);
    const keys = await newKeyPair(algorithms[plan.name]);
    const issued: IssuedCertificate = await issueCertificate({
      publicKey: keys.spki,
      subject: plan.subject,
      profile: plan.profile,
      ...(issuer
        ? { issuer: issuer.certificate, issuerKey: issuer.privateKey }
        : { issuerKey: keys.privateKey }),
      // The CAs start CA_BACKDATE_DAYS in the past, so that test mode can issue "expired" test
      // certificates that still lie within the issuing CA's validity (see issuance/issue.ts).
      validity: {
        notBefore: plan.kind === 'ca' ? new Date(now().getTime() - CA_BACKDATE_DAYS * 86_400_000) : now(),
      },
      ...(plan.urls ? { urls: plan.urls } : {}),
    });
    const pkcs8 = await keys.pkcs8();
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
        spki: keys.spki,
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
  const root = rsaMaterial(get('root'));
  const issuing = rsaMaterial(get('issuing'));
  const gostRoot = gostMaterial(get('gost-root'));
  const gostIssuing = gostMaterial(get('gost-issuing'));

  await publishIssuers(
    store,
    [
      ['root', root],
      ['issuing', issuing],
      ['gost-root', gostRoot],
      ['gost-issuing', gostIssuing],
    ],
    now(),
  );

  const { kek: statusKek, changed } = await statusKekFor(store, statusPassphrase);
  const responders: Record<ResponderName, CaCertificateInfo> = {} as never;
  for (const [name, issuer] of [
    ['root-ocsp-responder', root],
    ['ocsp-responder', issuing],
    ['gost-root-ocsp-responder', gostRoot],
    ['gost-ocsp-responder', gostIssuing],
  ] as const) {
    const existing = await store.getOcspResponder(issuer.skiHex);
    if (existing && !changed && existing.notAfter.getTime() - now().getTime() > renewBeforeMs) {
      responders[name] = certificateInfo(name, existing.certificate);
      continue;
    }
    const issued = await issueResponder(store, {
      name,
      issuer,
      kek: statusKek,
      algorithm: algorithms[name],
      validityDays: opts.ocspResponderValidityDays ?? 90,
      caIssuersUrl: statusEndpoints(
        opts.statusBaseUrl,
        CA_FILE_NAMES[issuer.name as 'root' | 'issuing' | 'gost-root' | 'gost-issuing'],
      ).caIssuers,
      now: now(),
      renewal: existing !== undefined,
    });
    (existing ? renewed : created).push(name);
    responders[name] = certificateInfo(name, issued.der);
  }
  const timestampSigners = await ensureTimestampSigners(
    store,
    [
      {
        name: 'tsa',
        issuer: issuing,
        policy: TSA_POLICIES.tsa,
        algorithm: 'RSA-2048',
        urls: endEntityUrls(opts.statusBaseUrl),
      },
      {
        name: 'gost-tsa',
        issuer: gostIssuing,
        policy: TSA_POLICIES['gost-tsa'],
        algorithm: GOST_END_ENTITY_KEY_ALGORITHM,
        urls: endEntityUrls(opts.statusBaseUrl, 'gost'),
      },
    ],
    {
      kek: statusKek,
      kekChanged: changed,
      renewBeforeMs,
      now: now(),
      ...(opts.tsaValidityDays !== undefined ? { validityDays: opts.tsaValidityDays } : {}),
    },
  );
  return {
    created,
    renewed,
    timestampSigners,
    material: {
      root,
      issuing,
      operator: rsaMaterial(get('operator')),
      macKeys: await loadMacKeys(store, kek),
      ocspResponder: responders['ocsp-responder'],
      rootOcspResponder: responders['root-ocsp-responder'],
      gostRoot,
      gostIssuing,
      gostOcspResponder: responders['gost-ocsp-responder'],
      gostRootOcspResponder: responders['gost-root-ocsp-responder'],
    },
  };
}

/**
 * Publishes (or updates) the root and issuing CAs of both hierarchies under their URL names for the
 * status service (role `root` for the self-signed ones: the status service's trust anchors).
 */
async function publishIssuers(
  store: CaRepository,
  cas: ReadonlyArray<readonly ['root' | 'issuing' | 'gost-root' | 'gost-issuing', CaKeyMaterial]>,
  now: Date,
): Promise<void> {
  const published = await store.listIssuers();
  for (const [name, ca] of cas) {
    const id = CA_FILE_NAMES[name];
    const role = name === 'root' || name === 'gost-root' ? 'root' : 'issuing';
    const current = published.find((p) => p.id === id);
    if (current && current.skiHex === ca.skiHex && Buffer.from(current.certificate).equals(ca.certificate))
      continue;
    await store.putIssuer(
      { id, role, skiHex: ca.skiHex, certificate: ca.certificate, updatedAt: now },
      {
        actor: 'system',
        action: 'ca.issuer-published',
        entity: `issuer:${id}`,
        details: { skiHex: ca.skiHex },
      },
    );
  }
}

/**
 * The status KEK under `passphrase`: the stored parameters when their check value matches, else new
 * parameters (first start, or the status passphrase changed: `changed` asks for new responders).
 */
async function statusKekFor(
  store: CaRepository,
  passphrase: string,
): Promise<{ kek: StatusKek; changed: boolean }> {
  const raw = await store.getSetting(STATUS_KEK_SETTING);
  if (raw !== undefined) {
    const { check, ...params } = JSON.parse(raw) as KekParams & { check: string };
    const kek = await deriveStatusKek(passphrase, params);
    if (kek.check === check) return { kek, changed: false };
  }
  const kek = await deriveStatusKek(passphrase);
  await store.putSetting(STATUS_KEK_SETTING, JSON.stringify({ ...kek.params, check: kek.check }));
  return { kek, changed: raw !== undefined };
}

/** Issues a delegated OCSP responder of `issuer`; its key is sealed for the status service and dropped. */
async function issueResponder(
  store: CaRepository,
  p: {
    name: ResponderName;
    issuer: CaKeyMaterial;
    kek: StatusKek;
    algorithm: MemberAlgorithm;
    validityDays: number;
    caIssuersUrl: string;
    now: Date;
    renewal: boolean;
  },
): Promise<IssuedCertificate> {
  const keys = await newKeyPair(p.algorithm);
  const issued = await issueCertificate({
    publicKey: keys.spki,
    subject: caSubject(p.name),
    profile: ocspResponderProfile({ validityDays: p.validityDays }),
    issuer: p.issuer.certificate,
    issuerKey: p.issuer.privateKey,
    validity: { notBefore: p.now },
    urls: { caIssuers: [p.caIssuersUrl] },
  });
  const pkcs8 = await keys.pkcs8();
  const encryptedKey = sealResponderKey(p.kek, pkcs8, p.issuer.skiHex, issued.subjectKeyId);
  pkcs8.fill(0);
  await store.putOcspResponder(
    {
      issuerSkiHex: p.issuer.skiHex,
      certificate: issued.der,
      serialHex: issued.serialHex,
      skiHex: issued.subjectKeyId,
      notAfter: issued.notAfter,
      encryptedKey,
      createdAt: p.now,
    },
    certificateRecord(issued, {
      issuerSkiHex: p.issuer.skiHex,
      kind: 'service',
      spki: keys.spki,
      createdAt: p.now,
    }),
    {
      actor: 'system',
      action: p.renewal ? 'ca.ocsp-responder-renewed' : 'ca.ocsp-responder-created',
      entity: `ocsp-responder:${p.name}`,
      details: { serialHex: issued.serialHex, skiHex: issued.subjectKeyId, algorithm: p.algorithm },
    },
  );
  return issued;
}
