/**
 * The `kzpki` command line. `main()` builds the program from command groups, each in its own
 * file under `commands/` exporting `register(program, ctx)`; a new group (cert, p12, ...) is
 * one file and one line in {@link COMMAND_GROUPS}. `start` and `ca` come from the reference stack
 * (`@kzpki/stack`), which `main()` loads from the current directory's project (see `stack.ts`).
 *
 * Exit codes: 0 success or valid, 1 the checked value is invalid, 2 usage error (every error of
 * the command line itself: unknown command or option, missing or excess argument, invalid value,
 * a command that needs the reference stack outside a kzpki checkout).
 */
import { Command, CommanderError, Option } from 'commander';
import { register as registerBin } from './commands/bin.js';
import { register as registerCert } from './commands/cert.js';
import { register as registerCms } from './commands/cms.js';
import { register as registerCrl } from './commands/crl.js';
import { register as registerEnroll } from './commands/enroll.js';
import { register as registerIin } from './commands/iin.js';
import { register as registerInformationSystem } from './commands/information-system.js';
import { register as registerNcalayer } from './commands/ncalayer.js';
import { register as registerOcsp } from './commands/ocsp.js';
import { register as registerP12 } from './commands/p12.js';
import { register as registerPassword } from './commands/password.js';
import { register as registerTestpack } from './commands/testpack.js';
import { register as registerTsp } from './commands/tsp.js';
import { type Context, EXIT_OK, EXIT_USAGE, type Io, LANGS, processIo } from './context.js';
import { isCliError } from './errors.js';
import { loadStack, STACK_COMMANDS, type StackLoad, stackOf, stackUnavailable } from './stack.js';
import { cliVersion } from './version.js';

/** Adds one command group to the program. */
export type RegisterCommands = (program: Command, ctx: Context) => void;

/**
 * The reference stack's commands (`start`, `ca`): the stack's own when `main()` found it, else
 * commands of the same names that say where they run and exit with code 2.
 */
export function registerStackCommands(program: Command, ctx: Context): void {
  const load = stackOf(ctx);
  if (load.ok) {
    load.stack.registerCommands(program, ctx);
    return;
  }
  for (const { name, description } of STACK_COMMANDS) {
    program
      .command(name)
      .description(description)
      .helpOption(false)
      .allowUnknownOption()
      .allowExcessArguments()
      .argument('[arguments...]')
      .action(() => {
        throw stackUnavailable(load, name, 'runs the reference services from a kzpki checkout');
      });
  }
}

/** The command groups, in the order `--help` lists them. */
export const COMMAND_GROUPS: readonly RegisterCommands[] = [
  registerIin,
  registerBin,
  registerPassword,
  registerCert,
  registerP12,
  registerOcsp,
  registerCrl,
  registerCms,
  registerTsp,
  registerNcalayer,
  registerStackCommands,
  registerEnroll,
  registerInformationSystem,
  registerTestpack,
];

/** The `kzpki` program with every command group registered, writing through `ctx.io`. */
export function buildProgram(ctx: Context): Command {
  const program = new Command('kzpki')
    .description("kzpki: tools for Kazakhstan's national PKI (NCA RK)")
    .version(cliVersion(), '-V, --version')
    .addOption(new Option('--lang <lang>', 'language of messages').choices(LANGS).default('en'))
    // Settings copied to every subcommand created after this point.
    .exitOverride()
    .configureOutput({ writeOut: (s) => ctx.io.stdout(s), writeErr: (s) => ctx.io.stderr(s) })
    .showHelpAfterError('(run with --help for usage)');
  for (const register of COMMAND_GROUPS) register(program, ctx);
  return program;
}

/** Options of {@link main}. */
export interface MainOptions {
  /**
   * The reference stack, or how to find it (default: {@link loadStack} from the current
   * directory). Tests and embedders pass the module they have.
   */
  stack?: StackLoad | (() => Promise<StackLoad>);
}

/** Commander's own errors (usage and help), also from another copy of commander. */
function isCommanderError(e: unknown): e is CommanderError {
  return (
    e instanceof CommanderError ||
    (e instanceof Error &&
      typeof (e as Partial<CommanderError>).code === 'string' &&
      (e as CommanderError).code.startsWith('commander.'))
  );
}

/**
 * Runs the CLI on `argv` (`process.argv` shape: node, script, arguments...) and resolves to the
 * exit code. Output goes through `io` (the process streams by default), so tests can call it.
 *
 * @example
 * ```ts
 * const code = await main(['node', 'kzpki', 'iin', 'check', '871008401427']);
 * ```
 */
export async function main(argv: string[], io: Io = processIo(), options: MainOptions = {}): Promise<number> {
  const stack =
    typeof options.stack === 'function' ? await options.stack() : (options.stack ?? (await loadStack()));
  const ctx: Context = { io, exitCode: EXIT_OK, stack };
  try {
    await buildProgram(ctx).parseAsync(argv);
    return ctx.exitCode;
  } catch (e) {
    // Commander has printed its own message (unknown option, missing argument...) already.
    if (isCommanderError(e)) return e.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
    if (isCliError(e)) {
      io.stderr(`kzpki: ${e.message}\n`);
      return e.exitCode;
    }
    throw e;
  }
}
