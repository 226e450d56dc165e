/**
 * The OCSP responder (RFC 6960) behind `/ocsp`: turns request bytes into response bytes.
 *
 * - Requests are decoded by `@kzpki/pki` (`parseOcspRequest`); undecodable ones get
 *   `malformedRequest`, CertIDs of a CA this service does not sign for get `unauthorized`
 *   (RFC 6960 §2.3). Nothing here throws to the HTTP layer: a failure is `internalError`.
 * - Requests without a nonce are answered from pre-produced responses (RFC 5019 §2.1.1), one per
 *   distinct question (hash algorithm + issuer + serial of every CertID), signed once and reused
 *   until half their validity has passed, then refreshed in the background.
 * - Every request first reads the source's change sequence (one cheap query). When it moved, the
 *   changes since the last seen value are read and the responses about those certificates are
 *   dropped before anything is served, so a certificate is never reported good after its
 *   revocation call returned, whichever process made the call.
 * - Requests with a nonce are signed live through a bounded signing queue; when signing falls
 *   behind they get `tryLater` instead of an ever-growing wait.
 * - The fast path ({@link OcspResponder.cached}): a request seen before, whose pre-produced
 *   response is current, is answered synchronously (no promise, no decoding) while the source
 *   knows its change sequence without waiting and the cache is validated against it.
 */
import {
  buildOcspErrorResponse,
  inspectCertificate,
  isOcspHashAlgorithm,
  normalizeSerialHex,
  OCSP_HASH_OIDS,
  type OcspCertId,
  type OcspCertStatus,
  type OcspHashAlgorithm,
  type OcspNonceEncoding,
  type OcspResponder as PreparedSigner,
  parseOcspRequest,
  prepareOcspIssuer,
  prepareOcspResponder,
} from '@kzpki/pki';
import { StatusError } from '../errors.js';
import type { StatusMetrics } from '../metrics/status-metrics.js';
import type {
  CertificateStatusRecord,
  IssuerMaterial,
  SignerMaterial,
  StatusSource,
} from '../source/status-source.js';
import { type CachedResponse, ResponseCache } from './response-cache.js';
import { SigningOverloadError, SigningQueue, type SigningQueueOptions } from './signing-queue.js';

/** OCSPResponseStatus values this responder sends (RFC 6960 §4.2.1). */
export type OcspOutcome = 'successful' | 'malformedRequest' | 'internalError' | 'tryLater' | 'unauthorized';

/** What the HTTP layer needs to answer. */
export interface OcspAnswer {
  /** DER OCSPResponse (always present: errors are OCSP responses too). */
  der: Uint8Array;
  /** responseStatus. */
  outcome: OcspOutcome;
  /** For pre-produced responses: what HTTP caching headers are derived from (RFC 5019 §6.2). */
  cache?: { producedAt: Date; nextUpdate: Date; etag: string; hit: boolean };
}

/** Options of {@link OcspResponder}. */
export interface OcspResponderOptions {
  /** The data. */
  source: StatusSource;
  /** CAs served; those without `ocspSigner` answer `unauthorized`. */
  issuers: readonly IssuerMaterial[];
  /** Metrics to update. */
  metrics?: StatusMetrics;
  /** nextUpdate - thisUpdate of good and revoked statuses (default 3600 s). */
  validitySeconds?: number;
  /** nextUpdate - thisUpdate of `unknown` statuses (default 300 s: a serial may get issued meanwhile). */
  unknownValiditySeconds?: number;
  /** Fraction of the validity after which a pre-produced response is refreshed (default 0.5). */
  refreshFraction?: number;
  /** Pre-produced responses kept (default 50 000). */
  maxCacheEntries?: number;
  /** Decoded requests remembered by their bytes, to skip decoding on repeats (default 50 000). */
  maxMemoEntries?: number;
  /** CertIDs accepted in one request (default 32). */
  maxCertIdsPerRequest?: number;
  /** Live-signing limits. */
  signing?: SigningQueueOptions;
  /** Called with every change sequence seen (e.g. to watch revocation activity). */
  onChangeSeq?: (seq: number) => void;
  /** Clock (tests). */
  now?: () => Date;
}

