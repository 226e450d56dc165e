/**
 * HTTP caching headers for OCSP GET responses, CRLs and CA certificates (RFC 5019 §6.2,
 * RFC 9111): an HTTP cache or CDN may keep a response until shortly before its nextUpdate, never
 * beyond it.
 */

/** What the headers are derived from. */
export interface CacheableRepresentation {
  /** Strong entity tag (quoted). */
  etag: string;
  /** producedAt of an OCSP response, thisUpdate of a CRL. */
  lastModified: Date;
  /** nextUpdate (absent for CA certificates). */
  nextUpdate?: Date;
}

/**
 * `Cache-Control`, `ETag`, `Last-Modified` and `Expires`. `max-age` is the time left until
 * nextUpdate, capped by `maxAgeSeconds`; past nextUpdate it is 0 (revalidate every time).
 */
export function cachingHeaders(
  rep: CacheableRepresentation,
  maxAgeSeconds: number,
  now: number = Date.now(),
): Record<string, string> {
  const left = rep.nextUpdate ? Math.floor((rep.nextUpdate.getTime() - now) / 1000) : maxAgeSeconds;
  const maxAge = Math.max(0, Math.min(maxAgeSeconds, left));
  const headers: Record<string, string> = {
    'cache-control': `public, max-age=${maxAge}, no-transform, must-revalidate`,
    etag: rep.etag,
    'last-modified': rep.lastModified.toUTCString(),
  };
  if (rep.nextUpdate) headers.expires = rep.nextUpdate.toUTCString();
  return headers;
}

/** `true` when an `If-None-Match` header value names `etag` (or is `*`), RFC 9110 §13.1.2. */
export function matchesIfNoneMatch(ifNoneMatch: string | string[] | undefined, etag: string): boolean {
  if (ifNoneMatch === undefined) return false;
  const value = Array.isArray(ifNoneMatch) ? ifNoneMatch.join(',') : ifNoneMatch;
  if (value.trim() === '*') return true;
  // Weak comparison: W/"x" matches "x".
  const bare = etag.replace(/^W\//, '');
  return value.split(',').some((t) => t.trim().replace(/^W\//, '') === bare);
}
