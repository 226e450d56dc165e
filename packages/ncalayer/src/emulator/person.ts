/**
 * The person in front of the emulated NCALayer: who picks a key file, types its password, or
 * cancels. Scripted for tests and CI ({@link scriptedPerson}), or asked in a terminal
 * ({@link terminalPerson}).
 */
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { PURPOSE_EKU } from '../signer-params.js';
import { type KeyFileEntry, type KeyRequirements, type OpenedKey, openKeyFile } from './keys.js';

const SIGN_EKU = PURPOSE_EKU.sign;
const AUTH_EKU = PURPOSE_EKU.auth;

/** What NCALayer shows the person: which site asks what, and the key files there are. */
export interface KeyPrompt {
  /** Origin of the page asking (the WebSocket's Origin header), when known. */
  origin: string | undefined;
  /** The request, e.g. `basics.sign (cms, 2 documents)`. */
  what: string;
  /** The filters of the request. */
  requirements: KeyRequirements;
  /** The key files of the folder. */
  files: KeyFileEntry[];
  /**
   * Which files meet the request, opened with `password` (what the person would see after typing
   * it); files that do not open with it are left out.
   */
  suitable(password: string): Promise<OpenedKey[]>;
}

/** The person's answer: a key file and the password typed, or cancel. */
export type KeyChoice = { action: 'cancel' } | { action: 'choose'; file: KeyFileEntry; password: string };

/** The person at the keyboard. */
export interface Person {
  /** Picks a key file and types a password, or cancels. */
  choose(prompt: KeyPrompt): Promise<KeyChoice>;
  /**
   * The password typed was wrong (NCALayer says so in its dialog): try another, or give up
   * (`undefined`: NCALayer then answers as for a cancel). `attempt` counts from 1.
   */
  retryPassword(file: KeyFileEntry, attempt: number): Promise<string | undefined>;
}

/** How a {@link scriptedPerson} behaves. */
export interface PersonScript {
  /** `approve` (default): picks a key and types the right password; `cancel`; `wrong-password`: types a wrong one, then gives up. */
  user?: 'approve' | 'cancel' | 'wrong-password';
  /** The password the person knows (the key files' password). */
  password: string;
  /** Pick this file (name or path). */
  key?: string;
  /** Pick a key of this IIN. */
  iin?: string;
  /** Pick a key with this role: a template-style name (`first-manager`, `individual`, …) or a role OID. */
  role?: string;
}

/**
 * A person who follows a script: picks the key the script names (or the first that meets the
 * request), types the password, or cancels, or mistypes the password and gives up.
 * @example
 * ```ts
 * const person = scriptedPerson({ password: 'Qwerty12', iin: '871008401427' });
 * ```
 */
export function scriptedPerson(script: PersonScript): Person {
  const user = script.user ?? 'approve';
  const typed = user === 'wrong-password' ? `${script.password}-mistyped` : script.password;
  return {
    async choose(prompt) {
      if (user === 'cancel') return { action: 'cancel' };
      const wantedFile = script.key;
      const byName = wantedFile
        ? prompt.files.filter(
            (f) => f.name === wantedFile || f.path === wantedFile || f.name === basename(wantedFile),
          )
        : prompt.files;
      if (wantedFile && byName.length === 0) return { action: 'cancel' }; // the file is not there
      const wanted = (k: OpenedKey) =>
        (!script.iin || k.info.iin === script.iin) &&
        (!script.role ||
          k.info.roles.includes(script.role as never) ||
          k.info.roleOids.includes(script.role));
      // The person knows the password, so sees the certificates and picks a suitable key; when none
      // of the wanted keys suits the request, picks a wanted one anyway and NCALayer refuses it.
      const suitable = (await prompt.suitable(script.password)).filter(
        (k) => byName.includes(k.file) && wanted(k),
      );
      let file = suitable[0]?.file;
      if (!file) {
        for (const f of byName) {
          try {
            if (wanted(await openKeyFile(f, script.password))) {
              file = f;
              break;
            }
          } catch {
            // another password: not one of this person's files
          }
        }
      }
      if (!file) return { action: 'cancel' };
      return { action: 'choose', file, password: typed };
    },
    async retryPassword() {
      return undefined; // the scripted person has no other password: gives up
    },
  };
}

function basename(path: string): string {
  return path.split(/[\\/]/).pop() ?? path;
}

/** Streams of a {@link terminalPerson} (default: the process's). */
export interface TerminalStreams {
  input?: Readable;
  output?: Writable;
}

/**
 * A person asked in a terminal: the emulator prints what the site asks and the key files, and
 * reads the choice and the password (not echoed when the input is a TTY).
 */
export function terminalPerson(streams: TerminalStreams = {}): Person {
  const input = streams.input ?? process.stdin;
  const output = streams.output ?? process.stdout;
  let queue: Promise<unknown> = Promise.resolve();
  // One dialog at a time, as NCALayer shows them.
  const serial = <T>(f: () => Promise<T>): Promise<T> => {
    const run = queue.then(f, f);
    queue = run.catch(() => undefined);
    return run;
  };
  const ask = (question: string, secret = false): Promise<string> =>
    new Promise((resolve) => {
      const rl = createInterface({ input, output, terminal: (input as { isTTY?: boolean }).isTTY === true });
      if (secret && (input as { isTTY?: boolean }).isTTY) {
        // Print the question, then stop echoing what is typed.
        output.write(question);
        (rl as unknown as { _writeToOutput: (s: string) => void })._writeToOutput = () => {};
        rl.question('', (answer) => {
          output.write('\n');
          rl.close();
          resolve(answer);
        });
        return;
      }
      rl.question(question, (answer) => {
        rl.close();
        resolve(answer);
      });
    });
  return {
    choose(prompt) {
      return serial(async () => {
        const r = prompt.requirements;
        const eku = r.extKeyUsageOids ?? [];
        const purpose =
          r.purpose !== 'any'
            ? r.purpose
            : eku.includes(SIGN_EKU)
              ? 'sign'
              : eku.includes(AUTH_EKU)
                ? 'auth'
                : 'any';
        const roles = eku.filter((o) => o !== SIGN_EKU && o !== AUTH_EKU);
        const filters = [
          purpose !== 'any' ? `a ${purpose.toUpperCase()} key` : 'any key',
          r.iin ? `IIN ${r.iin}` : '',
          r.bin ? `BIN ${r.bin}` : '',
          roles.length ? `roles ${roles.join(' ')}` : '',
          r.chain === 'any' ? 'test keys admitted' : '',
        ].filter(Boolean);
        output.write(
          `\n[NCALayer emulator] ${prompt.origin ?? 'a page'} asks: ${prompt.what}, ${filters.join(', ')}\n`,
        );
        prompt.files.forEach((f, i) => {
          output.write(`  ${i + 1}) ${f.name}\n`);
        });
        if (prompt.files.length === 0) output.write('  (no key files in the folder)\n');
        const n = Number((await ask(`Key file 1-${prompt.files.length}, or Enter to cancel: `)).trim());
        const file = Number.isInteger(n) ? prompt.files[n - 1] : undefined;
        if (!file) return { action: 'cancel' as const };
        const password = await ask(`Password for ${file.name}: `, true);
        return { action: 'choose' as const, file, password };
      });
    },
    retryPassword(file, attempt) {
      return serial(async () => {
        output.write(`[NCALayer emulator] wrong password for ${file.name} (attempt ${attempt})\n`);
        if (attempt >= 3) return undefined;
        const password = await ask('Password again (Enter to cancel): ', true);
        return password === '' ? undefined : password;
      });
    },
  };
}
