/**
 * What the portal's same-origin proxy may forward, and how a request target is checked before it
 * is: the portal is not an open proxy. A target is forwarded only when
 * - it is in origin-form (`/path?query`), with no backslash, no empty segment (`//`), no `.` or `..`
 *   segment (also percent-encoded), no control character (also percent-encoded), and an encoded `/`
 *   only where no dot segment results (the base64 OCSP request of RFC 5019 GETs holds `%2F`);
 * - its method and path match an operation of `openapi/ca.yaml` (CA) or the public part of
 *   `openapi/status.yaml` (status service; `/metrics`, `/ready` stay internal). A test keeps these
 *   lists equal to the specs.
 * The upstream URL is then built from the configured upstream's origin and the checked path, so no
 * path can name another host.
 */

/** One allowed operation: an HTTP method and an OpenAPI path template. */
export type ProxyRoute = readonly [method: string, template: string];

/** Every operation of `openapi/ca.yaml`. */
export const CA_PROXY_ROUTES: readonly ProxyRoute[] = [
  ['GET', '/v1/health'],
  ['GET', '/v1/ca/certificates'],
  ['GET', '/v1/templates'],
  ['GET', '/v1/agreement'],
  ['GET', '/v1/application-status/{number}'],
  ['POST', '/v1/application-status/{number}/installation-challenge'],
  ['POST', '/v1/application-status/{number}/installation'],
  ['POST', '/v1/applications'],
  ['GET', '/v1/applications/{applicationId}'],
  ['POST', '/v1/applications/{applicationId}/otp'],
  ['POST', '/v1/applications/{applicationId}/otp/verification'],
  ['POST', '/v1/applications/{applicationId}/digital-id/phone'],
  ['POST', '/v1/applications/{applicationId}/digital-id/phone/verification'],
  ['POST', '/v1/applications/{applicationId}/identification'],
  ['POST', '/v1/applications/{applicationId}/identification/confirmation'],
  ['POST', '/v1/applications/{applicationId}/consent'],
  ['POST', '/v1/applications/{applicationId}/agreement'],
  ['POST', '/v1/applications/{applicationId}/submission'],
  ['POST', '/v1/applications/{applicationId}/issuance'],
  ['GET', '/v1/applications/{applicationId}/certificates'],
  ['POST', '/v1/applications/{applicationId}/installation-challenge'],
  ['POST', '/v1/applications/{applicationId}/installation'],
  ['POST', '/v1/auth/challenges'],
  ['POST', '/v1/cabinet/sessions'],
  ['DELETE', '/v1/cabinet/sessions/current'],
  ['GET', '/v1/cabinet/applications'],
  ['GET', '/v1/cabinet/applications/{number}'],
  ['POST', '/v1/cabinet/applications/{number}/decision'],
  ['GET', '/v1/cabinet/certificates'],
  ['POST', '/v1/cabinet/certificates/{serialHex}/revocation'],
  ['POST', '/v1/cabinet/certificates/{serialHex}/release'],
  ['POST', '/v1/cabinet/information-systems'],
  ['POST', '/v1/operator/sessions'],
  ['GET', '/v1/operator/moderation'],
  ['POST', '/v1/operator/moderation/{applicationId}/decision'],
  ['POST', '/v1/operator/certificates/{serialHex}/revocation'],
  ['POST', '/v1/operator/certificates/{serialHex}/release'],
  ['GET', '/v1/operator/applications/{number}/audit'],
  ['POST', '/v1/operator/expiry-sweep'],
  ['GET', '/v1/dev/sms-outbox'],
  ['GET', '/v1/dev/email-outbox'],
  ['POST', '/v1/dev/mobile-registrations'],
];

/** The public operations of `openapi/status.yaml` (paths relative to the service's root). */
export const STATUS_PROXY_ROUTES: readonly ProxyRoute[] = [
  ['POST', '/ocsp'],
  ['GET', '/ocsp/{request}'],
  ['POST', '/tsp'],
  ['GET', '/crl/{issuer}.crl'],
  ['GET', '/crl/{issuer}-delta.crl'],
  ['GET', '/ca/{issuer}.crt'],
  ['GET', '/api/v1/applications/{number}'],
  ['POST', '/api/v1/key-check'],
  ['GET', '/health'],
];

