/**
 * Routes built from the OpenAPI document and a typed route table: every operation of the spec is
 * mounted at its path and method; its request is validated against the spec before the handler
 * runs; the handler's result is sent as JSON (or its media type); anything thrown becomes
 * problem+json. The route table's type (see `types.ts`) makes a missing or mistyped handler a
 * compile error; the router checks the same at start-up in case the generated types and the spec
 * file drifted apart.
 */
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { parse as parseQuery } from 'node:querystring';
import express from 'express';
import { contentType as mimeContentType } from 'mime-types';
import { ServerKitError } from '../errors.js';
import { clientAddress, compileTrustedProxies, type TrustedProxies } from '../http/client-address.js';
import type { OpenApiValidator } from '../openapi/validator.js';
import { problemOf as defaultProblemOf, type ProblemDocument, problemHeaders } from '../problem/problem.js';
import { MalformedPathError, PathTable } from './path-table.js';
import type { AnyOperationResult, OperationRequest, OperationShape, RouteTable } from './types.js';

/** Options of {@link createOperationRouter}. */
export interface OperationRouterOptions<Ops, Ctx> {
  /** The compiled OpenAPI document. */
  spec: OpenApiValidator;
  /** One handler per operation. */
  handlers: RouteTable<Ops, Ctx>;
  /** Passed to every handler. */
  context: Ctx;
  /**
   * Checks run after validation and before the handler, by operationId (rate limits keyed by a
   * function of the request, say); a check throws to refuse.
   */
  guards?: {
    [K in keyof Ops]?: Ops[K] extends OperationShape
      ? (req: OperationRequest<Ops[K]>) => Promise<unknown>
      : never;
  };
  /**
   * Authenticates a request of an operation whose spec declares `security`, before its body is
   * read or validated: an unauthenticated call is refused (`401`) whatever it sends, and a stranger
   * learns nothing about the schemas from validation errors. Throw to refuse. Required when the
   * spec declares security for any operation (else `ERR_ROUTES_MISMATCH` at start-up). Handlers
   * still authorise (which application, which role): this only answers "who is calling". What
   * it returns reaches the handler as `req.auth`.
   */
  authenticate?: (req: AuthenticationRequest) => Promise<unknown>;
  /** Turns anything thrown into a problem (default: {@link defaultProblemOf}). */
  problemOf?: (e: unknown) => ProblemDocument;
  /** Told about every `ERR_INTERNAL` (default `console.error`); the client sees no details. */
  onInternalError?: (operationId: string, error: unknown) => void;
  /** Headers on every response (default `Cache-Control: no-store`). */
  headers?: Readonly<Record<string, string>>;
  /** Largest request body, JSON or not (default `1mb`, express syntax). */
  jsonLimit?: string | number;
  /**
   * Operations of the spec that another handler answers before this router (a fast path such as
   * pre-produced OCSP answers): not mounted here, and not expected in `handlers`. Each must be an
   * operation of the spec; type the table as `RouteTable<Omit<operations, …>, Ctx>`.
   */
  servedElsewhere?: readonly string[];
  /** When given, every response is checked against the spec and each violation reported here. */
  onResponseViolation?: (message: string) => void;
  /**
   * Proxies whose `X-Forwarded-For` gives the client address of requests served by
   * {@link OperationDispatcher.dispatch} (outside express); set the app's `trust proxy` to the
   * same list ({@link trustProxySetting}) for those it serves. Default none: the socket address.
   */
  trustedProxies?: TrustedProxies;
}

/** What {@link createOperationDispatcher} builds. */
export interface OperationDispatcher {
  /** The operations as an express router (every request express passes to it). */
  router: express.Router;
  /**
   * Serves a request straight from `node:http`, without express's per-request work (its layers,
   * the request and response prototypes): `true` when it answered (an operation of the spec, a
   * plain origin-form URL), `false` for anything else, which goes to the express app (that mounts
   * {@link router}, so both paths answer alike).
   */
  dispatch(req: IncomingMessage, res: ServerResponse): boolean;
}

