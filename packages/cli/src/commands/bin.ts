/**
 * `kzpki bin check <value>` and `kzpki bin generate`: BIN validation and test data.
 */

import {
  BIN_KINDS,
  BIN_UNITS,
  type BinKind,
  type BinUnit,
  generateBins,
  isValidBin,
  MAX_GENERATE_COUNT,
  parseBin,
} from '@kzpki/iin';
import { type Command, Option } from 'commander';
import type { Context } from '../context.js';
import { integerIn, parseSeed } from '../options.js';
import { generateOrUsage, reportCheck } from './identifiers.js';

/** Adds the `bin` command group to `program`. */
export function register(program: Command, ctx: Context): void {
  const bin = program.command('bin').description('BIN (business identification number): check and generate');

  bin
    .command('check')
    .description('check a BIN; exit code 0 when valid, 1 when not')
    .argument('<value>', 'the BIN; spaces around it and a "BIN" prefix are accepted')
    .option('--json', 'print the result as JSON')
    .option('--no-checksum', 'accept any 12 digits (NCA test identifiers such as BIN123456789021)')
    .action((value: string, _options: unknown, command: Command) => {
      reportCheck(ctx, command, value, 'Bin', {
        parse: (v, checksum) => parseBin(v, { checksum }),
        strictlyValid: (v) => isValidBin(v),
        fields: (info) => [
          ['registered', info.registered],
          ['kind', info.kind],
          ['unit', info.unit],
        ],
      });
    });

  bin
    .command('generate')
    .description('print valid BINs for test data, one per line')
    .option('--count <n>', `how many (1 to ${MAX_GENERATE_COUNT})`, integerIn(1, MAX_GENERATE_COUNT), 1)
    .option('--registered <month>', 'registration month, YYYY-MM (default: random, 1995 to 2024)')
    .addOption(new Option('--kind <kind>', 'entity type (default: random)').choices(BIN_KINDS))
    .addOption(new Option('--unit <unit>', 'unit type (default: random)').choices(BIN_UNITS))
    .option(
      '--seed <seed>',
      'same seed, same numbers (digits are a number seed, anything else a text seed)',
      parseSeed,
    )
    .action(
      (
        options: {
          count: number;
          registered?: string;
          kind?: BinKind;
          unit?: BinUnit;
          seed?: number | string;
        },
        command: Command,
      ) => {
        const flags = { registered: '--registered', kind: '--kind', unit: '--unit', seed: '--seed' };
        const bins = generateOrUsage(command, flags, () =>
          generateBins(options.count, {
            registered: options.registered,
            kind: options.kind,
            unit: options.unit,
            seed: options.seed,
          }),
        );
        ctx.io.stdout(bins.map((v) => `${v}\n`).join(''));
      },
    );
}
