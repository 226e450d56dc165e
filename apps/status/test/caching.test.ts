import { describe, expect, it } from 'vitest';
import { cachingHeaders, matchesIfNoneMatch } from '../src/http/caching.js';

describe('HTTP caching headers (RFC 5019 §6.2)', () => {
  const produced = new Date('2025-01-01T00:00:00Z');
  const next = new Date('2025-01-01T01:00:00Z');

  it('bounds max-age by nextUpdate and by the configured cap', () => {
    const now = produced.getTime() + 59 * 60_000; // 60 s before nextUpdate
    expect(cachingHeaders({ etag: '"x"', lastModified: produced, nextUpdate: next }, 300, now)).toEqual({
      'cache-control': 'public, max-age=60, no-transform, must-revalidate',
      etag: '"x"',
      'last-modified': 'Wed, 01 Jan 2025 00:00:00 GMT',
      expires: 'Wed, 01 Jan 2025 01:00:00 GMT',
    });
    const early = cachingHeaders(
      { etag: '"x"', lastModified: produced, nextUpdate: next },
      300,
      produced.getTime(),
    );
    expect(early['cache-control']).toContain('max-age=300');
    const late = cachingHeaders(
      { etag: '"x"', lastModified: produced, nextUpdate: next },
      300,
      next.getTime() + 5000,
    );
    expect(late['cache-control']).toContain('max-age=0');
  });

  it('matches If-None-Match lists, weak tags and *', () => {
    expect(matchesIfNoneMatch('"a", "b"', '"b"')).toBe(true);
    expect(matchesIfNoneMatch('W/"b"', '"b"')).toBe(true);
    expect(matchesIfNoneMatch('*', '"b"')).toBe(true);
    expect(matchesIfNoneMatch('"a"', '"b"')).toBe(false);
    expect(matchesIfNoneMatch(undefined, '"b"')).toBe(false);
  });
});
