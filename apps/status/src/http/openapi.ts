/**
 * `openapi/status.yaml` as the single source of truth at run time: the server validates request
 * parameters and JSON bodies against it with ajv (JSON Schema 2020-12, the dialect of OpenAPI 3.1),
 * and tests validate responses against it with the same class.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { parse as parseYaml } from 'yaml';
import { StatusError } from '../errors.js';

// ajv-formats is CommonJS; under NodeNext its default import is the module object.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ??
  addFormatsModule) as unknown as (ajv: Ajv2020) => void;

/** Default location of the spec: `openapi/status.yaml` at the repository root. */
export function defaultSpecPath(): string {
  // src/http/openapi.ts and dist/http/openapi.js are both four levels below the repository root.
  return fileURLToPath(new URL('../../../../openapi/status.yaml', import.meta.url));
}

/** One failed check, as returned in a problem+json `errors` array. */
export interface ValidationIssue {
  /** Where: `path.number`, `query.x`, `body/certificate`, `header.if-none-match`. */
  path: string;
  /** What is wrong. */
  message: string;
}

type ParameterLocation = 'path' | 'query' | 'header';

interface OperationValidators {
  params: Partial<Record<ParameterLocation, ValidateFunction>>;
  bodies: Map<string, ValidateFunction>;
  responses: Map<string, Map<string, ValidateFunction | null>>;
}

interface RawParameter {
  name: string;
  in: string;
  required?: boolean;
  schema?: object;
  $ref?: string;
}

interface RawOperation {
  operationId: string;
  parameters?: RawParameter[];
  requestBody?: { content?: Record<string, { schema?: object }> };
  responses?: Record<string, { $ref?: string; content?: Record<string, { schema?: object }> }>;
}

const SPEC_ID = 'urn:kzpki:openapi:status';
const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'] as const;

/** Validators compiled from an OpenAPI 3.1 document, by operationId. */
export class OpenApiValidator {
  /** The parsed document. */
  readonly document: Record<string, unknown>;
  private readonly ajv: Ajv2020;
  private readonly operations = new Map<string, OperationValidators>();

  private constructor(document: Record<string, unknown>) {
    this.document = document;
    this.ajv = new Ajv2020({ allErrors: true, strict: false, validateFormats: true });
    addFormats(this.ajv);
    // The whole document is registered once so that `#/components/...` references resolve.
    this.ajv.addSchema({ ...document, $id: SPEC_ID });
    const paths = (document.paths ?? {}) as Record<string, Record<string, RawOperation>>;
    for (const item of Object.values(paths)) {
      for (const method of METHODS) {
        const op = item[method];
        if (op?.operationId) this.operations.set(op.operationId, this.compileOperation(op));
      }
    }
  }

  /**
   * Loads and compiles the spec.
   * @throws {StatusError} `ERR_CONFIG` when the file is missing or not a valid document.
   */
  static load(specPath: string = defaultSpecPath()): OpenApiValidator {
    let doc: unknown;
    try {
      doc = parseYaml(readFileSync(specPath, 'utf8'));
    } catch (cause) {
      throw new StatusError('ERR_CONFIG', `Cannot read the OpenAPI document ${specPath}`, { cause });
    }
    if (
      typeof doc !== 'object' ||
      doc === null ||
      !String((doc as { openapi?: unknown }).openapi).startsWith('3.1')
    ) {
      throw new StatusError('ERR_CONFIG', `${specPath} is not an OpenAPI 3.1 document`);
    }
    try {
      return new OpenApiValidator(doc as Record<string, unknown>);
    } catch (cause) {
      throw new StatusError('ERR_CONFIG', `The OpenAPI document ${specPath} does not compile`, { cause });
    }
  }

  /** Operation ids found in the document. */
  get operationIds(): string[] {
    return [...this.operations.keys()];
  }

  /**
   * Checks path, query and header parameters of a request.
   * @returns the problems found (empty when valid).
   */
  checkParameters(
    operationId: string,
    values: Partial<Record<ParameterLocation, Record<string, unknown>>>,
  ): ValidationIssue[] {
    const op = this.operation(operationId);
    const issues: ValidationIssue[] = [];
    for (const loc of ['path', 'query', 'header'] as const) {
      const validate = op.params[loc];
      if (!validate) continue;
      const data = normaliseHeaders(loc, values[loc] ?? {});
      if (!validate(data)) issues.push(...toIssues(validate.errors, loc, '.'));
    }
    return issues;
  }

  /**
   * Checks a request body of the given media type (only media types with a schema are checked).
   * @returns the problems found; `undefined` when the operation does not accept that media type.
   */
  checkBody(operationId: string, mediaType: string, body: unknown): ValidationIssue[] | undefined {
    const op = this.operation(operationId);
    const validate = op.bodies.get(mediaType);
    if (!validate) return undefined;
    return validate(body) ? [] : toIssues(validate.errors, 'body', '');
  }