/** RFC 8954 §2.1: nonces longer than 32 octets may be ignored (answered as if absent). */
const MAX_NONCE_OCTETS = 32;

/** More changes than this at once: clearing the cache is cheaper than dropping entry by entry. */
const MAX_TARGETED_INVALIDATIONS = 10_000;

interface ServedIssuer {
  material: IssuerMaterial;
  /** The prepared signer (ResponderID, certs encoded once), shared by CAs with the same signer. */
  signer?: PreparedSigner;
}

interface ResolvedCertId {
  certId: OcspCertId;
  issuer: ServedIssuer;
  serialHex: string;
  /** `issuerId/serialHex`. */
  certificate: string;
}

/** A decoded, checked request. */
type ResolvedRequest =
  | {
      ok: true;
      items: ResolvedCertId[];
      signer: PreparedSigner;
      key: string;
      nonce?: Uint8Array;
      nonceEncoding?: OcspNonceEncoding;
    }
  | { ok: false; outcome: 'malformedRequest' | 'unauthorized' };

/** Answers OCSP requests; see the module documentation. */
export class OcspResponder {
  private readonly cache: ResponseCache;
  private readonly memo = new Map<string, ResolvedRequest>();
  private readonly inFlight = new Map<string, Promise<CachedResponse>>();
  private readonly queue: SigningQueue;
  private readonly errors: Record<Exclude<OcspOutcome, 'successful'>, Uint8Array>;
  private readonly now: () => Date;
  private readonly validityMs: number;
  private readonly unknownValidityMs: number;
  private readonly refreshFraction: number;
  private readonly maxMemo: number;
  private readonly maxCertIds: number;
  /** Every change up to this sequence number has been applied to the cache. */
  private validatedSeq = Number.NaN;
  private syncing: Promise<void> | undefined;
  /** Bumped by a full clear: responses produced before it are not stored. */
  private generation = 0;
  private etagCounter = 0;
  private readonly statusCounters: Record<'good' | 'revoked' | 'unknown', { inc(): void }> | undefined;
  private readonly cacheHits: { inc(): void } | undefined;
  private readonly cacheMisses: { inc(): void } | undefined;

  private constructor(
    private readonly options: OcspResponderOptions,
    private byCertIdIssuer: Map<string, ServedIssuer>,
  ) {
    this.cache = new ResponseCache(options.maxCacheEntries ?? 50_000);
    this.queue = new SigningQueue(options.signing);
    this.now = options.now ?? (() => new Date());
    this.validityMs = (options.validitySeconds ?? 3600) * 1000;
    this.unknownValidityMs = (options.unknownValiditySeconds ?? 300) * 1000;
    this.refreshFraction = options.refreshFraction ?? 0.5;
    this.maxMemo = options.maxMemoEntries ?? 50_000;
    this.maxCertIds = options.maxCertIdsPerRequest ?? 32;
    const m = options.metrics;
    if (m) {
      this.statusCounters = {
        good: m.ocspResponses.labels({ status: 'good' }),
        revoked: m.ocspResponses.labels({ status: 'revoked' }),
        unknown: m.ocspResponses.labels({ status: 'unknown' }),
      };
      this.cacheHits = m.ocspCache.labels({ result: 'hit' });
      this.cacheMisses = m.ocspCache.labels({ result: 'miss' });
    }
    this.errors = {
      malformedRequest: buildOcspErrorResponse('malformedRequest'),
      internalError: buildOcspErrorResponse('internalError'),
      tryLater: buildOcspErrorResponse('tryLater'),
      unauthorized: buildOcspErrorResponse('unauthorized'),
    };
  }

