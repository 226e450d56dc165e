/**
 * The CA signs and publishes its CRLs; the status service only serves them. For every CA of the
 * hierarchy (the issuing CA and the root) the publisher keeps in the store:
 *
 * - a full CRL (RFC 5280 §5) with a freshestCRL extension pointing at the delta;
 * - a delta CRL (§5.2.4) whose base is the latest published full CRL: the changes since that full
 *   CRL's revocation sequence, holds released listed as removeFromCRL (§5.3.1).
 *
 * Full and delta CRLs of an issuer share one cRLNumber sequence allocated in the store, so numbers
 * only increase, whichever CA process signs; the store refuses to replace a newer CRL with an older
 * one. Both are regenerated on a schedule (full daily, delta hourly by default, as the NCA does) and
 * shortly after every revocation, hold or release (the store's revocation sequence is polled, and a
 * burst of changes costs one regeneration). On start only what is missing or stale is regenerated.
 *
 * With several CA processes on one store (PostgreSQL), one process at a time generates an
 * issuer's CRLs: generation runs under the store's exclusive lock `crl:<issuer key id>` (a session
 * advisory lock, released by the database if the holder dies). A process that finds the lock
 * taken looks again on its next poll; one that gets it first checks whether another process has
 * already published what its schedule or a change asked for, and then does nothing.
 *
 * The full CRL is built with `@kzpki/pki`'s streaming `buildCrl`, which writes entries straight into
 * one buffer and yields to the event loop while it goes: a million-entry CRL does not stop the CA
 * (or, under `kzpki start`, the status service in the same process) from answering meanwhile.
 */
import type {
  CrlKind,
  CrlStore,
  PublishedCrlHeader,
  PublishedCrlRecord,
  RevocationChange,
  RevokedEntry,
} from '@kzpki/ca-store';
import { buildCrl, type CrlEntryInput, type SigningKey } from '@kzpki/pki';
import { statusEndpoints } from '../ca/hierarchy.js';

/** A CA whose CRLs are signed: its URL name, key id, certificate and private key. */
export interface CrlIssuer {
  /** URL name (`/crl/<id>.crl`), as in the store's published issuers. */
  id: string;
  /** SubjectKeyIdentifier, lower-case hex. */
  skiHex: string;
  /** DER certificate. */
  certificate: Uint8Array;
  /** The CA's private key (a WebCrypto key, or the GOST CA's software `GostPrivateKey`). */
  privateKey: SigningKey;
}

/** Timing of CRL production. */
export interface CrlScheduleOptions {
  /** Full CRL regeneration period (default 24 h). */
  fullIntervalMs?: number;
  /** Delta CRL regeneration period (default 1 h). */
  deltaIntervalMs?: number;
  /** nextUpdate - thisUpdate of full CRLs (default: interval + 1 h, so clients never see a stale one). */
  fullValidityMs?: number;
  /** nextUpdate - thisUpdate of delta CRLs (default: interval + 5 min). */
  deltaValidityMs?: number;
  /** How often the store's revocation sequence is polled (default 1000 ms; 0 = never). */
  pollIntervalMs?: number;
  /** Wait after a change before regenerating, to batch bursts (default 1000 ms). */
  debounceMs?: number;
  /** Regenerate the full CRL (not only the delta) after changes (default true: CRL-only clients see revocations promptly). */
  regenerateFullOnChange?: boolean;
  /** Entries between yields to the event loop while reading and building (default 5000). */
  yieldEvery?: number;
}

/** Options of {@link CrlPublisher}. */
export interface CrlPublisherOptions {
  /** Where the revocation data comes from and the CRLs go. */
  store: CrlStore;
  /** CAs to sign CRLs for. */
  issuers: readonly CrlIssuer[];
  /** Base URL of the status service, written into the freshestCRL extension of full CRLs. */
  statusBaseUrl: string;
  /** Schedule. */
  schedule?: CrlScheduleOptions;
  /** Clock (tests). */
  now?: () => Date;
  /** Called when a background generation fails (default: console.error). */
  onError?: (error: unknown, issuerId: string) => void;
}

