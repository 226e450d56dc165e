/**
 * Which key file holds which certificate, as far as this browser knows: the files it built at
 * installation and the files opened here to log in or sign. The certificate list of the CA has
 * serial numbers only, so this is what lets a row say "RSA256_3f9a….p12". Only public facts are
 * kept (serial number, purpose, file name = the certificate's key identifier), in localStorage,
 * at most {@link MAX_ENTRIES}.
 */

/** What is remembered about one key file. */
export interface KnownKeyFile {
  serialHex: string;
  fileName: string;
}

const KEY = 'kzpki-portal-key-files';
/** Oldest entries are dropped beyond this many. */
export const MAX_ENTRIES = 64;

function read(storage: Storage): KnownKeyFile[] {
  try {
    const raw: unknown = JSON.parse(storage.getItem(KEY) ?? '[]');
    if (!Array.isArray(raw)) return [];
    return raw.filter(
      (e): e is KnownKeyFile =>
        typeof e === 'object' &&
        e !== null &&
        typeof (e as KnownKeyFile).serialHex === 'string' &&
        /^[0-9a-f]{1,64}$/.test((e as KnownKeyFile).serialHex) &&
        typeof (e as KnownKeyFile).fileName === 'string' &&
        /^[A-Za-z0-9_.-]{1,120}$/.test((e as KnownKeyFile).fileName),
    );
  } catch {
    return [];
  }
}

function defaultStorage(): Storage | undefined {
  try {
    return typeof localStorage === 'undefined' ? undefined : localStorage;
  } catch {
    return undefined;
  }
}

/** Remembers key files (newest last). */
export function rememberKeyFiles(files: KnownKeyFile[], storage = defaultStorage()): void {
  if (!storage) return;
  const norm = files.map((f) => ({ serialHex: f.serialHex.toLowerCase(), fileName: f.fileName }));
  const serials = new Set(norm.map((f) => f.serialHex));
  const all = [...read(storage).filter((e) => !serials.has(e.serialHex)), ...norm].slice(-MAX_ENTRIES);
  try {
    storage.setItem(KEY, JSON.stringify(all));
  } catch {
    // Storage full or disabled: the rows then show the serial number only.
  }
}

/** File names by lower-case serial number. */
export function knownKeyFiles(storage = defaultStorage()): Map<string, string> {
  return new Map(storage ? read(storage).map((e) => [e.serialHex, e.fileName]) : []);
}
