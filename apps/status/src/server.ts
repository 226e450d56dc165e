/**
 * Wiring of the status service: source → OCSP responder (delegated responder keys only), published
 * CRLs, key checker → HTTP. `/ocsp`, CRLs and CA certificates are answered on plain `node:http`
 * before express sees the request (the hot paths); the JSON endpoints go through the express
 * application. The service signs no CRL: it serves those the CA published.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { listen, RateLimiter, type RateLimitRule } from '@kzpki/server-kit';
import { StatusError } from './errors.js';
import { createStatusApp, DEFAULT_APPLICATION_RATE_LIMIT } from './http/app.js';
import { createDownloadHandler } from './http/download-handler.js';
import { createOcspHandler } from './http/ocsp-handler.js';
import { OpenApiValidator } from './http/openapi.js';
import { createTspHandler } from './http/tsp-handler.js';
import { KeyChecker } from './key-check.js';
import { StatusMetrics } from './metrics/status-metrics.js';
import { OcspResponder } from './ocsp/responder.js';
import type { SigningQueueOptions } from './ocsp/signing-queue.js';
import type { StatusMaterial, StatusSource } from './source/status-source.js';

/** Default timestamp requests per client: 50 at once, then 20 a second. */
export const DEFAULT_TIMESTAMP_RATE_LIMIT: RateLimitRule = { capacity: 50, refillPerSecond: 20 };

/** OCSP settings. */
export interface OcspOptions {
  /** nextUpdate - thisUpdate of good/revoked statuses (default 3600 s). */
  validitySeconds?: number;
  /** nextUpdate - thisUpdate of unknown statuses (default 300 s). */
  unknownValiditySeconds?: number;
  /** Fraction of validity after which a pre-produced response is re-signed (default 0.5). */
  refreshFraction?: number;
  /** Cap of `Cache-Control: max-age` on GET responses (default 300 s; never beyond nextUpdate). */
  maxAgeSeconds?: number;
  /** Largest request (default 16 KiB). */
  maxRequestBytes?: number;
  /** Pre-produced responses kept (default 50 000). */
  maxCacheEntries?: number;
  /** CertIDs per request (default 32). */
  maxCertIdsPerRequest?: number;
  /** Live signing limits (load shedding). */
  signing?: SigningQueueOptions;
}

/** Options of {@link createStatusServer} and {@link startStatus}. */
export interface StatusServerOptions {
  /** Where statuses, CA material and applications come from. */
  source: StatusSource;
  /**
   * Public base URL (what the CA writes into certificates).
   * @deprecated Unused: the CA writes every URL (freshestCRL included) into what it signs; the
   *   service signs no CRL. Accepted so that existing callers keep compiling.
   */
  publicUrl?: string;
  /** Path of `openapi/status.yaml` (default: the repository's). */
  specPath?: string;
  /** OCSP settings. */
  ocsp?: OcspOptions;
  /** CRL download caching. */
  crl?: {
    /** Cap of `Cache-Control: max-age` on CRL downloads (default 60 s; never beyond nextUpdate). */
    maxAgeSeconds?: number;
  };
  /** Application-status lookups per client (default 10 at once, then 20 per minute). */
  applicationRateLimit?: RateLimitRule;
  /** `Cache-Control: max-age` of CA certificates (default 86 400 s). */
  caCertificateMaxAgeSeconds?: number;
  /** Largest key-check upload (default 64 KiB). */
  maxUploadBytes?: number;
  /** Timestamp requests per client on `POST /tsp` (default 50 at once, then 20 per second). */
  timestampRateLimit?: RateLimitRule;
  /**
   * Reverse proxies whose `X-Forwarded-For` gives the client address of rate limits (addresses,
   * CIDRs, `loopback`, `uniquelocal`; express `trust proxy` syntax). Default none: the socket
   * address, the header ignored. The portal is such a proxy (on loopback when `kzpki start` runs it).
   */
  trustedProxies?: readonly string[];
  /**
   * @deprecated Use `trustedProxies`. `true` trusts loopback proxies only: trusting every peer would
   *   take the leftmost `X-Forwarded-For` entry, which the client writes itself.
   */
  trustProxy?: boolean;
  /**
   * How often the CA material is reloaded to pick up a renewed OCSP responder certificate
   * (default 1 h; 0 = never).
   */
  materialRefreshMs?: number;
  /** Close the source when the server closes (default false: the caller owns it). */
  closeSource?: boolean;
  /** Clock (tests). */
  now?: () => Date;
}

/** A listening status server. */
export interface RunningStatusServer {
  /** Base URL, e.g. `http://127.0.0.1:8081`. */
  url: string;
  /** Stops listening, stops the schedules, closes connections (and the source with `closeSource`). */
  close(): Promise<void>;
}