/** What {@link OperationRouterOptions.authenticate} sees of a request: nothing of its body. */
export interface AuthenticationRequest {
  operationId: string;
  /** The security schemes the spec accepts for the operation (any one of them). */
  schemes: string[];
  /** Token of an `Authorization: Bearer …` header. */
  bearer: string | undefined;
  headers: IncomingHttpHeaders;
  /** Path parameters as sent (not yet validated). */
  params: Readonly<Record<string, string>>;
  ip: string;
}

/** The bearer token of an `Authorization: Bearer …` header (RFC 6750 §2.1). */
export function bearerToken(headers: IncomingHttpHeaders): string | undefined {
  const h = headers.authorization;
  if (typeof h !== 'string') return undefined;
  return /^Bearer\s+(\S+)\s*$/i.exec(h)?.[1];
}

/** Whether the request carries a body (RFC 9110 §6.4.1: `Content-Length` or `Transfer-Encoding`). */
export function hasBody(headers: IncomingHttpHeaders): boolean {
  return headers['transfer-encoding'] !== undefined || (headers['content-length'] ?? '0') !== '0';
}

/** The media type of the request body, lower case, without parameters. */
export function mediaTypeOf(headers: IncomingHttpHeaders): string {
  return (headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
}

/**
 * A body-parser failure (express.json, raw, text) as a kit error; `undefined` for other errors.
 * @example
 * ```ts
 * fromBodyParserError({ type: 'entity.too.large', status: 413 })?.code; // 'ERR_PAYLOAD_TOO_LARGE'
 * ```
 */
export function fromBodyParserError(e: unknown): ServerKitError | undefined {
  const { type, status } = (e ?? {}) as { type?: unknown; status?: unknown };
  if (type === 'entity.too.large' || status === 413) {
    return new ServerKitError('ERR_PAYLOAD_TOO_LARGE', 'The request body is too large', { cause: e });
  }
  if (type === 'charset.unsupported' || type === 'encoding.unsupported' || status === 415) {
    return new ServerKitError('ERR_UNSUPPORTED_MEDIA_TYPE', 'Unsupported body encoding', { cause: e });
  }
  if (typeof type === 'string' && type.startsWith('entity.') && typeof status === 'number' && status < 500) {
    return new ServerKitError('ERR_VALIDATION', `Unreadable request body: ${(e as Error).message}`, {
      cause: e,
    });
  }
  return undefined;
}

/** Sends a problem through express. */
export function sendExpressProblem(res: express.Response, p: ProblemDocument): void {
  res.status(p.status).set(problemHeaders(p)).send(JSON.stringify(p));
}

/**
 * The problem for anything thrown, with body-parser failures mapped first; reports internal errors.
 */
function toProblem(
  e: unknown,
  problemOf: (e: unknown) => ProblemDocument,
  onInternal: (error: unknown) => void,
): ProblemDocument {
  const p = problemOf(fromBodyParserError(e) ?? e);
  if (p.code === 'ERR_INTERNAL') onInternal(e);
  return p;
}

/** `Content-Type` as express's `res.type` / `res.set` write it (a known text type gains its charset). */
function contentTypeHeader(type: string): string {
  return mimeContentType(type) || type;
}

/**
 * Writes a handler's result with `node:http` alone (both paths, express's and
 * {@link OperationDispatcher.dispatch}). Not express's `res.send`: that computes an entity tag of
 * every body and checks freshness, which the API's `no-store` answers never use (a handler that
 * means an entity tag sets it, as the status service does). The headers are those express wrote:
 * the media type with its charset where it has one, a handler's own headers over the defaults
 * (its `Content-Type` with parameters, say), a JSON text `; charset=utf-8`, and the length.
 */
function writeResult(
  res: ServerResponse,
  r: AnyOperationResult,
  type: string,
  defaultHeaders: Readonly<Record<string, string>>,
): void {
  const headers: Record<string, string | number> = {};
  if (r.body !== undefined) headers['content-type'] = contentTypeHeader(type);
  for (const [k, v] of Object.entries(defaultHeaders)) headers[k.toLowerCase()] = v;
  for (const [k, v] of Object.entries(r.headers ?? {})) {
    const name = k.toLowerCase();
    headers[name] = name === 'content-type' ? contentTypeHeader(v) : v;
  }
  let body: Buffer | undefined;
  if (r.body !== undefined) {
    if (r.body instanceof Uint8Array || typeof r.body === 'string') {
      body = Buffer.from(r.body);
    } else {
      body = Buffer.from(JSON.stringify(r.body), 'utf8');
      const ct = String(headers['content-type']);
      if (!/;\s*charset=/i.test(ct)) headers['content-type'] = `${ct}; charset=utf-8`;
    }
    headers['content-length'] = body.length;
  }
  res.writeHead(r.status, headers);
  res.end(body);
}

/** The path and query of a plain origin-form request target (`/a/b?x=1`), else `undefined`. */
function plainTarget(url: string | undefined): { path: string; search: string } | undefined {
  if (url === undefined || url.charCodeAt(0) !== 0x2f || url.charCodeAt(1) === 0x2f) return undefined;
  // What parseurl reads differently from a split at '?' (fragments, spaces): left to express.
  if (/[#\s\u00a0\ufeff]/.test(url)) return undefined;
  const q = url.indexOf('?');
  return q < 0 ? { path: url, search: '' } : { path: url.slice(0, q), search: url.slice(q + 1) };
}

/**
 * Builds the routes of every operation of `spec`: an express router, and the same operations
 * served straight from `node:http`.
 * @throws {ServerKitError} `ERR_ROUTES_MISMATCH` when the table and the spec's operations differ.
 * @example
 * ```ts
 * const ops = createOperationDispatcher<operations, CaContext>({ spec, handlers, context });
 * const app = express().use(ops.router).use(notFoundHandler()).use(problemErrorHandler());
 * await listen((req, res) => {
 *   if (!ops.dispatch(req, res)) app(req, res);
 * });
 * ```
 */
export function createOperationDispatcher<Ops, Ctx>(
  options: OperationRouterOptions<Ops, Ctx>,
): OperationDispatcher {
  return buildOperations(options);
}

/**
 * Builds the routes of every operation of `spec`.
 * @throws {ServerKitError} `ERR_ROUTES_MISMATCH` when the table and the spec's operations differ.
 * @example
 * ```ts
 * const router = createOperationRouter<operations, CaContext>({ spec, handlers, context });
 * app.use(router);
 * app.use(notFoundHandler());
 * app.use(problemErrorHandler());
 * ```
 */
export function createOperationRouter<Ops, Ctx>(options: OperationRouterOptions<Ops, Ctx>): express.Router {
  return buildOperations(options).router;
}

function buildOperations<Ops, Ctx>(options: OperationRouterOptions<Ops, Ctx>): OperationDispatcher {
  const { spec, context } = options;
  const handlers = options.handlers as unknown as Record<
    string,
    ((ctx: Ctx, req: OperationRequest<OperationShape>) => Promise<AnyOperationResult>) | undefined
  >;
  const guards = (options.guards ?? {}) as Record<
    string,
    ((req: OperationRequest<OperationShape>) => Promise<unknown>) | undefined
  >;
  const elsewhere = new Set(options.servedElsewhere ?? []);
  const unknownElsewhere = [...elsewhere].filter((id) => !spec.operationIds.includes(id));
  const ids = new Set(spec.operationIds.filter((id) => !elsewhere.has(id)));
  const missing = [...ids].filter((id) => typeof handlers[id] !== 'function');
  const extra = Object.keys(handlers).filter((id) => !ids.has(id));
  const unknownGuards = Object.keys(guards).filter((id) => !ids.has(id));
  const secured = [...ids].filter((id) => spec.requiresAuthentication(id));
  if (secured.length > 0 && !options.authenticate) {
    throw new ServerKitError(
      'ERR_ROUTES_MISMATCH',
      `the spec declares security for ${secured.join(', ')} but no authenticate hook is given`,
    );
  }
  if (missing.length || extra.length || unknownGuards.length || unknownElsewhere.length) {
    throw new ServerKitError(
      'ERR_ROUTES_MISMATCH',
      [
        missing.length ? `no handler for ${missing.join(', ')}` : '',
        extra.length ? `handlers for operations the spec does not have: ${extra.join(', ')}` : '',
        unknownGuards.length ? `guards for unknown operations: ${unknownGuards.join(', ')}` : '',
        unknownElsewhere.length
          ? `servedElsewhere names unknown operations: ${unknownElsewhere.join(', ')}`
          : '',
      ]
        .filter(Boolean)
        .join('; '),
    );
  }
  const problemOf = options.problemOf ?? defaultProblemOf;
  const onInternalError =
    options.onInternalError ?? ((id: string, e: unknown) => console.error(`[kzpki] ${id} failed:`, e));
  const defaultHeaders = options.headers ?? { 'cache-control': 'no-store' };
  const check = options.onResponseViolation;
  const json = express.json({
    limit: options.jsonLimit ?? '1mb',
    type: ['application/json', 'application/*+json'],
  });
  // Bodies of other media types (certificate uploads) arrive as bytes; the accepted types were checked.
  const raw = express.raw({ limit: options.jsonLimit ?? '1mb', type: () => true });
  // body-parser reads a plain `node:http` request as well as express's.
  const parse =
    (parser: express.RequestHandler) =>
    (req: IncomingMessage, res: ServerResponse): Promise<void> =>
      new Promise((resolve, reject) =>
        parser(req as express.Request, res as express.Response, (e?: unknown) => (e ? reject(e) : resolve())),
      );
  const parseJson = parse(json);
  const parseRaw = parse(raw);

  const trusted = compileTrustedProxies(options.trustedProxies ?? []);
  /** One operation: the request's decoded path parameters, client address and query given. */
  type Mounted = (
    req: IncomingMessage,
    res: ServerResponse,
    params: Record<string, string>,
    ip: string,
    query: Record<string, unknown>,
  ) => Promise<void>;
  const table = new PathTable<Mounted>();
  for (const op of spec.operations) {
    const id = op.operationId;
    if (elsewhere.has(id)) continue;
    const handler = handlers[id] as NonNullable<(typeof handlers)[string]>;
    const guard = guards[id];
    const accepted = spec.requestMediaTypes(id);
    const authenticate = spec.requiresAuthentication(id) ? options.authenticate : undefined;
    const schemes = [...new Set((spec.security(id) ?? []).flatMap((r) => Object.keys(r)))];
    const send = (res: ServerResponse, r: AnyOperationResult, problem = false): void => {
      const type = problem ? 'application/problem+json' : (r.contentType ?? 'application/json');
      if (check) for (const v of spec.checkResponse(id, r.status, type, r.body)) check(v);
      writeResult(res, r, type, defaultHeaders);
    };
    table.add(op.method, op.path, async (req, res, params, ip, query) => {
      try {
        const bearer = bearerToken(req.headers);
        // Who is calling, before anything of the body is read or validated.
        let auth: unknown;
        if (authenticate) {
          auth = await authenticate({ operationId: id, schemes, bearer, headers: req.headers, params, ip });
        }
        let body: unknown;
        let mediaType: string | undefined;
        if (hasBody(req.headers)) {
          mediaType = mediaTypeOf(req.headers);
          if (accepted.length > 0 && !accepted.includes(mediaType)) {
            throw new ServerKitError(
              'ERR_UNSUPPORTED_MEDIA_TYPE',
              `The body must be ${accepted.join(' or ')}`,
            );
          }
          if (accepted.length > 0 && /^application\/(?:[\w.-]+\+)?json$/.test(mediaType)) {
            await parseJson(req, res);
            body = (req as IncomingMessage & { body?: unknown }).body;
          } else if (accepted.length > 0) {
            await parseRaw(req, res);
            const raw = (req as IncomingMessage & { body?: unknown }).body;
            const bytes = Buffer.isBuffer(raw) ? new Uint8Array(raw) : new Uint8Array();
            body = { mediaType, bytes };
          } else {
            body = null; // present but not read: refused by validation below
          }
        }
        const issues = spec.checkRequest(id, {
          params,
          query,
          headers: req.headers,
          body,
          ...(mediaType !== undefined ? { mediaType } : {}),
        });
        if (issues.length > 0) {
          const first = issues[0];
          throw new ServerKitError('ERR_VALIDATION', `${first?.location}${first?.path} ${first?.message}`, {
            details: { errors: issues },
          });
        }
        const request: OperationRequest<OperationShape> = {
          params: params as never,
          query: query as never,
          body: body as never,
          headers: req.headers,
          ip,
          bearer,
          ...(auth !== undefined ? { auth } : {}),
        };
        if (guard) await guard(request);
        send(res, await handler(context, request));
      } catch (e) {
        const p = toProblem(e, problemOf, (err) => onInternalError(id, err));
        send(res, { status: p.status, body: p, headers: problemHeaders(p) }, true);
      }
    });
  }
  const writeProblem = (res: ServerResponse, p: ProblemDocument): void =>
    writeResult(
      res,
      { status: p.status, body: p, headers: problemHeaders(p) },
      'application/problem+json',
      defaultHeaders,
    );
  /** Looks the operation up (see path-table.ts); `false` when none matches. */
  const serve = (
    req: IncomingMessage,
    res: ServerResponse,
    path: string,
    ip: () => string,
    query: () => Record<string, unknown>,
    onError: (e: unknown) => void,
  ): boolean => {
    let found: ReturnType<typeof table.match>;
    try {
      found = table.match(req.method ?? 'GET', path);
    } catch (e) {
      if (!(e instanceof MalformedPathError)) throw e;
      writeProblem(res, problemOf(new ServerKitError('ERR_VALIDATION', e.message)));
      return true;
    }
    if (!found) return false;
    found.value(req, res, found.params, ip(), query()).catch(onError);
    return true;
  };
  const router = express.Router();
  router.use((req, res, next) => {
    const handled = serve(
      req,
      res,
      req.path,
      () => req.ip ?? req.socket.remoteAddress ?? 'unknown',
      () => req.query as Record<string, unknown>,
      next,
    );
    if (!handled) next();
  });
  const dispatch = (req: IncomingMessage, res: ServerResponse): boolean => {
    const target = plainTarget(req.url);
    if (!target) return false;
    return serve(
      req,
      res,
      target.path,
      () => clientAddress(req, trusted),
      // express 5's `simple` query parser is node:querystring.
      () => parseQuery(target.search) as Record<string, unknown>,
      // What the operation did not answer itself: problem+json, as the express path's error handler.
      (e) => {
        const p = toProblem(e, problemOf, (err) => onInternalError('(dispatch)', err));
        if (res.headersSent) res.end();
        else writeProblem(res, p);
      },
    );
  };
  return { router, dispatch };
}

/**
 * The last route of an app: `ERR_NOT_FOUND` for every request nothing else answered.
 * @example
 * ```ts
 * app.use(notFoundHandler());
 * ```
 */
export function notFoundHandler(
  problemOf: (e: unknown) => ProblemDocument = defaultProblemOf,
): express.RequestHandler {
  return (_req, res) => {
    sendExpressProblem(res, problemOf(new ServerKitError('ERR_NOT_FOUND', 'No such endpoint')));
  };
}

/**
 * The error handler of an app: body-parser failures become `ERR_PAYLOAD_TOO_LARGE`,
 * `ERR_UNSUPPORTED_MEDIA_TYPE` or `ERR_VALIDATION`; everything else goes through `problemOf`.
 * @example
 * ```ts
 * app.use(problemErrorHandler({ onInternalError: (e) => log.error(e) }));
 * ```
 */
export function problemErrorHandler(
  options: { problemOf?: (e: unknown) => ProblemDocument; onInternalError?: (error: unknown) => void } = {},
): express.ErrorRequestHandler {
  const problemOf = options.problemOf ?? defaultProblemOf;
  const onInternal = options.onInternalError ?? ((e: unknown) => console.error('[kzpki] request failed:', e));
  return (err: unknown, _req, res, _next) => {
    sendExpressProblem(res, toProblem(err, problemOf, onInternal));
  };
}
