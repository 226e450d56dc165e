/**
 * Pre-produced OCSP responses (RFC 5019 §2.1.1, §6) for requests without a nonce, keyed by what
 * was asked (hash algorithm, issuer, serial of every CertID) and indexed by certificate so that a
 * revocation drops exactly the responses that mention the certificate. Bounded: the oldest
 * entries are evicted first (a refreshed entry is re-inserted, so hot entries stay).
 */
import type { OcspCertStatus } from '@kzpki/pki';

/** One signed response held for reuse. */
export interface CachedResponse {
  /** Cache key (see `OcspResponder`). */
  key: string;
  /** DER OCSPResponse. */
  der: Uint8Array;
  /** producedAt of the response. */
  producedAt: Date;
  /** Earliest nextUpdate of its SingleResponses. */
  nextUpdate: Date;
  /** After this time (ms since epoch) a background refresh is started. */
  refreshAtMs: number;
  /** Strong entity tag for HTTP. */
  etag: string;
  /** `issuerId/serialHex` of every certificate the response is about. */
  certificates: readonly string[];
  /**
   * Status of each certificate. Valid as long as the entry is (the cache drops it on any change),
   * so live responses to the same question with a nonce are signed from it without a lookup.
   */
  statuses: readonly OcspCertStatus[];
}

/** Bounded map of pre-produced responses with a per-certificate index. */
export class ResponseCache {
  private readonly entries = new Map<string, CachedResponse>();
  private readonly byCertificate = new Map<string, Set<string>>();

  constructor(private readonly maxEntries: number) {}

  /** Entries held. */
  get size(): number {
    return this.entries.size;
  }

  /** The entry for `key`, if any (expiry is the caller's business). */
  get(key: string): CachedResponse | undefined {
    return this.entries.get(key);
  }

  /** Stores (or replaces) an entry, evicting the oldest ones beyond the bound. */
  set(entry: CachedResponse): void {
    this.delete(entry.key);
    this.entries.set(entry.key, entry);
    for (const c of entry.certificates) {
      let keys = this.byCertificate.get(c);
      if (!keys) {
        keys = new Set();
        this.byCertificate.set(c, keys);
      }
      keys.add(entry.key);
    }
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next();
      if (oldest.done) break;
      this.delete(oldest.value);
    }
  }

  /** Drops one entry. */
  delete(key: string): boolean {
    const e = this.entries.get(key);
    if (!e) return false;
    this.entries.delete(key);
    for (const c of e.certificates) {
      const keys = this.byCertificate.get(c);
      keys?.delete(key);
      if (keys?.size === 0) this.byCertificate.delete(c);
    }
    return true;
  }

  /** Drops every entry about a certificate (`issuerId/serialHex`); returns how many. */
  deleteCertificate(certificate: string): number {
    const keys = this.byCertificate.get(certificate);
    if (!keys) return 0;
    let n = 0;
    for (const k of [...keys]) if (this.delete(k)) n++;
    return n;
  }

  /** Drops everything. */
  clear(): void {
    this.entries.clear();
    this.byCertificate.clear();
  }
}
