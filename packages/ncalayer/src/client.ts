/**
 * `NCALayerClient`: a typed client of NCALayer for browsers and Node.
 *
 * - One connection, opened on first use (or by `connect()`), reopened after NCALayer restarts;
 *   opening tries `reconnectAttempts` more times, `reconnectDelayMs` apart.
 * - One request at a time: NCALayer's answers carry no id, so calls made together are queued and
 *   sent one after the other.
 * - A time limit per request; on expiry the connection is dropped, because NCALayer would still
 *   answer later and that answer must not be taken for the next request's.
 * - The legacy `--heartbeat--` keep-alive when `heartbeatIntervalMs` is set.
 * - Three namespaces named after NCALayer's own modules, with NCALayer's method names:
 *   `basics.sign`, `commonUtils.*` and `legacy.*`; and the calls sites make most, on top:
 *   `signCms`, `signXml`, `signWithFirstManagerKey`, `authenticate`.
 * - Every failure is an {@link NCALayerError} with a stable code; signatures come back in one
 *   form whatever NCALayer sent ({@link SignedCms}; arrays for several documents).
 */
import { NCA_OIDS, toBase64 } from '@kzpki/pki';
import {
  asArray,
  readBasicsAnswer,
  readCommonUtilsAnswer,
  readLegacyAnswer,
  type SignedCms,
  signedCmsOf,
} from './answers.js';
import { Connection, type ConnectionEvent, type WebSocketConstructor } from './connection.js';
import { NCALayerError } from './errors.js';
import {
  type BasicsResult,
  type BasicsSignArgs,
  type BasicsSigningParams,
  type CommonUtilsKeyType,
  type KeyInfo,
  type LegacyKeyType,
  NCALAYER_MODULES,
  NCALAYER_URL,
  type NcaLayerLocale,
  type StorageId,
} from './protocol.js';
import { type KeySelection, signerParamsOf } from './signer-params.js';

/** Options of {@link NCALayerClient}. */
export interface NCALayerClientOptions {
  /** Where NCALayer listens (default `wss://127.0.0.1:13579`). */
  url?: string;
  /**
   * The WebSocket constructor. Default: the global `WebSocket` (browsers, Node 22+). On Node 20
   * pass the `ws` package's: `import { WebSocket } from 'ws'`.
   */
  WebSocket?: WebSocketConstructor;
  /**
   * Time limit of one request, in milliseconds (default 10 minutes: the person reads the dialog,
   * picks a key file and types a password); 0 waits for ever.
   */
  requestTimeoutMs?: number;
  /** Time limit for opening the connection (default 5000 ms). */
  connectTimeoutMs?: number;
  /** How long to wait for the version greeting after the socket opened (default 1000 ms). */
  greetingTimeoutMs?: number;
  /** Send the legacy keep-alive `--heartbeat--` this often while idle (default 0: off). */
  heartbeatIntervalMs?: number;
  /** Unanswered keep-alives after which the connection is dropped (default 3). */
  missedHeartbeatsLimit?: number;
  /** More attempts to open the connection when one fails (default 2). */
  reconnectAttempts?: number;
  /** Pause between attempts (default 500 ms). */
  reconnectDelayMs?: number;
  /** Language of NCALayer's dialogs for `basics.sign` (default `ru`). */
  locale?: NcaLayerLocale;
  /** Connection events, for logs. */
  onEvent?: (event: ConnectionEvent) => void;
}

/** What every high-level signing call takes: which keys, which storages, dialog language. */
export interface SignOptionsBase extends KeySelection {
  /** Storages the person may use (default: all). */
  storages?: StorageId[];
  /** Admit an expired certificate (`signingParams.allowExpired`). */
  allowExpired?: boolean;
  /** Admit a revoked certificate (`signingParams.allowRevoked`). */
  allowRevoked?: boolean;
  /** Dialog language (default: the client's). */
  locale?: NcaLayerLocale;
  /** A logo for NCALayer's dialog (base64 image). */
  logo?: string;
  /** This request's time limit in milliseconds (default: the client's `requestTimeoutMs`). */
  timeoutMs?: number;
}

