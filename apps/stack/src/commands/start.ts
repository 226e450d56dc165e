/**
 * `kzpki start`: the reference CA, the status service and the portal in this process, on SQLite
 * in `KZPKI_DATA_DIR` (default `./var`), with the demo registries; prints the URLs, the demo
 * persons and ready-to-paste `npx kzpki ...` commands; Ctrl-C stops everything cleanly.
 */

import type { DemoPersonas } from '@kzpki/cli';
import { CliError, type Context, EXIT_OK, guarded, integerIn, table } from '@kzpki/cli/command-kit';
import { TEMPLATES } from '@kzpki/pki';
import { type Command, Option } from 'commander';
import { loadDemoPersonas } from '../demo-persons.js';
import { decideExposure } from '../exposure.js';
import { type RunningServices, startServices } from '../services.js';

/** Resolves with the signal's name on the first SIGINT or SIGTERM. */
export function nextStopSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const stop = (signal: NodeJS.Signals): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve(signal);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

/** The start-up banner. */
export function banner(s: RunningServices, testMode: boolean, personas: DemoPersonas): string {
  const caUrl = s.caUrl;
  const rows = Object.values(personas.byTemplate).map(
    (p) =>
      `  ${p.template.padEnd(14)} ${p.iin}  ${p.bin ?? '            '}  ${p.name}${p.organization ? `, ${p.organization}` : ''}`,
  );
  const special = personas.special.map(
    (p) => `  ${''.padEnd(14)} ${p.iin}                ${p.name}: ${p.note}`,
  );
  const example = personas.byTemplate.individual;
  const employee = personas.byTemplate.employee;
  const manager = personas.byTemplate['first-manager'];
  return [
    'kzpki reference CA (TEST hierarchy, trusted by nobody) is running.',
    '',
    table([
      ['portal (open in a browser)', s.portalUrl],
      ['CA API', `${caUrl}/v1 (spec: openapi/ca.yaml)`],
      ['docs', `${caUrl}/docs/ (once \`npx -y pnpm@10.34.9 run docs\` has built them)`],
      ['status service', `${s.statusUrl} (spec: openapi/status.yaml)`],
      ['OCSP', `${s.statusUrl}/ocsp`],
      ['CRLs', `${s.statusUrl}/crl/kzpki-test-issuing-rsa.crl, ${s.statusUrl}/crl/kzpki-test-root-rsa.crl`],
      [
        'CRLs (GOST-2015)',
        `${s.statusUrl}/crl/kzpki-test-issuing-gost.crl, ${s.statusUrl}/crl/kzpki-test-root-gost.crl`,
      ],
      [
        'TSA (RFC 3161)',
        `${s.statusUrl}/tsp (policies 1.2.398.3.3.2.6.2 RSA, 1.2.398.3.3.2.6.4 GOST-2015 for Streebog imprints)`,
      ],
      ...(s.verifyUrl
        ? ([['verification service', `${s.verifyUrl} (spec: openapi/verify.yaml)`]] as [string, string][])
        : []),
      ...((s.ca.context.config.devMode
        ? [
            ['dev SMS outbox', `${caUrl}/v1/dev/sms-outbox?iin=<IIN> (one-time codes from 1414)`],
            [
              'dev e-mail outbox',
              `${caUrl}/v1/dev/email-outbox?iin=<IIN> (notifications to the form's e-mail)`,
            ],
          ]
        : [
            [
              'one-time codes',
              `${s.smsSpool ?? 'the SMS gateway'} (dev mode off: readable by this user only)`,
            ],
          ]) as [string, string][]),
      ['data', s.store],
      ['test mode', testMode ? 'on: NCA test identifiers, backdated validity (expired test keys)' : 'off'],
    ]),
    '',
    'Demo persons (templates, IIN, BIN):',
    ...rows,
    ...special,
    '',
    'Try (from the repository root, in another terminal):',
    ...(example
      ? [
          `  npx kzpki enroll --ca-url ${caUrl} --template individual --iin ${example.iin} --password Qwerty12 --out ./keys/individual`,
        ]
      : []),
    ...(manager && employee
      ? [
          `  npx kzpki enroll --ca-url ${caUrl} --template first-manager --iin ${manager.iin} --bin ${manager.bin} --password Qwerty12 --out ./keys/manager`,
          `  npx kzpki enroll --ca-url ${caUrl} --template employee --iin ${employee.iin} --bin ${employee.bin} --password Qwerty12 --out ./keys/employee --approver ./keys/manager --approver-password Qwerty12`,
        ]
      : []),
    `  npx kzpki testpack --ca-url ${caUrl} --out ./testpack`,
    '',
    `Templates: ${Object.keys(TEMPLATES).join(', ')}. Press Ctrl-C to stop.`,
    '',
  ].join('\n');
}

