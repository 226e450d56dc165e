/**
 * `kzpki crl inspect <file|url>`: a CRL's issuer, numbers, freshness and entries; with `--issuer`
 * also whether the CA signed it.
 */
import { downloadBytes } from '@kzpki/client';
import { parseCrl, verifyCrl } from '@kzpki/pki';
import type { Command } from 'commander';
import { type Context, EXIT_INVALID, EXIT_OK, wantsJson, writeJson } from '../context.js';
import { integerIn } from '../options.js';
import { guarded } from './support/failure.js';
import { derFromFile, loadCertificate } from './support/files.js';
import { crlSummary, formatCrl } from './support/format.js';

/** `true` for http(s) URLs (anything else is a file path). */
export function isUrl(value: string): boolean {
  return /^https?:\/\//i.test(value);
}

/** Adds the `crl` command group to `program`. */
export function register(program: Command, ctx: Context): void {
  const crl = program.command('crl').description('certificate revocation lists');

  crl
    .command('inspect')
    .description(
      'show a CRL (DER or PEM file, or an http URL); exit code 0, 1 when malformed or (with --issuer) not signed by the issuer',
    )
    .argument('<source>', 'CRL file or URL')
    .option('--issuer <file>', 'CA certificate: check that it signed the CRL')
    .option(
      '--max-entries <n>',
      'entries to list (default: 20, every entry with --json)',
      integerIn(0, 100_000_000),
    )
    .option('--json', 'print the summary as JSON')
    .action(async (source: string, options: { issuer?: string; maxEntries?: number }, command: Command) => {
      await guarded(ctx, command, async () => {
        const der = isUrl(source) ? await downloadBytes(source) : derFromFile(source, 'X509 CRL');
        const info = parseCrl(der);
        const json = wantsJson(command);
        const summary = crlSummary(info, options.maxEntries ?? (json ? Number.POSITIVE_INFINITY : 20));
        if (options.issuer) {
          const issuer = await loadCertificate(options.issuer);
          summary.signatureValid = await verifyCrl(info, issuer.certificate);
        }
        ctx.exitCode = summary.signatureValid === false ? EXIT_INVALID : EXIT_OK;
        if (json) return writeJson(ctx.io, summary);
        ctx.io.stdout(formatCrl(summary));
      });
    });
}
