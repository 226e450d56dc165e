/**
 * Configuration of the CA server: defaults, and how the environment overrides them.
 *
 * | variable | meaning | default |
 * |---|---|---|
 * | `KZPKI_DATA_DIR` | directory of `ca.sqlite` | `./var` |
 * | `KZPKI_DATABASE_URL` | the store instead: `postgres://...` (several CA processes on one database) or `sqlite:<path>` | the SQLite file in `KZPKI_DATA_DIR` |
 * | `KZPKI_CA_PASSPHRASE` | passphrase of the CA keys at rest | {@link DEV_CA_PASSPHRASE} (warned about) |
 * | `KZPKI_STATUS_PASSPHRASE` | passphrase the OCSP responder keys are sealed under for the status service (give it the same) | `DEV_STATUS_PASSPHRASE` of `@kzpki/ca-store` (warned about) |
 * | `KZPKI_CA_HOST` / `KZPKI_CA_PORT` | listen address | `127.0.0.1` / `8080` |
 * | `KZPKI_STATUS_PUBLIC_URL` | status service URL written into certificates | `http://127.0.0.1:8081` |
 * | `KZPKI_DEV_MODE` | `1`: dev SMS outbox and phone registration endpoints | `1` on loopback, else `0` |
 * | `KZPKI_INSECURE_DEV_MODE` / `KZPKI_INSECURE_PUBLIC_PASSPHRASE` | `1`: allow dev mode / the public passphrases on a network address | refused |
 * | `KZPKI_TEST_MODE` | `1`: NCA test identifiers, backdated validity | `0` |
 * | `KZPKI_TRUSTED_PROXIES` | comma-separated proxies whose `X-Forwarded-For` is believed (addresses, CIDRs, `loopback`) | none |
 * | `KZPKI_APPLICATION_TTL_DAYS` | lifetime of unfinished applications | `30` (as the NCA) |
 */
import { isLoopbackHost } from '@kzpki/server-kit';
import { CaError } from './errors.js';
import { type Agreement, CURRENT_AGREEMENT } from './flow/agreement.js';
import { DEFAULT_RATE_LIMITS, type RateLimitName, type RateLimitRule } from './http/rate-limits.js';

/**
 * Passphrase used when `KZPKI_CA_PASSPHRASE` is not set. It is public, so keys stored under it are
 * protected by nothing but file permissions: fine for a local test CA, never for anything else.
 */
export const DEV_CA_PASSPHRASE = 'kzpki-dev-passphrase-NOT-SECRET';

/** Behaviour of the CA. */
export interface CaConfig {
  /** Dev endpoints (`/v1/dev/*`: SMS outbox, phone registration). */
  devMode: boolean;
  /** NCA test identifiers (check digit not enforced) and backdated validity on request. */
  testMode: boolean;
  /** Status service base URL written into certificates. */
  statusBaseUrl: string;
  /**
   * Reverse proxies whose `X-Forwarded-For` gives the client address (express `trust proxy`
   * syntax: addresses, CIDRs, `loopback`, `uniquelocal`). Empty (the default): the socket address,
   * and the header is ignored, so nobody picks their own rate-limit bucket. The portal is such a
   * proxy: it overwrites the header with the address it was called from.
   */
  trustedProxies: string[];
  otp: {
    /** Validity of a code (the NCA page counts down 90 s). */
    ttlSeconds: number;
    /** Wrong entries before the code is void. */
    maxAttempts: number;
    /** Seconds between two codes. */
    resendCooldownSeconds: number;
    /** Codes per application. */
    maxSends: number;
  };
  /** Unfinished applications expire after this many days (the NCA: 30). */
  applicationTtlDays: number;
  cabinetSessionTtlSeconds: number;
  operatorSessionTtlSeconds: number;
  /** Validity of login and installation challenges. */
  challengeTtlSeconds: number;
  /** Wrong PIN entries before the identification must be repeated. */
  pinMaxAttempts: number;
  /** Validity of end-entity certificates (the NCA: 1 year). */
  certificateValidityDays: number;
  rateLimits: Record<RateLimitName, RateLimitRule>;
  agreement: Agreement;
  /** Seconds between expiry sweeps (0: none; expiry still happens on access). */
  sweepIntervalSeconds: number;
  /** Seconds between signed audit checkpoints (0: none, not even at shutdown). */
  auditCheckpointIntervalSeconds: number;
}

/** The defaults. */
export function defaultConfig(): CaConfig {
  return {
    devMode: true,
    testMode: false,
    statusBaseUrl: 'http://127.0.0.1:8081',
    trustedProxies: [],
    otp: { ttlSeconds: 90, maxAttempts: 3, resendCooldownSeconds: 60, maxSends: 5 },
    applicationTtlDays: 30,
    cabinetSessionTtlSeconds: 8 * 3600,
    operatorSessionTtlSeconds: 8 * 3600,
    challengeTtlSeconds: 300,
    pinMaxAttempts: 3,
    certificateValidityDays: 365,
    rateLimits: { ...DEFAULT_RATE_LIMITS },
    agreement: CURRENT_AGREEMENT,
    sweepIntervalSeconds: 600,
    auditCheckpointIntervalSeconds: 300,
  };
}

/** Deep-enough merge of overrides into the defaults. */
export function resolveConfig(overrides: CaConfigOverrides = {}): CaConfig {
  const base = defaultConfig();
  return {
    ...base,
    ...overrides,
    otp: { ...base.otp, ...overrides.otp },
    rateLimits: { ...base.rateLimits, ...overrides.rateLimits },
  };
}

