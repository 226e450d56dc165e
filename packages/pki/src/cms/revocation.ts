/**
 * Revocation status of a certificate at a given time (the time of a signature's timestamp, or the
 * verification time), from OCSP (RFC 6960) or a full CRL (RFC 5280 §6.3), with the evidence kept.
 *
 * Rules (what a long-term signature verifier needs; docs/domain.md, verification):
 * - revoked at or before the time T → `revoked`; revoked after T → `good` at T, with the
 *   revocation time reported;
 * - `good` needs status information that speaks for T: issued at or after T (thisUpdate >= T), or,
 *   when T is the present, information that is current now;
 * - an endpoint that cannot be reached, an answer that does not verify, or information older than
 *   T gives `unknown` with the reasons, never `good`.
 *
 * Sources in order: supplied or cached evidence, then OCSP (the certificate's AIA URLs, with a
 * nonce), then the CRL (its cRLDistributionPoints). Network access goes through an injectable
 * `fetch` with a time limit; `offline` uses evidence only. A small cache keeps verified OCSP
 * answers and CRLs until their nextUpdate.
 */
import { type CrlInfo, parseCrl } from '../crl/parse.js';
import type { CrlReason } from '../crl/reason.js';
import { verifyCrl } from '../crl/verify.js';
import { bytesEqual, fromBase64, toHex } from '../der/encoding.js';
import { isPkiError } from '../errors.js';
import { certIdKey } from '../ocsp/cert-id.js';
import { createOcspRequest } from '../ocsp/request.js';
import {
  type OcspResponseInfo,
  type OcspSingleResponseInfo,
  parseOcspResponse,
} from '../ocsp/response-parse.js';
import { verifyOcspResponse } from '../ocsp/verify.js';
import type { CertificateFields } from '../x509/certificate-fields.js';
import { type Fetcher, fetchBytes } from './http.js';
import { inspectedCertificate, ocspIssuer } from './memo.js';

/** The status of a certificate at the time asked. */
export type RevocationStatus = 'good' | 'revoked' | 'unknown';

/** One revocation check of one certificate. */
export interface RevocationCheck {
  /** Subject of the certificate (RFC 4514). */
  subject: string;
  /** Serial number, canonical hex. */
  serialNumber: string;
  status: RevocationStatus;
  /** Where the answer came from. */
  source?: 'ocsp' | 'crl';
  /** Whether the answer came from supplied evidence or the cache rather than the network. */
  fromEvidence?: boolean;
  /** The time the status is for (ISO 8601). */
  at: string;
  /** When revoked (also when revoked after `at`, status then `good`). */
  revocationTime?: string;
  /** The revocation reason, when given. */
  revocationReason?: CrlReason;
  /** OCSP answer used: producedAt, thisUpdate, nextUpdate (ISO 8601), the URL asked. */
  ocsp?: { url?: string; producedAt?: string; thisUpdate: string; nextUpdate?: string };
  /** CRL used: its number (decimal), thisUpdate, nextUpdate, the URL fetched. */
  crl?: { url?: string; crlNumber?: string; thisUpdate: string; nextUpdate?: string };
  /** For `unknown`: why each source failed. */
  message?: string;
}

/** How revocation is checked. */
export interface RevocationOptions {
  /** Sources to use: OCSP then CRL (default), one of them, or none (`none` reports `unknown`). */
  mode?: 'ocsp-then-crl' | 'ocsp' | 'crl' | 'none';
  /** Use only the evidence (and cache); never the network. */
  offline?: boolean;
  /** OCSP responses and CRLs (DER) to use before the network. */
  evidence?: { ocspResponses?: readonly Uint8Array[]; crls?: readonly Uint8Array[] };
  /** The fetch to use (default `globalThis.fetch`). */
  fetch?: Fetcher;
  /** Time limit per request in ms (default 10 000). */
  timeoutMs?: number;
  /** A cache shared between verifications (see {@link RevocationCache}). */
  cache?: RevocationCache;
  /** Allowed clock difference in ms (default 5 minutes). */
  clockSkewMs?: number;
}