const HOUR = 3_600_000;

/** Signs, publishes and keeps fresh the CRLs of the CA hierarchy. */
export class CrlPublisher {
  private readonly issuers: Map<string, CrlIssuer & { lock: Promise<unknown> }>;
  private readonly schedule: Required<CrlScheduleOptions>;
  private readonly timers: NodeJS.Timeout[] = [];
  private debounce: NodeJS.Timeout | undefined;
  private lastSeenSeq = -1;
  private stopped = false;
  private readonly now: () => Date;

  /**
   * @throws {RangeError} when a validity does not outlast its regeneration interval.
   * @example
   * ```ts
   * const crls = new CrlPublisher({ store, issuers: crlIssuers(material), statusBaseUrl: 'http://127.0.0.1:8081' });
   * await crls.start();
   * ```
   */
  constructor(private readonly options: CrlPublisherOptions) {
    this.issuers = new Map(options.issuers.map((i) => [i.id, { ...i, lock: Promise.resolve() }]));
    const s = options.schedule ?? {};
    const fullIntervalMs = s.fullIntervalMs ?? 24 * HOUR;
    const deltaIntervalMs = s.deltaIntervalMs ?? HOUR;
    this.schedule = {
      fullIntervalMs,
      deltaIntervalMs,
      fullValidityMs: s.fullValidityMs ?? fullIntervalMs + HOUR,
      deltaValidityMs: s.deltaValidityMs ?? deltaIntervalMs + 5 * 60_000,
      pollIntervalMs: s.pollIntervalMs ?? 1000,
      debounceMs: s.debounceMs ?? 1000,
      regenerateFullOnChange: s.regenerateFullOnChange ?? true,
      yieldEvery: s.yieldEvery ?? 5000,
    };
    if (this.schedule.fullValidityMs <= fullIntervalMs || this.schedule.deltaValidityMs <= deltaIntervalMs) {
      throw new RangeError('CRL validity must exceed the regeneration interval');
    }
    this.now = options.now ?? (() => new Date());
  }

  /** URL names of the CAs that get CRLs. */
  get issuerIds(): string[] {
    return [...this.issuers.keys()];
  }

  /**
   * Publishes what is missing or stale (a full CRL older than its interval, a delta older than its
   * interval or behind the revocation sequence), then keeps the CRLs fresh on the schedule.
   */
  async start(): Promise<void> {
    const seq = await this.options.store.revocationSeq();
    this.lastSeenSeq = seq;
    const now = this.now().getTime();
    await Promise.all(
      [...this.issuers.values()].map(async (i) => {
        const full = await this.options.store.getPublishedCrlHeader(i.skiHex, 'full');
        const delta = await this.options.store.getPublishedCrlHeader(i.skiHex, 'delta');
        const stale = (h: PublishedCrlHeader | undefined, intervalMs: number) =>
          !h || h.thisUpdate.getTime() + intervalMs <= now || h.nextUpdate.getTime() <= now;
        if (stale(full, this.schedule.fullIntervalMs)) return this.regenerateIssuer(i.id, 'full', true);
        if (
          stale(delta, this.schedule.deltaIntervalMs) ||
          delta!.baseCrlNumber !== full!.crlNumber ||
          delta!.revocationSeq < seq
        ) {
          return this.regenerateIssuer(i.id, 'delta', true);
        }
      }),
    );
    if (this.stopped) return;
    this.every(this.schedule.fullIntervalMs, () => this.regenerateAll('full', true));
    this.every(this.schedule.deltaIntervalMs, () => this.regenerateAll('delta', true));
    if (this.schedule.pollIntervalMs > 0) {
      this.every(this.schedule.pollIntervalMs, async () => {
        this.noteChangeSeq(await this.options.store.revocationSeq());
      });
    }
  }

