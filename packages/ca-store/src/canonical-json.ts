/**
 * Canonical JSON: object keys sorted by UTF-16 code units, no insignificant whitespace, `undefined`
 * members omitted, dates as ISO 8601 strings (the ordering rule of RFC 8785 JCS; numbers here are
 * integers or plain decimals, which `JSON.stringify` already writes in JCS form). Approvers sign
 * these bytes, and the audit hash chain hashes them, so the same value always gives the same text.
 */

/**
 * Serialises `value` canonically.
 * @throws {TypeError} for non-finite numbers, bigints, functions and symbols (never signed).
 * @example
 * ```ts
 * canonicalJson({ b: 1, a: [true, null] }); // '{"a":[true,null],"b":1}'
 * ```
 */
export function canonicalJson(value: unknown): string {
  if (value === null) return 'null';
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return JSON.stringify(value);
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError('canonicalJson: non-finite number');
      return JSON.stringify(value);
    case 'object': {
      if (Array.isArray(value))
        return `[${value.map((v) => canonicalJson(v === undefined ? null : v)).join(',')}]`;
      const obj = value as Record<string, unknown>;
      const keys = Object.keys(obj)
        .filter((k) => obj[k] !== undefined)
        .sort();
      return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k])}`).join(',')}}`;
    }
    default:
      throw new TypeError(`canonicalJson: cannot serialise a ${typeof value}`);
  }
}
