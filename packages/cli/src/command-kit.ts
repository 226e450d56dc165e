/**
 * `@kzpki/cli/command-kit`: what a command group living outside this package needs to behave like
 * the built-in ones (the reference stack's `start` and `ca` use it): the context, exit codes,
 * the usage-error class, option parsers, failure reporting and plain-text tables.
 *
 * @example
 * ```ts
 * import { type Context, guarded, integerIn } from '@kzpki/cli/command-kit';
 * import type { Command } from 'commander';
 *
 * export function register(program: Command, ctx: Context): void {
 *   program
 *     .command('hello')
 *     .option('--times <n>', 'how often', integerIn(1, 3), 1)
 *     .action(async (options: { times: number }, command: Command) => {
 *       await guarded(ctx, command, async () => ctx.io.stdout('hello\n'.repeat(options.times)));
 *     });
 * }
 * ```
 * @packageDocumentation
 */
export { guarded, reportFailure } from './commands/support/failure.js';
export { writeKeyFile } from './commands/support/files.js';
export { table } from './commands/support/format.js';
export { secretOption } from './commands/support/secret-input.js';
export {
  type Context,
  EXIT_INVALID,
  EXIT_OK,
  EXIT_USAGE,
  type Io,
  wantsJson,
  writeJson,
} from './context.js';
export { CliError, type CliErrorCode, isCliError } from './errors.js';
export { integerIn } from './options.js';
