/**
 * `kzpki ca migrate-store --from sqlite:./var/ca.sqlite --to postgres://...`: moves a stopped
 * SQLite CA into an empty PostgreSQL database (`copySqliteToPostgres` of `@kzpki/ca-store`: every
 * table in one transaction, row counts, the revocation sequence and the audit hash chain checked
 * before the commit). The SQLite file is only read; keep it as the backup of the move.
 *
 * Exit codes: 0 copied; 1 refused (the target holds a CA already, the source is missing or of
 * another schema version); 2 usage (a location of the wrong kind).
 */
import { resolve } from 'node:path';
import type { StoreLocation } from '@kzpki/ca';
import {
  CliError,
  type Context,
  EXIT_OK,
  guarded,
  table,
  wantsJson,
  writeJson,
} from '@kzpki/cli/command-kit';
import type { Command } from 'commander';

/** Exit code of a refused copy. */
const EXIT_REFUSED = 1;

/**
 * Parses a store location given as an option value.
 * @throws {CliError} `ERR_USAGE` (exit 2) for a location that is not understood.
 */
export function locationOption(
  parse: (text: string) => StoreLocation,
  value: string,
  option: string,
): StoreLocation {
  try {
    return parse(value);
  } catch (e) {
    throw new CliError('ERR_USAGE', `${option}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
}

/** Adds `migrate-store` to the `ca` command group. */
export function registerMigrateStore(ca: Command, ctx: Context): void {
  ca.command('migrate-store')
    .description(
      'copy a stopped SQLite CA into an empty PostgreSQL database (keys, certificates, revocations, CRLs, sessions, audit chain), checked before the commit',
    )
    .option('--from <location>', 'the SQLite store: sqlite:<path> (default: the ca.sqlite of --data-dir)')
    .option('--data-dir <dir>', 'data directory of the default --from (default: $KZPKI_DATA_DIR or ./var)')
    .option(
      '--to <url>',
      'the PostgreSQL database: postgres://user@host:5432/db (default: $KZPKI_DATABASE_URL)',
    )
    .option('--json', 'print the result as JSON')
    .action(async (options: { from?: string; dataDir?: string; to?: string }, command: Command) => {
      await guarded(ctx, command, async () => {
        const {
          caStorePath,
          copySqliteToPostgres,
          describeStoreLocation,
          isCaStoreError,
          openPgCaStore,
          parseStoreLocation,
        } = await import('@kzpki/ca');
        const dataDir = resolve(options.dataDir ?? process.env.KZPKI_DATA_DIR ?? './var');
        const from = locationOption(
          parseStoreLocation,
          options.from ?? `sqlite:${caStorePath(dataDir)}`,
          '--from',
        );
        const toText = options.to ?? (process.env.KZPKI_DATABASE_URL || undefined);
        if (toText === undefined)
          throw new CliError('ERR_USAGE', '--to: give the PostgreSQL database (postgres://...)');
        const to = locationOption(parseStoreLocation, toText, '--to');
        if (from.kind !== 'sqlite')
          throw new CliError('ERR_USAGE', '--from: the source must be a SQLite store (sqlite:<path>)');
        if (to.kind !== 'postgres')
          throw new CliError('ERR_USAGE', '--to: the target must be a PostgreSQL database (postgres://...)');
        if (!wantsJson(command)) {
          ctx.io.stderr(`Copying ${from.path} into ${describeStoreLocation(to)} (stop the CA first)...\n`);
        }
        let target: Awaited<ReturnType<typeof openPgCaStore>> | undefined;
        try {
          target = await openPgCaStore(to.url, { onError: () => {} });
          const report = await copySqliteToPostgres(resolve(from.path), target);
          ctx.exitCode = EXIT_OK;
          if (wantsJson(command)) {
            return writeJson(ctx.io, { ok: true, from: from.path, to: describeStoreLocation(to), ...report });
          }
          ctx.io.stdout(
            `${table([
              ...Object.entries(report.tables).map(([name, rows]): [string, string] => [name, String(rows)]),
              ['revocation sequence', String(report.revocationSeq)],
              ['audit chain', `${report.auditEntries} entries, verified`],
            ])}\nNow start the CA and the status service on it: npx kzpki start --database ${describeStoreLocation(to)}\n`,
          );
        } catch (e) {
          if (!isCaStoreError(e)) throw e;
          ctx.exitCode = EXIT_REFUSED;
          if (wantsJson(command)) return writeJson(ctx.io, { ok: false, code: e.code, message: e.message });
          ctx.io.stderr(`kzpki: ${e.message} [${e.code}]\n`);
        } finally {
          await target?.close();
        }
      });
    });
}
