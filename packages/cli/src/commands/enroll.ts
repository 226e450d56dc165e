/**
 * `kzpki enroll`: obtains real NCA-style key files (`AUTH_RSA256_<ski>.p12`, `RSA256_<ski>.p12`)
 * from a CA through the whole remote issuance flow (`enroll()` of `@kzpki/client`), with a
 * progress display; `--approver` lets a first manager's key files approve the application.
 */

import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline/promises';
import {
  CabinetSession,
  createCaClient,
  devSmsOutbox,
  ENROLL_STEPS,
  type EnrollKeyAlgorithm,
  type EnrollResult,
  enroll,
  type IdentityDocumentType,
  type KeyFileFormat,
  type OtpProvider,
  openKeyFile,
  type PhoneProvider,
  simulatedIdentification,
  unwrap,
} from '@kzpki/client';
import { TEMPLATES, type TemplateName } from '@kzpki/pki';
import { type Command, Option } from 'commander';
import { type Context, EXIT_OK, type Io, wantsJson, writeJson } from '../context.js';
import { CliError } from '../errors.js';
import { integerIn } from '../options.js';
import { guarded } from './support/failure.js';
import { writeKeyFile, writeOutputFile } from './support/files.js';
import { table } from './support/format.js';
import { readKeyPairFiles } from './support/key-directory.js';
import { createProgress } from './support/progress.js';
import { secretOption } from './support/secret-input.js';

/** Default CA URL (`kzpki start`'s), overridable with `KZPKI_CA_URL`. */
export function defaultCaUrl(): string {
  return process.env.KZPKI_CA_URL || 'http://127.0.0.1:8080';
}

/** `enroll --json` output. */
export interface EnrollReport {
  ok: true;
  applicationNumber: string;
  applicationId: string;
  status: string;
  template: TemplateName;
  iin: string;
  bin?: string;
  files: Array<{
    /** AUTH or SIGN (an RSA pair), or `auth+sign` (a legal entity's one GOST key file). */
    purpose: 'auth' | 'sign' | 'auth+sign';
    path: string;
    fileName: string;
    serialHex: string;
    skiHex: string;
    subject: string;
    notBefore: string;
    notAfter: string;
  }>;
  /**
   * The CA chain (issuing CA, root; PEM) written to `ca/` under the output folder: the key files
   * hold their own certificate only, as the NCA's do (unless `--with-chain`).
   */
  ca: Array<{ name: string; path: string }>;
}

/** The report of an enrollment whose key files were written to `outDir`. */
export function enrollReport(
  result: EnrollResult,
  outDir: string,
  template: TemplateName,
  iin: string,
  bin?: string,
): EnrollReport {
  return {
    ok: true,
    applicationNumber: result.applicationNumber,
    applicationId: result.applicationId,
    status: result.status,
    template,
    iin,
    ...(bin ? { bin } : {}),
    files: result.keyFiles.map((f) => ({
      purpose: f.purpose,
      path: join(outDir, f.fileName),
      fileName: f.fileName,
      serialHex: f.certificate.serialHex,
      skiHex: f.certificate.skiHex,
      subject: f.certificate.subject,
      notBefore: f.certificate.notBefore,
      notAfter: f.certificate.notAfter,
    })),
    ca: result.chain.map((c) => ({ name: c.name, path: join(outDir, 'ca', c.fileName) })),
  };
}

/**
 * An OTP provider that asks on the terminal, or reads codes from a pipe: the first code of the flow
 * on the first non-empty line, Digital ID's on the next (one line per code asked for).
 */
function promptOtp(io: Io): OtpProvider {
  let piped: Promise<string[]> | undefined;
  let asked = 0;
  return async (request) => {
    const which = request.purpose === 'digital-id' ? 'Digital ID code' : 'One-time code';
    const question = `${which} sent from 1414 to ${request.sentTo} (valid until ${request.expiresAt.toLocaleTimeString()}): `;
    if (process.stdin.isTTY) {
      const rl = createInterface({ input: process.stdin, output: process.stderr });
      try {
        return (await rl.question(question)).trim();
      } finally {
        rl.close();
      }
    }
    io.stderr(question);
    // Standard input can be read once: keep its lines for the codes asked for later.
    piped ??= io.readStdin().then((text) => text.split(/\r?\n/).filter((l) => l.trim() !== ''));
    const line = (await piped)[asked++];
    if (!line) throw new Error('standard input holds no more one-time codes');
    return line.trim();
  };
}

