/** The CA's encrypted keys and settings on PostgreSQL (the status service reads neither). */
import type { CaKeyName, CaKeyRecord } from '../types.js';
import type { Queryable, Tx } from './database.js';

/** One CA key by name. */
export async function selectCaKey(db: Queryable, name: CaKeyName): Promise<CaKeyRecord | undefined> {
  const r = (
    await db.query<{
      name: string;
      certificate: Buffer;
      ski_hex: string;
      serial_hex: string;
      encrypted_key: string;
      created_at: Date;
    }>('SELECT * FROM ca_keys WHERE name = $1', [name])
  ).rows[0];
  if (!r) return undefined;
  return {
    name: r.name as CaKeyName,
    certificate: new Uint8Array(r.certificate),
    skiHex: r.ski_hex,
    serialHex: r.serial_hex,
    encryptedKey: r.encrypted_key,
    createdAt: r.created_at,
  };
}

/** Stores a CA key (a slot is written once unless `replace`: `ERR_DUPLICATE` `ca-key`). */
export async function insertCaKey(t: Tx, k: CaKeyRecord, replace: boolean): Promise<void> {
  await t.run(
    `INSERT INTO ca_keys (name, certificate, ski_hex, serial_hex, encrypted_key, created_at) VALUES ($1, $2, $3, $4, $5, $6)${
      replace
        ? ` ON CONFLICT (name) DO UPDATE SET certificate = excluded.certificate, ski_hex = excluded.ski_hex,
             serial_hex = excluded.serial_hex, encrypted_key = excluded.encrypted_key, created_at = excluded.created_at`
        : ''
    }`,
    [k.name, Buffer.from(k.certificate), k.skiHex, k.serialHex, k.encryptedKey, k.createdAt],
  );
}

/** A setting. */
export async function selectSetting(db: Queryable, name: string): Promise<string | undefined> {
  return (await db.query<{ value: string }>('SELECT value FROM settings WHERE name = $1', [name])).rows[0]
    ?.value;
}

/** Sets a setting if absent and returns the stored value (first writer wins, across processes). */
export async function initSetting(db: Queryable, name: string, value: string): Promise<string> {
  const inserted = await db.query<{ value: string }>(
    'INSERT INTO settings (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING RETURNING value',
    [name, value],
  );
  return inserted.rows[0]?.value ?? ((await selectSetting(db, name)) as string);
}

/** Sets a setting, replacing any value. */
export async function putSetting(db: Queryable, name: string, value: string): Promise<void> {
  await db.query(
    'INSERT INTO settings (name, value) VALUES ($1, $2) ON CONFLICT (name) DO UPDATE SET value = excluded.value',
    [name, value],
  );
}