/** Adds the `start` command to `program`. */
export function register(program: Command, ctx: Context): void {
  program
    .command('start')
    .description(
      'run the reference CA, the status service and the portal locally (SQLite in KZPKI_DATA_DIR, default ./var, or PostgreSQL with --database)',
    )
    .option('--port <port>', 'CA API port (0: any free port)', integerIn(0, 65535), 8080)
    .option('--status-port <port>', 'status service port (0: any free port)', integerIn(0, 65535), 8081)
    .option('--portal-port <port>', 'browser portal port (0: any free port)', integerIn(0, 65535), 8082)
    .option('--no-portal', 'do not serve the browser portal')
    .option('--verify-port <port>', 'verification service port (0: any free port)', integerIn(0, 65535), 8083)
    .option('--no-verify', 'do not run the verification service')
    .option('--host <address>', 'listen address', '127.0.0.1')
    .option('--data-dir <dir>', 'data directory (default: $KZPKI_DATA_DIR or ./var)')
    .option(
      '--database <url>',
      'the store: postgres://user@host:5432/db (more CA and status processes may join it) or sqlite:<path> (default: $KZPKI_DATABASE_URL, else SQLite in the data directory)',
    )
    .option('--no-test-mode', 'refuse NCA test identifiers and backdated validity')
    .option(
      '--dev',
      'dev mode: the SMS outbox with every one-time code and phone registration (default on loopback)',
    )
    .option(
      '--no-dev',
      'no dev endpoints (also KZPKI_DEV_MODE=0): one-time codes go to <data-dir>/sms-outbox.log',
    )
    .option(
      '--insecure-dev-mode',
      'keep dev mode on a network --host: ANYONE who reaches the CA reads every one-time code and registers phones',
    )
    .option(
      '--insecure-public-passphrase',
      'allow the public development passphrases on a network --host: anyone with a copy of the data opens the CA keys',
    )
    .option(
      '--trusted-proxy <address...>',
      'reverse proxies whose X-Forwarded-For names the client (default: loopback when the portal runs; also KZPKI_TRUSTED_PROXIES)',
    )
    .addOption(
      new Option('--ca-key-algorithm <alg>', 'key algorithm of a new root and issuing CA')
        .choices(['RSA-4096', 'RSA-3072', 'RSA-2048'])
        .default('RSA-4096'),
    )
    .action(
      async (
        options: {
          port: number;
          statusPort: number;
          portalPort: number;
          portal: boolean;
          verifyPort: number;
          verify: boolean;
          host: string;
          dataDir?: string;
          database?: string;
          testMode: boolean;
          caKeyAlgorithm: 'RSA-4096' | 'RSA-3072' | 'RSA-2048';
          dev?: boolean;
          insecureDevMode?: boolean;
          insecurePublicPassphrase?: boolean;
          trustedProxy?: string[];
        },
        command: Command,
      ) => {
        await guarded(ctx, command, async () => {
          // Before anything starts: what this address may expose (issue 10 #3).
          const exposure = await decideExposure({
            host: options.host,
            dev: options.dev,
            insecureDevMode: options.insecureDevMode === true,
            insecurePublicPassphrase: options.insecurePublicPassphrase === true,
            env: process.env,
          });
          for (const note of exposure.notes) ctx.io.stderr(`note: ${note}\n`);
          const envProxies = (process.env.KZPKI_TRUSTED_PROXIES ?? '')
            .split(',')
            .map((p) => p.trim())
            .filter((p) => p !== '');
          const trustedProxies = options.trustedProxy ?? (envProxies.length > 0 ? envProxies : undefined);
          const dataDir = options.dataDir ?? process.env.KZPKI_DATA_DIR ?? './var';
          const database = options.database ?? (process.env.KZPKI_DATABASE_URL || undefined);
          const { describeStoreLocation, isCaStoreError, parseStoreLocation } = await import('@kzpki/ca');
          if (database !== undefined) {
            try {
              parseStoreLocation(database);
            } catch (e) {
              if (isCaStoreError(e, 'ERR_STORE_LOCATION'))
                throw new CliError('ERR_USAGE', `--database: ${e.message}`);
              throw e;
            }
          }
          ctx.io.stderr(
            `Starting on ${database !== undefined ? describeStoreLocation(database) : dataDir} (the first start creates the CA keys; RSA-4096 takes a moment)...\n`,
          );
          const services = await startServices({
            dataDir,
            ...(database !== undefined ? { database } : {}),
            ...(process.env.KZPKI_CA_PASSPHRASE ? { passphrase: process.env.KZPKI_CA_PASSPHRASE } : {}),
            ...(process.env.KZPKI_STATUS_PASSPHRASE
              ? { statusPassphrase: process.env.KZPKI_STATUS_PASSPHRASE }
              : {}),
            host: options.host,
            caPort: options.port,
            statusPort: options.statusPort,
            portalPort: options.portal ? options.portalPort : false,
            verifyPort: options.verify ? options.verifyPort : false,
            ...(process.env.KZPKI_STATUS_PUBLIC_URL
              ? { statusPublicUrl: process.env.KZPKI_STATUS_PUBLIC_URL }
              : {}),
            testMode: options.testMode,
            devMode: exposure.devMode,
            ...(trustedProxies ? { trustedProxies } : {}),
            caKeyAlgorithm: options.caKeyAlgorithm,
            logError: (message, error) =>
              ctx.io.stderr(`${message}: ${error instanceof Error ? error.message : error}\n`),
          }).catch((e: unknown) => {
            const code = (e as NodeJS.ErrnoException).code;
            if (code !== 'EADDRINUSE' && code !== 'EACCES') throw e;
            throw new CliError(
              'ERR_USAGE',
              `cannot listen (${code}): ${(e as Error).message}; choose --port / --status-port / --portal-port / --verify-port`,
              {
                cause: e,
              },
            );
          });
          for (const w of services.warnings) ctx.io.stderr(`warning: ${w}\n`);
          ctx.io.stdout(
            banner(services, options.testMode, await loadDemoPersonas({ testOnly: options.testMode })),
          );
          const signal = await nextStopSignal();
          ctx.io.stderr(`\n${signal}: stopping...\n`);
          await services.close();
          ctx.io.stderr('stopped\n');
          ctx.exitCode = EXIT_OK;
        });
      },
    );
}