  /** Media types an operation accepts as request bodies. */
  requestMediaTypes(operationId: string): string[] {
    return [...this.operation(operationId).bodies.keys()];
  }

  /**
   * Checks a response (for tests): the status code must be documented, the media type must be
   * one of the documented ones, and JSON bodies must match their schema.
   * @returns the problems found (empty when valid).
   */
  checkResponse(
    operationId: string,
    status: number,
    mediaType: string | undefined,
    body: unknown,
  ): ValidationIssue[] {
    const op = this.operation(operationId);
    const byType = op.responses.get(String(status)) ?? op.responses.get('default');
    if (!byType)
      return [{ path: 'status', message: `status ${status} is not documented for ${operationId}` }];
    if (byType.size === 0) return []; // e.g. 304: no content
    const type = (mediaType ?? '').split(';')[0]!.trim().toLowerCase();
    if (!byType.has(type)) {
      return [
        {
          path: 'content-type',
          message: `${type || '(none)'} is not documented for ${operationId} ${status}`,
        },
      ];
    }
    const validate = byType.get(type);
    if (!validate) return [];
    return validate(body) ? [] : toIssues(validate.errors, 'body', '');
  }

  private operation(operationId: string): OperationValidators {
    const op = this.operations.get(operationId);
    if (!op) throw new StatusError('ERR_CONFIG', `Operation ${operationId} is not in the OpenAPI document`);
    return op;
  }

  private compileOperation(op: RawOperation): OperationValidators {
    const byLoc: Partial<
      Record<ParameterLocation, { properties: Record<string, object>; required: string[] }>
    > = {};
    for (const raw of op.parameters ?? []) {
      const p = raw.$ref ? (this.resolve(raw.$ref) as RawParameter) : raw;
      const loc = p.in as ParameterLocation;
      if (!['path', 'query', 'header'].includes(loc)) continue;
      const name = loc === 'header' ? p.name.toLowerCase() : p.name;
      byLoc[loc] ??= { properties: {}, required: [] };
      const entry = byLoc[loc];
      entry.properties[name] = p.schema ?? {};
      if (p.required) entry.required.push(name);
    }
    const params: OperationValidators['params'] = {};
    for (const [loc, s] of Object.entries(byLoc) as [
      ParameterLocation,
      { properties: object; required: string[] },
    ][]) {
      params[loc] = this.compile({ type: 'object', properties: s.properties, required: s.required });
    }
    const bodies = new Map<string, ValidateFunction>();
    for (const [type, media] of Object.entries(op.requestBody?.content ?? {})) {
      bodies.set(type, this.compile(media.schema ?? {}));
    }
    const responses = new Map<string, Map<string, ValidateFunction | null>>();
    for (const [status, raw] of Object.entries(op.responses ?? {})) {
      const r = raw.$ref ? (this.resolve(raw.$ref) as typeof raw) : raw;
      const byType = new Map<string, ValidateFunction | null>();
      for (const [type, media] of Object.entries(r.content ?? {})) {
        // Binary and text bodies are checked by media type only.
        byType.set(type, type.endsWith('json') && media.schema ? this.compile(media.schema) : null);
      }
      responses.set(status, byType);
    }
    return { params, bodies, responses };
  }

  private compile(schema: object): ValidateFunction {
    // `#/components/...` references are rewritten to point into the registered document.
    return this.ajv.compile(rewrite(schema));
  }

  private resolve(ref: string): unknown {
    let node: unknown = this.document;
    for (const part of ref.replace(/^#\//, '').split('/')) {
      node = (node as Record<string, unknown>)[part.replace(/~1/g, '/').replace(/~0/g, '~')];
    }
    return node;
  }
}

/** Local `#/...` references in a schema taken out of the document point into the registered document. */
function rewrite(schema: unknown): Record<string, unknown> {
  const walk = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(walk);
    if (typeof node !== 'object' || node === null) return node;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(node)) {
      out[k] = k === '$ref' && typeof v === 'string' && v.startsWith('#') ? `${SPEC_ID}${v}` : walk(v);
    }
    return out;
  };
  return walk(schema) as Record<string, unknown>;
}

function normaliseHeaders(loc: ParameterLocation, values: Record<string, unknown>): Record<string, unknown> {
  if (loc !== 'header') return values;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(values)) out[k.toLowerCase()] = v;
  return out;
}

function toIssues(errors: ErrorObject[] | null | undefined, prefix: string, sep: string): ValidationIssue[] {
  return (errors ?? []).map((e) => {
    let where = e.instancePath.replace(/^\//, '').replace(/\//g, sep === '.' ? '.' : '/');
    if (e.keyword === 'required') {
      const missing = (e.params as { missingProperty?: string }).missingProperty ?? '';
      where = where ? `${where}${sep || '/'}${missing}` : missing;
    }
    const path = where ? `${prefix}${sep || '/'}${where}` : prefix;
    return { path, message: e.message ?? e.keyword };
  });
}