  /** Tells the publisher the store's revocation sequence; a new value schedules a debounced regeneration. */
  noteChangeSeq(seq: number): void {
    if (seq === this.lastSeenSeq || this.stopped) return;
    this.lastSeenSeq = seq;
    if (this.debounce) return;
    this.debounce = setTimeout(() => {
      this.debounce = undefined;
      this.regenerateAll(this.schedule.regenerateFullOnChange ? 'full' : 'delta', true).catch(() => {});
    }, this.schedule.debounceMs);
    this.debounce.unref();
  }

  /**
   * Regenerates now: `full` publishes a new full CRL and a delta on top of it; `delta` only a delta
   * (on the latest published full CRL, made first if there is none). Resolves when published;
   * errors are reported to `onError` and rethrown.
   */
  async regenerate(kind: CrlKind = 'full'): Promise<void> {
    await this.regenerateAll(kind, false);
  }

  /** `auto`: a schedule or a change asked, and what another process published may already do. */
  private async regenerateAll(kind: CrlKind, auto: boolean): Promise<void> {
    await Promise.all([...this.issuers.keys()].map((id) => this.regenerateIssuer(id, kind, auto)));
  }

  /**
   * `true` when the published CRLs already give what an automatic regeneration of `kind` would:
   * both reflect the current revocation sequence, the delta is on the latest full CRL, and the
   * one of `kind` is younger than half its interval (another process made them).
   */
  private async fresh(i: CrlIssuer, kind: CrlKind): Promise<boolean> {
    const { store } = this.options;
    const seq = await store.revocationSeq();
    const full = await store.getPublishedCrlHeader(i.skiHex, 'full');
    const delta = await store.getPublishedCrlHeader(i.skiHex, 'delta');
    if (!full || !delta || delta.baseCrlNumber !== full.crlNumber) return false;
    const h = kind === 'full' ? full : delta;
    const interval = kind === 'full' ? this.schedule.fullIntervalMs : this.schedule.deltaIntervalMs;
    return (
      full.revocationSeq >= seq &&
      delta.revocationSeq >= seq &&
      this.now().getTime() - h.thisUpdate.getTime() < interval / 2
    );
  }

  /** The latest published CRL of an issuer (read from the store). */
  latest(issuerId: string, kind: CrlKind): Promise<PublishedCrlRecord | undefined> {
    const i = this.issuers.get(issuerId);
    return i ? this.options.store.getPublishedCrl(i.skiHex, kind) : Promise.resolve(undefined);
  }

