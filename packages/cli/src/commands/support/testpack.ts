/**
 * Test packs: for every template a valid, a revoked and an expired set of key files, made
 * against a running CA through the real issuance flow, plus the CA certificates, the current
 * CRLs and `index.json` describing every file. The layout is fixed:
 *
 *   DIR/index.json
 *   DIR/ca/<ca>.crt                  CA certificates of both hierarchies (RSA, GOST; PEM), and the
 *                                    CRLs (DER) as the status service names them
 *   DIR/<template>/<state>/*.p12     each holding its end-entity certificate only, as the NCA's
 *                                    (the chain is in ca/; --with-chain puts it inside too);
 *                                    individual: AUTH_RSA256_<ski>.p12 and RSA256_<ski>.p12;
 *                                    legal entities: GOST512_<ski>.p12 (with --key-algorithm
 *                                    RSA-2048: the AUTH_RSA256/RSA256 pair, as before)
 *   DIR/approvers/<BIN>/*.p12        first managers needed to approve, when not the pack's own
 *   DIR/information-system/<state>/GOST512_<ski>.p12
 *                                    for each BIN whose first manager is in the pack (valid) and each
 *                                    state of the pack: the certificate of one of the organisation's
 *                                    information systems (no IIN, UID, CN = the system's name, EKU
 *                                    1.2.398.3.3.4.1.2.6, three years; revoked by the first manager,
 *                                    or expired: backdated as the expired pairs); listed in
 *                                    `index.json` under `informationSystems`, each with its state (not
 *                                    in a pack made with an RSA/ECDSA --key-algorithm)
 */
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { basename, join } from 'node:path';
import {
  CabinetSession,
  createCaClient,
  devSmsOutbox,
  downloadBytes,
  type EnrollKeyAlgorithm,
  type EnrollResult,
  enroll,
  enrollKeyAlgorithm,
  type FetchLike,
  issueInformationSystem,
  type KeyFileFormat,
  KzpkiApiError,
  type OpenedKeyFile,
  openKeyFile,
  type RevocationReason,
  sleep,
  unwrap,
} from '@kzpki/client';
import {
  formatName,
  fromBase64,
  inspectCertificate,
  parseCrl,
  TEMPLATES,
  type TemplateName,
} from '@kzpki/pki';
import { CliError } from '../../errors.js';
import type { DemoPersonas, Persona } from '../../stack.js';
import { writeKeyFile, writeOutputFile } from './files.js';
import type { ProgressReporter } from './progress.js';

/** The states a pair of key files is made in. */
export const PACK_STATES = ['valid', 'revoked', 'expired'] as const;

/** State of a pair in the pack. */
export type PackState = (typeof PACK_STATES)[number];

/** Reason given when revoking the pack's revoked pairs. */
export const PACK_REVOCATION_REASON: RevocationReason = 'keyCompromise';

/** One key file in `index.json`. */
export interface PackFile {
  /** AUTH or SIGN (an RSA pair), or `auth+sign` (a legal entity's one GOST key file). */
  purpose: 'auth' | 'sign' | 'auth+sign';
  /** Path relative to the pack folder. */
  file: string;
  serialHex: string;
  skiHex: string;
  subject: string;
  notBefore: string;
  notAfter: string;
}

/** Writes a key file into `directory` of the pack and describes it for `index.json`. */
function packKeyFile(
  outDir: string,
  directory: string,
  keyFile: {
    fileName: string;
    bytes: Uint8Array;
    certificate: Pick<PackFile, 'serialHex' | 'skiHex' | 'subject' | 'notBefore' | 'notAfter'>;
  },
  purpose: PackFile['purpose'],
): PackFile {
  const file = `${directory}/${keyFile.fileName}`;
  writeKeyFile(join(outDir, file), keyFile.bytes);
  const c = keyFile.certificate;
  return {
    purpose,
    file,
    serialHex: c.serialHex,
    skiHex: c.skiHex,
    subject: c.subject,
    notBefore: c.notBefore,
    notAfter: c.notAfter,
  };
}

