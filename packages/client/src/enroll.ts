/**
 * `enroll()`: the whole remote issuance flow of docs/domain.md from the applicant's side, in Node
 * or in a browser. Keys are generated here and never leave the client; only the certificate
 * requests go to the CA. The key files are built here with the user's password.
 *
 *   start → OTP → Digital ID: the registered phone and its second code → identification → consent
 *   (PIN) → agreement → keys + CSRs → submit → [approval by the first manager] → issue → download
 *   → key files → proof of possession
 *
 * Legal-entity templates get one GOST R 34.10-2015 512-bit key and certificate by default, as the
 * NCA issues them today (`GOST512_<ski>.p12`); `keyAlgorithm: 'RSA-2048'` (or another RSA/ECDSA
 * algorithm) asks for the older generation's AUTH + SIGN pair, which individuals always get.
 */
import { checkPassword } from '@kzpki/password-policy';
import {
  buildNcaSubject,
  createCsr,
  encodeGostPkcs8,
  fromBase64,
  GOST_END_ENTITY_KEY_ALGORITHM,
  GostPrivateKey,
  generateKeyPair,
  gostTemplateProfile,
  inspectCertificate,
  isTemplateName,
  type KeyAlgorithmName,
  normalizeSerialHex,
  randomBytes,
  type SigningKey,
  signData,
  TEMPLATES,
  type TemplateName,
  toBase64,
  toBase64Url,
  toPem,
} from '@kzpki/pki';
import { type CaClient, createCaClient } from './ca-client.js';
import { devSmsOutbox, type OtpProvider, type OtpPurpose, type PhoneProvider } from './dev-outbox.js';
import { isKzpkiApiError, KzpkiApiError } from './errors.js';
import { type FetchLike, unwrap } from './http.js';
import { type IdentificationInput, simulatedIdentification } from './identification.js';
import { type BuiltKeyFile, buildKeyFile, type KeyFileFormat } from './key-files.js';
import { type EnrollProgress, type EnrollStep, progressEvent, type WaitReason } from './progress.js';
import type {
  Agreement,
  Application,
  ApplicationStatus,
  CaCertificateData,
  CertificateBundle,
  IssuedCertificateData,
  IssuedGostCertificateData,
  RecognizedDocument,
} from './types.js';
import { sleep, throwIfAborted } from './wait.js';

/** Timing of the waits of {@link enroll}. */
export interface EnrollWaitOptions {
  /** Interval between status polls while waiting for approval or moderation (default 2000 ms). */
  pollIntervalMs?: number;
  /** Longest wait for the first manager's decision (default 30 minutes). */
  approvalTimeoutMs?: number;
  /** Longest wait for the operator's moderation decision (default 30 minutes). */
  moderationTimeoutMs?: number;
  /** Longest total wait on rate limits and the OTP resend cooldown (default 5 minutes). */
  rateLimitTimeoutMs?: number;
}

/** Options of {@link enroll}. */
export interface EnrollOptions {
  /** Base URL of the CA, e.g. `http://127.0.0.1:8080`. */
  caUrl: string;
  /** Certificate template. */
  template: TemplateName;
  /** The applicant's IIN (12 digits). */
  iin: string;
  /** The organisation's BIN (12 digits), for every template but `individual`. */
  bin?: string;
  /** Password of the key files; checked against the NCA rule before anything is sent. */
  password: string;
  /**
   * Supplies each one-time code sent by SMS (e.g. `devSmsOutbox(caUrl).otp`, or a prompt): the
   * first one and Digital ID's (`request.purpose` says which).
   */
  otp: OtpProvider;
  /**
   * The phone number registered in the Mobile Citizens Database, which Digital ID's page asks for
   * (`+7` and ten digits), or a function that supplies it. Default: the number the first code went
   * to, read from the reference CA's dev SMS outbox (dev mode only; `ERR_PHONE_UNAVAILABLE`
   * elsewhere).
   */
  phone?: string | PhoneProvider;
  /**
   * What Digital ID collects. Default: {@link simulatedIdentification} with an ID card, then a
   * passport if the ID card is not recognised (the reference CA's simulation).
   */
  identification?: IdentificationInput;
  /** E-mail for notifications (also written into the certificates' subject). */
  email?: string;
  /**
   * Key algorithm. `GOST-2015-512`: one key and one certificate (legal-entity templates only, and
   * their default, as the NCA issues them today). An RSA or ECDSA algorithm: the AUTH + SIGN pair,
   * two keys of it (the default for individuals is `RSA-2048`, the NCA's RSA generation).
   */
  keyAlgorithm?: EnrollKeyAlgorithm;
  /** PKCS #12 profile of the key files (default `legacy`, as the NCA's files). */
  keyFileFormat?: KeyFileFormat;
  /** PBE and MAC iterations of the key files. */
  keyFileIterations?: number;
  /**
   * Also put the CA chain (issuing CA, root) into the key files. Default false: like the NCA's,
   * each key file holds its end-entity certificate only, and the chain is in
   * {@link EnrollResult.chain} (`kzpki enroll` writes it to `ca/`). For tools that want it inside.
   */
  includeChain?: boolean;
  /** Backdated or shortened validity (CA in test mode only), for "expired" test keys. */
  validity?: { notBefore: Date; notAfter: Date };
  /** Confirm installation with a proof of possession (default true: status "certificates installed"). */
  confirmInstallation?: boolean;
  /** Progress events. */
  onProgress?: (event: EnrollProgress) => void;
  /** Shows the recognised document data (the user confirms it). */
  onRecognizedDocument?: (document: RecognizedDocument) => void | Promise<void>;
  /** Decides whether the user accepts the agreement (default: accept). */
  acceptAgreement?: (agreement: Agreement) => boolean | Promise<boolean>;
  /** Called once when the application waits for the first manager (e.g. to run `approve()`). */
  onAwaitingApproval?: (application: { id: string; number: string }) => void | Promise<void>;
  /** Codes entered before giving up (default 3). */
  maxOtpAttempts?: number;
  wait?: EnrollWaitOptions;
  /** Skip the NCA password rule (tests and migrations only). */
  skipPasswordPolicy?: boolean;
  fetch?: FetchLike;
  /** Cancels the flow (rejects with `ERR_ABORTED`). */
  signal?: AbortSignal;
}

