/**
 * JSON for the `data` column: dates and byte arrays survive the round trip
 * (`{"$date": iso}`, `{"$b64": base64}`), so records come back with the types they went in with.
 */

/** Serialises a record for a TEXT column. */
export function encodeJson(value: unknown): string {
  return JSON.stringify(value, function replacer(this: Record<string, unknown>, key, v: unknown) {
    const raw = this[key];
    if (raw instanceof Date) return { $date: raw.toISOString() };
    if (raw instanceof Uint8Array) return { $b64: Buffer.from(raw).toString('base64') };
    return v;
  });
}

/** Parses what {@link encodeJson} wrote. */
export function decodeJson<T>(text: string): T {
  return JSON.parse(text, (_key, v: unknown) => {
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
      const o = v as Record<string, unknown>;
      const keys = Object.keys(o);
      if (keys.length === 1 && typeof o.$date === 'string') return new Date(o.$date);
      if (keys.length === 1 && typeof o.$b64 === 'string')
        return new Uint8Array(Buffer.from(o.$b64, 'base64'));
    }
    return v;
  }) as T;
}

/** ISO text of a date, or null. */
export function iso(d: Date | undefined): string | null {
  return d === undefined ? null : d.toISOString();
}

/** Date of an ISO text, or undefined. */
export function date(s: string | null | undefined): Date | undefined {
  return s === null || s === undefined ? undefined : new Date(s);
}
