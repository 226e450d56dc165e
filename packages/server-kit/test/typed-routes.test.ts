/**
 * The route table typed from openapi-typescript output, end to end over HTTP: validation before
 * handlers, typed requests and results, problem+json for every failure, guards, response checks.
 * The `@ts-expect-error` lines are the compile-time half: `tsc -p tsconfig.json` (the package's
 * typecheck) fails if any of them stops being an error.
 */
import { readFileSync } from 'node:fs';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createOperationDispatcher,
  createOperationRouter,
  listen,
  notFoundHandler,
  OpenApiValidator,
  problemErrorHandler,
  RateLimiter,
  type RouteTable,
  type RunningHttpServer,
  ServerKitError,
} from '../src/index.js';
import type { components, operations } from './fixtures/generated/pets.js';
import { FIXTURE, fixtureTypes } from './support/fixture-types.js';

type Pet = components['schemas']['Pet'];
interface Ctx {
  pets: Map<string, Pet>;
  nextId: number;
}

const handlers: RouteTable<operations, Ctx> = {
  async listPets(ctx, req) {
    const pets = [...ctx.pets.values()].filter((p) => !req.query.species || p.species === req.query.species);
    return { status: 200, body: { pets } };
  },
  async createPet(ctx, req) {
    const pet: Pet = { ...req.body, id: String(ctx.nextId++) };
    ctx.pets.set(pet.id, pet);
    return { status: 201, body: pet, headers: { location: `/v1/pets/${pet.id}` } };
  },
  async getPet(ctx, req) {
    const pet = ctx.pets.get(req.params.petId);
    if (!pet) throw new ServerKitError('ERR_NOT_FOUND', `No pet ${req.params.petId}`);
    return { status: 200, body: pet };
  },
  async deletePet(ctx, req) {
    if (req.params.petId === '666') throw new Error('disk on fire: /var/secret');
    ctx.pets.delete(req.params.petId);
    return { status: 204 };
  },
  async renamePet(ctx, req) {
    const pet = ctx.pets.get(req.params.petId);
    if (!pet) throw new ServerKitError('ERR_NOT_FOUND', `No pet ${req.params.petId}`);
    // The body is optional in the spec, so its type includes undefined.
    if (req.body?.name) pet.name = req.body.name;
    // Deliberately not what the spec says (a Pet has a name): caught by the response check.
    return { status: 200, body: req.body?.name === 'break-me' ? ({ id: pet.id } as Pet) : pet };
  },
  async getPetPhoto() {
    return { status: 200, body: new Uint8Array([0x89, 0x50, 0x4e, 0x47]), contentType: 'image/png' };
  },
  async putPetPhoto(_ctx, req) {
    // JSON arrives parsed and validated; other media types as their bytes.
    const body = req.body;
    if ('url' in body) return { status: 200, body: { mediaType: 'application/json', size: body.url.length } };
    return { status: 200, body: { mediaType: body.mediaType, size: body.bytes.length } };
  },
  async petsReady(ctx) {
    // A declared non-problem answer with its own status (a readiness check's 503).
    const ready = ctx.pets.size > 0;
    return ready ? { status: 200, body: { ready } } : { status: 503, body: { ready } };
  },
};

// Compile-time checks (no runtime effect).
// @ts-expect-error a table without getPetPhoto does not compile
const _missing: RouteTable<operations, Ctx> = { ...handlers, getPetPhoto: undefined };
void _missing;
const _typed: Partial<RouteTable<operations, Ctx>> = {
  // @ts-expect-error createPet answers 201, not 200 (reported on the handler)
  async createPet(_ctx, req) {
    // @ts-expect-error `colour` is not a member of NewPet
    void req.body.colour;
    return { status: 200, body: { ...req.body, id: '1' } };
  },
  // @ts-expect-error 'cow' is not a species of the Pet schema
  async getPet() {
    return { status: 200, body: { id: '1', name: 'x', species: 'cow' } };
  },
  // @ts-expect-error a Pet needs an id
  async renamePet() {
    return { status: 200, body: { name: 'x', species: 'cat' } };
  },
  async putPetPhoto(_ctx, req) {
    // @ts-expect-error the body may be raw bytes (image/png, text/plain): narrow before reading url
    void req.body.url;
    return { status: 200, body: { mediaType: 'x', size: 0 } };
  },
  // @ts-expect-error 404 is not an answer the spec gives for petsReady
  async petsReady() {
    return { status: 404, body: { ready: false } };
  },
};
void _typed;

