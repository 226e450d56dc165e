/**
 * `openapi/ca.yaml` is the contract: its examples validate against its own schemas, its error codes
 * are exactly the CA's, every operation has a handler, and every secured operation refuses a
 * request without a token.
 */
import { Ajv2020 } from 'ajv/dist/2020.js';
import formatsModule from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateApplicationNumber } from '../src/crypto/application-number.js';
import { CA_ERROR_STATUS } from '../src/errors.js';
import { applicantHandlers } from '../src/routes/applicant-routes.js';
import { cabinetHandlers } from '../src/routes/cabinet-routes.js';
import { devHandlers } from '../src/routes/dev-routes.js';
import { operatorHandlers } from '../src/routes/operator-routes.js';
import { publicHandlers } from '../src/routes/public-routes.js';
import { listOperations, loadSpec, type OpenApiDocument } from '../src/spec/load-spec.js';
import { type Body, call } from './support/api.js';
import { startTestCa, type TestCa } from './support/harness.js';

const doc = loadSpec();
const ops = listOperations(doc);

type Formats = (ajv: Ajv2020) => Ajv2020;
const addFormats = ((formatsModule as unknown as { default?: Formats }).default ??
  formatsModule) as unknown as Formats;
const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats(ajv);
ajv.addSchema(doc as unknown as object, 'spec');

function resolve(ref: string): Body {
  return ref
    .replace(/^#\//, '')
    .split('/')
    .reduce((n: Body, p) => n[p.replace(/~1/g, '/').replace(/~0/g, '~')], doc as OpenApiDocument);
}
const ptr = (...parts: string[]) => parts.map((p) => p.replace(/~/g, '~0').replace(/\//g, '~1')).join('/');

/** Every (schema pointer, example value, label) of the spec. */
function examples(): Array<{ schema: string; value: unknown; label: string }> {
  const out: Array<{ schema: string; value: unknown; label: string }> = [];
  const collect = (base: string, content: Record<string, Body>, label: string) => {
    for (const [type, media] of Object.entries(content)) {
      for (const [name, ex] of Object.entries((media.examples ?? {}) as Record<string, Body>)) {
        const value = ex.$ref ? resolve(ex.$ref).value : ex.value;
        out.push({
          schema: `${base}/${ptr('content', type, 'schema')}`,
          value,
          label: `${label} ${type} ${name}`,
        });
      }
    }
  };
  for (const op of ops) {
    const base = ptr('', 'paths', op.path, op.method);
    if (op.operation.requestBody)
      collect(`${base}/requestBody`, op.operation.requestBody.content, `${op.operationId} request`);
    for (const [status, resp] of Object.entries(op.operation.responses)) {
      const r = resp.$ref ? resolve(resp.$ref) : resp;
      const rbase = resp.$ref ? resp.$ref.slice(1) : `${base}/responses/${status}`;
      if (r.content) collect(rbase, r.content, `${op.operationId} ${status}`);
    }
  }
  return out;
}

describe('openapi/ca.yaml', () => {
  it('is OpenAPI 3.1 with unique operation ids, each with a summary, a tag and at least one example', () => {
    expect(doc.openapi).toBe('3.1.0');
    const ids = ops.map((o) => o.operationId);
    expect(new Set(ids).size).toBe(ids.length);
    for (const op of ops) {
      expect(op.operation.tags?.length, op.operationId).toBeGreaterThan(0);
      expect((op.operation as { summary?: string }).summary, op.operationId).toBeTruthy();
    }
    const withExamples = new Set(examples().map((e) => e.label.split(' ')[0]));
    for (const op of ops)
      expect(withExamples.has(op.operationId), `${op.operationId} has no example`).toBe(true);
  });

  it('every example validates against its schema', () => {
    const all = examples();
    expect(all.length).toBeGreaterThan(50);
    for (const e of all) {
      const validate = ajv.compile({ $ref: `spec#${e.schema}` });
      expect(validate(e.value) ? [] : validate.errors, e.label).toEqual([]);
    }
  });

  it('the ErrorCode enum is exactly the CA error codes, and every problem example has its status', () => {
    const codes = (doc.components.schemas as Body).ErrorCode.enum as string[];
    expect([...codes].sort()).toEqual(Object.keys(CA_ERROR_STATUS).sort());
    for (const e of examples().filter((x) => (x.value as Body)?.code)) {
      const v = e.value as { code: keyof typeof CA_ERROR_STATUS; status: number };
      expect(v.status, e.label).toBe(CA_ERROR_STATUS[v.code]);
    }
  });

  it('every operation has exactly one handler', () => {
    const handlers = [
      publicHandlers,
      applicantHandlers,
      cabinetHandlers,
      operatorHandlers,
      devHandlers,
    ].flatMap((h) => Object.keys(h));
    expect(new Set(handlers).size).toBe(handlers.length);
    expect([...handlers].sort()).toEqual(ops.map((o) => o.operationId).sort());
  });
});

describe('security schemes are enforced', () => {
  let t: TestCa;
  beforeAll(async () => {
    t = await startTestCa();
  });
  afterAll(async () => {
    expect(t.ca.specViolations).toEqual([]);
    await t.stop();
  });

  it('every secured operation answers 401 ERR_UNAUTHORIZED without a token', async () => {
    const params: Record<string, string> = {
      applicationId: 'AAAAAAAAAAAAAAAAAAAAAA',
      number: generateApplicationNumber(),
      serialHex: '0a1b2c',
    };
    const secured = ops.filter((o) => o.operation.security?.length);
    expect(secured.length).toBeGreaterThan(15);
    for (const op of secured) {
      const path = op.path.replace(/\{(\w+)\}/g, (_m, p: string) => params[p] as string);
      const rb = op.operation.requestBody?.content['application/json'] as Body;
      const ex = rb?.examples && Object.values(rb.examples)[0];
      const body = ex
        ? (ex as Body).$ref
          ? resolve((ex as Body).$ref).value
          : (ex as Body).value
        : undefined;
      const r = await call(t.url, op.method.toUpperCase(), path, body !== undefined ? { body } : {});
      expect({ op: op.operationId, status: r.status, code: r.body?.code }).toEqual({
        op: op.operationId,
        status: 401,
        code: 'ERR_UNAUTHORIZED',
      });
    }
  });
});