/** A phone provider that asks on the terminal (Digital ID's page asks for the registered number). */
function promptPhone(): PhoneProvider {
  return async (request) => {
    if (!process.stdin.isTTY) {
      throw new Error('give --phone: standard input is not a terminal to ask on');
    }
    const rl = createInterface({ input: process.stdin, output: process.stderr });
    try {
      const typed = await rl.question(
        `Phone registered in the Mobile Citizens Database for IIN ${request.iin}${request.firstCodeSentTo ? ` (the first code went to ${request.firstCodeSentTo})` : ''}, +7XXXXXXXXXX: `,
      );
      return normalizeKzPhone(typed) ?? typed.trim();
    } finally {
      rl.close();
    }
  };
}

/** `+7` and ten digits from the ways people write a Kazakhstan mobile number, or `undefined`. */
function normalizeKzPhone(input: string): string | undefined {
  const digits = input.replace(/[\s\-().]/g, '');
  const m = /^(?:\+7|8|7)?(\d{10})$/.exec(digits);
  return m ? `+7${m[1]}` : undefined;
}

interface EnrollCliOptions {
  caUrl: string;
  template: TemplateName;
  iin: string;
  bin?: string;
  password: string;
  out: string;
  approver?: string;
  approverPassword?: string;
  email?: string;
  keyAlgorithm?: EnrollKeyAlgorithm;
  keyFormat: KeyFileFormat;
  withChain?: boolean;
  otp: 'auto' | 'dev-outbox' | 'stdin';
  phone?: string;
  document?: IdentityDocumentType;
  wait: number;
}

