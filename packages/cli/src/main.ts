/**
 * The `kzpki` command line. `main()` builds the program from command groups, each in its own
 * file under `commands/` exporting `register(program, ctx)`; a new group (cert, p12, ca, ...) is
 * one file and one line in {@link COMMAND_GROUPS}.
 *
 * Exit codes: 0 success or valid, 1 the checked value is invalid, 2 usage error.
 */
import { Command, CommanderError, Option } from 'commander';
import { register as registerBin } from './commands/bin.js';
import { register as registerCa } from './commands/ca.js';
import { register as registerCert } from './commands/cert.js';
import { register as registerCrl } from './commands/crl.js';
import { register as registerEnroll } from './commands/enroll.js';
import { register as registerIin } from './commands/iin.js';
import { register as registerOcsp } from './commands/ocsp.js';
import { register as registerP12 } from './commands/p12.js';
import { register as registerPassword } from './commands/password.js';
import { register as registerStart } from './commands/start.js';
import { register as registerTestpack } from './commands/testpack.js';
import { type Context, EXIT_OK, EXIT_USAGE, type Io, LANGS, processIo } from './context.js';
import { CliError } from './errors.js';
import { cliVersion } from './version.js';

/** Adds one command group to the program. */
export type RegisterCommands = (program: Command, ctx: Context) => void;

/** The command groups, in the order `--help` lists them. */
export const COMMAND_GROUPS: readonly RegisterCommands[] = [
  registerIin,
  registerBin,
  registerPassword,
  registerCert,
  registerP12,
  registerOcsp,
  registerCrl,
  registerStart,
  registerCa,
  registerEnroll,
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

/**
 * Runs the CLI on `argv` (`process.argv` shape: node, script, arguments...) and resolves to the
 * exit code. Output goes through `io` (the process streams by default), so tests can call it.
 *
 * @example
 * ```ts
 * const code = await main(['node', 'kzpki', 'iin', 'check', '871008401427']);
 * ```
 */
export async function main(argv: string[], io: Io = processIo()): Promise<number> {
  const ctx: Context = { io, exitCode: EXIT_OK };
  try {
    await buildProgram(ctx).parseAsync(argv);
    return ctx.exitCode;
  } catch (e) {
    // Commander has printed its own message (unknown option, missing argument...) already.
    if (e instanceof CommanderError) return e.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
    if (e instanceof CliError) {
      io.stderr(`kzpki: ${e.message}\n`);
      return e.exitCode;
    }
    throw e;
  }
}
