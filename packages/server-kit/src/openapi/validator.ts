/**
 * An OpenAPI 3.1 document as the single source of truth at run time: the server validates request
 * parameters and bodies against it, and tests validate responses against it.
 *
 * The whole document is registered with ajv once, and every schema is compiled by JSON pointer into
 * that document (`{ $ref: '<id>#/paths/~1v1~1x/post/requestBody/content/application~1json/schema' }`),
 * so `$ref`s resolve exactly as in the spec. Request validators are compiled when the document is
 * loaded (a broken spec fails at start-up, not on the first request); response validators, which
 * only tests use, on first use. {@link OpenApiValidator.load} keeps one compiled instance per file.
 */
import { readFileSync } from 'node:fs';
import { resolve as resolvePath } from 'node:path';
import type { Ajv2020, ErrorObject, ValidateFunction } from 'ajv/dist/2020.js';
import { parse as parseYaml } from 'yaml';
import { ServerKitError } from '../errors.js';
import type { ValidationIssue } from '../problem/problem.js';
import { createAjv } from './ajv.js';

/** HTTP methods an OpenAPI path item may hold. */
export type HttpMethod = 'get' | 'put' | 'post' | 'delete' | 'patch' | 'head' | 'options';

const METHODS: readonly HttpMethod[] = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'];

/** A parameter object (the members read here). */
interface ParameterObject {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required?: boolean;
  schema?: unknown;
  $ref?: string;
}

/** An operation object (the members read here). */
export interface OperationObject {
  operationId: string;
  summary?: string;
  tags?: string[];
  security?: Array<Record<string, string[]>>;
  parameters?: ParameterObject[];
  requestBody?: { $ref?: string; required?: boolean; content?: Record<string, { schema?: unknown }> };
  responses?: Record<string, { $ref?: string; content?: Record<string, { schema?: unknown }> }>;
}

/** One operation of the document with its method and path. */
export interface SpecOperation {
  operationId: string;
  method: HttpMethod;
  /** OpenAPI path, e.g. `/v1/applications/{applicationId}`. */
  path: string;
  /** The same path in express syntax, e.g. `/v1/applications/:applicationId`. */
  expressPath: string;
  /** The operation object as written in the document. */
  operation: OperationObject;
}

/** The parts of a request that are validated. */
export interface RequestParts {
  params?: Readonly<Record<string, unknown>>;
  query?: Readonly<Record<string, unknown>>;
  headers?: Readonly<Record<string, unknown>>;
  /** The parsed body; `undefined` when the request has none. */
  body?: unknown;
  /** Media type of the body (without parameters); default `application/json`. */
  mediaType?: string;
}

interface CompiledParameter {
  name: string;
  in: 'path' | 'query' | 'header';
  required: boolean;
  validate: ValidateFunction;
}

interface CompiledOperation {
  op: SpecOperation;
  parameters: CompiledParameter[];
  bodyRequired: boolean;
  /** Accepted media types; `null` for media types checked by type only (binary, text). */
  bodies: Map<string, ValidateFunction | null>;
  /** JSON pointer of each response object (after following a `$ref`), by status. */
  responses: Map<string, { pointer: string; content: Record<string, { schema?: unknown }> | undefined }>;
}