/** Adds the `enroll` command to `program`. */
export function register(program: Command, ctx: Context): void {
  program
    .command('enroll')
    .description(
      'obtain key files from a CA through the remote issuance flow (legal entities: one GOST512 key file by default; individuals, or --key-algorithm RSA-2048: AUTH and SIGN); exit code 0 when written, 1 when the CA refused or the flow failed',
    )
    .addOption(
      new Option('--ca-url <url>', 'CA base URL').default(
        defaultCaUrl(),
        '$KZPKI_CA_URL or http://127.0.0.1:8080',
      ),
    )
    .addOption(
      new Option('--template <name>', 'certificate template')
        .choices(Object.keys(TEMPLATES))
        .makeOptionMandatory(),
    )
    .requiredOption('--iin <iin>', "applicant's IIN (12 digits)")
    .option('--bin <bin>', "organisation's BIN (legal-entity templates)")
    .requiredOption(
      '--password <password>',
      'password of the key files (NCA rule; "-" reads it from standard input)',
    )
    .requiredOption('--out <dir>', 'folder for the key files')
    .option(
      '--approver <dir>',
      "folder with a first manager's AUTH and SIGN key files: approve the application with them",
    )
    .option('--approver-password <password>', 'password of the approver key files (default: --password)')
    .option('--email <address>', 'e-mail for notifications (also in the certificates)')
    .addOption(
      new Option(
        '--key-algorithm <alg>',
        'key algorithm: GOST-2015-512 (one key and certificate, legal entities) or an RSA/ECDSA AUTH + SIGN pair',
      )
        .choices(['GOST-2015-512', 'RSA-2048', 'RSA-3072', 'RSA-4096', 'ECDSA-P256', 'ECDSA-P384'])
        .default(undefined, 'GOST-2015-512 for legal-entity templates, RSA-2048 for individual'),
    )
    .addOption(
      new Option('--key-format <format>', 'PKCS#12 profile: legacy (as the NCA files) or modern (AES-256)')
        .choices(['legacy', 'modern'])
        .default('legacy'),
    )
    .option(
      '--with-chain',
      "also put the CA chain into the key files (by default they hold their own certificate only, as the NCA's; the chain is written to ca/ in any case)",
    )
    .addOption(
      new Option(
        '--otp <source>',
        'where the one-time code comes from (auto: the dev SMS outbox when the CA has one)',
      )
        .choices(['auto', 'dev-outbox', 'stdin'])
        .default('auto'),
    )
    .option(
      '--phone <number>',
      "phone registered in the Mobile Citizens Database, which Digital ID asks for (default: from the CA's dev SMS outbox in dev mode, else asked on the terminal)",
    )
    .addOption(
      new Option(
        '--document <type>',
        'identity document for the simulated Digital ID (default: ID card, then passport)',
      ).choices(['id-card', 'passport']),
    )
    .option('--wait <seconds>', 'longest wait for approval or moderation', integerIn(0, 7 * 86400), 1800)
    .option('--json', 'print the result as JSON on stdout')
    .action(async (options: EnrollCliOptions, command: Command) => {
      await guarded(ctx, command, async () => {
        const password = (await secretOption(ctx, options.password)) as string;
        if (options.password === '-' && options.otp === 'stdin') {
          throw new CliError('ERR_USAGE', '--password - and --otp stdin cannot both read standard input');
        }
        const template = TEMPLATES[options.template];
        if (template.binRequired && !options.bin)
          throw new CliError('ERR_USAGE', `--template ${options.template} needs --bin`);
        if (!template.binRequired && options.bin)
          throw new CliError('ERR_USAGE', `--template ${options.template} takes no --bin`);
        let phone: string | undefined;
        if (options.phone !== undefined) {
          phone = normalizeKzPhone(options.phone);
          if (!phone)
            throw new CliError('ERR_USAGE', '--phone must be a Kazakhstan mobile number, +7XXXXXXXXXX');
        }
        const approverFiles = options.approver ? readKeyPairFiles(options.approver) : undefined;
        const approverPassword = (await secretOption(ctx, options.approverPassword)) ?? password;

        let otp: OtpProvider;
        let devOutbox: boolean;
        if (options.otp === 'stdin') {
          otp = promptOtp(ctx.io);
          devOutbox = false;
        } else if (options.otp === 'dev-outbox') {
          otp = devSmsOutbox(options.caUrl).otp;
          devOutbox = true;
        } else {
          const health = await unwrap(createCaClient({ baseUrl: options.caUrl }).GET('/v1/health'));
          devOutbox = health.devMode;
          otp = devOutbox ? devSmsOutbox(options.caUrl).otp : promptOtp(ctx.io);
        }
        // The number Digital ID asks for: given, else where the first code went (dev outbox), else asked.
        const phoneSource: string | PhoneProvider =
          phone ?? (devOutbox ? devSmsOutbox(options.caUrl).phone : promptPhone());

        const progress = createProgress(ctx.io, { total: ENROLL_STEPS.length });
        let result: EnrollResult;
        try {
          result = await enroll({
            caUrl: options.caUrl,
            template: options.template,
            iin: options.iin,
            ...(options.bin ? { bin: options.bin } : {}),
            password,
            otp,
            phone: phoneSource,
            ...(options.document
              ? { identification: simulatedIdentification({ document: options.document }) }
              : {}),
            ...(options.email ? { email: options.email } : {}),
            ...(options.keyAlgorithm ? { keyAlgorithm: options.keyAlgorithm } : {}),
            keyFileFormat: options.keyFormat,
            ...(options.withChain ? { includeChain: true } : {}),
            wait: { approvalTimeoutMs: options.wait * 1000, moderationTimeoutMs: options.wait * 1000 },
            onProgress: (e) => {
              if (e.waiting && e.step === 'approval' && !approverFiles) {
                progress.note(
                  `Application ${e.application?.number ?? ''} waits for the first manager's approval (up to ${options.wait} s)`,
                );
              }
              progress.update(Math.min(e.index + 1, e.total), e.message);
            },
            onRecognizedDocument: (d) =>
              progress.note(
                `Recognised ${d.type} ${d.number}: ${d.surname} ${d.givenName} ${d.patronymic ?? ''}, born ${d.birthDate}`,
              ),
            ...(approverFiles
              ? {
                  onAwaitingApproval: async ({ number }) => {
                    const auth = await openKeyFile(approverFiles.auth.bytes, approverPassword, 'auth');
                    const sign = await openKeyFile(approverFiles.sign.bytes, approverPassword, 'sign');
                    const session = await CabinetSession.loginWith({ caUrl: options.caUrl, auth });
                    try {
                      await session.decide(number, 'approve', sign);
                    } finally {
                      await session.logout().catch(() => undefined);
                    }
                    progress.note(
                      `Approved by ${session.holder.commonName} (${session.holder.roles.join(', ')})`,
                    );
                  },
                }
              : {}),
          });
        } finally {
          progress.stop();
        }
        const outDir = resolve(options.out);
        for (const f of result.keyFiles) writeKeyFile(join(outDir, f.fileName), f.bytes);
        // The chain apart from the key files, as a test pack's ca/ (readers such as the NCALayer
        // emulator look for it there).
        for (const c of result.chain) writeOutputFile(join(outDir, 'ca', c.fileName), c.pem);
        const report = enrollReport(result, outDir, options.template, options.iin, options.bin);
        ctx.exitCode = EXIT_OK;
        if (wantsJson(command)) return writeJson(ctx.io, report);
        ctx.io.stdout(
          `Application ${report.applicationNumber}: ${report.status}\n` +
            report.files
              .map((f) =>
                table(
                  [
                    [f.purpose.toUpperCase(), f.path],
                    ['  serial', f.serialHex],
                    ['  valid', `${f.notBefore} .. ${f.notAfter}`],
                  ],
                  '',
                ),
              )
              .join('') +
            (report.ca.length > 0 ? `CA chain (not in the key files): ${join(outDir, 'ca')}\n` : ''),
        );
      });
    });
}