/** A document to sign: bytes, or text (signed as its UTF-8 bytes). */
export type Document = Uint8Array | string;

/** Options of {@link NCALayerClient.signCms}. */
export interface SignCmsOptions extends SignOptionsBase {
  /** The document, or several (one dialog, one key, one signature each). */
  data: Document | Document[];
  /** Leave the document out of the CMS (default `false`: attached). */
  detached?: boolean;
  /**
   * `data` is the document's digest (bytes), not the document: the CMS is detached and signs that
   * digest (SHA-256 for RSA keys, Streebog-512 for GOST-2015 keys).
   */
  digested?: boolean;
  /** Add a signature timestamp (CAdES-T) from NCALayer's TSA (`signingParams.tsaProfile = {}`). */
  timestamp?: boolean;
}

/** Options of {@link NCALayerClient.signXml}. */
export interface SignXmlOptions extends SignOptionsBase {
  /** The XML document, or several. */
  xml: string | string[];
}

/** One entry of the legacy `getKeys` list: `…|…|…|alias` lines; the alias is the fourth field. */
export interface LegacyKeyEntry {
  /** The whole line as NCALayer sent it. */
  line: string;
  /** The `|`-separated fields. */
  fields: string[];
  /** The key alias (fourth field), for the other legacy calls. */
  alias: string;
}

const DEFAULTS = {
  requestTimeoutMs: 600_000,
  connectTimeoutMs: 5_000,
  greetingTimeoutMs: 1_000,
  heartbeatIntervalMs: 0,
  missedHeartbeatsLimit: 3,
  reconnectAttempts: 2,
  reconnectDelayMs: 500,
};

function nonNegative(name: string, value: number | undefined, fallback: number): number {
  const v = value ?? fallback;
  if (!Number.isFinite(v) || v < 0)
    throw new NCALayerError('ERR_INVALID_ARGUMENT', `${name} must be a number ≥ 0`);
  return v;
}

const utf8 = new TextEncoder();

/** A document as base64 (text is encoded as UTF-8 first): the client always sends `decode: true`. */
function base64Of(doc: Document): string {
  if (typeof doc === 'string') return toBase64(utf8.encode(doc));
  if (doc instanceof Uint8Array) return toBase64(doc);
  throw new NCALayerError('ERR_INVALID_ARGUMENT', 'A document is bytes (Uint8Array) or text');
}

function timeoutOf(options: { timeoutMs?: number }): { timeoutMs?: number } {
  return options.timeoutMs === undefined ? {} : { timeoutMs: nonNegative('timeoutMs', options.timeoutMs, 0) };
}

