/**
 * Prometheus metrics on `prom-client`, always on a registry of the caller's (never prom-client's
 * global one, which would mix the metrics of two servers in one process and refuse the second
 * server's names). {@link MetricsRegistry} creates metrics already registered there.
 *
 * The process metrics are three collect-time gauges rather than prom-client's
 * `collectDefaultMetrics`, which starts an event-loop monitor and a GC observer per call that
 * cannot be stopped; tests create many servers per process.
 */
import { Counter, Gauge, Histogram, type LabelValues, type Metric, Registry } from 'prom-client';

/** The prom-client metric types, so that users of the kit need not depend on prom-client for types. */
export type { Counter, Gauge, Histogram, LabelValues } from 'prom-client';

/** Latency buckets in seconds: sub-millisecond resolution for cached answers, up to slow downloads. */
export const LATENCY_BUCKETS: readonly number[] = [
  0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10,
];

/** Settings common to every metric. */
interface MetricConfig<L extends string> {
  /** Metric name, `snake_case` with a unit suffix (`_seconds`, `_total`). */
  name: string;
  /** One sentence for `# HELP`. */
  help: string;
  /** Label names (a bounded set of values each: never raw URLs or identifiers). */
  labelNames?: readonly L[];
}

/**
 * One server's metrics.
 * @example
 * ```ts
 * const metrics = new MetricsRegistry();
 * const requests = metrics.counter({ name: 'http_requests_total', help: 'Requests.', labelNames: ['code'] });
 * requests.inc({ code: '200' });
 * res.setHeader('content-type', metrics.contentType).end(await metrics.render());
 * ```
 */
export class MetricsRegistry {
  /** The prom-client registry (not the global one). */
  readonly registry = new Registry();

  /** A counter; with `collect`, its value is read at scrape time. */
  counter<L extends string = never>(config: MetricConfig<L> & { collect?: () => number }): Counter<L> {
    const { collect, labelNames, ...rest } = config;
    return new Counter<L>({
      ...rest,
      labelNames: labelNames ?? [],
      registers: [this.registry],
      ...(collect
        ? {
            collect(this: Counter<L>) {
              this.reset();
              this.inc(collect());
            },
          }
        : {}),
    });
  }

  /** A gauge; with `collect`, its value is read at scrape time. */
  gauge<L extends string = never>(config: MetricConfig<L> & { collect?: () => number }): Gauge<L> {
    const { collect, labelNames, ...rest } = config;
    return new Gauge<L>({
      ...rest,
      labelNames: labelNames ?? [],
      registers: [this.registry],
      ...(collect
        ? {
            collect(this: Gauge<L>) {
              this.set(collect());
            },
          }
        : {}),
    });
  }

  /**
   * A histogram (default buckets: {@link LATENCY_BUCKETS}). The bounds are sorted first:
   * prom-client counts an observation into the first bound it fits in the order given, so
   * unsorted bounds would give wrong cumulative counts.
   */
  histogram<L extends string = never>(
    config: MetricConfig<L> & { buckets?: readonly number[] },
  ): Histogram<L> {
    const { buckets, labelNames, ...rest } = config;
    return new Histogram<L>({
      ...rest,
      labelNames: labelNames ?? [],
      buckets: [...new Set(buckets ?? LATENCY_BUCKETS)].sort((a, b) => a - b),
      registers: [this.registry],
    });
  }

  /** `Content-Type` of {@link MetricsRegistry.render} (Prometheus text format 0.0.4). */
  get contentType(): string {
    return this.registry.contentType;
  }

  /** The exposition text of every metric. */
  render(): Promise<string> {
    return this.registry.metrics();
  }
}

/**
 * The standard process metrics of Prometheus client libraries: `process_cpu_seconds_total`,
 * `process_resident_memory_bytes`, `process_start_time_seconds`.
 */
export function registerProcessMetrics(metrics: MetricsRegistry): void {
  metrics.counter({
    name: 'process_cpu_seconds_total',
    help: 'Total user and system CPU time spent in seconds.',
    collect: () => {
      const u = process.cpuUsage();
      return (u.user + u.system) / 1e6;
    },
  });
  metrics.gauge({
    name: 'process_resident_memory_bytes',
    help: 'Resident memory size in bytes.',
    collect: () => process.memoryUsage.rss(),
  });
  metrics.gauge({
    name: 'process_start_time_seconds',
    help: 'Start time of the process since unix epoch in seconds.',
    collect: () => Math.round(performance.timeOrigin / 1000),
  });
}

/**
 * The current value of one series (0 when it was never touched); for a histogram, its count.
 * @example
 * ```ts
 * await metricValue(requests, { code: '200' }); // 1
 * ```
 */
export async function metricValue<L extends string>(
  metric: Metric<L>,
  labels: Partial<LabelValues<L>> = {},
): Promise<number> {
  const { values, type } = await metric.get();
  const wanted = Object.entries(labels);
  const hit = values.find((v) => {
    if (
      String(type) === 'histogram' &&
      !String((v as { metricName?: string }).metricName ?? '').endsWith('_count')
    )
      return false;
    const have = v.labels as Record<string, unknown>;
    const keys = Object.keys(have).filter((k) => k !== 'le');
    return keys.length === wanted.length && wanted.every(([k, x]) => String(have[k]) === String(x));
  });
  return hit?.value ?? 0;
}
