/**
 * `kzpki tsp request|inspect`: RFC 3161 timestamps — make a request (and send it to a TSA), and
 * read a request, response or token, verifying a token against data and trusted roots.
 */
import {
  createTimestampRequest,
  DIGEST_NAMES,
  type DigestName,
  fromHex,
  parseTimestampRequest,
  parseTimestampResponse,
  parseTimestampToken,
  requestTimestamp,
  type TimestampInfo,
  type TimestampVerification,
  toHex,
  verifyTimestampToken,
} from '@kzpki/pki';
import { type Command, InvalidArgumentError, Option } from 'commander';
import { type Context, EXIT_INVALID, EXIT_OK, wantsJson, writeJson } from '../context.js';
import { CliError } from '../errors.js';
import { integerIn } from '../options.js';
import { guarded } from './support/failure.js';
import { loadCertificate, readInputFile, writeOutputFile } from './support/files.js';
import { table } from './support/format.js';

function hexBytes(value: string): Uint8Array {
  const clean = value.replace(/[\s:]/g, '');
  if (!/^([0-9a-fA-F]{2})+$/.test(clean)) throw new InvalidArgumentError('expected hex octets');
  return fromHex(clean);
}

function oid(value: string): string {
  if (!/^[0-2](\.\d+)+$/.test(value)) throw new InvalidArgumentError('expected a dotted object identifier');
  return value;
}

/** A TSTInfo as JSON (bytes as hex, dates as ISO 8601). */
function infoJson(info: TimestampInfo) {
  return {
    policy: info.policy,
    genTime: info.genTime.toISOString(),
    serialNumber: info.serialNumber,
    imprint: { hash: info.imprint.hash ?? info.imprint.hashOid, digest: toHex(info.imprint.digest) },
    ...(info.nonce ? { nonce: info.nonce } : {}),
    ...(info.accuracy ? { accuracy: info.accuracy } : {}),
    ordering: info.ordering,
    ...(info.tsa ? { tsa: info.tsa } : {}),
  };
}

function infoRows(info: TimestampInfo): Array<[string, string | undefined]> {
  return [
    ['time', info.genTime.toISOString()],
    ['policy', info.policy],
    ['serial', info.serialNumber],
    ['imprint', `${info.imprint.hash ?? info.imprint.hashOid} ${toHex(info.imprint.digest)}`],
    ['nonce', info.nonce],
    [
      'accuracy',
      info.accuracy
        ? `${info.accuracy.seconds}s ${info.accuracy.millis}ms ${info.accuracy.micros}us`
        : undefined,
    ],
    ['TSA', info.tsa],
  ];
}

