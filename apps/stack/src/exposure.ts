/**
 * What `kzpki start` may expose on its listen address. Dev mode (an anonymous SMS outbox with every
 * one-time code, phone registration) and the public development passphrases are fine on loopback,
 * where only this machine's users reach the services. On any other address they hand the CA to
 * whoever reaches it, so there dev mode is off by default, asking for it is refused, and so are
 * the public passphrases, unless the user says so with flags that name the risk.
 */
import { CliError } from '@kzpki/cli/command-kit';

/** `true`/`false` for the usual spellings of a boolean environment variable, `undefined` when unset. */
function envFlag(value: string | undefined): boolean | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  return ['1', 'true', 'yes', 'on'].includes(value.trim().toLowerCase());
}

/** Input of {@link decideExposure}. */
export interface ExposureInput {
  host: string;
  /** `--dev` (true), `--no-dev` (false), neither (undefined). */
  dev: boolean | undefined;
  /** `--insecure-dev-mode`. */
  insecureDevMode: boolean;
  /** `--insecure-public-passphrase`. */
  insecurePublicPassphrase: boolean;
  /** The environment (`KZPKI_DEV_MODE`, `KZPKI_CA_PASSPHRASE`, `KZPKI_STATUS_PASSPHRASE`, `KZPKI_INSECURE_*`). */
  env: Readonly<Record<string, string | undefined>>;
}

/** What {@link decideExposure} allows. */
export interface Exposure {
  devMode: boolean;
  /** Whether every listener is on loopback. */
  loopback: boolean;
  /** Things to tell the user at start. */
  notes: string[];
}

/**
 * Decides dev mode for `kzpki start`, and refuses what is unsafe on a network address.
 * @throws {CliError} `ERR_USAGE` for dev mode or a public development passphrase on a network
 *   address without the matching `--insecure-…` flag.
 * @example
 * ```ts
 * await decideExposure({ host: '0.0.0.0', dev: undefined, insecureDevMode: false, insecurePublicPassphrase: false, env: { KZPKI_CA_PASSPHRASE: 's', KZPKI_STATUS_PASSPHRASE: 't' } });
 * // { devMode: false, loopback: false, notes: [...] }
 * ```
 */
export async function decideExposure(input: ExposureInput): Promise<Exposure> {
  // Loaded here: the CLI's other commands need no HTTP kit.
  const { isLoopbackHost } = await import('@kzpki/server-kit');
  const { host, env } = input;
  const requested = input.dev ?? envFlag(env.KZPKI_DEV_MODE);
  const insecureDev = input.insecureDevMode || envFlag(env.KZPKI_INSECURE_DEV_MODE) === true;
  const insecurePassphrase =
    input.insecurePublicPassphrase || envFlag(env.KZPKI_INSECURE_PUBLIC_PASSPHRASE) === true;
  if (isLoopbackHost(host)) return { devMode: requested ?? true, loopback: true, notes: [] };

  const notes: string[] = [];
  const publicPassphrases = [
    ...(env.KZPKI_CA_PASSPHRASE ? [] : ['KZPKI_CA_PASSPHRASE']),
    ...(env.KZPKI_STATUS_PASSPHRASE ? [] : ['KZPKI_STATUS_PASSPHRASE']),
  ];
  if (publicPassphrases.length > 0) {
    if (!insecurePassphrase) {
      throw new CliError(
        'ERR_USAGE',
        `--host ${host} is a network address, and ${publicPassphrases.join(' and ')} ${publicPassphrases.length > 1 ? 'are' : 'is'} not set: ` +
          'the keys would be encrypted with a passphrase published in this repository, so anyone who gets a copy of the data directory or database opens the CA keys. ' +
          `Set ${publicPassphrases.join(' and ')} (from a secret store), or accept this with --insecure-public-passphrase.`,
      );
    }
    notes.push(
      `--insecure-public-passphrase: the keys are encrypted with the public development passphrase on a network address (${publicPassphrases.join(', ')} not set)`,
    );
  }
  if (requested === true && !insecureDev) {
    throw new CliError(
      'ERR_USAGE',
      `--host ${host} is a network address: dev mode there lets anyone who reaches the CA read every one-time code (GET /v1/dev/sms-outbox) and register phones, that is, take over any demo person's application. ` +
        'Start without dev mode (--no-dev, KZPKI_DEV_MODE=0), or accept this with --insecure-dev-mode.',
    );
  }
  if (insecureDev && requested !== false) {
    notes.push(
      '--insecure-dev-mode: anyone who reaches the CA reads every one-time code (/v1/dev/sms-outbox) and registers phones',
    );
    return { devMode: true, loopback: false, notes };
  }
  if (requested === undefined) {
    notes.push(
      `dev mode is off because --host ${host} is a network address (--insecure-dev-mode turns it on)`,
    );
  }
  return { devMode: false, loopback: false, notes };
}
