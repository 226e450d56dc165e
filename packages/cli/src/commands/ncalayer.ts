/**
 * `kzpki ncalayer`: the NCALayer emulator of `@kzpki/ncalayer/emulator` on
 * `wss://127.0.0.1:13579` (or `--port`, `--no-tls`), signing for real with the key files of
 * `--keys DIR`. The person in front of it is scripted (`--password`, `--user`, `--key`/`--iin`/
 * `--role`) or, without a script, asked in this terminal. `--print-cert` prints the local CA to
 * trust in the browser. It runs until Ctrl+C (SIGINT) or SIGTERM.
 */
import { existsSync, statSync } from 'node:fs';
import {
  type EmulatorEvent,
  ensureEmulatorTls,
  listKeyFiles,
  type Person,
  scriptedPerson,
  startEmulator,
  terminalPerson,
  trustInstructions,
} from '@kzpki/ncalayer/emulator';
import { listOids, toDer } from '@kzpki/pki';
import { type Command, InvalidArgumentError, Option } from 'commander';
import { type Context, EXIT_OK } from '../context.js';
import { CliError } from '../errors.js';
import { integerIn } from '../options.js';
import { readInputFile } from './support/files.js';
import { secretOption } from './support/secret-input.js';

/** Options of `kzpki ncalayer` as commander parses them. */
interface NcalayerOptions {
  keys?: string;
  ca?: string;
  port: number;
  host: string;
  tls: boolean;
  password?: string;
  user?: 'approve' | 'cancel' | 'wrong-password';
  key?: string;
  iin?: string;
  role?: string;
  printCert?: boolean;
  renewCert?: boolean;
  tsa?: string;
  tsaPolicy?: string;
  productionCa?: string[];
  files?: string;
  origin?: string[];
}

const ROLE_NAMES = [...new Set(listOids('role').flatMap((e) => (e.role ? [e.role] : [])))];

function iinOption(value: string): string {
  if (!/^\d{12}$/.test(value)) throw new InvalidArgumentError('expected 12 digits');
  return value;
}

function roleOption(value: string): string {
  if (ROLE_NAMES.includes(value as never) || /^[0-2](\.\d+)+$/.test(value)) return value;
  throw new InvalidArgumentError(`expected a role OID or one of ${ROLE_NAMES.join(', ')}`);
}

function urlOption(value: string): string {
  try {
    const u = new URL(value);
    if (u.protocol === 'http:' || u.protocol === 'https:') return value;
  } catch {
    // reported below
  }
  throw new InvalidArgumentError('expected an http(s) URL');
}

function originOption(value: string, previous: string[] = []): string[] {
  try {
    const u = new URL(value);
    if (u.origin !== 'null') return [...previous, u.origin];
  } catch {
    // reported below
  }
  throw new InvalidArgumentError('expected a page origin such as https://portal.example.kz');
}

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** One line of the emulator's log. */
function logLine(e: EmulatorEvent): string | undefined {
  const time = new Date().toISOString().slice(11, 19);
  switch (e.type) {
    case 'connection':
      return `${time} connection from ${e.origin ?? 'a client without Origin'}`;
    case 'request':
      return `${time} request ${e.method}${e.origin ? ` from ${e.origin}` : ''}`;
    case 'signed':
      return `${time} signed ${e.count} ${e.format.toUpperCase()} with ${e.file}${e.timestamped ? ' (timestamped)' : ''}`;
    case 'cancel':
      return `${time} the person cancelled ${e.method}`;
    case 'wrong-password':
      return `${time} wrong password for ${e.file} (attempt ${e.attempt})`;
    case 'refused':
      return `${time} refused ${e.file}: ${e.reason}`;
    case 'warning':
      return `${time} warning: ${e.message}`;
    default:
      return undefined;
  }
}

function waitForStop(): Promise<string> {
  return new Promise((resolve) => {
    const stop = (signal: string) => {
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
      resolve(signal);
    };
    const onInt = () => stop('SIGINT');
    const onTerm = () => stop('SIGTERM');
    process.once('SIGINT', onInt);
    process.once('SIGTERM', onTerm);
  });
}

/** Starts the emulator; a port already taken is the user's to solve (exit code 2, not a crash). */
async function startEmulatorOrExplain(
  options: Parameters<typeof startEmulator>[0],
): ReturnType<typeof startEmulator> {
  try {
    return await startEmulator(options);
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE' || code === 'EACCES' || code === 'EADDRNOTAVAIL')
      throw new CliError(
        'ERR_INPUT',
        `cannot listen on ${options.host}:${options.port} (${code})${code === 'EADDRINUSE' ? ': is NCALayer (or another emulator) running? --port picks another port' : ''}`,
        { cause },
      );
    throw cause;
  }
}

