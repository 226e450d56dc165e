/**
 * The docs site build (docs/build.ts): every Markdown page and both API references are written;
 * the Markdown pages are self-contained (no scripts, nothing loaded from elsewhere); the Redoc
 * references embed exactly the specs (every operation) under a CSP that keeps them offline; the
 * profiles table is the data of @kzpki/pki; and the renderers keep the site's rules.
 */
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TEMPLATES, templateProfile } from '@kzpki/pki';
import { tempDir } from '@kzpki/test-fixtures';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSite, PAGES, REFERENCES } from '../build.js';
import { renderMarkdown } from '../lib/markdown.js';
import { REFERENCE_CSP } from '../lib/openapi-reference.js';
import { profilesMarkdown } from '../lib/profiles-table.js';
import { parseSequence, sequenceSvg } from '../lib/sequence-svg.js';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
let out: ReturnType<typeof tempDir>;
let pages: Map<string, string>;

beforeAll(async () => {
  out = tempDir('kzpki-docs-site-');
  const written = await buildSite({ outDir: out.dir });
  pages = new Map(written.map((p) => [relative(out.dir, p), readFileSync(p, 'utf8')]));
}, 120_000);

afterAll(() => out?.dispose());

function operationIds(spec: string): string[] {
  return [
    ...readFileSync(join(REPO, 'openapi', spec), 'utf8').matchAll(/^\s+operationId:\s*(\S+)\s*$/gm),
  ].map((m) => m[1] as string);
}

/** The OpenAPI document a Redoc page embeds (what it renders in the browser). */
function embeddedDefinition(html: string): {
  paths: Record<string, Record<string, { operationId?: string }>>;
  components: { schemas: Record<string, { enum?: string[] }> };
} {
  const m = /const __redoc_definition = (.*?);\n/s.exec(html);
  expect(m, 'the page embeds the API definition').not.toBeNull();
  return JSON.parse(m?.[1] as string);
}

describe('the docs site', () => {
  it('has a page per Markdown source and per API reference', () => {
    const expected = [...PAGES.map((p) => p.href), ...REFERENCES.map((r) => r.out)];
    expect([...pages.keys()].sort()).toEqual(expected.sort());
    expect(pages.has('domain.html')).toBe(true);
  });

  it('Markdown pages are self-contained: no scripts, no remote resources, a CSP that forbids both', () => {
    for (const [name, html] of pages) {
      if (name.startsWith('reference/')) continue;
      expect(html, name).not.toMatch(/<script/i);
      expect(html, name).not.toMatch(/\s(src|href)="(https?:)?\/\/[^"]*\.(js|css|woff2?)"/i);
      expect(html, name).not.toMatch(/<link[^>]+stylesheet/i);
      expect(html, name).toContain(`content="default-src 'none'; style-src 'unsafe-inline'; img-src data:"`);
    }
  });

  it('the Redoc references carry their script inline, load nothing from elsewhere, and link back to the site', () => {
    for (const ref of REFERENCES) {
      const html = pages.get(ref.out) as string;
      expect(html).toContain(`<meta http-equiv="Content-Security-Policy" content="${REFERENCE_CSP}">`);
      expect(REFERENCE_CSP).toMatch(/^default-src 'none';/);
      expect(REFERENCE_CSP).not.toMatch(/https?:/);
      // The bundle is inline: no script or stylesheet from a URL.
      expect(html).not.toMatch(/<script[^>]+src=/i);
      expect(html).not.toMatch(/<link[^>]+(stylesheet|modulepreload)/i);
      expect(html).toContain('hydrate(__redoc_definition');
      expect(html).toContain('<a href="../index.html">kzpki</a>');
    }
  });

  it('the references embed every operation of both specs, and the error codes', () => {
    for (const [spec, page] of [
      ['ca.yaml', 'reference/ca.html'],
      ['status.yaml', 'reference/status.html'],
    ] as const) {
      const definition = embeddedDefinition(pages.get(page) as string);
      const embedded = Object.values(definition.paths).flatMap((ops) =>
        Object.values(ops).flatMap((op) => (op.operationId ? [op.operationId] : [])),
      );
      const ids = operationIds(spec);
      expect(ids.length).toBeGreaterThan(5);
      expect(embedded.sort()).toEqual(ids.sort());
    }
    const ca = embeddedDefinition(pages.get('reference/ca.html') as string);
    expect(ca.components.schemas.ErrorCode?.enum).toContain('ERR_PHONE_NOT_REGISTERED');
  });

  it('renders the profiles table from TEMPLATES and templateProfile()', () => {
    const html = pages.get('guides/profiles.html') as string;
    for (const name of Object.keys(TEMPLATES) as Array<keyof typeof TEMPLATES>) {
      expect(html).toContain(`<strong>${name}</strong>`);
      for (const purpose of ['auth', 'sign'] as const) {
        for (const oid of [
          ...templateProfile(name, purpose).extKeyUsage,
          ...templateProfile(name, purpose).policies,
        ]) {
          expect(html).toContain(`<code>${oid}</code>`);
        }
      }
    }
  });

  it('draws the flow as an inline SVG, marks the tested samples, and links pages across folders', () => {
    expect(pages.get('guides/flow.html')).toMatch(/<svg [^>]*class="sequence"/);
    expect(pages.get('guides/quick-start-integrator.html')).toContain('<span class="tested"');
    // docs/domain.md links to guides/providers.md: from domain.html that is guides/providers.html.
    expect(pages.get('domain.html')).toContain('href="guides/providers.html"');
    expect(pages.get('domain.html')).toContain('<h2 id="identifiers-iin-and-bin">');
  });
});

