/**
 * Produces and holds the CRLs the service serves: for every CA with a CRL-signing key, a full CRL
 * (RFC 5280 §5, with a freshestCRL extension pointing at the delta) and a delta CRL (§5.2.4: the
 * changes since that full CRL, holds released as removeFromCRL). Both are regenerated on a
 * schedule (full daily, delta hourly by default, as the NCA does) and shortly after every
 * revocation, hold or release (debounced, so a burst of revocations costs one regeneration).
 *
 * The full CRL is built with `@kzpki/pki`'s streaming `buildCrl`, which writes entries straight
 * into one buffer and yields to the event loop while it goes: a million-entry CRL does not stop
 * the OCSP responder from answering meanwhile.
 */
import { buildCrl, type CrlEntryInput } from '@kzpki/pki';
import type { StatusMetrics } from '../metrics/status-metrics.js';
import type {
  IssuerMaterial,
  RevocationChange,
  RevokedEntry,
  StatusSource,
} from '../source/status-source.js';

/** Full or delta. */
export type CrlKind = 'full' | 'delta';

/** A CRL ready to be served. */
export interface PublishedCrl {
  /** Issuer id (URL name). */
  issuerId: string;
  /** Full or delta. */
  kind: CrlKind;
  /** DER bytes. */
  der: Uint8Array;
  /** cRLNumber. */
  crlNumber: bigint;
  /** For a delta: the number of the full CRL it updates. */
  baseCrlNumber?: bigint;
  /** thisUpdate. */
  thisUpdate: Date;
  /** nextUpdate. */
  nextUpdate: Date;
  /** Number of entries. */
  entries: number;
  /** Source change sequence the CRL reflects at least. */
  seq: number;
  /** Strong HTTP entity tag. */
  etag: string;
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
  /** Wait after a change before regenerating, to batch bursts (default 1000 ms). */
  debounceMs?: number;
  /** Regenerate the full CRL (not only the delta) after changes (default true: CRL-only clients see revocations promptly). */
  regenerateFullOnChange?: boolean;
  /** Entries between yields to the event loop while building (passed to buildCrl; default 5000). */
  yieldEvery?: number;
}

/** Options of {@link CrlPublisher}. */
export interface CrlPublisherOptions {
  /** The data. */
  source: StatusSource;
  /** CAs to publish for (those without `crlSigner` are skipped). */
  issuers: readonly IssuerMaterial[];
  /**
   * Base URL written into the freshestCRL extension (`${publicUrl}/crl/<id>-delta.crl`); a
   * function when it is only known once the server listens.
   */
  publicUrl: string | (() => string);
  /** Metrics to update. */
  metrics?: StatusMetrics;
  /** Schedule. */
  schedule?: CrlScheduleOptions;
  /** Clock (tests). */
  now?: () => Date;
  /** Called when a background generation fails (default: console.error). */
  onError?: (error: unknown, issuerId: string) => void;
}

interface IssuerCrls {
  material: IssuerMaterial & { crlSigner: CryptoKey };
  full?: PublishedCrl;
  delta?: PublishedCrl;
  /** Serialises generations of this issuer. */
  lock: Promise<unknown>;
}

const HOUR = 3_600_000;

/** The URL of an issuer's full or delta CRL under `publicUrl`. */
export function crlUrl(publicUrl: string, issuerId: string, kind: CrlKind): string {
  return `${publicUrl.replace(/\/+$/, '')}/crl/${issuerId}${kind === 'delta' ? '-delta' : ''}.crl`;
}

/** Generates, schedules and holds the CRLs of every CA with a CRL-signing key. */
export class CrlPublisher {
  private readonly issuers = new Map<string, IssuerCrls>();
  private readonly schedule: Required<CrlScheduleOptions>;
  private readonly timers: NodeJS.Timeout[] = [];
  private debounce: NodeJS.Timeout | undefined;
  private lastSeenSeq = -1;
  private stopped = false;
  private readonly now: () => Date;

