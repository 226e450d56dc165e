/**
 * File modes of the store on disk: the data directory is created 0700 and the database with its
 * WAL and shared-memory files are 0600, whatever the umask says. SQLite creates `-wal` and `-shm`
 * with the mode of the database file, so the database is created 0600 before SQLite opens it, and
 * files left looser by an older version are tightened on open. (On Windows, modes are not POSIX
 * permissions and these calls change nothing; protect the folder with its ACL.)
 */
import { chmodSync, closeSync, existsSync, mkdirSync, openSync, statSync } from 'node:fs';

/** Mode of the data directory. */
export const DATA_DIR_MODE = 0o700;
/** Mode of the database, its WAL and shared-memory files, and key files. */
export const PRIVATE_FILE_MODE = 0o600;

/** The SQLite files of a database: the database, its write-ahead log and shared memory. */
export function sqliteFiles(path: string): string[] {
  return [path, `${path}-wal`, `${path}-shm`, `${path}-journal`];
}

/** Tightens an existing file to 0600 when group or others may read or write it. */
function tighten(path: string): void {
  if (process.platform === 'win32' || !existsSync(path)) return;
  if ((statSync(path).mode & 0o077) !== 0) chmodSync(path, PRIVATE_FILE_MODE);
}

/**
 * Creates the database file 0600 when it does not exist yet, and tightens it (and its WAL, shared
 * memory and journal) when it does: call before SQLite opens it.
 * @example
 * ```ts
 * protectDatabaseFiles('./var/ca.sqlite');
 * const db = new Database('./var/ca.sqlite');
 * ```
 */
export function protectDatabaseFiles(path: string): void {
  if (!existsSync(path)) closeSync(openSync(path, 'a', PRIVATE_FILE_MODE));
  for (const f of sqliteFiles(path)) tighten(f);
}

/**
 * Creates a data directory 0700 (with missing parents). An existing directory is left as it is,
 * since it may be shared (the current directory, say); the result says when others can enter it,
 * for the caller to warn about. The files inside are 0600 either way.
 * @example
 * ```ts
 * const { warning } = createDataDirectory('./var');
 * if (warning) console.warn(warning);
 * ```
 */
export function createDataDirectory(dir: string): { created: boolean; warning?: string } {
  if (!existsSync(dir)) {
    mkdirSync(dir, { recursive: true, mode: DATA_DIR_MODE });
    // mkdir applies the umask; a umask that removes owner bits is not ours to honour here.
    if (process.platform !== 'win32') chmodSync(dir, DATA_DIR_MODE);
    return { created: true };
  }
  if (process.platform !== 'win32' && (statSync(dir).mode & 0o077) !== 0) {
    return {
      created: false,
      warning: `The data directory ${dir} is open to other users (mode ${(statSync(dir).mode & 0o777).toString(8)}); its files are 0600, but consider chmod 700 ${dir}`,
    };
  }
  return { created: false };
}
