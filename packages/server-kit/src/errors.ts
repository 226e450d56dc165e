/**
 * The one error class of `@kzpki/server-kit`. Its wire codes are the failures every kzpki service
 * answers the same way (a request the spec refuses, an unknown route, a body too large, too many
 * requests, an internal error); the start-up codes say that a spec or a route table is unusable.
 *
 * @example
 * ```ts
 * throw new ServerKitError('ERR_RATE_LIMITED', 'Too many requests', { details: { retryAfter: 30 } });
 * ```
 */

/** HTTP status of each code (start-up codes never reach the wire; they are 500 if they did). */
export const SERVER_KIT_ERROR_STATUS = {
  /** The request does not match the OpenAPI document (`details.errors` lists each failure). */
  ERR_VALIDATION: 400,
  /** No route for this method and path. */
  ERR_NOT_FOUND: 404,
  /** The path exists but not for this method. */
  ERR_METHOD_NOT_ALLOWED: 405,
  /** The request body is larger than the service accepts. */
  ERR_PAYLOAD_TOO_LARGE: 413,
  /** The request body has a media type the operation does not take. */
  ERR_UNSUPPORTED_MEDIA_TYPE: 415,
  /** A rate limit refused the request (`details.retryAfter` seconds). */
  ERR_RATE_LIMITED: 429,
  /** Anything unexpected; the problem document carries no internals. */
  ERR_INTERNAL: 500,
  /** Start-up: the OpenAPI document cannot be read, is not OpenAPI 3.1 or does not compile. */
  ERR_SPEC_INVALID: 500,
  /** Start-up: the route table and the spec's operations differ, or an operationId is unknown. */
  ERR_ROUTES_MISMATCH: 500,
} as const satisfies Record<string, number>;

/** Stable error codes of `@kzpki/server-kit`. */
export type ServerKitErrorCode = keyof typeof SERVER_KIT_ERROR_STATUS;

/** Error raised by the kit; `code` says what went wrong, `status` is its HTTP status. */
export class ServerKitError extends Error {
  /** Stable machine-readable code. */
  readonly code: ServerKitErrorCode;
  /** HTTP status derived from the code. */
  readonly status: number;
  /** Extension members of the problem document (`errors`, `retryAfter`). */
  readonly details: Readonly<Record<string, unknown>>;

  constructor(
    code: ServerKitErrorCode,
    message: string,
    options: { cause?: unknown; details?: Record<string, unknown> } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ServerKitError';
    this.code = code;
    this.status = SERVER_KIT_ERROR_STATUS[code];
    this.details = options.details ?? {};
  }
}

/** Type guard: `true` when `e` is a {@link ServerKitError}, optionally with the given code. */
export function isServerKitError(e: unknown, code?: ServerKitErrorCode): e is ServerKitError {
  return e instanceof ServerKitError && (code === undefined || e.code === code);
}
