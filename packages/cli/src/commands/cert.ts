/**
 * `kzpki cert inspect <file>`: what a certificate says in NCA terms (`inspectCertificate` of
 * `@kzpki/pki`): IIN, BIN, roles, purpose, template, validity, where to check its status.
 * `kzpki cert verify <file> --ca <file...>`: validates its chain (`verifyChain`: RSA, ECDSA and the
 * KZ GOST algorithms) at a given time.
 */
import { type ChainResult, inspectCertificate, verifyChain } from '@kzpki/pki';
import type { Command } from 'commander';
import { type Context, EXIT_INVALID, EXIT_OK, wantsJson, writeJson } from '../context.js';
import { CliError } from '../errors.js';
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

  cert
    .command('verify')
    .description(
      'validate a certificate chain (RSA, ECDSA, GOST) up to trusted CA certificates; exit code 0 valid, 1 invalid (with the reason), 2 usage',
    )
    .argument(
      '<file>',
      'certificate file (.pem, .crt, .cer, .der; a PEM bundle or key file adds its other certificates)',
    )
    .requiredOption(
      '--ca <file...>',
      'CA certificates: self-signed ones are the trust anchors and the others complete the chain (when none is self-signed, the given CAs are trusted as they are)',
    )
    .option(
      '--at <iso-date>',
      'validate at this time instead of now (e.g. 2026-06-01 or 2026-06-01T12:00:00Z)',
    )
    .option('--password <password>', 'password of a key file ("-" reads it from standard input)')
    .option('--json', 'print the result as JSON')
    .action(
      async (file: string, options: { ca: string[]; at?: string; password?: string }, command: Command) => {
        await guarded(ctx, command, async () => {
          const at = options.at === undefined ? new Date() : new Date(options.at);
          if (Number.isNaN(at.getTime())) {
            throw new CliError('ERR_USAGE', `--at ${options.at}: not an ISO 8601 date`);
          }
          const password = await secretOption(ctx, options.password);
          const loaded = await loadCertificate(file, password);
          const cas: Uint8Array[] = [];
          for (const path of options.ca) {
            const ca = await loadCertificate(path);
            cas.push(ca.certificate, ...ca.others);
          }
          const selfSigned = (der: Uint8Array): boolean => {
            const info = inspectCertificate(der);
            return info.subject.dn === info.issuer.dn;
          };
          const roots = cas.filter(selfSigned);
          const trustAnchors = roots.length > 0 ? roots : cas;
          const intermediates = [...loaded.others, ...cas.filter((c) => !trustAnchors.includes(c))];
          const result = await verifyChain({
            certificate: loaded.certificate,
            intermediates,
            trustAnchors,
            at,
          });
          ctx.exitCode = result.valid ? EXIT_OK : EXIT_INVALID;
          const report = chainReport(result, at);
          if (wantsJson(command)) return writeJson(ctx.io, report);
          const path = report.chain.map((c) => `  ${c.subject}`).join('\n');
          ctx.io.stdout(
            report.valid
              ? `valid at ${report.at}\n${path}\n`
              : `invalid: ${report.reason}: ${report.message}\n${path}\n`,
          );
        });
      },
    );
}

/** `cert verify --json` output. */
export interface ChainReport {
  valid: boolean;
  /** The time of validation (ISO 8601). */
  at: string;
  /** Why it is invalid (`verifyChain`'s reason: `signature`, `expired`, `untrusted`, ...). */
  reason?: string;
  message?: string;
  /** Position in `chain` of the certificate at fault (0 = the certificate itself). */
  index?: number;
  /** The path from the certificate to the trust anchor (as far as it was built). */
  chain: Array<{ subject: string; issuer: string; serialNumber: string }>;
}

function chainReport(result: ChainResult, at: Date): ChainReport {
  const chain = result.chain.map(({ subject, issuer, serialNumber }) => ({ subject, issuer, serialNumber }));
  if (result.valid) return { valid: true, at: at.toISOString(), chain };
  return {
    valid: false,
    at: at.toISOString(),
    reason: result.reason,
    message: result.message,
    index: result.index,
    chain,
  };
}
