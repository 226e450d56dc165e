/**
 * `kzpki cms sign|verify|add-signer|extract`: CMS/CAdES signatures as the NCA's tools make them
 * (RSA or GOST key files, attached or detached, optionally timestamped by a TSA), and their
 * verification with the full report of `verifyCms` (chain at the timestamp's time, revocation by
 * OCSP or CRL, the signer's IIN/BIN/roles, SIGN or AUTH key, policies).
 */
import {
  addCmsSigner,
  addSignatureTimestamp,
  type CmsPolicy,
  type CmsSignerReport,
  type CmsVerificationReport,
  extractCmsContent,
  inspectCertificate,
  openSignerKeyFile,
  parseCms,
  parseCmsEvidence,
  type RevocationOptions,
  requireFirstManagerOf,
  requireIndividual,
  requireSignKey,
  requireTimestamp,
  signCms,
  toPem,
  verifyCms,
} from '@kzpki/pki';
import { type Command, InvalidArgumentError } from 'commander';
import { type Context, EXIT_INVALID, EXIT_OK, wantsJson, writeJson } from '../context.js';
import { CliError } from '../errors.js';
import { integerIn } from '../options.js';
import { guarded } from './support/failure.js';
import { loadCertificate, readInputFile, writeOutputFile } from './support/files.js';
import { table } from './support/format.js';
import { secretOption } from './support/secret-input.js';

/** `--at`: an ISO 8601 date or date-time. */
function isoDate(value: string): Date {
  const d = new Date(value);
  if (!/^\d{4}-\d{2}-\d{2}/.test(value) || Number.isNaN(d.getTime())) {
    throw new InvalidArgumentError('expected an ISO 8601 date, e.g. 2024-05-01 or 2024-05-01T10:00:00Z');
  }
  return d;
}

/** `--tsa-policy` and friends: a dotted OID. */
function oid(value: string): string {
  if (!/^[0-2](\.\d+)+$/.test(value)) throw new InvalidArgumentError('expected a dotted object identifier');
  return value;
}

/** A 12-digit IIN or BIN. */
function twelveDigits(value: string): string {
  if (!/^\d{12}$/.test(value)) throw new InvalidArgumentError('expected 12 digits');
  return value;
}

/** Every certificate of each file (PEM bundles: all blocks; key files: not accepted here). */
async function certificatesOf(files: readonly string[]): Promise<Uint8Array[]> {
  const out: Uint8Array[] = [];
  for (const f of files) {
    const loaded = await loadCertificate(f);
    out.push(loaded.certificate, ...loaded.others);
  }
  return out;
}

async function keySigner(ctx: Context, key: string, password: string | undefined) {
  const secret = await secretOption(ctx, password);
  if (secret === undefined) throw new CliError('ERR_USAGE', '--password is required with --key');
  return openSignerKeyFile(readInputFile(key), secret);
}

function describeSigner(certificate: Uint8Array): string {
  const info = inspectCertificate(certificate);
  return `${info.subject.fields.CN ?? info.subject.dn}${info.iin ? ` (IIN ${info.iin})` : ''}, ${info.keyAlgorithm}, ${info.keyPurpose}`;
}

function signerLines(s: CmsSignerReport): string {
  const c = s.certificate;
  const ts = s.timestamp;
  return table(
    [
      ['valid', s.valid ? 'yes' : `NO: ${s.reason} (${s.message})`],
      ['signer', c ? `${c.subject.fields.CN ?? c.subject.dn}` : undefined],
      ['IIN', c?.iin],
      ['BIN', c?.bin],
      ['roles', c?.roles.join(', ')],
      ['template', c?.template],
      [
        'key',
        c
          ? `${c.keyAlgorithm}, ${s.signKey ? 'SIGN' : `${c.keyPurpose.toUpperCase()} (not a SIGN key)`}`
          : undefined,
      ],
      ['signature', s.signatureValid ? 'verifies, content digest matches' : 'DOES NOT VERIFY'],
      ['digest', s.digestAlgorithm.name ?? s.digestAlgorithm.oid],
      ['signing time', s.signingTime ? `${s.signingTime} (claimed by the signer)` : undefined],
      [
        'timestamp',
        ts
          ? `${ts.genTime ?? '?'} policy ${ts.policy ?? '?'}${ts.valid ? '' : ` INVALID: ${ts.reason} (${ts.message})`}`
          : 'none',
      ],
      ['validated at', `${s.validationTime} (${s.validationTimeSource})`],
      [
        'chain',
        s.chain.valid
          ? s.chain.certificates.map((x) => x.subject).join(' <- ')
          : `NOT VALID: ${s.chain.message}`,
      ],
      [
        'revocation',
        `${s.revocation.status}${s.revocation.certificates.length ? ` (${s.revocation.certificates.map((r) => `${r.source ?? '-'}${r.revocationTime ? ` revoked ${r.revocationTime}` : ''}`).join(', ')})` : ''}${s.revocation.message && s.revocation.status !== 'good' ? `: ${s.revocation.message}` : ''}`,
      ],
    ],
    '  ',
  );
}

