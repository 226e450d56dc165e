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
  it('answers /docs with a problem+json 404', async () => {
    const t = await startTestCa({}, undefined, { docsDir: join(tmpdir(), 'kzpki-no-such-docs-dir') });
    try {
      const r = await fetch(`${t.url}/docs/`);
      expect(r.status).toBe(404);
      expect(r.headers.get('content-type')).toMatch(/problem\+json/);
    } finally {
      await t.stop();
    }
  });
});
