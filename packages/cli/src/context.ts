/**
 * What every command needs besides its arguments: where to write, how to read stdin, the message
 * language, and a way to set the exit code. Injected so tests can run `main()` in-process.
 */
import type { Command } from 'commander';
import { CliError } from './errors.js';
import type { StackLoad } from './stack.js';

/** Exit codes: 0 success/valid, 1 checked input is invalid, 2 usage error. */
export const EXIT_OK = 0;
/** The checked value is invalid (a check command's negative answer, not a failure of the CLI). */
export const EXIT_INVALID = 1;
/** The command line is wrong. */
export const EXIT_USAGE = 2;

/** Output and input of the CLI. */
export interface Io {
  /** Writes to standard output (text is written as given; add the newline yourself). */
  stdout(text: string): void;
  /** Writes to standard error. */
  stderr(text: string): void;
  /** Reads all of standard input. */
  readStdin(): Promise<string>;
}

/** Languages of the CLI's messages. */
export type Lang = 'ru' | 'kk' | 'en';
/** The languages `--lang` accepts. */
export const LANGS: readonly Lang[] = ['ru', 'kk', 'en'];

/** State shared by the commands of one `main()` call. */
export interface Context {
  readonly io: Io;
  /** The exit code `main()` returns; commands set it. */
  exitCode: number;
  /** The reference stack (`start`, `ca`, demo persons), when `main()` found it; see `loadStack`. */
  readonly stack?: StackLoad;
}

/** The `--lang` global option as seen from `command`. */
export function langOf(command: Command): Lang {
  const lang = command.optsWithGlobals().lang;
  return LANGS.includes(lang) ? lang : 'en';
}

/** Writes a value as pretty JSON and a newline. */
export function writeJson(io: Io, value: unknown): void {
  io.stdout(`${JSON.stringify(value, null, 2)}\n`);
}

/** The `--json` option's value. */
export function wantsJson(command: Command): boolean {
  return command.opts().json === true;
}

/** Process I/O for the real binary. */
export function processIo(): Io {
  return {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    readStdin: async () => {
      const chunks: Buffer[] = [];
      try {
        for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
      } catch (cause) {
        throw new CliError('ERR_INPUT', 'cannot read standard input', { cause });
      }
      return Buffer.concat(chunks).toString('utf8');
    },
  };
}