/** One pair of key files in `index.json`. */
export interface PackEntry {
  template: TemplateName;
  state: PackState;
  /** `approver`: a first manager enrolled only to approve the pack's applications. */
  role: 'subject' | 'approver';
  iin: string;
  bin?: string;
  name: string;
  organization?: string;
  applicationNumber: string;
  password: string;
  /** Key algorithm of the entry's keys: `GOST-2015-512` (one key file) or e.g. `RSA-2048` (a pair). */
  keyAlgorithm: EnrollKeyAlgorithm;
  /** Folder of the pair, relative to the pack. */
  directory: string;
  files: PackFile[];
  revocation?: { reason: RevocationReason; revokedAt: string };
}

/** The name (CN) of the information system the pack certifies for each organisation. */
export const PACK_INFORMATION_SYSTEM_NAME = 'ДОКУМЕНТООБОРОТ';

/**
 * One information-system key file in `index.json` (`informationSystems`): no person, no IIN and no
 * application; the organisation's first manager obtained it from the cabinet (and, for the revoked
 * state, revoked it there).
 */
export interface PackInformationSystem {
  kind: 'information-system';
  /** Like a pair's: `valid`, `revoked` (see `revocation`) or `expired` (backdated validity). */
  state: PackState;
  bin: string;
  organization: string;
  /** The system's name (the certificate's CN). */
  systemName: string;
  /** The system's identifier (the certificate's UID). */
  uid: string;
  /** IIN of the first manager whose cabinet session asked for it. */
  issuedForIin: string;
  password: string;
  keyAlgorithm: 'GOST-2015-512';
  /** Folder of the key file, relative to the pack. */
  directory: string;
  /** The one key file (purpose `auth+sign`). */
  files: PackFile[];
  revocation?: { reason: RevocationReason; revokedAt: string };
}

/** A CA certificate in `index.json`. */
export interface PackCaCertificate {
  name: string;
  file: string;
  subject: string;
  serialHex: string;
  skiHex: string;
  notBefore: string;
  notAfter: string;
}

/** A CRL in `index.json`. */
export interface PackCrl {
  file: string;
  url: string;
  kind: 'full' | 'delta';
  issuer: string;
  crlNumber?: string;
  thisUpdate: string;
  nextUpdate?: string;
  entryCount: number;
}

/** `DIR/index.json`. */
export interface PackIndex {
  format: 'kzpki-testpack';
  version: 1;
  createdAt: string;
  caUrl: string;
  /** Password of every key file. */
  password: string;
  keyFormat: KeyFileFormat;
  /**
   * The key algorithm asked for, or `by-template` (the default: GOST-2015-512 for legal entities,
   * RSA-2048 for individuals; each entry says which).
   */
  keyAlgorithm: EnrollKeyAlgorithm | 'by-template';
  ca: PackCaCertificate[];
  crls: PackCrl[];
  entries: PackEntry[];
  /**
   * The information systems' key files (absent in packs made before them and in packs with an
   * RSA/ECDSA `keyAlgorithm`, whose layout stays the older generation's).
   */
  informationSystems?: PackInformationSystem[];
}

/** Options of {@link makeTestPack}. */
export interface TestPackOptions {
  caUrl: string;
  outDir: string;
  password: string;
  /** Templates to include (default: all). */
  templates?: readonly TemplateName[];
  /** States to include (default: all three). */
  states?: readonly PackState[];
  keyFormat?: KeyFileFormat;
  /** Every entry's key algorithm (default: GOST-2015-512 for legal entities, RSA-2048 for individuals). */
  keyAlgorithm?: EnrollKeyAlgorithm;
  /**
   * Also put the CA chain into every key file (default false: each holds its end-entity
   * certificate only, as the NCA's; the chain is in `ca/`).
   */
  includeChain?: boolean;
  /** Replace an existing pack in `outDir`. */
  force?: boolean;
  /** Who to enroll: the reference CA's demo persons (`StackModule.loadDemoPersonas`). */
  personas: DemoPersonas;
  /** Longest wait for the status service to publish the revocations in its CRL (default 30 s). */
  crlTimeoutMs?: number;
  progress: ProgressReporter;
  fetch?: FetchLike;
}

/** One enrollment of the plan. */
export interface PlanItem {
  persona: Persona;
  state: PackState;
  role: 'subject' | 'approver';
  directory: string;
}

