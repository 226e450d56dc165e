/**
 * `kzpki audit verify` and `kzpki audit checkpoint` (issue 10 #7): the reference CA's audit log
 * against its signed checkpoints (`verifyAuditLog` of `@kzpki/ca`). `verify` reads the store and,
 * with `--anchors`, the checkpoint file kept outside the database; `--ca-certificate` pins the
 * certificate the checkpoints must be signed with (the published issuing CA certificate), so that
 * a database whose CA certificate was replaced does not vouch for itself. `checkpoint` signs one
 * now (it needs the CA passphrase, `KZPKI_CA_PASSPHRASE`).
 *
 * Exit codes: 0 the log verifies; 1 it does not (each finding printed); 2 usage.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { type Context, EXIT_OK, table, wantsJson, writeJson } from '@kzpki/cli/command-kit';
import type { Command } from 'commander';
import { guardedCa } from './ca-refusal.js';

/** Exit code of a log that does not verify. */
const EXIT_TAMPERED = 1;

/** Where the store is: `--database`, `$KZPKI_DATABASE_URL`, or the SQLite file of the data directory. */
async function openStore(options: { dataDir?: string; database?: string }) {
  const { caStorePath, openCaRepository } = await import('@kzpki/ca');
  const dataDir = resolve(options.dataDir ?? process.env.KZPKI_DATA_DIR ?? './var');
  const database = options.database ?? (process.env.KZPKI_DATABASE_URL || undefined);
  const store = await openCaRepository(database ?? `sqlite:${caStorePath(dataDir)}`);
  return { store, dataDir };
}

/** Adds the `audit` command group to `program`. */
export function register(program: Command, ctx: Context): void {
  const audit = program
    .command('audit')
    .description("the reference CA's audit log and its signed checkpoints");

  audit
    .command('verify')
    .description(
      'check the audit log against its signed checkpoints: deleted, inserted or rewritten entries, missing checkpoints (exit 1)',
    )
    .option('--data-dir <dir>', 'data directory (default: $KZPKI_DATA_DIR or ./var)')
    .option(
      '--database <url>',
      'the store instead: postgres://... or sqlite:<path> (default: $KZPKI_DATABASE_URL)',
    )
    .option(
      '--anchors <file>',
      'the checkpoint file kept outside the database (default: <data-dir>/audit-checkpoints.jsonl when it exists)',
    )
    .option(
      '--ca-certificate <file>',
      'the issuing CA certificate (PEM or DER) the checkpoints must be signed with (default: the one in the store)',
    )
    .option('--json', 'print the report as JSON')
    .action(
      async (
        options: { dataDir?: string; database?: string; anchors?: string; caCertificate?: string },
        command: Command,
      ) => {
        await guardedCa(ctx, command, async () => {
          const { AUDIT_ANCHOR_FILE, parseAnchors, verifyAuditLog } = await import('@kzpki/ca');
          const { certificateToDer } = await import('@kzpki/pki');
          const { store, dataDir } = await openStore(options);
          try {
            const anchorFile = options.anchors ?? join(dataDir, AUDIT_ANCHOR_FILE);
            const anchors =
              options.anchors !== undefined || existsSync(anchorFile)
                ? parseAnchors(readFileSync(anchorFile, 'utf8'))
                : undefined;
            const caCertificate =
              options.caCertificate !== undefined
                ? certificateToDer(readFileSync(options.caCertificate))
                : undefined;
            const report = await verifyAuditLog(store, {
              ...(anchors ? { anchors } : {}),
              ...(caCertificate ? { caCertificate } : {}),
            });
            ctx.exitCode = report.ok ? EXIT_OK : EXIT_TAMPERED;
            if (wantsJson(command)) return writeJson(ctx.io, { ...report, anchors: anchors?.length ?? 0 });
            ctx.io.stdout(
              table([
                ['audit log', report.ok ? 'verified' : 'TAMPERED'],
                ['entries', String(report.entries)],
                [
                  'checkpoints',
                  `${report.checkpoints}${report.lastCheckpoint ? ` (newest ${report.lastCheckpoint.seq} at ${report.lastCheckpoint.at})` : ''}`,
                ],
                ['after the newest checkpoint', `${report.unanchoredEntries} entries (hash chain only)`],
                ['anchor file', anchors ? `${anchors.length} checkpoints from ${anchorFile}` : 'none'],
                [
                  'signatures checked against',
                  caCertificate ? (options.caCertificate ?? '') : 'the issuing CA certificate in the store',
                ],
              ]),
            );
            for (const p of report.problems) ctx.io.stdout(`${p.kind}: ${p.detail}\n`);
          } finally {
            await store.close();
          }
        });
      },
    );

  audit
    .command('checkpoint')
    .description(
      'sign a checkpoint of the audit log now (needs KZPKI_CA_PASSPHRASE; the CA also signs them every few minutes)',
    )
    .option('--data-dir <dir>', 'data directory (default: $KZPKI_DATA_DIR or ./var)')
    .option(
      '--database <url>',
      'the store instead: postgres://... or sqlite:<path> (default: $KZPKI_DATABASE_URL)',
    )
    .option(
      '--anchors <file>',
      'the checkpoint file to append to (default: <data-dir>/audit-checkpoints.jsonl)',
    )
    .option('--json', 'print the result as JSON')
    .action(async (options: { dataDir?: string; database?: string; anchors?: string }, command: Command) => {
      await guardedCa(ctx, command, async () => {
        const { AUDIT_ANCHOR_FILE, createAuditCheckpoint, DEV_CA_PASSPHRASE, loadCaMaterial } = await import(
          '@kzpki/ca'
        );
        const { store, dataDir } = await openStore(options);
        try {
          const material = await loadCaMaterial(store, {
            passphrase: process.env.KZPKI_CA_PASSPHRASE || DEV_CA_PASSPHRASE,
          });
          const made = await createAuditCheckpoint(store, material.issuing, {
            anchorFile: options.anchors ?? join(dataDir, AUDIT_ANCHOR_FILE),
          });
          ctx.exitCode = EXIT_OK;
          const result = made
            ? { created: true, seq: made.seq, auditId: made.auditId, entries: made.entries }
            : { created: false };
          if (wantsJson(command)) return writeJson(ctx.io, result);
          ctx.io.stdout(
            made
              ? `checkpoint ${made.seq}: ${made.entries} entries up to id ${made.auditId}\n`
              : 'nothing new since the last checkpoint\n',
          );
        } finally {
          await store.close();
        }
      });
    });
}
