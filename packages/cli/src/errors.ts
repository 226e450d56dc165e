/**
 * The one error class of `@kzpki/cli`: a failure the CLI reports to the user with an exit code,
 * rather than a crash.
 */

/** Stable error codes of `@kzpki/cli`. */
export type CliErrorCode =
  /** The command line is wrong: an unknown command or option, a malformed option value. Exit code 2. */
  | 'ERR_USAGE'
  /** Reading input (e.g. a password from stdin) failed. Exit code 2. */
  | 'ERR_INPUT'
  /**
   * The command needs the reference stack (`@kzpki/stack`: `start`, `ca`, the demo persons of
   * `testpack`), which is found only inside a kzpki checkout. Exit code 2.
   */
  | 'ERR_STACK_UNAVAILABLE';

/** An error the CLI prints as `kzpki: <message>` before exiting with {@link CliError.exitCode}. */
export class CliError extends Error {
  /** Stable machine-readable code. */
  readonly code: CliErrorCode;
  /** Process exit code to report. */
  readonly exitCode: number;

  constructor(code: CliErrorCode, message: string, options: { cause?: unknown; exitCode?: number } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'CliError';
    this.code = code;
    this.exitCode = options.exitCode ?? 2;
  }
}

/**
 * Whether `e` is a {@link CliError} (optionally with one of `codes`). Also true for a `CliError`
 * of another copy of this package, such as the reference stack's own dependency.
 *
 * @example
 * ```ts
 * if (isCliError(e, 'ERR_STACK_UNAVAILABLE')) console.error(e.message);
 * ```
 */
export function isCliError(e: unknown, ...codes: CliErrorCode[]): e is CliError {
  const like =
    e instanceof CliError ||
    (e instanceof Error &&
      e.name === 'CliError' &&
      typeof (e as Partial<CliError>).exitCode === 'number' &&
      typeof (e as Partial<CliError>).code === 'string');
  return like && (codes.length === 0 || codes.includes((e as CliError).code));
}