const INFORMATION_SYSTEM_DIRECTORY = 'information-system';

/** Everything the pack writes at its top level (what `--force` replaces). */
function packEntries(): string[] {
  return ['index.json', 'ca', 'approvers', INFORMATION_SYSTEM_DIRECTORY, ...Object.keys(TEMPLATES)];
}

/** Names of a previous pack in `outDir` to replace; throws when the folder holds something and `force` is off. */
function previousPack(outDir: string, force: boolean): string[] {
  if (!existsSync(outDir)) return [];
  const present = readdirSync(outDir);
  if (present.length === 0) return [];
  if (!force) {
    throw new CliError(
      'ERR_USAGE',
      `${outDir} is not empty: choose another --out or pass --force to replace the pack`,
    );
  }
  const ours = new Set(packEntries());
  return present.filter((name) => ours.has(name));
}

/** The enrollments to make, approvers first. */
export function planTestPack(
  personas: DemoPersonas,
  templates: readonly TemplateName[],
  states: readonly PackState[],
): PlanItem[] {
  const items: PlanItem[] = [];
  const approverBins = new Set<string>();
  for (const t of templates) {
    const p = personas.byTemplate[t];
    if (!p) throw new CliError('ERR_USAGE', `the demo data has nobody for template ${t}`);
    if (TEMPLATES[t].firstManagerApproval && p.bin) approverBins.add(p.bin);
  }
  const manager = personas.byTemplate['first-manager'];
  const managerInPack =
    manager !== undefined && templates.includes('first-manager') && states.includes('valid');
  for (const bin of approverBins) {
    if (managerInPack && manager.bin === bin) continue;
    const fm = personas.firstManagers.get(bin);
    if (!fm) throw new CliError('ERR_USAGE', `the demo data has no first manager for BIN ${bin}`);
    items.push({ persona: fm, state: 'valid', role: 'approver', directory: `approvers/${bin}` });
  }
  const ordered = [...templates].sort((a, b) => (a === 'first-manager' ? -1 : b === 'first-manager' ? 1 : 0));
  for (const t of ordered) {
    const persona = personas.byTemplate[t] as Persona;
    // A first manager's valid pair comes first: it approves the others.
    const validFirst = (a: PackState, b: PackState): number => (a === 'valid' ? -1 : b === 'valid' ? 1 : 0);
    const pairStates = t === 'first-manager' ? [...states].sort(validFirst) : states;
    for (const state of pairStates)
      items.push({ persona, state, role: 'subject', directory: `${t}/${state}` });
  }
  // The pack's own first manager approves, so it must come before anything it approves.
  return [...items.filter((i) => i.role === 'approver'), ...items.filter((i) => i.role === 'subject')];
}

function expiredValidity(now: Date): { notBefore: Date; notAfter: Date } {
  const day = 86_400_000;
  const midnight = Math.floor(now.getTime() / day) * day;
  return { notBefore: new Date(midnight - 730 * day), notAfter: new Date(midnight - 365 * day) };
}

/** An approver's open cabinet session and SIGN key. */
interface Approver {
  session: CabinetSession;
  sign: OpenedKeyFile;
  /** The first manager's IIN. */
  iin: string;
}

/**
 * Makes a test pack against a running CA (and the status service its certificates point at).
 *
 * @throws {KzpkiApiError} when the CA refuses a step (`ERR_TEST_MODE_REQUIRED` for expired pairs on a
 *   CA outside test mode, ...), or the status service never lists the revocations.
 */