describe('the renderers', () => {
  it('Markdown: escapes HTML, keeps code literal, drops unsafe links', () => {
    const html = renderMarkdown(
      'Hi <script>x</script> `<b>` [a](javascript:void%200) [b](flow.md) **bold**\n\n<div onclick="x()">raw</div>\n',
    );
    expect(html).toContain(
      '<p>Hi &lt;script&gt;x&lt;/script&gt; <code>&lt;b&gt;</code> a <a href="flow.md">b</a> <strong>bold</strong></p>',
    );
    expect(html).toContain('&lt;div onclick=&quot;x()&quot;&gt;raw&lt;/div&gt;');
    expect(html).not.toMatch(/<(script|div)/);
  });

  it('Markdown: images only through the resolver (pages embed them as data: URLs)', () => {
    const html = renderMarkdown('![the cabinet](shot.png)', {
      image: (src) => `data:image/png;base64,${src.length}`,
    });
    expect(html.trim()).toBe('<p><img src="data:image/png;base64,8" alt="the cabinet"></p>');
    expect(renderMarkdown('![alt](x.png)').trim()).toBe('<p>alt</p>');
  });

  it('Markdown: headings with unique ids and a table of contents, tables, nested lists, fenced code', () => {
    const headings: Array<{ level: number; id: string; text: string }> = [];
    const html = renderMarkdown(
      '# A `b`\n\n## Ы ы\n\n## Ы ы\n\n| x | y |\n| --- | ---: |\n| 1 | `2` |\n\n- one\n  - two\n\n```ts test\nconst a = 1 < 2;\n```\n',
      {},
      headings,
    );
    expect(html).toContain('<h1 id="a-b">A <code>b</code></h1>');
    expect(headings).toEqual([
      { level: 1, id: 'a-b', text: 'A b' },
      { level: 2, id: 'ы-ы', text: 'Ы ы' },
      { level: 2, id: 'ы-ы-2', text: 'Ы ы' },
    ]);
    expect(html).toContain('<td align="right"><code>2</code></td>');
    expect(html.replace(/\n/g, '')).toContain('<ul><li>one<ul><li>two</li></ul></li></ul>');
    expect(html).toContain('<pre><code class="language-ts">const a = 1 &lt; 2;</code></pre>');
  });

  it('Markdown: code blocks go through renderCode with language and tags', () => {
    const seen: unknown[] = [];
    const html = renderMarkdown('```sh test slow\nnpx kzpki --help\n```\n', {
      renderCode: (block) => {
        seen.push(block);
        return '<x-sample></x-sample>';
      },
    });
    expect(seen).toEqual([{ lang: 'sh', meta: 'test slow', code: 'npx kzpki --help' }]);
    expect(html).toBe('<x-sample></x-sample>');
  });

  it('profiles: one Markdown table row per template and key', () => {
    const table = profilesMarkdown({
      TEMPLATES: {
        t: {
          name: 't',
          kind: 'legal-entity',
          title: { ru: 'Т | р', kk: 'к', en: 'T' },
          firstManagerApproval: true,
          requiredSubjectFields: ['bin'],
        },
      },
      templateProfile: (_name, purpose) => ({
        keyUsage: ['digitalSignature'],
        keyUsageCritical: purpose === 'auth',
        extKeyUsage: ['1.2.3'],
        policies: ['1.2.4'],
      }),
      describeOid: (oid) => (oid === '1.2.3' ? 'role' : oid),
    });
    const rows = table.trim().split('\n');
    expect(rows).toHaveLength(4);
    expect(rows[2]).toBe(
      '| **t** Т \\| р (T) | legal-entity, approved by the first manager | AUTH | digitalSignature (critical) | `1.2.3` role | `1.2.4` | CN, SURNAME, SERIALNUMBER=IIN…, C=KZ, OU=BIN…, GIVENNAME (patronymic) |',
    );
    expect(renderMarkdown(table)).toContain('<td><strong>t</strong> Т | р (T)</td>');
  });

  it('sequence diagrams: parses the subset and refuses anything else', () => {
    const src =
      'sequenceDiagram\n  participant A as Alice\n  A->>B: hello\n  B-->>A: hi\n  Note over A,B: done';
    expect(parseSequence(src)).toEqual({
      participants: [
        { id: 'A', label: 'Alice' },
        { id: 'B', label: 'B' },
      ],
      steps: [
        { kind: 'message', from: 'A', to: 'B', text: 'hello', dashed: false },
        { kind: 'message', from: 'B', to: 'A', text: 'hi', dashed: true },
        { kind: 'note', over: ['A', 'B'], side: 'over', text: 'done' },
      ],
    });
    expect(sequenceSvg(src, 'Greeting')).toMatch(/^<svg [^>]+><title>Greeting<\/title>.*<\/svg>$/s);
    expect(() => parseSequence('sequenceDiagram\n  loop every day')).toThrow(/Unsupported/);
  });
});
