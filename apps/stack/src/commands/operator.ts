/**
 * `kzpki ca operator issue|list|revoke|rotate` (issue 10 #6): NCA operators' key files, made and
 * revoked on the CA's host (the store and `KZPKI_CA_PASSPHRASE`; never over the API). `issue`
 * writes a PKCS #12 key file (0600, in a 0700 directory) whose AUTH certificate carries the
 * NCA-operator role; `revoke` ends the operator's sessions at once and puts the certificate on
 * the CRL; `rotate` issues a new key file and revokes the old one as superseded.
 *
 * Exit codes: 0 done; 1 refused (no such operator, already revoked, a password the NCA rule
 * refuses); 2 usage.
 */
import { join, resolve } from 'node:path';
import {
  CliError,
  type Context,
  EXIT_OK,
  secretOption,
  table,
  wantsJson,
  writeJson,
  writeKeyFile,
} from '@kzpki/cli/command-kit';
import { type Command, Option } from 'commander';
import { guardedCa } from './ca-refusal.js';

interface StoreOptions {
  dataDir?: string;
  database?: string;
}

/** Opens the CA store and its keys (the issuing CA signs operator certificates). */
async function openCa(options: StoreOptions) {
  const { caStorePath, DEV_CA_PASSPHRASE, loadCaMaterial, openCaRepository } = await import('@kzpki/ca');
  const dataDir = resolve(options.dataDir ?? process.env.KZPKI_DATA_DIR ?? './var');
  const database = options.database ?? (process.env.KZPKI_DATABASE_URL || undefined);
  const store = await openCaRepository(database ?? `sqlite:${caStorePath(dataDir)}`);
  return {
    store,
    material: () =>
      loadCaMaterial(store, { passphrase: process.env.KZPKI_CA_PASSPHRASE || DEV_CA_PASSPHRASE }),
  };
}

const storeOptions = (c: Command): Command =>
  c
    .option('--data-dir <dir>', 'data directory (default: $KZPKI_DATA_DIR or ./var)')
    .option(
      '--database <url>',
      'the store instead: postgres://... or sqlite:<path> (default: $KZPKI_DATABASE_URL)',
    );

const keyOptions = (c: Command): Command =>
  c
    .requiredOption(
      '--password <password>',
      'password of the new key file (NCA rule; `-` reads it from standard input)',
    )
    .requiredOption('--out <dir>', 'directory for the key file (created 0700; the file is 0600)')
    .addOption(
      new Option('--key-algorithm <alg>', 'key algorithm')
        .choices(['RSA-2048', 'RSA-3072', 'ECDSA-P256'])
        .default('RSA-2048'),
    )
    .addOption(
      new Option('--key-format <format>', 'PKCS #12 format').choices(['modern', 'legacy']).default('modern'),
    );

interface KeyOptions {
  password: string;
  out: string;
  keyAlgorithm: 'RSA-2048' | 'RSA-3072' | 'ECDSA-P256';
  keyFormat: 'modern' | 'legacy';
}