export async function makeTestPack(options: TestPackOptions): Promise<PackIndex> {
  const templates = options.templates ?? (Object.keys(TEMPLATES) as TemplateName[]);
  const states = options.states ?? PACK_STATES;
  const keyFormat = options.keyFormat ?? 'legacy';
  const keyAlgorithm = options.keyAlgorithm;
  const fetchOpt = options.fetch ? { fetch: options.fetch } : {};
  const personas = options.personas;
  const plan = planTestPack(personas, templates, states);
  const replaced = previousPack(options.outDir, options.force === true);
  const ca = createCaClient({ baseUrl: options.caUrl, ...fetchOpt });
  const health = await unwrap(ca.GET('/v1/health'));
  if (states.includes('expired') && !health.testMode) {
    throw new KzpkiApiError(
      'ERR_TEST_MODE_REQUIRED',
      'Expired pairs need a CA in test mode (backdated validity)',
    );
  }
  if (!health.devMode) {
    throw new KzpkiApiError(
      'ERR_OTP_UNAVAILABLE',
      'Test packs read the one-time codes from the dev SMS outbox: run the CA in dev mode',
    );
  }
  // Only now that the CA answers: a failing run must not cost the previous pack.
  for (const name of replaced) rmSync(join(options.outDir, name), { recursive: true, force: true });
  const total = plan.length + 2;
  const progress = options.progress;
  const outbox = devSmsOutbox(options.caUrl, fetchOpt);
  const now = new Date();

  progress.update(0, 'CA certificates');
  const caCerts = (await unwrap(ca.GET('/v1/ca/certificates'))).certificates;
  const caIndex: PackCaCertificate[] = caCerts.map((c) => {
    const file = `ca/${c.fileName}`;
    writeOutputFile(join(options.outDir, file), c.pem);
    return {
      name: c.name,
      file,
      subject: c.subject,
      serialHex: c.serialHex,
      skiHex: c.skiHex,
      notBefore: c.notBefore,
      notAfter: c.notAfter,
    };
  });

  const approvers = new Map<string, Approver>();
  const entries: PackEntry[] = [];
  // GOST packs (the default) certify an information system per first manager's organisation; an
  // RSA/ECDSA pack keeps the older generation's layout.
  const withInformationSystems = keyAlgorithm === undefined || keyAlgorithm === 'GOST-2015-512';
  const informationSystems: PackInformationSystem[] = [];
  // One end-entity certificate per issuing CA: where the CRLs are named.
  const leafCertificates = new Map<string, Uint8Array>();
  // The certificates the pack revoked, with their issuing CA's key id.
  const revoked: Array<{ serialHex: string; issuer: string | undefined }> = [];
  try {
    for (const [i, item] of plan.entries()) {
      const { persona, state } = item;
      const label = `${item.directory} (${persona.name})`;
      progress.update(i + 1, label);
      const approver =
        persona.bin !== undefined && TEMPLATES[persona.template].firstManagerApproval
          ? persona.bin
          : undefined;
      const result: EnrollResult = await enroll({
        caUrl: options.caUrl,
        template: persona.template,
        iin: persona.iin,
        ...(persona.bin ? { bin: persona.bin } : {}),
        password: options.password,
        otp: outbox.otp,
        // Digital ID's page asks for the registered phone: the one the first code went to.
        phone: outbox.phone,
        keyAlgorithm: enrollKeyAlgorithm(persona.template, keyAlgorithm),
        keyFileFormat: keyFormat,
        ...(options.includeChain ? { includeChain: true } : {}),
        ...(state === 'expired' ? { validity: expiredValidity(now) } : {}),
        wait: { pollIntervalMs: 250, approvalTimeoutMs: 60_000, moderationTimeoutMs: 60_000 },
        onProgress: (e) => progress.update(i + 1, `${label}: ${e.message}`, e.waiting === undefined),
        ...(approver
          ? {
              onAwaitingApproval: async ({ number }) => {
                const a = approvers.get(approver);
                if (!a)
                  throw new KzpkiApiError(
                    'ERR_UNEXPECTED_STATE',
                    `No approver for BIN ${approver} in the pack`,
                  );
                await a.session.decide(number, 'approve', a.sign);
              },
            }
          : {}),
        ...fetchOpt,
      });
      const directory = item.directory;
      const files = result.keyFiles.map((f) => packKeyFile(options.outDir, directory, f, f.purpose));
      const entry: PackEntry = {
        template: persona.template,
        state,
        role: item.role,
        iin: persona.iin,
        ...(persona.bin ? { bin: persona.bin } : {}),
        name: persona.name,
        ...(persona.organization ? { organization: persona.organization } : {}),
        applicationNumber: result.applicationNumber,
        password: options.password,
        keyAlgorithm: enrollKeyAlgorithm(persona.template, keyAlgorithm),
        directory,
        files,
      };
      // A GOST key file serves for logging in and signing alike.
      const authFile = result.keyFiles.find((f) => f.purpose === 'auth' || f.purpose === 'auth+sign');
      const signFile = result.keyFiles.find((f) => f.purpose === 'sign' || f.purpose === 'auth+sign');
      if (!authFile || !signFile)
        throw new KzpkiApiError('ERR_INVALID_RESPONSE', 'enroll() returned no AUTH/SIGN pair or GOST key');
      if (state !== 'expired') {
        const der = fromBase64(authFile.certificate.der);
        const issuer = inspectCertificate(der).authorityKeyId ?? '';
        if (!leafCertificates.has(issuer)) leafCertificates.set(issuer, der);
      }
      if (
        persona.template === 'first-manager' &&
        state === 'valid' &&
        persona.bin &&
        !approvers.has(persona.bin)
      ) {
        // Opening the files we just wrote also proves they work with the pack's password.
        const auth = await openKeyFile(authFile.bytes, options.password, 'auth');
        const sign = await openKeyFile(signFile.bytes, options.password, 'sign');
        approvers.set(persona.bin, {
          session: await CabinetSession.loginWith({ caUrl: options.caUrl, auth, ...fetchOpt }),
          sign,
          iin: persona.iin,
        });
      }
      if (state === 'revoked') {
        const auth = await openKeyFile(authFile.bytes, options.password, 'auth');
        const holder = await CabinetSession.loginWith({ caUrl: options.caUrl, auth, ...fetchOpt });
        try {
          let revokedAt = '';
          // SIGN first: once the AUTH certificate is revoked, its session ends.
          for (const f of new Set([signFile, authFile])) {
            const record = await holder.revoke(f.certificate.serialHex, PACK_REVOCATION_REASON);
            revoked.push({
              serialHex: f.certificate.serialHex,
              issuer: inspectCertificate(fromBase64(f.certificate.der)).authorityKeyId,
            });
            revokedAt = record.revokedAt ?? revokedAt;
          }
          entry.revocation = { reason: PACK_REVOCATION_REASON, revokedAt };
        } finally {
          await holder.logout().catch(() => undefined);
        }
      }
      entries.push(entry);
      progress.note(`${directory}: ${entry.files.map((f) => basename(f.file)).join(', ')}`);
    }
    if (withInformationSystems) {
      // The pack's states in the usual order: the same system certified three times, each time
      // with a new key (the CA certifies a key once), told apart by folder as the pairs are.
      const isStates = PACK_STATES.filter((st) => states.includes(st));
      for (const [bin, a] of approvers) {
        for (const state of isStates) {
          const directory = `${INFORMATION_SYSTEM_DIRECTORY}/${state}`;
          progress.update(plan.length, `${directory} (BIN ${bin})`);
          const entry = await informationSystemOf(a, state, directory);
          informationSystems.push(entry);
          progress.note(
            `${directory}: ${basename(entry.files[0]?.file ?? '')} (BIN ${bin}, ${entry.systemName})`,
          );
        }
      }
    }
  } finally {
    for (const a of approvers.values()) await a.session.logout().catch(() => undefined);
  }

  /** One information system's key file in `state`, issued (and revoked) through `a`'s cabinet. */
  async function informationSystemOf(
    a: Approver,
    state: PackState,
    directory: string,
  ): Promise<PackInformationSystem> {
    const issued = await issueInformationSystem({
      caUrl: options.caUrl,
      session: a.session,
      systemName: PACK_INFORMATION_SYSTEM_NAME,
      password: options.password,
      keyFileFormat: keyFormat,
      ...(options.includeChain ? { includeChain: true } : {}),
      ...(state === 'expired' ? { validity: expiredValidity(now) } : {}),
      ...fetchOpt,
    });
    const packed = packKeyFile(options.outDir, directory, issued, issued.purpose);
    const c = issued.certificate;
    let revocation: PackInformationSystem['revocation'];
    if (state === 'revoked') {
      // The first manager revokes it from the cabinet, as the organisation's authority.
      const record = await a.session.revoke(c.serialHex, PACK_REVOCATION_REASON);
      revoked.push({
        serialHex: c.serialHex,
        issuer: inspectCertificate(fromBase64(c.der)).authorityKeyId,
      });
      revocation = { reason: PACK_REVOCATION_REASON, revokedAt: record.revokedAt ?? '' };
    }
    return {
      kind: 'information-system',
      state,
      bin: issued.bin,
      organization: issued.organization,
      systemName: issued.systemName,
      uid: issued.uid,
      issuedForIin: a.iin,
      password: options.password,
      keyAlgorithm: 'GOST-2015-512',
      directory,
      files: [packed],
      ...(revocation ? { revocation } : {}),
    };
  }

  progress.update(plan.length + 1, 'CRLs');
  const crls = await downloadCrls(options, [...leafCertificates.values()], caCerts, revoked);
  progress.update(total, 'done');

  const index: PackIndex = {
    format: 'kzpki-testpack',
    version: 1,
    createdAt: now.toISOString(),
    caUrl: options.caUrl,
    password: options.password,
    keyFormat,
    keyAlgorithm: keyAlgorithm ?? 'by-template',
    ca: caIndex,
    crls,
    entries,
    ...(withInformationSystems ? { informationSystems } : {}),
  };
  writeOutputFile(join(options.outDir, 'index.json'), `${JSON.stringify(index, null, 2)}\n`);
  return index;
}

