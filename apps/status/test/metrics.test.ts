import { describe, expect, it } from 'vitest';
import { MetricsRegistry } from '../src/metrics/registry.js';

describe('MetricsRegistry (Prometheus text format 0.0.4)', () => {
  it('renders counters with sorted, escaped labels', () => {
    const r = new MetricsRegistry();
    const c = r.counter('req_total', 'Requests.');
    c.inc({ route: 'ocsp', code: '200' });
    c.inc({ code: '200', route: 'ocsp' }, 2);
    c.inc({ route: 'a"b\\c\nd', code: '500' });
    expect(c.get({ route: 'ocsp', code: '200' })).toBe(3);
    expect(r.render()).toBe(
      '# HELP req_total Requests.\n# TYPE req_total counter\n' +
        'req_total{code="200",route="ocsp"} 3\n' +
        'req_total{code="500",route="a\\"b\\\\c\\nd"} 1\n',
    );
  });

  it('renders cumulative histogram buckets, sum and count', () => {
    const r = new MetricsRegistry();
    const h = r.histogram('lat_seconds', 'Latency.', [0.1, 0.01, 1]);
    for (const v of [0.005, 0.05, 0.05, 0.5, 5]) h.observe(v, { route: 'x' });
    const text = r.render();
    expect(text).toContain('lat_seconds_bucket{route="x",le="0.01"} 1\n');
    expect(text).toContain('lat_seconds_bucket{route="x",le="0.1"} 3\n');
    expect(text).toContain('lat_seconds_bucket{route="x",le="1"} 4\n');
    expect(text).toContain('lat_seconds_bucket{route="x",le="+Inf"} 5\n');
    expect(text).toContain('lat_seconds_sum{route="x"} 5.605\n');
    expect(text).toContain('lat_seconds_count{route="x"} 5\n');
    expect(h.count({ route: 'x' })).toBe(5);
  });

  it('reads callback gauges at scrape time and refuses duplicate names', () => {
    const r = new MetricsRegistry();
    let v = 1;
    r.gauge('g', 'A gauge.', () => v);
    v = 7;
    expect(r.render()).toContain('\ng 7\n');
    expect(() => r.counter('g', 'again')).toThrow();
  });
});
