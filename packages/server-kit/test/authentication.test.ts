/**
 * Authentication before validation (issue 10 #13): an operation whose spec declares `security`
 * refuses an unauthenticated call with 401 whatever its body (no schema errors for strangers, no
 * body read), an authenticated one is validated as before, and an oversized body is 413 (before
 * it is parsed). A spec that declares security without an authenticate hook does not start.
 */
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type AuthenticationRequest,
  createOperationRouter,
  listen,
  notFoundHandler,
  OpenApiValidator,
  problemErrorHandler,
  type RunningHttpServer,
} from '../src/index.js';

const SPEC = {
  openapi: '3.1.0',
  info: { title: 'notes', version: '1' },
  components: { securitySchemes: { session: { type: 'http', scheme: 'bearer' } } },
  paths: {
    '/notes/{id}': {
      put: {
        operationId: 'putNote',
        security: [{ session: [] }],
        parameters: [
          { name: 'id', in: 'path', required: true, schema: { type: 'string', pattern: '^[a-z]{3}$' } },
        ],
        requestBody: {
          required: true,
          content: {
            'application/json': {
              schema: {
                type: 'object',
                required: ['text'],
                additionalProperties: false,
                properties: { text: { type: 'string', maxLength: 10_000_000 } },
              },
            },
          },
        },
        responses: { '204': { description: 'stored' } },
      },
    },
    '/public': {
      post: {
        operationId: 'postPublic',
        security: [],
        requestBody: {
          required: true,
          content: { 'application/json': { schema: { type: 'object', required: ['x'] } } },
        },
        responses: { '204': { description: 'ok' } },
      },
    },
  },
};

type Handler = (ctx: unknown, req: unknown) => Promise<{ status: 204 }>;
/** What each handler saw as `req.auth`, in order. */
const auths: unknown[] = [];
const handlers: Record<string, Handler> = {
  putNote: async (_ctx, req) => {
    auths.push((req as { auth?: unknown }).auth);
    return { status: 204 };
  },
  postPublic: async (_ctx, req) => {
    auths.push((req as { auth?: unknown }).auth);
    return { status: 204 };
  },
};

/** The app's own error for a refused session (the kit has no 401 of its own). */
class Unauthorized extends Error {
  readonly code = 'ERR_UNAUTHORIZED';
  readonly status = 401;
}

const seen: AuthenticationRequest[] = [];
async function authenticate(req: AuthenticationRequest): Promise<{ session: string; id: string }> {
  seen.push(req);
  if (req.bearer !== 'good-token') throw new Unauthorized('A session is required');
  return { session: 'of good-token', id: req.params.id ?? '' };
}

let server: RunningHttpServer;
beforeAll(async () => {
  const spec = OpenApiValidator.fromDocument(SPEC, 'urn:test:notes');
  const app = express();
  app.use(
    createOperationRouter({ spec, handlers: handlers as never, context: {}, authenticate, jsonLimit: '1mb' }),
  );
  app.use(notFoundHandler());
  app.use(problemErrorHandler({ onInternalError: () => {} }));
  server = await listen(app, { host: '127.0.0.1', port: 0 });
});
afterAll(async () => {
  await server?.close();
});

async function put(path: string, body: string, token?: string) {
  const r = await fetch(`${server.url}${path}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body,
  });
  return { status: r.status, body: (await r.json().catch(() => undefined)) as { code?: string } | undefined };
}

describe('authentication before validation', () => {
  it('declares security per operation', () => {
    const spec = OpenApiValidator.fromDocument(SPEC, 'urn:test:notes-2');
    expect(spec.security('putNote')).toEqual([{ session: [] }]);
    expect(spec.requiresAuthentication('putNote')).toBe(true);
    expect(spec.security('postPublic')).toEqual([]);
    expect(spec.requiresAuthentication('postPublic')).toBe(false);
  });

  it('an unauthenticated call is 401, whatever its path parameters and body', async () => {
    for (const [path, body] of [
      ['/notes/abc', '{"text":"hi"}'],
      ['/notes/abc', '{"nope":1}'],
      ['/notes/TOO-LONG', 'not json at all'],
    ] as const) {
      const r = await put(path, body);
      expect({ status: r.status, code: r.body?.code }, `${path} ${body}`).toEqual({
        status: 401,
        code: 'ERR_UNAUTHORIZED',
      });
      expect(await put(path, body, 'forged')).toMatchObject({ status: 401 });
    }
    // The hook saw the operation and its schemes, never a body.
    expect(seen.at(-1)).toMatchObject({ operationId: 'putNote', schemes: ['session'], bearer: 'forged' });
    expect(Object.keys(seen.at(-1) ?? {})).not.toContain('body');
  });

  it('an authenticated call is validated as before', async () => {
    expect((await put('/notes/abc', '{"text":"hi"}', 'good-token')).status).toBe(204);
    expect(await put('/notes/abc', '{"nope":1}', 'good-token')).toMatchObject({
      status: 400,
      body: { code: 'ERR_VALIDATION' },
    });
  });

  it("hands the hook's answer to the handler as req.auth (its own request's), none for public operations", async () => {
    auths.length = 0;
    expect((await put('/notes/abc', '{"text":"hi"}', 'good-token')).status).toBe(204);
    expect((await put('/notes/xyz', '{"text":"hi"}', 'good-token')).status).toBe(204);
    const r = await fetch(`${server.url}/public`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"x":1}',
    });
    expect(r.status).toBe(204);
    expect(auths).toEqual([
      { session: 'of good-token', id: 'abc' },
      { session: 'of good-token', id: 'xyz' },
      undefined,
    ]);
  });

  it('a body over the limit is 413 when authenticated, 401 when not', async () => {
    const huge = JSON.stringify({ text: 'x'.repeat(10 * 1024 * 1024) });
    expect(await put('/notes/abc', huge, 'good-token')).toMatchObject({
      status: 413,
      body: { code: 'ERR_PAYLOAD_TOO_LARGE' },
    });
    expect(await put('/notes/abc', huge)).toMatchObject({ status: 401 });
  });

  it('public operations are not authenticated', async () => {
    const r = await fetch(`${server.url}/public`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(r.status).toBe(400);
  });

  it('a spec that declares security does not start without an authenticate hook', () => {
    const spec = OpenApiValidator.fromDocument(SPEC, 'urn:test:notes-3');
    expect(() => createOperationRouter({ spec, handlers: handlers as never, context: {} })).toThrow(
      expect.objectContaining({ code: 'ERR_ROUTES_MISMATCH', message: expect.stringMatching(/putNote/) }),
    );
  });
});