/** A status server, built but not yet listening. */
export interface StatusServer {
  /** The Node request listener (OCSP fast path, then express). */
  readonly requestListener: (req: IncomingMessage, res: ServerResponse) => void;
  /** The OCSP responder. */
  readonly responder: OcspResponder;
  /** The metrics. */
  readonly metrics: StatusMetrics;
  /** The OpenAPI validator (tests use it to check responses). */
  readonly validator: OpenApiValidator;
  /** The CA material served (as loaded at start). */
  readonly material: StatusMaterial;
  /**
   * Reloads the CA material now (also done every `materialRefreshMs`); resolves `true` when an
   * OCSP signing certificate or a TSA changed and the service switched to it.
   */
  reloadSigners(): Promise<boolean>;
  /** Listens on `host:port` (defaults 127.0.0.1 and 8081; port 0 = any free port). */
  listen(options?: { port?: number; host?: string }): Promise<RunningStatusServer>;
}

/**
 * Builds the status service over a source: loads the CA material, prepares the OCSP responder,
 * compiles the OpenAPI validators.
 * @throws {StatusError} `ERR_CONFIG` for unusable material or spec, `ERR_SOURCE` when the source fails.
 * @example
 * ```ts
 * const server = await createStatusServer({ source });
 * const { url, close } = await server.listen({ port: 0 });
 * ```
 */
export async function createStatusServer(options: StatusServerOptions): Promise<StatusServer> {
  const { source } = options;
  const validator = OpenApiValidator.load(options.specPath);
  let material: StatusMaterial;
  try {
    material = await source.material();
  } catch (cause) {
    if (cause instanceof StatusError) throw cause;
    throw new StatusError('ERR_SOURCE', 'Cannot load the CA material from the status source', { cause });
  }
  checkMaterial(material);

  let responderRef: OcspResponder | undefined;
  const metrics = new StatusMetrics({
    cacheSize: () => responderRef?.cacheSize ?? 0,
    signingInFlight: () => responderRef?.signingInFlight ?? 0,
    signingQueued: () => responderRef?.signingQueued ?? 0,
  });
  const o = options.ocsp ?? {};
  const responder = await OcspResponder.create({
    source,
    issuers: material.issuers,
    metrics,
    validitySeconds: o.validitySeconds,
    unknownValiditySeconds: o.unknownValiditySeconds,
    refreshFraction: o.refreshFraction,
    maxCacheEntries: o.maxCacheEntries,
    maxCertIdsPerRequest: o.maxCertIdsPerRequest,
    signing: o.signing,
    ...(options.now ? { now: options.now } : {}),
  });
  responderRef = responder;
  const keyChecker = new KeyChecker(source, material, options.now);
  const startedAt = Date.now();
  let signersNow = signerFingerprint(material);
  let tsasNow = tsaFingerprint(material);
  /**
   * Reloads the material; when an OCSP signer changed (renewal), the responder switches to it, and
   * when a TSA changed, `/tsp` does.
   */
  const reloadSigners = async (): Promise<boolean> => {
    const next = await source.material();
    const tsas = tsaFingerprint(next);
    let changed = false;
    if (tsas !== tsasNow) {
      await tsp.update(next.timestampSigners ?? []);
      tsasNow = tsas;
      console.log('[kzpki-status] TSA certificates changed (new or renewed); now timestamping with them');
      changed = true;
    }
    const fingerprint = signerFingerprint(next);
    if (fingerprint === signersNow) return changed;
    await responder.updateIssuers(next.issuers);
    signersNow = fingerprint;
    console.log('[kzpki-status] OCSP signing certificate renewed; now answering with the new one');
    return true;
  };

  const readiness = async (): Promise<Record<string, { ok: boolean; detail?: string }>> => {
    const checks: Record<string, { ok: boolean; detail?: string }> = {
      material: { ok: true, detail: `${material.issuers.length} CA(s)` },
    };
    try {
      const published = await withTimeout(
        Promise.all(
          material.issuers
            .filter((i) => i.crls !== false)
            .flatMap((i) => (['full', 'delta'] as const).map((kind) => source.crl(i.id, kind))),
        ),
        2000,
      );
      checks.crls = published.every((c) => c !== undefined)
        ? { ok: true }
        : { ok: false, detail: 'the CA has not published every CRL yet' };
    } catch (e) {
      checks.crls = { ok: false, detail: e instanceof Error ? e.message : 'reading the CRLs failed' };
    }
    try {
      const seq = await withTimeout(source.changeSeq(), 2000);
      checks.source = { ok: true, detail: `change sequence ${seq}` };
    } catch (e) {
      checks.source = { ok: false, detail: e instanceof Error ? e.message : 'source failed' };
    }
    return checks;
  };

  const trustedProxies = options.trustedProxies ?? (options.trustProxy ? ['loopback'] : []);
  const app = createStatusApp({
    source,
    keyChecker,
    validator,
    metrics,
    applicationLimiter: new RateLimiter({
      applicationLookupPerIp: options.applicationRateLimit ?? DEFAULT_APPLICATION_RATE_LIMIT,
    }),
    maxUploadBytes: options.maxUploadBytes ?? 64 * 1024,
    trustedProxies,
    readiness,
    startedAt,
  });
  const ocsp = createOcspHandler({
    responder,
    metrics,
    maxRequestBytes: o.maxRequestBytes,
    maxAgeSeconds: o.maxAgeSeconds,
  });
  const downloads = createDownloadHandler({
    source,
    issuers: material.issuers,
    validator,
    metrics,
    crlMaxAgeSeconds: options.crl?.maxAgeSeconds ?? 60,
    caCertificateMaxAgeSeconds: options.caCertificateMaxAgeSeconds ?? 86_400,
  });
  const tsp = await createTspHandler({
    signers: material.timestampSigners ?? [],
    metrics,
    limiter: new RateLimiter({ timestampPerIp: options.timestampRateLimit ?? DEFAULT_TIMESTAMP_RATE_LIMIT }),
    trustedProxies,
    ...(options.now ? { now: options.now } : {}),
  });
  const requestListener = (req: IncomingMessage, res: ServerResponse): void => {
    if (!ocsp(req, res) && !tsp(req, res) && !downloads(req, res)) app(req, res);
  };

  return {
    requestListener,
    responder,
    metrics,
    validator,
    material,
    reloadSigners,
    async listen(listenOptions = {}) {
      const http = await listen(requestListener, {
        host: listenOptions.host ?? '127.0.0.1',
        port: listenOptions.port ?? 8081,
        server: { keepAliveTimeout: 5000, requestTimeout: 30_000 },
      });
      const refreshMs = options.materialRefreshMs ?? 3_600_000;
      const refresh =
        refreshMs > 0
          ? setInterval(() => {
              reloadSigners().catch((e: unknown) => {
                console.error('[kzpki-status] reloading the CA material failed; keeping the current one:', e);
              });
            }, refreshMs)
          : undefined;
      refresh?.unref();
      return {
        url: http.url,
        async close() {
          clearInterval(refresh);
          await http.close();
          if (options.closeSource) await source.close?.();
        },
      };
    },
  };
}