/** Adds `operator` to the `ca` command group. */
export function registerOperator(ca: Command, ctx: Context): void {
  const operator = ca
    .command('operator')
    .description(
      "NCA operators' key files: issue, list, revoke, rotate (on the CA's host, with KZPKI_CA_PASSPHRASE)",
    );

  keyOptions(
    storeOptions(
      operator
        .command('issue')
        .description('issue an operator AUTH certificate (NCA-operator role) into a new key file')
        .requiredOption('--iin <iin>', "the operator's IIN")
        .requiredOption('--surname <surname>', 'surname')
        .requiredOption('--given-name <name>', 'given name')
        .option('--patronymic <patronymic>', 'patronymic'),
    ),
  )
    .option('--json', 'print the result as JSON')
    .action(
      async (
        options: StoreOptions &
          KeyOptions & { iin: string; surname: string; givenName: string; patronymic?: string },
        command: Command,
      ) => {
        await guardedCa(ctx, command, async () => {
          const password = (await secretOption(ctx, options.password)) ?? '';
          const { issueOperator } = await import('@kzpki/ca');
          const { store, material } = await openCa(options);
          try {
            const op = await issueOperator(store, await material(), {
              person: {
                surname: options.surname,
                givenName: options.givenName,
                ...(options.patronymic !== undefined ? { patronymic: options.patronymic } : {}),
                iin: options.iin,
              },
              password,
              keyAlgorithm: options.keyAlgorithm,
              keyFormat: options.keyFormat,
            });
            const path = join(resolve(options.out), op.fileName);
            writeKeyFile(path, op.keyFile);
            ctx.exitCode = EXIT_OK;
            const result = {
              serialHex: op.certificate.serialHex,
              subject: op.certificate.subject,
              notAfter: op.certificate.notAfter.toISOString(),
              file: path,
            };
            if (wantsJson(command)) return writeJson(ctx.io, result);
            ctx.io.stdout(
              table([
                ['operator key file', path],
                ['subject', result.subject],
                ['serial', result.serialHex],
                ['valid until', result.notAfter],
              ]),
            );
          } finally {
            await store.close();
          }
        });
      },
    );

  storeOptions(operator.command('list').description('list the operator certificates and their status'))
    .option('--json', 'print the list as JSON')
    .action(async (options: StoreOptions, command: Command) => {
      await guardedCa(ctx, command, async () => {
        const { listOperators } = await import('@kzpki/ca');
        const { store } = await openCa(options);
        try {
          const list = await listOperators(store);
          ctx.exitCode = EXIT_OK;
          if (wantsJson(command)) {
            return writeJson(ctx.io, {
              operators: list.map((o) => ({
                ...o,
                notBefore: o.notBefore.toISOString(),
                notAfter: o.notAfter.toISOString(),
                ...(o.revokedAt ? { revokedAt: o.revokedAt.toISOString() } : {}),
              })),
            });
          }
          for (const o of list) {
            ctx.io.stdout(
              `${o.serialHex}  ${o.status.padEnd(7)}  ${o.notAfter.toISOString().slice(0, 10)}  ${o.subject}${o.builtIn ? '  (built-in: key in the database)' : ''}\n`,
            );
          }
        } finally {
          await store.close();
        }
      });
    });

  storeOptions(
    operator
      .command('revoke')
      .description('revoke an operator certificate: its sessions end at once, the CRL and OCSP say so')
      .argument('<serial>', 'serial number (hex)'),
  )
    .addOption(
      new Option('--reason <reason>', 'RFC 5280 reason')
        .choices([
          'cessationOfOperation',
          'keyCompromise',
          'superseded',
          'affiliationChanged',
          'privilegeWithdrawn',
          'unspecified',
        ])
        .default('cessationOfOperation'),
    )
    .option('--json', 'print the result as JSON')
    .action(
      async (
        serial: string,
        options: StoreOptions & {
          reason:
            | 'cessationOfOperation'
            | 'keyCompromise'
            | 'superseded'
            | 'affiliationChanged'
            | 'privilegeWithdrawn'
            | 'unspecified';
        },
        command: Command,
      ) => {
        await guardedCa(ctx, command, async () => {
          if (!/^[0-9a-fA-F]+$/.test(serial)) throw new CliError('ERR_USAGE', `not a hex serial: ${serial}`);
          const { revokeOperator } = await import('@kzpki/ca');
          const { store } = await openCa(options);
          try {
            const c = await revokeOperator(store, serial, { reason: options.reason });
            ctx.exitCode = EXIT_OK;
            const result = {
              serialHex: c.serialHex,
              status: c.status,
              reason: c.reason,
              revokedAt: c.revokedAt?.toISOString(),
            };
            if (wantsJson(command)) return writeJson(ctx.io, result);
            ctx.io.stdout(`${c.serialHex}: revoked (${c.reason}); its sessions have ended\n`);
          } finally {
            await store.close();
          }
        });
      },
    );

  keyOptions(
    storeOptions(
      operator
        .command('rotate')
        .description(
          'issue a new key file for the operator of a certificate, and revoke the old one as superseded',
        )
        .argument('<serial>', 'serial number (hex) of the current certificate'),
    ),
  )
    .option('--json', 'print the result as JSON')
    .action(async (serial: string, options: StoreOptions & KeyOptions, command: Command) => {
      await guardedCa(ctx, command, async () => {
        if (!/^[0-9a-fA-F]+$/.test(serial)) throw new CliError('ERR_USAGE', `not a hex serial: ${serial}`);
        const password = (await secretOption(ctx, options.password)) ?? '';
        const { rotateOperator } = await import('@kzpki/ca');
        const { store, material } = await openCa(options);
        try {
          const op = await rotateOperator(store, await material(), serial, {
            password,
            keyAlgorithm: options.keyAlgorithm,
            keyFormat: options.keyFormat,
          });
          const path = join(resolve(options.out), op.fileName);
          writeKeyFile(path, op.keyFile);
          ctx.exitCode = EXIT_OK;
          const result = { serialHex: op.certificate.serialHex, file: path, revoked: op.revoked.serialHex };
          if (wantsJson(command)) return writeJson(ctx.io, result);
          ctx.io.stdout(
            `new key file ${path} (serial ${result.serialHex}); ${result.revoked} revoked (superseded)\n`,
          );
        } finally {
          await store.close();
        }
      });
    });
}
