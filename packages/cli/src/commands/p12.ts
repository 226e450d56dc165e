/**
 * `kzpki p12 inspect <file>`: what a PKCS #12 key file holds, and whether it follows the NCA
 * conventions (file name, friendlyName and localKeyID equal to the certificate's SKI).
 */
import { basename } from 'node:path';
import { type CertificateInfo, inspectCertificate, ncaKeyFileName, openPkcs12 } from '@kzpki/pki';
import type { Command } from 'commander';
import { type Context, EXIT_OK, wantsJson, writeJson } from '../context.js';
import { CliError } from '../errors.js';
import { guarded } from './support/failure.js';
import { readInputFile } from './support/files.js';
import { formatCertificate, indent, table } from './support/format.js';
import { secretOption } from './support/secret-input.js';

/** `p12 inspect --json` output. */
export interface KeyFileReport {
  file: string;
  /** The NCA name for this key's certificate (`AUTH_RSA256_<ski>.p12`, ...). */
  ncaFileName: string;
  friendlyName?: string;
  localKeyId?: string;
  /** Which NCA conventions the file follows. */
  conventions: { fileName: boolean; friendlyName: boolean; localKeyId: boolean };
  /** Whether the file's private key can sign here (RSA and ECDSA by WebCrypto, GOST in TypeScript). */
  signingKey: boolean;
  certificate: CertificateInfo;
  /** The other certificates of the file (issuer first). */
  chain: Array<
    Pick<CertificateInfo, 'serialNumber' | 'notBefore' | 'notAfter' | 'isCa'> & { subject: string }
  >;
}

/** Adds the `p12` command group to `program`. */
export function register(program: Command, ctx: Context): void {
  const p12 = program.command('p12').description('PKCS #12 key files (.p12)');

  p12
    .command('inspect')
    .description(
      'open a key file and show its key, certificate and chain; exit code 0, 1 when it does not open',
    )
    .argument('<file>', 'the key file')
    .requiredOption('--password <password>', 'its password ("-" reads it from standard input)')
    .option('--json', 'print the report as JSON')
    .action(async (file: string, options: { password: string }, command: Command) => {
      await guarded(ctx, command, async () => {
        const password = await secretOption(ctx, options.password);
        if (password === undefined) throw new CliError('ERR_USAGE', '--password is required');
        const contents = await openPkcs12(readInputFile(file), password);
        const certificate = inspectCertificate(contents.certificate);
        const ncaFileName = ncaKeyFileName(contents.certificate);
        const ski = certificate.subjectKeyId;
        const report: KeyFileReport = {
          file,
          ncaFileName,
          ...(contents.friendlyName !== undefined ? { friendlyName: contents.friendlyName } : {}),
          ...(contents.localKeyId !== undefined ? { localKeyId: contents.localKeyId } : {}),
          conventions: {
            fileName: basename(file) === ncaFileName,
            friendlyName: ski !== undefined && contents.friendlyName === ski,
            localKeyId: ski !== undefined && contents.localKeyId === ski,
          },
          signingKey: contents.signingKey !== undefined,
          certificate,
          chain: contents.chain.map((der) => {
            const c = inspectCertificate(der);
            return {
              subject: c.subject.dn,
              serialNumber: c.serialNumber,
              notBefore: c.notBefore,
              notAfter: c.notAfter,
              isCa: c.isCa,
            };
          }),
        };
        ctx.exitCode = EXIT_OK;
        if (wantsJson(command)) return writeJson(ctx.io, report);
        const yes = (b: boolean): string => (b ? 'yes' : 'no');
        ctx.io.stdout(
          table([
            ['file', file],
            [
              'NCA file name',
              `${ncaFileName}${report.conventions.fileName ? '' : ' (the file is named otherwise)'}`,
            ],
            ['friendlyName', `${report.friendlyName ?? '-'} (SKI: ${yes(report.conventions.friendlyName)})`],
            ['localKeyID', `${report.localKeyId ?? '-'} (SKI: ${yes(report.conventions.localKeyId)})`],
            [
              'signing key',
              report.signingKey
                ? `usable (${certificate.keyAlgorithm})`
                : `not usable (${certificate.keyAlgorithm} is not supported)`,
            ],
            ['chain', report.chain.map((c) => c.subject).join(' | ') || '-'],
          ]) +
            '\ncertificate:\n' +
            indent(formatCertificate(certificate)),
        );
      });
    });
}