/** Evidence gathered while checking: exactly the answers that were used or fetched. */
export interface GatheredEvidence {
  ocspResponses: Uint8Array[];
  crls: Uint8Array[];
}

interface CachedOcsp {
  der: Uint8Array;
  info: OcspResponseInfo;
  single: OcspSingleResponseInfo;
  expires: number;
  url?: string;
}

interface CachedCrl {
  der: Uint8Array;
  info: CrlInfo;
  expires: number;
  url?: string;
}

/**
 * A small cache of verified OCSP answers (by CertID) and CRLs (by URL), each kept until its
 * nextUpdate (or `defaultTtlMs` without one), at most `maxEntries` of each (oldest dropped).
 * @example
 * ```ts
 * const cache = new RevocationCache();
 * await verifyCms(p7s, { trustAnchors, revocation: { cache } }); // fetches
 * await verifyCms(p7s, { trustAnchors, revocation: { cache } }); // from the cache
 * ```
 */
export class RevocationCache {
  readonly maxEntries: number;
  readonly defaultTtlMs: number;
  private readonly ocsp = new Map<string, CachedOcsp>();
  private readonly crls = new Map<string, CachedCrl>();

  constructor(options: { maxEntries?: number; defaultTtlMs?: number } = {}) {
    this.maxEntries = options.maxEntries ?? 256;
    this.defaultTtlMs = options.defaultTtlMs ?? 5 * 60_000;
  }

  /** @internal */
  getOcsp(key: string, now: number): CachedOcsp | undefined {
    const hit = this.ocsp.get(key);
    if (hit && hit.expires < now) this.ocsp.delete(key);
    return hit && hit.expires >= now ? hit : undefined;
  }

  /** @internal */
  putOcsp(key: string, entry: CachedOcsp): void {
    put(this.ocsp, key, entry, this.maxEntries);
  }

  /** @internal */
  getCrl(url: string, now: number): CachedCrl | undefined {
    const hit = this.crls.get(url);
    if (hit && hit.expires < now) this.crls.delete(url);
    return hit && hit.expires >= now ? hit : undefined;
  }

  /** @internal */
  putCrl(url: string, entry: CachedCrl): void {
    put(this.crls, url, entry, this.maxEntries);
  }

  /** Drops everything. */
  clear(): void {
    this.ocsp.clear();
    this.crls.clear();
  }
}

function put<T>(map: Map<string, T>, key: string, value: T, max: number): void {
  map.delete(key);
  if (map.size >= max) map.delete(map.keys().next().value!);
  map.set(key, value);
}

const iso = (d: Date) => d.toISOString();

/** What a piece of status information says about T, or why it cannot say anything. */
type Verdict =
  | { decided: true; status: 'good' | 'revoked'; revocationTime?: Date; reason?: CrlReason }
  | { decided: false; why: string };

/**
 * Judges status information issued at `thisUpdate` (valid until `nextUpdate`) for time `t`:
 * revocation at or before `t` decides `revoked`; otherwise `good` needs information from after `t`
 * or, when `t` is the present, current information.
 */
function judge(
  revoked: { time: Date; reason?: CrlReason } | undefined,
  thisUpdate: Date,
  nextUpdate: Date | undefined,
  t: number,
  now: number,
  skew: number,
): Verdict {
  if (revoked && revoked.time.getTime() <= t) {
    return {
      decided: true,
      status: 'revoked',
      revocationTime: revoked.time,
      ...(revoked.reason ? { reason: revoked.reason } : {}),
    };
  }
  const after = thisUpdate.getTime() >= t - skew;
  const present =
    now - t <= skew &&
    thisUpdate.getTime() <= now + skew &&
    (!nextUpdate || nextUpdate.getTime() >= now - skew);
  if (!after && !present) {
    return { decided: false, why: `status information of ${iso(thisUpdate)} predates ${iso(new Date(t))}` };
  }
  return {
    decided: true,
    status: 'good',
    ...(revoked
      ? { revocationTime: revoked.time, ...(revoked.reason ? { reason: revoked.reason } : {}) }
      : {}),
  };
}

