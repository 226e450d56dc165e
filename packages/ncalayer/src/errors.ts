/**
 * The one error class of `@kzpki/ncalayer`. NCALayer reports failures as Java messages in three
 * shapes (one per protocol generation); the client turns each into an {@link NCALayerError} with a
 * stable {@link NCALayerErrorCode}, and keeps what NCALayer said in `details` for logs.
 */

/** Stable error codes of `@kzpki/ncalayer`. */
export type NCALayerErrorCode =
  /** Nothing answers at the URL: NCALayer is not running, or the browser does not trust its certificate. */
  | 'ERR_NCALAYER_UNAVAILABLE'
  /** The connection closed while a request waited for its answer (NCALayer quit or restarted). */
  | 'ERR_CONNECTION_LOST'
  /** No answer within the request's time limit (the connection is dropped: a late answer would be mistaken for the next one's). */
  | 'ERR_TIMEOUT'
  /** The person closed the dialog or pressed Cancel. */
  | 'ERR_USER_CANCELLED'
  /** The key store password was wrong (legacy API: `details.attemptsLeft` for tokens). */
  | 'ERR_WRONG_PASSWORD'
  /** No key in the chosen storage meets the request's filters (key type, extKeyUsage, IIN, BIN). */
  | 'ERR_NO_KEY'
  /** NCALayer rejected the arguments (Java `IllegalArgumentException`, `JSONException`), or the client did before sending. */
  | 'ERR_INVALID_ARGUMENT'
  /** The XML to sign is not well-formed (`SAXParseException`, `XML_PARSE_EXCEPTION`). */
  | 'ERR_XML_INVALID'
  /** The answer does not have the shape of the generation asked (or is not JSON). */
  | 'ERR_PROTOCOL'
  /** The client was closed while the request waited. */
  | 'ERR_CLIENT_CLOSED'
  /** Any other error NCALayer reported; `details` has its code and message. */
  | 'ERR_NCALAYER';

/** What NCALayer said, kept for logs and support. */
export interface NCALayerErrorDetails {
  /** NCALayer's own code (`500`, `INVOCATION_ERROR`, a legacy `errorCode`). */
  ncalayerCode?: string;
  /** NCALayer's message (often a Java exception). */
  ncalayerMessage?: string;
  /** `details` of a `basics` error. */
  ncalayerDetails?: string;
  /** Legacy `WRONG_PASSWORD`: attempts left before a token locks (absent for files). */
  attemptsLeft?: number;
  /** The module and method of the request. */
  method?: string;
}

/** An error of `@kzpki/ncalayer`; `code` says what went wrong. */
export class NCALayerError extends Error {
  /** Stable machine-readable code. */
  readonly code: NCALayerErrorCode;
  /** What NCALayer said, when it said something. */
  readonly details: Readonly<NCALayerErrorDetails>;

  constructor(
    code: NCALayerErrorCode,
    message: string,
    options: { details?: NCALayerErrorDetails; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'NCALayerError';
    this.code = code;
    this.details = Object.freeze({ ...options.details });
  }
}

/**
 * Whether `e` is an {@link NCALayerError} (optionally with one of `codes`); also true for an
 * `NCALayerError` of another copy of this package.
 *
 * @example
 * ```ts
 * try {
 *   await client.signCms({ data: document });
 * } catch (e) {
 *   if (isNCALayerError(e, 'ERR_USER_CANCELLED')) return; // the person changed their mind
 *   if (isNCALayerError(e, 'ERR_NCALAYER_UNAVAILABLE')) showInstallNcaLayerHint();
 *   throw e;
 * }
 * ```
 */
export function isNCALayerError(e: unknown, ...codes: NCALayerErrorCode[]): e is NCALayerError {
  const like =
    e instanceof NCALayerError ||
    (e instanceof Error &&
      e.name === 'NCALayerError' &&
      typeof (e as Partial<NCALayerError>).code === 'string');
  return like && (codes.length === 0 || codes.includes((e as NCALayerError).code));
}
