import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { STATUS_ERROR_HTTP } from '../src/errors.js';
import { OpenApiValidator } from '../src/http/openapi.js';

describe('openapi/status.yaml', () => {
  const v = OpenApiValidator.load();

  it('describes every operation the server implements', () => {
    expect(v.operationIds.sort()).toEqual(
      [
        'checkKey',
        'getApplicationStatus',
        'getCaCertificate',
        'getDeltaCrl',
        'getFullCrl',
        'health',
        'metrics',
        'ocspGet',
        'ocspPost',
        'ready',
        'timestamp',
      ].sort(),
    );
  });

  it('lists exactly the error codes of StatusErrorCode', () => {
    const doc = v.document as {
      components: { schemas: { Problem: { properties: { code: { enum: string[] } } } } };
    };
    expect(doc.components.schemas.Problem.properties.code.enum.sort()).toEqual(
      Object.keys(STATUS_ERROR_HTTP).sort(),
    );
  });

  it('docs/errors.md lists every status-service error code with its HTTP status', () => {
    const md = readFileSync(new URL('../../../docs/errors.md', import.meta.url), 'utf8');
    const section = md.split('\n## ').find((x) => x.startsWith('Status service, apps/status')) ?? '';
    const rows = [...section.matchAll(/^\| `(ERR_[A-Z_]+)` \| (\d{3}) \|/gm)].map((m) => [
      m[1],
      Number(m[2]),
    ]);
    expect(Object.fromEntries(rows)).toEqual(STATUS_ERROR_HTTP);
  });

  it('validates path parameters', () => {
    expect(v.checkParameters('getApplicationStatus', { path: { number: '27888601100404' } })).toEqual([]);
    expect(v.checkParameters('getApplicationStatus', { path: { number: '2788860110040' } })).toEqual([
      { location: 'path', path: '/number', message: 'must match pattern "^[0-9]{14}$"' },
    ]);
    expect(v.checkParameters('getFullCrl', { path: { issuer: 'issuing' } })).toEqual([]);
    expect(v.checkParameters('getFullCrl', { path: { issuer: '../etc' } })).toHaveLength(1);
  });

  it('validates JSON bodies and responses, resolving component references', () => {
    expect(v.checkBody('checkKey', 'application/json', { certificate: 'MII' })).toEqual([]);
    expect(v.checkBody('checkKey', 'application/json', { cert: 'MII' })?.length).toBeGreaterThan(0);
    expect(v.checkBody('checkKey', 'application/xml', '<x/>')).toBeUndefined();
    const problem = { type: 'urn:x', title: 'Not Found', status: 404, code: 'ERR_APPLICATION_NOT_FOUND' };
    expect(v.checkResponse('getApplicationStatus', 404, 'application/problem+json', problem)).toEqual([]);
    expect(
      v.checkResponse('getApplicationStatus', 404, 'application/problem+json', { ...problem, code: 'NOPE' }),
    ).toHaveLength(1);
    expect(v.checkResponse('getApplicationStatus', 418, 'application/json', {})).toHaveLength(1);
    expect(v.checkResponse('ocspPost', 200, 'application/ocsp-response', new Uint8Array(3))).toEqual([]);
    expect(v.checkResponse('ocspPost', 200, 'application/json', {})).toHaveLength(1);
  });

  it('reports a missing or foreign document as ERR_SPEC_INVALID (the server kit)', () => {
    expect(() => OpenApiValidator.load('/nonexistent/status.yaml')).toThrow(
      expect.objectContaining({ code: 'ERR_SPEC_INVALID' }),
    );
  });
});
