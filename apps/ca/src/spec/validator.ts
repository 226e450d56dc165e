/**
 * Validates requests and responses against the spec with ajv (JSON Schema 2020-12, the dialect of
 * OpenAPI 3.1). The whole document is registered once; each operation's parameter, body and
 * response schemas are compiled on first use by JSON pointer, so `$ref`s resolve as in the spec.
 */
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import formatsModule from 'ajv-formats';
import type { OpenApiDocument, OpenApiOperation, SpecOperation } from './load-spec.js';
import { listOperations } from './load-spec.js';

type FormatsPlugin = (ajv: Ajv2020) => Ajv2020;
const addFormats = ((formatsModule as unknown as { default?: FormatsPlugin }).default ??
  formatsModule) as unknown as FormatsPlugin;

/** One validation failure. */
export interface SpecViolation {
  location: 'body' | 'path' | 'query' | 'header';
  path: string;
  message: string;
}

/** What a request carries, as express parsed it. */
export interface RequestParts {
  params: Record<string, string>;
  query: Record<string, unknown>;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
  /** Whether a body was sent at all. */
  hasBody: boolean;
}

const SPEC_ID = 'https://kzpki.dev/openapi/ca.yaml';

function pointer(...parts: string[]): string {
  return parts.map((p) => p.replace(/~/g, '~0').replace(/\//g, '~1')).join('/');
}

interface ParameterObject {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required?: boolean;
  schema: unknown;
}

/** Request and response validation for every operation of a spec. */
export class SpecValidator {
  private readonly ajv: Ajv2020;
  private readonly ops = new Map<string, SpecOperation>();
  private readonly cache = new Map<string, ValidateFunction>();

  constructor(private readonly doc: OpenApiDocument) {
    // strict: false because the document also holds OpenAPI keywords (paths, examples...).
    this.ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: true });
    addFormats(this.ajv);
    this.ajv.addSchema(doc as unknown as object, SPEC_ID);
    for (const op of listOperations(doc)) this.ops.set(op.operationId, op);
  }

  /** The operations, by id. */
  operations(): SpecOperation[] {
    return [...this.ops.values()];
  }

  private op(operationId: string): SpecOperation {
    const op = this.ops.get(operationId);
    if (!op) throw new Error(`Unknown operation ${operationId}`);
    return op;
  }

  private compile(ref: string): ValidateFunction {
    let fn = this.cache.get(ref);
    if (!fn) {
      fn = this.ajv.compile({ $ref: `${SPEC_ID}#${ref}` });
      this.cache.set(ref, fn);
    }
    return fn;
  }

  private resolve<T>(ref: string): T {
    let node: unknown = this.doc;
    for (const part of ref.replace(/^#?\//, '').split('/')) {
      node = (node as Record<string, unknown>)[part.replace(/~1/g, '/').replace(/~0/g, '~')];
    }
    return node as T;
  }

  private parameters(op: SpecOperation): Array<{ param: ParameterObject; ref: string }> {
    const base = pointer('', 'paths', op.path, op.method, 'parameters');
    return (op.operation.parameters ?? []).map((p, i) => {
      if (p.$ref) {
        const target = p.$ref.slice(1);
        return { param: this.resolve<ParameterObject>(target), ref: `${target}/schema` };
      }
      return { param: p as ParameterObject, ref: `${base}/${i}/schema` };
    });
  }

  /** Validates a request; returns the violations (empty: valid). */
  validateRequest(operationId: string, req: RequestParts): SpecViolation[] {
    const op = this.op(operationId);
    const out: SpecViolation[] = [];
    for (const { param, ref } of this.parameters(op)) {
      if (param.in === 'cookie') continue;
      const source =
        param.in === 'path'
          ? req.params[param.name]
          : param.in === 'query'
            ? req.query[param.name]
            : req.headers[param.name.toLowerCase()];
      if (source === undefined) {
        if (param.required) out.push({ location: param.in, path: `/${param.name}`, message: 'is required' });
        continue;
      }
      const fn = this.compile(ref);
      if (!fn(source)) {
        for (const e of fn.errors ?? []) {
          out.push({
            location: param.in,
            path: `/${param.name}${e.instancePath}`,
            message: e.message ?? 'is invalid',
          });
        }
      }
    }
    const rb = (op.operation as OpenApiOperation).requestBody;
    if (rb) {
      if (!req.hasBody) {
        if (rb.required) out.push({ location: 'body', path: '', message: 'a JSON body is required' });
      } else {
        const fn = this.compile(
          pointer('', 'paths', op.path, op.method, 'requestBody', 'content', 'application/json', 'schema'),
        );
        if (!fn(req.body)) {
          for (const e of fn.errors ?? []) {
            out.push({ location: 'body', path: e.instancePath, message: e.message ?? 'is invalid' });
          }
        }
      }
    } else if (req.hasBody) {
      out.push({ location: 'body', path: '', message: 'this operation takes no body' });
    }
    return out;
  }

  /**
   * Validates a response body against the schema the spec gives for its status and content
   * type; returns the violations (a status or content type the spec does not list is one).
   */
  validateResponse(operationId: string, status: number, contentType: string, body: unknown): string[] {
    const op = this.op(operationId);
    const listed = op.operation.responses[String(status)];
    if (!listed) return [`status ${status} is not listed for ${operationId}`];
    let ref = pointer('', 'paths', op.path, op.method, 'responses', String(status));
    let response = listed;
    if (listed.$ref) {
      ref = listed.$ref.slice(1);
      response = this.resolve<typeof listed>(ref);
    }
    const type = contentType.split(';')[0]?.trim() ?? '';
    if (!response.content)
      return body === undefined || body === '' ? [] : [`status ${status} has no body in the spec`];
    if (!response.content[type]) return [`content type ${type} is not listed for ${operationId} ${status}`];
    const fn = this.compile(`${ref}/${pointer('content', type, 'schema')}`);
    return fn(body)
      ? []
      : (fn.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? 'is invalid'}`);
  }
}
