/** The CA's encrypted keys and settings in SQLite (the status service reads neither). */
import type Database from 'better-sqlite3';
import type { CaKeyName, CaKeyRecord } from '../types.js';
import { stmt } from './statements.js';

/** One CA key by name. */
export function selectCaKey(db: Database.Database, name: CaKeyName): CaKeyRecord | undefined {
  const r = stmt(db, 'SELECT * FROM ca_keys WHERE name = ?').get(name) as
    | {
        name: string;
        certificate: Buffer;
        ski_hex: string;
        serial_hex: string;
        encrypted_key: string;
        created_at: string;
      }
    | undefined;
  if (!r) return undefined;
  return {
    name: r.name as CaKeyName,
    certificate: new Uint8Array(r.certificate),
    skiHex: r.ski_hex,
    serialHex: r.serial_hex,
    encryptedKey: r.encrypted_key,
    createdAt: new Date(r.created_at),
  };
}

/** Stores a CA key (a slot is written once unless `replace`). */
export function insertCaKey(db: Database.Database, k: CaKeyRecord, replace: boolean): void {
  stmt(
    db,
    `${replace ? 'INSERT OR REPLACE' : 'INSERT'} INTO ca_keys (name, certificate, ski_hex, serial_hex, encrypted_key, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
  ).run(k.name, Buffer.from(k.certificate), k.skiHex, k.serialHex, k.encryptedKey, k.createdAt.toISOString());
}

/** A setting. */
export function selectSetting(db: Database.Database, name: string): string | undefined {
  return (stmt(db, 'SELECT value FROM settings WHERE name = ?').get(name) as { value: string } | undefined)
    ?.value;
}

/** Sets a setting if absent and returns the stored value. */
export function initSetting(db: Database.Database, name: string, value: string): string {
  stmt(db, 'INSERT INTO settings (name, value) VALUES (?, ?) ON CONFLICT (name) DO NOTHING').run(name, value);
  return selectSetting(db, name) as string;
}

/** Sets a setting, replacing any value. */
export function putSetting(db: Database.Database, name: string, value: string): void {
  stmt(
    db,
    'INSERT INTO settings (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value',
  ).run(name, value);
}
