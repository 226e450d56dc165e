/**
 * A small Prometheus text-format (exposition format 0.0.4) metrics registry: counters, gauges and
 * histograms with labels. Enough for `/metrics`; no dependency, no global state (each server owns
 * its registry).
 */

/** Label values by label name. */
export type Labels = Readonly<Record<string, string>>;

const escapeLabel = (v: string): string =>
  v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');

function labelKey(labels: Labels | undefined): string {
  if (!labels) return '';
  const names = Object.keys(labels).sort();
  if (names.length === 0) return '';
  return `{${names.map((n) => `${n}="${escapeLabel(labels[n]!)}"`).join(',')}}`;
}

function withLabel(key: string, name: string, value: string): string {
  const extra = `${name}="${escapeLabel(value)}"`;
  return key === '' ? `{${extra}}` : `${key.slice(0, -1)},${extra}}`;
}

function formatNumber(n: number): string {
  if (n === Number.POSITIVE_INFINITY) return '+Inf';
  if (n === Number.NEGATIVE_INFINITY) return '-Inf';
  return Number.isNaN(n) ? 'NaN' : String(n);
}

interface Metric {
  readonly name: string;
  readonly help: string;
  render(): string;
}

/** A monotonically increasing counter; either incremented or read from a callback at scrape time. */
export class Counter implements Metric {
  private readonly values = new Map<string, number>();
  constructor(
    readonly name: string,
    readonly help: string,
    private readonly collect?: () => number,
  ) {}

  /** Adds `by` (default 1) to the series with `labels`. */
  inc(labels?: Labels, by = 1): void {
    const k = labelKey(labels);
    this.values.set(k, (this.values.get(k) ?? 0) + by);
  }

  /** Current value of a series (0 when never incremented). */
  get(labels?: Labels): number {
    return this.values.get(labelKey(labels)) ?? 0;
  }

  /** A handle on one series, its label text computed once (for hot paths). */
  labels(labels: Labels): { inc(by?: number): void } {
    const k = labelKey(labels);
    return { inc: (by = 1) => this.values.set(k, (this.values.get(k) ?? 0) + by) };
  }

  render(): string {
    let out = `# HELP ${this.name} ${this.help}\n# TYPE ${this.name} counter\n`;
    if (this.collect) out += `${this.name} ${formatNumber(this.collect())}\n`;
    for (const [k, v] of this.values) out += `${this.name}${k} ${formatNumber(v)}\n`;
    return out;
  }
}

/** A value that goes up and down; either set directly or read from a callback at scrape time. */
export class Gauge implements Metric {
  private readonly values = new Map<string, number>();
  constructor(
    readonly name: string,
    readonly help: string,
    private readonly collect?: () => number,
  ) {}

  /** Sets the series with `labels`. */
  set(value: number, labels?: Labels): void {
    this.values.set(labelKey(labels), value);
  }

  render(): string {
    let out = `# HELP ${this.name} ${this.help}\n# TYPE ${this.name} gauge\n`;
    if (this.collect) out += `${this.name} ${formatNumber(this.collect())}\n`;
    for (const [k, v] of this.values) out += `${this.name}${k} ${formatNumber(v)}\n`;
    return out;
  }
}

interface HistogramSeries {
  counts: Float64Array;
  sum: number;
  count: number;
}

/** Distribution of observed values (seconds, for latencies) in cumulative buckets. */
export class Histogram implements Metric {
  private readonly series = new Map<string, HistogramSeries>();
  readonly buckets: readonly number[];

  constructor(
    readonly name: string,
    readonly help: string,
    buckets: readonly number[],
  ) {
    this.buckets = [...buckets].sort((a, b) => a - b);
  }

  /** Records one observation. */
  observe(value: number, labels?: Labels): void {
    this.observeKey(value, labelKey(labels));
  }

  /** A handle on one series, its label text computed once (for hot paths). */
  labels(labels: Labels): { observe(value: number): void } {
    const k = labelKey(labels);
    return { observe: (value) => this.observeKey(value, k) };
  }

  private observeKey(value: number, k: string): void {
    let s = this.series.get(k);
    if (!s) {
      s = { counts: new Float64Array(this.buckets.length), sum: 0, count: 0 };
      this.series.set(k, s);
    }
    // Non-cumulative storage; cumulated at render time (observe stays O(buckets) worst case).
    const i = this.buckets.findIndex((b) => value <= b);
    if (i >= 0) s.counts[i]! += 1;
    s.sum += value;
    s.count += 1;
  }

  /** Number of observations of a series. */
  count(labels?: Labels): number {
    return this.series.get(labelKey(labels))?.count ?? 0;
  }

  render(): string {
    let out = `# HELP ${this.name} ${this.help}\n# TYPE ${this.name} histogram\n`;
    for (const [k, s] of this.series) {
      let cumulative = 0;
      this.buckets.forEach((b, i) => {
        cumulative += s.counts[i]!;
        out += `${this.name}_bucket${withLabel(k, 'le', formatNumber(b))} ${cumulative}\n`;
      });
      out += `${this.name}_bucket${withLabel(k, 'le', '+Inf')} ${s.count}\n`;
      out += `${this.name}_sum${k} ${formatNumber(s.sum)}\n`;
      out += `${this.name}_count${k} ${s.count}\n`;
    }
    return out;
  }
}

/** Owns metrics and renders them all in the Prometheus text format. */
export class MetricsRegistry {
  private readonly metrics: Metric[] = [];

  /** Creates and registers a counter (optionally read from `collect` at scrape time). */
  counter(name: string, help: string, collect?: () => number): Counter {
    return this.add(new Counter(name, help, collect));
  }

  /** Creates and registers a gauge (optionally read from `collect` at scrape time). */
  gauge(name: string, help: string, collect?: () => number): Gauge {
    return this.add(new Gauge(name, help, collect));
  }

  /** Creates and registers a histogram. */
  histogram(name: string, help: string, buckets: readonly number[]): Histogram {
    return this.add(new Histogram(name, help, buckets));
  }

  /** The exposition text (`text/plain; version=0.0.4`). */
  render(): string {
    return this.metrics.map((m) => m.render()).join('');
  }

  private add<T extends Metric>(m: T): T {
    if (this.metrics.some((x) => x.name === m.name)) throw new Error(`Metric ${m.name} registered twice`);
    this.metrics.push(m);
    return m;
  }
}

/** Prometheus content type of {@link MetricsRegistry.render}. */
export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';
