/**
 * `@kzpki/cli`: the `kzpki` command. Programmatic entry points for embedding and tests, the
 * JSON shapes of `enroll --json` and `testpack --json`, and the contract with the reference stack
 * (`@kzpki/stack`, loaded at run time inside a kzpki checkout). Command groups living elsewhere
 * use `@kzpki/cli/command-kit`.
 * @packageDocumentation
 */
export type { EnrollReport } from './commands/enroll.js';
export type { InformationSystemReport } from './commands/information-system.js';
export type { ProgressReporter } from './commands/support/progress.js';
export {
  makeTestPack,
  PACK_INFORMATION_SYSTEM_NAME,
  PACK_REVOCATION_REASON,
  PACK_STATES,
  type PackCaCertificate,
  type PackCrl,
  type PackEntry,
  type PackFile,
  type PackIndex,
  type PackInformationSystem,
  type PackState,
  type PlanItem,
  planTestPack,
  type TestPackOptions,
} from './commands/support/testpack.js';
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
export { CliError, type CliErrorCode, isCliError } from './errors.js';
export {
  buildProgram,
  COMMAND_GROUPS,
  type MainOptions,
  main,
  type RegisterCommands,
  registerStackCommands,
} from './main.js';
export {
  type DemoPersonas,
  loadStack,
  type Persona,
  type SpecialPerson,
  STACK_COMMANDS,
  STACK_CONTRACT,
  STACK_HINT,
  STACK_PACKAGE,
  type StackLoad,
  type StackModule,
} from './stack.js';
