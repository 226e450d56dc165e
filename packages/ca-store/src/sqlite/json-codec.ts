/**
 * JSON for the `data` column: dates and byte arrays survive the round trip
 * (`{"$date": iso}`, `{"$b64": base64}`), so records come back with the types they went in with.
 */

/**
 * Serialises a record for a TEXT column.
 *
 * The typed values are swapped for their tagged forms in a copy first and the copy stringified
 * without a replacer: a replacer function runs for every value of the record (an application's
 * data is read and written on every step of the flow), the copy only walks the containers.
 * Plain objects and arrays are copied; anything else (a class instance with its own `toJSON`, say)
 * is left to `JSON.stringify` as it is.
 */
export function encodeJson(value: unknown): string {
  return JSON.stringify(tagged(value));
}

function tagged(v: unknown): unknown {
  if (v === null || typeof v !== 'object') return v;
  if (v instanceof Date) return { $date: v.toISOString() };
  if (v instanceof Uint8Array)
    return { $b64: Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64') };
  if (Array.isArray(v)) return v.map(tagged);
  const proto = Object.getPrototypeOf(v);
  if (proto !== Object.prototype && proto !== null) return v;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(v)) {
    // defineProperty, not assignment: a key named __proto__ stays a key (as JSON.stringify sees it).
    Object.defineProperty(out, k, {
      value: tagged((v as Record<string, unknown>)[k]),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return out;
}

/**
 * Parses what {@link encodeJson} wrote: `JSON.parse` without a reviver (which would run for every
 * value), then one bottom-up walk that turns the tagged objects back into dates and bytes.
 */
export function decodeJson<T>(text: string): T {
  return untagged(JSON.parse(text)) as T;
}

function untagged(v: unknown): unknown {
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) {
      const item = v[i];
      if (item !== null && typeof item === 'object') v[i] = untagged(item);
    }
    return v;
  }
  const o = v as Record<string, unknown>;
  const keys = Object.keys(o);
  for (const k of keys) {
    const item = o[k];
    if (item === null || typeof item !== 'object') continue;
    const value = untagged(item);
    // defineProperty, not assignment: JSON.parse made __proto__ an own key, and it must stay one.
    if (value !== item)
      Object.defineProperty(o, k, { value, enumerable: true, writable: true, configurable: true });
  }
  if (keys.length === 1) {
    if (typeof o.$date === 'string') return new Date(o.$date);
    if (typeof o.$b64 === 'string') return new Uint8Array(Buffer.from(o.$b64, 'base64'));
  }
  return v;
}

/** ISO text of a date, or null. */
export function iso(d: Date | undefined): string | null {
  return d === undefined ? null : d.toISOString();
}

/** Date of an ISO text, or undefined. */
export function date(s: string | null | undefined): Date | undefined {
  return s === null || s === undefined ? undefined : new Date(s);
}