  /**
   * Prepares a responder: computes the CertID issuer hashes of every CA for each supported hash.
   * @example
   * ```ts
   * const responder = await OcspResponder.create({ source, issuers: (await source.material()).issuers });
   * const { der } = await responder.respond(requestDer);
   * ```
   */
  static async create(options: OcspResponderOptions): Promise<OcspResponder> {
    return new OcspResponder(options, await buildIndex(options.issuers));
  }

  /**
   * Switches to new signing material (e.g. a renewed OCSP responder certificate) for the same
   * CAs. Pre-produced responses are dropped: they carry the old certificate.
   */
  async updateIssuers(issuers: readonly IssuerMaterial[]): Promise<void> {
    const ids = (list: readonly IssuerMaterial[]) =>
      list
        .map((i) => i.id)
        .sort()
        .join(',');
    if (ids(issuers) !== ids(this.options.issuers)) {
      throw new StatusError('ERR_CONFIG', 'The set of CAs changed; restart the service to serve the new one');
    }
    this.byCertIdIssuer = await buildIndex(issuers);
    this.memo.clear();
    this.clear();
  }

  /** Pre-produced responses held. */
  get cacheSize(): number {
    return this.cache.size;
  }

  /** Live signings running now. */
  get signingInFlight(): number {
    return this.queue.inFlight;
  }

  /** Live signings waiting for a slot. */
  get signingQueued(): number {
    return this.queue.queued;
  }

  /**
   * Answers one request. `memoKey` identifies the exact request bytes (the GET path, or the POST
   * body as a string) so that repeated requests skip decoding.
   */
  async respond(der: Uint8Array, memoKey?: string): Promise<OcspAnswer> {
    const m = this.options.metrics;
    try {
      const seq = await this.options.source.changeSeq();
      if (seq !== this.validatedSeq) await this.syncTo(seq);
      this.options.onChangeSeq?.(seq);

      let req = memoKey === undefined ? undefined : this.memo.get(memoKey);
      if (!req) {
        req = await this.resolve(der);
        if (memoKey !== undefined && (!req.ok || !req.nonce)) this.remember(memoKey, req);
      }
      if (!req.ok) return this.error(req.outcome);

      if (req.nonce) {
        // A live signature for the nonce; the statuses of a current pre-produced answer to the
        // same question are still exact (any change would have dropped it), so no lookup.
        const current = this.cache.get(req.key);
        const known =
          current && this.now().getTime() < current.nextUpdate.getTime() ? current.statuses : undefined;
        const produced = await this.produce(req, true, known);
        this.countStatuses(produced);
        return { der: produced.der, outcome: 'successful' };
      }
      const nowMs = this.now().getTime();
      const cached = this.cache.get(req.key);
      if (cached && nowMs < cached.nextUpdate.getTime()) {
        this.cacheHits?.inc();
        this.countStatuses(cached);
        if (nowMs >= cached.refreshAtMs) this.refreshInBackground(req);
        return { der: cached.der, outcome: 'successful', cache: { ...cacheInfo(cached), hit: true } };
      }
      this.cacheMisses?.inc();
      const produced = await this.produceShared(req);
      this.countStatuses(produced);
      return { der: produced.der, outcome: 'successful', cache: { ...cacheInfo(produced), hit: false } };
    } catch (e) {
      if (e instanceof SigningOverloadError) {
        m?.ocspShed.inc();
        return this.error('tryLater');
      }
      // Never a 500: the client gets internalError and the reason goes to the log.
      console.error('[kzpki-status] OCSP internal error:', e);
      return this.error('internalError');
    }
  }

