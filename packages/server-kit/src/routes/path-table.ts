/**
 * The operations of an OpenAPI document matched by method and path in one lookup, instead of one
 * express route per operation. Hand-written because express walks its layers in order and tests
 * each one's regular expression: with the CA's 60-odd operations that walk cost more CPU per
 * request than the rest of the routing (measured with the CA bench's CPU profile), and path
 * templates of OpenAPI (RFC 6570 level 1 `{name}` segments, OpenAPI 3.1 §4.8.8) need no regular
 * expression at all.
 *
 * Matching follows what express did, so that no client sees a difference: literal segments compare
 * without regard to case, a `{name}` segment takes one non-empty segment and is percent-decoded
 * (a malformed escape is an error, as in express), one trailing slash is ignored, `HEAD` is served
 * by the `GET` operation when the document has no `HEAD` one, and where two templates match the
 * first in the document's order wins.
 */

/** One segment of a path template: a literal (lower case) or a parameter's name. */
type Segment = { literal: string } | { param: string };

interface Entry<T> {
  segments: Segment[];
  value: T;
}

/** A path template's match: its value and its decoded parameters. */
export interface PathMatch<T> {
  value: T;
  params: Record<string, string>;
}

/** Thrown by {@link PathTable.match} for a parameter whose percent-encoding is malformed. */
export class MalformedPathError extends Error {
  constructor(readonly segment: string) {
    super(`Malformed percent-encoding in path segment ${JSON.stringify(segment)}`);
  }
}

/**
 * Operations by method and path template.
 * @example
 * ```ts
 * const table = new PathTable<string>();
 * table.add('get', '/v1/applications/{applicationId}', 'getApplication');
 * table.match('GET', '/v1/applications/A1%2B');
 * // { value: 'getApplication', params: { applicationId: 'A1+' } }
 * ```
 */
export class PathTable<T> {
  private readonly byKey = new Map<string, Entry<T>[]>();

  /** Adds `template` (OpenAPI syntax, `/a/{b}`) for `method`; earlier additions win ties. */
  add(method: string, template: string, value: T): void {
    const segments: Segment[] = splitPath(template).map((s) => {
      const m = /^\{([A-Za-z0-9_]+)\}$/.exec(s);
      return m ? { param: m[1]! } : { literal: s.toLowerCase() };
    });
    const key = `${method.toUpperCase()} ${segments.length}`;
    const list = this.byKey.get(key) ?? [];
    list.push({ segments, value });
    this.byKey.set(key, list);
  }

  /**
   * The entry for `method` and `path` (the path part of the URL, still percent-encoded), or
   * `undefined`.
   * @throws {MalformedPathError} when a parameter's percent-encoding is malformed.
   */
  match(method: string, path: string): PathMatch<T> | undefined {
    const parts = splitPath(path);
    const upper = method.toUpperCase();
    const found = this.find(upper, parts) ?? (upper === 'HEAD' ? this.find('GET', parts) : undefined);
    if (!found) return undefined;
    const params: Record<string, string> = {};
    for (let i = 0; i < found.segments.length; i++) {
      const s = found.segments[i]!;
      if ('param' in s) params[s.param] = decodeSegment(parts[i]!);
    }
    return { value: found.value, params };
  }

  private find(method: string, parts: string[]): Entry<T> | undefined {
    const list = this.byKey.get(`${method} ${parts.length}`);
    if (!list) return undefined;
    outer: for (const e of list) {
      for (let i = 0; i < parts.length; i++) {
        const s = e.segments[i]!;
        const p = parts[i]!;
        if ('literal' in s) {
          if (s.literal !== p && s.literal !== p.toLowerCase()) continue outer;
        } else if (p === '') continue outer;
      }
      return e;
    }
    return undefined;
  }
}

/** The segments after the leading `/`, one trailing `/` ignored (`/a/b/` → `['a', 'b']`). */
function splitPath(path: string): string[] {
  const trimmed = path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
  return trimmed.split('/').slice(1);
}

function decodeSegment(s: string): string {
  if (!s.includes('%')) return s;
  try {
    return decodeURIComponent(s);
  } catch {
    throw new MalformedPathError(s);
  }
}
