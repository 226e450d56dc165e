/**
 * `kzpki testpack`: a complete test pack made against a running CA, like the NCA's SDK test
 * packs but fresh and local: for every template a valid, a revoked and an expired pair of key
 * files, the CA certificates, the current CRLs, and `index.json` (see `support/testpack.ts`).
 */
import { resolve } from 'node:path';
import type { EnrollKeyAlgorithm, KeyFileFormat } from '@kzpki/client';
import { TEMPLATES, type TemplateName } from '@kzpki/pki';
import { type Command, InvalidArgumentError, Option } from 'commander';
import { type Context, EXIT_OK, wantsJson, writeJson } from '../context.js';
import { stackOf, stackUnavailable } from '../stack.js';
import { defaultCaUrl } from './enroll.js';
import { guarded } from './support/failure.js';
import { createProgress } from './support/progress.js';
import { secretOption } from './support/secret-input.js';
import { makeTestPack, PACK_STATES, type PackState, planTestPack } from './support/testpack.js';

/** A comma-separated subset of `allowed`. */
function listOf<T extends string>(allowed: readonly T[]): (value: string) => T[] {
  return (value) => {
    const items = value
      .split(',')
      .map((v) => v.trim())
      .filter(Boolean);
    const bad = items.filter((v) => !allowed.includes(v as T));
    if (items.length === 0 || bad.length > 0) {
      throw new InvalidArgumentError(`expected a comma-separated list of ${allowed.join(', ')}`);
    }
    return [...new Set(items)] as T[];
  };
}

/** Adds the `testpack` command to `program`. */
export function register(program: Command, ctx: Context): void {
  program
    .command('testpack')
    .description(
      "make a test pack against a running CA: valid, revoked and expired key files for every template, an information system's key file per first manager's organisation in each state (GOST packs), CA certificates, CRLs and index.json; exit code 0 when complete, 1 on failure",
    )
    .addOption(
      new Option('--ca-url <url>', 'CA base URL').default(
        defaultCaUrl(),
        '$KZPKI_CA_URL or http://127.0.0.1:8080',
      ),
    )
    .requiredOption('--out <dir>', 'folder of the pack (must be empty, or use --force)')
    .option(
      '--password <password>',
      'password of every key file ("-" reads it from standard input)',
      'Qwerty12',
    )
    .option(
      '--templates <list>',
      'only these templates (comma-separated)',
      listOf(Object.keys(TEMPLATES) as TemplateName[]),
    )
    .option(
      '--states <list>',
      'only these states (comma-separated: valid,revoked,expired)',
      listOf(PACK_STATES),
    )
    .addOption(
      new Option('--key-format <format>', 'PKCS#12 profile: legacy (as the NCA files) or modern (AES-256)')
        .choices(['legacy', 'modern'])
        .default('legacy'),
    )
    .addOption(
      new Option(
        '--key-algorithm <alg>',
        'key algorithm of every entry: GOST-2015-512 (legal entities only) or an RSA/ECDSA AUTH + SIGN pair (RSA-2048: the layout of the older NCA generation)',
      )
        .choices(['GOST-2015-512', 'RSA-2048', 'RSA-3072', 'RSA-4096', 'ECDSA-P256', 'ECDSA-P384'])
        .default(undefined, 'GOST-2015-512 for legal-entity templates, RSA-2048 for individual'),
    )
    .option(
      '--with-chain',
      "also put the CA chain into every key file (by default each holds its own certificate only, as the NCA's; the chain is in ca/)",
    )
    .option('--force', 'replace the pack already in --out')
    .option('--json', 'print index.json on stdout when done')
    .action(
      async (
        options: {
          caUrl: string;
          out: string;
          password: string;
          templates?: TemplateName[];
          states?: PackState[];
          keyFormat: KeyFileFormat;
          keyAlgorithm?: EnrollKeyAlgorithm;
          withChain?: boolean;
          force?: boolean;
        },
        command: Command,
      ) => {
        await guarded(ctx, command, async () => {
          const stack = stackOf(ctx);
          if (!stack.ok) {
            throw stackUnavailable(stack, 'testpack', 'enrolls the demo persons of the reference stack');
          }
          const password = (await secretOption(ctx, options.password)) as string;
          const outDir = resolve(options.out);
          const templates = options.templates ?? (Object.keys(TEMPLATES) as TemplateName[]);
          const states = options.states ?? [...PACK_STATES];
          const personas = await stack.stack.loadDemoPersonas({ testOnly: false });
          const progress = createProgress(ctx.io, {
            total: planTestPack(personas, templates, states).length + 2,
          });
          let index: Awaited<ReturnType<typeof makeTestPack>>;
          try {
            index = await makeTestPack({
              caUrl: options.caUrl,
              outDir,
              password,
              templates,
              states,
              keyFormat: options.keyFormat,
              ...(options.keyAlgorithm ? { keyAlgorithm: options.keyAlgorithm } : {}),
              ...(options.withChain ? { includeChain: true } : {}),
              force: options.force === true,
              personas,
              progress,
            });
          } finally {
            progress.stop();
          }
          ctx.exitCode = EXIT_OK;
          if (wantsJson(command)) return writeJson(ctx.io, index);
          const pairs = index.entries.filter((e) => e.role === 'subject').length;
          ctx.io.stdout(
            `Test pack in ${outDir}: ${pairs} pairs of key files (${templates.length} templates x ${states.join('/')}), ` +
              `${index.informationSystems?.length ? `${index.informationSystems.length} information-system key file(s), ` : ''}` +
              `${index.ca.length} CA certificates, ${index.crls.length} CRLs; password ${password}; see index.json\n`,
          );
        });
      },
    );
}