/** Key algorithms of {@link enroll}: a WebCrypto algorithm (AUTH + SIGN pair) or the GOST-2015 512-bit key. */
export type EnrollKeyAlgorithm = KeyAlgorithmName | typeof GOST_END_ENTITY_KEY_ALGORITHM;

/** A key file made by {@link enroll}. */
export interface EnrolledKeyFile extends BuiltKeyFile {
  /** AUTH or SIGN (an RSA pair), or `auth+sign` (the one GOST key file of a legal entity). */
  purpose: 'auth' | 'sign' | 'auth+sign';
  /** The certificate in it, as the CA returned it. */
  certificate: IssuedCertificateData | IssuedGostCertificateData;
}

/**
 * The key algorithm {@link enroll} uses for a template: the given one, else GOST-2015-512 for
 * legal-entity templates and RSA-2048 for individuals.
 * @example
 * ```ts
 * enrollKeyAlgorithm('employee'); // 'GOST-2015-512'
 * enrollKeyAlgorithm('employee', 'RSA-2048'); // 'RSA-2048' (the older generation's AUTH + SIGN pair)
 * ```
 */
export function enrollKeyAlgorithm(template: TemplateName, given?: EnrollKeyAlgorithm): EnrollKeyAlgorithm {
  if (given !== undefined) return given;
  return TEMPLATES[template].kind === 'legal-entity' ? GOST_END_ENTITY_KEY_ALGORITHM : 'RSA-2048';
}

/** What {@link enroll} returns. */
export interface EnrollResult {
  applicationId: string;
  /** The 14-digit application number. */
  applicationNumber: string;
  /** `installed` (or `issued` with `confirmInstallation: false`). */
  status: ApplicationStatus;
  /** The AUTH key file first, then SIGN; or the one GOST key file. */
  keyFiles: EnrolledKeyFile[];
  /**
   * The CA chain (issuing CA, root), apart from the key files (which hold it only with
   * `includeChain: true`).
   */
  chain: CaCertificateData[];
}

const DEFAULT_WAIT: Required<EnrollWaitOptions> = {
  pollIntervalMs: 2000,
  approvalTimeoutMs: 30 * 60_000,
  moderationTimeoutMs: 30 * 60_000,
  rateLimitTimeoutMs: 5 * 60_000,
};

function invalid(message: string): KzpkiApiError {
  return new KzpkiApiError('ERR_INVALID_ARGUMENT', message);
}

function checkOptions(o: EnrollOptions): void {
  if (typeof o !== 'object' || o === null) throw invalid('enroll() needs an options object');
  if (!isTemplateName(o.template)) throw invalid(`Unknown template ${JSON.stringify(o.template)}`);
  if (typeof o.iin !== 'string' || !/^\d{12}$/.test(o.iin)) throw invalid('iin must be 12 digits');
  const template = TEMPLATES[o.template];
  if (template.binRequired && (typeof o.bin !== 'string' || !/^\d{12}$/.test(o.bin))) {
    throw invalid(`Template ${o.template} needs the organisation's BIN (12 digits)`);
  }
  if (!template.binRequired && o.bin !== undefined) throw invalid(`Template ${o.template} takes no BIN`);
  if (typeof o.password !== 'string') throw invalid('password must be a string');
  if (typeof o.otp !== 'function') throw invalid('otp must be a function that returns the one-time code');
  if (o.phone !== undefined && typeof o.phone !== 'function' && !/^\+7\d{10}$/.test(String(o.phone))) {
    throw invalid('phone must be +7 and ten digits, or a function that returns it');
  }
  if (o.validity && !(o.validity.notBefore < o.validity.notAfter)) {
    throw invalid('validity.notBefore must be before validity.notAfter');
  }
  if (o.keyAlgorithm === GOST_END_ENTITY_KEY_ALGORITHM && template.kind !== 'legal-entity') {
    throw invalid(`Template ${o.template} is issued as an RSA AUTH + SIGN pair, not with a GOST key`);
  }
}