/** Context of one verification: options, evidence to use, evidence gathered. */
export class RevocationChecker {
  private readonly options: RevocationOptions;
  private readonly skew: number;
  private readonly evidenceOcsp: { der: Uint8Array; info: OcspResponseInfo }[] = [];
  private readonly evidenceCrls: { der: Uint8Array; info: CrlInfo }[] = [];
  /** What was used or fetched. */
  readonly gathered: GatheredEvidence = { ocspResponses: [], crls: [] };

  constructor(options: RevocationOptions = {}, extraEvidence?: { ocspResponses: string[]; crls: string[] }) {
    this.options = options;
    this.skew = options.clockSkewMs ?? 5 * 60_000;
    const ocsp = [
      ...(options.evidence?.ocspResponses ?? []),
      ...(extraEvidence?.ocspResponses ?? []).map((b) => fromBase64(b)),
    ];
    const crls = [
      ...(options.evidence?.crls ?? []),
      ...(extraEvidence?.crls ?? []).map((b) => fromBase64(b)),
    ];
    for (const der of ocsp) {
      try {
        this.evidenceOcsp.push({ der, info: parseOcspResponse(der) });
      } catch {
        // unreadable evidence is no evidence
      }
    }
    for (const der of crls) {
      try {
        this.evidenceCrls.push({ der, info: parseCrl(der) });
      } catch {
        // unreadable evidence is no evidence
      }
    }
  }

  private keep(list: Uint8Array[], der: Uint8Array): void {
    if (!list.some((x) => x === der || bytesEqual(x, der))) list.push(der);
  }

