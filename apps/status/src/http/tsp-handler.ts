/**
 * `POST /tsp`: the time-stamping authority (RFC 3161 over HTTP, §3.4) on plain `node:http`, beside
 * the OCSP responder. A `TimeStampReq` (`application/timestamp-query`) is answered with a
 * `TimeStampResp` (`application/timestamp-reply`) signed by the TSA key the CA certified for this
 * service (extKeyUsage id-kp-timeStamping only, critical). One TSA per policy (the NCA's
 * 1.2.398.3.3.2.6.2 for RSA, 1.2.398.3.3.2.6.4 for GOST-2015, see docs/domain.md): a request that
 * names a policy goes to that TSA; one that names none goes to the GOST TSA when its imprint is a
 * GOST hash (Streebog, GOST R 34.11-94) and there is one, else to the first. The TSAs can be
 * replaced while serving ({@link TspHandler.update}: a renewed TSA certificate). Protocol-level
 * refusals (bad request, unknown policy or hash) are `rejection` responses with HTTP 200 and a
 * failInfo, as RFC 3161 §2.4.2 has them; HTTP errors are only about HTTP (media type, size, rate).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  NCA_TSA_POLICY_OIDS,
  parseTimestampRequest,
  parseTimestampResponse,
  prepareTimestampAuthority,
  type TimestampAuthority,
} from '@kzpki/pki';
import {
  clientAddress,
  compileTrustedProxies,
  type RateLimiter,
  type TrustedProxies,
} from '@kzpki/server-kit';
import type { StatusMetrics } from '../metrics/status-metrics.js';
import type { TimestampSignerMaterial } from '../source/status-source.js';
import { problem, sendProblem } from './problem.js';

/** Options of {@link createTspHandler}. */
export interface TspHandlerOptions {
  /** The TSA key pairs, one per policy; the first is the default. */
  signers: readonly TimestampSignerMaterial[];
  /** Metrics to update. */
  metrics?: StatusMetrics;
  /** Limits timestamp requests per client address. */
  limiter?: RateLimiter<'timestampPerIp'>;
  /** Proxies whose `X-Forwarded-For` gives the client address (default none: the socket address). */
  trustedProxies?: TrustedProxies;
  /** Largest request (default 16 KiB; a SHA-512 request with a nonce is under 150 bytes). */
  maxRequestBytes?: number;
  /** Clock (tests). */
  now?: () => Date;
}

const REPLY = 'application/timestamp-reply';

/** The `/tsp` request listener, whose TSAs can be replaced while it serves. */
export interface TspHandler {
  /** Answers `/tsp`; returns `false` (without touching the response) for other paths. */
  (req: IncomingMessage, res: ServerResponse): boolean;
  /** Serves these TSAs from now on (e.g. after a renewal); the first is the default. */
  update(signers: readonly TimestampSignerMaterial[]): Promise<void>;
}

/** Imprint hashes that send a request without a policy to the GOST TSA. */
const GOST_HASHES = new Set(['STREEBOG-256', 'STREEBOG-512', 'GOST34311-95']);
/** GOST TSA policies, preferred in this order. */
const GOST_POLICIES = [
  NCA_TSA_POLICY_OIDS.gost2015,
  NCA_TSA_POLICY_OIDS.gost2004,
  NCA_TSA_POLICY_OIDS.gostGt,
];

/**
 * A request listener for `/tsp`: returns `false` (without touching the response) for other paths.
 * @example
 * ```ts
 * const tsp = await createTspHandler({ signers: material.timestampSigners ?? [] });
 * http.createServer((req, res) => { if (!tsp(req, res)) next(req, res); });
 * ```
 */
