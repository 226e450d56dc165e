/** The OpenAPI validator on the fixture and on the repository's two real specs. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { isServerKitError, OpenApiValidator } from '../src/index.js';
import { FIXTURE } from './support/fixture-types.js';

const repoSpec = (name: string) => fileURLToPath(new URL(`../../../openapi/${name}`, import.meta.url));

describe('OpenApiValidator', () => {
  const v = OpenApiValidator.load(FIXTURE.spec);

  it('lists operations with express paths, path-level parameters included', () => {
    expect(v.operations.map((o) => `${o.method} ${o.expressPath} ${o.operationId}`)).toEqual([
      'get /v1/pets listPets',
      'post /v1/pets createPet',
      'get /v1/pets/:petId getPet',
      'delete /v1/pets/:petId deletePet',
      'patch /v1/pets/:petId renamePet',
      'get /v1/pets/:petId/photo getPetPhoto',
      'put /v1/pets/:petId/photo putPetPhoto',
      'get /v1/ready petsReady',
    ]);
    expect(v.checkParameters('deletePet', { path: {} })).toEqual([
      { location: 'path', path: '/petId', message: 'is required' },
    ]);
    expect(v.requestMediaTypes('createPet')).toEqual(['application/json']);
    expect(v.requestMediaTypes('getPet')).toEqual([]);
  });

  it('is loaded and compiled once per file', () => {
    expect(OpenApiValidator.load(FIXTURE.spec)).toBe(v);
  });

  it('checks parameters (header names case-insensitively), bodies and media types', () => {
    expect(v.checkParameters('createPet', { header: { 'IDEMPOTENCY-KEY': '1234567' } })).toEqual([
      { location: 'header', path: '/Idempotency-Key', message: 'must NOT have fewer than 8 characters' },
    ]);
    expect(v.checkBody('createPet', 'application/json', { name: 'a', species: 'cat' })).toEqual([]);
    expect(
      v.checkBody('createPet', 'application/json', { name: 'a', species: 'cat', born: '2023-13-01' }),
    ).toEqual([{ location: 'body', path: '/born', message: 'must match format "date"' }]);
    expect(v.checkBody('createPet', 'application/xml', '<pet/>')).toBeUndefined();
    expect(
      v.checkRequest('createPet', { body: { name: 'a', species: 'cat' }, mediaType: 'text/plain' }),
    ).toEqual([{ location: 'body', path: '', message: 'the body must be application/json' }]);
  });

  it('checks responses: documented status, media type and JSON schema', () => {
    const pet = { id: '1', name: 'a', species: 'cat' };
    expect(v.checkResponse('getPet', 200, 'application/json; charset=utf-8', pet)).toEqual([]);
    expect(v.checkResponse('getPet', 200, 'text/html', '<p>')).toEqual([
      'text/html is not documented for getPet 200',
    ]);
    expect(v.checkResponse('getPet', 418, 'application/json', {})).toEqual([
      'status 418 is not documented for getPet',
    ]);
    expect(
      v.checkResponse('getPet', 404, 'application/problem+json', {
        type: 't',
        title: 't',
        status: 404,
        code: 'NOPE',
      }),
    ).toHaveLength(1);
    expect(v.checkResponse('deletePet', 204, undefined, undefined)).toEqual([]);
    expect(v.checkResponse('deletePet', 204, 'application/json', { x: 1 })).toEqual([
      'deletePet 204 has no body in the spec',
    ]);
    expect(v.checkResponse('getPetPhoto', 200, 'image/png', new Uint8Array(4))).toEqual([]);
  });

  it('refuses documents that are not usable OpenAPI 3.1 with ERR_SPEC_INVALID', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kit-spec-'));
    const cases: Record<string, string> = {
      'missing.yaml': '',
      'v30.yaml': 'openapi: 3.0.3\npaths: {}\n',
      'dup.yaml':
        'openapi: 3.1.0\npaths:\n  /a:\n    get: { operationId: x, responses: {} }\n  /b:\n    get: { operationId: x, responses: {} }\n',
      'badref.yaml':
        "openapi: 3.1.0\npaths:\n  /a:\n    post:\n      operationId: x\n      requestBody: { content: { application/json: { schema: { $ref: '#/components/schemas/Nope' } } } }\n      responses: {}\n",
      'noid.yaml': 'openapi: 3.1.0\npaths:\n  /a:\n    get: { responses: {} }\n',
    };
    for (const [name, text] of Object.entries(cases)) {
      const path = join(dir, name);
      if (name !== 'missing.yaml') writeFileSync(path, text);
      let caught: unknown;
      try {
        OpenApiValidator.load(path);
      } catch (e) {
        caught = e;
      }
      expect(isServerKitError(caught, 'ERR_SPEC_INVALID'), name).toBe(true);
    }
  });

  it.each(['ca.yaml', 'status.yaml'])('compiles the repository spec %s', (name) => {
    const spec = OpenApiValidator.load(repoSpec(name));
    expect(spec.operationIds.length).toBeGreaterThan(5);
    for (const op of spec.operations) expect(op.expressPath).not.toContain('{');
  });
});
