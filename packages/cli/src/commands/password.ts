/**
 * `kzpki password check <password>` and `kzpki password generate`: the NCA key-file password rule.
 */

import { checkPassword, generatePassword, PASSWORD_POLICY } from '@kzpki/password-policy';
import type { Command } from 'commander';
import { type Context, EXIT_INVALID, EXIT_OK, langOf, wantsJson, writeJson } from '../context.js';
import { t } from '../i18n.js';
import { integerIn } from '../options.js';

/** Removes the one line break `echo` or a here-string adds. */
function stripFinalNewline(text: string): string {
  return text.replace(/\r?\n$/, '');
}

/** Adds the `password` command group to `program`. */
export function register(program: Command, ctx: Context): void {
  const password = program
    .command('password')
    .description(
      `key-file password rule of the NCA (${PASSWORD_POLICY.minLength} to ${PASSWORD_POLICY.maxLength} characters, a-z and 0-9 required)`,
    );

  password
    .command('check')
    .description(
      'check a password against the NCA rule, listing every violation; exit code 0 when it passes, 1 when not',
    )
    .argument(
      '<password>',
      'the password, or "-" to read it from standard input (keeps it out of the process list)',
    )
    .option('--json', 'print { ok, violations } as JSON')
    .action(async (given: string, _options: unknown, command: Command) => {
      const lang = langOf(command);
      const pw = given === '-' ? stripFinalNewline(await ctx.io.readStdin()) : given;
      const result = checkPassword(pw, { lang });
      ctx.exitCode = result.ok ? EXIT_OK : EXIT_INVALID;
      if (wantsJson(command)) return writeJson(ctx.io, result);
      if (result.ok) return ctx.io.stdout(`${t(lang, 'passwordOk')}\n`);
      const lines = result.violations.map((v) => {
        // The user's own terminal: show which characters are in the way, quoted so spaces show.
        const chars =
          v.code === 'ERR_FORBIDDEN_CHARACTER' ? v.details.characters.map((c) => JSON.stringify(c)) : [];
        return `  - ${v.message}${chars.length ? ` (${t(lang, 'characters')}: ${chars.join(' ')})` : ''} [${v.code}]\n`;
      });
      ctx.io.stdout(`${t(lang, 'passwordBad')}\n${lines.join('')}`);
    });

  password
    .command('generate')
    .description('print a random password that meets the NCA rule (from the system CSPRNG)')
    .option(
      '--length <n>',
      `length, ${PASSWORD_POLICY.minLength} to ${PASSWORD_POLICY.maxLength}`,
      integerIn(PASSWORD_POLICY.minLength, PASSWORD_POLICY.maxLength),
      16,
    )
    .option('--count <n>', 'how many, one per line', integerIn(1, 1000), 1)
    .action((options: { length: number; count: number }) => {
      const out = Array.from(
        { length: options.count },
        () => `${generatePassword({ length: options.length })}\n`,
      );
      ctx.io.stdout(out.join(''));
    });
}