/** A fetch that carries the caller's abort signal on every request. */
function abortableFetch(base: FetchLike | undefined, signal: AbortSignal | undefined): FetchLike | undefined {
  if (!signal) return base;
  const f: FetchLike = base ?? ((r) => fetch(r));
  return (request) => f(new Request(request, { signal }));
}

/** A fresh `Idempotency-Key`. */
function idempotencyKey(): string {
  return `kzpki-${toBase64Url(randomBytes(16))}`;
}

/** The running flow: the options, the clients and the application so far. */
class Flow {
  readonly wait: Required<EnrollWaitOptions>;
  readonly ca: CaClient;
  authed: CaClient | undefined;
  application: Application | undefined;
  private rateLimitWaitedMs = 0;

  constructor(readonly o: EnrollOptions) {
    this.wait = { ...DEFAULT_WAIT, ...o.wait };
    const f = abortableFetch(o.fetch, o.signal);
    this.ca = createCaClient({ baseUrl: o.caUrl, ...(f ? { fetch: f } : {}) });
  }

  get session(): CaClient {
    if (!this.authed) throw new KzpkiApiError('ERR_UNEXPECTED_STATE', 'No applicant session');
    return this.authed;
  }

  get id(): string {
    if (!this.application) throw new KzpkiApiError('ERR_UNEXPECTED_STATE', 'No application');
    return this.application.id;
  }

  get path(): { params: { path: { applicationId: string } } } {
    return { params: { path: { applicationId: this.id } } };
  }

  progress(
    step: EnrollStep | 'done',
    message: string,
    waiting?: { reason: WaitReason; retryAfterSeconds?: number },
  ): void {
    throwIfAborted(this.o.signal);
    const a = this.application;
    this.o.onProgress?.(
      progressEvent(step, message, {
        ...(a
          ? { application: { id: a.id, ...(a.number ? { number: a.number } : {}), status: a.status } }
          : {}),
        ...(waiting ? { waiting } : {}),
      }),
    );
  }

  /** Runs `call`, waiting out `ERR_RATE_LIMITED` / `ERR_OTP_RESEND_TOO_EARLY` within the rate-limit budget. */
  async patiently<T>(step: EnrollStep, call: () => Promise<T>): Promise<T> {
    for (;;) {
      try {
        return await call();
      } catch (e) {
        if (!isKzpkiApiError(e, 'ERR_RATE_LIMITED', 'ERR_OTP_RESEND_TOO_EARLY')) throw e;
        const seconds = e.retryAfterSeconds ?? 5;
        if (this.rateLimitWaitedMs + seconds * 1000 > this.wait.rateLimitTimeoutMs) throw e;
        const reason: WaitReason = e.code === 'ERR_RATE_LIMITED' ? 'rate-limit' : 'otp-resend';
        this.progress(step, `The CA asks to wait ${seconds} s (${e.code})`, {
          reason,
          retryAfterSeconds: seconds,
        });
        await sleep(seconds * 1000, this.o.signal);
        this.rateLimitWaitedMs += seconds * 1000;
      }
    }
  }

  /**
   * Retries a call made with an Idempotency-Key after a network failure or while another CA node
   * still holds the call (the CA replays, never repeats): 0.5, 1, 2 and 4 s apart, long enough for
   * a CA node that died mid-issuance to be seen dead and its claim taken over by another.
   */
  async idempotent<T>(call: (key: string) => Promise<T>): Promise<T> {
    const key = idempotencyKey();
    for (let attempt = 1; ; attempt++) {
      try {
        return await call(key);
      } catch (e) {
        if (attempt >= 5 || !isKzpkiApiError(e, 'ERR_NETWORK', 'ERR_IDEMPOTENCY_IN_PROGRESS')) throw e;
        await sleep(500 * 2 ** (attempt - 1), this.o.signal);
      }
    }
  }

