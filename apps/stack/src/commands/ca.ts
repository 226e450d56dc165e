/**
 * `kzpki ca init`: creates the reference CA's TEST hierarchy (root, issuing CA, OCSP responder,
 * operator certificate; the GOST R 34.10-2015 root, issuing CA and responder beside them) in the
 * data directory or the database of `--database`, or reports the one
 * already there. The server does the same on its first start; this command lets a deployment
 * create the keys ahead of it. `kzpki ca migrate-store` (`migrate-store.ts`) moves a SQLite CA to
 * PostgreSQL.
 */
import { dirname, resolve } from 'node:path';
import type { CaCertificateInfo } from '@kzpki/ca';
import { type Context, EXIT_OK, guarded, table, wantsJson, writeJson } from '@kzpki/cli/command-kit';
import { type Command, Option } from 'commander';
import { locationOption, registerMigrateStore } from './migrate-store.js';
import { registerOperator } from './operator.js';

/** One CA certificate in the `ca init --json` output. */
export interface CaCertificateSummary {
  name: string;
  subject: string;
  serialHex: string;
  skiHex: string;
  notBefore: string;
  notAfter: string;
}

function summary(m: CaCertificateInfo): CaCertificateSummary {
  return {
    name: m.name,
    subject: m.subject,
    serialHex: m.serialHex,
    skiHex: m.skiHex,
    notBefore: m.notBefore.toISOString(),
    notAfter: m.notAfter.toISOString(),
  };
}

/** Adds the `ca` command group to `program`. */
export function register(program: Command, ctx: Context): void {
  const ca = program.command('ca').description('the reference CA');

  ca.command('init')
    .description(
      'create the TEST CA hierarchy in the data directory (no-op when it exists; renews expiring service certificates)',
    )
    .option('--data-dir <dir>', 'data directory (default: $KZPKI_DATA_DIR or ./var)')
    .option(
      '--database <url>',
      'the store instead of the data directory: postgres://user@host:5432/db or sqlite:<path> (default: $KZPKI_DATABASE_URL)',
    )
    .option(
      '--status-url <url>',
      'status service URL written into the CA certificates (default: $KZPKI_STATUS_PUBLIC_URL or http://127.0.0.1:8081)',
    )
    .addOption(
      new Option('--ca-key-algorithm <alg>', 'key algorithm of the root and issuing CA')
        .choices(['RSA-4096', 'RSA-3072', 'RSA-2048'])
        .default('RSA-4096'),
    )
    .option('--json', 'print the result as JSON')
    .action(
      async (
        options: {
          dataDir?: string;
          database?: string;
          statusUrl?: string;
          caKeyAlgorithm: 'RSA-4096' | 'RSA-3072' | 'RSA-2048';
        },
        command: Command,
      ) => {
        await guarded(ctx, command, async () => {
          const {
            caStorePath,
            createDataDirectory,
            DEV_CA_PASSPHRASE,
            describeStoreLocation,
            initCa,
            openCaRepository,
            parseStoreLocation,
          } = await import('@kzpki/ca');
          const dataDir = resolve(options.dataDir ?? process.env.KZPKI_DATA_DIR ?? './var');
          const location = locationOption(
            parseStoreLocation,
            options.database ?? (process.env.KZPKI_DATABASE_URL || `sqlite:${caStorePath(dataDir)}`),
            '--database',
          );
          const passphrase = process.env.KZPKI_CA_PASSPHRASE || DEV_CA_PASSPHRASE;
          if (passphrase === DEV_CA_PASSPHRASE) {
            ctx.io.stderr(
              'warning: KZPKI_CA_PASSPHRASE is not set: the CA keys are encrypted with the public development passphrase.\n',
            );
          }
          if (location.kind === 'sqlite') {
            const { warning } = createDataDirectory(dirname(resolve(location.path)));
            if (warning) ctx.io.stderr(`warning: ${warning}\n`);
          }
          const store = await openCaRepository(location);
          try {
            // Under the store's lock: CA processes starting meanwhile wait, then load what this made.
            const locked = await store.exclusive(
              'ca-init',
              () =>
                initCa(store, {
                  passphrase,
                  ...(process.env.KZPKI_STATUS_PASSPHRASE
                    ? { statusPassphrase: process.env.KZPKI_STATUS_PASSPHRASE }
                    : {}),
                  statusBaseUrl:
                    options.statusUrl ?? process.env.KZPKI_STATUS_PUBLIC_URL ?? 'http://127.0.0.1:8081',
                  keyAlgorithms: { root: options.caKeyAlgorithm, issuing: options.caKeyAlgorithm },
                }),
              { wait: true },
            );
            if (!locked.acquired) throw new Error('unreachable: a waiting lock is always acquired');
            const result = locked.value;
            const m = result.material;
            const certificates = [
              m.root,
              m.issuing,
              m.ocspResponder,
              m.operator,
              m.gostRoot,
              m.gostIssuing,
              m.gostOcspResponder,
            ].map(summary);
            ctx.exitCode = EXIT_OK;
            if (wantsJson(command)) {
              return writeJson(ctx.io, {
                dataDir,
                store: describeStoreLocation(location),
                created: result.created,
                renewed: result.renewed,
                certificates,
                timestampSigners: {
                  created: result.timestampSigners.created,
                  renewed: result.timestampSigners.renewed,
                  signers: result.timestampSigners.signers.map((t) => ({
                    name: t.name,
                    policy: t.policy,
                    serialHex: t.serialHex,
                    notAfter: t.notAfter.toISOString(),
                  })),
                },
              });
            }
            const what =
              result.created.length > 0
                ? `created ${result.created.join(', ')}`
                : result.renewed.length > 0
                  ? `renewed ${result.renewed.join(', ')}`
                  : 'already initialised, nothing to do';
            ctx.io.stdout(`${describeStoreLocation(location)}: ${what}\n`);
            const tsa = result.timestampSigners;
            for (const t of tsa.signers) {
              const change = tsa.created.includes(t.name)
                ? ' (created)'
                : tsa.renewed.includes(t.name)
                  ? ' (renewed)'
                  : '';
              ctx.io.stdout(
                `TSA of the status service (POST /tsp, key sealed for it): policy ${t.policy}, serial ${t.serialHex}, until ${t.notAfter.toISOString()}${change}\n`,
              );
            }
            for (const c of certificates) {
              ctx.io.stdout(
                `\n${c.name}:\n${table(
                  [
                    ['subject', c.subject],
                    ['serial', c.serialHex],
                    ['SKI', c.skiHex],
                    ['validity', `${c.notBefore} .. ${c.notAfter}`],
                  ],
                  '  ',
                )}`,
              );
            }
          } finally {
            await store.close();
          }
        });
      },
    );

  registerMigrateStore(ca, ctx);
  registerOperator(ca, ctx);
}