/** Why a target was refused (the proxy answers 400 for `malformed`, 404/405 for the others). */
export type ProxyRefusal = 'malformed' | 'not-found' | 'method-not-allowed';

/** The outcome of {@link checkProxyTarget}. */
export type ProxyTargetCheck =
  | { ok: true; path: string; search: string }
  | { ok: false; refusal: ProxyRefusal };

/**
 * One character of a `{param}` value inside a segment: an unreserved character or a
 * percent-escape. Repeated as `(?:char)+`, each step consumes exactly one of them, so a failed
 * match costs linear time (a `(?:[...]+)+` would try every split of a long serial number and hang
 * the server on a path that almost matches).
 */
const SEGMENT_CHAR = "[A-Za-z0-9._~!$&'()*+,;=:@-]|%[0-9A-Fa-f]{2}";
/** Parameters that may span segments: the base64 DER of an RFC 5019 OCSP GET (`/`, `+`, `=`). */
const GREEDY_PARAMS = new Set(['request']);

interface CompiledRoute {
  method: string;
  pattern: RegExp;
}

function compile(routes: readonly ProxyRoute[]): CompiledRoute[] {
  return routes.map(([method, template]) => {
    const source = template
      .split(/(\{[A-Za-z]+\})/)
      .map((part) => {
        const param = /^\{([A-Za-z]+)\}$/.exec(part)?.[1];
        if (!param) return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
        const one = `(?:${SEGMENT_CHAR})+`;
        return GREEDY_PARAMS.has(param) ? `${one}(?:/${one})*` : one;
      })
      .join('');
    return { method, pattern: new RegExp(`^${source}$`) };
  });
}

/** A compiled allow-list; build it once per upstream. */
export interface ProxyAllowList {
  check(method: string, target: string): ProxyTargetCheck;
}

/**
 * Compiles `routes` into an allow-list.
 * @example
 * ```ts
 * const ca = proxyAllowList(CA_PROXY_ROUTES);
 * ca.check('GET', '/v1/health'); // { ok: true, path: '/v1/health', search: '' }
 * ca.check('GET', '//evil.example/x'); // { ok: false, refusal: 'malformed' }
 * ```
 */
export function proxyAllowList(routes: readonly ProxyRoute[]): ProxyAllowList {
  const compiled = compile(routes);
  return {
    check(method, target) {
      const shape = targetShape(target);
      if (!shape) return { ok: false, refusal: 'malformed' };
      const matching = compiled.filter((r) => r.pattern.test(shape.path));
      if (matching.length === 0) return { ok: false, refusal: 'not-found' };
      if (!matching.some((r) => r.method === method.toUpperCase())) {
        return { ok: false, refusal: 'method-not-allowed' };
      }
      return { ok: true, path: shape.path, search: shape.search };
    },
  };
}

/**
 * Splits an origin-form target into path and query, or `undefined` when the path is not one this
 * proxy forwards whatever the route (see the file header).
 */
function targetShape(target: string): { path: string; search: string } | undefined {
  // Control characters, spaces and backslashes never belong in a forwarded target.
  if (!target.startsWith('/') || /[\u0000-\u0020\u007f\\]/.test(target)) return undefined;
  const q = target.indexOf('?');
  const path = q === -1 ? target : target.slice(0, q);
  const search = q === -1 ? '' : target.slice(q);
  if (search.includes('#')) return undefined;
  let decoded: string;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    return undefined; // a broken percent-escape
  }
  if (/[\u0000-\u001f\u007f\\]/.test(decoded)) return undefined; // %5C, %00...
  // Empty segments as sent (`//`), dot segments as sent and decoded (`%2e%2e`, `..%2F`). An encoded
  // `//` (%2F%2F) is allowed: base64 OCSP requests contain it.
  if (
    path
      .split('/')
      .slice(1)
      .some((s) => s === '' || s === '.' || s === '..')
  )
    return undefined;
  if (decoded.split('/').some((s) => s === '.' || s === '..')) return undefined;
  return { path, search };
}