describe('createOperationRouter', () => {
  let running: RunningHttpServer;
  const internal: unknown[] = [];
  const violations: string[] = [];
  const ctx: Ctx = { pets: new Map(), nextId: 1 };
  let now = 0;

  beforeAll(async () => {
    const spec = OpenApiValidator.load(FIXTURE.spec);
    const limiter = new RateLimiter(
      { createPerIp: { capacity: 3, refillPerSecond: 1 / 60 } },
      { now: () => now },
    );
    const app = express();
    app.use(
      createOperationRouter<operations, Ctx>({
        spec,
        handlers,
        context: ctx,
        guards: { createPet: limiter.keyedBy('createPerIp', (req) => req.ip) },
        onInternalError: (_id, e) => internal.push(e),
        onResponseViolation: (v) => violations.push(v),
        jsonLimit: 2048,
      }),
    );
    app.use(notFoundHandler());
    app.use(problemErrorHandler());
    running = await listen(app);
  });
  afterAll(async () => {
    await running.close();
  });

  const call = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const r = await fetch(`${running.url}${path}`, {
      method,
      headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
      ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
    const text = await r.text();
    return { status: r.status, headers: r.headers, text, json: text ? JSON.parse(text) : undefined };
  };

  it('runs typed handlers and sends their status, body and headers', async () => {
    const created = await call('POST', '/v1/pets', { name: 'Barsik', species: 'cat' });
    expect(created.status).toBe(201);
    expect(created.json).toEqual({ name: 'Barsik', species: 'cat', id: '1' });
    expect(created.headers.get('location')).toBe('/v1/pets/1');
    expect(created.headers.get('cache-control')).toBe('no-store');
    await call('POST', '/v1/pets', { name: 'Tobik', species: 'dog' });
    expect((await call('GET', '/v1/pets?species=dog')).json).toEqual({
      pets: [{ name: 'Tobik', species: 'dog', id: '2' }],
    });
    expect((await call('GET', '/v1/pets/1')).json.name).toBe('Barsik');
    expect((await call('PATCH', '/v1/pets/1', { name: 'Murzik' })).json.name).toBe('Murzik');
    expect((await call('PATCH', '/v1/pets/1')).status).toBe(200); // optional body
    const del = await call('DELETE', '/v1/pets/2');
    expect([del.status, del.text]).toEqual([204, '']);
    const photo = await fetch(`${running.url}/v1/pets/1/photo`);
    expect(photo.headers.get('content-type')).toBe('image/png');
    expect([...new Uint8Array(await photo.arrayBuffer())]).toEqual([0x89, 0x50, 0x4e, 0x47]);
    expect(violations).toEqual([]);
  });

  it('looks operations up as express routes did: case, trailing slash, HEAD, malformed escapes', async () => {
    await call('POST', '/v1/pets', { name: 'Sharik', species: 'dog' });
    const id = String(ctx.nextId - 1);
    expect((await call('GET', `/V1/PETS/${id}/`)).json.name).toBe('Sharik');
    const head = await fetch(`${running.url}/v1/pets/${id}`, { method: 'HEAD' });
    expect([head.status, head.headers.get('content-type'), await head.text()]).toEqual([
      200,
      'application/json; charset=utf-8',
      '',
    ]);
    // JSON answers carry their length and no entity tag (the API's answers are not cached).
    const got = await fetch(`${running.url}/v1/pets/${id}`);
    const text = await got.text();
    expect(got.headers.get('content-length')).toBe(String(Buffer.byteLength(text)));
    expect(got.headers.get('etag')).toBeNull();
    const bad = await call('GET', '/v1/pets/%E0%A4%A');
    expect([bad.status, bad.json.code, bad.headers.get('content-type')]).toEqual([
      400,
      'ERR_VALIDATION',
      'application/problem+json; charset=utf-8',
    ]);
    // A path of the spec with a method it does not have, and an unknown path: not found.
    expect((await call('PUT', '/v1/pets')).json.code).toBe('ERR_NOT_FOUND');
    expect((await call('GET', '/v1/pets/1/photo/extra')).json.code).toBe('ERR_NOT_FOUND');
  });

  it('refuses requests the spec does not allow, before the handler, with every failure listed', async () => {
    const before = ctx.nextId;
    const r = await call(
      'POST',
      '/v1/pets',
      { name: '', species: 'cow', extra: 1 },
      { 'idempotency-key': 'short' },
    );
    expect(r.status).toBe(400);
    expect(r.headers.get('content-type')).toBe('application/problem+json; charset=utf-8');
    expect(r.json).toMatchObject({
      type: 'https://kzpki.dev/problems/validation',
      title: 'Validation',
      status: 400,
      code: 'ERR_VALIDATION',
    });
    const where = (r.json.errors as Array<{ location: string; path: string }>).map(
      (e) => `${e.location}${e.path}`,
    );
    expect(where).toEqual(
      expect.arrayContaining(['header/Idempotency-Key', 'body/name', 'body/species', 'body']),
    );
    expect(ctx.nextId).toBe(before);
    const missing = await call('POST', '/v1/pets', { name: 'x' });
    expect(missing.json.errors).toEqual([
      { location: 'body', path: '/species', message: "must have required property 'species'" },
    ]);
    expect((await call('GET', '/v1/pets/abc')).json.errors[0]).toMatchObject({
      location: 'path',
      path: '/petId',
    });
    expect((await call('GET', '/v1/pets?species=cow')).json.errors[0]).toMatchObject({
      location: 'query',
      path: '/species',
    });
    expect((await call('POST', '/v1/pets')).json.errors[0].message).toBe('a request body is required');
    expect((await call('DELETE', '/v1/pets/1', { x: 1 })).json.errors[0].message).toBe(
      'this operation takes no body',
    );
    expect((await call('POST', '/v1/pets', { name: 'x', species: 'cat', born: '2024-02-30' })).status).toBe(
      400,
    );
  });

  it('maps unreadable, oversized and wrongly typed bodies to their own codes', async () => {
    const broken = await call('POST', '/v1/pets', '{"name":');
    expect([broken.status, broken.json.code]).toEqual([400, 'ERR_VALIDATION']);
    const big = await call('POST', '/v1/pets', { name: 'x'.repeat(4096), species: 'cat' });
    expect([big.status, big.json.code]).toEqual([413, 'ERR_PAYLOAD_TOO_LARGE']);
    const r = await fetch(`${running.url}/v1/pets`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: 'cat',
    });
    expect([r.status, ((await r.json()) as { code: string }).code]).toEqual([
      415,
      'ERR_UNSUPPORTED_MEDIA_TYPE',
    ]);
  });

  it('sends thrown problem errors as they are, and unexpected errors as ERR_INTERNAL without internals', async () => {
    const nf = await call('GET', '/v1/pets/999');
    expect(nf.json).toEqual({
      type: 'https://kzpki.dev/problems/not-found',
      title: 'Not found',
      status: 404,
      code: 'ERR_NOT_FOUND',
      detail: 'No pet 999',
    });
    const boom = await call('DELETE', '/v1/pets/666');
    expect(boom.status).toBe(500);
    expect(boom.json.code).toBe('ERR_INTERNAL');
    expect(boom.text).not.toContain('secret');
    expect(internal).toHaveLength(1);
    expect(String(internal[0])).toContain('disk on fire');
    const none = await call('GET', '/v2/nothing');
    expect([none.status, none.json.code]).toEqual([404, 'ERR_NOT_FOUND']);
  });

  it('runs guards keyed by the request: a rate limit answers 429 with Retry-After', async () => {
    now = 0;
    let refused: Awaited<ReturnType<typeof call>> | undefined;
    for (let i = 0; i < 5 && !refused; i++) {
      const r = await call('POST', '/v1/pets', { name: `p${i}`, species: 'cat' });
      if (r.status === 429) refused = r;
    }
    expect(refused?.json).toMatchObject({ code: 'ERR_RATE_LIMITED', retryAfter: 60 });
    expect(refused?.headers.get('retry-after')).toBe('60');
    now += 60_000;
    expect((await call('POST', '/v1/pets', { name: 'later', species: 'dog' })).status).toBe(201);
  });

  it('reads bodies of other media types as bytes, and answers a declared 503 with its body', async () => {
    violations.length = 0;
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a]);
    const put = (type: string, body: BodyInit) =>
      fetch(`${running.url}/v1/pets/1/photo`, {
        method: 'PUT',
        headers: { 'content-type': type },
        body,
      }).then(async (r) => ({ status: r.status, json: (await r.json()) as Record<string, unknown> }));
    expect(await put('image/png', png)).toEqual({ status: 200, json: { mediaType: 'image/png', size: 6 } });
    expect(await put('text/plain; charset=utf-8', 'текст')).toEqual({
      status: 200,
      json: { mediaType: 'text/plain', size: 10 },
    });
    expect(await put('application/json', JSON.stringify({ url: 'https://x' }))).toEqual({
      status: 200,
      json: { mediaType: 'application/json', size: 9 },
    });
    expect((await put('application/json', JSON.stringify({ size: 1 }))).json.code).toBe('ERR_VALIDATION');
    expect(await put('image/gif', png)).toMatchObject({
      status: 415,
      json: { code: 'ERR_UNSUPPORTED_MEDIA_TYPE' },
    });
    expect(await put('image/png', new Uint8Array(4096))).toMatchObject({
      status: 413,
      json: { code: 'ERR_PAYLOAD_TOO_LARGE' },
    });
    const saved = new Map(ctx.pets);
    ctx.pets.clear();
    const down = await call('GET', '/v1/ready');
    expect([down.status, down.json, down.headers.get('content-type')]).toEqual([
      503,
      { ready: false },
      'application/json; charset=utf-8',
    ]);
    ctx.pets.set('7', { id: '7', name: 'Aktos', species: 'dog' });
    expect((await call('GET', '/v1/ready')).json).toEqual({ ready: true });
    ctx.pets.delete('7');
    for (const [k, v] of saved) ctx.pets.set(k, v);
    expect(violations).toEqual([]);
  });

  it('leaves operations served elsewhere unmounted, and refuses unknown names there', async () => {
    const spec = OpenApiValidator.load(FIXTURE.spec);
    const { getPetPhoto: _elsewhere, ...rest } = handlers;
    const app = express();
    app.get('/v1/pets/:petId/photo', (_req, res) => {
      res.type('image/png').send(Buffer.from('fast'));
    });
    app.use(
      createOperationRouter<Omit<operations, 'getPetPhoto'>, Ctx>({
        spec,
        handlers: rest,
        context: ctx,
        servedElsewhere: ['getPetPhoto'],
      }),
    );
    const other = await listen(app);
    try {
      expect(await (await fetch(`${other.url}/v1/pets/1/photo`)).text()).toBe('fast');
      expect((await fetch(`${other.url}/v1/pets/1`)).status).toBe(200);
    } finally {
      await other.close();
    }
    expect(() =>
      createOperationRouter<Omit<operations, 'getPetPhoto'>, Ctx>({
        spec,
        handlers: rest,
        context: ctx,
        servedElsewhere: ['getPetPhoto', 'adoptPet'],
      }),
    ).toThrow(/servedElsewhere names unknown operations: adoptPet/);
    expect(() =>
      createOperationRouter<Omit<operations, 'getPetPhoto'>, Ctx>({ spec, handlers: rest, context: ctx }),
    ).toThrow(/no handler for getPetPhoto/);
  });

  it('reports responses that do not match the spec', async () => {
    violations.length = 0;
    await call('PATCH', '/v1/pets/1', { name: 'break-me' });
    expect(violations).toEqual([
      "renamePet 200: / must have required property 'name'",
      "renamePet 200: / must have required property 'species'",
    ]);
    violations.length = 0;
    await call('GET', '/v1/pets/abc'); // the fixture documents no 400 for getPet
    expect(violations).toEqual(['status 400 is not documented for getPet']);
  });

  it('refuses at start-up a table that does not match the spec (types and spec drifted apart)', () => {
    const spec = OpenApiValidator.load(FIXTURE.spec);
    const { getPetPhoto: _, ...partial } = handlers;
    const run = (h: unknown) => () =>
      createOperationRouter<operations, Ctx>({
        spec,
        handlers: h as RouteTable<operations, Ctx>,
        context: ctx,
      });
    expect(run(partial)).toThrow(/no handler for getPetPhoto/);
    expect(run({ ...handlers, adoptPet: async () => ({ status: 200 }) })).toThrow(/adoptPet/);
    try {
      run(partial)();
    } catch (e) {
      expect((e as ServerKitError).code).toBe('ERR_ROUTES_MISMATCH');
    }
  });

  it(
    'is typed from real openapi-typescript output (the fixture types are fresh)',
    { timeout: 60_000 },
    async () => {
      expect(readFileSync(FIXTURE.types, 'utf8')).toBe(await fixtureTypes());
    },
  );
});