  constructor(private readonly options: CrlPublisherOptions) {
    for (const m of options.issuers) {
      if (m.crlSigner)
        this.issuers.set(m.id, { material: m as IssuerCrls['material'], lock: Promise.resolve() });
    }
    const s = options.schedule ?? {};
    const fullIntervalMs = s.fullIntervalMs ?? 24 * HOUR;
    const deltaIntervalMs = s.deltaIntervalMs ?? HOUR;
    this.schedule = {
      fullIntervalMs,
      deltaIntervalMs,
      fullValidityMs: s.fullValidityMs ?? fullIntervalMs + HOUR,
      deltaValidityMs: s.deltaValidityMs ?? deltaIntervalMs + 5 * 60_000,
      debounceMs: s.debounceMs ?? 1000,
      regenerateFullOnChange: s.regenerateFullOnChange ?? true,
      yieldEvery: s.yieldEvery ?? 5000,
    };
    if (this.schedule.fullValidityMs <= fullIntervalMs || this.schedule.deltaValidityMs <= deltaIntervalMs) {
      throw new RangeError('CRL validity must exceed the regeneration interval');
    }
    this.now = options.now ?? (() => new Date());
  }

  /** Ids of the CAs that get CRLs. */
  get issuerIds(): string[] {
    return [...this.issuers.keys()];
  }

  /** `true` once every CA has a full and a delta CRL. */
  get ready(): boolean {
    return [...this.issuers.values()].every((i) => i.full && i.delta);
  }

  /** The CRL being served, if generated yet. */
  get(issuerId: string, kind: CrlKind): PublishedCrl | undefined {
    const i = this.issuers.get(issuerId);
    return kind === 'full' ? i?.full : i?.delta;
  }

  /** Generates every CRL now, then keeps them fresh on the schedule. */
  async start(): Promise<void> {
    this.lastSeenSeq = await this.options.source.changeSeq();
    await this.regenerate('full');
    if (this.stopped) return;
    this.every(this.schedule.fullIntervalMs, () => this.regenerate('full'));
    this.every(this.schedule.deltaIntervalMs, () => this.regenerate('delta'));
  }

  /**
   * Tells the publisher the source's change sequence (the OCSP path and a poller call this);
   * a new value schedules a debounced regeneration.
   */
  noteChangeSeq(seq: number): void {
    if (seq === this.lastSeenSeq || this.stopped) return;
    this.lastSeenSeq = seq;
    if (this.debounce) return;
    this.debounce = setTimeout(() => {
      this.debounce = undefined;
      this.regenerate(this.schedule.regenerateFullOnChange ? 'full' : 'delta').catch(() => {});
    }, this.schedule.debounceMs);
    this.debounce.unref();
  }

  /**
   * Regenerates now: `full` makes a new full CRL and a delta on top of it; `delta` only a delta.
   * Resolves when done; errors are reported to `onError` and rethrown.
   */
  async regenerate(kind: CrlKind = 'full'): Promise<void> {
    await Promise.all([...this.issuers.keys()].map((id) => this.regenerateIssuer(id, kind)));
  }

  /** Stops the schedule. */
  stop(): void {
    this.stopped = true;
    for (const t of this.timers) clearInterval(t);
    if (this.debounce) clearTimeout(this.debounce);
  }

  private publicUrl(): string {
    const u = this.options.publicUrl;
    return typeof u === 'function' ? u() : u;
  }

  private every(ms: number, task: () => Promise<void>): void {
    const t = setInterval(() => {
      task().catch(() => {});
    }, ms);
    t.unref();
    this.timers.push(t);
  }

  private regenerateIssuer(issuerId: string, kind: CrlKind): Promise<void> {
    const i = this.issuers.get(issuerId)!;
    const run = async (): Promise<void> => {
      if (this.stopped) return;
      try {
        if (kind === 'full' || !i.full) i.full = await this.generate(i, 'full');
        i.delta = await this.generate(i, 'delta');
      } catch (e) {
        (this.options.onError ?? defaultOnError)(e, issuerId);
        throw e;
      }
    };
    const next = i.lock.then(run, run);
    i.lock = next.catch(() => {});
    return next;
  }