  /** Polls the application until its status is one of `until` (or it expired, or time ran out). */
  async waitFor(
    step: EnrollStep,
    reason: WaitReason,
    until: readonly ApplicationStatus[],
    timeoutMs: number,
  ): Promise<Application> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const app = await unwrap(this.session.GET('/v1/applications/{applicationId}', this.path));
      this.application = app;
      if (until.includes(app.status)) return app;
      if (app.status === 'expired') {
        throw new KzpkiApiError(
          'ERR_APPLICATION_EXPIRED',
          `Application ${app.number ?? app.id} expired while waiting`,
        );
      }
      if (Date.now() >= deadline) {
        throw new KzpkiApiError(
          'ERR_WAIT_TIMEOUT',
          `Application ${app.number ?? app.id} is still ${app.status} after ${Math.round(timeoutMs / 1000)} s`,
          { details: { applicationId: app.id, applicationNumber: app.number, status: app.status, reason } },
        );
      }
      this.progress(step, `Waiting (${app.statusText.en})`, { reason });
      await sleep(this.wait.pollIntervalMs, this.o.signal);
    }
  }
}

async function startApplication(flow: Flow): Promise<void> {
  const { template, iin, bin } = flow.o;
  flow.progress('start', `Starting an application (template ${template}) for IIN ${iin}`);
  const kind = TEMPLATES[template].kind;
  flow.application = await flow.patiently('start', () =>
    unwrap(flow.ca.POST('/v1/applications', { body: { kind, template, iin, ...(bin ? { bin } : {}) } })),
  );
}

async function askOtp(flow: Flow, attempt: number, purpose: OtpPurpose = 'application'): Promise<string> {
  const app = flow.application as Application;
  const otp = purpose === 'application' ? app.otp : app.digitalIdOtp;
  if (!otp)
    throw new KzpkiApiError('ERR_UNEXPECTED_STATE', 'The CA did not say where the one-time code went');
  const expiresAt = new Date(otp.expiresAt);
  let code: string;
  try {
    code = await flow.o.otp({
      applicationId: app.id,
      purpose,
      iin: flow.o.iin,
      sentTo: otp.sentTo,
      sentAt: new Date(expiresAt.getTime() - otp.ttlSeconds * 1000),
      expiresAt,
      attempt,
    });
  } catch (e) {
    if (isKzpkiApiError(e, 'ERR_OTP_UNAVAILABLE', 'ERR_ABORTED')) throw e;
    throw new KzpkiApiError('ERR_OTP_UNAVAILABLE', `No one-time code: ${(e as Error)?.message ?? e}`, {
      cause: e,
    });
  }
  code = typeof code === 'string' ? code.trim() : '';
  if (!/^\d{6}$/.test(code))
    throw new KzpkiApiError('ERR_OTP_UNAVAILABLE', 'The one-time code must be 6 digits');
  return code;
}

/**
 * Asks for a one-time code of `purpose` and checks it, up to `maxOtpAttempts` times: a wrong code
 * with attempts left is asked for again; a void one (expired, or its attempts used up) is replaced
 * first by `renew` (after the resend cooldown). Both codes of the flow follow these rules.
 */
async function checkCodeWithRetries(
  flow: Flow,
  purpose: OtpPurpose,
  step: { announce: () => void; check: (code: string) => Promise<void>; renew: () => Promise<void> },
): Promise<void> {
  const max = flow.o.maxOtpAttempts ?? 3;
  for (let attempt = 1; ; attempt++) {
    step.announce();
    const code = await askOtp(flow, attempt, purpose);
    try {
      await step.check(code);
      return;
    } catch (e) {
      if (
        attempt >= max ||
        !isKzpkiApiError(e, 'ERR_OTP_INVALID', 'ERR_OTP_EXPIRED', 'ERR_OTP_ATTEMPTS_EXCEEDED')
      )
        throw e;
      const attemptsLeft = e.problem?.attemptsLeft;
      if (e.code === 'ERR_OTP_INVALID' && (typeof attemptsLeft !== 'number' || attemptsLeft > 0)) continue;
      await step.renew();
    }
  }
}

async function verifyOtp(flow: Flow): Promise<void> {
  await checkCodeWithRetries(flow, 'application', {
    announce: () => {
      const app = flow.application as Application;
      flow.progress(
        'otp',
        `One-time code sent from ${app.otp?.sender ?? '1414'} to ${app.otp?.sentTo ?? 'the phone'}`,
      );
    },
    check: async (code) => {
      const session = await unwrap(
        flow.ca.POST('/v1/applications/{applicationId}/otp/verification', { ...flow.path, body: { code } }),
      );
      flow.application = session.application;
      const f = abortableFetch(flow.o.fetch, flow.o.signal);
      flow.authed = createCaClient({
        baseUrl: flow.o.caUrl,
        token: session.token,
        ...(f ? { fetch: f } : {}),
      });
    },
    // The code is void: ask for a new one.
    renew: async () => {
      flow.application = await flow.patiently('otp', () =>
        unwrap(flow.ca.POST('/v1/applications/{applicationId}/otp', flow.path)),
      );
    },
  });
}

