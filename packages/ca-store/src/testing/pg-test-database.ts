/**
 * `@kzpki/ca-store/testing`: throw-away PostgreSQL databases for test suites and benchmarks. Each
 * call creates a uniquely named database (`kzpki_test_<random>`) on the server of
 * `KZPKI_TEST_PG_URL` (default `postgres://postgres@127.0.0.1:5432/postgres`, the development and
 * CI machines' trust-authenticated server) and drops it afterwards.
 *
 * When the server is not reachable, {@link probePostgres} says why, and suites skip with that
 * reason, except in CI (`CI=true`), where a missing database is a failure, never a skip.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** The administrative URL the test databases are created from. */
export function testServerUrl(env: Record<string, string | undefined> = process.env): string {
  return env.KZPKI_TEST_PG_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
}

/** Whether PostgreSQL-backed tests must run (CI) rather than skip. */
export function postgresRequired(env: Record<string, string | undefined> = process.env): boolean {
  return ['1', 'true', 'yes'].includes((env.CI ?? '').toLowerCase());
}

/** Outcome of {@link probePostgres}. */
export type PostgresProbe = { available: true; url: string } | { available: false; reason: string };

/**
 * Checks that the test server answers (2 s timeout).
 * @example
 * ```ts
 * const pgProbe = await probePostgres();
 * describe.skipIf(!pgProbe.available)('on PostgreSQL', () => { ... });
 * ```
 */
export async function probePostgres(url: string = testServerUrl()): Promise<PostgresProbe> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  client.on('error', () => {});
  try {
    await client.connect();
    await client.query('SELECT 1');
    return { available: true, url };
  } catch (e) {
    return {
      available: false,
      reason: `PostgreSQL is not reachable at ${url.replace(/:[^:@/]*@/, ':***@')} (${e instanceof Error ? e.message : e}); start it with \`pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start\` or set KZPKI_TEST_PG_URL`,
    };
  } finally {
    await client.end().catch(() => {});
  }
}

/**
 * {@link probePostgres}, reporting a skip once on stderr, and throwing in CI (where the suites must
 * not skip).
 */
export async function postgresForTests(label: string): Promise<PostgresProbe> {
  const probe = await probePostgres();
  if (!probe.available) {
    if (postgresRequired()) throw new Error(`${label}: ${probe.reason} (CI=true: not skipped)`);
    console.warn(`[${label}] SKIPPED on PostgreSQL: ${probe.reason}`);
  }
  return probe;
}

/** A database of its own for one suite. */
export interface PgTestDatabase {
  /** Its name (`kzpki_test_<hex>`). */
  name: string;
  /** Its connection URL. */
  url: string;
  /** Drops it, closing whatever connections are left. */
  drop(): Promise<void>;
}

/**
 * Creates an empty database of its own.
 * @example
 * ```ts
 * const db = await createPgTestDatabase();
 * const store = await openPgCaStore(db.url);
 * // ...
 * await store.close();
 * await db.drop();
 * ```
 */
export async function createPgTestDatabase(serverUrl: string = testServerUrl()): Promise<PgTestDatabase> {
  const name = `kzpki_test_${randomBytes(6).toString('hex')}`;
  const admin = async <T>(fn: (c: pg.Client) => Promise<T>): Promise<T> => {
    const c = new pg.Client({ connectionString: serverUrl, connectionTimeoutMillis: 5000 });
    c.on('error', () => {});
    await c.connect();
    try {
      return await fn(c);
    } finally {
      await c.end().catch(() => {});
    }
  };
  await admin((c) => c.query(`CREATE DATABASE ${name}`));
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    drop: () => admin(async (c) => void (await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`))),
  };
}
