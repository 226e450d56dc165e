/**
 * Handler types derived from the `operations` interface that openapi-typescript generates from an
 * OpenAPI document. A route table maps every operationId to a handler whose request (path and query
 * parameters, JSON body) and result (success status, JSON body) are the spec's types, so a missing
 * handler, a handler for an operation the spec does not have, a misspelt body field or a response
 * that does not match its schema is a compile error.
 *
 * @example
 * ```ts
 * import type { operations } from '@kzpki/client/api-types/ca';
 * const handlers = {
 *   async getHealth(ctx) {
 *     return { status: 200, body: { status: 'ok', version: '1.0.0', devMode: false, testMode: false, time: ctx.now() } };
 *   },
 * } satisfies Partial<RouteTable<operations, Ctx>>;
 * ```
 */
import type { IncomingHttpHeaders } from 'node:http';

/** The shape openapi-typescript gives every member of `operations`. */
export interface OperationShape {
  parameters: { query?: unknown; header?: unknown; path?: unknown; cookie?: unknown };
  requestBody?: unknown;
  responses: object;
}

/** HTTP statuses a handler may return; errors are thrown (and become problem+json). */
export type SuccessStatus = 200 | 201 | 202 | 203 | 204 | 205 | 206;

/** Members of `T` without `undefined` (an absent optional member reads as `{}`). */
type Defined<T> = [T] extends [undefined] ? Record<string, never> : Exclude<T, undefined>;

/** Path parameters of an operation (`{}` when it has none). */
export type PathParamsOf<Op extends OperationShape> = Defined<Op['parameters']['path']>;

/** Query parameters of an operation (`{}` when it has none). */
export type QueryOf<Op extends OperationShape> = Defined<Op['parameters']['query']>;

/**
 * A request body of a media type that is not JSON (a certificate upload, a timestamp query): the
 * bytes as received, with the media type they came as.
 */
export interface RawBody<M extends string = string> {
  /** The request's media type, one of the operation's (lower case, without parameters). */
  mediaType: M;
  bytes: Uint8Array;
}

/** Whether a media type is JSON (`application/json`, `application/…+json`). */
type IsJson<K> = K extends 'application/json' | `application/${string}+json` ? true : false;

/**
 * The body of a `content` map: the schema's type for JSON media types, {@link RawBody} for the
 * others; a union when the operation takes several.
 */
type BodyContent<C> = {
  [K in keyof C & string]: IsJson<K> extends true ? C[K] : RawBody<K>;
}[keyof C & string];

/**
 * The request body of an operation: the JSON schema's type (or {@link RawBody} for other media
 * types); `| undefined` when the body is optional; `undefined` when the operation takes none.
 */
export type BodyOf<Op extends OperationShape> = Op extends { requestBody: infer RB }
  ? RB extends { content: infer C }
    ? BodyContent<C>
    : undefined
  : Op extends { requestBody?: infer RB }
    ? [Exclude<RB, undefined>] extends [never]
      ? undefined
      : Exclude<RB, undefined> extends { content: infer C }
        ? BodyContent<C> | undefined
        : undefined
    : undefined;

/** One success response of an operation: its status literal and the body its schema gives. */
type ResponseFor<S, R> = R extends { content: infer C }
  ? [Exclude<C, undefined>] extends [never]
    ? { status: S; body?: undefined; headers?: Record<string, string> }
    : C extends { 'application/json': infer B }
      ? { status: S; body: B; headers?: Record<string, string> }
      : {
          status: S;
          /** Raw bytes or text of a non-JSON media type. */
          body: Uint8Array | string;
          /** The media type, one of the spec's for this status. */
          contentType: keyof C & string;
          headers?: Record<string, string>;
        }
  : { status: S; body?: undefined; headers?: Record<string, string> };

/** Statuses of an operation's responses that are not problem documents (errors are thrown). */
type AnswerStatus<R> = {
  [S in keyof R & number]: R[S] extends { content: { 'application/problem+json': unknown } } ? never : S;
}[keyof R & number];

/**
 * What a handler returns: one of the operation's responses that is not a problem, typed by the
 * spec (its successes, and answers such as a readiness check's `503` with its own schema).
 */
export type OperationResult<Op extends OperationShape> = {
  [S in AnswerStatus<Op['responses']>]: ResponseFor<S, Op['responses'][S]>;
}[AnswerStatus<Op['responses']>];

/** A request after validation against the spec. */
export interface OperationRequest<Op extends OperationShape> {
  /** Path parameters, validated. */
  params: PathParamsOf<Op>;
  /** Query parameters, validated. */
  query: QueryOf<Op>;
  /** The body: JSON validated against the operation's schema, or the bytes of another media type. */
  body: BodyOf<Op>;
  /** Request headers (lower-case names); the spec's header parameters are validated. */
  headers: IncomingHttpHeaders;
  /** Client address (the socket's, or the proxy's `X-Forwarded-For` when trusted). */
  ip: string;
  /** Token of an `Authorization: Bearer …` header. */
  bearer: string | undefined;
  /**
   * What the router's `authenticate` hook returned for this request (the caller's session, say),
   * so that a handler need not look it up again; `undefined` for operations without security.
   */
  auth?: unknown;
}

/** Handles one operation. */
export type OperationHandler<Op extends OperationShape, Ctx> = (
  ctx: Ctx,
  req: OperationRequest<Op>,
) => Promise<OperationResult<Op>>;

/**
 * One handler per operation of the spec, keyed by operationId. Assigning an object that lacks an
 * operation, or has a key the spec does not, or a handler of the wrong type, does not compile.
 */
export type RouteTable<Ops, Ctx> = {
  [K in keyof Ops]: Ops[K] extends OperationShape ? OperationHandler<Ops[K], Ctx> : never;
};

/** A response with no particular operation behind it (what the router sends). */
export interface AnyOperationResult {
  status: number;
  body?: unknown;
  contentType?: string;
  headers?: Record<string, string>;
}
