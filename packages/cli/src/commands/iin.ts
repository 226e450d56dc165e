/**
 * `kzpki iin check <value>` and `kzpki iin generate`: IIN validation and test data.
 */

import { generateIins, isValidIin, MAX_GENERATE_COUNT, parseIin, type Sex } from '@kzpki/iin';
import { type Command, Option } from 'commander';
import type { Context } from '../context.js';
import { integerIn, parseSeed } from '../options.js';
import { generateOrUsage, reportCheck } from './identifiers.js';

/** Adds the `iin` command group to `program`. */
export function register(program: Command, ctx: Context): void {
  const iin = program
    .command('iin')
    .description('IIN (individual identification number): check and generate');

  iin
    .command('check')
    .description('check an IIN; exit code 0 when valid, 1 when not')
    .argument('<value>', 'the IIN; spaces around it and an "IIN" prefix are accepted')
    .option('--json', 'print the result as JSON')
    .option('--no-checksum', 'accept any 12 digits (NCA test identifiers such as IIN123456789012)')
    .action((value: string, _options: unknown, command: Command) => {
      reportCheck(ctx, command, value, 'Iin', {
        parse: (v, checksum) => parseIin(v, { checksum }),
        strictlyValid: (v) => isValidIin(v),
        fields: (info) => [
          ['birthDate', info.birthDate],
          ['sex', info.sex],
        ],
      });
    });

  iin
    .command('generate')
    .description('print valid IINs for test data, one per line')
    .option('--count <n>', `how many (1 to ${MAX_GENERATE_COUNT})`, integerIn(1, MAX_GENERATE_COUNT), 1)
    .option('--born <date>', 'birth date, YYYY-MM-DD (default: random, 1950 to 2005)')
    .addOption(new Option('--sex <sex>', 'sex (default: random)').choices(['male', 'female']))
    .option(
      '--seed <seed>',
      'same seed, same numbers (digits are a number seed, anything else a text seed)',
      parseSeed,
    )
    .action(
      (options: { count: number; born?: string; sex?: Sex; seed?: number | string }, command: Command) => {
        const iins = generateOrUsage(command, { birthDate: '--born', sex: '--sex', seed: '--seed' }, () =>
          generateIins(options.count, { birthDate: options.born, sex: options.sex, seed: options.seed }),
        );
        ctx.io.stdout(iins.map((v) => `${v}\n`).join(''));
      },
    );
}