function delay(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/**
 * A client of NCALayer (see the module comment).
 *
 * @example
 * ```ts
 * import { NCALayerClient, isNCALayerError } from '@kzpki/ncalayer';
 *
 * const ncalayer = new NCALayerClient(); // wss://127.0.0.1:13579, the global WebSocket
 * try {
 *   const cms = await ncalayer.signCms({ data: 'Заявление №42', allowTestKeys: true });
 *   await fetch('/api/signatures', { method: 'POST', body: cms.base64 });
 * } catch (e) {
 *   if (isNCALayerError(e, 'ERR_USER_CANCELLED')) return;
 *   throw e;
 * }
 * ```
 */
export class NCALayerClient {
  readonly url: string;
  private readonly WebSocketImpl: WebSocketConstructor | undefined;
  private readonly requestTimeoutMs: number;
  private readonly connectTimeoutMs: number;
  private readonly greetingTimeoutMs: number;
  private readonly heartbeatIntervalMs: number;
  private readonly missedHeartbeatsLimit: number;
  private readonly reconnectAttempts: number;
  private readonly reconnectDelayMs: number;
  private readonly locale: NcaLayerLocale;
  private readonly onEvent: ((event: ConnectionEvent) => void) | undefined;
  private connection: Connection | undefined;
  private opening: Promise<Connection> | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private closed = false;

  /** `kz.gov.pki.knca.basics`. */
  readonly basics: BasicsModule;
  /** `kz.gov.pki.knca.commonUtils`. */
  readonly commonUtils: CommonUtilsModule;
  /** The legacy applet API (`{method, args}` without a module). */
  readonly legacy: LegacyApi;

  constructor(options: NCALayerClientOptions = {}) {
    this.url = options.url ?? NCALAYER_URL;
    this.WebSocketImpl = options.WebSocket;
    this.requestTimeoutMs = nonNegative(
      'requestTimeoutMs',
      options.requestTimeoutMs,
      DEFAULTS.requestTimeoutMs,
    );
    this.connectTimeoutMs = nonNegative(
      'connectTimeoutMs',
      options.connectTimeoutMs,
      DEFAULTS.connectTimeoutMs,
    );
    this.greetingTimeoutMs = nonNegative(
      'greetingTimeoutMs',
      options.greetingTimeoutMs,
      DEFAULTS.greetingTimeoutMs,
    );
    this.heartbeatIntervalMs = nonNegative(
      'heartbeatIntervalMs',
      options.heartbeatIntervalMs,
      DEFAULTS.heartbeatIntervalMs,
    );
    this.missedHeartbeatsLimit = nonNegative(
      'missedHeartbeatsLimit',
      options.missedHeartbeatsLimit,
      DEFAULTS.missedHeartbeatsLimit,
    );
    this.reconnectAttempts = nonNegative(
      'reconnectAttempts',
      options.reconnectAttempts,
      DEFAULTS.reconnectAttempts,
    );
    this.reconnectDelayMs = nonNegative(
      'reconnectDelayMs',
      options.reconnectDelayMs,
      DEFAULTS.reconnectDelayMs,
    );
    this.locale = options.locale ?? 'ru';
    this.onEvent = options.onEvent;
    this.basics = new BasicsModule(this);
    this.commonUtils = new CommonUtilsModule(this);
    this.legacy = new LegacyApi(this);
  }

  /** The version NCALayer announced on the current connection (undefined before or without a greeting). */
  get version(): string | undefined {
    return this.connection?.version;
  }

  /** Whether a connection is open now. */
  get connected(): boolean {
    return this.connection?.isOpen === true;
  }

  private webSocket(): WebSocketConstructor {
    const impl = this.WebSocketImpl ?? (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket;
    if (!impl) {
      throw new NCALayerError(
        'ERR_INVALID_ARGUMENT',
        "No WebSocket here: pass one (on Node 20: new NCALayerClient({ WebSocket: (await import('ws')).WebSocket }))",
      );
    }
    return impl;
  }

  private async openConnection(): Promise<Connection> {
    const WebSocketImpl = this.webSocket();
    let last: unknown;
    for (let attempt = 0; attempt <= this.reconnectAttempts; attempt++) {
      if (this.closed) throw new NCALayerError('ERR_CLIENT_CLOSED', 'The NCALayer client is closed');
      if (attempt > 0) await delay(this.reconnectDelayMs);
      try {
        return await Connection.open({
          url: this.url,
          WebSocket: WebSocketImpl,
          connectTimeoutMs: this.connectTimeoutMs,
          greetingTimeoutMs: this.greetingTimeoutMs,
          heartbeatIntervalMs: this.heartbeatIntervalMs,
          missedHeartbeatsLimit: this.missedHeartbeatsLimit,
          ...(this.onEvent ? { onEvent: this.onEvent } : {}),
        });
      } catch (e) {
        last = e;
      }
    }
    throw last;
  }

  private async ensureConnection(): Promise<Connection> {
    if (this.closed) throw new NCALayerError('ERR_CLIENT_CLOSED', 'The NCALayer client is closed');
    if (this.connection?.isOpen) return this.connection;
    this.connection = undefined;
    this.opening ??= this.openConnection().finally(() => {
      this.opening = undefined;
    });
    const connection = await this.opening;
    if (this.closed) {
      connection.close();
      throw new NCALayerError('ERR_CLIENT_CLOSED', 'The NCALayer client is closed');
    }
    this.connection = connection;
    return connection;
  }

  /**
   * Opens the connection now (requests open it themselves when needed) and returns the version
   * NCALayer announced.
   * @throws {NCALayerError} `ERR_NCALAYER_UNAVAILABLE` when NCALayer does not answer.
   * @example
   * ```ts
   * const { version } = await new NCALayerClient().connect(); // e.g. '1.4'
   * ```
   */
  async connect(): Promise<{ version: string | undefined }> {
    const connection = await this.ensureConnection();
    return { version: connection.version };
  }

  /**
   * Sends one raw request (an object sent as JSON) in the queue and resolves with NCALayer's
   * parsed answer, unread. The typed methods are built on it.
   * @throws {NCALayerError} `ERR_NCALAYER_UNAVAILABLE`, `ERR_TIMEOUT`, `ERR_CONNECTION_LOST`,
   *   `ERR_PROTOCOL`, `ERR_CLIENT_CLOSED`.
   * @example
   * ```ts
   * await client.request({ module: 'kz.gov.pki.knca.commonUtils', method: 'getActiveTokens' });
   * // { code: '200', responseObject: [] }
   * ```
   */
  request(message: object, options: { timeoutMs?: number; expectAnswer?: boolean } = {}): Promise<unknown> {
    const m = message as { module?: unknown; method?: unknown };
    const label = [m.module, m.method].filter((x) => typeof x === 'string').join('.') || 'request';
    const text = JSON.stringify(message);
    const timeoutMs = options.timeoutMs ?? this.requestTimeoutMs;
    const run = async (): Promise<unknown> => {
      const connection = await this.ensureConnection();
      return connection.exchange(text, label, timeoutMs, options.expectAnswer ?? true);
    };
    const result = this.queue.then(run, run);
    this.queue = result.catch(() => undefined);
    return result;
  }

  /**
   * Closes the connection; queued requests fail with `ERR_CLIENT_CLOSED`, the one in flight with
   * `ERR_CONNECTION_LOST`. The client cannot be used afterwards.
   */
  close(): void {
    this.closed = true;
    this.connection?.close();
    this.connection = undefined;
  }

  /** @internal The client's default dialog language. */
  get defaultLocale(): NcaLayerLocale {
    return this.locale;
  }

  private signArgs(options: SignOptionsBase, format: 'cms' | 'xml'): Omit<BasicsSignArgs, 'data'> {
    const signingParams: BasicsSigningParams = {};
    if (options.allowExpired) signingParams.allowExpired = true;
    if (options.allowRevoked) signingParams.allowRevoked = true;
    return {
      allowedStorages: options.storages ?? null,
      format,
      signingParams,
      signerParams: signerParamsOf(options),
      locale: options.locale ?? this.locale,
      ...(options.logo ? { logo: options.logo } : {}),
    };
  }

  /**
   * Signs one document (or several) as CMS (CAdES-BES, or CAdES-T with `timestamp`) through
   * `basics.sign`, with a SIGN key by default.
   * @throws {NCALayerError} `ERR_USER_CANCELLED`, `ERR_NO_KEY`, `ERR_INVALID_ARGUMENT`, and the
   *   connection errors of {@link NCALayerClient.request}.
   * @example
   * ```ts
   * const cms = await client.signCms({ data: pdfBytes, detached: true, iin: '871008401427' });
   * cms.base64; // send it to the server, which verifies it with verifyCms
   * ```
   */
  signCms(options: SignCmsOptions & { data: Document }): Promise<SignedCms>;
  signCms(options: SignCmsOptions & { data: Document[] }): Promise<SignedCms[]>;
  signCms(options: SignCmsOptions): Promise<SignedCms | SignedCms[]>;
  async signCms(options: SignCmsOptions): Promise<SignedCms | SignedCms[]> {
    const several = Array.isArray(options.data);
    const docs = asArray(options.data);
    if (docs.length === 0) throw new NCALayerError('ERR_INVALID_ARGUMENT', 'Nothing to sign');
    if (options.digested && docs.some((d) => typeof d === 'string'))
      throw new NCALayerError('ERR_INVALID_ARGUMENT', 'A digest is bytes, not text');
    const args = this.signArgs(options, 'cms');
    args.signingParams = {
      ...args.signingParams,
      decode: true,
      encapsulate: !(options.detached || options.digested),
      digested: options.digested === true,
      ...(options.timestamp ? { tsaProfile: {} } : {}),
    };
    const data = several ? docs.map(base64Of) : base64Of(docs[0] as Document);
    const result = await this.basics.sign({ ...args, data } as BasicsSignArgs, timeoutOf(options));
    const signatures = asArray(
      typeof result === 'object' && !Array.isArray(result) ? result.signatures : result,
    );
    const cms = signatures.map((s) => signedCmsOf(s, 'basics.sign'));
    if (cms.length !== docs.length)
      throw new NCALayerError(
        'ERR_PROTOCOL',
        `NCALayer answered ${cms.length} signatures for ${docs.length} documents`,
      );
    return several ? cms : (cms[0] as SignedCms);
  }

  /**
   * Signs XML (XMLDSig, enveloped) through `basics.sign`, with a SIGN key by default.
   * @throws {NCALayerError} as {@link NCALayerClient.signCms}, and `ERR_XML_INVALID`.
   * @example
   * ```ts
   * const signed = await client.signXml({ xml: '<login><nonce>3f2a…</nonce></login>', purpose: 'auth' });
   * ```
   */
  signXml(options: SignXmlOptions & { xml: string }): Promise<string>;
  signXml(options: SignXmlOptions & { xml: string[] }): Promise<string[]>;
  signXml(options: SignXmlOptions): Promise<string | string[]>;
  async signXml(options: SignXmlOptions): Promise<string | string[]> {
    const several = Array.isArray(options.xml);
    const docs = asArray(options.xml);
    if (docs.length === 0 || docs.some((x) => typeof x !== 'string' || x.trim() === ''))
      throw new NCALayerError('ERR_INVALID_ARGUMENT', 'Nothing to sign');
    const args = this.signArgs(options, 'xml');
    const result = await this.basics.sign(
      { ...args, data: several ? docs : (docs[0] as string) } as BasicsSignArgs,
      timeoutOf(options),
    );
    const signed = asArray(typeof result === 'object' && !Array.isArray(result) ? result.signatures : result);
    if (signed.length !== docs.length)
      throw new NCALayerError(
        'ERR_PROTOCOL',
        `NCALayer answered ${signed.length} documents for ${docs.length}`,
      );
    return several ? signed : (signed[0] as string);
  }

  /**
   * Signs with the SIGN key of the first manager (head) of the organisation `bin`: extKeyUsage
   * emailProtection + legal entity + first manager, and the BIN.
   * @example
   * ```ts
   * const cms = await client.signWithFirstManagerKey({ bin: '940140000385', data: contract, detached: true });
   * ```
   */
  signWithFirstManagerKey(
    options: Omit<SignCmsOptions, 'purpose' | 'bin'> & { bin: string; data: Document },
  ): Promise<SignedCms> {
    return this.signCms({
      ...options,
      purpose: 'sign',
      roles: [NCA_OIDS.role.firstManager, ...(options.roles ?? [])],
      bin: options.bin,
    }) as Promise<SignedCms>;
  }

  /**
   * Proves possession of an AUTH key: signs the server's one-time challenge (attached CMS, with an
   * AUTH key: extKeyUsage clientAuth). The server verifies the CMS, checks the challenge inside
   * and reads the IIN/BIN from the certificate.
   * @example
   * ```ts
   * const { challenge } = await (await fetch('/api/login/challenge')).json();
   * const cms = await client.authenticate({ challenge, allowTestKeys: true });
   * await fetch('/api/login', { method: 'POST', body: cms.base64 });
   * ```
   */
  authenticate(
    options: Omit<SignCmsOptions, 'purpose' | 'data' | 'detached' | 'digested'> & { challenge: Document },
  ): Promise<SignedCms> {
    const { challenge, ...rest } = options;
    return this.signCms({ ...rest, purpose: 'auth', data: challenge }) as Promise<SignedCms>;
  }
}

/** `kz.gov.pki.knca.basics`. */
export class BasicsModule {
  constructor(private readonly client: NCALayerClient) {}

  /**
   * `basics.sign` as NCALayer defines it: the raw argument, the raw result (one value or an
   * array; PEM CMS or XML; `{signatures, certificate}` with `outputCert`). Prefer
   * {@link NCALayerClient.signCms} and {@link NCALayerClient.signXml}.
   * @throws {NCALayerError} `ERR_USER_CANCELLED` for `{status:true, body:{}}`, `ERR_INVALID_ARGUMENT`
   *   or `ERR_NCALAYER` for `{status:false, …}`, and the connection errors.
   * @example
   * ```ts
   * const pem = await client.basics.sign({ format: 'cms', data: 'MTEK', signingParams: { decode: true }, signerParams: { extKeyUsageOids: [], chain: [] } });
   * ```
   */
  async sign(args: BasicsSignArgs, options: { timeoutMs?: number } = {}): Promise<BasicsResult> {
    if (typeof args !== 'object' || args === null || (args.format !== 'cms' && args.format !== 'xml'))
      throw new NCALayerError('ERR_INVALID_ARGUMENT', 'basics.sign needs { format: "cms" | "xml", data }');
    const answer = await this.client.request(
      {
        module: NCALAYER_MODULES.basics,
        method: 'sign',
        args: { locale: this.client.defaultLocale, ...args },
      },
      options,
    );
    return readBasicsAnswer(answer);
  }
}

/** `kz.gov.pki.knca.commonUtils`: positional arguments, `{code, responseObject}` answers. */
export class CommonUtilsModule {
  constructor(private readonly client: NCALayerClient) {}

  /**
   * Calls a commonUtils method with positional arguments and returns `responseObject`.
   * @throws {NCALayerError} mapped from `{code:"500", message}`, and the connection errors.
   */
  async call(method: string, args?: unknown[]): Promise<unknown> {
    const answer = await this.client.request({
      module: NCALAYER_MODULES.commonUtils,
      method,
      ...(args ? { args } : {}),
    });
    return readCommonUtilsAnswer(answer, `commonUtils.${method}`);
  }

  /**
   * The storages with a device present now (the key file `PKCS12` is not listed: it is always there).
   * @example
   * ```ts
   * await client.commonUtils.getActiveTokens(); // ['AKKaztokenStore'] or []
   * ```
   */
  async getActiveTokens(): Promise<string[]> {
    const r = await this.call('getActiveTokens');
    if (!Array.isArray(r) || !r.every((x) => typeof x === 'string'))
      throw new NCALayerError('ERR_PROTOCOL', 'getActiveTokens answered something other than a list');
    return r;
  }

  /**
   * The person picks a key in `storage`; returns its certificate's description (and PEM).
   * @example
   * ```ts
   * const info = await client.commonUtils.getKeyInfo('PKCS12');
   * info.subjectDn; // 'CN=ТЕСТОВ ТЕСТ,SURNAME=ТЕСТОВ,SERIALNUMBER=IIN871008401427,C=KZ'
   * ```
   */
  async getKeyInfo(storage: StorageId | string): Promise<KeyInfo> {
    const r = await this.call('getKeyInfo', [storage]);
    if (typeof r !== 'object' || r === null || typeof (r as KeyInfo).pem !== 'string')
      throw new NCALayerError('ERR_PROTOCOL', 'getKeyInfo answered without a certificate');
    return r as KeyInfo;
  }

  /**
   * CAdES-BES over `data` (bytes, or base64 text as NCALayer takes it), attached with `attach`.
   * @example
   * ```ts
   * const cms = await client.commonUtils.createCAdESFromBase64('PKCS12', bytes, { keyType: 'SIGNATURE', attach: true });
   * ```
   */
  async createCAdESFromBase64(
    storage: StorageId | string,
    data: Uint8Array | string,
    options: { keyType?: CommonUtilsKeyType; attach?: boolean } = {},
  ): Promise<SignedCms> {
    const b64 = typeof data === 'string' ? data : toBase64(data);
    const r = await this.call('createCAdESFromBase64', [
      storage,
      options.keyType ?? 'SIGNATURE',
      b64,
      options.attach ?? false,
    ]);
    return signedCmsOf(r, 'commonUtils.createCAdESFromBase64');
  }

  /**
   * A detached CAdES-BES over a digest the caller computed (bytes, or base64): SHA-256 for RSA
   * keys, Streebog-512 for GOST-2015 keys.
   */
  async createCAdESFromBase64Hash(
    storage: StorageId | string,
    hash: Uint8Array | string,
    options: { keyType?: CommonUtilsKeyType } = {},
  ): Promise<SignedCms> {
    const b64 = typeof hash === 'string' ? hash : toBase64(hash);
    const r = await this.call('createCAdESFromBase64Hash', [storage, options.keyType ?? 'SIGNATURE', b64]);
    return signedCmsOf(r, 'commonUtils.createCAdESFromBase64Hash');
  }

  /**
   * XMLDSig (enveloped) of one document; `tbsElementXPath` picks the element to sign (default: the
   * whole document), `signatureParentElementXPath` where the signature goes (default: the root).
   */
  async signXml(
    storage: StorageId | string,
    xml: string,
    options: {
      keyType?: CommonUtilsKeyType;
      tbsElementXPath?: string;
      signatureParentElementXPath?: string;
    } = {},
  ): Promise<string> {
    const r = await this.call('signXml', [
      storage,
      options.keyType ?? 'SIGNATURE',
      xml,
      options.tbsElementXPath ?? '',
      options.signatureParentElementXPath ?? '',
    ]);
    if (typeof r !== 'string')
      throw new NCALayerError('ERR_PROTOCOL', 'signXml answered something other than XML');
    return r;
  }

  /** {@link CommonUtilsModule.signXml} for several documents, with one key and one dialog. */
  async signXmls(
    storage: StorageId | string,
    xmls: string[],
    options: {
      keyType?: CommonUtilsKeyType;
      tbsElementXPath?: string;
      signatureParentElementXPath?: string;
    } = {},
  ): Promise<string[]> {
    const r = await this.call('signXmls', [
      storage,
      options.keyType ?? 'SIGNATURE',
      xmls,
      options.tbsElementXPath ?? '',
      options.signatureParentElementXPath ?? '',
    ]);
    if (!Array.isArray(r) || !r.every((x) => typeof x === 'string'))
      throw new NCALayerError(
        'ERR_PROTOCOL',
        'signXmls answered something other than a list of XML documents',
      );
    return r;
  }

  /** Sets the language of NCALayer's dialogs. */
  async changeLocale(locale: NcaLayerLocale): Promise<void> {
    await this.call('changeLocale', [locale]);
  }
}

/**
 * The legacy applet API: the page names the key file (`storagePath`) and passes its password; the
 * answers are `{result, secondResult, errorCode}`.
 */
export class LegacyApi {
  constructor(private readonly client: NCALayerClient) {}

  /** Calls a legacy method and returns `result` (and `secondResult`). */
  async call(method: string, args: unknown[] = []): Promise<{ result: unknown; secondResult: unknown }> {
    const answer = await this.client.request({ method, args });
    return readLegacyAnswer(answer, method);
  }

  private async text(method: string, args: unknown[]): Promise<string> {
    const { result } = await this.call(method, args);
    if (typeof result !== 'string') throw new NCALayerError('ERR_PROTOCOL', `${method} answered no text`);
    return result;
  }

  /**
   * The person picks a key file (`P12`); returns its path, which the other calls take.
   * @throws {NCALayerError} `ERR_USER_CANCELLED` when no file was picked.
   */
  async browseKeyStore(
    storageName: StorageId | string = 'PKCS12',
    fileExtension = 'P12',
    currentDirectory = '',
  ): Promise<string> {
    const path = await this.text('browseKeyStore', [storageName, fileExtension, currentDirectory]);
    if (path === '') throw new NCALayerError('ERR_USER_CANCELLED', 'No key file was picked (browseKeyStore)');
    return path;
  }

  /**
   * The keys of a key store (`type`: SIGN, AUTH or ALL).
   * @throws {NCALayerError} `ERR_WRONG_PASSWORD`, `ERR_NO_KEY`.
   */
  async getKeys(
    storageName: StorageId | string,
    storagePath: string,
    password: string,
    type: LegacyKeyType = 'ALL',
  ): Promise<LegacyKeyEntry[]> {
    const text = await this.text('getKeys', [storageName, storagePath, password, type]);
    const entries = text
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean)
      .map((line) => {
        const fields = line.split('|');
        return { line, fields, alias: fields[3] ?? '' };
      });
    if (entries.length === 0) throw new NCALayerError('ERR_NO_KEY', 'getKeys found no key of that type');
    return entries;
  }

  /** The certificate's start of validity, as NCALayer formats it. */
  getNotBefore(storageName: string, storagePath: string, alias: string, password: string): Promise<string> {
    return this.text('getNotBefore', [storageName, storagePath, alias, password]);
  }

  /** The certificate's end of validity, as NCALayer formats it. */
  getNotAfter(storageName: string, storagePath: string, alias: string, password: string): Promise<string> {
    return this.text('getNotAfter', [storageName, storagePath, alias, password]);
  }

  /** The certificate's subject DN. */
  getSubjectDN(storageName: string, storagePath: string, alias: string, password: string): Promise<string> {
    return this.text('getSubjectDN', [storageName, storagePath, alias, password]);
  }

  /** The certificate's issuer DN. */
  getIssuerDN(storageName: string, storagePath: string, alias: string, password: string): Promise<string> {
    return this.text('getIssuerDN', [storageName, storagePath, alias, password]);
  }

  /**
   * One attribute of the subject by OID (`2.5.4.5` gives `IIN…`), the `index`-th when repeated.
   * @throws {NCALayerError} `ERR_NCALAYER` with `ncalayerCode` `RDN_NOT_FOUND`.
   */
  getRdnByOid(
    storageName: string,
    storagePath: string,
    alias: string,
    password: string,
    oid: string,
    index = 0,
  ): Promise<string> {
    return this.text('getRdnByOid', [storageName, storagePath, alias, password, oid, index]);
  }

  /** A raw signature (base64) over `data` (text, signed as UTF-8). */
  signPlainData(
    storageName: string,
    storagePath: string,
    alias: string,
    password: string,
    data: string,
  ): Promise<string> {
    return this.text('signPlainData', [storageName, storagePath, alias, password, data]);
  }

  /** A CMS over `data` (text, signed as UTF-8), attached with `attached`. */
  async createCMSSignature(
    storageName: string,
    storagePath: string,
    alias: string,
    password: string,
    data: string,
    attached = true,
  ): Promise<SignedCms> {
    const r = await this.text('createCMSSignature', [
      storageName,
      storagePath,
      alias,
      password,
      data,
      attached,
    ]);
    return signedCmsOf(r, 'createCMSSignature');
  }

  /** A CMS over a local file NCALayer reads (`filePath`), attached with `attached`. */
  async createCMSSignatureFromFile(
    storageName: string,
    storagePath: string,
    alias: string,
    password: string,
    filePath: string,
    attached = false,
  ): Promise<SignedCms> {
    const r = await this.text('createCMSSignatureFromFile', [
      storageName,
      storagePath,
      alias,
      password,
      filePath,
      attached,
    ]);
    return signedCmsOf(r, 'createCMSSignatureFromFile');
  }

  /** XMLDSig (enveloped) of the whole document. */
  signXml(
    storageName: string,
    storagePath: string,
    alias: string,
    password: string,
    xml: string,
  ): Promise<string> {
    return this.text('signXml', [storageName, storagePath, alias, password, xml]);
  }

  /**
   * XMLDSig of the element `elementName` (referenced by its `idAttrName` attribute), the signature
   * placed in `parentElementName` (default: the root).
   */
  signXmlByElementId(
    storageName: string,
    storagePath: string,
    alias: string,
    password: string,
    xml: string,
    elementName: string,
    idAttrName: string,
    parentElementName = '',
  ): Promise<string> {
    return this.text('signXmlByElementId', [
      storageName,
      storagePath,
      alias,
      password,
      xml,
      elementName,
      idAttrName,
      parentElementName,
    ]);
  }

  /** The digest of `data` (text, hashed as UTF-8) as base64; `algorithm` e.g. `SHA256`, `GOST34311`. */
  getHash(data: string, algorithm: string): Promise<string> {
    return this.text('getHash', [data, algorithm]);
  }

  /** Sets the language (NCALayer does not answer this one). */
  async setLocale(locale: string): Promise<void> {
    await this.client.request({ method: 'setLocale', args: [locale] }, { expectAnswer: false });
  }
}