/** `/`-joined JSON pointer with `~` and `/` escaped (RFC 6901 §3). */
export function jsonPointer(...parts: string[]): string {
  return parts.map((p) => p.replace(/~/g, '~0').replace(/\//g, '~1')).join('/');
}

const isJson = (mediaType: string): boolean =>
  mediaType === 'application/json' || mediaType.endsWith('+json');

const cache = new Map<string, OpenApiValidator>();

/** Validation of requests and responses against one OpenAPI 3.1 document. */
export class OpenApiValidator {
  /** The parsed document. */
  readonly document: Readonly<Record<string, unknown>>;
  private readonly ajv: Ajv2020;
  private readonly id: string;
  private readonly ops = new Map<string, CompiledOperation>();
  private readonly responseValidators = new Map<string, ValidateFunction>();

  /**
   * Loads a YAML or JSON document once per path and compiles it; later calls with the same path
   * return the same instance.
   * @throws {ServerKitError} `ERR_SPEC_INVALID` when the file cannot be read, is not OpenAPI 3.1,
   *   or a schema does not compile.
   * @example
   * ```ts
   * const spec = OpenApiValidator.load('openapi/ca.yaml');
   * spec.checkRequest('startApplication', { body: { kind: 'individual' } }); // [{ location: 'body', ... }]
   * ```
   */
  static load(path: string): OpenApiValidator {
    const abs = resolvePath(path);
    const known = cache.get(abs);
    if (known) return known;
    let doc: unknown;
    try {
      doc = parseYaml(readFileSync(abs, 'utf8'));
    } catch (cause) {
      throw new ServerKitError('ERR_SPEC_INVALID', `Cannot read the OpenAPI document ${abs}`, { cause });
    }
    const v = OpenApiValidator.fromDocument(doc, `file://${abs}`);
    cache.set(abs, v);
    return v;
  }

  /**
   * Compiles an already parsed document.
   * @throws {ServerKitError} `ERR_SPEC_INVALID` when it is not OpenAPI 3.1 or does not compile.
   */
  static fromDocument(doc: unknown, id = 'urn:kzpki:openapi'): OpenApiValidator {
    const d = doc as { openapi?: unknown; paths?: unknown } | null;
    if (typeof d !== 'object' || d === null || !String(d.openapi).startsWith('3.1') || !d.paths) {
      throw new ServerKitError('ERR_SPEC_INVALID', `${id} is not an OpenAPI 3.1 document`);
    }
    try {
      return new OpenApiValidator(d as Record<string, unknown>, id);
    } catch (cause) {
      if (cause instanceof ServerKitError) throw cause;
      throw new ServerKitError('ERR_SPEC_INVALID', `The OpenAPI document ${id} does not compile`, { cause });
    }
  }

  private constructor(document: Record<string, unknown>, id: string) {
    this.document = document;
    this.id = id;
    this.ajv = createAjv();
    this.ajv.addSchema(document, id);
    const paths = document.paths as Record<string, Record<string, unknown>>;
    for (const [path, item] of Object.entries(paths)) {
      for (const method of METHODS) {
        const operation = item[method] as OperationObject | undefined;
        if (!operation) continue;
        if (typeof operation.operationId !== 'string') {
          throw new ServerKitError('ERR_SPEC_INVALID', `${method.toUpperCase()} ${path} has no operationId`);
        }
        if (this.ops.has(operation.operationId)) {
          throw new ServerKitError('ERR_SPEC_INVALID', `operationId ${operation.operationId} appears twice`);
        }
        const op: SpecOperation = {
          operationId: operation.operationId,
          method,
          path,
          expressPath: path.replace(/\{([A-Za-z0-9_]+)\}/g, ':$1'),
          operation,
        };
        this.ops.set(
          op.operationId,
          this.compileOperation(op, item.parameters as ParameterObject[] | undefined),
        );
      }
    }
  }

  /** Every operation of the document, in document order. */
  get operations(): SpecOperation[] {
    return [...this.ops.values()].map((c) => c.op);
  }

  /** Operation ids of the document, in document order. */
  get operationIds(): string[] {
    return [...this.ops.keys()];
  }

  /**
   * One operation.
   * @throws {ServerKitError} `ERR_ROUTES_MISMATCH` when the document has no such operation.
   */
  operation(operationId: string): SpecOperation {
    return this.compiled(operationId).op;
  }

  /**
   * The security requirements of an operation (OpenAPI 3.1 §4.8.10.3): the operation's own
   * `security`, else the document's; each entry is one alternative (all its schemes together), an
   * empty entry `{}` allows anonymous calls. `undefined` when neither declares any: the route-walk
   * test refuses such operations, so every operation says who may call it.
   * @example
   * ```ts
   * spec.security('getApplication'); // [{ applicantSession: [] }]
   * spec.security('getHealth'); // [] (declared public)
   * ```
   */
  security(operationId: string): ReadonlyArray<Readonly<Record<string, readonly string[]>>> | undefined {
    const own = this.compiled(operationId).op.operation.security;
    if (own !== undefined) return own;
    return (this.document as { security?: Array<Record<string, string[]>> }).security;
  }

  /**
   * Whether an operation needs credentials: it (or the document) declares security and no
   * alternative is empty. Operations that declare nothing are public.
   */
  requiresAuthentication(operationId: string): boolean {
    const security = this.security(operationId);
    return security !== undefined && security.length > 0 && security.every((r) => Object.keys(r).length > 0);
  }

  /** Media types the operation accepts as request bodies (empty: it takes none). */
  requestMediaTypes(operationId: string): string[] {
    return [...this.compiled(operationId).bodies.keys()];
  }

  /**
   * Checks the path, query and header parameters.
   * @returns the failures (empty when valid).
   */
  checkParameters(
    operationId: string,
    values: {
      path?: RequestParts['params'];
      query?: RequestParts['query'];
      header?: RequestParts['headers'];
    },
  ): ValidationIssue[] {
    const c = this.compiled(operationId);
    const issues: ValidationIssue[] = [];
    const headers = lowerCaseKeys(values.header ?? {});
    for (const p of c.parameters) {
      const value =
        p.in === 'path'
          ? values.path?.[p.name]
          : p.in === 'query'
            ? values.query?.[p.name]
            : headers[p.name.toLowerCase()];
      if (value === undefined) {
        if (p.required) issues.push({ location: p.in, path: `/${p.name}`, message: 'is required' });
        continue;
      }
      if (!p.validate(value)) issues.push(...toIssues(p.validate.errors, p.in, `/${p.name}`));
    }
    return issues;
  }

  /**
   * Checks a request body of the given media type: JSON bodies against their schema, other
   * media types by type only.
   * @returns the failures; `undefined` when the operation does not accept that media type.
   */
  checkBody(operationId: string, mediaType: string, body: unknown): ValidationIssue[] | undefined {
    const c = this.compiled(operationId);
    if (!c.bodies.has(mediaType)) return undefined;
    const validate = c.bodies.get(mediaType);
    if (!validate || validate(body)) return [];
    return toIssues(validate.errors, 'body', '');
  }

  /**
   * Checks a whole request: parameters, then the body (required or not, accepted media type,
   * schema). A body sent to an operation that takes none is a failure too.
   * @returns the failures (empty when valid).
   */
  checkRequest(operationId: string, req: RequestParts): ValidationIssue[] {
    const c = this.compiled(operationId);
    const issues = this.checkParameters(operationId, {
      path: req.params ?? {},
      query: req.query ?? {},
      header: req.headers ?? {},
    });
    if (req.body === undefined) {
      if (c.bodyRequired) issues.push({ location: 'body', path: '', message: 'a request body is required' });
      return issues;
    }
    if (c.bodies.size === 0) {
      issues.push({ location: 'body', path: '', message: 'this operation takes no body' });
      return issues;
    }
    const mediaType = req.mediaType ?? 'application/json';
    const bodyIssues = this.checkBody(operationId, mediaType, req.body);
    if (bodyIssues === undefined) {
      issues.push({
        location: 'body',
        path: '',
        message: `the body must be ${this.requestMediaTypes(operationId).join(' or ')}`,
      });
    } else issues.push(...bodyIssues);
    return issues;
  }

  /**
   * Checks a response: its status must be documented (or a `default` response exist), its media
   * type listed, and a JSON body must match the schema. For tests and development.
   * @returns human-readable failures (empty when valid).
   */
  checkResponse(operationId: string, status: number, mediaType: string | undefined, body: unknown): string[] {
    const c = this.compiled(operationId);
    const r = c.responses.get(String(status)) ?? c.responses.get('default');
    if (!r) return [`status ${status} is not documented for ${operationId}`];
    if (!r.content || Object.keys(r.content).length === 0) {
      const empty =
        body === undefined ||
        body === null ||
        body === '' ||
        (body instanceof Uint8Array && body.length === 0);
      return empty ? [] : [`${operationId} ${status} has no body in the spec`];
    }
    const type = (mediaType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
    const media = r.content[type];
    if (!media) return [`${type || '(no content type)'} is not documented for ${operationId} ${status}`];
    if (!isJson(type) || media.schema === undefined) return [];
    const ref = `${r.pointer}/${jsonPointer('content', type, 'schema')}`;
    let validate = this.responseValidators.get(ref);
    if (!validate) {
      validate = this.compileRef(ref);
      this.responseValidators.set(ref, validate);
    }
    return validate(body)
      ? []
      : (validate.errors ?? []).map(
          (e) => `${operationId} ${status}: ${e.instancePath || '/'} ${e.message ?? e.keyword}`,
        );
  }

  private compiled(operationId: string): CompiledOperation {
    const c = this.ops.get(operationId);
    if (!c) throw new ServerKitError('ERR_ROUTES_MISMATCH', `Operation ${operationId} is not in ${this.id}`);
    return c;
  }

  private compileRef(pointer: string): ValidateFunction {
    return this.ajv.compile({ $ref: `${this.id}#${pointer}` });
  }

  /** Follows a local `$ref` (`#/components/...`); returns the target and its pointer. */
  private deref<T>(node: T & { $ref?: string }, pointer: string): { node: T; pointer: string } {
    let n: unknown = node;
    let p = pointer;
    for (let hops = 0; typeof (n as { $ref?: unknown })?.$ref === 'string'; hops++) {
      const ref = (n as { $ref: string }).$ref;
      if (!ref.startsWith('#/') || hops > 16) {
        throw new ServerKitError('ERR_SPEC_INVALID', `Unsupported reference ${ref} in ${this.id}`);
      }
      p = ref.slice(1);
      n = this.at(p);
    }
    return { node: n as T, pointer: p };
  }

  private at(pointer: string): unknown {
    let node: unknown = this.document;
    for (const part of pointer.replace(/^\//, '').split('/')) {
      node = (node as Record<string, unknown> | undefined)?.[part.replace(/~1/g, '/').replace(/~0/g, '~')];
    }
    if (node === undefined)
      throw new ServerKitError('ERR_SPEC_INVALID', `#${pointer} does not exist in ${this.id}`);
    return node;
  }

  private compileOperation(op: SpecOperation, pathLevel: ParameterObject[] | undefined): CompiledOperation {
    const base = jsonPointer('', 'paths', op.path, op.method);
    const itemBase = jsonPointer('', 'paths', op.path);
    // Operation-level parameters override path-level ones of the same name and location.
    const byKey = new Map<string, CompiledParameter>();
    const add = (list: ParameterObject[] | undefined, listPointer: string): void => {
      (list ?? []).forEach((raw, i) => {
        const { node: p, pointer } = this.deref(raw, `${listPointer}/${i}`);
        if (p.in === 'cookie') return;
        const validate =
          p.schema === undefined ? this.ajv.compile(true) : this.compileRef(`${pointer}/schema`);
        byKey.set(`${p.in}:${p.in === 'header' ? p.name.toLowerCase() : p.name}`, {
          name: p.name,
          in: p.in,
          required: p.required === true || p.in === 'path',
          validate,
        });
      });
    };
    add(pathLevel, `${itemBase}/parameters`);
    add(op.operation.parameters, `${base}/parameters`);

    const bodies = new Map<string, ValidateFunction | null>();
    let bodyRequired = false;
    if (op.operation.requestBody) {
      const { node: rb, pointer } = this.deref(op.operation.requestBody, `${base}/requestBody`);
      bodyRequired = rb.required === true;
      for (const [type, media] of Object.entries(rb.content ?? {})) {
        bodies.set(
          type,
          isJson(type) && media.schema !== undefined
            ? this.compileRef(`${pointer}/${jsonPointer('content', type, 'schema')}`)
            : null,
        );
      }
    }

    const responses: CompiledOperation['responses'] = new Map();
    for (const [status, raw] of Object.entries(op.operation.responses ?? {})) {
      const { node, pointer } = this.deref(raw, `${base}/responses/${jsonPointer(status)}`);
      responses.set(status, { pointer, content: node.content });
    }
    return { op, parameters: [...byKey.values()], bodyRequired, bodies, responses };
  }
}

function lowerCaseKeys(values: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(values)) out[k.toLowerCase()] = v;
  return out;
}

/** ajv errors as issues; a missing property is reported at its own path. */
function toIssues(
  errors: ErrorObject[] | null | undefined,
  location: ValidationIssue['location'],
  prefix: string,
): ValidationIssue[] {
  return (errors ?? []).map((e) => {
    let path = `${prefix}${e.instancePath}`;
    if (e.keyword === 'required') {
      const missing = (e.params as { missingProperty?: string }).missingProperty;
      if (missing !== undefined) path = `${path}/${jsonPointer(missing)}`;
    }
    return { location, path, message: e.message ?? `fails ${e.keyword}` };
  });
}