/** Adds the `tsp` command group to `program`. */
export function register(program: Command, ctx: Context): void {
  const tsp = program.command('tsp').description('RFC 3161 timestamps: request, inspect');

  tsp
    .command('request')
    .description('make a timestamp request for a file or digest; with --url, send it and save the token')
    .option('--in <file>', 'the data to timestamp')
    .option('--digest <hex>', 'its digest instead (made with --hash)', hexBytes)
    .addOption(
      new Option('--hash <name>', 'imprint hash').choices(DIGEST_NAMES as string[]).default('SHA-256'),
    )
    .option('--policy <oid>', 'TSA policy to ask for (NCA: 1.2.398.3.3.2.6.2 RSA, .6.4 GOST-2015)', oid)
    .option('--no-nonce', 'send no nonce')
    .option('--no-cert-req', 'do not ask for the TSA certificate in the token')
    .option('--url <url>', 'send the request to this TSA and save the token instead of the request')
    .option('--timeout <ms>', 'time limit of the TSA request', integerIn(100, 120_000), 10_000)
    .requiredOption('--out <file>', 'where to write the request (.tsq), or the token (.tst) with --url')
    .option('--json', 'print the result as JSON')
    .action(
      async (
        options: {
          in?: string;
          digest?: Uint8Array;
          hash: DigestName;
          policy?: string;
          nonce: boolean;
          certReq: boolean;
          url?: string;
          timeout: number;
          out: string;
        },
        command: Command,
      ) => {
        if ((options.in === undefined) === (options.digest === undefined)) {
          throw new CliError('ERR_USAGE', 'give exactly one of --in <file> and --digest <hex>');
        }
        await guarded(ctx, command, async () => {
          const what = {
            hash: options.hash,
            nonce: options.nonce,
            certReq: options.certReq,
            ...(options.policy ? { policy: options.policy } : {}),
            ...(options.in !== undefined ? { data: readInputFile(options.in) } : { digest: options.digest! }),
          };
          ctx.exitCode = EXIT_OK;
          if (options.url) {
            const got = await requestTimestamp({ ...what, url: options.url, timeoutMs: options.timeout });
            writeOutputFile(options.out, got.token);
            if (wantsJson(command)) return writeJson(ctx.io, { out: options.out, token: infoJson(got.info) });
            ctx.io.stdout(table([['written', `${options.out} (timestamp token)`], ...infoRows(got.info)]));
            return;
          }
          const req = await createTimestampRequest(what);
          writeOutputFile(options.out, req.der);
          const result = {
            out: options.out,
            hash: req.imprint.hash,
            digest: toHex(req.imprint.digest),
            ...(req.nonce ? { nonce: req.nonce } : {}),
            ...(req.policy ? { policy: req.policy } : {}),
            certReq: req.certReq,
          };
          if (wantsJson(command)) return writeJson(ctx.io, result);
          ctx.io.stdout(
            table([
              ['written', `${options.out} (timestamp request)`],
              ['imprint', `${result.hash} ${result.digest}`],
              ['nonce', result.nonce],
              ['policy', result.policy],
              ['certReq', result.certReq ? 'yes' : 'no'],
            ]),
          );
        });
      },
    );

  tsp
    .command('inspect')
    .description(
      'read a timestamp request, response or token; with --data/--digest or --ca, verify the token (exit code 1 when it does not verify)',
    )
    .argument('<file>', 'a .tsq, .tsr or token file (DER, PEM or base64)')
    .option('--data <file>', 'the timestamped data: the imprint must be its hash')
    .option('--digest <hex>', 'the digest the imprint must equal', hexBytes)
    .option('--ca <files...>', 'trusted roots for the TSA certificate')
    .option('--json', 'print the result as JSON')
    .action(
      async (
        file: string,
        options: { data?: string; digest?: Uint8Array; ca?: string[] },
        command: Command,
      ) => {
        await guarded(ctx, command, async () => {
          const bytes = readInputFile(file);
          const attempt = <T>(f: () => T): T | undefined => {
            try {
              return f();
            } catch {
              return undefined;
            }
          };
          const response = attempt(() => parseTimestampResponse(bytes));
          const token = response?.token ?? (attempt(() => parseTimestampToken(bytes)) ? bytes : undefined);
          ctx.exitCode = EXIT_OK;
          if (!response && !token) {
            const req = parseTimestampRequest(bytes); // throws ERR_TSP_INVALID for anything else
            const result = {
              type: 'request',
              hash: req.imprint.hash ?? req.imprint.hashOid,
              digest: toHex(req.imprint.digest),
              ...(req.nonce ? { nonce: req.nonce } : {}),
              ...(req.policy ? { policy: req.policy } : {}),
              certReq: req.certReq,
            };
            if (wantsJson(command)) return writeJson(ctx.io, result);
            ctx.io.stdout(
              table([
                ['type', 'timestamp request'],
                ['imprint', `${result.hash} ${result.digest}`],
                ['nonce', result.nonce],
                ['policy', result.policy],
                ['certReq', result.certReq ? 'yes' : 'no'],
              ]),
            );
            return;
          }
          let verification: TimestampVerification | undefined;
          if (token && (options.data !== undefined || options.digest !== undefined || options.ca)) {
            verification = await verifyTimestampToken(token, {
              ...(options.data !== undefined ? { data: readInputFile(options.data) } : {}),
              ...(options.digest !== undefined ? { digest: options.digest } : {}),
              ...(options.ca
                ? {
                    trustAnchors: await Promise.all(
                      options.ca.map(async (f) => (await loadCertificate(f)).certificate),
                    ),
                  }
                : {}),
            });
            if (!verification.valid) ctx.exitCode = EXIT_INVALID;
          }
          const info = token ? parseTimestampToken(token).info : undefined;
          const result = {
            type: response ? 'response' : 'token',
            ...(response
              ? {
                  status: response.status,
                  failInfo: response.failInfo,
                  statusStrings: response.statusStrings,
                }
              : {}),
            ...(info ? { token: infoJson(info) } : {}),
            ...(verification
              ? {
                  verification: {
                    valid: verification.valid,
                    failures: verification.failures,
                    ...(verification.message ? { message: verification.message } : {}),
                  },
                }
              : {}),
          };
          if (wantsJson(command)) return writeJson(ctx.io, result);
          ctx.io.stdout(
            table([
              ['type', response ? 'timestamp response' : 'timestamp token'],
              [
                'status',
                response
                  ? `${response.status}${response.failInfo.length ? ` (${response.failInfo.join(', ')})` : ''}`
                  : undefined,
              ],
              ...(info ? infoRows(info) : []),
              [
                'verified',
                verification
                  ? verification.valid
                    ? 'yes'
                    : `NO: ${verification.reason} (${verification.message})`
                  : undefined,
              ],
            ]),
          );
        });
      },
    );
}
