/**
 * `kzpki cert inspect <file>`: what a certificate says in NCA terms (`inspectCertificate` of
 * `@kzpki/pki`): IIN, BIN, roles, purpose, template, validity, where to check its status.
 */
import { inspectCertificate } from '@kzpki/pki';
import type { Command } from 'commander';
import { type Context, EXIT_OK, wantsJson, writeJson } from '../context.js';
import { guarded } from './support/failure.js';
import { loadCertificate } from './support/files.js';
import { formatCertificate } from './support/format.js';
import { secretOption } from './support/secret-input.js';

/** Adds the `cert` command group to `program`. */
export function register(program: Command, ctx: Context): void {
  const cert = program.command('cert').description('X.509 certificates');

  cert
    .command('inspect')
    .description(
      'show a certificate (PEM, DER, or the certificate of a .p12 key file); exit code 0, 1 when unreadable',
    )
    .argument('<file>', 'certificate file (.pem, .crt, .cer, .der) or key file (.p12, .pfx)')
    .option('--password <password>', 'password of a key file ("-" reads it from standard input)')
    .option('--all', 'every certificate in the file (a PEM bundle, the chain of a key file)')
    .option('--json', 'print inspectCertificate() output as JSON (an array with --all)')
    .action(async (file: string, options: { password?: string; all?: boolean }, command: Command) => {
      await guarded(ctx, command, async () => {
        const password = await secretOption(ctx, options.password);
        const loaded = await loadCertificate(file, password);
        const infos = (options.all ? [loaded.certificate, ...loaded.others] : [loaded.certificate]).map(
          (der) => inspectCertificate(der),
        );
        ctx.exitCode = EXIT_OK;
        if (wantsJson(command)) return writeJson(ctx.io, options.all ? infos : infos[0]);
        ctx.io.stdout(infos.map((info) => formatCertificate(info)).join('\n'));
      });
    });
}
