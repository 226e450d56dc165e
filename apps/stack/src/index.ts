/**
 * `@kzpki/stack`: the reference stack of the kzpki repository. It starts the reference CA
 * (`@kzpki/ca`), the status service (`@kzpki/status`) and the browser portal (`@kzpki/portal`)
 * together, and holds the server-side commands `kzpki start` and `kzpki ca init`.
 *
 * The published CLI (`@kzpki/cli`) does not depend on this app: it loads `stack` below at run
 * time from the project of the current directory (the repository root lists this app), so
 * `npx kzpki start` works inside a checkout and explains itself elsewhere.
 * @packageDocumentation
 */
import { type Context, STACK_CONTRACT, type StackModule } from '@kzpki/cli';
import type { Command } from 'commander';
import { register as registerAudit } from './commands/audit.js';
import { register as registerCa } from './commands/ca.js';
import { register as registerStart } from './commands/start.js';
import { loadDemoPersonas } from './demo-persons.js';

export { register as registerAudit } from './commands/audit.js';
export { register as registerCa } from './commands/ca.js';
export { banner, nextStopSignal, register as registerStart } from './commands/start.js';
export { demoPersonas, loadDemoPersonas } from './demo-persons.js';
export { freePort, type RunningServices, type ServicesOptions, startServices } from './services.js';

/** Adds `start` and `ca` to the `kzpki` program. */
export function registerCommands(program: Command, ctx: Context): void {
  registerStart(program, ctx);
  registerCa(program, ctx);
  registerAudit(program, ctx);
}

/** What the CLI loads (see `StackModule` in `@kzpki/cli`). */
export const stack: StackModule = { contract: STACK_CONTRACT, registerCommands, loadDemoPersonas };