  /** Stops the schedule; resolves once a generation under way has finished (the store may then close). */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const t of this.timers) clearInterval(t);
    if (this.debounce) clearTimeout(this.debounce);
    await Promise.all([...this.issuers.values()].map((i) => i.lock));
  }

  private every(ms: number, task: () => Promise<void>): void {
    const t = setInterval(() => {
      task().catch(() => {});
    }, ms);
    t.unref();
    this.timers.push(t);
  }

  private regenerateIssuer(issuerId: string, kind: CrlKind, auto = false): Promise<void> {
    const i = this.issuers.get(issuerId)!;
    const { store } = this.options;
    const work = async (): Promise<void> => {
      if (auto && (await this.fresh(i, kind))) return;
      let base = await store.getPublishedCrlHeader(i.skiHex, 'full');
      if (kind === 'full' || !base) base = await this.generate(i, 'full');
      await this.generate(i, 'delta', base);
    };
    const run = async (): Promise<void> => {
      if (this.stopped) return;
      try {
        if (!store.exclusive) return await work();
        const { acquired } = await store.exclusive(`crl:${i.skiHex}`, work, { wait: !auto });
        // Another process is generating: look again on the next poll (then, probably, fresh).
        if (!acquired) this.lastSeenSeq = -1;
      } catch (e) {
        (this.options.onError ?? defaultOnError)(e, issuerId);
        throw e;
      }
    };
    // Generations of one issuer run one after the other, so a delta always sees its base.
    const next = i.lock.then(run, run);
    i.lock = next.catch(() => {});
    return next;
  }

  private async generate(
    i: CrlIssuer,
    kind: CrlKind,
    base?: PublishedCrlHeader,
  ): Promise<PublishedCrlHeader> {
    const { store } = this.options;
    // The sequence is read before the entries: the CRL reflects at least every change up to it.
    const seq = await store.revocationSeq();
    const entries =
      kind === 'full'
        ? await fullEntries(store.listRevoked(i.skiHex), this.schedule.yieldEvery)
        : deltaEntries(await store.listRevocationChangesSince(i.skiHex, base!.revocationSeq));
    const crlNumber = await store.nextCrlNumber(i.skiHex);
    const thisUpdate = this.now();
    const validity = kind === 'full' ? this.schedule.fullValidityMs : this.schedule.deltaValidityMs;
    const nextUpdate = new Date(thisUpdate.getTime() + validity);
    const der = await buildCrl({
      issuer: i.certificate,
      issuerKey: i.privateKey,
      crlNumber,
      thisUpdate,
      nextUpdate,
      entries,
      ...(kind === 'full'
        ? { freshestCrlUrls: [statusEndpoints(this.options.statusBaseUrl, i.id).deltaCrl] }
        : { deltaOf: base!.crlNumber }),
      yieldEvery: this.schedule.yieldEvery,
    });
    const record: PublishedCrlRecord = {
      issuerSkiHex: i.skiHex,
      kind,
      crlNumber,
      ...(kind === 'delta' ? { baseCrlNumber: base!.crlNumber } : {}),
      thisUpdate,
      nextUpdate,
      entries: entries.length,
      revocationSeq: seq,
      der,
      publishedAt: this.now(),
    };
    await store.publishCrl(record);
    const { der: _der, ...header } = record;
    return header;
  }
}

function defaultOnError(error: unknown, issuerId: string): void {
  console.error(`[kzpki-ca] CRL generation for ${issuerId} failed:`, error);
}

function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * Reads the revoked list into columns (no object per entry kept) and yields to the event loop every
 * `yieldEvery` entries: the store answers page by page synchronously, so without the yields the
 * whole read would run in one turn of the event loop.
 */
async function fullEntries(
  revoked: AsyncIterable<RevokedEntry>,
  yieldEvery: number,
): Promise<Iterable<CrlEntryInput> & { length: number }> {
  const serials: string[] = [];
  const dates: number[] = [];
  const reasons: RevokedEntry['reason'][] = [];
  const invalidity: (number | undefined)[] = [];
  for await (const r of revoked) {
    serials.push(r.serialHex);
    dates.push(r.revokedAt.getTime());
    reasons.push(r.reason);
    invalidity.push(r.invalidityDate?.getTime());
    if (serials.length % yieldEvery === 0) await yieldToEventLoop();
  }
  return {
    length: serials.length,
    *[Symbol.iterator]() {
      for (let k = 0; k < serials.length; k++) {
        const inv = invalidity[k];
        yield {
          serial: serials[k]!,
          revocationDate: new Date(dates[k]!),
          reason: reasons[k],
          invalidityDate: inv === undefined ? undefined : new Date(inv),
        };
      }
    },
  };
}

/**
 * Delta entries (RFC 5280 §5.2.4): a certificate revoked or put on hold since the base is listed
 * with its reason; one released from hold is listed with reason removeFromCRL (§5.3.1), dated when
 * it was released.
 */
function deltaEntries(changes: readonly RevocationChange[]): CrlEntryInput[] {
  return changes.map((c) =>
    c.change === 'released'
      ? { serial: c.serialHex, revocationDate: c.revokedAt, reason: 'removeFromCRL' }
      : {
          serial: c.serialHex,
          revocationDate: c.revokedAt,
          reason: c.change === 'hold' ? 'certificateHold' : c.reason,
          invalidityDate: c.invalidityDate,
        },
  );
}
