/**
 * The docs site build (docs/build.ts): every guide and both API references are written, pages are
 * self-contained (no scripts, nothing loaded from elsewhere), the references cover every
 * operation of the specs, and the profiles table is the data of @kzpki/pki.
 */
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TEMPLATES, templateProfile } from '@kzpki/pki';
import { tempDir } from '@kzpki/test-fixtures';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSite, GUIDES } from '../../../docs/build.js';
import { renderMarkdown } from '../../../docs/lib/markdown.js';
import { parseSequence, sequenceSvg } from '../../../docs/lib/sequence-svg.js';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));
let out: ReturnType<typeof tempDir>;
let pages: Map<string, string>;

beforeAll(async () => {
  out = tempDir('kzpki-docs-site-');
  const written = await buildSite({ outDir: out.dir });
  pages = new Map(written.map((p) => [relative(out.dir, p), readFileSync(p, 'utf8')]));
}, 60_000);

afterAll(() => out?.dispose());

function operationIds(spec: string): string[] {
  return [
    ...readFileSync(join(REPO, 'openapi', spec), 'utf8').matchAll(/^\s+operationId:\s*(\S+)\s*$/gm),
  ].map((m) => m[1] as string);
}

describe('the docs site', () => {
  it('has a page per guide and per API reference', () => {
    const expected = [
      'index.html',
      ...GUIDES.filter((g) => g.file !== 'index.md').map((g) => `guides/${g.file.replace('.md', '.html')}`),
      'reference/ca.html',
      'reference/status.html',
    ];
    expect([...pages.keys()].sort()).toEqual(expected.sort());
  });

  it('is self-contained: no scripts, no remote resources, a CSP that forbids both', () => {
    for (const [name, html] of pages) {
      expect(html, name).not.toMatch(/<script/i);
      expect(html, name).not.toMatch(/\s(src|href)="(https?:)?\/\/[^"]*\.(js|css|woff2?)"/i);
      expect(html, name).not.toMatch(/<link[^>]+stylesheet/i);
      expect(html, name).toContain(`content="default-src 'none'; style-src 'unsafe-inline'; img-src data:"`);
    }
  });

  it('documents every operation of both specs', () => {
    for (const [spec, page] of [
      ['ca.yaml', 'reference/ca.html'],
      ['status.yaml', 'reference/status.html'],
    ] as const) {
      const ids = operationIds(spec);
      expect(ids.length).toBeGreaterThan(5);
      for (const id of ids) expect(pages.get(page), `${spec} ${id}`).toContain(`id="op-${id}"`);
    }
    expect(pages.get('reference/ca.html')).toContain('id="schema-errorcode"');
    expect(pages.get('reference/ca.html')).toContain('ERR_PHONE_NOT_REGISTERED');
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

  it('draws the flow as an inline SVG and marks the tested samples', () => {
    expect(pages.get('guides/flow.html')).toMatch(/<svg [^>]*class="sequence"/);
    expect(pages.get('guides/quick-start-integrator.html')).toContain('<span class="tested"');
  });
});

describe('the renderers', () => {
  it('Markdown: escapes HTML, keeps code literal, drops unsafe links', () => {
    const html = renderMarkdown('Hi <script>x</script> `<b>` [a](javascript:void%200) [b](flow.md) **bold**');
    expect(html).toBe(
      '<p>Hi &lt;script&gt;x&lt;/script&gt; <code>&lt;b&gt;</code> a <a href="flow.md">b</a> <strong>bold</strong></p>',
    );
  });

  it('Markdown: images only through the resolver (pages embed them as data: URLs)', () => {
    const html = renderMarkdown('![the cabinet](shot.png)', {
      image: (src) => `data:image/png;base64,${src.length}`,
    });
    expect(html).toBe('<p><img src="data:image/png;base64,8" alt="the cabinet"></p>');
    expect(renderMarkdown('![alt](x.png)')).toBe('<p>alt</p>');
  });

  it('Markdown: headings with ids, tables, nested lists, fenced code', () => {
    const html = renderMarkdown(
      '# A b\n\n| x | y |\n| --- | ---: |\n| 1 | `2` |\n\n- one\n  - two\n\n```ts test\nconst a = 1 < 2;\n```\n',
    );
    expect(html).toContain('<h1 id="a-b">A b</h1>');
    expect(html).toContain('<td style="text-align:right"><code>2</code></td>');
    expect(html).toContain('<ul><li>one<ul><li>two</li></ul></li></ul>');
    expect(html).toContain('<pre><code class="language-ts">const a = 1 &lt; 2;</code></pre>');
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
