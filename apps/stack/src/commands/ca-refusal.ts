/**
 * The reference CA's refusals (`CaError`: no such operator, already revoked, a wrong CA passphrase)
 * as the CLI reports failures: `kzpki: <message> [<code>]` on standard error (or the JSON report)
 * and exit code 1, instead of a crash report.
 */
import { type Context, EXIT_INVALID, guarded, wantsJson, writeJson } from '@kzpki/cli/command-kit';
import type { Command } from 'commander';

/** {@link guarded}, with the CA's own errors reported as refusals. */
export async function guardedCa(ctx: Context, command: Command, body: () => Promise<void>): Promise<void> {
  await guarded(ctx, command, async () => {
    try {
      await body();
    } catch (e) {
      const { isCaError } = await import('@kzpki/ca');
      if (!isCaError(e)) throw e;
      ctx.exitCode = EXIT_INVALID;
      if (wantsJson(command)) writeJson(ctx.io, { ok: false, code: e.code, message: e.message });
      else ctx.io.stderr(`kzpki: ${e.message} [${e.code}]\n`);
    }
  });
}
