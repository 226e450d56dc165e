/**
 * `openapi/ca.yaml` is the contract: its examples validate against its own schemas, its error codes
 * are exactly the CA's, its template names and approver roles are `@kzpki/pki`'s, every operation
 * has a handler, and every secured operation refuses a request without a token.
 */
import { readFileSync } from 'node:fs';
import { APPROVER_ROLES, TEMPLATES } from '@kzpki/pki';
import { createAjv } from '@kzpki/server-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateApplicationNumber } from '../src/crypto/application-number.js';
import { CA_ERROR_STATUS } from '../src/errors.js';
import { TRANSITIONS } from '../src/flow/transitions.js';
import { applicantHandlers } from '../src/routes/applicant-routes.js';
import { cabinetHandlers } from '../src/routes/cabinet-routes.js';
import { devHandlers } from '../src/routes/dev-routes.js';
import { operatorHandlers } from '../src/routes/operator-routes.js';
import { publicHandlers } from '../src/routes/public-routes.js';
import { loadCaSpec } from '../src/spec/ca-spec.js';
import { type Body, call } from './support/api.js';
import { startTestCa, type TestCa } from './support/harness.js';

const spec = loadCaSpec();
const doc = spec.document as Body;
const ops = spec.operations;
const ajv = createAjv();
ajv.addSchema(doc, 'spec');

function resolve(ref: string): Body {
  return ref
    .replace(/^#\//, '')
    .split('/')
    .reduce((n: Body, p) => n[p.replace(/~1/g, '/').replace(/~0/g, '~')], doc);
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
    if (op.operation.requestBody?.content)
      collect(`${base}/requestBody`, op.operation.requestBody.content as Body, `${op.operationId} request`);
    for (const [status, resp] of Object.entries(op.operation.responses ?? {}) as Array<[string, Body]>) {
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
      expect(op.operation.summary, op.operationId).toBeTruthy();
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

  it('docs/errors.md lists every CA error code with its HTTP status', () => {
    const md = readFileSync(new URL('../../../docs/errors.md', import.meta.url), 'utf8');
    const section = md.split('\n## ').find((x) => x.startsWith('Reference CA, apps/ca')) ?? '';
    const rows = [...section.matchAll(/^\| `(ERR_[A-Z_]+)` \| (\d{3}) \|/gm)].map((m) => [
      m[1],
      Number(m[2]),
    ]);
    expect(Object.fromEntries(rows)).toEqual(CA_ERROR_STATUS);
  });

  it('the ErrorCode enum is exactly the CA error codes, and every problem example has its status', () => {
    const codes = (doc.components.schemas as Body).ErrorCode.enum as string[];
    expect([...codes].sort()).toEqual(Object.keys(CA_ERROR_STATUS).sort());
    for (const e of examples().filter((x) => (x.value as Body)?.code)) {
      const v = e.value as { code: keyof typeof CA_ERROR_STATUS; status: number };
      expect(v.status, e.label).toBe(CA_ERROR_STATUS[v.code]);
    }
  });

  it('names the templates and approver roles exactly as @kzpki/pki does (one source of templates)', () => {
    const schemas = doc.components.schemas as Body;
    expect(schemas.TemplateName.enum).toEqual(Object.keys(TEMPLATES));
    expect(schemas.TemplateInfo.properties.approverRoles.items.enum).toEqual([...APPROVER_ROLES]);
    expect(schemas.ApplicationKind.enum).toEqual([...new Set(Object.values(TEMPLATES).map((t) => t.kind))]);
  });

  it('lists as NextAction exactly the applicant actions of the transition table', () => {
    const applicant = Object.entries(TRANSITIONS)
      .filter(([, t]) => t.applicant)
      .map(([a]) => a);
    expect([...(doc.components.schemas as Body).NextAction.enum].sort()).toEqual(applicant.sort());
  });

  it('every operation has exactly one handler (also a compile-time check: CaRouteTable in server.ts)', () => {
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
      const rb = op.operation.requestBody?.content?.['application/json'] as Body;
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
