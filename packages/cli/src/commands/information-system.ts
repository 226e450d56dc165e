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
import { writeKeyFile, writeOutputFile } from './support/files.js';
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
  /** The GOST chain (issuing CA, root; PEM) written to `ca/` under the output folder. */
  ca: Array<{ name: string; path: string }>;
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
  withChain?: boolean;
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
    .option(
      '--with-chain',
      "also put the CA chain into the key file (by default it holds its own certificate only, as the NCA's; the chain is written to ca/ in any case)",
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
          ...(options.withChain ? { includeChain: true } : {}),
        });
        const outDir = resolve(options.out);
        const path = join(outDir, issued.fileName);
        writeKeyFile(path, issued.bytes);
        const ca = issued.chain.map((c) => ({ name: c.name, path: join(outDir, 'ca', c.fileName) }));
        for (const [i, c] of issued.chain.entries()) writeOutputFile(ca[i]!.path, c.pem);
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
          ca,
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
              ['CA chain', join(outDir, 'ca')],
            ],
            '',
          ),
        );
      });
    });
}
