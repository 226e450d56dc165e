/** An in-memory {@link Io} for running `main()` in-process. */
import { tmpdir } from 'node:os';
import { type Io, loadStack, main, type StackLoad } from '../src/index.js';

/** What one CLI run printed and returned. */
export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** What `loadStack` finds outside a kzpki checkout (the temp folder has no `@kzpki/stack`). */
export const NO_STACK: StackLoad = await loadStack(tmpdir());

/**
 * Runs `kzpki <args>` in-process; `stdin` is what standard input holds. The reference stack is
 * absent unless given, as for a user of the published package.
 */
export async function run(args: string[], stdin = '', stack: StackLoad = NO_STACK): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const io: Io = {
    stdout: (text) => {
      stdout += text;
    },
    stderr: (text) => {
      stderr += text;
    },
    readStdin: async () => stdin,
  };
  const code = await main(['node', 'kzpki', ...args], io, { stack });
  return { code, stdout, stderr };
}