export async function createTspHandler(options: TspHandlerOptions): Promise<TspHandler> {
  const { metrics } = options;
  const maxBytes = options.maxRequestBytes ?? 16 * 1024;
  const trusted = compileTrustedProxies(options.trustedProxies ?? []);
  const prepare = async (signers: readonly TimestampSignerMaterial[]): Promise<TimestampAuthority[]> => {
    const prepared: TimestampAuthority[] = [];
    for (const s of signers) {
      prepared.push(
        await prepareTimestampAuthority({
          key: s.privateKey,
          certificate: s.certificate,
          chain: s.chain,
          policy: s.policy,
          ...(options.now ? { clock: options.now } : {}),
        }),
      );
    }
    return prepared;
  };
  let authorities = await prepare(options.signers);
  let byPolicy = new Map(authorities.map((a) => [a.policy, a]));

  const finish = (method: string, code: number, started: number): void => {
    metrics?.httpRequests.inc({ route: 'tsp', method, code: String(code) });
    metrics?.httpDuration.observe({ route: 'tsp' }, (performance.now() - started) / 1000);
  };

  const answer = async (body: Uint8Array): Promise<{ der: Uint8Array; policy: string }> => {
    let policy: string | undefined;
    let hash: string | undefined;
    try {
      const request = parseTimestampRequest(body);
      policy = request.policy;
      hash = request.imprint.hash;
    } catch {
      policy = undefined; // the default TSA answers badDataFormat
    }
    const gost =
      policy === undefined && hash !== undefined && GOST_HASHES.has(hash)
        ? GOST_POLICIES.map((p) => byPolicy.get(p)).find((a) => a !== undefined)
        : undefined;
    const tsa = (policy !== undefined ? byPolicy.get(policy) : gost) ?? authorities[0]!;
    return { der: await tsa.respond(body), policy: tsa.policy };
  };

  const handler = (req: IncomingMessage, res: ServerResponse): boolean => {
    const url = req.url ?? '';
    const q = url.indexOf('?');
    const path = q < 0 ? url : url.slice(0, q);
    if (path !== '/tsp' && path !== '/tsp/') return false;
    const started = performance.now();
    const method = req.method ?? 'GET';
    if (authorities.length === 0) {
      req.resume();
      sendProblem(res, problem('ERR_NOT_FOUND', 'This status service runs no time-stamping authority'));
      finish(method, 404, started);
      return true;
    }
    if (method !== 'POST') {
      req.resume();
      sendProblem(res, problem('ERR_METHOD_NOT_ALLOWED', 'Use POST for /tsp'), { allow: 'POST' });
      finish(method, 405, started);
      return true;
    }
    const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
    if (type !== 'application/timestamp-query') {
      req.resume();
      sendProblem(
        res,
        problem('ERR_UNSUPPORTED_MEDIA_TYPE', 'Timestamp requests are application/timestamp-query'),
      );
      finish(method, 415, started);
      return true;
    }
    const tooLarge = (): void => {
      sendProblem(res, problem('ERR_PAYLOAD_TOO_LARGE', 'Timestamp request too large'), {
        connection: 'close',
      });
      req.unpipe();
      req.resume();
      finish(method, 413, started);
    };
    if (Number(req.headers['content-length'] ?? 0) > maxBytes) {
      tooLarge();
      return true;
    }
    // Never the leftmost X-Forwarded-For entry (the client's own): the first untrusted hop from the right.
    const client = clientAddress(req, trusted);
    const chunks: Buffer[] = [];
    let size = 0;
    let rejected = false;
    req.on('data', (chunk: Buffer) => {
      if (rejected) return;
      size += chunk.length;
      if (size > maxBytes) {
        rejected = true;
        tooLarge();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (rejected) return;
      const body = new Uint8Array(Buffer.concat(chunks));
      (async () => {
        const decision = await options.limiter?.take('timestampPerIp', client);
        if (decision && !decision.allowed) {
          sendProblem(res, problem('ERR_RATE_LIMITED', 'Too many timestamp requests; retry later'), {
            'retry-after': String(decision.retryAfterSeconds),
          });
          finish(method, 429, started);
          return;
        }
        const { der, policy } = await answer(body);
        if (metrics) metrics.tspResponses.inc({ status: parseTimestampResponse(der).status, policy });
        res.writeHead(200, {
          'content-type': REPLY,
          'content-length': der.length,
          'cache-control': 'no-store',
        });
        res.end(der);
        finish(method, 200, started);
      })().catch((e: unknown) => {
        console.error('[kzpki-status] TSA error:', e);
        if (!res.headersSent) sendProblem(res, problem('ERR_INTERNAL', 'Internal error'));
        else res.destroy();
        finish(method, 500, started);
      });
    });
    req.on('error', () => res.destroy());
    return true;
  };
  return Object.assign(handler, {
    async update(signers: readonly TimestampSignerMaterial[]): Promise<void> {
      const next = await prepare(signers);
      authorities = next;
      byPolicy = new Map(next.map((a) => [a.policy, a]));
    },
  });
}