  private async generate(i: IssuerCrls, kind: CrlKind): Promise<PublishedCrl> {
    const started = performance.now();
    const { source } = this.options;
    const id = i.material.id;
    // The sequence is read before the entries: the CRL reflects at least every change up to it.
    const seq = await source.changeSeq();
    const crlNumber = await source.nextCrlNumber(id);
    const thisUpdate = this.now();
    const validity = kind === 'full' ? this.schedule.fullValidityMs : this.schedule.deltaValidityMs;
    const nextUpdate = new Date(thisUpdate.getTime() + validity);
    const base = i.full;
    // Read everything first (one asynchronous step per page), then encode from a synchronous
    // iterable: per-entry promises would cost more than the encoding itself.
    const entries: Iterable<CrlEntryInput> & { length: number } =
      kind === 'full'
        ? await fullEntries(source.listRevoked(id))
        : await deltaEntries(source.changesSince(id, base!.seq));
    const count = entries.length;
    const der = await buildCrl({
      issuer: i.material.certificate,
      issuerKey: i.material.crlSigner,
      crlNumber,
      thisUpdate,
      nextUpdate,
      entries,
      ...(kind === 'full'
        ? { freshestCrlUrls: [crlUrl(this.publicUrl(), id, 'delta')] }
        : { deltaOf: base!.crlNumber }),
      yieldEvery: this.schedule.yieldEvery,
    });
    const published: PublishedCrl = {
      issuerId: id,
      kind,
      der,
      crlNumber,
      ...(kind === 'delta' ? { baseCrlNumber: base!.crlNumber } : {}),
      thisUpdate,
      nextUpdate,
      entries: count,
      seq,
      etag: `"${id}-${kind}-${crlNumber.toString(16)}"`,
    };
    const m = this.options.metrics;
    if (m) {
      m.crlGenerations.inc({ issuer: id, kind });
      m.crlGenerationSeconds.observe((performance.now() - started) / 1000, { kind });
      m.crlEntries.set(count, { issuer: id, kind });
      m.crlNumber.set(Number(crlNumber), { issuer: id, kind });
    }
    return published;
  }
}

function defaultOnError(error: unknown, issuerId: string): void {
  console.error(`[kzpki-status] CRL generation for ${issuerId} failed:`, error);
}

function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** Full CRL entries of the pages read, converted lazily while the CRL is encoded. */
async function fullEntries(
  pages: AsyncIterable<readonly RevokedEntry[]>,
): Promise<Iterable<CrlEntryInput> & { length: number }> {
  const all: (readonly RevokedEntry[])[] = [];
  let length = 0;
  for await (const page of pages) {
    all.push(page);
    length += page.length;
    // A source answering from memory resolves every page at once, in one run of microtasks;
    // give timers and sockets their turn between pages.
    await yieldToEventLoop();
  }
  return {
    length,
    *[Symbol.iterator]() {
      for (const page of all) {
        for (const r of page) {
          yield {
            serial: r.serialHex,
            revocationDate: r.revokedAt,
            reason: r.reason,
            invalidityDate: r.invalidityDate,
          };
        }
      }
    },
  };
}

/**
 * Delta entries (RFC 5280 §5.2.4): a certificate revoked or put on hold since the base is listed
 * with its reason; one released from hold is listed with reason removeFromCRL (§5.3.1), dated
 * when it was released.
 */
async function deltaEntries(changes: AsyncIterable<RevocationChange>): Promise<CrlEntryInput[]> {
  const out: CrlEntryInput[] = [];
  for await (const c of changes) {
    if (c.state === 'good')
      out.push({ serial: c.serialHex, revocationDate: c.revokedAt, reason: 'removeFromCRL' });
    else {
      out.push({
        serial: c.serialHex,
        revocationDate: c.revokedAt,
        reason: c.state === 'hold' ? 'certificateHold' : c.reason,
        invalidityDate: c.invalidityDate,
      });
    }
  }
  return out;
}
