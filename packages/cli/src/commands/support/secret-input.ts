/**
 * Passwords given on the command line: `-` reads the value from standard input instead, so that
 * it stays out of the process list and the shell history.
 */
import type { Context } from '../../context.js';

/** The option value, or standard input (without its final line break) when the value is `-`. */
export async function secretOption(ctx: Context, value: string | undefined): Promise<string | undefined> {
  if (value !== '-') return value;
  return (await ctx.io.readStdin()).replace(/\r?\n$/, '');
}
