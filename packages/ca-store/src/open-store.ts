/**
 * One way to say where the store is, for every program that opens it (the CA, the status service,
 * `kzpki start`, `kzpki ca ...`): a location string.
 *
 * | location | store |
 * | --- | --- |
 * | `postgres://user@host:5432/db`, `postgresql://...` | PostgreSQL (several CA and status processes) |
 * | `sqlite:./var/ca.sqlite`, `sqlite:/abs/ca.sqlite`, or a plain path | SQLite (one CA process) |
 * | `sqlite:./var/ca.sqlite?synchronous=normal` | SQLite, commits not fsynced (`OpenCaStoreOptions.synchronous`: safe from a crash of the process, not from a power loss) |
 */
import { CaStoreError } from './errors.js';
import { type OpenPgCaStoreOptions, openPgCaStore } from './pg/pg-repository.js';
import { type OpenPgStatusStoreOptions, openPgStatusStore } from './pg/status-store.js';
import type { CaRepository, StatusStore } from './repository.js';
import type { SqliteSynchronous } from './sqlite/group-commit.js';
import { openCaStore, openStatusStore } from './sqlite-repository.js';

/** A parsed store location. */
export type StoreLocation =
  | {
      kind: 'sqlite';
      path: string;
      /** `?synchronous=normal|full` of a `sqlite:` location (see `OpenCaStoreOptions.synchronous`). */
      synchronous?: SqliteSynchronous;
    }
  | { kind: 'postgres'; url: string };

/**
 * Parses a store location.
 * @throws {CaStoreError} `ERR_STORE_LOCATION` for an empty location or an unknown scheme.
 * @example
 * ```ts
 * parseStoreLocation('postgres://kzpki@127.0.0.1/kzpki'); // { kind: 'postgres', url: ... }
 * parseStoreLocation('sqlite:./var/ca.sqlite'); // { kind: 'sqlite', path: './var/ca.sqlite' }
 * ```
 */
export function parseStoreLocation(location: string): StoreLocation {
  const text = location.trim();
  if (/^postgres(ql)?:\/\//i.test(text)) return { kind: 'postgres', url: text };
  if (/^sqlite:/i.test(text)) {
    const [rest = '', query] = text.slice('sqlite:'.length).split(/\?(?=[^?]*$)/);
    const path = rest.replace(/^\/\/(?=\/)/, '');
    if (path === '') throw new CaStoreError('ERR_STORE_LOCATION', 'sqlite: needs a file path');
    if (query === undefined) return { kind: 'sqlite', path };
    const params = new URLSearchParams(query);
    const synchronous = params.get('synchronous')?.toLowerCase();
    params.delete('synchronous');
    if ((synchronous !== 'full' && synchronous !== 'normal') || [...params.keys()].length > 0) {
      throw new CaStoreError(
        'ERR_STORE_LOCATION',
        `Unknown sqlite: location parameters ?${query}: the one parameter is synchronous=full or synchronous=normal`,
      );
    }
    return { kind: 'sqlite', path, synchronous };
  }
  if (text === '' || /^[a-z][a-z0-9+.-]*:\/\//i.test(text)) {
    throw new CaStoreError(
      'ERR_STORE_LOCATION',
      `Unknown store location ${JSON.stringify(describeStoreLocation(text))}: use postgres://..., sqlite:<path> or a file path`,
    );
  }
  return { kind: 'sqlite', path: text };
}

/**
 * A location for messages: the password of a URL replaced by `***`.
 * @example
 * ```ts
 * describeStoreLocation('postgres://ca:secret@db/kzpki'); // 'postgres://ca:***@db/kzpki'
 * ```
 */
export function describeStoreLocation(location: string | StoreLocation): string {
  const text =
    typeof location === 'string' ? location : location.kind === 'postgres' ? location.url : location.path;
  return text.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/@]*):[^@/]*@/i, '$1:***@');
}

/** Options of {@link openCaRepository}. */
export type OpenCaRepositoryOptions = OpenPgCaStoreOptions;

/**
 * Opens (and migrates) the CA store at a location.
 * @example
 * ```ts
 * const store = await openCaRepository(process.env.KZPKI_DATABASE_URL ?? 'sqlite:./var/ca.sqlite');
 * ```
 */
export async function openCaRepository(
  location: string | StoreLocation,
  options: OpenCaRepositoryOptions = {},
): Promise<CaRepository> {
  const loc = typeof location === 'string' ? parseStoreLocation(location) : location;
  if (loc.kind === 'postgres') return openPgCaStore(loc.url, options);
  return openCaStore(loc.path, {
    ...(options.now ? { now: options.now } : {}),
    ...(options.pageSize ? { pageSize: options.pageSize } : {}),
    ...(loc.synchronous ? { synchronous: loc.synchronous } : {}),
  });
}

/** Options of {@link openStatusRepository}. */
export type OpenStatusRepositoryOptions = OpenPgStatusStoreOptions;

/**
 * Opens the status service's read-only view of the store at a location (the CA must have created
 * it).
 * @example
 * ```ts
 * const status = await openStatusRepository('postgres://status@db/kzpki');
 * ```
 */
export async function openStatusRepository(
  location: string | StoreLocation,
  options: OpenStatusRepositoryOptions = {},
): Promise<StatusStore> {
  const loc = typeof location === 'string' ? parseStoreLocation(location) : location;
  if (loc.kind === 'postgres') return openPgStatusStore(loc.url, options);
  return openStatusStore(loc.path, options.now ? { now: options.now } : {});
}