  /**
   * The pre-produced response for a request seen before (`memoKey`: its GET path or POST body as
   * given to {@link respond}), when it can be served at once: the source's change sequence is
   * known synchronously (`changeSeqNow`) and already applied to the cache, the request was
   * decoded and had no nonce, and the response is within its validity. Otherwise `undefined`: the
   * caller takes {@link respond}, which gives the same answer, asynchronously. Counted as a cache
   * hit, and refreshed in the background past its refresh time, as {@link respond} does.
   */
  cached(memoKey: string): CachedResponse | undefined {
    const seq = this.options.source.changeSeqNow?.();
    if (seq === undefined || seq !== this.validatedSeq) return undefined;
    const req = this.memo.get(memoKey);
    if (req === undefined || !req.ok || req.nonce) return undefined;
    const entry = this.cache.get(req.key);
    if (entry === undefined) return undefined;
    const nowMs = this.options.now ? this.options.now().getTime() : Date.now();
    if (nowMs >= entry.nextUpdate.getTime()) return undefined;
    this.cacheHits?.inc();
    this.countStatuses(entry);
    if (nowMs >= entry.refreshAtMs) this.refreshInBackground(req);
    return entry;
  }

  /** The answer to a request whose transport encoding (base64 of a GET) is already broken. */
  malformed(): OcspAnswer {
    return this.error('malformedRequest');
  }

  /** Forgets every pre-produced response (e.g. after a key rollover). */
  clear(): void {
    this.generation++;
    this.cache.clear();
    this.inFlight.clear();
  }

  private error(outcome: Exclude<OcspOutcome, 'successful'>): OcspAnswer {
    this.options.metrics?.ocspResponses.inc({ status: outcome });
    return { der: this.errors[outcome], outcome };
  }

  /**
   * Brings the cache up to `seq`: drops responses about certificates changed since the last sync.
   * Concurrent requests share one invalidation; a request that read an older value than the one
   * already applied (it raced a newer request) has nothing to do.
   */
  private async syncTo(seq: number): Promise<void> {
    while (!(this.validatedSeq >= seq)) {
      if (!this.syncing) {
        this.syncing = this.invalidate(this.validatedSeq, seq).finally(() => {
          this.syncing = undefined;
        });
      }
      await this.syncing;
    }
  }

  private async invalidate(from: number, to: number): Promise<void> {
    const m = this.options.metrics;
    if (Number.isNaN(from)) {
      // First request: nothing is cached yet.
      this.validatedSeq = to;
      return;
    }
    let dropped = 0;
    let changes = 0;
    try {
      outer: for (const issuer of this.options.issuers) {
        for await (const c of this.options.source.changesSince(issuer.id, from)) {
          if (++changes > MAX_TARGETED_INVALIDATIONS) break outer;
          dropped += this.cache.deleteCertificate(`${issuer.id}/${normalizeSerialHex(c.serialHex)}`);
        }
      }
    } catch (e) {
      console.error('[kzpki-status] reading revocation changes failed; clearing the OCSP cache:', e);
      changes = Number.POSITIVE_INFINITY;
    }
    if (changes > MAX_TARGETED_INVALIDATIONS) {
      m?.ocspCacheInvalidations.inc({ scope: 'all' });
      this.clear();
    } else {
      m?.ocspCacheInvalidations.inc({ scope: 'entry' }, dropped);
      // Responses being signed from statuses read before these changes must not be stored or shared.
      this.generation++;
      this.inFlight.clear();
    }
    this.validatedSeq = to;
  }

  private remember(memoKey: string, req: ResolvedRequest): void {
    if (this.memo.size >= this.maxMemo) {
      const oldest = this.memo.keys().next();
      if (!oldest.done) this.memo.delete(oldest.value);
    }
    this.memo.set(memoKey, req);
  }

