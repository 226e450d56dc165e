/**
 * `@kzpki/cli`: the `kzpki` command. Programmatic entry points for embedding and tests.
 * @packageDocumentation
 */
export {
  type Context,
  EXIT_INVALID,
  EXIT_OK,
  EXIT_USAGE,
  type Io,
  LANGS,
  type Lang,
  processIo,
} from './context.js';
export { CliError, type CliErrorCode } from './errors.js';
export { buildProgram, COMMAND_GROUPS, main, type RegisterCommands } from './main.js';
