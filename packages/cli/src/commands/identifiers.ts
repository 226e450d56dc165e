/**
 * What the `iin` and `bin` groups share: reporting a check, turning a generator's option error
 * into a usage error naming the command-line flag.
 */

import { IinError, isIinError } from '@kzpki/iin';
import type { Command } from 'commander';
import { type Context, EXIT_INVALID, EXIT_OK, langOf, wantsJson, writeJson } from '../context.js';
import { CliError } from '../errors.js';
import { type TextKey, t } from '../i18n.js';

/** One line of a human-readable report: a label key and a value (`null` when not encoded). */
export type Field = [label: TextKey, value: string | null];

/**
 * Runs `parse` on `value` and reports it: exit 0 and the fields when it parses, exit 1 and the
 * error's code and localized message when it does not. `--json` prints `{ valid: true, ... }` or
 * `{ valid: false, code, message, details }`.
 */
export function reportCheck<T extends object>(
  ctx: Context,
  command: Command,
  value: string,
  subject: 'Iin' | 'Bin',
  check: {
    parse: (value: string, checksum: boolean) => T;
    strictlyValid: (value: string) => boolean;
    fields: (info: T) => Field[];
  },
): void {
  const lang = langOf(command);
  const checksum = command.opts().checksum !== false;
  const json = wantsJson(command);
  try {
    const info = check.parse(value, checksum);
    const strict = checksum || check.strictlyValid(value);
    if (json)
      writeJson(
        ctx.io,
        checksum ? { valid: true, ...info } : { valid: true, strictlyValid: strict, ...info },
      );
    else {
      const id = Object.values(info)[0] as string;
      const verdict = strict ? t(lang, `valid${subject}`) : t(lang, `unchecked${subject}`);
      const lines = check
        .fields(info)
        .map(([label, v]) => `  ${t(lang, label)}: ${v ?? t(lang, 'unknown')}\n`);
      ctx.io.stdout(`${id}: ${verdict}\n${lines.join('')}`);
    }
    ctx.exitCode = EXIT_OK;
  } catch (e) {
    if (!isIinError(e)) throw e;
    const message = e.localizedMessage(lang);
    if (json) writeJson(ctx.io, { valid: false, code: e.code, message, details: e.details });
    else ctx.io.stdout(`${value.trim()}: ${t(lang, `invalid${subject}`)}: ${message} (${e.code})\n`);
    ctx.exitCode = EXIT_INVALID;
  }
}

/**
 * Runs a generator; its `ERR_INVALID_OPTION` becomes a usage error that names the flag the user
 * typed (`--born`, not `birthDate`).
 */
export function generateOrUsage(
  command: Command,
  flags: Record<string, string>,
  generate: () => string[],
): string[] {
  try {
    return generate();
  } catch (e) {
    if (!isIinError(e, 'ERR_INVALID_OPTION')) throw e;
    const option = String(e.details.option);
    const renamed = new IinError('ERR_INVALID_OPTION', { ...e.details, option: flags[option] ?? option });
    const lang = langOf(command);
    // The English message carries the reason; the others only name the option.
    throw new CliError('ERR_USAGE', lang === 'en' ? renamed.message : renamed.localizedMessage(lang), {
      cause: e,
    });
  }
}