/**
 * Creates the status service and listens: what `pnpm start` (via `kzpki start`) and tests call.
 * @example
 * ```ts
 * const source = await CaStoreStatusSource.open({ dataDir: './var', passphrase: DEV_STATUS_PASSPHRASE });
 * const status = await startStatus({ source, port: 8081, closeSource: true });
 * console.log(`OCSP at ${status.url}/ocsp`);
 * await status.close();
 * ```
 */
export async function startStatus(
  options: StatusServerOptions & { port?: number; host?: string },
): Promise<RunningStatusServer & { server: StatusServer }> {
  const server = await createStatusServer(options);
  const running = await server.listen({ port: options.port, host: options.host });
  return { ...running, server };
}

/** What identifies the TSAs in use: their policies and certificates. */
function tsaFingerprint(material: StatusMaterial): string {
  return (material.timestampSigners ?? [])
    .map((t) => `${t.policy}:${Buffer.from(t.certificate).toString('base64')}`)
    .join('|');
}

/** What identifies the OCSP signers in use: their certificates. */
function signerFingerprint(material: StatusMaterial): string {
  return material.issuers
    .map((i) => `${i.id}:${i.ocspSigner ? Buffer.from(i.ocspSigner.certificate).toString('base64') : '-'}`)
    .join('|');
}

function checkMaterial(material: StatusMaterial): void {
  const ids = new Set<string>();
  for (const i of material.issuers) {
    if (
      !/^[a-z0-9]+(?:[._][a-z0-9]+|-[a-z0-9]+)*$/.test(i.id) ||
      i.id.endsWith('-delta') ||
      i.id.length > 64
    ) {
      throw new StatusError('ERR_CONFIG', `Issuer id ${JSON.stringify(i.id)} is not a valid URL name`);
    }
    if (ids.has(i.id)) throw new StatusError('ERR_CONFIG', `Issuer id ${i.id} appears twice`);
    ids.add(i.id);
  }
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
    p.then(
      (v) => {
        clearTimeout(t);
        resolve(v);
      },
      (e) => {
        clearTimeout(t);
        reject(e);
      },
    );
  });
}