/** The number Digital ID's page asks for: given, supplied by the callback, or read from the dev outbox. */
async function digitalIdPhoneNumber(flow: Flow, firstCodeSentTo: string | undefined): Promise<string> {
  const given = flow.o.phone;
  if (typeof given === 'string') return given;
  const f = abortableFetch(flow.o.fetch, flow.o.signal);
  const provider = given ?? devSmsOutbox(flow.o.caUrl, f ? { fetch: f } : {}).phone;
  let phone: unknown;
  try {
    phone = await provider({
      applicationId: flow.id,
      iin: flow.o.iin,
      ...(firstCodeSentTo !== undefined ? { firstCodeSentTo } : {}),
    });
  } catch (e) {
    if (isKzpkiApiError(e, 'ERR_PHONE_UNAVAILABLE', 'ERR_ABORTED')) throw e;
    throw new KzpkiApiError('ERR_PHONE_UNAVAILABLE', `No phone number: ${(e as Error)?.message ?? e}`, {
      cause: e,
    });
  }
  if (typeof phone !== 'string' || !/^\+7\d{10}$/.test(phone.trim())) {
    throw new KzpkiApiError('ERR_PHONE_UNAVAILABLE', 'The phone number must be +7 and ten digits');
  }
  return phone.trim();
}

/**
 * Digital ID's phone page (seed steps 8-9): the number registered in the Mobile Citizens Database,
 * then the code Digital ID sends to it, under the same rules as the first code (a void code is
 * replaced by giving the number again, after the cooldown).
 */
async function confirmDigitalIdPhone(flow: Flow, firstCodeSentTo: string | undefined): Promise<void> {
  flow.progress(
    'digital-id-phone',
    'Digital ID asks for the phone registered in the Mobile Citizens Database',
  );
  const phone = await digitalIdPhoneNumber(flow, firstCodeSentTo);
  const sendCode = async (): Promise<void> => {
    flow.application = await flow.patiently('digital-id-phone', () =>
      unwrap(
        flow.session.POST('/v1/applications/{applicationId}/digital-id/phone', {
          ...flow.path,
          body: { phone },
        }),
      ),
    );
  };
  await sendCode();
  await checkCodeWithRetries(flow, 'digital-id', {
    announce: () => {
      const state = (flow.application as Application).digitalIdOtp;
      flow.progress(
        'digital-id-phone',
        `Digital ID code sent from ${state?.sender ?? '1414'} to ${state?.sentTo ?? 'the phone'}`,
      );
    },
    check: async (code) => {
      flow.application = await unwrap(
        flow.session.POST('/v1/applications/{applicationId}/digital-id/phone/verification', {
          ...flow.path,
          body: { code },
        }),
      );
    },
    // The code is void: give the number again for a new one.
    renew: sendCode,
  });
}

function toIdentificationBody(input: IdentificationInput) {
  return {
    selfie: toBase64(input.selfie),
    liveness: { passed: input.liveness.passed, score: input.liveness.score },
    pin: input.pin,
    document: {
      type: input.document.type,
      frontImage: toBase64(input.document.frontImage),
      ...(input.document.backImage ? { backImage: toBase64(input.document.backImage) } : {}),
    },
  };
}

async function identify(flow: Flow): Promise<string> {
  flow.progress('identification', 'Remote identification (Digital ID): selfie, liveness, identity document');
  const given = flow.o.identification;
  const attempts = given
    ? [given]
    : (() => {
        const idCard = simulatedIdentification({ document: 'id-card' });
        return [idCard, simulatedIdentification({ document: 'passport', pin: idCard.pin })];
      })();
  let result: Awaited<ReturnType<typeof submitIdentification>> | undefined;
  let used = attempts[0] as IdentificationInput;
  for (const [i, input] of attempts.entries()) {
    used = input;
    try {
      result = await submitIdentification(flow, input);
      break;
    } catch (e) {
      if (i === attempts.length - 1 || !isKzpkiApiError(e, 'ERR_DOCUMENT_NOT_RECOGNIZED')) throw e;
    }
  }
  if (!result) throw new KzpkiApiError('ERR_UNEXPECTED_STATE', 'Identification returned nothing');
  flow.application = result.application;
  await flow.o.onRecognizedDocument?.(result.recognizedDocument);
  flow.application = await unwrap(
    flow.session.POST('/v1/applications/{applicationId}/identification/confirmation', {
      ...flow.path,
      body: { confirmed: true },
    }),
  );
  if (flow.application.status === 'moderation') {
    flow.progress('identification', 'The document differs from the registry: an operator moderates it', {
      reason: 'moderation',
    });
    await flow.waitFor(
      'identification',
      'moderation',
      ['identified', 'identification-rejected'],
      flow.wait.moderationTimeoutMs,
    );
  }
  if (flow.application.status === 'identification-rejected') {
    throw new KzpkiApiError('ERR_IDENTIFICATION_REJECTED', 'The operator rejected the identification', {
      details: { applicationId: flow.id, comment: flow.application.rejection?.comment },
    });
  }
  if (flow.application.status !== 'identified') {
    throw new KzpkiApiError(
      'ERR_UNEXPECTED_STATE',
      `After identification the application is ${flow.application.status}`,
    );
  }
  return used.pin;
}

