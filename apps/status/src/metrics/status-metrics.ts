/**
 * The metrics the status service exports on `/metrics`: HTTP requests and latencies per route,
 * OCSP outcomes, OCSP response cache hits, misses and invalidations, signing load shedding, the
 * CRLs served, and the process metrics. prom-client metrics on this server's own registry (the server kit's
 * {@link MetricsRegistry}), never prom-client's global one.
 */
import {
  type Counter,
  type Gauge,
  type Histogram,
  MetricsRegistry,
  registerProcessMetrics,
} from '@kzpki/server-kit';

/** Route label values (bounded set: never the raw URL, which would explode cardinality). */
export type RouteLabel =
  | 'ocsp_get'
  | 'ocsp_post'
  | 'crl'
  | 'ca_certificate'
  | 'application_status'
  | 'key_check'
  | 'tsp'
  | 'health'
  | 'ready'
  | 'metrics'
  | 'other';

/** Every metric of one status server. */
export class StatusMetrics {
  /** The registry rendered on `/metrics`. */
  readonly registry = new MetricsRegistry();
  /** `kzpki_status_http_requests_total{route,method,code}`. */
  readonly httpRequests: Counter<'route' | 'method' | 'code'>;
  /** `kzpki_status_http_request_duration_seconds{route}`. */
  readonly httpDuration: Histogram<'route'>;
  /** `kzpki_status_ocsp_responses_total{status}`: good/revoked/unknown per CertID, or the error status. */
  readonly ocspResponses: Counter<'status'>;
  /** `kzpki_status_ocsp_cache_total{result="hit"|"miss"}`. */
  readonly ocspCache: Counter<'result'>;
  /** `kzpki_status_ocsp_cache_invalidations_total{scope="entry"|"all"}`. */
  readonly ocspCacheInvalidations: Counter<'scope'>;
  /** `kzpki_status_ocsp_signing_shed_total`: requests answered `tryLater` because signing fell behind. */
  readonly ocspShed: Counter;
  /** `kzpki_status_ocsp_signing_seconds`: time to produce one signed response. */
  readonly ocspSigning: Histogram;
  /** `kzpki_status_tsp_responses_total{status,policy}`: RFC 3161 answers (granted, rejection). */
  readonly tspResponses: Counter<'status' | 'policy'>;
  /** `kzpki_status_crl_entries{issuer,kind}`: entries of the CRL being served. */
  readonly crlEntries: Gauge<'issuer' | 'kind'>;
  /** `kzpki_status_crl_number{issuer,kind}`: number of the CRL being served. */
  readonly crlNumber: Gauge<'issuer' | 'kind'>;

  constructor(collectors: {
    cacheSize: () => number;
    signingInFlight: () => number;
    signingQueued: () => number;
  }) {
    const r = this.registry;
    this.httpRequests = r.counter({
      name: 'kzpki_status_http_requests_total',
      help: 'HTTP requests by route, method and status code.',
      labelNames: ['route', 'method', 'code'],
    });
    this.httpDuration = r.histogram({
      name: 'kzpki_status_http_request_duration_seconds',
      help: 'HTTP request latency by route, from request start to response end.',
      labelNames: ['route'],
    });
    this.ocspResponses = r.counter({
      name: 'kzpki_status_ocsp_responses_total',
      help: 'OCSP outcomes: certificate statuses (good, revoked, unknown) and error responses (malformedRequest, unauthorized, tryLater, internalError).',
      labelNames: ['status'],
    });
    this.ocspCache = r.counter({
      name: 'kzpki_status_ocsp_cache_total',
      help: 'Pre-produced OCSP response cache lookups by result.',
      labelNames: ['result'],
    });
    this.ocspCacheInvalidations = r.counter({
      name: 'kzpki_status_ocsp_cache_invalidations_total',
      help: 'OCSP cache entries dropped because the revocation state changed (scope=entry) or the cache was cleared (scope=all).',
      labelNames: ['scope'],
    });
    this.ocspShed = r.counter({
      name: 'kzpki_status_ocsp_signing_shed_total',
      help: 'OCSP requests answered tryLater because the live-signing queue was full or too slow.',
    });
    this.ocspSigning = r.histogram({
      name: 'kzpki_status_ocsp_signing_seconds',
      help: 'Time to build and sign one OCSP response.',
    });
    this.tspResponses = r.counter({
      name: 'kzpki_status_tsp_responses_total',
      help: 'RFC 3161 timestamp answers by PKIStatus (granted, rejection) and token policy.',
      labelNames: ['status', 'policy'],
    });
    this.crlEntries = r.gauge({
      name: 'kzpki_status_crl_entries',
      help: 'Entries in the CRL currently served.',
      labelNames: ['issuer', 'kind'],
    });
    this.crlNumber = r.gauge({
      name: 'kzpki_status_crl_number',
      help: 'CRL number currently served.',
      labelNames: ['issuer', 'kind'],
    });
    registerProcessMetrics(r);
    r.gauge({
      name: 'kzpki_status_ocsp_cache_entries',
      help: 'Pre-produced OCSP responses held in memory.',
      collect: collectors.cacheSize,
    });
    r.gauge({
      name: 'kzpki_status_ocsp_signing_in_flight',
      help: 'OCSP responses being signed now.',
      collect: collectors.signingInFlight,
    });
    r.gauge({
      name: 'kzpki_status_ocsp_signing_queued',
      help: 'OCSP responses waiting for a signing slot.',
      collect: collectors.signingQueued,
    });
  }
}