  /**
   * The status of `cert` (issued by `issuer`) at time `at`.
   * @param now the present (default: the clock)
   */
  async check(
    cert: CertificateFields,
    issuer: CertificateFields,
    at: Date,
    now = new Date(),
  ): Promise<RevocationCheck> {
    const info = inspectedCertificate(cert.der);
    const base: RevocationCheck = {
      subject: info.subject.dn,
      serialNumber: cert.serialHex,
      status: 'unknown',
      at: iso(at),
    };
    const mode = this.options.mode ?? 'ocsp-then-crl';
    if (mode === 'none') return { ...base, message: 'revocation checking is off' };
    const t = at.getTime();
    const nowMs = now.getTime();
    const reasons: string[] = [];
    const useOcsp = mode !== 'crl';
    const useCrl = mode !== 'ocsp';
    const prepared = useOcsp ? await ocspIssuer(issuer.der) : undefined;
    const certIds = prepared
      ? [prepared.certId(cert.serialHex, 'SHA-1'), prepared.certId(cert.serialHex, 'SHA-256')]
      : [];
    const keys = new Set(certIds.map(certIdKey));
    const cache = this.options.cache;

    const fromOcsp = (
      der: Uint8Array,
      single: OcspSingleResponseInfo,
      response: OcspResponseInfo,
      fromEvidence: boolean,
      url?: string,
    ): RevocationCheck | undefined => {
      const revoked =
        single.status.type === 'revoked'
          ? {
              time: single.status.revocationTime,
              ...(single.status.reason ? { reason: single.status.reason } : {}),
            }
          : undefined;
      if (single.status.type === 'unknown') {
        reasons.push(`OCSP${url ? ` ${url}` : ''}: the responder does not know the certificate`);
        return undefined;
      }
      const v = judge(revoked, single.thisUpdate, single.nextUpdate, t, nowMs, this.skew);
      if (!v.decided) {
        reasons.push(`OCSP${url ? ` ${url}` : ''}: ${v.why}`);
        return undefined;
      }
      this.keep(this.gathered.ocspResponses, der);
      return {
        ...base,
        status: v.status,
        source: 'ocsp',
        fromEvidence,
        ...(v.revocationTime ? { revocationTime: iso(v.revocationTime) } : {}),
        ...(v.reason ? { revocationReason: v.reason } : {}),
        ocsp: {
          ...(url ? { url } : {}),
          ...(response.producedAt ? { producedAt: iso(response.producedAt) } : {}),
          thisUpdate: iso(single.thisUpdate),
          ...(single.nextUpdate ? { nextUpdate: iso(single.nextUpdate) } : {}),
        },
      };
    };

    const fromCrl = (
      entry: { der: Uint8Array; info: CrlInfo },
      fromEvidence: boolean,
      url?: string,
    ): RevocationCheck | undefined => {
      const crl = entry.info;
      const found = crl.find(cert.serialHex);
      const revoked = found
        ? { time: found.revocationDate, ...(found.reason ? { reason: found.reason } : {}) }
        : undefined;
      const v = judge(revoked, crl.thisUpdate, crl.nextUpdate, t, nowMs, this.skew);
      if (!v.decided) {
        reasons.push(`CRL${url ? ` ${url}` : ''}: ${v.why}`);
        return undefined;
      }
      this.keep(this.gathered.crls, entry.der);
      return {
        ...base,
        status: v.status,
        source: 'crl',
        fromEvidence,
        ...(v.revocationTime ? { revocationTime: iso(v.revocationTime) } : {}),
        ...(v.reason ? { revocationReason: v.reason } : {}),
        crl: {
          ...(url ? { url } : {}),
          ...(crl.crlNumber !== undefined ? { crlNumber: crl.crlNumber.toString() } : {}),
          thisUpdate: iso(crl.thisUpdate),
          ...(crl.nextUpdate ? { nextUpdate: iso(crl.nextUpdate) } : {}),
        },
      };
    };

    /** A CRL usable for this certificate: a full CRL of the issuer, signed by it. */
    const crlUsable = async (crl: CrlInfo): Promise<string | undefined> => {
      if (crl.isDelta) return 'a delta CRL alone does not decide';
      if (
        !bytesEqual(crl.issuerDer, issuer.subjectDer) &&
        crl.authorityKeyId !== undefined &&
        issuer.subjectKeyIdentifier &&
        crl.authorityKeyId !== toHex(issuer.subjectKeyIdentifier)
      ) {
        return 'the CRL is for another issuer';
      }
      if (crl.unsupportedCriticalExtensions.length > 0)
        return 'the CRL has critical extensions this verifier does not process';
      try {
        return (await verifyCrl(crl, issuer.der)) ? undefined : 'the CRL is not signed by the issuer';
      } catch (e) {
        return isPkiError(e) ? e.message : String(e);
      }
    };

    // 1. Evidence and cache.
    if (useOcsp) {
      for (const ev of this.evidenceOcsp) {
        const single = ev.info.responses.find((s) => keys.has(certIdKey(s.certId)));
        if (!single) continue;
        const ok = await this.ocspVerifies(ev.der, issuer, single.thisUpdate);
        if (ok !== true) {
          reasons.push(`OCSP evidence: ${ok}`);
          continue;
        }
        const r = fromOcsp(ev.der, single, ev.info, true);
        if (r) return r;
      }
      if (cache) {
        for (const key of keys) {
          const hit = cache.getOcsp(key, nowMs);
          if (hit) {
            const r = fromOcsp(hit.der, hit.single, hit.info, true, hit.url);
            if (r) return r;
          }
        }
      }
    }
    if (useCrl) {
      for (const ev of this.evidenceCrls) {
        const bad = await crlUsable(ev.info);
        if (bad) {
          reasons.push(`CRL evidence: ${bad}`);
          continue;
        }
        const r = fromCrl(ev, true);
        if (r) return r;
      }
    }
    if (this.options.offline) {
      return {
        ...base,
        message: reasons.length
          ? reasons.join('; ')
          : 'offline, and no revocation evidence for this certificate',
      };
    }

    // 2. OCSP over the network.
    if (useOcsp) {
      if (info.ocspUrls.length === 0) reasons.push('OCSP: the certificate names no responder');
      for (const url of info.ocspUrls) {
        try {
          const req = await createOcspRequest({ certificate: cert.der, issuer: issuer.der, nonce: true });
          const der = await fetchBytes(url, {
            method: 'POST',
            body: req.der,
            contentType: 'application/ocsp-request',
            accept: 'application/ocsp-response',
            ...(this.options.fetch ? { fetch: this.options.fetch } : {}),
            ...(this.options.timeoutMs !== undefined ? { timeoutMs: this.options.timeoutMs } : {}),
            maxBytes: 1024 * 1024,
          });
          const v = await verifyOcspResponse(der, {
            issuer: issuer.der,
            ...(req.nonce ? { nonce: req.nonce } : {}),
            certIds: req.certIds,
            at: now,
          });
          if (!v.valid) {
            reasons.push(`OCSP ${url}: the response does not verify (${v.failures.join(', ')})`);
            continue;
          }
          const single = v.response.responses.find((s) => keys.has(certIdKey(s.certId)));
          if (!single) {
            reasons.push(`OCSP ${url}: no answer for the certificate`);
            continue;
          }
          if (cache && single.status.type !== 'unknown') {
            const expires = single.nextUpdate?.getTime() ?? nowMs + cache.defaultTtlMs;
            for (const key of keys) cache.putOcsp(key, { der, info: v.response, single, expires, url });
          }
          const r = fromOcsp(der, single, v.response, false, url);
          if (r) return r;
        } catch (e) {
          reasons.push(`OCSP ${url}: ${isPkiError(e) ? e.message : String(e)}`);
        }
      }
    }

    // 3. CRL over the network (or from the cache).
    if (useCrl) {
      if (info.crlUrls.length === 0) reasons.push('CRL: the certificate names no distribution point');
      for (const url of info.crlUrls) {
        try {
          let entry = cache?.getCrl(url, nowMs);
          let fromCache = true;
          if (!entry) {
            fromCache = false;
            const der = await fetchBytes(url, {
              ...(this.options.fetch ? { fetch: this.options.fetch } : {}),
              ...(this.options.timeoutMs !== undefined ? { timeoutMs: this.options.timeoutMs } : {}),
            });
            const crl = parseCrl(der);
            const bad = await crlUsable(crl);
            if (bad) {
              reasons.push(`CRL ${url}: ${bad}`);
              continue;
            }
            if (crl.nextUpdate && crl.nextUpdate.getTime() < nowMs - this.skew) {
              reasons.push(`CRL ${url}: stale (nextUpdate ${iso(crl.nextUpdate)})`);
              continue;
            }
            entry = {
              der,
              info: crl,
              expires: crl.nextUpdate?.getTime() ?? nowMs + (cache?.defaultTtlMs ?? 0),
              url,
            };
            cache?.putCrl(url, entry);
          }
          const r = fromCrl(entry, fromCache, url);
          if (r) return r;
        } catch (e) {
          reasons.push(`CRL ${url}: ${isPkiError(e) ? e.message : String(e)}`);
        }
      }
    }
    return { ...base, message: reasons.join('; ') || 'no revocation source' };
  }

  private async ocspVerifies(der: Uint8Array, issuer: CertificateFields, at: Date): Promise<true | string> {
    try {
      const v = await verifyOcspResponse(der, { issuer: issuer.der, at });
      return v.valid ? true : `the response does not verify (${v.failures.join(', ')})`;
    } catch (e) {
      return isPkiError(e) ? e.message : String(e);
    }
  }
}