function submitIdentification(flow: Flow, input: IdentificationInput) {
  return unwrap(
    flow.session.POST('/v1/applications/{applicationId}/identification', {
      ...flow.path,
      body: toIdentificationBody(input),
    }),
  );
}

async function consentAndAgreement(flow: Flow, pin: string): Promise<void> {
  flow.progress('consent', 'Granting the NCA access to the ID data (PIN)');
  flow.application = await unwrap(
    flow.session.POST('/v1/applications/{applicationId}/consent', { ...flow.path, body: { pin } }),
  );
  flow.progress('agreement', 'Accepting the user agreement');
  const agreement = await unwrap(flow.ca.GET('/v1/agreement'));
  const accept = flow.o.acceptAgreement ? await flow.o.acceptAgreement(agreement) : true;
  if (!accept) throw new KzpkiApiError('ERR_ABORTED', 'The user agreement was not accepted');
  flow.application = await unwrap(
    flow.session.POST('/v1/applications/{applicationId}/agreement', {
      ...flow.path,
      body: { version: agreement.version, accepted: true },
    }),
  );
}

interface KeyPairs {
  kind: 'pair';
  auth: CryptoKeyPair;
  sign: CryptoKeyPair;
  csrs: { auth: string; sign: string };
}

interface GostKey {
  kind: 'gost';
  key: GostPrivateKey;
  csr: string;
}

type Keys = KeyPairs | GostKey;

/** The certificates issued for the keys: the AUTH and SIGN pair, or the one GOST certificate. */
type Issued =
  | { kind: 'pair'; certificates: Record<'auth' | 'sign', IssuedCertificateData> }
  | { kind: 'gost'; certificate: IssuedGostCertificateData };

async function makeKeys(flow: Flow): Promise<Keys> {
  const alg = enrollKeyAlgorithm(flow.o.template, flow.o.keyAlgorithm);
  const gost = alg === GOST_END_ENTITY_KEY_ALGORITHM;
  flow.progress(
    'keys',
    gost
      ? `Generating a ${alg} key and its certificate request on this computer`
      : `Generating two ${alg} keys and their certificate requests on this computer`,
  );
  const app = flow.application as Application;
  const person = app.person;
  if (!person)
    throw new KzpkiApiError('ERR_UNEXPECTED_STATE', 'The identified application carries no person data');
  const org = app.organization;
  const subject = buildNcaSubject({
    surname: person.surname,
    givenName: person.givenName,
    ...(person.patronymic ? { patronymic: person.patronymic } : {}),
    iin: person.iin,
    ...(org ? { bin: org.bin, organization: org.name } : {}),
    ...(flow.o.email ? { email: flow.o.email } : {}),
    // The CA decides which identifiers it accepts (its test mode admits the NCA test IINs).
    checksum: false,
  });
  if (alg === GOST_END_ENTITY_KEY_ALGORITHM) {
    const key = GostPrivateKey.generate('gost2015-512');
    const csr = await createCsr({
      keys: { privateKey: key },
      subject,
      profile: gostTemplateProfile(flow.o.template),
    });
    return { kind: 'gost', key, csr: toPem(csr, 'CERTIFICATE REQUEST') };
  }
  const [auth, sign] = await Promise.all([
    generateKeyPair(alg, { extractable: true }),
    generateKeyPair(alg, { extractable: true }),
  ]);
  const csr = async (keys: CryptoKeyPair, purpose: 'auth' | 'sign'): Promise<string> =>
    toPem(await createCsr({ keys, subject, template: flow.o.template, purpose }), 'CERTIFICATE REQUEST');
  return {
    kind: 'pair',
    auth,
    sign,
    csrs: { auth: await csr(auth, 'auth'), sign: await csr(sign, 'sign') },
  };
}

async function submit(flow: Flow, keys: Keys): Promise<void> {
  flow.progress(
    'submission',
    keys.kind === 'gost'
      ? 'Submitting the application with the GOST request'
      : 'Submitting the application with the AUTH and SIGN requests',
  );
  const email = flow.o.email ? { email: flow.o.email } : {};
  flow.application = await flow.idempotent((key) =>
    unwrap(
      flow.session.POST('/v1/applications/{applicationId}/submission', {
        params: { path: { applicationId: flow.id }, header: { 'Idempotency-Key': key } },
        body:
          keys.kind === 'gost'
            ? { keyStorage: 'PKCS12', csr: keys.csr, ...email }
            : { keyStorage: 'PKCS12', csrs: keys.csrs, ...email },
      }),
    ),
  );
}

