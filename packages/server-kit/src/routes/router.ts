/**
 * Routes built from the OpenAPI document and a typed route table: every operation of the spec is
 * mounted at its path and method; its request is validated against the spec before the handler
 * runs; the handler's result is sent as JSON (or its media type); anything thrown becomes
 * problem+json. The route table's type (see `types.ts`) makes a missing or mistyped handler a
 * compile error; the router checks the same at start-up in case the generated types and the spec
 * file drifted apart.
 */
import type { IncomingHttpHeaders } from 'node:http';
import express from 'express';
import { ServerKitError } from '../errors.js';
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

/**
 * Writes a handler's result. Not express's `res.send`: that computes an entity tag of every body
 * and checks freshness, which the API's `no-store` responses never use (a handler that means an
 * entity tag sets it, as the status service does), and costs CPU on every request.
 * `Content-Type` and `Content-Length` are as `res.send` wrote them: a JSON text is
 * `; charset=utf-8`, bytes keep the media type as given.
 */
function writeResult(
  res: express.Response,
  r: AnyOperationResult,
  type: string,
  defaultHeaders: Readonly<Record<string, string>>,
): void {
  res.status(r.status);
  if (r.body !== undefined) res.type(type);
  // A handler's own headers (a Content-Type with parameters, say) win over the spec's media type.
  res.set({ ...defaultHeaders, ...(r.headers ?? {}) });
  if (r.body === undefined) {
    res.end();
    return;
  }
  let body: Buffer;
  if (r.body instanceof Uint8Array || typeof r.body === 'string') {
    body = Buffer.from(r.body);
  } else {
    body = Buffer.from(JSON.stringify(r.body), 'utf8');
    const ct = String(res.getHeader('content-type'));
    if (!/;\s*charset=/i.test(ct)) res.setHeader('content-type', `${ct}; charset=utf-8`);
  }
  res.setHeader('content-length', body.length);
  res.end(body);
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
  const parse =
    (parser: express.RequestHandler) =>
    (req: express.Request, res: express.Response): Promise<void> =>
      new Promise((resolve, reject) => parser(req, res, (e?: unknown) => (e ? reject(e) : resolve())));
  const parseJson = parse(json);
  const parseRaw = parse(raw);

  type Mounted = (
    req: express.Request,
    res: express.Response,
    params: Record<string, string>,
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
    const send = (res: express.Response, r: AnyOperationResult, problem = false): void => {
      const type = problem ? 'application/problem+json' : (r.contentType ?? 'application/json');
      if (check) for (const v of spec.checkResponse(id, r.status, type, r.body)) check(v);
      writeResult(res, r, type, defaultHeaders);
    };
    table.add(op.method, op.path, async (req, res, params) => {
      try {
        const ip = req.ip ?? req.socket.remoteAddress ?? 'unknown';
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
            body = req.body;
          } else if (accepted.length > 0) {
            await parseRaw(req, res);
            const bytes = Buffer.isBuffer(req.body) ? new Uint8Array(req.body) : new Uint8Array();
            body = { mediaType, bytes };
          } else {
            body = null; // present but not read: refused by validation below
          }
        }
        const query = req.query as Record<string, unknown>;
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
  // One middleware looks the operation up (see path-table.ts); what matches nothing goes on.
  const router = express.Router();
  router.use((req, res, next) => {
    let found: ReturnType<typeof table.match>;
    try {
      found = table.match(req.method, req.path);
    } catch (e) {
      if (!(e instanceof MalformedPathError)) throw e;
      const p = problemOf(new ServerKitError('ERR_VALIDATION', e.message));
      writeResult(
        res,
        { status: p.status, body: p, headers: problemHeaders(p) },
        'application/problem+json',
        defaultHeaders,
      );
      return;
    }
    if (!found) return next();
    found.value(req, res, found.params).catch(next);
  });
  return router;
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