/** Partial configuration (nested objects partial too). */
export type CaConfigOverrides = Partial<Omit<CaConfig, 'otp' | 'rateLimits'>> & {
  otp?: Partial<CaConfig['otp']>;
  rateLimits?: Partial<Record<RateLimitName, RateLimitRule>>;
};

/** What the environment says, for `main.ts`. */
export interface EnvSettings {
  dataDir: string;
  /** Store location (`KZPKI_DATABASE_URL`), when set: `postgres://...` or `sqlite:<path>`. */
  database?: string;
  passphrase: string;
  /** Passphrase of the OCSP responder keys (`KZPKI_STATUS_PASSPHRASE`); absent: the development value. */
  statusPassphrase?: string;
  host: string;
  port: number;
  config: CaConfigOverrides;
  /** Warnings to print at start-up. */
  warnings: string[];
}

function flag(value: string | undefined, fallback: boolean): boolean {
  if (value === undefined || value === '') return fallback;
  return ['1', 'true', 'yes', 'on'].includes(value.toLowerCase());
}

/**
 * Reads {@link EnvSettings} from environment variables. On a network address (`KZPKI_CA_HOST` not
 * loopback) dev mode is off unless asked for, and asking for it, or leaving a passphrase at its
 * public development value, is refused unless `KZPKI_INSECURE_DEV_MODE=1` or
 * `KZPKI_INSECURE_PUBLIC_PASSPHRASE=1` says so (as `kzpki start` does with its flags).
 * @throws {CaError} `ERR_VALIDATION` for dev mode or a public passphrase on a network address.
 */
export function settingsFromEnv(env: Record<string, string | undefined> = process.env): EnvSettings {
  const warnings: string[] = [];
  const host = env.KZPKI_CA_HOST || '127.0.0.1';
  const network = !isLoopbackHost(host);
  const devRequested =
    env.KZPKI_DEV_MODE === undefined || env.KZPKI_DEV_MODE === ''
      ? undefined
      : flag(env.KZPKI_DEV_MODE, true);
  if (network) {
    const unset = ['KZPKI_CA_PASSPHRASE', 'KZPKI_STATUS_PASSPHRASE'].filter((name) => !env[name]);
    if (unset.length > 0 && !flag(env.KZPKI_INSECURE_PUBLIC_PASSPHRASE, false)) {
      throw new CaError(
        'ERR_VALIDATION',
        `KZPKI_CA_HOST=${host} is a network address and ${unset.join(' and ')} ${unset.length > 1 ? 'are' : 'is'} not set: ` +
          'anyone with a copy of the data would open the keys with the passphrase published in this repository. ' +
          `Set ${unset.join(' and ')}, or accept this with KZPKI_INSECURE_PUBLIC_PASSPHRASE=1.`,
      );
    }
    if (devRequested === true && !flag(env.KZPKI_INSECURE_DEV_MODE, false)) {
      throw new CaError(
        'ERR_VALIDATION',
        `KZPKI_CA_HOST=${host} is a network address: dev mode there lets anyone who reaches the CA read every one-time code and register phones. ` +
          'Unset KZPKI_DEV_MODE, or accept this with KZPKI_INSECURE_DEV_MODE=1.',
      );
    }
  }
  const passphrase = env.KZPKI_CA_PASSPHRASE || DEV_CA_PASSPHRASE;
  if (!env.KZPKI_CA_PASSPHRASE) {
    warnings.push(
      'KZPKI_CA_PASSPHRASE is not set: the CA keys are encrypted with the public development passphrase. ' +
        'Set it for anything but a local test CA.',
    );
  }
  if (!env.KZPKI_STATUS_PASSPHRASE) {
    warnings.push(
      'KZPKI_STATUS_PASSPHRASE is not set: the OCSP responder keys are sealed for the status service with the public development passphrase. ' +
        'Set it (and give the status service the same) for anything but a local test CA.',
    );
  }
  const port = Number(env.KZPKI_CA_PORT ?? 8080);
  const ttl =
    env.KZPKI_APPLICATION_TTL_DAYS === undefined ? undefined : Number(env.KZPKI_APPLICATION_TTL_DAYS);
  return {
    dataDir: env.KZPKI_DATA_DIR || './var',
    ...(env.KZPKI_DATABASE_URL ? { database: env.KZPKI_DATABASE_URL } : {}),
    passphrase,
    ...(env.KZPKI_STATUS_PASSPHRASE ? { statusPassphrase: env.KZPKI_STATUS_PASSPHRASE } : {}),
    host,
    port: Number.isInteger(port) && port >= 0 && port < 65536 ? port : 8080,
    config: {
      // On loopback dev mode is the default; on a network address only when insisted on (above).
      devMode: devRequested ?? (!network || flag(env.KZPKI_INSECURE_DEV_MODE, false)),
      testMode: flag(env.KZPKI_TEST_MODE, false),
      statusBaseUrl: env.KZPKI_STATUS_PUBLIC_URL || 'http://127.0.0.1:8081',
      trustedProxies: (env.KZPKI_TRUSTED_PROXIES ?? '')
        .split(',')
        .map((p) => p.trim())
        .filter((p) => p !== ''),
      ...(ttl !== undefined && Number.isFinite(ttl) && ttl > 0 ? { applicationTtlDays: ttl } : {}),
    },
    warnings,
  };
}