async function awaitApproval(flow: Flow): Promise<void> {
  const app = flow.application as Application;
  if (app.status !== 'awaiting-approval') {
    flow.progress('approval', 'No approval needed for this template');
    return;
  }
  const number = app.number;
  if (!number) throw new KzpkiApiError('ERR_INVALID_RESPONSE', 'The submitted application has no number');
  flow.progress('approval', `Application ${number} waits for the first manager's confirmation`, {
    reason: 'approval',
  });
  await flow.o.onAwaitingApproval?.({ id: app.id, number });
  const decided = await flow.waitFor(
    'approval',
    'approval',
    ['approved', 'rejected'],
    flow.wait.approvalTimeoutMs,
  );
  if (decided.status === 'rejected') {
    throw new KzpkiApiError('ERR_APPLICATION_REJECTED', `Application ${number} was rejected`, {
      details: { applicationNumber: number, comment: decided.rejection?.comment },
    });
  }
}

async function issue(flow: Flow, keys: Keys): Promise<CertificateBundle> {
  flow.progress(
    'issuance',
    keys.kind === 'gost' ? 'Issuing the GOST certificate' : 'Issuing the AUTH and SIGN certificates',
  );
  const validity = flow.o.validity;
  const bundle = await flow.idempotent((key) =>
    unwrap(
      flow.session.POST('/v1/applications/{applicationId}/issuance', {
        params: { path: { applicationId: flow.id }, header: { 'Idempotency-Key': key } },
        body: validity
          ? {
              validity: {
                notBefore: validity.notBefore.toISOString(),
                notAfter: validity.notAfter.toISOString(),
              },
            }
          : {},
      }),
    ),
  );
  flow.application = await unwrap(flow.session.GET('/v1/applications/{applicationId}', flow.path));
  return bundle;
}

/** The certificates of a bundle, each checked against what was asked for. */
function certificatesOf(flow: Flow, bundle: CertificateBundle, keys: Keys): Issued {
  if (keys.kind === 'gost') {
    const [c, ...more] = bundle.gostCertificates ?? [];
    if (!c || more.length > 0 || bundle.certificates.length > 0) {
      throw new KzpkiApiError('ERR_INVALID_RESPONSE', 'The CA did not return exactly one GOST certificate');
    }
    const info = inspectCertificate(fromBase64(c.der));
    if (
      info.keyPurpose !== 'auth+sign' ||
      info.keyAlgorithm !== GOST_END_ENTITY_KEY_ALGORITHM ||
      info.iin !== flow.o.iin ||
      info.bin !== flow.o.bin
    ) {
      throw new KzpkiApiError(
        'ERR_INVALID_RESPONSE',
        `The GOST certificate ${c.serialHex} does not match the request (purpose ${info.keyPurpose}, key ${info.keyAlgorithm}, IIN ${info.iin}, BIN ${info.bin ?? '-'})`,
      );
    }
    return { kind: 'gost', certificate: c };
  }
  const found: Partial<Record<'auth' | 'sign', IssuedCertificateData>> = {};
  for (const c of bundle.certificates) {
    const info = inspectCertificate(fromBase64(c.der));
    if (info.keyPurpose !== c.purpose || info.iin !== flow.o.iin || info.bin !== flow.o.bin) {
      throw new KzpkiApiError(
        'ERR_INVALID_RESPONSE',
        `The ${c.purpose.toUpperCase()} certificate ${c.serialHex} does not match the request (purpose ${info.keyPurpose}, IIN ${info.iin}, BIN ${info.bin ?? '-'})`,
      );
    }
    found[c.purpose] = c;
  }
  if (!found.auth || !found.sign) {
    throw new KzpkiApiError(
      'ERR_INVALID_RESPONSE',
      'The CA did not return both an AUTH and a SIGN certificate',
    );
  }
  return { kind: 'pair', certificates: found as Record<'auth' | 'sign', IssuedCertificateData> };
}

/** Each key with its certificate and purpose. */
function keyedCertificates(
  keys: Keys,
  issued: Issued,
): Array<{
  purpose: EnrolledKeyFile['purpose'];
  key: SigningKey;
  certificate: EnrolledKeyFile['certificate'];
}> {
  if (keys.kind === 'gost' && issued.kind === 'gost') {
    return [{ purpose: 'auth+sign', key: keys.key, certificate: issued.certificate }];
  }
  if (keys.kind === 'pair' && issued.kind === 'pair') {
    return (['auth', 'sign'] as const).map((purpose) => ({
      purpose,
      key: keys[purpose].privateKey,
      certificate: issued.certificates[purpose],
    }));
  }
  throw new KzpkiApiError('ERR_INVALID_RESPONSE', 'The certificates do not fit the keys asked for');
}

