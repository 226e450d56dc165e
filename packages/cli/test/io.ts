/** An in-memory {@link Io} for running `main()` in-process. */
import { type Io, main } from '../src/index.js';

/** What one CLI run printed and returned. */
export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `kzpki <args>` in-process; `stdin` is what standard input holds. */
export async function run(args: string[], stdin = ''): Promise<Run> {
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
  const code = await main(['node', 'kzpki', ...args], io);
  return { code, stdout, stderr };
}
