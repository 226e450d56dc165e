/**
 * `kzpki ocsp check <cert>`: asks the OCSP responder (RFC 6960) whether a certificate is good,
 * verifies the signed answer (responder authorised by the CA, nonce echoed, current) and prints
 * the status.
 */
import { downloadBytes, postOcspRequest } from '@kzpki/client';
import {
  type CertificateInfo,
  certificateToDer,
  createOcspRequest,
  inspectCertificate,
  type OcspHashAlgorithm,
  verifyOcspResponse,
} from '@kzpki/pki';
import { type Command, Option } from 'commander';
import { type Context, EXIT_INVALID, EXIT_OK, wantsJson, writeJson } from '../context.js';
import { CliError } from '../errors.js';
import { guarded } from './support/failure.js';
import { loadCertificate } from './support/files.js';
import { table } from './support/format.js';
import { secretOption } from './support/secret-input.js';

/** `ocsp check --json` output. */
export interface OcspCheckReport {
  /** `good`, `revoked`, `unknown`, or the responseStatus of an unsuccessful response (e.g. `unauthorized`). */
  status: string;
  /** The response is signed by the CA or its delegated responder, current, and answers this certificate. */
  verified: boolean;
  /** Why it is not verified. */
  failures: string[];
  serialNumber: string;
  url: string;
  revocationTime?: string;
  reason?: string;
  thisUpdate?: string;
  nextUpdate?: string;
  producedAt?: string;
  signer?: 'issuer' | 'delegated';
  nonce: boolean;
}

async function findIssuer(
  info: CertificateInfo,
  others: Uint8Array[],
  issuerFile?: string,
): Promise<Uint8Array> {
  if (issuerFile) return (await loadCertificate(issuerFile)).certificate;
  const candidate = others.find((der) => inspectCertificate(der).subject.dn === info.issuer.dn);
  if (candidate) return candidate;
  const url = info.caIssuerUrls.find((u) => /^https?:/i.test(u));
  if (!url) throw new CliError('ERR_USAGE', 'the issuer certificate is not known: pass --issuer <file>');
  return certificateToDer(await downloadBytes(url));
}

/** Adds the `ocsp` command group to `program`. */
export function register(program: Command, ctx: Context): void {
  const ocsp = program.command('ocsp').description('online certificate status (OCSP, RFC 6960)');

  ocsp
    .command('check')
    .description(
      'ask the OCSP responder about a certificate; exit code 0 when good, 1 when revoked, unknown or unverifiable',
    )
    .argument('<cert>', 'the certificate (PEM, DER, or a .p12 key file with --password)')
    .option(
      '--issuer <file>',
      'issuer certificate (default: from the file, else downloaded from the AIA caIssuers URL)',
    )
    .option('--url <url>', "responder URL (default: the certificate's AIA OCSP URL)")
    .option('--password <password>', 'password of a key file ("-" reads it from standard input)')
    .addOption(new Option('--hash <alg>', 'CertID hash').choices(['SHA-1', 'SHA-256']).default('SHA-1'))
    .option('--no-nonce', 'send no nonce (the responder may answer from its cache)')
    .option('--json', 'print the result as JSON')
    .action(
      async (
        file: string,
        options: {
          issuer?: string;
          url?: string;
          password?: string;
          hash: OcspHashAlgorithm;
          nonce: boolean;
        },
        command: Command,
      ) => {
        await guarded(ctx, command, async () => {
          const loaded = await loadCertificate(file, await secretOption(ctx, options.password));
          const info = inspectCertificate(loaded.certificate);
          const issuer = await findIssuer(info, loaded.others, options.issuer);
          const url = options.url ?? info.ocspUrls[0];
          if (!url) throw new CliError('ERR_USAGE', 'the certificate names no OCSP responder: pass --url');
          const request = await createOcspRequest({
            certificate: loaded.certificate,
            issuer,
            hash: options.hash,
            nonce: options.nonce,
          });
          const der = await postOcspRequest(url, request.der);
          const v = await verifyOcspResponse(der, {
            issuer,
            ...(request.nonce ? { nonce: request.nonce } : {}),
            certIds: request.certIds,
          });
          const single = v.response.responses[0];
          const s = single?.status;
          const report: OcspCheckReport = {
            status: v.response.status === 'successful' ? (s?.type ?? 'unknown') : v.response.status,
            verified: v.valid,
            failures: v.failures,
            serialNumber: info.serialNumber,
            url,
            ...(s?.type === 'revoked'
              ? { revocationTime: s.revocationTime.toISOString(), ...(s.reason ? { reason: s.reason } : {}) }
              : {}),
            ...(single ? { thisUpdate: single.thisUpdate.toISOString() } : {}),
            ...(single?.nextUpdate ? { nextUpdate: single.nextUpdate.toISOString() } : {}),
            ...(v.response.producedAt ? { producedAt: v.response.producedAt.toISOString() } : {}),
            ...(v.signer ? { signer: v.signer } : {}),
            nonce: request.nonce !== undefined,
          };
          ctx.exitCode = report.verified && report.status === 'good' ? EXIT_OK : EXIT_INVALID;
          if (wantsJson(command)) return writeJson(ctx.io, report);
          ctx.io.stdout(
            table([
              [
                'status',
                report.verified
                  ? report.status
                  : `${report.status} (NOT VERIFIED: ${report.failures.join(', ')})`,
              ],
              ['serial', report.serialNumber],
              ['revoked at', report.revocationTime],
              ['reason', report.reason],
              ['this update', report.thisUpdate],
              ['next update', report.nextUpdate],
              ['produced at', report.producedAt],
              ['signed by', report.signer === 'delegated' ? 'delegated OCSP responder' : report.signer],
              ['responder', url],
            ]),
          );
        });
      },
    );
}