async function buildKeyFiles(
  flow: Flow,
  keys: Keys,
  issued: Issued,
  bundle: CertificateBundle,
): Promise<EnrolledKeyFile[]> {
  flow.progress('key-files', 'Building the key files with your password');
  const chain = flow.o.includeChain === true ? bundle.chain.map((c) => c.pem) : [];
  const files: EnrolledKeyFile[] = [];
  for (const { purpose, key, certificate } of keyedCertificates(keys, issued)) {
    const built = await buildKeyFile({
      privateKey: key instanceof GostPrivateKey ? encodeGostPkcs8(key) : (key as CryptoKey),
      certificate: fromBase64(certificate.der),
      chain,
      password: flow.o.password,
      ...(flow.o.keyFileFormat ? { format: flow.o.keyFileFormat } : {}),
      ...(flow.o.keyFileIterations !== undefined ? { iterations: flow.o.keyFileIterations } : {}),
      ...(flow.o.skipPasswordPolicy ? { skipPasswordPolicy: true } : {}),
    });
    files.push({ ...built, purpose, certificate });
  }
  return files;
}

async function install(flow: Flow, keys: Keys, issued: Issued): Promise<void> {
  flow.progress('installation', 'Confirming the installation (a signature by each new key)');
  const challenge = await unwrap(
    flow.session.POST('/v1/applications/{applicationId}/installation-challenge', flow.path),
  );
  const keyBySerial = new Map<string, SigningKey>();
  for (const { key, certificate } of keyedCertificates(keys, issued)) {
    keyBySerial.set(normalizeSerialHex(certificate.serialHex), key);
  }
  const proofs = [];
  for (const item of challenge.items) {
    const key = keyBySerial.get(normalizeSerialHex(item.serialHex));
    if (!key)
      throw new KzpkiApiError(
        'ERR_INVALID_RESPONSE',
        `The challenge names an unknown certificate ${item.serialHex}`,
      );
    const signature = await signData(key, fromBase64(item.toBeSigned));
    proofs.push({ serialHex: item.serialHex, signature: toBase64(signature) });
  }
  flow.application = await unwrap(
    flow.session.POST('/v1/applications/{applicationId}/installation', {
      ...flow.path,
      body: { challengeId: challenge.challengeId, proofs },
    }),
  );
}

/**
 * Obtains an AUTH and a SIGN key file from the CA through the whole remote issuance flow.
 *
 * @throws {KzpkiApiError} with the CA's code when it refuses a step (`ERR_PHONE_NOT_REGISTERED`,
 *   `ERR_PERSON_NOT_FOUND`, `ERR_NOT_FIRST_MANAGER`, `ERR_OTP_INVALID`,
 *   `ERR_DIGITAL_ID_PHONE_MISMATCH` for a `phone` that is not the registered one, ...), or a client
 *   code: `ERR_PASSWORD_POLICY` (before anything is sent), `ERR_OTP_UNAVAILABLE`,
 *   `ERR_PHONE_UNAVAILABLE`, `ERR_IDENTIFICATION_REJECTED`,
 *   `ERR_APPLICATION_REJECTED`, `ERR_WAIT_TIMEOUT` (still waiting for approval or moderation),
 *   `ERR_NETWORK`, `ERR_ABORTED`.
 * @example
 * ```ts
 * import { devSmsOutbox, enroll } from '@kzpki/client';
 *
 * const caUrl = 'http://127.0.0.1:8080';
 * const result = await enroll({
 *   caUrl,
 *   template: 'individual',
 *   iin: '850315300128',
 *   password: 'Qwerty12',
 *   otp: devSmsOutbox(caUrl).otp,
 *   onProgress: (e) => console.log(`[${e.index}/${e.total}] ${e.message}`),
 * });
 * for (const file of result.keyFiles) writeFileSync(file.fileName, file.bytes, { mode: 0o600 });
 * ```
 */
export async function enroll(options: EnrollOptions): Promise<EnrollResult> {
  checkOptions(options);
  if (!options.skipPasswordPolicy) {
    const check = checkPassword(options.password);
    if (!check.ok) {
      throw new KzpkiApiError('ERR_PASSWORD_POLICY', 'The key-file password does not meet the NCA rule', {
        details: { violations: check.violations.map((v) => ({ code: v.code, message: v.message })) },
      });
    }
  }
  const flow = new Flow(options);
  await startApplication(flow);
  const firstCodeSentTo = flow.application?.otp?.sentTo;
  await verifyOtp(flow);
  await confirmDigitalIdPhone(flow, firstCodeSentTo);
  const pin = await identify(flow);
  await consentAndAgreement(flow, pin);
  const keys = await makeKeys(flow);
  await submit(flow, keys);
  await awaitApproval(flow);
  const bundle = await issue(flow, keys);
  const issued = certificatesOf(flow, bundle, keys);
  const keyFiles = await buildKeyFiles(flow, keys, issued, bundle);
  if (options.confirmInstallation !== false) await install(flow, keys, issued);
  const app = flow.application as Application;
  flow.progress('done', `Application ${bundle.applicationNumber}: ${app.statusText?.en ?? app.status}`);
  return {
    applicationId: app.id,
    applicationNumber: bundle.applicationNumber,
    status: app.status,
    keyFiles,
    chain: bundle.chain,
  };
}
