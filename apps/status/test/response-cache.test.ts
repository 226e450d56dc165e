import { describe, expect, it } from 'vitest';
import { type CachedResponse, ResponseCache } from '../src/ocsp/response-cache.js';

const entry = (key: string, certificates: string[]): CachedResponse => ({
  key,
  der: new Uint8Array([1]),
  producedAt: new Date(0),
  nextUpdate: new Date(1000),
  refreshAtMs: 500,
  etag: `"${key}"`,
  certificates,
  statuses: certificates.map(() => ({ type: 'good' as const })),
});

describe('ResponseCache', () => {
  it('drops every response that mentions a certificate', () => {
    const c = new ResponseCache(10);
    c.set(entry('sha1:ca/01', ['ca/01']));
    c.set(entry('sha256:ca/01', ['ca/01']));
    c.set(entry('multi', ['ca/01', 'ca/02']));
    c.set(entry('sha1:ca/02', ['ca/02']));
    expect(c.deleteCertificate('ca/01')).toBe(3);
    expect(c.size).toBe(1);
    expect(c.get('sha1:ca/02')).toBeDefined();
    expect(c.deleteCertificate('ca/01')).toBe(0);
    expect(c.deleteCertificate('ca/02')).toBe(1);
    expect(c.size).toBe(0);
  });

  it('evicts the oldest entries beyond its bound, keeping the index consistent', () => {
    const c = new ResponseCache(2);
    c.set(entry('a', ['ca/0a']));
    c.set(entry('b', ['ca/0b']));
    c.set(entry('a', ['ca/0a'])); // replaced: now the newest
    c.set(entry('c', ['ca/0c'])); // evicts b
    expect(c.get('b')).toBeUndefined();
    expect(c.get('a')).toBeDefined();
    expect(c.deleteCertificate('ca/0b')).toBe(0);
    expect(c.size).toBe(2);
  });
});