async function run(ctx: Context, options: NcalayerOptions): Promise<void> {
  const { io } = ctx;
  if (options.printCert) {
    const tls = await ensureEmulatorTls({ renew: options.renewCert === true });
    io.stdout(tls.caPem);
    io.stderr(`${trustInstructions(tls.caPath)}\n`);
    ctx.exitCode = EXIT_OK;
    return;
  }
  if (!options.keys) throw new CliError('ERR_USAGE', '--keys DIR is required (the folder of .p12 key files)');
  if (!existsSync(options.keys) || !statSync(options.keys).isDirectory())
    throw new CliError('ERR_INPUT', `${options.keys} is not a folder`);
  if (options.ca !== undefined && (!existsSync(options.ca) || !statSync(options.ca).isDirectory()))
    throw new CliError('ERR_INPUT', `${options.ca} is not a folder`);
  const files = listKeyFiles(options.keys, options.ca);
  const choosers = [options.key, options.iin, options.role].filter((x) => x !== undefined);
  if (choosers.length > 1) throw new CliError('ERR_USAGE', 'choose the key by one of --key, --iin or --role');
  const scripted = options.password !== undefined || options.user !== undefined || choosers.length > 0;
  let person: Person;
  let personText: string;
  if (scripted) {
    const password = await secretOption(ctx, options.password);
    if (password === undefined && options.user !== 'cancel')
      throw new CliError(
        'ERR_USAGE',
        'the scripted person needs --password (without a script, the terminal asks)',
      );
    const user = options.user ?? 'approve';
    person = scriptedPerson({
      password: password ?? '',
      user,
      ...(options.key ? { key: options.key } : {}),
      ...(options.iin ? { iin: options.iin } : {}),
      ...(options.role ? { role: options.role } : {}),
    });
    const pick = options.key
      ? `key ${options.key}`
      : options.iin
        ? `IIN ${options.iin}`
        : options.role
          ? `role ${options.role}`
          : 'the first suitable key';
    personText = `scripted: ${user}, ${pick}`;
  } else {
    person = terminalPerson();
    personText = 'asked in this terminal';
  }
  const productionCas = (options.productionCa ?? []).map((f) => toDer(readInputFile(f)));
  const tls = options.tls ? await ensureEmulatorTls() : undefined;
  const emulator = await startEmulatorOrExplain({
    keysDir: options.keys,
    ...(options.ca !== undefined ? { caDir: options.ca } : {}),
    person,
    port: options.port,
    host: options.host,
    tls: tls ?? false,
    ...(options.tsa
      ? { tsa: { url: options.tsa, ...(options.tsaPolicy ? { policy: options.tsaPolicy } : {}) } }
      : {}),
    productionCas,
    ...(options.files ? { filesDir: options.files } : {}),
    ...(options.origin ? { allowedOrigins: options.origin } : {}),
    onEvent: (e) => {
      const line = logLine(e);
      if (line) io.stderr(`${line}\n`);
    },
  });
  io.stdout(
    [
      `NCALayer emulator on ${emulator.url}`,
      `  keys: ${options.keys} (${files.length} key file${files.length === 1 ? '' : 's'})`,
      `  CA certificates: ${options.ca ?? "each key file's nearest ca/ folder (--ca DIR)"}`,
      `  person: ${personText}`,
      tls
        ? `  TLS: local CA ${tls.caPath}${tls.created ? ' (new: trust it once, see kzpki ncalayer --print-cert)' : ''}`
        : '  TLS: off (ws://)',
      `  timestamps: ${options.tsa ?? 'no TSA (--tsa URL): requests asking for one are signed without'}`,
      'Ctrl+C stops it.',
      '',
    ].join('\n'),
  );
  if (scripted && (options.user ?? 'approve') === 'approve' && !options.origin)
    io.stderr(
      'warning: the scripted person approves every request, and any page open in a browser on this computer may send one; restrict with --origin\n',
    );
  const signal = await waitForStop();
  await emulator.close();
  io.stderr(`stopped (${signal})\n`);
  ctx.exitCode = EXIT_OK;
}

/** Adds `kzpki ncalayer` to `program`. */
export function register(program: Command, ctx: Context): void {
  program
    .command('ncalayer')
    .description(
      'run an NCALayer emulator on wss://127.0.0.1:13579 that signs for real with the key files of --keys DIR (until Ctrl+C)',
    )
    .option('--keys <dir>', 'the folder of key files (.p12) the person may pick from')
    .option(
      '--ca <dir>',
      "the folder of CA certificates for the keys' chain checks (default: each key file's nearest ca/ folder)",
    )
    .option('--port <n>', 'port (0 picks a free one)', integerIn(0, 65535), 13579)
    .option('--host <address>', 'address to listen on', '127.0.0.1')
    .option('--no-tls', 'plain ws:// instead of wss://')
    .option(
      '--password <password>',
      'the scripted person’s key-file password ("-" reads it from standard input)',
    )
    .addOption(
      new Option('--user <behaviour>', 'what the scripted person does').choices([
        'approve',
        'cancel',
        'wrong-password',
      ]),
    )
    .option('--key <file>', 'the scripted person picks this key file')
    .option('--iin <iin>', 'the scripted person picks a key of this IIN', iinOption)
    .option(
      '--role <role>',
      `the scripted person picks a key with this role (${ROLE_NAMES.join(', ')}, or an OID)`,
      roleOption,
    )
    .option('--print-cert', 'print the local CA certificate to trust in the browser, and how; then exit')
    .option('--renew-cert', 'with --print-cert: make a new local CA and server certificate')
    .option('--tsa <url>', 'TSA for requests that ask for a timestamp (RFC 3161 over HTTP)', urlOption)
    .option('--tsa-policy <oid>', 'reqPolicy to ask the TSA for')
    .option(
      '--production-ca <file>',
      'a CA certificate whose keys pass without signerParams.chain (repeatable)',
      collect,
    )
    .option('--files <dir>', 'the folder the legacy createCMSSignatureFromFile may read')
    .option(
      '--origin <origin>',
      'allow only this page origin (repeatable; default any, as NCALayer)',
      originOption,
    )
    .action(async (options: NcalayerOptions) => {
      await run(ctx, options);
    });
}
