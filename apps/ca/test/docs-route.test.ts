import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestCa, type TestCa } from './support/harness.js';

describe('the built docs site at /docs', () => {
  let site: string;
  let t: TestCa;
  beforeAll(async () => {
    site = mkdtempSync(join(tmpdir(), 'kzpki-docs-'));
    mkdirSync(join(site, 'guides'));
    writeFileSync(join(site, 'index.html'), '<!doctype html><title>kzpki docs</title>');
    writeFileSync(join(site, 'guides', 'tester.html'), '<!doctype html><title>tester</title>');
    writeFileSync(join(site, '.secret'), 'not served');
    t = await startTestCa({}, undefined, { docsDir: site });
  });
  afterAll(async () => {
    await t.stop();
    rmSync(site, { recursive: true, force: true });
  });

  it('serves the index and nested pages as HTML', async () => {
    const index = await fetch(`${t.url}/docs/`);
    expect(index.status).toBe(200);
    expect(index.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await index.text()).toContain('kzpki docs');
    const page = await fetch(`${t.url}/docs/guides/tester.html`);
    expect(await page.text()).toContain('tester');
  });

  it('does not serve dotfiles, escape the folder, or shadow the API', async () => {
    expect((await fetch(`${t.url}/docs/.secret`)).status).toBe(404);
    const traversal = await fetch(`${t.url}/docs/%2e%2e/%2e%2e/package.json`);
    expect(traversal.status).toBe(404);
    const missing = await fetch(`${t.url}/docs/nope.html`);
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toMatch(/problem\+json/);
    expect((await fetch(`${t.url}/v1/health`)).status).toBe(200);
  });
});

describe('without a built docs site', () => {
  it('answers /docs with a problem+json 404 saying how to build it, then serves the site once built, without a restart', async () => {
    const site = join(mkdtempSync(join(tmpdir(), 'kzpki-docs-later-')), 'site');
    const t = await startTestCa({}, undefined, { docsDir: site });
    try {
      const before = await fetch(`${t.url}/docs/`);
      expect(before.status).toBe(404);
      expect(before.headers.get('content-type')).toMatch(/problem\+json/);
      expect(before.headers.get('cache-control')).toBe('no-store');
      expect(await before.json()).toMatchObject({
        code: 'ERR_NOT_FOUND',
        detail: expect.stringContaining('npx -y pnpm@10.34.9 run docs'),
      });
      // `pnpm run docs` builds the site while the CA runs.
      mkdirSync(join(site, 'guides'), { recursive: true });
      writeFileSync(join(site, 'index.html'), '<!doctype html><title>built later</title>');
      writeFileSync(join(site, 'guides', 'flow.html'), '<!doctype html><title>flow</title>');
      const after = await fetch(`${t.url}/docs/`);
      expect(after.status).toBe(200);
      expect(await after.text()).toContain('built later');
      expect(await (await fetch(`${t.url}/docs/guides/flow.html`)).text()).toContain('flow');
      // A rebuild is served as it is now.
      writeFileSync(join(site, 'index.html'), '<!doctype html><title>rebuilt</title>');
      expect(await (await fetch(`${t.url}/docs/`)).text()).toContain('rebuilt');
      // A page the built site lacks is an ordinary 404.
      const missing = await fetch(`${t.url}/docs/nope.html`);
      expect(missing.status).toBe(404);
      expect((await missing.json()).detail).not.toContain('run docs');
    } finally {
      await t.stop();
      rmSync(join(site, '..'), { recursive: true, force: true });
    }
  });
});
