/**
 * Loads `openapi/ca.yaml`, the contract of the CA API, and lists its operations. The server
 * registers exactly the operations of the spec (a missing handler fails at start-up), so the spec
 * and the implementation cannot drift apart.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { CaError } from '../errors.js';

/** The parts of an OpenAPI 3.1 document this package reads. */
export interface OpenApiDocument {
  openapi: string;
  paths: Record<string, Record<string, OpenApiOperation | unknown>>;
  components: Record<string, Record<string, unknown>>;
}

/** An operation object (the fields used here). */
export interface OpenApiOperation {
  operationId: string;
  tags?: string[];
  security?: Array<Record<string, string[]>>;
  parameters?: Array<{ $ref?: string; name?: string; in?: string; required?: boolean; schema?: unknown }>;
  requestBody?: { required?: boolean; content: Record<string, { schema: unknown }> };
  responses: Record<string, { $ref?: string; content?: Record<string, { schema: unknown }> }>;
}

/** One operation with its HTTP method and path. */
export interface SpecOperation {
  operationId: string;
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  /** OpenAPI path, e.g. `/v1/applications/{applicationId}`. */
  path: string;
  /** The same path in express syntax, e.g. `/v1/applications/:applicationId`. */
  expressPath: string;
  operation: OpenApiOperation;
}

/** Path of the spec in the repository (`openapi/ca.yaml`, four levels above this file). */
export function defaultSpecPath(): string {
  return join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..', 'openapi', 'ca.yaml');
}

/** Reads and parses the spec. */
export function loadSpec(path: string = defaultSpecPath()): OpenApiDocument {
  let doc: unknown;
  try {
    doc = parse(readFileSync(path, 'utf8'));
  } catch (cause) {
    throw new CaError('ERR_INTERNAL', `Cannot read the API spec ${path}`, { cause });
  }
  const d = doc as Partial<OpenApiDocument>;
  if (typeof d?.openapi !== 'string' || !d.paths || !d.components) {
    throw new CaError('ERR_INTERNAL', `${path} is not an OpenAPI document`);
  }
  return d as OpenApiDocument;
}

const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;

/** Every operation of the spec. */
export function listOperations(doc: OpenApiDocument): SpecOperation[] {
  const out: SpecOperation[] = [];
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const method of METHODS) {
      const op = item[method] as OpenApiOperation | undefined;
      if (!op) continue;
      out.push({
        operationId: op.operationId,
        method,
        path,
        expressPath: path.replace(/\{(\w+)\}/g, ':$1'),
        operation: op,
      });
    }
  }
  return out;
}