/**
 * Downloads the CRLs the pack's certificates name (for each hierarchy the issuing CA's full and
 * delta CRL from an end-entity certificate, the root's from the issuing CA certificate), waiting
 * until each full CRL lists every certificate of its CA the pack revoked (the status service
 * regenerates it shortly after each revocation).
 */
async function downloadCrls(
  options: TestPackOptions,
  leafCertificates: Uint8Array[],
  caCerts: Array<{ name: string; pem: string; skiHex: string }>,
  revoked: ReadonlyArray<{ serialHex: string; issuer: string | undefined }>,
): Promise<PackCrl[]> {
  const fetchOpt = options.fetch ? { fetch: options.fetch } : {};
  const sources: Array<{ url: string; kind: 'full' | 'delta'; mustList: string[] }> = [];
  for (const der of leafCertificates) {
    const leaf = inspectCertificate(der);
    const issuing = caCerts.find((c) => c.skiHex === leaf.authorityKeyId);
    const mustList = revoked.filter((r) => r.issuer === leaf.authorityKeyId).map((r) => r.serialHex);
    sources.push(
      ...leaf.crlUrls.map((url) => ({ url, kind: 'full' as const, mustList })),
      ...leaf.deltaCrlUrls.map((url) => ({ url, kind: 'delta' as const, mustList: [] })),
      ...(issuing ? inspectCertificate(issuing.pem).crlUrls : []).map((url) => ({
        url,
        kind: 'full' as const,
        mustList: [],
      })),
    );
  }
  const deadline = Date.now() + (options.crlTimeoutMs ?? 30_000);
  const out: PackCrl[] = [];
  for (const { url, kind, mustList } of sources) {
    for (;;) {
      const der = await downloadBytes(url, fetchOpt);
      const crl = parseCrl(der);
      const missing = mustList.filter((serial) => !crl.find(serial));
      if (missing.length === 0) {
        const file = `ca/${basename(new URL(url).pathname)}`;
        writeOutputFile(join(options.outDir, file), der);
        out.push({
          file,
          url,
          kind,
          issuer: formatName(crl.issuer),
          ...(crl.crlNumber !== undefined ? { crlNumber: crl.crlNumber.toString() } : {}),
          thisUpdate: crl.thisUpdate.toISOString(),
          ...(crl.nextUpdate ? { nextUpdate: crl.nextUpdate.toISOString() } : {}),
          entryCount: crl.entryCount,
        });
        break;
      }
      if (Date.now() > deadline) {
        throw new KzpkiApiError(
          'ERR_WAIT_TIMEOUT',
          `${url} still does not list ${missing.length} revoked certificate(s)`,
          {
            details: { url, missing },
          },
        );
      }
      await sleep(500);
    }
  }
  return out;
}
