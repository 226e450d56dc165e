/**
 * The reference stack, loaded at run time. `kzpki start` (the reference CA, the status service and
 * the portal together) and `kzpki ca` run server code that lives in `@kzpki/stack`, a private app
 * of the kzpki repository, not in this package: a published package must not depend on the apps.
 * The CLI looks for `@kzpki/stack` in the project of the current directory (a kzpki checkout,
 * whose root package.json lists it) and, when found, adds its commands; elsewhere `start` and
 * `ca` explain where they run and exit with code 2.
 *
 * This file is the contract between the two: {@link StackModule} is what the stack exports, and
 * the demo persons ({@link DemoPersonas}) are what `kzpki testpack` needs from it.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { TemplateName } from '@kzpki/pki';
import type { Command } from 'commander';
import type { Context } from './context.js';
import { CliError } from './errors.js';

/** The package name of the reference stack. */
export const STACK_PACKAGE = '@kzpki/stack';

/** Version of the {@link StackModule} contract this CLI speaks. */
export const STACK_CONTRACT = 1;

/** The commands the reference stack adds, with what `--help` says of them when it is absent. */
export const STACK_COMMANDS: ReadonlyArray<{ name: string; description: string }> = [
  {
    name: 'start',
    description: 'run the reference CA, the status service and the portal locally (from a kzpki checkout)',
  },
  {
    name: 'ca',
    description:
      'the reference CA: `ca init` creates its TEST hierarchy, `ca operator` issues and revokes operator key files (from a kzpki checkout)',
  },
  {
    name: 'audit',
    description:
      "the reference CA's audit log: `audit verify` checks it against its signed checkpoints (from a kzpki checkout)",
  },
];

/** How to get the reference stack. */
export const STACK_HINT =
  'clone the kzpki repository and run `npx -y pnpm@10.34.9 install && npx -y pnpm@10.34.9 start` in it; ' +
  '`npx kzpki ...` run inside the checkout finds the stack';

/** A person to enroll with a template (a demo person of the reference CA's simulated registries). */
export interface Persona {
  template: TemplateName;
  iin: string;
  bin?: string;
  /** "SURNAME GIVEN PATRONYMIC". */
  name: string;
  organization?: string;
  /** For legal-entity templates that need approval: the first manager of the same BIN. */
  approverIin?: string;
}

/** A person whose flow goes some other way (no phone, moderation). */
export interface SpecialPerson {
  iin: string;
  name: string;
  note: string;
}

/** The demo personas: one per template, and the special cases. */
export interface DemoPersonas {
  byTemplate: Partial<Record<TemplateName, Persona>>;
  special: SpecialPerson[];
  /** First managers, by BIN. */
  firstManagers: Map<string, Persona>;
}

/** What `@kzpki/stack` exports as `stack` for the CLI. */
export interface StackModule {
  /** The contract version, {@link STACK_CONTRACT}. */
  readonly contract: number;
  /** Adds the stack's command groups (`start`, `ca`) to the program. */
  registerCommands(program: Command, ctx: Context): void;
  /** The demo persons of the reference CA (test-only NCA identifiers only with `testOnly`). */
  loadDemoPersonas(options?: { testOnly?: boolean }): Promise<DemoPersonas>;
}

/** The outcome of looking for the stack: the module, or why it is not there and what to do. */
export type StackLoad = { ok: true; stack: StackModule } | { ok: false; reason: string; hint: string };

function isStackModule(m: unknown): m is StackModule {
  const s = m as Partial<StackModule> | null;
  return (
    typeof s === 'object' &&
    s !== null &&
    typeof s.registerCommands === 'function' &&
    typeof s.loadDemoPersonas === 'function'
  );
}

/**
 * Looks for `@kzpki/stack` from `cwd` (as Node does: `cwd/node_modules`, then the parent
 * folders) and imports its `stack` export. Never throws: a missing, unbuilt or mismatched stack
 * is a `reason` with a `hint`.
 *
 * @example
 * ```ts
 * const found = await loadStack();
 * if (found.ok) await found.stack.loadDemoPersonas();
 * ```
 */
export async function loadStack(cwd: string = process.cwd()): Promise<StackLoad> {
  const rebuild = 'run `npx -y pnpm@10.34.9 build` in the checkout';
  const dir = packageDirFrom(resolve(cwd));
  if (!dir)
    return { ok: false, reason: `${STACK_PACKAGE} is not installed in this project`, hint: STACK_HINT };
  let entry = '';
  try {
    // A self-reference from the package's own folder: its `exports` map decides the entry.
    entry = createRequire(join(dir, 'package.json')).resolve(STACK_PACKAGE);
  } catch {}
  if (!entry || !existsSync(entry)) {
    return { ok: false, reason: `${STACK_PACKAGE} in ${dir} is not built`, hint: rebuild };
  }
  let loaded: unknown;
  try {
    loaded = ((await import(pathToFileURL(entry).href)) as { stack?: unknown }).stack;
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    return { ok: false, reason: `${STACK_PACKAGE} could not be loaded (${why})`, hint: rebuild };
  }
  if (!isStackModule(loaded) || loaded.contract !== STACK_CONTRACT) {
    return {
      ok: false,
      reason: `${entry} does not speak version ${STACK_CONTRACT} of the stack contract`,
      hint: 'use the CLI of the same checkout (`npx kzpki ...` inside it)',
    };
  }
  return { ok: true, stack: loaded };
}

/** The stack `main()` found for this run (a reason when it did not look: the program was built directly). */
export function stackOf(ctx: Context): StackLoad {
  return (
    ctx.stack ?? {
      ok: false,
      reason: 'the reference stack was not looked for',
      hint: 'run kzpki through main()',
    }
  );
}

/**
 * The folder of `@kzpki/stack` as Node would find it from `from`: `node_modules/@kzpki/stack` in
 * `from` or the nearest parent that has one. Deliberately not `require.resolve`, which also
 * searches `NODE_PATH` (package-manager shims set it to their whole store).
 */
function packageDirFrom(from: string): string | undefined {
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', ...STACK_PACKAGE.split('/'));
    if (existsSync(join(candidate, 'package.json'))) return candidate;
    if (dirname(dir) === dir) return undefined;
  }
}

/**
 * The usage error of a command that needs the stack when it is absent (exit code 2).
 *
 * @param what What the command does with the stack, after "kzpki <name> ".
 */
export function stackUnavailable(
  load: Extract<StackLoad, { ok: false }>,
  name: string,
  what: string,
): CliError {
  return new CliError('ERR_STACK_UNAVAILABLE', `kzpki ${name} ${what}, and ${load.reason}: ${load.hint}`);
}
