/** `kzpki` in-process with this app's sources as the reference stack, writing to memory. */
import { type Io, main } from '@kzpki/cli';
import { stack } from '../src/index.js';

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
  const code = await main(['node', 'kzpki', ...args], io, { stack: { ok: true, stack } });
  return { code, stdout, stderr };
}
