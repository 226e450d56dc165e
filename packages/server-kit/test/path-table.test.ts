/**
 * The operation lookup of the router (`src/routes/path-table.ts`): the matching express did before
 * (case-insensitive literals, one segment per parameter, percent-decoding, a trailing slash
 * ignored, HEAD served by GET, the document's order on ties), checked directly and against
 * express's own router (path-to-regexp) over generated paths.
 */
import express from 'express';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MalformedPathError, PathTable } from '../src/routes/path-table.js';

function table(): PathTable<string> {
  const t = new PathTable<string>();
  t.add('get', '/v1/applications', 'list');
  t.add('post', '/v1/applications', 'start');
  t.add('get', '/v1/applications/{applicationId}', 'get');
  t.add('get', '/v1/applications/{applicationId}/certificates', 'certs');
  t.add('get', '/v1/applications/search', 'search-after-template');
  t.add('post', '/v1/applications/{applicationId}/otp/verification', 'otp');
  return t;
}

describe('PathTable', () => {
  it('matches method and path, decodes parameters, ignores one trailing slash and case of literals', () => {
    const t = table();
    expect(t.match('GET', '/v1/applications')).toEqual({ value: 'list', params: {} });
    expect(t.match('post', '/v1/applications/')).toEqual({ value: 'start', params: {} });
    expect(t.match('GET', '/V1/Applications/A%2F1%20x/certificates')).toEqual({
      value: 'certs',
      params: { applicationId: 'A/1 x' },
    });
    expect(t.match('POST', '/v1/applications/K1/otp/verification')?.value).toBe('otp');
    // The first of two matching templates wins, as the first express route did.
    expect(t.match('GET', '/v1/applications/search')).toEqual({
      value: 'get',
      params: { applicationId: 'search' },
    });
  });

  it('matches nothing for another method, an empty parameter, extra or missing segments', () => {
    const t = table();
    expect(t.match('DELETE', '/v1/applications')).toBeUndefined();
    expect(t.match('GET', '/v1/applications//certificates')).toBeUndefined();
    expect(t.match('GET', '/v1/applications/A1/certificates/x')).toBeUndefined();
    expect(t.match('GET', '/v1')).toBeUndefined();
    expect(t.match('GET', '/v1/applications//')).toBeUndefined();
    expect(t.match('POST', '/v1/applications/A1/otp')).toBeUndefined();
  });

  it('serves HEAD with the GET operation unless the document has a HEAD one', () => {
    const t = table();
    expect(t.match('HEAD', '/v1/applications/A1')?.value).toBe('get');
    t.add('head', '/v1/applications', 'head-list');
    expect(t.match('HEAD', '/v1/applications')?.value).toBe('head-list');
  });

  it('refuses a malformed percent-encoding of a parameter with a typed error', () => {
    expect(() => table().match('GET', '/v1/applications/%E0%A4%A')).toThrow(MalformedPathError);
    // Literal segments are compared as sent: no decoding, no error.
    expect(table().match('GET', '/v1/%zz/x')).toBeUndefined();
  });

  it('agrees with express on which route answers generated paths', async () => {
    const templates = ['/a', '/a/{x}', '/a/{x}/b', '/a/b/{y}', '/{z}/b'] as const;
    const t = new PathTable<number>();
    const app = express.Router();
    templates.forEach((tpl, i) => {
      t.add('get', tpl, i);
      app.get(tpl.replace(/\{(\w+)\}/g, ':$1'), (req, res) => {
        res.json({ i, params: { ...req.params } });
      });
    });
    const seg = fc.oneof(
      fc.constantFrom('a', 'A', 'b', 'B', 'x%20y', '%41', 'c'),
      fc.stringMatching(/^[a-z0-9]{1,3}$/),
    );
    const paths = fc
      .tuple(fc.array(seg, { minLength: 1, maxLength: 4 }), fc.boolean())
      .map(([s, slash]) => `/${s.join('/')}${slash ? '/' : ''}`);
    let matched = 0;
    await fc.assert(
      fc.asyncProperty(paths, async (path) => {
        const viaExpress = await new Promise<unknown>((resolve) => {
          const res = {
            json: (v: unknown) => resolve(v),
            setHeader: () => {},
          } as unknown as express.Response;
          app({ method: 'GET', url: path, headers: {} } as express.Request, res, () => resolve(undefined));
        });
        const m = t.match('GET', path);
        if (m) matched++;
        expect(m === undefined ? undefined : { i: m.value, params: m.params }).toEqual(viaExpress);
      }),
      { numRuns: 300 },
    );
    expect(matched).toBeGreaterThan(30); // the paths reach the routes, not only the fall-through
  });
});