  /** Decodes and checks a request. */
  private async resolve(der: Uint8Array): Promise<ResolvedRequest> {
    let parsed: ReturnType<typeof parseOcspRequest>;
    try {
      parsed = parseOcspRequest(der);
    } catch {
      return { ok: false, outcome: 'malformedRequest' };
    }
    if (parsed.certIds.length === 0 || parsed.certIds.length > this.maxCertIds) {
      return { ok: false, outcome: 'malformedRequest' };
    }
    const items: ResolvedCertId[] = [];
    let signer: PreparedSigner | undefined;
    for (const certId of parsed.certIds) {
      const issuer = isOcspHashAlgorithm(certId.hashAlgorithm)
        ? this.byCertIdIssuer.get(
            issuerKey(certId.hashAlgorithm, certId.issuerNameHash, certId.issuerKeyHash),
          )
        : undefined;
      // A CA we do not know, or one we publish but do not sign OCSP responses for.
      if (!issuer?.signer) return { ok: false, outcome: 'unauthorized' };
      // One response has one signature: every CertID must be answerable by the same signer.
      if (signer && signer !== issuer.signer) return { ok: false, outcome: 'unauthorized' };
      signer = issuer.signer;
      const serialHex = normalizeSerialHex(certId.serialHex);
      items.push({ certId, issuer, serialHex, certificate: `${issuer.material.id}/${serialHex}` });
    }
    const key = items.map((i) => `${i.certId.hashAlgorithm}:${i.certificate}`).join('|');
    const nonce = parsed.nonce && parsed.nonce.length <= MAX_NONCE_OCTETS ? parsed.nonce : undefined;
    return {
      ok: true,
      items,
      signer: signer!,
      key,
      ...(nonce ? { nonce, nonceEncoding: parsed.nonceEncoding ?? 'wrapped' } : {}),
    };
  }

  /** One signing for concurrent misses of the same question; stores the result when still current. */
  private produceShared(req: Extract<ResolvedRequest, { ok: true }>): Promise<CachedResponse> {
    const existing = this.inFlight.get(req.key);
    if (existing) return existing;
    const generation = this.generation;
    const p = this.produce(req).then((r) => {
      // Statuses read before a change was applied are served to this request only.
      if (generation === this.generation) this.cache.set(r);
      return r;
    });
    this.inFlight.set(req.key, p);
    const done = (): void => {
      if (this.inFlight.get(req.key) === p) this.inFlight.delete(req.key);
    };
    p.then(done, done);
    return p;
  }

  private refreshInBackground(req: Extract<ResolvedRequest, { ok: true }>): void {
    if (this.inFlight.has(req.key)) return;
    // A shed refresh is harmless: the current response stays valid until its nextUpdate.
    this.produceShared(req).catch(() => {});
  }

  /** Reads the statuses and signs a response. */
  private async produce(
    req: Extract<ResolvedRequest, { ok: true }>,
    withNonce = false,
    known?: readonly OcspCertStatus[],
  ): Promise<CachedResponse> {
    // Whole seconds: GeneralizedTime carries none, and HTTP dates neither.
    const now = new Date(Math.floor(this.now().getTime() / 1000) * 1000);
    const statuses =
      known ??
      (
        await Promise.all(req.items.map((i) => this.options.source.lookup(i.issuer.material.id, i.serialHex)))
      ).map(certStatus);
    let nextUpdateMs = Number.POSITIVE_INFINITY;
    const responses = req.items.map((item, i) => {
      const status = statuses[i]!;
      const nextUpdate = new Date(
        now.getTime() + (status.type === 'unknown' ? this.unknownValidityMs : this.validityMs),
      );
      nextUpdateMs = Math.min(nextUpdateMs, nextUpdate.getTime());
      return { certId: item.certId, status, thisUpdate: now, nextUpdate };
    });
    const started = performance.now();
    const der = await this.queue.run(() =>
      req.signer.sign({
        responses,
        producedAt: now,
        ...(withNonce && req.nonce ? { nonce: req.nonce, nonceEncoding: req.nonceEncoding } : {}),
      }),
    );
    this.options.metrics?.ocspSigning.observe((performance.now() - started) / 1000);
    const nextUpdate = new Date(nextUpdateMs);
    return {
      key: req.key,
      der,
      producedAt: now,
      nextUpdate,
      refreshAtMs: now.getTime() + (nextUpdateMs - now.getTime()) * this.refreshFraction,
      etag: `"${(++this.etagCounter).toString(36)}-${now.getTime().toString(36)}"`,
      certificates: req.items.map((i) => i.certificate),
      statuses,
    };
  }