describe('createOperationDispatcher: the operations straight from node:http', () => {
  const servers: RunningHttpServer[] = [];
  const seen: Record<'express' | 'dispatch', string[]> = { express: [], dispatch: [] };
  let dispatched = 0;

  /** One server per path, each with its own pets (same start), trusting loopback's X-Forwarded-For. */
  async function start(
    path: 'express' | 'dispatch',
    onResponseViolation?: (message: string) => void,
  ): Promise<string> {
    const pets = new Map<string, Pet>([['1', { id: '1', name: 'Barsik', species: 'cat' }]]);
    const ops = createOperationDispatcher<operations, Ctx>({
      spec: OpenApiValidator.load(FIXTURE.spec),
      handlers,
      context: { pets, nextId: 2 },
      guards: {
        listPets: async (req) => {
          seen[path].push(req.ip);
        },
      },
      trustedProxies: ['loopback'],
      jsonLimit: 2048,
      onInternalError: () => {},
      ...(onResponseViolation ? { onResponseViolation } : {}),
    });
    const app = express();
    app.set('trust proxy', ['loopback']);
    app
      .use(ops.router)
      .use(notFoundHandler())
      .use(problemErrorHandler({ onInternalError: () => {} }));
    const running =
      path === 'express'
        ? await listen(app)
        : await listen((req, res) => {
            if (ops.dispatch(req, res)) dispatched++;
            else app(req, res);
          });
    servers.push(running);
    return running.url;
  }
  afterAll(async () => {
    for (const s of servers) await s.close();
  });

  it('answers every request as the express path does, headers and bytes', async () => {
    const viaExpress = await start('express');
    const viaDispatch = await start('dispatch');
    const requests: Array<[string, string, string?, Record<string, string>?]> = [
      ['GET', '/v1/pets', undefined, { 'x-forwarded-for': '203.0.113.9' }],
      ['GET', '/v1/pets?species=cat&species=dog'],
      ['GET', '/v1/pets?species=cow'],
      ['POST', '/v1/pets', JSON.stringify({ name: 'Tobik', species: 'dog' })],
      ['POST', '/v1/pets', JSON.stringify({ name: '', species: 'cow' })],
      ['POST', '/v1/pets', '{"name":'],
      ['POST', '/v1/pets', JSON.stringify({ name: 'x'.repeat(3000), species: 'dog' })],
      ['GET', '/V1/PETS/1/'],
      ['GET', '/v1/pets/abc'],
      ['GET', '/v1/pets/%E0%A4%A'],
      ['GET', '/v1/pets/1/photo'],
      ['HEAD', '/v1/pets/1'],
      ['DELETE', '/v1/pets/666'],
      ['PUT', '/v1/pets'],
      ['GET', '/nowhere'],
      ['GET', '/v1/ready'],
    ];
    const answer = async (base: string, [method, path, body, headers]: (typeof requests)[number]) => {
      const r = await fetch(`${base}${path}`, {
        method,
        headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
        ...(body !== undefined ? { body } : {}),
      });
      const pick = ['content-type', 'content-length', 'cache-control', 'location', 'etag'];
      return {
        status: r.status,
        headers: Object.fromEntries(pick.map((h) => [h, r.headers.get(h)])),
        body: Buffer.from(await r.arrayBuffer()).toString('base64'),
      };
    };
    for (const request of requests) {
      expect(await answer(viaDispatch, request), JSON.stringify(request)).toEqual(
        await answer(viaExpress, request),
      );
    }
    // The operations were served by dispatch; the two requests no operation matches went to express.
    expect(dispatched).toBe(requests.length - 2);
    // The client address: X-Forwarded-For from a trusted proxy (loopback) on both paths.
    expect(seen.dispatch).toEqual(seen.express);
    expect(seen.dispatch[0]).toBe('203.0.113.9');
  });

  it('answers what escapes an operation (a failing response check) with problem+json on both paths', async () => {
    const failing = () => {
      throw new Error('response checker down');
    };
    const viaExpress = await start('express', failing);
    const viaDispatch = await start('dispatch', failing);
    const before = dispatched;
    const answers = await Promise.all(
      [viaExpress, viaDispatch].map(async (base) => {
        // renamePet answers a Pet without a name for 'break-me': a violation, so the checker runs.
        const r = await fetch(`${base}/v1/pets/1`, {
          method: 'PATCH',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ name: 'break-me' }),
        });
        return {
          status: r.status,
          type: r.headers.get('content-type'),
          code: ((await r.json()) as { code: string }).code,
        };
      }),
    );
    expect(answers[1]).toEqual(answers[0]);
    expect(answers[0]).toEqual({
      status: 500,
      type: 'application/problem+json; charset=utf-8',
      code: 'ERR_INTERNAL',
    });
    expect(dispatched).toBe(before + 1);
  });
});
