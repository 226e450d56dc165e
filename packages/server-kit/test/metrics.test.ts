/** prom-client metrics on a registry of the server's own. */
import { register as globalRegistry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { MetricsRegistry, metricValue, registerProcessMetrics } from '../src/index.js';

describe('MetricsRegistry', () => {
  it('renders counters with escaped labels in the Prometheus text format', async () => {
    const m = new MetricsRegistry();
    const c = m.counter({ name: 'req_total', help: 'Requests.', labelNames: ['route', 'code'] });
    c.inc({ route: 'ocsp', code: '200' });
    c.inc({ code: '200', route: 'ocsp' }, 2);
    c.labels({ route: 'a"b\\c\nd', code: '500' }).inc();
    expect(await metricValue(c, { route: 'ocsp', code: '200' })).toBe(3);
    expect(await metricValue(c, { route: 'nope', code: '200' })).toBe(0);
    const text = await m.render();
    expect(text).toContain('# HELP req_total Requests.\n# TYPE req_total counter\n');
    expect(text).toContain('req_total{route="ocsp",code="200"} 3\n');
    expect(text).toContain('req_total{route="a\\"b\\\\c\\nd",code="500"} 1\n');
    expect(m.contentType).toBe('text/plain; version=0.0.4; charset=utf-8');
  });

  it('renders cumulative histogram buckets, sum and count', async () => {
    const m = new MetricsRegistry();
    const h = m.histogram({
      name: 'lat_seconds',
      help: 'Latency.',
      labelNames: ['route'],
      buckets: [0.1, 0.01, 1],
    });
    for (const v of [0.005, 0.05, 0.05, 0.5, 5]) h.observe({ route: 'x' }, v);
    const text = await m.render();
    expect(text).toContain('lat_seconds_bucket{le="0.01",route="x"} 1\n');
    expect(text).toContain('lat_seconds_bucket{le="0.1",route="x"} 3\n');
    expect(text).toContain('lat_seconds_bucket{le="1",route="x"} 4\n');
    expect(text).toContain('lat_seconds_bucket{le="+Inf",route="x"} 5\n');
    expect(text).toContain('lat_seconds_sum{route="x"} 5.605\n');
    expect(text).toContain('lat_seconds_count{route="x"} 5\n');
    expect(await metricValue(h, { route: 'x' })).toBe(5);
  });

  it('reads collect-time values at scrape time', async () => {
    const m = new MetricsRegistry();
    let v = 1;
    m.gauge({ name: 'g', help: 'A gauge.', collect: () => v });
    m.counter({ name: 'c_total', help: 'A counter.', collect: () => v * 10 });
    v = 7;
    const text = await m.render();
    expect(text).toContain('\ng 7\n');
    expect(text).toContain('\nc_total 70\n');
  });

  it('is not the global registry: two servers in one process keep the same names apart', async () => {
    const a = new MetricsRegistry();
    const b = new MetricsRegistry();
    a.counter({ name: 'kzpki_same_total', help: 'x' }).inc(2);
    b.counter({ name: 'kzpki_same_total', help: 'x' }).inc(5);
    expect(await a.render()).toContain('kzpki_same_total 2');
    expect(await b.render()).toContain('kzpki_same_total 5');
    expect(globalRegistry.getSingleMetric('kzpki_same_total')).toBeUndefined();
    expect(() => a.counter({ name: 'kzpki_same_total', help: 'again' })).toThrow();
  });

  it('exports the standard process metrics', async () => {
    const m = new MetricsRegistry();
    registerProcessMetrics(m);
    const text = await m.render();
    const value = (name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1]);
    expect(value('process_cpu_seconds_total')).toBeGreaterThan(0);
    expect(value('process_resident_memory_bytes')).toBeGreaterThan(1_000_000);
    expect(Math.abs(value('process_start_time_seconds') - Date.now() / 1000)).toBeLessThan(24 * 3600);
  });
});