  private countStatuses(r: CachedResponse): void {
    if (!this.statusCounters) return;
    for (const status of r.statuses) this.statusCounters[status.type].inc();
  }
}

function cacheInfo(r: CachedResponse): { producedAt: Date; nextUpdate: Date; etag: string } {
  return { producedAt: r.producedAt, nextUpdate: r.nextUpdate, etag: r.etag };
}

/** id-kp-OCSPSigning (RFC 5280 §4.2.1.12). */
const OCSP_SIGNING = '1.3.6.1.5.5.7.3.9';

/**
 * `true` when `responder` is a delegated OCSP responder certificate of the CA `issuer`
 * (RFC 6960 §4.2.2.2): issued by it (authority key id = the CA's subject key id) with extKeyUsage
 * id-kp-OCSPSigning, and id-pkix-ocsp-nocheck (§4.2.2.2.1) so that clients need not check its own
 * status. The service signs with nothing else: never with a CA key.
 * @example
 * ```ts
 * if (!isDelegatedResponder(responderDer, issuingCaDer)) throw new Error('not a responder');
 * ```
 */
export function isDelegatedResponder(responder: Uint8Array, issuer: Uint8Array): boolean {
  try {
    const r = inspectCertificate(responder);
    const ca = inspectCertificate(issuer);
    return (
      ca.subjectKeyId !== undefined &&
      r.authorityKeyId === ca.subjectKeyId &&
      r.subjectKeyId !== ca.subjectKeyId &&
      r.extKeyUsage.includes(OCSP_SIGNING) &&
      r.ocspNoCheck
    );
  } catch {
    return false;
  }
}

/** CertID issuer hashes (every supported hash) → the CA and its prepared signer. */
async function buildIndex(issuers: readonly IssuerMaterial[]): Promise<Map<string, ServedIssuer>> {
  const index = new Map<string, ServedIssuer>();
  const signers = new Map<SignerMaterial, PreparedSigner>();
  for (const material of issuers) {
    let signer: PreparedSigner | undefined;
    if (material.ocspSigner) {
      if (!isDelegatedResponder(material.ocspSigner.certificate, material.certificate)) {
        throw new StatusError(
          'ERR_CONFIG',
          `The OCSP signer of ${material.id} is not a delegated responder of that CA (issued by it, extKeyUsage OCSPSigning, ocsp-nocheck)`,
        );
      }
      signer = signers.get(material.ocspSigner);
      if (!signer) {
        signer = await prepareOcspResponder({
          responderCertificate: material.ocspSigner.certificate,
          responderKey: material.ocspSigner.privateKey,
          responderId: 'byKey',
        });
        signers.set(material.ocspSigner, signer);
      }
    }
    const served: ServedIssuer = { material, ...(signer ? { signer } : {}) };
    const prepared = await prepareOcspIssuer(material.certificate);
    for (const hash of Object.keys(OCSP_HASH_OIDS) as OcspHashAlgorithm[]) {
      const h = prepared.hashes[hash];
      index.set(issuerKey(hash, h.issuerNameHash, h.issuerKeyHash), served);
    }
  }
  return index;
}

function issuerKey(hash: OcspHashAlgorithm, nameHash: string, keyHash: string): string {
  return `${hash}:${nameHash.toLowerCase()}:${keyHash.toLowerCase()}`;
}

/** RFC 6960 §4.2.1 CertStatus of a record; held certificates are revoked with certificateHold. */
function certStatus(record: CertificateStatusRecord | undefined): OcspCertStatus {
  if (!record) return { type: 'unknown' };
  if (record.state === 'good') return { type: 'good' };
  return {
    type: 'revoked',
    revocationTime: record.revokedAt ?? new Date(0),
    ...(record.state === 'hold'
      ? { reason: 'certificateHold' as const }
      : record.reason
        ? { reason: record.reason }
        : {}),
  };
}