function reportText(report: CmsVerificationReport): string {
  let out = table([
    ['result', report.valid ? 'VALID' : `INVALID: ${report.reason} (${report.message})`],
    ['content', `${report.contentType}${report.detached ? ', detached' : ''}`],
    ['signers', report.signers.length],
  ]);
  for (const s of report.signers) out += `signer ${s.index}:\n${signerLines(s)}`;
  for (const p of report.policies)
    out += `policy ${p.id}: ${p.satisfied ? 'met' : `NOT MET (${p.message})`}\n`;
  return out;
}

/** Adds the `cms` command group to `program`. */
export function register(program: Command, ctx: Context): void {
  const cms = program
    .command('cms')
    .description('CMS/CAdES signatures (.p7s): sign, verify, add a signer, extract');

  cms
    .command('sign')
    .description('sign a file with a key file (RSA or GOST): CAdES-BES, or CAdES-T with --tsa')
    .requiredOption('--key <file.p12>', 'the key file')
    .option('--password <password>', 'its password ("-" reads it from standard input)')
    .requiredOption('--in <file>', 'the data to sign')
    .requiredOption('--out <file.p7s>', 'where to write the signature')
    .option('--detached', 'leave the data out of the signature')
    .option('--tsa <url>', 'timestamp the signature at this TSA (RFC 3161 over HTTP)')
    .option('--tsa-policy <oid>', 'TSA policy to ask for', oid)
    .option('--pem', 'write PEM (-----BEGIN CMS-----) instead of DER')
    .option('--json', 'print the result as JSON')
    .action(
      async (
        options: {
          key: string;
          password?: string;
          in: string;
          out: string;
          detached?: boolean;
          tsa?: string;
          tsaPolicy?: string;
          pem?: boolean;
        },
        command: Command,
      ) => {
        await guarded(ctx, command, async () => {
          const signer = await keySigner(ctx, options.key, options.password);
          let p7s = await signCms({
            content: readInputFile(options.in),
            detached: options.detached === true,
            signers: signer,
          });
          if (options.tsa) {
            p7s = await addSignatureTimestamp(p7s, {
              timestamp: { url: options.tsa, ...(options.tsaPolicy ? { policy: options.tsaPolicy } : {}) },
            });
          }
          writeOutputFile(options.out, options.pem ? toPem(p7s, 'CMS') : p7s);
          const result = {
            out: options.out,
            detached: options.detached === true,
            signer: describeSigner(signer.certificate),
            timestamped: options.tsa !== undefined,
            bytes: p7s.length,
          };
          ctx.exitCode = EXIT_OK;
          if (wantsJson(command)) return writeJson(ctx.io, result);
          ctx.io.stdout(
            table([
              ['written', `${options.out} (${p7s.length} bytes${result.detached ? ', detached' : ''})`],
              ['signer', result.signer],
              ['timestamp', options.tsa ? `from ${options.tsa}` : 'none'],
            ]),
          );
        });
      },
    );

  cms
    .command('verify')
    .description(
      'verify a signature: exit code 0 when valid, 1 when not (the report says why), 2 on usage errors',
    )
    .requiredOption('--in <file.p7s>', 'the signature (DER, PEM or base64)')
    .option('--content <file>', 'the signed data of a detached signature')
    .option('--ca <files...>', 'trusted root certificates (PEM bundles allowed); required')
    .option('--intermediate <files...>', 'issuing CA certificates missing from the signature')
    .option(
      '--at <iso-date>',
      'verify as of this time when there is no timestamp (archived documents)',
      isoDate,
    )
    .option('--no-revocation', 'do not check OCSP/CRL (the report says not-checked)')
    .option('--offline', 'check revocation only from --evidence, never the network')
    .option('--evidence <file.json>', 'evidence saved earlier by --save-evidence')
    .option(
      '--save-evidence <file.json>',
      'write the evidence (certificates, OCSP responses, CRLs, timestamps)',
    )
    .option('--timeout <ms>', 'time limit per OCSP/CRL request', integerIn(100, 120_000), 10_000)
    .option('--tsa-policy <oids...>', 'accepted TSA policies')
    .option('--require-sign-key', 'every signer must have used a SIGN key')
    .option('--require-timestamp', 'every signer must have a valid timestamp')
    .option('--require-first-manager <bin>', 'a signer must be the first manager of this BIN', twelveDigits)
    .option('--allow-signing-right', 'with --require-first-manager: a person with signing right also counts')
    .option('--require-iin <iin>', 'a signer must be the person with this IIN', twelveDigits)
    .option('--json', 'print the report as JSON')
    .action(
      async (
        options: {
          in: string;
          content?: string;
          ca?: string[];
          intermediate?: string[];
          at?: Date;
          revocation: boolean;
          offline?: boolean;
          evidence?: string;
          saveEvidence?: string;
          timeout: number;
          tsaPolicy?: string[];
          requireSignKey?: boolean;
          requireTimestamp?: boolean;
          requireFirstManager?: string;
          allowSigningRight?: boolean;
          requireIin?: string;
        },
        command: Command,
      ) => {
        if (!options.ca || options.ca.length === 0) {
          throw new CliError('ERR_USAGE', '--ca <file...> is required: the root certificates you trust');
        }
        if (options.offline && !options.revocation) {
          throw new CliError('ERR_USAGE', '--offline and --no-revocation exclude each other');
        }
        await guarded(ctx, command, async () => {
          const trustAnchors = await certificatesOf(options.ca!);
          const intermediates = await certificatesOf(options.intermediate ?? []);
          const policies: CmsPolicy[] = [];
          if (options.requireSignKey) policies.push(requireSignKey());
          if (options.requireTimestamp) policies.push(requireTimestamp());
          if (options.requireFirstManager) {
            policies.push(
              requireFirstManagerOf(options.requireFirstManager, {
                allowSigningRight: options.allowSigningRight === true,
              }),
            );
          }
          if (options.requireIin) policies.push(requireIndividual(options.requireIin));
          const revocation: RevocationOptions | false = options.revocation
            ? { timeoutMs: options.timeout, ...(options.offline ? { offline: true } : {}) }
            : false;
          const report = await verifyCms(readInputFile(options.in), {
            trustAnchors,
            intermediates,
            revocation,
            policies,
            ...(options.content !== undefined ? { content: readInputFile(options.content) } : {}),
            ...(options.at ? { at: options.at } : {}),
            ...(options.tsaPolicy ? { timestampPolicies: options.tsaPolicy } : {}),
            ...(options.evidence ? { evidence: parseCmsEvidence(readInputFile(options.evidence)) } : {}),
          });
          if (options.saveEvidence)
            writeOutputFile(options.saveEvidence, `${JSON.stringify(report.evidence, null, 2)}\n`);
          ctx.exitCode = report.valid ? EXIT_OK : EXIT_INVALID;
          if (wantsJson(command)) return writeJson(ctx.io, report);
          ctx.io.stdout(reportText(report));
        });
      },
    );

  cms
    .command('add-signer')
    .description('add a signer to a signature, keeping the other signers and their timestamps byte for byte')
    .requiredOption('--in <file.p7s>', 'the signature')
    .requiredOption('--key <file.p12>', "the new signer's key file")
    .option('--password <password>', 'its password ("-" reads it from standard input)')
    .requiredOption('--out <file.p7s>', 'where to write the result')
    .option('--content <file>', 'the signed data (needed for a detached signature)')
    .option('--tsa <url>', 'timestamp the new signer at this TSA')
    .option('--tsa-policy <oid>', 'TSA policy to ask for', oid)
    .option('--json', 'print the result as JSON')
    .action(
      async (
        options: {
          in: string;
          key: string;
          password?: string;
          out: string;
          content?: string;
          tsa?: string;
          tsaPolicy?: string;
        },
        command: Command,
      ) => {
        await guarded(ctx, command, async () => {
          const signer = await keySigner(ctx, options.key, options.password);
          let p7s = await addCmsSigner(readInputFile(options.in), signer, {
            ...(options.content !== undefined ? { content: readInputFile(options.content) } : {}),
          });
          const index = parseCms(p7s).signers.length - 1;
          if (options.tsa) {
            p7s = await addSignatureTimestamp(p7s, {
              signers: [index],
              timestamp: { url: options.tsa, ...(options.tsaPolicy ? { policy: options.tsaPolicy } : {}) },
            });
          }
          writeOutputFile(options.out, p7s);
          const result = { out: options.out, signers: index + 1, added: describeSigner(signer.certificate) };
          ctx.exitCode = EXIT_OK;
          if (wantsJson(command)) return writeJson(ctx.io, result);
          ctx.io.stdout(
            table([
              ['written', options.out],
              ['signers', result.signers],
              ['added', result.added],
            ]),
          );
        });
      },
    );

  cms
    .command('extract')
    .description('write the data a signature carries (exit code 1 for a detached signature)')
    .requiredOption('--in <file.p7s>', 'the signature')
    .requiredOption('--out <file>', 'where to write the data')
    .action(async (options: { in: string; out: string }, command: Command) => {
      await guarded(ctx, command, async () => {
        const content = extractCmsContent(readInputFile(options.in));
        writeOutputFile(options.out, content);
        ctx.exitCode = EXIT_OK;
        ctx.io.stdout(table([['written', `${options.out} (${content.length} bytes)`]]));
      });
    });
}
