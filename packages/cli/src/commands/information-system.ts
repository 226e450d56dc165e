/**
 * `kzpki information-system`: a first manager obtains the key file of one of the organisation's
 * information systems (`GOST512_<ski>.p12`: no IIN, CN = the system's name, UID, extKeyUsage
 * 1.2.398.3.3.4.1.2.6, three years) with their own key files for the cabinet login
 * (`issueInformationSystem()` of `@kzpki/client`).
 */
import { join, resolve } from 'node:path';
import { issueInformationSystem, type KeyFileFormat } from '@kzpki/client';
import { type Command, Option } from 'commander';
import { type Context, EXIT_OK, wantsJson, writeJson } from '../context.js';
import { defaultCaUrl } from './enroll.js';
import { guarded } from './support/failure.js';
import { writeKeyFile } from './support/files.js';
import { table } from './support/format.js';
import { readKeyPairFiles } from './support/key-directory.js';
import { secretOption } from './support/secret-input.js';

/** `information-system --json` output. */
export interface InformationSystemReport {
  ok: true;
  bin: string;
  organization: string;
  systemName: string;
  uid: string;
  file: {
    purpose: 'auth+sign';
    path: string;
    fileName: string;
    serialHex: string;
    skiHex: string;
    subject: string;
    notBefore: string;
    notAfter: string;
  };
}

interface InformationSystemCliOptions {
  caUrl: string;
  approver: string;
  approverPassword?: string;
  name: string;
  uid?: string;
  password: string;
  out: string;
  keyFormat: KeyFileFormat;
}

/** Adds the `information-system` command to `program`. */
export function register(program: Command, ctx: Context): void {
  program
    .command('information-system')
    .description(
      "as an organisation's first manager, obtain the GOST512 key file of one of its information systems (no IIN; CN = the system's name); exit code 0 when written, 1 when the CA refused",
    )
    .addOption(
      new Option('--ca-url <url>', 'CA base URL').default(
        defaultCaUrl(),
        '$KZPKI_CA_URL or http://127.0.0.1:8080',
      ),
    )
    .requiredOption(
      '--approver <dir>',
      "folder with the first manager's key files (one GOST512_*.p12, or AUTH and SIGN): logs in to the cabinet",
    )
    .option(
      '--approver-password <password>',
      "password of the first manager's key files (default: --password)",
    )
    .requiredOption('--name <name>', "the information system's name (the certificate's CN)")
    .option('--uid <uid>', "the system's identifier (UID; default IS<BIN>)")
    .requiredOption(
      '--password <password>',
      'password of the new key file (NCA rule; "-" reads it from standard input)',
    )
    .requiredOption('--out <dir>', 'folder for the key file')
    .addOption(
      new Option('--key-format <format>', 'PKCS#12 profile: legacy (as the NCA files) or modern (AES-256)')
        .choices(['legacy', 'modern'])
        .default('legacy'),
    )
    .option('--json', 'print the result as JSON on stdout')
    .action(async (options: InformationSystemCliOptions, command: Command) => {
      await guarded(ctx, command, async () => {
        const password = (await secretOption(ctx, options.password)) as string;
        const approver = readKeyPairFiles(options.approver);
        const approverPassword = (await secretOption(ctx, options.approverPassword)) ?? password;
        const issued = await issueInformationSystem({
          caUrl: options.caUrl,
          approverKeyFile: approver.auth.bytes,
          approverPassword,
          systemName: options.name,
          ...(options.uid !== undefined ? { uid: options.uid } : {}),
          password,
          keyFileFormat: options.keyFormat,
        });
        const path = join(resolve(options.out), issued.fileName);
        writeKeyFile(path, issued.bytes);
        const c = issued.certificate;
        const report: InformationSystemReport = {
          ok: true,
          bin: issued.bin,
          organization: issued.organization,
          systemName: issued.systemName,
          uid: issued.uid,
          file: {
            purpose: issued.purpose,
            path,
            fileName: issued.fileName,
            serialHex: c.serialHex,
            skiHex: c.skiHex,
            subject: c.subject,
            notBefore: c.notBefore,
            notAfter: c.notAfter,
          },
        };
        ctx.exitCode = EXIT_OK;
        if (wantsJson(command)) return writeJson(ctx.io, report);
        ctx.io.stdout(
          table(
            [
              ['information system', `${issued.systemName} (UID ${issued.uid})`],
              ['organisation', `${issued.organization}, BIN ${issued.bin}`],
              ['key file', path],
              ['serial', c.serialHex],
              ['valid', `${c.notBefore} .. ${c.notAfter}`],
            ],
            '',
          ),
        );
      });
    });
}
